//! Reading and validating a replay trace (SPEC section 11). Every check that
//! can be made before replaying is made here, so a bad file fails before
//! anything is printed.

use std::fmt;
use std::path::Path;

use toml::{Table, Value};

use crate::protocol::booster::{Exponential, Quadratic, StreakDecay};
use crate::protocol::state::check_block;
use crate::protocol::{
    Amount, BlockInput, BlockNumber, Booster, BoosterConfig, Params, Payload, ProtocolError,
    ProverId, Rule, ScoreOn, SequencerId, Slot,
};

use super::names::Names;

/// Where in a trace an error lies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// The file as a whole (unreadable, not TOML, a bad top-level key).
    File,
    /// A line and column of the file (a TOML syntax error).
    Line {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A top-level table, `[params]` or `[booster]`.
    Table(&'static str),
    /// An event, 1-based, with its slot when that is known.
    Event {
        /// The event's position in `[[events]]`, from 1.
        index: usize,
        /// Its slot, if it could be read.
        slot: Option<Slot>,
    },
    /// A slot start during the replay (settlement or prune).
    Slot(Slot),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::File => Ok(()),
            Place::Line { line, column } => write!(f, "line {line}, column {column}"),
            Place::Table(t) => write!(f, "[{t}]"),
            Place::Event {
                index,
                slot: Some(s),
            } => write!(f, "event {index} (slot {s})"),
            Place::Event { index, slot: None } => write!(f, "event {index}"),
            Place::Slot(s) => write!(f, "slot {s}"),
        }
    }
}

/// A trace that cannot be read or replayed: the file, the place, the key,
/// and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct TraceError {
    /// The file as named by the user.
    pub file: String,
    /// Where in it.
    pub place: Place,
    /// The key at fault, as a dotted path inside its table.
    pub key: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.place != Place::File {
            write!(f, ": {}", self.place)?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key '{key}'")?;
        }
        write!(f, ": {}", self.message)
    }
}

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
];
const BOOSTER_KEYS: &[&str] = &[
    "rule",
    "score_on",
    "increment",
    "max_score",
    "a",
    "minimum",
    "k",
    "decay_per_epoch",
    "max_streak",
    "base",
    "growth_ppm",
    "decay",
    "per_missed_epoch",
    "keep_ppm",
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

/// Describes a TOML value for an error message.
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string {s:?}"),
        Value::Integer(i) => format!("{i}"),
        Value::Float(x) => format!("the float {x:?}"),
        Value::Boolean(b) => format!("{b}"),
        Value::Datetime(d) => format!("the date {d}"),
        Value::Array(_) => "an array".to_string(),
        Value::Table(_) => "a table".to_string(),
    }
}

/// Reads values out of one table, naming the place and key on error.
struct Reader<'a> {
    file: &'a str,
    place: Place,
    /// Prefix for key names (`booster.` inside a `set` event).
    prefix: &'a str,
}

const AMOUNT: &str = "an amount (a non-negative integer, or a string of digits up to 2^128 - 1)";
const INTEGER: &str = "a non-negative integer";

impl Reader<'_> {
    fn err(&self, key: &str, message: impl Into<String>) -> TraceError {
        TraceError {
            file: self.file.to_string(),
            place: self.place.clone(),
            key: (!key.is_empty()).then(|| format!("{}{key}", self.prefix)),
            message: message.into(),
        }
    }

    fn check_keys(&self, table: &Table, allowed: &[&str]) -> Result<(), TraceError> {
        for key in table.keys() {
            if !allowed.contains(&key.as_str()) {
                return Err(self.err(
                    key,
                    format!("unknown key; expected one of: {}", allowed.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn missing(&self, key: &str, what: &str) -> TraceError {
        self.err(key, format!("missing; expected {what}"))
    }

    fn integer(&self, table: &Table, key: &str) -> Result<Option<u64>, TraceError> {
        match table.get(key) {
            None => Ok(None),
            Some(Value::Integer(i)) if *i >= 0 => Ok(Some(*i as u64)),
            Some(v) => Err(self.err(key, format!("expected {INTEGER}, found {}", describe(v)))),
        }
    }

    fn required_integer(&self, table: &Table, key: &str) -> Result<u64, TraceError> {
        self.integer(table, key)?
            .ok_or_else(|| self.missing(key, INTEGER))
    }

    fn amount(&self, table: &Table, key: &str) -> Result<Option<Amount>, TraceError> {
        let bad = |v: &Value| self.err(key, format!("expected {AMOUNT}, found {}", describe(v)));
        match table.get(key) {
            None => Ok(None),
            Some(Value::Integer(i)) if *i >= 0 => Ok(Some(*i as Amount)),
            Some(v @ Value::String(s)) => {
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad(v));
                }
                s.parse::<Amount>().map(Some).map_err(|_| bad(v))
            }
            Some(v) => Err(bad(v)),
        }
    }

    fn required_amount(&self, table: &Table, key: &str) -> Result<Amount, TraceError> {
        self.amount(table, key)?
            .ok_or_else(|| self.missing(key, AMOUNT))
    }

    fn string<'t>(&self, table: &'t Table, key: &str) -> Result<Option<&'t str>, TraceError> {
        match table.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
            Some(v) => Err(self.err(
                key,
                format!("expected a non-empty string, found {}", describe(v)),
            )),
        }
    }

    fn required_string<'t>(&self, table: &'t Table, key: &str) -> Result<&'t str, TraceError> {
        self.string(table, key)?
            .ok_or_else(|| self.missing(key, "a non-empty string"))
    }

    fn choice<T: Copy>(
        &self,
        table: &Table,
        key: &str,
        options: &[(&str, T)],
    ) -> Result<Option<T>, TraceError> {
        let names = || {
            options
                .iter()
                .map(|(n, _)| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match table.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => options
                .iter()
                .find(|(n, _)| n == s)
                .map(|&(_, t)| Some(t))
                .ok_or_else(|| self.err(key, format!("expected one of {}, found {s:?}", names()))),
            Some(v) => Err(self.err(
                key,
                format!("expected one of {}, found {}", names(), describe(v)),
            )),
        }
    }

    fn sequencer_bps(&self, table: &Table) -> Result<Option<u64>, TraceError> {
        match self.integer(table, "sequencer_bps")? {
            Some(bps) if bps > 10_000 => Err(self.err(
                "sequencer_bps",
                format!("expected at most 10000 (basis points), found {bps}"),
            )),
            x => Ok(x),
        }
    }

    /// A booster table: omitted keys take the deployed quadratic values; the
    /// exponential rule has no defaults.
    fn booster(&self, table: &Table) -> Result<BoosterConfig, TraceError> {
        self.check_keys(table, BOOSTER_KEYS)?;
        #[derive(Copy, Clone)]
        enum Kind {
            Flat,
            Quadratic,
            Exponential,
        }
        let kind = self
            .choice(
                table,
                "rule",
                &[
                    ("flat", Kind::Flat),
                    ("quadratic", Kind::Quadratic),
                    ("exponential", Kind::Exponential),
                ],
            )?
            .unwrap_or(Kind::Quadratic);
        let score_on = self
            .choice(
                table,
                "score_on",
                &[
                    ("any_proof", ScoreOn::AnyProof),
                    ("full_epoch", ScoreOn::FullEpoch),
                ],
            )?
            .unwrap_or_default();
        let int = |key: &str, default: u64| -> Result<u64, TraceError> {
            Ok(self.integer(table, key)?.unwrap_or(default))
        };
        let keep_ppm = self.integer(table, "keep_ppm")?;
        if let Some(k) = keep_ppm
            && k > 1_000_000
        {
            return Err(self.err("keep_ppm", format!("expected at most 1000000, found {k}")));
        }
        let rule = match kind {
            Kind::Flat => Rule::Flat,
            Kind::Quadratic => {
                let d = Quadratic::DEPLOYED;
                Rule::Quadratic(Quadratic {
                    increment: int("increment", d.increment)?,
                    max_score: int("max_score", d.max_score)?,
                    a: int("a", d.a)?,
                    minimum: int("minimum", d.minimum)?,
                    k: int("k", d.k)?,
                    decay_per_epoch: int("decay_per_epoch", d.decay_per_epoch)?,
                })
            }
            Kind::Exponential => {
                let decay_kind = self
                    .choice(
                        table,
                        "decay",
                        &[("reset", 0u8), ("linear", 1), ("geometric", 2)],
                    )?
                    .ok_or_else(|| {
                        self.missing("decay", "one of \"reset\", \"linear\", \"geometric\"")
                    })?;
                let decay = match decay_kind {
                    0 => StreakDecay::Reset,
                    1 => StreakDecay::Linear {
                        per_missed_epoch: self.required_integer(table, "per_missed_epoch")?,
                    },
                    _ => StreakDecay::Geometric {
                        keep_ppm: keep_ppm.ok_or_else(|| self.missing("keep_ppm", INTEGER))?,
                    },
                };
                Rule::Exponential(Exponential {
                    max_streak: self.required_integer(table, "max_streak")?,
                    base: self.required_integer(table, "base")? as Amount,
                    growth_ppm: self.required_integer(table, "growth_ppm")?,
                    decay,
                })
            }
        };
        let config = BoosterConfig { rule, score_on };
        Booster::new(config).map_err(|e| self.err(e.key(&rule), e.to_string()))?;
        Ok(config)
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Reads and validates a trace file.
pub fn load(path: &Path) -> Result<Trace, TraceError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| TraceError {
        file: file.clone(),
        place: Place::File,
        key: None,
        message: format!("cannot read the file: {e}"),
    })?;
    parse(&file, &text)
}

/// Parses and validates a trace given as text; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Trace, TraceError> {
    let doc: Table = text.parse().map_err(|e: toml::de::Error| {
        let place = match e.span() {
            Some(span) => {
                let (line, column) = line_column(text, span.start);
                Place::Line { line, column }
            }
            None => Place::File,
        };
        TraceError {
            file: file.to_string(),
            place,
            key: None,
            message: format!("not valid TOML: {}", e.message()),
        }
    })?;
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
    let params = Params {
        epoch_duration,
        proof_submission_epochs,
        checkpoint_reward: r.required_amount(params_table, "checkpoint_reward")?,
        sequencer_bps: r
            .sequencer_bps(params_table)?
            .ok_or_else(|| r.missing("sequencer_bps", INTEGER))?,
        distributor_funding: r.required_amount(params_table, "distributor_funding")?,
        proving_cost_per_mana: 0,
    };
    let end_slot = r.required_integer(params_table, "end_slot")?;
    let booster = match table("booster")? {
        Some(t) => Reader {
            file,
            place: Place::Table("booster"),
            prefix: "",
        }
        .booster(t)?,
        None => BoosterConfig::default(),
    };

    let raw_events: &[Value] = match doc.get("events") {
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
    let mut events = Vec::with_capacity(raw_events.len());
    let mut last_slot: Option<(Slot, usize)> = None;
    let mut last_block_slot: Option<(Slot, usize)> = None;
    for (i, raw) in raw_events.iter().enumerate() {
        let index = i + 1;
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
                        .booster(b)?,
                    ),
                    Some(v) => {
                        return Err(r.err(
                            "booster",
                            format!("expected a table, found {}", describe(v)),
                        ));
                    }
                };
                TraceEventKind::Set(Payload {
                    checkpoint_reward: r.amount(t, "checkpoint_reward")?,
                    sequencer_bps: r.sequencer_bps(t)?,
                    proving_cost_per_mana: None,
                    distributor_top_up: r.amount(t, "distributor_top_up")?,
                    booster,
                })
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
