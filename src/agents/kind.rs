//! What a prover strategy or a voting policy declares of itself for the
//! rest of the program: its name, its own keys with their domains, how its
//! typed parameters are read from a group's table (defaults filled in), and
//! how an agent of it is made. Each strategy's and policy's file holds its
//! [`Kind`]; the registry lists them.

use serde::Serialize;
use serde::de::DeserializeOwned;
use toml::{Table, Value};

use crate::schema::OwnKeys;
use crate::schema::domain::Domain;

/// A strategy's or policy's typed parameters: the keys of a group's table
/// it owns, with their defaults (`Default`), read and written by serde.
pub trait Params: Serialize + DeserializeOwned + Default + schemars::JsonSchema {
    /// Its keys, in the order the scenario as run writes them.
    const KEYS: &'static [&'static str];
}

/// The parameters of a strategy or policy that has no keys of its own.
#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct NoKeys {}

impl Params for NoKeys {
    const KEYS: &'static [&'static str] = &[];
}

/// A strategy or a voting policy as the scenario loader and the engine see
/// it; `A` is what it makes (a prover strategy or a voting policy).
pub struct Kind<A: ?Sized> {
    /// Its name in scenario files and outputs.
    pub name: &'static str,
    /// Its own keys, beyond those every group has.
    pub keys: &'static [&'static str],
    /// The domains of its numeric keys (as `provers[].key` or
    /// `sequencers[].key`).
    pub domains: &'static [Domain],
    /// The group's own keys as run: every one of them, defaults filled in,
    /// in order; or the first key that does not read, with the message.
    pub normalize: fn(&OwnKeys) -> Result<OwnKeys, (String, String)>,
    /// An agent of it, from a group's normalized keys.
    pub make: fn(&OwnKeys) -> Box<A>,
    /// The JSON Schema of its own keys (its typed parameters').
    pub schema: fn(&mut schemars::SchemaGenerator) -> schemars::Schema,
    /// What a voting policy may signal for, by the payload's keys
    /// (`booster`, `checkpoint_reward`...): a protocol version whose
    /// governance cannot change one of them refuses the policy.
    pub changes: &'static [&'static str],
}

/// Reads a group's own keys into `P`, defaults filled in; the first problem
/// as (key, message).
pub fn read<P: Params>(own: &OwnKeys) -> Result<P, (String, String)> {
    serde_path_to_error::deserialize(Value::Table(own.to_table())).map_err(|e| {
        let key = e.path().to_string();
        let key = if key == "." { String::new() } else { key };
        (key, e.into_inner().message().to_string())
    })
}

/// Reads a group's own keys that have passed [`normalize`]: the loader
/// refuses any that do not read, so defaults never stand in for one.
pub fn checked<P: Params>(own: &OwnKeys) -> P {
    read(own).unwrap_or_default()
}

/// The group's own keys as run: read into `P`, then written out whole in
/// `P::KEYS` order.
pub fn normalize<P: Params>(own: &OwnKeys) -> Result<OwnKeys, (String, String)> {
    let p: P = read(own)?;
    let table = Table::try_from(&p).map_err(|e| (String::new(), e.to_string()))?;
    Ok(OwnKeys::ordered(table, P::KEYS))
}

impl<A: ?Sized> Kind<A> {
    /// The kind of parameters `P`, made by `make`.
    pub const fn new<P: Params>(
        name: &'static str,
        domains: &'static [Domain],
        make: fn(&OwnKeys) -> Box<A>,
    ) -> Kind<A> {
        Kind {
            name,
            keys: P::KEYS,
            domains,
            normalize: normalize::<P>,
            make,
            schema: schema_of::<P>,
            changes: &[],
        }
    }

    /// The same kind, signalling for changes of `keys`.
    pub const fn changing(mut self, keys: &'static [&'static str]) -> Kind<A> {
        self.changes = keys;
        self
    }
}

/// The JSON Schema of parameters `P`.
fn schema_of<P: Params>(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    generator.subschema_for::<P>()
}

/// The kind named `name` among `kinds`.
pub fn named<'k, A: ?Sized>(kinds: &'k [Kind<A>], name: &str) -> Option<&'k Kind<A>> {
    kinds.iter().find(|k| k.name == name)
}
