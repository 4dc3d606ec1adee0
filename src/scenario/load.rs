//! Loading a scenario: TOML syntax, the schema, `--set` overrides and the
//! checks that need the whole scenario. Every problem names the file, the
//! line and column, the key path, and what was expected; the semantic
//! checks report every problem at once.

use std::path::Path;

use toml::de::DeTable;
use toml::{Spanned, Table, Value};

use super::Scenario;
pub use super::check::check;
pub(crate) use super::paths::{
    Segment, join_path, line_column, merge_tables, parse_override_value, remove_path, set_path,
    span_of, split_path,
};
pub use super::problem::{Origin, Problem, ScenarioError};

/// Rewrites serde's Rust type names in a message as words.
fn humane(message: &str) -> String {
    let mut m = message.to_string();
    for (rust, words) in [
        ("expected u64", "expected a non-negative integer"),
        ("expected u32", "expected a non-negative integer"),
        ("expected f64", "expected a number"),
        ("expected a string", "expected a string"),
    ] {
        m = m.replace(rust, words);
    }
    if let Some(i) = m.find("expected struct ") {
        m.truncate(i);
        m.push_str("expected a table");
    }
    if let Some(hint) = did_you_mean(&m) {
        m.push_str(&format!("; did you mean `{hint}`?"));
    }
    m
}

/// For serde's "unknown field `x`, expected one of `a`, `b`" (or variant),
/// the expected name closest to `x`, if one is close.
fn did_you_mean(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (given, rest) = rest.split_once('`')?;
    let expected = rest.split_once("expected")?.1;
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|name| (strsim::jaro_winkler(given, name), name))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name.to_string())
}

/// Every schema problem of a table, not only the first: after each one the
/// offending key is set aside and the rest checked again.
pub(crate) fn schema_problems(mut table: Table) -> Vec<(String, String)> {
    let mut problems: Vec<(String, String)> = Vec::new();
    // Every problem met, reported or not: a key set aside can come back as
    // the same problem (an array element stands in as an empty table), and
    // meeting one twice ends the walk.
    let mut seen: std::collections::BTreeSet<(String, String)> = Default::default();
    // Each round sets a key aside, so the walk is bounded by the file's
    // keys; the bound on rounds is a second guard.
    for _ in 0..10_000 {
        if problems.len() >= 100 {
            break;
        }
        match from_value(Value::Table(table.clone())) {
            Ok(_) => break,
            Err((key, message)) => {
                let repeated = !seen.insert((key.clone(), message.clone()));
                // Setting a key aside can leave its table short of a field:
                // that is the same problem again, not a new one.
                let cascade = problems.iter().any(|(k, _)| {
                    k.len() > key.len()
                        && k.starts_with(key.as_str())
                        && matches!(k.as_bytes()[key.len()], b'.' | b'[')
                });
                if !repeated && !cascade {
                    problems.push((key.clone(), message));
                }
                if repeated || key.is_empty() || !remove_path(&mut table, &split_path(&key)) {
                    break;
                }
            }
        }
    }
    problems
}

/// Deserializes a scenario from a TOML value, naming the key path of the
/// first error.
pub(crate) fn from_value(mut value: Value) -> Result<Scenario, (String, String)> {
    if let Value::Table(t) = &mut value {
        super::dist::lift(t);
    }
    let mut scenario: Scenario = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = super::dist::unlift_path(&e.path().to_string());
        let path = if path == "." { String::new() } else { path };
        (path, humane(e.into_inner().message()))
    })?;
    // A group's own keys are its strategy's (or policy's) to read; the
    // scenario as run names each group's own keys, and only those.
    match super::groups::settle(&mut scenario) {
        Some((key, message)) => Err((key, humane(&message))),
        None => Ok(scenario),
    }
}

/// Parses TOML keeping every key's position; a syntax error names the file,
/// line and column.
pub(crate) fn parse_spanned<'t>(
    file: &str,
    text: &'t str,
) -> Result<Spanned<DeTable<'t>>, ScenarioError> {
    DeTable::parse(text).map_err(|e| {
        let origin = match e.span() {
            Some(s) => {
                let (l, c) = line_column(text, s.start);
                Origin::at(file, l, c)
            }
            None => file.into(),
        };
        ScenarioError::one(origin, "", format!("not valid TOML: {}", e.message()))
    })
}

/// `file:line:column` of a key path in a parsed document, or just the file
/// where the key is not written in it.
pub(crate) fn origin_of(file: &str, text: &str, doc: &Spanned<DeTable<'_>>, key: &str) -> Origin {
    match span_of(doc, key) {
        Some(s) => {
            let (l, c) = line_column(text, s.start);
            Origin::at(file, l, c)
        }
        None => file.into(),
    }
}

/// Reads, overrides and checks a scenario file.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let text = crate::base::files::read_text(path, crate::base::files::TEXT_LIMIT)
        .map_err(|e| ScenarioError::one(&file, "", format!("cannot read the file: {e}")))?;
    parse_in(
        &file,
        &text,
        path.parent().unwrap_or(Path::new(".")),
        overrides,
    )
}

/// The scenario as run, from its merged TOML: the schema, the calibration's
/// proving times for every group that gives none of its own, the checks,
/// and each group's own keys only. The one path from a file to a run, for
/// `run`, sweeps and every other caller; `dir` resolves a relative
/// calibration. On error, every problem as `(key path, message)`.
pub(crate) fn build(table: Table, dir: &Path) -> Result<Scenario, Vec<(String, String)>> {
    // The version's defaults under every key the scenario does not write.
    let table = super::versions::layer(table);
    // Groups that write their own proving times keep them.
    let own_times: Vec<bool> = match table.get("provers") {
        Some(Value::Array(groups)) => groups
            .iter()
            .map(|g| {
                g.as_table().is_some_and(|g| {
                    ["overhead_seconds", "per_tx_seconds", "per_block_seconds"]
                        .iter()
                        .any(|k| g.contains_key(*k))
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    // Every problem at once: the domains, then the relations.
    let mut problems = super::domains::check_domains(&table);
    let mut scenario = match from_value(Value::Table(table)) {
        Ok(s) => s,
        Err(p) => {
            problems.push(p);
            return Err(problems);
        }
    };
    // The design that runs writes its constants whole, as run.
    match scenario.mechanism {
        super::Mechanism::FeeMarket => {
            scenario.fee_market.get_or_insert_with(Default::default);
        }
        super::Mechanism::Auction => {
            scenario.auction.get_or_insert_with(Default::default);
        }
        _ => {}
    }
    if let Some(cost) = scenario.cost.clone() {
        // The cost table's own ranges first, so that a bad value is named
        // where it is written, not in the proving times made from it.
        problems.extend(super::check::check_cost(&cost));
        if !problems.is_empty() {
            return Err(problems);
        }
        let fit = crate::cost::resolve_fit(&cost, dir).map_err(|p| vec![p])?;
        crate::cost::apply_fit(&cost, fit, &mut scenario.provers, &own_times);
        // The scenario as run carries the numbers, not the file's path.
        scenario.cost = Some(crate::cost::CostConfig {
            calibration: None,
            overhead_seconds: Some(fit.0),
            per_constraint_seconds: Some(fit.1),
            ..cost
        });
    }
    // A replayed series is read now: the scenario as run carries its rows.
    for (key, path) in [
        ("fees.l1_base_fee", &mut scenario.fees.l1_base_fee),
        ("fees.blob_fee", &mut scenario.fees.blob_fee),
    ] {
        if let Some(csv) = path.series_csv.take() {
            match super::read_series(&dir.join(&csv)) {
                Ok(rows) => path.series = rows,
                Err(e) => problems.push((format!("{key}.series_csv"), e)),
            }
        }
    }
    problems.extend(check(&scenario));
    problems.extend(super::versions::governance_problems(&scenario));
    if !problems.is_empty() {
        return Err(problems);
    }
    scenario.protocol_overrides = super::versions::overrides(&scenario);
    Ok(scenario)
}

/// Sets each `key.path=value` of `overrides` on a scenario's table, in
/// order, each checked against the schema as it is set (an error names the
/// override). Returns each key set, as a path, with where it came from.
pub(crate) fn apply_overrides(
    table: &mut Table,
    overrides: &[String],
) -> Result<Vec<(String, Origin)>, ScenarioError> {
    let mut overridden = Vec::new();
    for o in overrides {
        let origin = Origin::from(format!("--set {o}"));
        let Some((key, raw)) = o.split_once('=') else {
            return Err(ScenarioError::one(
                origin,
                "",
                "expected key.path=value, e.g. --set booster.rule=\"flat\"",
            ));
        };
        let key = key.trim();
        let segments = split_path(key);
        set_path(table, &segments, parse_override_value(raw.trim()))
            .map_err(|m| ScenarioError::one(origin.clone(), key, m))?;
        from_value(Value::Table(table.clone())).map_err(|(k, m)| {
            ScenarioError::one(
                origin.clone(),
                if k.is_empty() { key.to_string() } else { k },
                m,
            )
        })?;
        overridden.push((join_path(&segments), origin));
    }
    Ok(overridden)
}

/// A TOML error as a problem at its file, line and column; an integer
/// beyond 64 bits names its key.
fn not_toml(file: &str, text: &str, e: toml::de::Error) -> ScenarioError {
    let message = e.message().to_string();
    // "invalid type: integer `N` as i128" or "u64 value was too large":
    // an integer beyond what TOML holds.
    let literal = message
        .strip_prefix("invalid type: integer `")
        .and_then(|r| r.split('`').next())
        .map(str::to_string)
        .or_else(|| {
            let s = e.span().filter(|_| message.contains("too large"))?;
            Some(text[s].trim().to_string())
        });
    if let Some(n) = literal.as_deref()
        && let Some(offset) = e.span().map(|s| s.start).or_else(|| text.find(n))
    {
        let (line, column) = line_column(text, offset);
        let line_text = text[..offset].rsplit('\n').next().unwrap_or("");
        let key = line_text
            .split('=')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        let table = text[..offset].lines().rev().find_map(|l| {
            let l = l.trim();
            (l.starts_with('[') && l.ends_with(']'))
                .then(|| l.trim_matches(|c| c == '[' || c == ']').to_string())
        });
        let key = match table {
            Some(t) => format!("{t}.{key}"),
            None => key.to_string(),
        };
        return ScenarioError::one(
            Origin::at(file, line, column),
            key,
            format!(
                "integer {n} is out of range; expected at most {} (amounts beyond it are written as strings of digits)",
                i64::MAX
            ),
        );
    }
    let origin = match e.span() {
        Some(s) => {
            let (l, c) = line_column(text, s.start);
            Origin::at(file, l, c)
        }
        None => file.into(),
    };
    ScenarioError::one(origin, "", format!("not valid TOML: {message}"))
}

/// The files a scenario's `base` chain names, nearest first, with their
/// text (for pointing at a key a base writes); unreadable ones are left out.
fn base_texts(table: &Table, dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut next = table
        .get("base")
        .and_then(|b| b.as_str())
        .map(|b| dir.join(b));
    while let Some(path) = next.take() {
        if out.len() > 8 {
            break;
        }
        let Ok(text) = crate::base::files::read_text(&path, crate::base::files::TEXT_LIMIT) else {
            break;
        };
        next = text
            .parse::<Table>()
            .ok()
            .and_then(|t| t.get("base").and_then(|b| b.as_str()).map(str::to_string))
            .map(|b| path.parent().unwrap_or(Path::new(".")).join(b));
        out.push((path.display().to_string(), text));
    }
    out
}

/// The keys whose values name files, as (table path, key): relative to the
/// file that writes them.
const FILE_KEYS: [(&str, &str); 3] = [
    ("cost", "calibration"),
    ("fees.l1_base_fee", "series_csv"),
    ("fees.blob_fee", "series_csv"),
];

/// How deep bases may nest (a file, its base, the base's base...).
pub const MAX_BASE_DEPTH: usize = 32;

/// Resolves a top-level `base = "other.toml"` (relative to `dir`): the
/// other scenario with this one's keys merged over it, recursively.
/// `chain` holds the bases already read on the way here (a base that names
/// one of them is a cycle).
pub(crate) fn resolve_base(
    file: &str,
    mut table: Table,
    dir: &Path,
    chain: &[std::path::PathBuf],
) -> Result<Table, ScenarioError> {
    let Some(base) = table.remove("base") else {
        return Ok(table);
    };
    let Value::String(name) = base else {
        return Err(ScenarioError::one(
            file,
            "base",
            "expected the path of a scenario file",
        ));
    };
    let path = dir.join(&name);
    let canonical = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
    if chain.contains(&canonical) {
        return Err(ScenarioError::one(
            file,
            "base",
            format!(
                "the bases form a cycle: {} is already one of the bases that lead here",
                path.display()
            ),
        ));
    }
    if chain.len() >= MAX_BASE_DEPTH {
        return Err(ScenarioError::one(
            file,
            "base",
            format!("bases nest more than {MAX_BASE_DEPTH} deep; at most {MAX_BASE_DEPTH}"),
        ));
    }
    let text =
        crate::base::files::read_text(&path, crate::base::files::TEXT_LIMIT).map_err(|e| {
            ScenarioError::one(file, "base", format!("cannot read {}: {e}", path.display()))
        })?;
    let mut parent: Table = text
        .parse()
        .map_err(|e: toml::de::Error| not_toml(&path.display().to_string(), &text, e))?;
    // The files a base names are relative to the base, not to this file.
    let base_dir = path.parent().unwrap_or(Path::new("."));
    for (table, key) in FILE_KEYS {
        let mut at = Some(&mut parent);
        for t in table.split('.') {
            at = match at.and_then(|a| a.get_mut(t)) {
                Some(Value::Table(inner)) => Some(inner),
                _ => None,
            };
        }
        if let Some(Value::String(c)) = at.and_then(|a| a.get_mut(key))
            && Path::new(c.as_str()).is_relative()
        {
            let joined = base_dir.join(c.as_str());
            *c = std::path::absolute(&joined)
                .unwrap_or(joined)
                .display()
                .to_string();
        }
    }
    let mut merged = resolve_base(
        &path.display().to_string(),
        parent,
        path.parent().unwrap_or(Path::new(".")),
        &[chain, &[canonical]].concat(),
    )?;
    merge_tables(&mut merged, table);
    Ok(merged)
}

/// Parses, overrides and checks a scenario given as text; `file` names it.
pub fn parse(file: &str, text: &str, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    parse_in(file, text, Path::new("."), overrides)
}

/// As [`parse`], resolving a `base` file relative to `dir`.
pub fn parse_in(
    file: &str,
    text: &str,
    dir: &Path,
    overrides: &[String],
) -> Result<Scenario, ScenarioError> {
    let doc = parse_spanned(file, text)?;
    let table: Table = text
        .parse()
        .map_err(|e: toml::de::Error| not_toml(file, text, e))?;
    // A key the file does not write comes from its bases: point there.
    let bases = base_texts(&table, dir);
    let at = |key: &str| {
        if span_of(&doc, key).is_some() {
            return origin_of(file, text, &doc, key);
        }
        for (f, t) in &bases {
            if let Ok(d) = DeTable::parse(t)
                && span_of(&d, key).is_some()
            {
                return origin_of(f, t, &d, key);
            }
        }
        file.into()
    };
    let mut table = resolve_base(file, table, dir, &[])?;
    // The file alone first, so its errors point into it; every one of them.
    let mut problems = schema_problems(table.clone());
    problems.sort_by_key(|(key, _)| span_of(&doc, key).map_or(usize::MAX, |s| s.start));
    if !problems.is_empty() {
        return Err(ScenarioError {
            problems: problems
                .into_iter()
                .map(|(key, message)| Problem {
                    origin: at(&key),
                    key,
                    message,
                })
                .collect(),
        });
    }
    let overridden = apply_overrides(&mut table, overrides)?;
    let problems = match build(table, dir) {
        Ok(scenario) => return Ok(scenario),
        Err(problems) => problems,
    };
    let origin_of = |key: &str| {
        overridden
            .iter()
            .rev()
            .find(|(k, _)| key == k || key.starts_with(&format!("{k}.")))
            .map(|(_, o)| o.clone())
            .unwrap_or_else(|| at(key))
    };
    let mut problems = problems;
    problems.sort_by_key(|(key, _)| span_of(&doc, key).map_or(usize::MAX, |s| s.start));
    Err(ScenarioError {
        problems: problems
            .into_iter()
            .map(|(key, message)| Problem {
                origin: origin_of(&key),
                key,
                message,
            })
            .collect(),
    })
}
