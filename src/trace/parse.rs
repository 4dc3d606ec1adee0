//! Reading and validating a replay trace (docs/model.md section 11). Every check that
//! can be made before replaying is made here, so a bad file fails before
//! anything is printed.

use std::path::Path;

use serde::Deserialize;
use serde::de::IgnoredAny;
use toml::{Table, Value};

use crate::protocol::state::check_block;
use crate::protocol::{
    BlockInput, BlockNumber, BoosterConfig, Params, Payload, ProtocolError, ProverId, SequencerId,
    Slot, Version,
};
use crate::text::line_column;

use super::error::{Place, TraceError};
use super::fields::{
    AMOUNT, Bps, Choice, Count, INTEGER, Name, Named, TokenAmount, describe, fields_of, one_of,
};
use super::names::Names;
use super::reader::Reader;

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
    /// The canonical rollup becomes this version (a migration): its rules
    /// and constants, and every booster record starting empty.
    Migrate(Version),
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

/// A trace file's top-level keys.
const DOCUMENT: &[&str] = &["params", "booster", "events"];

/// The `[params]` table.
#[derive(Deserialize)]
struct ParamsTable {
    epoch_duration: Option<Count>,
    proof_submission_epochs: Option<Count>,
    checkpoint_reward: Option<TokenAmount>,
    sequencer_bps: Option<Bps>,
    distributor_funding: Option<TokenAmount>,
    end_slot: Option<Count>,
    protocol: Option<Choice<Version>>,
}

/// What an event is, by its `kind`.
#[derive(Copy, Clone)]
enum EventKindName {
    Block,
    Proof,
    Set,
    Migrate,
}

impl Named for EventKindName {
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("block", EventKindName::Block),
        ("proof", EventKindName::Proof),
        ("set", EventKindName::Set),
        ("migrate", EventKindName::Migrate),
    ];
}

/// A `block` event; `slot` and `kind` are read before it.
#[derive(Deserialize)]
struct BlockEvent {
    #[serde(rename = "slot")]
    _slot: Option<IgnoredAny>,
    #[serde(rename = "kind")]
    _kind: Option<IgnoredAny>,
    proposer: Option<Name>,
    mana_used: Option<Count>,
    fee: Option<TokenAmount>,
    prover_cost_per_mana: Option<TokenAmount>,
    protocol_fee_per_mana: Option<TokenAmount>,
}

/// A `proof` event.
#[derive(Deserialize)]
struct ProofEvent {
    #[serde(rename = "slot")]
    _slot: Option<IgnoredAny>,
    #[serde(rename = "kind")]
    _kind: Option<IgnoredAny>,
    prover: Option<Name>,
    end: Option<Count>,
}

/// A `migrate` event: the rollup becomes another version.
#[derive(Deserialize)]
struct MigrateEvent {
    #[serde(rename = "slot")]
    _slot: Option<IgnoredAny>,
    #[serde(rename = "kind")]
    _kind: Option<IgnoredAny>,
    protocol: Option<Choice<Version>>,
}

/// A `set` event: an executed governance payload.
#[derive(Deserialize)]
struct SetEvent {
    #[serde(rename = "slot")]
    _slot: Option<IgnoredAny>,
    #[serde(rename = "kind")]
    _kind: Option<IgnoredAny>,
    checkpoint_reward: Option<TokenAmount>,
    sequencer_bps: Option<Bps>,
    distributor_top_up: Option<TokenAmount>,
    /// Taken out and read as a booster table before the rest.
    #[serde(rename = "booster")]
    _booster: Option<IgnoredAny>,
}

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
    let mut doc: Table = head
        .parse()
        .map_err(|e: toml::de::Error| syntax(e.message(), e.span().map(|s| s.start)))?;
    let top = Reader {
        file,
        place: Place::File,
        prefix: "",
    };
    top.known_keys(&doc, DOCUMENT)?;
    let r = Reader {
        file,
        place: Place::Table("params"),
        prefix: "",
    };
    let params_table = top.take_table(&mut doc, "params")?;
    let booster_table = top.take_table(&mut doc, "booster")?;
    let whole = match doc.remove("events") {
        None => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(v) => {
            return Err(top.err(
                "events",
                format!(
                    "expected an array of tables ([[events]]), found {}",
                    describe(&v)
                ),
            ));
        }
    };
    let p: ParamsTable = r.read(top.required(params_table, "params", "a [params] table")?)?;
    let epoch_duration = r.required(p.epoch_duration, "epoch_duration", INTEGER)?.0;
    let proof_submission_epochs = r
        .required(
            p.proof_submission_epochs,
            "proof_submission_epochs",
            INTEGER,
        )?
        .0;
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
    let mut version = p.protocol.map_or(Version::V4, |c| c.0);
    let params = Params {
        epoch_duration,
        proof_submission_epochs,
        checkpoint_reward: r
            .required(p.checkpoint_reward, "checkpoint_reward", AMOUNT)?
            .0,
        sequencer_bps: r.required(p.sequencer_bps, "sequencer_bps", INTEGER)?.0,
        distributor_funding: r
            .required(p.distributor_funding, "distributor_funding", AMOUNT)?
            .0,
        proving_cost_per_mana: 0,
        version,
        // Not in a trace: only a change of proving_cost_per_mana, which a
        // trace cannot make, needs it.
        slot_duration: 72,
    };
    let end_slot = r.required(p.end_slot, "end_slot", INTEGER)?.0;
    let booster = match booster_table {
        Some(t) => Reader {
            file,
            place: Place::Table("booster"),
            prefix: "",
        }
        .booster(t, version)?,
        None => version.booster(),
    };

    let mut provers = Names::default();
    let mut sequencers = Names::default();
    let count = starts.as_ref().map_or(whole.len(), |s| s.len());
    let mut events = Vec::with_capacity(count);
    let mut last_slot: Option<(Slot, usize)> = None;
    let mut last_block_slot: Option<(Slot, usize)> = None;
    let mut whole = whole.into_iter();
    for i in 0..count {
        let index = i + 1;
        let raw = match &starts {
            Some(s) => {
                let end = s.get(i + 1).copied().unwrap_or(text.len());
                super::chunks::parse_event(text, s[i], end).map_err(|(m, at)| syntax(&m, at))?
            }
            None => whole.next().expect("one value per event"),
        };
        let mut r = Reader {
            file,
            place: Place::Event { index, slot: None },
            prefix: "",
        };
        let Value::Table(mut t) = raw else {
            return Err(r.err("", format!("expected a table, found {}", describe(&raw))));
        };
        let slot = r
            .required(r.field::<Count>(&t, "slot")?, "slot", INTEGER)?
            .0;
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
        let Some(kind) = r.choice::<EventKindName>(&t, "kind")? else {
            return Err(r.missing("kind", &one_of::<EventKindName>()));
        };
        let kind = match kind {
            EventKindName::Block => {
                let b: BlockEvent = r.read(t)?;
                if let Some((prev, prev_index)) = last_block_slot
                    && prev == slot
                {
                    return Err(r.err(
                        "slot",
                        format!("event {prev_index} already builds a block in slot {slot}; one block per slot"),
                    ));
                }
                last_block_slot = Some((slot, index));
                let proposer = r.required(b.proposer, "proposer", "a non-empty string")?;
                let input = BlockInput {
                    slot,
                    proposer: SequencerId(sequencers.intern(&proposer.0)),
                    mana_used: r.required(b.mana_used, "mana_used", INTEGER)?.0,
                    fee: r.required(b.fee, "fee", AMOUNT)?.0,
                    prover_cost_per_mana: r
                        .required(b.prover_cost_per_mana, "prover_cost_per_mana", AMOUNT)?
                        .0,
                    protocol_fee_per_mana: r
                        .required(b.protocol_fee_per_mana, "protocol_fee_per_mana", AMOUNT)?
                        .0,
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
            EventKindName::Proof => {
                let p: ProofEvent = r.read(t)?;
                let prover = r.required(p.prover, "prover", "a non-empty string")?;
                TraceEventKind::Proof {
                    prover: ProverId(provers.intern(&prover.0)),
                    end: r.required(p.end, "end", INTEGER)?.0,
                }
            }
            EventKindName::Set => {
                r.known_keys(&t, fields_of::<SetEvent>())?;
                let booster = match r.take_table(&mut t, "booster")? {
                    None => None,
                    Some(b) => Some(
                        Reader {
                            file,
                            place: r.place.clone(),
                            prefix: "booster.",
                        }
                        .booster(b, version)?,
                    ),
                };
                let s: SetEvent = r.read(t)?;
                let payload = Payload {
                    checkpoint_reward: s.checkpoint_reward.map(|a| a.0),
                    sequencer_bps: s.sequencer_bps.map(|b| b.0),
                    proving_cost_per_mana: None,
                    distributor_top_up: s.distributor_top_up.map(|a| a.0),
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
            EventKindName::Migrate => {
                let m: MigrateEvent = r.read(t)?;
                // Later events are read by the new version's rules.
                version = r.required(m.protocol, "protocol", &one_of::<Version>())?.0;
                TraceEventKind::Migrate(version)
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
