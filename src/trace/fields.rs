//! The typed values a trace's keys hold, read through serde. Each type
//! reads the key's TOML value first, so that a wrong one is described the
//! way every trace error describes it ("expected a non-negative integer,
//! found the string \"1\""), whatever the type it was.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer};
use toml::Value;

use crate::protocol::{Amount, ScoreOn, Version};
use crate::schema::{DecayName, RuleName};

/// What an amount may be written as.
pub(super) const AMOUNT: &str =
    "an amount (a non-negative integer, or a string of digits up to 2^128 - 1)";
/// What a count may be written as.
pub(super) const INTEGER: &str = "a non-negative integer";

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

/// Reads the key's TOML value, then makes `T` of it or says what was
/// expected.
fn read<'de, D: Deserializer<'de>, T>(
    d: D,
    make: impl FnOnce(Value) -> Result<T, String>,
) -> Result<T, D::Error> {
    // Asked for toml's datetime struct, a TOML deserializer hands a date
    // over as one (so that it is described as a date, not as its text) and
    // any other value as itself.
    let value = d.deserialize_struct(DATETIME, DATETIME_FIELDS, AnyValue)?;
    make(value).map_err(de::Error::custom)
}

/// The name under which `toml` passes a date through serde.
const DATETIME: &str = "$__toml_private_Datetime";
/// Its one field.
const DATETIME_FIELDS: &[&str] = &["$__toml_private_datetime"];

/// Makes a TOML value of whatever it is shown.
struct AnyValue;

impl<'de> de::Visitor<'de> for AnyValue {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a TOML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Boolean(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Integer(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        i64::try_from(v)
            .map(Value::Integer)
            .map_err(|_| E::custom(format!("{v} is beyond a TOML integer")))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
        Value::deserialize(de::value::SeqAccessDeserializer::new(seq))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        // toml's own reading of a map knows a date's.
        Value::deserialize(de::value::MapAccessDeserializer::new(map))
    }
}

/// A non-negative integer (a slot, a count, a constant of the booster).
#[derive(Copy, Clone, Debug)]
pub(super) struct Count(pub u64);

impl Count {
    fn of(v: Value) -> Result<u64, String> {
        match v {
            Value::Integer(i) if i >= 0 => Ok(i as u64),
            v => Err(format!("expected {INTEGER}, found {}", describe(&v))),
        }
    }
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read(d, |v| Count::of(v).map(Count))
    }
}

/// A ceiling on a count, and how its message names the unit.
pub(super) trait Ceiling {
    /// The largest count allowed.
    const MAX: u64;
    /// Said after the ceiling in a message (empty, or " (basis points)").
    const UNIT: &'static str;
}

/// A count no larger than `C::MAX`.
#[derive(Copy, Clone, Debug)]
pub(super) struct AtMost<C>(pub u64, PhantomData<C>);

impl<'de, C: Ceiling> Deserialize<'de> for AtMost<C> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read(d, |v| match Count::of(v)? {
            n if n > C::MAX => Err(format!("expected at most {}{}, found {n}", C::MAX, C::UNIT)),
            n => Ok(AtMost(n, PhantomData)),
        })
    }
}

/// Basis points: at most 10,000.
#[derive(Copy, Clone, Debug)]
pub(super) struct BasisPoints;

impl Ceiling for BasisPoints {
    const MAX: u64 = 10_000;
    const UNIT: &'static str = " (basis points)";
}

/// Parts per million: at most 1,000,000.
#[derive(Copy, Clone, Debug)]
pub(super) struct PartsPerMillion;

impl Ceiling for PartsPerMillion {
    const MAX: u64 = 1_000_000;
    const UNIT: &'static str = "";
}

/// A count of basis points.
pub(super) type Bps = AtMost<BasisPoints>;
/// A count of parts per million.
pub(super) type Ppm = AtMost<PartsPerMillion>;

/// A token amount: a non-negative integer, or a string of digits for
/// amounts past TOML's integers.
#[derive(Copy, Clone, Debug)]
pub(super) struct TokenAmount(pub Amount);

impl<'de> Deserialize<'de> for TokenAmount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read(d, |v| {
            let parsed = match &v {
                Value::Integer(i) => Amount::try_from(*i).ok(),
                Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
                    s.parse().ok()
                }
                _ => None,
            };
            parsed
                .map(TokenAmount)
                .ok_or_else(|| format!("expected {AMOUNT}, found {}", describe(&v)))
        })
    }
}

/// A name (of a prover or a sequencer): a non-empty string.
#[derive(Clone, Debug)]
pub(super) struct Name(pub String);

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read(d, |v| match v {
            Value::String(s) if !s.is_empty() => Ok(Name(s)),
            v => Err(format!(
                "expected a non-empty string, found {}",
                describe(&v)
            )),
        })
    }
}

/// A value written as one of a few names.
pub(super) trait Named: Copy + 'static {
    /// Every name, with what it stands for, in the order errors list them.
    const OPTIONS: &'static [(&'static str, Self)];
}

/// What a key of `T`'s names may hold: `one of "a", "b"`.
pub(super) fn one_of<T: Named>() -> String {
    let names: Vec<String> = T::OPTIONS.iter().map(|(n, _)| format!("\"{n}\"")).collect();
    format!("one of {}", names.join(", "))
}

/// One of `T`'s names.
#[derive(Copy, Clone, Debug)]
pub(super) struct Choice<T>(pub T);

impl<T: Named> Choice<T> {
    /// The name `v` holds, or what was expected.
    pub(super) fn of(v: &Value) -> Result<T, String> {
        let found = match v {
            Value::String(s) => {
                if let Some(&(_, t)) = T::OPTIONS.iter().find(|(n, _)| n == s) {
                    return Ok(t);
                }
                format!("{s:?}")
            }
            v => describe(v),
        };
        Err(format!("expected {}, found {found}", one_of::<T>()))
    }
}

impl<'de, T: Named> Deserialize<'de> for Choice<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        read(d, |v| Choice::of(&v).map(Choice))
    }
}

impl Named for Version {
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("v4", Version::V4),
        ("v5", Version::V5),
        ("v6", Version::V6),
    ];
}

impl Named for RuleName {
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("flat", RuleName::Flat),
        ("quadratic", RuleName::Quadratic),
        ("exponential", RuleName::Exponential),
    ];
}

impl Named for DecayName {
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("reset", DecayName::Reset),
        ("linear", DecayName::Linear),
        ("geometric", DecayName::Geometric),
    ];
}

impl Named for ScoreOn {
    const OPTIONS: &'static [(&'static str, Self)] = &[
        ("any_proof", ScoreOn::AnyProof),
        ("full_epoch", ScoreOn::FullEpoch),
    ];
}

/// The names of a struct's fields as serde reads them, in declaration
/// order: the keys a table of that type may hold.
pub(super) fn fields_of<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    /// Stops at the struct, having noted its fields.
    #[derive(Debug)]
    struct Found(&'static [&'static str]);
    impl fmt::Display for Found {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("not a struct")
        }
    }
    impl std::error::Error for Found {}
    impl de::Error for Found {
        fn custom<M: fmt::Display>(_: M) -> Self {
            Found(&[])
        }
    }
    struct Fields<'de>(PhantomData<&'de ()>);
    impl<'de> Deserializer<'de> for Fields<'de> {
        type Error = Found;
        fn deserialize_any<V: de::Visitor<'de>>(self, _: V) -> Result<V::Value, Found> {
            Err(Found(&[]))
        }
        fn deserialize_struct<V: de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Found> {
            Err(Found(fields))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    match T::deserialize(Fields(PhantomData)) {
        Ok(_) => &[],
        Err(Found(fields)) => fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml::Table;

    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Two {
        first: Count,
        second: Option<Name>,
    }

    #[test]
    fn the_names_are_the_protocols() {
        for &(name, v) in Version::OPTIONS {
            assert_eq!(name, v.name());
        }
        assert_eq!(Version::OPTIONS.len(), Version::ALL.len());
        for &(name, s) in ScoreOn::OPTIONS {
            assert_eq!(name, s.name());
        }
        // The booster's rules and decays as scenario files spell them.
        let spelt = |v: Value| v.as_str().map(str::to_string);
        for &(name, r) in RuleName::OPTIONS {
            assert_eq!(spelt(Value::try_from(r).unwrap()).as_deref(), Some(name));
        }
        for &(name, d) in DecayName::OPTIONS {
            assert_eq!(spelt(Value::try_from(d).unwrap()).as_deref(), Some(name));
        }
    }

    #[test]
    fn a_structs_fields_are_its_keys_in_order() {
        assert_eq!(fields_of::<Two>(), ["first", "second"]);
    }

    fn one<T: for<'de> Deserialize<'de>>(text: &str) -> Result<T, String> {
        let t: Table = text.parse().unwrap();
        T::deserialize(t["x"].clone()).map_err(|e| e.message().to_string())
    }

    #[test]
    fn each_type_says_what_it_expected_and_what_it_found() {
        assert_eq!(one::<Count>("x = 7").unwrap().0, 7);
        assert_eq!(
            one::<Count>("x = -1").unwrap_err(),
            "expected a non-negative integer, found -1"
        );
        assert_eq!(
            one::<Count>("x = 1979-05-27").unwrap_err(),
            "expected a non-negative integer, found the date 1979-05-27"
        );
        assert_eq!(
            one::<TokenAmount>("x = \"340282366920938463463374607431768211455\"")
                .unwrap()
                .0,
            u128::MAX
        );
        assert!(
            one::<TokenAmount>("x = \"1e5\"")
                .unwrap_err()
                .ends_with("found the string \"1e5\"")
        );
        assert_eq!(
            one::<Bps>("x = 10001").unwrap_err(),
            "expected at most 10000 (basis points), found 10001"
        );
        assert_eq!(
            one::<Ppm>("x = 1000001").unwrap_err(),
            "expected at most 1000000, found 1000001"
        );
        assert_eq!(
            one::<Choice<Version>>("x = 4").unwrap_err(),
            "expected one of \"v4\", \"v5\", \"v6\", found 4"
        );
        assert_eq!(
            one::<Name>("x = \"\"").unwrap_err(),
            "expected a non-empty string, found the string \"\""
        );
    }

    #[test]
    fn a_date_anywhere_in_a_trace_is_described_as_a_date() {
        let head = "[params]\nepoch_duration = 4\nproof_submission_epochs = 1\n\
                    checkpoint_reward = 100\nsequencer_bps = 0\ndistributor_funding = 0\n";
        let cases = [
            (
                format!("{head}end_slot = 1979-05-27\n"),
                "[params]: key 'end_slot'",
            ),
            (
                format!(
                    "{head}end_slot = 9\n[[events]]\nslot = 1\nkind = \"set\"\nbooster = {{ k = 1979-05-27 }}\n"
                ),
                "event 1 (slot 1): key 'booster.k'",
            ),
        ];
        for (text, place) in cases {
            let e = crate::trace::parse("t.toml", &text)
                .unwrap_err()
                .to_string();
            assert_eq!(
                e,
                format!(
                    "t.toml: {place}: expected a non-negative integer, found the date 1979-05-27"
                )
            );
        }
    }
}
