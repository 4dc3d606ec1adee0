//! Reading typed values out of a trace's tables, each error naming the
//! file, the place (table or event) and the key.

use toml::{Table, Value};

use crate::protocol::booster::{Exponential, Quadratic, StreakDecay};
use crate::protocol::{Amount, Booster, BoosterConfig, Rule, ScoreOn, Version};

use super::error::{Place, TraceError};

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
/// Describes a TOML value for an error message.
pub(super) fn describe(v: &Value) -> String {
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
pub(super) struct Reader<'a> {
    pub file: &'a str,
    pub place: Place,
    /// Prefix for key names (`booster.` inside a `set` event).
    pub prefix: &'a str,
}

pub(super) const AMOUNT: &str =
    "an amount (a non-negative integer, or a string of digits up to 2^128 - 1)";
pub(super) const INTEGER: &str = "a non-negative integer";

impl Reader<'_> {
    pub(super) fn err(&self, key: &str, message: impl Into<String>) -> TraceError {
        TraceError {
            file: self.file.to_string(),
            place: self.place.clone(),
            key: (!key.is_empty()).then(|| format!("{}{key}", self.prefix)),
            message: message.into(),
        }
    }

    pub(super) fn check_keys(&self, table: &Table, allowed: &[&str]) -> Result<(), TraceError> {
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

    pub(super) fn missing(&self, key: &str, what: &str) -> TraceError {
        self.err(key, format!("missing; expected {what}"))
    }

    pub(super) fn integer(&self, table: &Table, key: &str) -> Result<Option<u64>, TraceError> {
        match table.get(key) {
            None => Ok(None),
            Some(Value::Integer(i)) if *i >= 0 => Ok(Some(*i as u64)),
            Some(v) => Err(self.err(key, format!("expected {INTEGER}, found {}", describe(v)))),
        }
    }

    pub(super) fn required_integer(&self, table: &Table, key: &str) -> Result<u64, TraceError> {
        self.integer(table, key)?
            .ok_or_else(|| self.missing(key, INTEGER))
    }

    pub(super) fn amount(&self, table: &Table, key: &str) -> Result<Option<Amount>, TraceError> {
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

    pub(super) fn required_amount(&self, table: &Table, key: &str) -> Result<Amount, TraceError> {
        self.amount(table, key)?
            .ok_or_else(|| self.missing(key, AMOUNT))
    }

    pub(super) fn string<'t>(
        &self,
        table: &'t Table,
        key: &str,
    ) -> Result<Option<&'t str>, TraceError> {
        match table.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s)),
            Some(v) => Err(self.err(
                key,
                format!("expected a non-empty string, found {}", describe(v)),
            )),
        }
    }

    pub(super) fn required_string<'t>(
        &self,
        table: &'t Table,
        key: &str,
    ) -> Result<&'t str, TraceError> {
        self.string(table, key)?
            .ok_or_else(|| self.missing(key, "a non-empty string"))
    }

    pub(super) fn choice<T: Copy>(
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

    pub(super) fn sequencer_bps(&self, table: &Table) -> Result<Option<u64>, TraceError> {
        match self.integer(table, "sequencer_bps")? {
            Some(bps) if bps > 10_000 => Err(self.err(
                "sequencer_bps",
                format!("expected at most 10000 (basis points), found {bps}"),
            )),
            x => Ok(x),
        }
    }

    /// A booster table: omitted keys take the quadratic values `version`
    /// deploys; the exponential rule has no defaults.
    pub(super) fn booster(
        &self,
        table: &Table,
        version: Version,
    ) -> Result<BoosterConfig, TraceError> {
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
            .unwrap_or(version.score_on());
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
                let d = version.quadratic();
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
