//! Reading a trace's tables into their serde types, each error naming the
//! file, the place (table or event) and the key.

use std::cell::RefCell;

use serde::Deserialize;
use serde::de::{self, Deserializer, IntoDeserializer};
use toml::{Table, Value};

use crate::protocol::booster::{Exponential, Quadratic, StreakDecay};
use crate::protocol::{Booster, BoosterConfig, Rule, ScoreOn, Version};
use crate::schema::{DecayName, RuleName};

use super::error::{Place, TraceError};
use super::fields::{Choice, Count, INTEGER, Named, Ppm, describe, fields_of, one_of};

/// Where the tables being read lie, for their errors.
pub(super) struct Reader<'a> {
    pub file: &'a str,
    pub place: Place,
    /// Prefix for key names (`booster.` inside a `set` event).
    pub prefix: &'a str,
}

impl Reader<'_> {
    /// An error at `key` (none when `key` is empty).
    pub(super) fn err(&self, key: &str, message: impl Into<String>) -> TraceError {
        TraceError {
            file: self.file.to_string(),
            place: self.place.clone(),
            key: (!key.is_empty()).then(|| format!("{}{key}", self.prefix)),
            message: message.into(),
        }
    }

    /// A required key that is not written.
    pub(super) fn missing(&self, key: &str, what: &str) -> TraceError {
        self.err(key, format!("missing; expected {what}"))
    }

    /// `value`, a required key's, or the error saying what it should be.
    pub(super) fn required<T>(
        &self,
        value: Option<T>,
        key: &str,
        what: &str,
    ) -> Result<T, TraceError> {
        value.ok_or_else(|| self.missing(key, what))
    }

    /// One key of `table` read as `T`, if it is written.
    pub(super) fn field<T: for<'de> Deserialize<'de>>(
        &self,
        table: &Table,
        key: &str,
    ) -> Result<Option<T>, TraceError> {
        table
            .get(key)
            .map(|v| T::deserialize(v.clone()).map_err(|e| self.err(key, e.message())))
            .transpose()
    }

    /// The name `table` holds at `key`, if it is written.
    pub(super) fn choice<T: Named>(
        &self,
        table: &Table,
        key: &str,
    ) -> Result<Option<T>, TraceError> {
        table
            .get(key)
            .map(|v| Choice::<T>::of(v).map_err(|m| self.err(key, m)))
            .transpose()
    }

    /// Refuses a key of `table` that is not `allowed`, naming the allowed.
    pub(super) fn known_keys(&self, table: &Table, allowed: &[&str]) -> Result<(), TraceError> {
        match table.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(key) => Err(self.err(
                key,
                format!("unknown key; expected one of: {}", allowed.join(", ")),
            )),
            None => Ok(()),
        }
    }

    /// Takes the table at `key` out of `table`, if it is written. (A table
    /// is taken whole, not through serde, which would hand its dates on as
    /// text.)
    pub(super) fn take_table(
        &self,
        table: &mut Table,
        key: &str,
    ) -> Result<Option<Table>, TraceError> {
        match table.remove(key) {
            None => Ok(None),
            Some(Value::Table(t)) => Ok(Some(t)),
            Some(v) => Err(self.err(key, format!("expected a table, found {}", describe(&v)))),
        }
    }

    /// A table read as `T`: a key `T` does not have is refused by name with
    /// the keys it has, then every value is read by its type.
    pub(super) fn read<T: for<'de> Deserialize<'de>>(&self, table: Table) -> Result<T, TraceError> {
        self.known_keys(&table, fields_of::<T>())?;
        let failed = RefCell::new(None);
        T::deserialize(Keyed {
            table,
            failed: &failed,
        })
        .map_err(|e| self.err(failed.borrow().as_deref().unwrap_or(""), e.message()))
    }

    /// A booster table: omitted keys take the quadratic values `version`
    /// deploys; the exponential rule has no defaults.
    pub(super) fn booster(
        &self,
        table: Table,
        version: Version,
    ) -> Result<BoosterConfig, TraceError> {
        let b: BoosterTable = self.read(table)?;
        let score_on = b.score_on.map_or(version.score_on(), |c| c.0);
        let count = |v: Option<Count>, default: u64| v.map_or(default, |c| c.0);
        let needed = |v: Option<Count>, key: &str| self.required(v, key, INTEGER).map(|c| c.0);
        let rule = match b.rule.map_or(RuleName::Quadratic, |c| c.0) {
            RuleName::Flat => Rule::Flat,
            RuleName::Quadratic => {
                let d = version.quadratic();
                Rule::Quadratic(Quadratic {
                    increment: count(b.increment, d.increment),
                    max_score: count(b.max_score, d.max_score),
                    a: count(b.a, d.a),
                    minimum: count(b.minimum, d.minimum),
                    k: count(b.k, d.k),
                    decay_per_epoch: count(b.decay_per_epoch, d.decay_per_epoch),
                })
            }
            RuleName::Exponential => {
                let decay = match self.required(b.decay, "decay", &one_of::<DecayName>())?.0 {
                    DecayName::Reset => StreakDecay::Reset,
                    DecayName::Linear => StreakDecay::Linear {
                        per_missed_epoch: needed(b.per_missed_epoch, "per_missed_epoch")?,
                    },
                    DecayName::Geometric => StreakDecay::Geometric {
                        keep_ppm: self.required(b.keep_ppm, "keep_ppm", INTEGER)?.0,
                    },
                };
                Rule::Exponential(Exponential {
                    max_streak: needed(b.max_streak, "max_streak")?,
                    base: needed(b.base, "base")?.into(),
                    growth_ppm: needed(b.growth_ppm, "growth_ppm")?,
                    decay,
                })
            }
        };
        let config = BoosterConfig { rule, score_on };
        Booster::new(config).map_err(|e| self.err(e.key(&rule), e.to_string()))?;
        Ok(config)
    }
}

/// A table handed to serde as a struct, noting the key whose value failed
/// to read (a lighter path than tracking every key's: a trace has
/// millions).
struct Keyed<'k> {
    table: Table,
    failed: &'k RefCell<Option<String>>,
}

impl<'de> Deserializer<'de> for Keyed<'_> {
    type Error = toml::de::Error;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(KeyedEntries {
            entries: self.table.into_iter(),
            pending: None,
            failed: self.failed,
        })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

/// The entries of a [`Keyed`] table, one key and then its value.
struct KeyedEntries<'k> {
    entries: toml::map::IntoIter<String, Value>,
    pending: Option<(String, Value)>,
    failed: &'k RefCell<Option<String>>,
}

impl<'de> de::MapAccess<'de> for KeyedEntries<'_> {
    type Error = toml::de::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        let read = seed.deserialize(key.as_str().into_deserializer())?;
        self.pending = Some((key, value));
        Ok(Some(read))
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        let (key, value) = self.pending.take().expect("a value follows its key");
        seed.deserialize(value).inspect_err(|_| {
            *self.failed.borrow_mut() = Some(key);
        })
    }
}

/// A `[booster]` table (or a payload's `booster`) as written.
#[derive(Deserialize)]
struct BoosterTable {
    rule: Option<Choice<RuleName>>,
    score_on: Option<Choice<ScoreOn>>,
    increment: Option<Count>,
    max_score: Option<Count>,
    a: Option<Count>,
    minimum: Option<Count>,
    k: Option<Count>,
    decay_per_epoch: Option<Count>,
    max_streak: Option<Count>,
    base: Option<Count>,
    growth_ppm: Option<Count>,
    decay: Option<Choice<DecayName>>,
    per_missed_epoch: Option<Count>,
    keep_ppm: Option<Ppm>,
}
