//! The JSON Schema of scenario and sweep files (`proversim schema`), for
//! editors that complete and check TOML keys (taplo, VS Code's TOML
//! extensions) and for validators. It is derived from the types the loader
//! reads a file into, so it cannot drift from them:
//!
//! - each table's keys, types, defaults and descriptions come from the
//!   typed scenario (`src/schema/`), its doc comments the descriptions;
//! - a group's own keys come from its strategy's or policy's typed
//!   parameters, one branch of `oneOf` for each entry of the registry;
//! - each numeric key's range and unit come from the domain tables the
//!   loader enforces (`domains`, and each strategy's and policy's own).
//!
//! Relations between keys (a quorum against its round) and the keys a
//! version's governance may change are the loader's alone: a file the
//! schema accepts may still be refused, with the reason, by `validate`.

use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::agents::kind::Kind;
use crate::agents::registry::{POLICIES, STRATEGIES};
use crate::schema::dist::{Dist, VARIABLE_KEYS};
use crate::schema::domain::{Domain, Range};
use crate::schema::{ProverGroup, Scenario, SequencerGroup};

use super::domains::DOMAINS;

/// A fresh generator with the settings of every schema here: draft 7,
/// every table inlined where it is used (so each key's range is its own).
pub fn generator() -> SchemaGenerator {
    SchemaSettings::draft07()
        .with(|s| s.inline_subschemas = true)
        .into_generator()
}

/// The JSON Schema (draft 7) of a scenario file.
pub fn schema() -> Value {
    build(&mut generator()).0
}

/// The schema, and the domain keys it has no place for (none: a test holds
/// the domain tables and the types together).
fn build(generator: &mut SchemaGenerator) -> (Value, Vec<String>) {
    let mut root = generator.root_schema_for::<Scenario>().to_value();
    let mut missing = Vec::new();
    for d in DOMAINS.iter().filter(|d| !d.key.contains("[]")) {
        match node_at(&mut root, d.key) {
            Some(node) => constrain(node, d),
            None => missing.push(d.key.to_string()),
        }
    }
    let dist = generator.subschema_for::<Dist>().to_value();
    let props = properties(&mut root).expect("a scenario is a table");
    props.insert(
        "base".into(),
        json!({
            "type": "string",
            "description": "A scenario file this one starts from, relative to this file: \
                            this file's keys override its keys.",
        }),
    );
    let provers = Groups {
        list: "provers",
        what: "strategy",
        default: ProverGroup::default().strategy.name().to_string(),
        variable: &VARIABLE_KEYS,
        dist: &dist,
    };
    provers.describe(
        &mut props["provers"]["items"],
        STRATEGIES,
        generator,
        &mut missing,
    );
    let sequencers = Groups {
        list: "sequencers",
        what: "policy",
        default: SequencerGroup::default().policy.name().to_string(),
        variable: &[],
        dist: &dist,
    };
    sequencers.describe(
        &mut props["sequencers"]["items"],
        POLICIES,
        generator,
        &mut missing,
    );
    unwrap_descriptions(&mut root);
    let obj = root.as_object_mut().expect("a scenario is a table");
    obj.insert("title".into(), json!("proversim scenario"));
    obj.insert(
        "$comment".into(),
        json!("Written by `proversim schema scenario`; regenerate it rather than editing it."),
    );
    (root, missing)
}

/// The group lists (`provers`, `sequencers`): the keys every group has,
/// then one branch for each strategy or policy with its own keys.
struct Groups<'a> {
    list: &'static str,
    /// `strategy` or `policy`.
    what: &'static str,
    /// The strategy or policy of a group that names none.
    default: String,
    /// The keys a distribution may stand for (`hourly_price = { dist = ... }`).
    variable: &'a [&'a str],
    dist: &'a Value,
}

impl Groups<'_> {
    fn describe<A: ?Sized>(
        &self,
        item: &mut Value,
        kinds: &[Kind<A>],
        generator: &mut SchemaGenerator,
        missing: &mut Vec<String>,
    ) {
        let prefix = format!("{}[].", self.list);
        let props = properties(item).expect("a group is a table");
        for d in DOMAINS.iter() {
            if let Some(key) = d.key.strip_prefix(&prefix) {
                match props.get_mut(key) {
                    Some(node) => constrain(node, d),
                    None => missing.push(d.key.to_string()),
                }
            }
        }
        for key in self.variable {
            match props.get_mut(*key) {
                Some(node) => *node = drawn_or(node.take(), self.dist),
                None => missing.push(format!("{prefix}{key}")),
            }
        }
        let names: Vec<&str> = kinds.iter().map(|k| k.name).collect();
        props[self.what]["enum"] = json!(names);
        props[self.what]["default"] = json!(self.default);
        let common: Vec<String> = props.keys().cloned().collect();
        let branches: Vec<Value> = kinds
            .iter()
            .map(|k| self.branch(k, &common, generator, missing))
            .collect();
        let obj = item.as_object_mut().expect("a group is a table");
        obj.insert("oneOf".into(), Value::Array(branches));
    }

    /// One strategy's or policy's branch: the keys every group has (already
    /// described above it), its name, and its own keys; nothing else.
    fn branch<A: ?Sized>(
        &self,
        kind: &Kind<A>,
        common: &[String],
        generator: &mut SchemaGenerator,
        missing: &mut Vec<String>,
    ) -> Value {
        let mut own = (kind.schema)(generator).to_value();
        let mut props: Map<String, Value> =
            common.iter().map(|k| (k.clone(), json!(true))).collect();
        props.insert(self.what.into(), json!({ "const": kind.name }));
        if let Some(own) = properties(&mut own) {
            for d in kind.domains {
                let key = d.key.rsplit('.').next().unwrap_or(d.key);
                match own.get_mut(key) {
                    Some(node) => constrain(node, d),
                    None => missing.push(format!("{} ({})", d.key, kind.name)),
                }
            }
            props.extend(std::mem::take(own));
        }
        let mut branch = json!({
            "title": format!("{} = \"{}\"", self.what, kind.name),
            "properties": props,
            "additionalProperties": false,
        });
        if kind.name != self.default {
            branch["required"] = json!([self.what]);
        }
        branch
    }
}

/// Descriptions as one paragraph each: the doc comments' line breaks are
/// the source's wrapping, not the text's (an editor wraps on its own).
pub fn unwrap_descriptions(node: &mut Value) {
    match node {
        Value::Object(obj) => {
            for (key, value) in obj.iter_mut() {
                match value {
                    Value::String(text) if key == "description" => {
                        *text = text
                            .split("\n\n")
                            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                            .collect::<Vec<_>>()
                            .join("\n\n");
                    }
                    other => unwrap_descriptions(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(unwrap_descriptions),
        _ => {}
    }
}

/// A key that is a number or a distribution each agent draws its own
/// value from; its description and default stay outside the choice.
fn drawn_or(mut number: Value, dist: &Value) -> Value {
    let mut outer = Map::new();
    if let Some(obj) = number.as_object_mut() {
        for key in ["title", "description", "default"] {
            if let Some(v) = obj.remove(key) {
                outer.insert(key.into(), v);
            }
        }
    }
    outer.insert("anyOf".into(), json!([number, dist]));
    Value::Object(outer)
}

/// The properties of a table's schema (of the table, when the schema is an
/// optional table's `anyOf`).
pub fn properties(node: &mut Value) -> Option<&mut Map<String, Value>> {
    if node.get("properties").is_some() {
        return node["properties"].as_object_mut();
    }
    node.get_mut("anyOf")?
        .as_array_mut()?
        .iter_mut()
        .find(|n| n.get("properties").is_some())
        .and_then(|n| n["properties"].as_object_mut())
}

/// The schema of the key at a dotted path.
fn node_at<'v>(root: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    path.split('.')
        .try_fold(root, |node, key| properties(node)?.get_mut(key))
}

/// Writes a domain's range into a key's schema (into the number's branch
/// of a key a distribution may stand for), and its words into the
/// description.
fn constrain(node: &mut Value, d: &Domain) {
    if let Some(obj) = node.as_object_mut() {
        let words = d.range.describe(d.unit);
        let description = match obj.get("description").and_then(Value::as_str) {
            Some(text) => format!("{text} Expected: {words}."),
            None => format!("Expected: {words}."),
        };
        obj.insert("description".into(), json!(description));
    }
    let number = match node.get_mut("anyOf").and_then(Value::as_array_mut) {
        Some(choices) => &mut choices[0],
        None => node,
    };
    let Some(obj) = number.as_object_mut() else {
        return;
    };
    obj.remove("format");
    match d.range {
        Range::Int(min, max) => {
            obj.insert("minimum".into(), json!(min));
            if max != i64::MAX {
                obj.insert("maximum".into(), json!(max));
            }
        }
        Range::Real {
            min,
            min_open,
            max,
            max_open,
        } => {
            let lower = if min_open {
                "exclusiveMinimum"
            } else {
                "minimum"
            };
            obj.insert(lower.into(), json!(min));
            if max.is_finite() {
                let upper = if max_open {
                    "exclusiveMaximum"
                } else {
                    "maximum"
                };
                obj.insert(upper.into(), json!(max));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_domain_has_its_key_in_the_schema() {
        let (_, missing) = build(&mut generator());
        assert!(missing.is_empty(), "no place in the schema for {missing:?}");
    }

    #[test]
    fn a_key_carries_its_range_unit_and_default() {
        let s = schema();
        let slot = &s["properties"]["chain"]["properties"]["slot_duration"];
        assert_eq!(slot["minimum"], json!(1));
        assert_eq!(slot["maximum"], json!(86_400));
        assert_eq!(slot["default"], json!(72));
        let text = slot["description"].as_str().unwrap();
        assert!(
            text.contains("Seconds per L2 slot") && text.contains("seconds"),
            "{text}"
        );
        let uptime = &s["properties"]["provers"]["items"]["properties"]["uptime"];
        assert_eq!(uptime["anyOf"][0]["maximum"], json!(1.0));
        assert!(uptime["anyOf"][1]["oneOf"].is_array(), "{uptime}");
    }

    #[test]
    fn each_strategy_is_a_branch_with_its_own_keys() {
        let s = schema();
        let branches = s["properties"]["provers"]["items"]["oneOf"]
            .as_array()
            .unwrap();
        assert_eq!(branches.len(), STRATEGIES.len());
        let partial = branches
            .iter()
            .find(|b| b["properties"]["strategy"]["const"] == "partial")
            .unwrap();
        assert_eq!(partial["required"], json!(["strategy"]));
        let every = &partial["properties"]["prefix_every_slots"];
        assert_eq!(every["default"], json!(8));
        assert_eq!(every["minimum"], json!(1));
        let honest = branches
            .iter()
            .find(|b| b["properties"]["strategy"]["const"] == "honest")
            .unwrap();
        assert!(honest.get("required").is_none(), "honest is the default");
        assert!(honest["properties"].get("prefix_every_slots").is_none());
    }
}
