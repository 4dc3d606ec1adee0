//! Reading and validating a replay trace (docs/model.md section 11). Every check that
//! can be made before replaying is made here, so a bad file fails before
//! anything is printed.

use std::path::Path;

use toml::{Table, Value};

use crate::protocol::state::check_block;
use crate::protocol::{
    BlockInput, BlockNumber, BoosterConfig, Params, Payload, ProtocolError, ProverId, SequencerId,
    Slot, Version,
};
use crate::text::line_column;

use super::error::{Place, TraceError};
use super::names::Names;
use super::reader::{INTEGER, Reader, describe};

/// One event of a trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceEvent {
    /// Its position in the file, from 1.
    pub index: usize,
    /// The slot it happens in.
    pub slot: Slot,
    /// What happens.
    pub kind: TraceEventKind,
}

/// What a trace event does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TraceEventKind {
    /// The next block on the pending chain.
    Block(BlockInput),
    /// A proof submission of `first(e) ..= end`.
    Proof {
        /// Who submits.
        prover: ProverId,
        /// The last block proven.
        end: BlockNumber,
    },
    /// An executed governance payload.
    Set(Payload),
}

/// A validated replay trace.
#[derive(Clone, Debug)]
pub struct Trace {
    /// The file it was read from, as named by the user.
    pub file: String,
    /// The protocol's parameters at genesis.
    pub params: Params,
    /// The booster at genesis.
    pub booster: BoosterConfig,
    /// Replay through this slot, inclusive.
    pub end_slot: Slot,
    /// The events, in file order (slots never decrease).
    pub events: Vec<TraceEvent>,
    /// Prover names by id.
    pub provers: Names,
    /// Sequencer names by id.
    pub sequencers: Names,
}

const PARAMS_KEYS: &[&str] = &[
    "epoch_duration",
    "proof_submission_epochs",
    "checkpoint_reward",
    "sequencer_bps",
    "distributor_funding",
    "end_slot",
    "protocol",
];
const BLOCK_KEYS: &[&str] = &[
    "slot",
    "kind",
    "proposer",
    "mana_used",
    "fee",
    "prover_cost_per_mana",
    "protocol_fee_per_mana",
];
const PROOF_KEYS: &[&str] = &["slot", "kind", "prover", "end"];
const SET_KEYS: &[&str] = &[
    "slot",
    "kind",
    "checkpoint_reward",
    "sequencer_bps",
    "distributor_top_up",
    "booster",
];

/// Reads and validates a trace file.
pub fn load(path: &Path) -> Result<Trace, TraceError> {
    let file = path.display().to_string();
    let text =
        crate::base::files::read_text(path, crate::base::files::TRACE_LIMIT).map_err(|e| {
            TraceError {
                file: file.clone(),
                place: Place::File,
                key: None,
                message: format!("cannot read the file: {e}"),
            }
        })?;
    parse(&file, &text)
}

/// Parses and validates a trace given as text; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Trace, TraceError> {
    let syntax = |message: &str, at: Option<usize>| {
        let place = match at {
            Some(offset) => {
                let (line, column) = line_column(text, offset);
                Place::Line { line, column }
            }
            None => Place::File,
        };
        TraceError {
            file: file.to_string(),
            place,
            key: None,
            message: format!("not valid TOML: {message}"),
        }
    };
    // The head ([params], [booster]) whole; the events one by one when the
    // file allows it (see `chunks`).
    let starts = super::chunks::event_starts(text);
    let head = match &starts {
        Some(s) => &text[..s[0]],
        None => text,
    };
    let doc: Table = head
        .parse()
        .map_err(|e: toml::de::Error| syntax(e.message(), e.span().map(|s| s.start)))?;
    let top = Reader {
        file,
        place: Place::File,
        prefix: "",
    };
    top.check_keys(&doc, &["params", "booster", "events"])?;
    let table = |key: &str| -> Result<Option<&Table>, TraceError> {
        match doc.get(key) {
            None => Ok(None),
            Some(Value::Table(t)) => Ok(Some(t)),
            Some(v) => Err(top.err(key, format!("expected a table, found {}", describe(v)))),
        }
    };
    let params_table = table("params")?.ok_or_else(|| top.missing("params", "a [params] table"))?;
    let r = Reader {
        file,
        place: Place::Table("params"),
        prefix: "",
    };
    r.check_keys(params_table, PARAMS_KEYS)?;
    let epoch_duration = r.required_integer(params_table, "epoch_duration")?;
    let proof_submission_epochs = r.required_integer(params_table, "proof_submission_epochs")?;
    for (key, v) in [
        ("epoch_duration", epoch_duration),
        ("proof_submission_epochs", proof_submission_epochs),
    ] {
        if v == 0 {
            return Err(r.err(key, "expected a positive integer, found 0"));
        }
    }
    // A trace that names no version replays v4's rules, as every trace
    // written before versions did.
    let version = r
        .choice(
            params_table,
            "protocol",
            &Version::ALL.map(|v| (v.name(), v)),
        )?
        .unwrap_or(Version::V4);
    let params = Params {
        epoch_duration,
        proof_submission_epochs,
        checkpoint_reward: r.required_amount(params_table, "checkpoint_reward")?,
        sequencer_bps: r
            .sequencer_bps(params_table)?
            .ok_or_else(|| r.missing("sequencer_bps", INTEGER))?,
        distributor_funding: r.required_amount(params_table, "distributor_funding")?,
        proving_cost_per_mana: 0,
        version,
        // Not in a trace: only a change of proving_cost_per_mana, which a
        // trace cannot make, needs it.
        slot_duration: 72,
    };
    let end_slot = r.required_integer(params_table, "end_slot")?;
    let booster = match table("booster")? {
        Some(t) => Reader {
            file,
            place: Place::Table("booster"),
            prefix: "",
        }
        .booster(t, version)?,
        None => version.booster(),
    };

    let whole: &[Value] = match doc.get("events") {
        None => &[],
        Some(Value::Array(a)) => a,
        Some(v) => {
            return Err(top.err(
                "events",
                format!(
                    "expected an array of tables ([[events]]), found {}",
                    describe(v)
                ),
            ));
        }
    };
    let mut provers = Names::default();
    let mut sequencers = Names::default();
    let count = starts.as_ref().map_or(whole.len(), |s| s.len());
    let mut events = Vec::with_capacity(count);
    let mut last_slot: Option<(Slot, usize)> = None;
    let mut last_block_slot: Option<(Slot, usize)> = None;
    for i in 0..count {
        let index = i + 1;
        let owned;
        let raw = match &starts {
            Some(s) => {
                let end = s.get(i + 1).copied().unwrap_or(text.len());
                owned = super::chunks::parse_event(text, s[i], end)
                    .map_err(|(m, at)| syntax(&m, at))?;
                &owned
            }
            None => &whole[i],
        };
        let mut r = Reader {
            file,
            place: Place::Event { index, slot: None },
            prefix: "",
        };
        let Value::Table(t) = raw else {
            return Err(r.err("", format!("expected a table, found {}", describe(raw))));
        };
        let slot = r.required_integer(t, "slot")?;
        r.place = Place::Event {
            index,
            slot: Some(slot),
        };
        if let Some((prev, prev_index)) = last_slot
            && slot < prev
        {
            return Err(r.err(
                "slot",
                format!("slots never decrease, but event {prev_index} is at slot {prev}"),
            ));
        }
        last_slot = Some((slot, index));
        #[derive(Copy, Clone)]
        enum Kind {
            Block,
            Proof,
            Set,
        }
        let kind = r
            .choice(
                t,
                "kind",
                &[
                    ("block", Kind::Block),
                    ("proof", Kind::Proof),
                    ("set", Kind::Set),
                ],
            )?
            .ok_or_else(|| r.missing("kind", "one of \"block\", \"proof\", \"set\""))?;
        let kind = match kind {
            Kind::Block => {
                r.check_keys(t, BLOCK_KEYS)?;
                if let Some((prev, prev_index)) = last_block_slot
                    && prev == slot
                {
                    return Err(r.err(
                        "slot",
                        format!("event {prev_index} already builds a block in slot {slot}; one block per slot"),
                    ));
                }
                last_block_slot = Some((slot, index));
                let proposer = r.required_string(t, "proposer")?;
                let input = BlockInput {
                    slot,
                    proposer: SequencerId(sequencers.intern(proposer)),
                    mana_used: r.required_integer(t, "mana_used")?,
                    fee: r.required_amount(t, "fee")?,
                    prover_cost_per_mana: r.required_amount(t, "prover_cost_per_mana")?,
                    protocol_fee_per_mana: r.required_amount(t, "protocol_fee_per_mana")?,
                };
                check_block(&input).map_err(|e| match e {
                    ProtocolError::ProtocolFeeAboveFee { fee, protocol_fee } => r.err(
                        "protocol_fee_per_mana",
                        format!(
                            "the protocol fee protocol_fee_per_mana * mana_used = {protocol_fee} \
                             exceeds the block's fee {fee}; expected at most the fee"
                        ),
                    ),
                    ProtocolError::Overflow(o) if o.0.starts_with("prover") => {
                        r.err("prover_cost_per_mana", o.to_string())
                    }
                    other => r.err("protocol_fee_per_mana", other.to_string()),
                })?;
                TraceEventKind::Block(input)
            }
            Kind::Proof => {
                r.check_keys(t, PROOF_KEYS)?;
                let prover = r.required_string(t, "prover")?;
                let end = r.required_integer(t, "end")?;
                TraceEventKind::Proof {
                    prover: ProverId(provers.intern(prover)),
                    end,
                }
            }
            Kind::Set => {
                r.check_keys(t, SET_KEYS)?;
                let booster = match t.get("booster") {
                    None => None,
                    Some(Value::Table(b)) => Some(
                        Reader {
                            file,
                            place: r.place.clone(),
                            prefix: "booster.",
                        }
                        .booster(b, version)?,
                    ),
                    Some(v) => {
                        return Err(r.err(
                            "booster",
                            format!("expected a table, found {}", describe(v)),
                        ));
                    }
                };
                let payload = Payload {
                    checkpoint_reward: r.amount(t, "checkpoint_reward")?,
                    sequencer_bps: r.sequencer_bps(t)?,
                    proving_cost_per_mana: None,
                    distributor_top_up: r.amount(t, "distributor_top_up")?,
                    booster,
                };
                if let Some(key) = version.refused_key(&payload) {
                    return Err(r.err(
                        key,
                        format!(
                            "governance cannot change the {key} under {} (the trace's protocol); \
                             it sets checkpoint_reward, sequencer_bps and distributor top-ups",
                            version.name()
                        ),
                    ));
                }
                TraceEventKind::Set(payload)
            }
        };
        events.push(TraceEvent { index, slot, kind });
    }
    Ok(Trace {
        file: file.to_string(),
        params,
        booster,
        end_slot,
        events,
        provers,
        sequencers,
    })
}
