//! Key paths in scenario documents: `provers[0].count` split and joined,
//! the position of a key in the text, and setting a value at a path (the
//! `--set` overrides and sweep cells).

use toml::de::{DeTable, DeValue};
use toml::{Spanned, Table, Value};

pub(crate) use crate::text::line_column;

/// A key path split into table keys and array indices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    Index(usize),
}

/// Splits `provers[0].count` or `provers.0.count` into segments.
pub(crate) fn split_path(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(open) = rest.find('[') {
            out.push(Segment::Key(rest[..open].to_string()));
            rest = &rest[open..];
            while let Some(close) = rest.find(']') {
                if let Ok(i) = rest[1..close].parse() {
                    out.push(Segment::Index(i));
                }
                rest = &rest[close + 1..];
            }
        } else if let Ok(i) = rest.parse::<usize>() {
            out.push(Segment::Index(i));
        } else {
            out.push(Segment::Key(rest.to_string()));
        }
    }
    out
}

/// Writes segments back as `provers[0].count`.
pub(crate) fn join_path(segments: &[Segment]) -> String {
    let mut s = String::new();
    for seg in segments {
        match seg {
            Segment::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Segment::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// The span of the value at a key path in the original text, or of the
/// deepest table on the way that exists.
pub(crate) fn span_of(doc: &Spanned<DeTable<'_>>, path: &str) -> Option<std::ops::Range<usize>> {
    let mut span = None;
    let mut table: Option<&DeTable> = Some(doc.get_ref());
    let mut array: Option<&[Spanned<DeValue>]> = None;
    for seg in split_path(path) {
        let value: &Spanned<DeValue> = match (seg, table, array) {
            (Segment::Key(k), Some(t), _) => match t.iter().find(|(key, _)| key.get_ref() == &k) {
                Some((key, v)) => {
                    span = Some(key.span());
                    v
                }
                None => return span,
            },
            (Segment::Index(i), _, Some(a)) => match a.get(i) {
                Some(v) => v,
                None => return span,
            },
            _ => return span,
        };
        if span.is_none() {
            span = Some(value.span());
        }
        table = None;
        array = None;
        match value.get_ref() {
            DeValue::Table(t) => table = Some(t),
            DeValue::Array(a) => array = Some(a.as_ref()),
            _ => {}
        }
    }
    span
}

/// Sets `new` at a key path below `current`, creating tables on the way;
/// an index must name an existing array element.
fn set_in(current: &mut Value, path: &[Segment], depth: usize, new: Value) -> Result<(), String> {
    let Some(seg) = path.get(depth) else {
        *current = new;
        return Ok(());
    };
    let next = match (seg, current) {
        (Segment::Key(k), Value::Table(t)) => t
            .entry(k.clone())
            .or_insert_with(|| Value::Table(Table::new())),
        (Segment::Index(i), Value::Array(a)) => {
            let len = a.len();
            a.get_mut(*i).ok_or_else(|| {
                format!(
                    "index {i} is past the end of '{}' ({len} entries)",
                    join_path(&path[..depth])
                )
            })?
        }
        (Segment::Index(i), Value::Table(t)) if t.is_empty() => {
            let name = join_path(&path[..depth]);
            return Err(format!(
                "'{name}' is not written in the file or its base (its default applies), so it has no entry {i} to change; write its entries in the file to override one"
            ));
        }
        _ => {
            return Err(format!(
                "'{}' is not a table or an array",
                join_path(&path[..depth])
            ));
        }
    };
    set_in(next, path, depth + 1, new)
}

/// Sets `new` at a key path in a TOML document. Setting a group's
/// `strategy` (or `policy`) drops the keys of its former strategy that the
/// new one does not have, so `--set provers.1.strategy=honest` on a sniper
/// group works; every other key is checked as written.
pub(crate) fn set_path(root: &mut Table, path: &[Segment], new: Value) -> Result<(), String> {
    let mut doc = Value::Table(std::mem::take(root));
    let result = set_in(&mut doc, path, 0, new);
    if let Value::Table(t) = doc {
        *root = t;
    }
    if result.is_ok() {
        drop_foreign_keys(root, path);
    }
    result
}

/// After `path` set a group's strategy or policy, removes the keys that
/// belong to other strategies or policies.
fn drop_foreign_keys(root: &mut Table, path: &[Segment]) {
    use crate::agents::kind::{Kind, named};
    use crate::agents::registry;
    let [Segment::Key(list), Segment::Index(i), Segment::Key(key)] = path else {
        return;
    };
    let Some(Value::Table(group)) = root
        .get_mut(list.as_str())
        .and_then(|v| v.as_array_mut())
        .and_then(|a| a.get_mut(*i))
    else {
        return;
    };
    let Some(Value::String(name)) = group.get(key.as_str()) else {
        return;
    };
    fn keys<A: ?Sized>(
        kinds: &[Kind<A>],
        name: &str,
    ) -> Option<(Vec<&'static str>, &'static [&'static str])> {
        let own = named(kinds, name)?.keys;
        Some((kinds.iter().flat_map(|k| k.keys).copied().collect(), own))
    }
    let found = match (list.as_str(), key.as_str()) {
        ("provers", "strategy") => keys(registry::STRATEGIES, name),
        ("sequencers", "policy") => keys(registry::POLICIES, name),
        _ => None,
    };
    let Some((all, own)) = found else {
        return;
    };
    group.retain(|k, _| {
        let k: &str = k;
        !all.contains(&k) || own.contains(&k)
    });
}

/// Parses the value of a `--set key=value`: a TOML value if it is one
/// (`3`, `0.5`, `"x"`, `true`, `{ rule = "flat" }`), else a bare string.
pub(crate) fn parse_override_value(raw: &str) -> Value {
    format!("v = {raw}")
        .parse::<Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(raw.to_string()))
}

/// Removes the value at `path`, if there is one; whether it did.
pub(crate) fn remove_path(root: &mut Table, path: &[Segment]) -> bool {
    fn remove_in(current: &mut Value, path: &[Segment]) -> bool {
        match (path, current) {
            ([Segment::Key(k)], Value::Table(t)) => t.remove(k.as_str()).is_some(),
            ([Segment::Index(i)], Value::Array(a)) if *i < a.len() => {
                // Keep the indices of later entries: an empty table stands in.
                a[*i] = Value::Table(Table::new());
                true
            }
            ([Segment::Key(k), rest @ ..], Value::Table(t)) => {
                t.get_mut(k.as_str()).is_some_and(|v| remove_in(v, rest))
            }
            ([Segment::Index(i), rest @ ..], Value::Array(a)) => {
                a.get_mut(*i).is_some_and(|v| remove_in(v, rest))
            }
            _ => false,
        }
    }
    let mut doc = Value::Table(std::mem::take(root));
    let removed = !path.is_empty() && remove_in(&mut doc, path);
    if let Value::Table(t) = doc {
        *root = t;
    }
    removed
}

/// Every leaf of a TOML value as `key.path = value` text (arrays of tables
/// by index: `provers[0].count`).
pub fn flatten_toml(prefix: &str, v: &Value, out: &mut std::collections::BTreeMap<String, String>) {
    match v {
        Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten_toml(&key, v, out);
            }
        }
        Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_table) => {
            for (i, x) in a.iter().enumerate() {
                flatten_toml(&format!("{prefix}[{i}]"), x, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Deep-merges `top` onto `base`: tables merge key by key, anything else
/// (arrays included) replaces.
pub(crate) fn merge_tables(base: &mut Table, top: Table) {
    for (k, v) in top {
        match (base.get_mut(&k), v) {
            (Some(Value::Table(b)), Value::Table(t)) => merge_tables(b, t),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}
