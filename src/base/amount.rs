//! Token amounts in scenario files: a non-negative integer or a string of
//! digits up to `u128::MAX` (TOML integers stop at 2^63 - 1). Written back
//! as strings.

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

/// An amount in smallest units (the protocol's `Amount`).
type Amount = u128;

/// Writes an amount as a decimal string.
pub fn serialize<S: Serializer>(v: &Amount, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&v.to_string())
}

struct AmountVisitor;

impl Visitor<'_> for AmountVisitor {
    type Value = Amount;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an amount (a non-negative integer, or a string of digits up to 2^128 - 1)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Amount, E> {
        u128::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Amount, E> {
        Ok(v as Amount)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Amount, E> {
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Err(E::invalid_value(de::Unexpected::Str(v), &self));
        }
        v.parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// Reads an amount.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Amount, D::Error> {
    d.deserialize_any(AmountVisitor)
}

/// An optional amount (`with = "amount::optional"`, together with
/// `default` and `skip_serializing_if = "Option::is_none"`).
pub mod optional {
    use super::*;

    /// Writes a present amount as a decimal string.
    pub fn serialize<S: Serializer>(v: &Option<Amount>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => super::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    /// Reads an amount that is present.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Amount>, D::Error> {
        super::deserialize(d).map(Some)
    }
}

/// An amount's JSON Schema (`#[schemars(with = "amount::Schema")]`): a
/// non-negative integer, or a string of digits for amounts past TOML's
/// integers.
pub struct Schema;

impl schemars::JsonSchema for Schema {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Amount".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "anyOf": [
                { "type": "integer", "minimum": 0 },
                { "type": "string", "pattern": "^[0-9]+$" }
            ]
        })
    }
}
