//! The keys a group's strategy or voting policy owns, as written in the
//! group's table beside the keys every group has. The schema keeps them as
//! an ordered bag; the strategy (or policy) reads them into its own typed
//! parameters, and the scenario as run writes them in the order its
//! parameters declare.

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

/// A prover strategy or a voting policy, as a group names it: one of those
/// the registry of `src/agents/` lists (the loader refuses any other).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(transparent)]
pub struct KindName(pub String);

impl KindName {
    /// The name used in files and outputs.
    pub fn name(&self) -> &str {
        &self.0
    }
}

/// A group's own keys, in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OwnKeys(pub Vec<(String, Value)>);

impl OwnKeys {
    /// Whether the group sets none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The keys set, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// The keys as a table (for reading them into typed parameters).
    pub fn to_table(&self) -> Table {
        self.0.iter().cloned().collect()
    }

    /// The keys of `table` in the order `keys` names them (a key `keys`
    /// does not name is left out).
    pub fn ordered(mut table: Table, keys: &[&str]) -> OwnKeys {
        OwnKeys(
            keys.iter()
                .filter_map(|k| table.remove(*k).map(|v| (k.to_string(), v)))
                .collect(),
        )
    }
}

impl Serialize for OwnKeys {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// A table; the scenario's JSON Schema lists each strategy's and policy's
/// keys from the registry (`scenario::json_schema`).
impl schemars::JsonSchema for OwnKeys {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OwnKeys".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "object" })
    }
}

impl<'de> Deserialize<'de> for OwnKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<OwnKeys, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = OwnKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a table of keys")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OwnKeys, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Value>()? {
                    out.push((k, v));
                }
                Ok(OwnKeys(out))
            }
        }
        d.deserialize_map(Entries)
    }
}
