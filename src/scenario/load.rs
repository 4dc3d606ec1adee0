//! Loading a scenario: TOML syntax, the schema, `--set` overrides and the
//! checks that need the whole scenario. Every problem names the file, the
//! line and column, the key path, and what was expected; the semantic
//! checks report every problem at once.

use std::fmt;
use std::path::Path;

use toml::de::{DeTable, DeValue};
use toml::{Spanned, Table, Value};

use crate::protocol::Booster;

use super::{PolicyParams, Scenario, StrategyParams};

/// One thing wrong with a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where it comes from: the file (with line and column when known) or
    /// a `--set` override.
    pub origin: String,
    /// The key path, e.g. `provers[0].count` (empty for the whole file).
    pub key: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.origin, self.message)
        } else {
            write!(f, "{}: key '{}': {}", self.origin, self.key, self.message)
        }
    }
}

/// A scenario that cannot be used, with every problem found.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct ScenarioError {
    /// The problems, in file order where that is known.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl ScenarioError {
    fn one(origin: impl Into<String>, key: impl Into<String>, message: impl Into<String>) -> Self {
        ScenarioError {
            problems: vec![Problem {
                origin: origin.into(),
                key: key.into(),
                message: message.into(),
            }],
        }
    }
}

/// 1-based line and column of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

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
    use super::strategy::{POLICY_KEYS, STRATEGY_KEYS};
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
    let Some(name) = group.get(key.as_str()).cloned() else {
        return;
    };
    let (all, own): (&[&str], &[&str]) = match (list.as_str(), key.as_str()) {
        ("provers", "strategy") => match name.try_into::<super::StrategyName>() {
            Ok(n) => (&STRATEGY_KEYS, n.keys()),
            Err(_) => return,
        },
        ("sequencers", "policy") => match name.try_into::<super::VotePolicy>() {
            Ok(n) => (&POLICY_KEYS, n.keys()),
            Err(_) => return,
        },
        _ => return,
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
    m
}

/// Deserializes a scenario from a TOML value, naming the key path of the
/// first error.
pub(crate) fn from_value(value: Value) -> Result<Scenario, (String, String)> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        (path, humane(e.into_inner().message()))
    })
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
                format!("{file}:{l}:{c}")
            }
            None => file.to_string(),
        };
        ScenarioError::one(origin, "", format!("not valid TOML: {}", e.message()))
    })
}

/// `file:line:column` of a key path in a parsed document, or just the file
/// where the key is not written in it.
pub(crate) fn origin_of(file: &str, text: &str, doc: &Spanned<DeTable<'_>>, key: &str) -> String {
    match span_of(doc, key) {
        Some(s) => {
            let (l, c) = line_column(text, s.start);
            format!("{file}:{l}:{c}")
        }
        None => file.to_string(),
    }
}

/// Reads, overrides and checks a scenario file.
pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ScenarioError::one(&file, "", format!("cannot read the file: {e}")))?;
    parse_in(
        &file,
        &text,
        path.parent().unwrap_or(Path::new(".")),
        overrides,
    )
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

/// Resolves a top-level `base = "other.toml"` (relative to `dir`): the
/// other scenario with this one's keys merged over it, recursively.
fn resolve_base(
    file: &str,
    mut table: Table,
    dir: &Path,
    depth: u32,
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
    if depth > 8 {
        return Err(ScenarioError::one(
            file,
            "base",
            "bases nest more than 8 deep (a cycle?)",
        ));
    }
    let path = dir.join(&name);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        ScenarioError::one(file, "base", format!("cannot read {}: {e}", path.display()))
    })?;
    let parent: Table = text.parse().map_err(|e: toml::de::Error| {
        ScenarioError::one(
            file,
            "base",
            format!("{} is not valid TOML: {}", path.display(), e.message()),
        )
    })?;
    let mut merged = resolve_base(
        &path.display().to_string(),
        parent,
        path.parent().unwrap_or(Path::new(".")),
        depth + 1,
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
    let at = |key: &str| origin_of(file, text, &doc, key);
    let table: Table = text
        .parse()
        .map_err(|e: toml::de::Error| ScenarioError::one(file, "", e.message().to_string()))?;
    let mut table = resolve_base(file, table, dir, 0)?;
    // The file alone first, so its errors point into it.
    from_value(Value::Table(table.clone()))
        .map_err(|(key, message)| ScenarioError::one(at(&key), key, message))?;
    let mut overridden = Vec::new();
    for o in overrides {
        let origin = format!("--set {o}");
        let Some((key, raw)) = o.split_once('=') else {
            return Err(ScenarioError::one(
                origin,
                "",
                "expected key.path=value, e.g. --set booster.rule=\"flat\"",
            ));
        };
        let key = key.trim();
        let segments = split_path(key);
        set_path(&mut table, &segments, parse_override_value(raw.trim()))
            .map_err(|m| ScenarioError::one(&origin, key, m))?;
        from_value(Value::Table(table.clone())).map_err(|(k, m)| {
            ScenarioError::one(&origin, if k.is_empty() { key.to_string() } else { k }, m)
        })?;
        overridden.push((join_path(&segments), origin));
    }
    let mut scenario = from_value(Value::Table(table)).expect("checked above");
    if let Some(cost) = scenario.cost.clone() {
        let fit = crate::cost::resolve_fit(&cost, dir)
            .map_err(|(key, message)| ScenarioError::one(at(&key), key, message))?;
        crate::cost::apply_fit(&cost, fit, &mut scenario.provers);
        // The scenario as run carries the numbers, not the file's path.
        scenario.cost = Some(crate::cost::CostConfig {
            calibration: None,
            overhead_seconds: Some(fit.0),
            per_constraint_seconds: Some(fit.1),
            ..cost
        });
    }
    let problems = check(&scenario);
    if problems.is_empty() {
        // The scenario as run names each group's own keys, and only those.
        for g in &mut scenario.provers {
            *g = g.normalized();
        }
        for g in &mut scenario.sequencers {
            *g = g.normalized();
        }
        return Ok(scenario);
    }
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

/// The checks that serde cannot make: ranges, relations between keys, and a
/// booster that works. Returns `(key path, message)` for every problem.
pub fn check(s: &Scenario) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = Vec::new();
    let mut need = |ok: bool, key: &str, msg: String| {
        if !ok {
            p.push((key.to_string(), msg));
        }
    };
    need(
        !s.name.is_empty()
            && s.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            && !s.name.starts_with('.'),
        "name",
        format!(
            "expected a non-empty name of letters, digits, '-', '_' or '.' (it names the output folder), found {:?}",
            s.name
        ),
    );
    need(
        s.epochs >= 1,
        "epochs",
        "expected at least 1 epoch, found 0".into(),
    );
    let c = &s.chain;
    for (key, v) in [
        ("chain.slot_duration", c.slot_duration),
        ("chain.epoch_duration", c.epoch_duration),
        ("chain.proof_submission_epochs", c.proof_submission_epochs),
        ("chain.mana_target", c.mana_target),
        ("l1.block_time", s.l1.block_time),
        ("governance.round_size", s.governance.round_size),
    ] {
        need(
            v >= 1,
            key,
            format!("expected a positive integer, found {v}"),
        );
    }
    need(
        s.rewards.sequencer_bps <= 10_000,
        "rewards.sequencer_bps",
        format!(
            "expected at most 10000 (basis points), found {}",
            s.rewards.sequencer_bps
        ),
    );
    match s.booster.to_config() {
        Err((key, msg)) => need(false, &format!("booster.{key}"), msg),
        Ok(config) => {
            if let Err(e) = Booster::new(config) {
                need(
                    false,
                    &format!("booster.{}", e.key(&config.rule)),
                    e.to_string(),
                );
            }
        }
    }
    // The bonded design's constants matter only when it runs.
    if s.mechanism == super::Mechanism::BondedQuotes {
        let bq = &s.bonded;
        need(
            bq.quote_slots >= 1 && bq.quote_slots < c.epoch_duration.max(2),
            "bonded.quote_slots",
            format!(
                "expected at least 1 and fewer than epoch_duration ({}), found {}",
                c.epoch_duration, bq.quote_slots
            ),
        );
        for (key, v) in [
            ("bonded.capital_cost_per_year", bq.capital_cost_per_year),
            ("bonded.quote_margin", bq.quote_margin),
        ] {
            need(
                v.is_finite() && v >= 0.0,
                key,
                format!("expected a non-negative number, found {v}"),
            );
        }
        need(
            (0.0..=1.0).contains(&bq.kickback_share),
            "bonded.kickback_share",
            format!(
                "expected a part between 0 and 1, found {}",
                bq.kickback_share
            ),
        );
    }
    let g = &s.governance;
    need(
        g.quorum * 2 > g.round_size && g.quorum <= g.round_size,
        "governance.quorum",
        format!(
            "expected more than half of round_size ({}) and at most round_size, found {}",
            g.round_size, g.quorum
        ),
    );
    for (key, path) in [
        ("fees.l1_base_fee", &s.fees.l1_base_fee),
        ("fees.blob_fee", &s.fees.blob_fee),
    ] {
        need(
            path.start.is_finite() && path.start > 0.0,
            &format!("{key}.start"),
            format!("expected a positive price in wei, found {}", path.start),
        );
        need(
            path.volatility.is_finite() && path.volatility >= 0.0,
            &format!("{key}.volatility"),
            format!("expected a non-negative number, found {}", path.volatility),
        );
        need(
            (0.0..=1.0).contains(&path.reversion),
            &format!("{key}.reversion"),
            format!(
                "expected a number between 0 and 1, found {}",
                path.reversion
            ),
        );
        need(
            path.floor.is_finite() && path.floor > 0.0,
            &format!("{key}.floor"),
            format!("expected a positive price in wei, found {}", path.floor),
        );
    }
    let d = &s.demand;
    need(
        d.tps.is_finite() && d.tps >= 0.0,
        "demand.tps",
        format!("expected a non-negative rate, found {}", d.tps),
    );
    need(
        d.mana_mean.is_finite() && d.mana_mean > 0.0 && d.mana_mean <= 2.0 * c.mana_target as f64,
        "demand.mana_mean",
        format!(
            "expected a positive mean no larger than a block's limit (2 * mana_target = {}), found {}",
            2 * c.mana_target,
            d.mana_mean
        ),
    );
    need(
        d.max_congestion.is_finite() && d.max_congestion >= 1.0,
        "demand.max_congestion",
        format!(
            "expected a multiplier of at least 1, found {}",
            d.max_congestion
        ),
    );
    need(
        d.mana_shape.is_finite() && d.mana_shape > 0.0,
        "demand.mana_shape",
        format!("expected a positive shape, found {}", d.mana_shape),
    );
    let l1 = &s.l1;
    need(
        l1.min_inclusion_delay.is_finite() && l1.min_inclusion_delay >= 0.0,
        "l1.min_inclusion_delay",
        format!(
            "expected a non-negative number of seconds, found {}",
            l1.min_inclusion_delay
        ),
    );
    need(
        l1.mean_inclusion_delay.is_finite() && l1.mean_inclusion_delay >= l1.min_inclusion_delay,
        "l1.mean_inclusion_delay",
        format!(
            "expected at least min_inclusion_delay ({}), found {}",
            l1.min_inclusion_delay, l1.mean_inclusion_delay
        ),
    );
    need(
        !s.sequencers.is_empty() && s.sequencers.iter().map(|g| g.count as u64).sum::<u64>() >= 1,
        "sequencers",
        "expected at least one sequencer".into(),
    );
    for (i, g) in s.sequencers.iter().enumerate() {
        let k = |f: &str| format!("sequencers[{i}].{f}");
        let own = g.policy.keys();
        for key in g.policy_keys_set() {
            need(
                own.contains(&key),
                &k(key),
                super::strategy::foreign_key_message("policy", g.policy.name(), own),
            );
        }
        check_policy(&g.params(), &k, &mut need);
        need(
            g.stake.is_finite() && g.stake > 0.0,
            &k("stake"),
            format!("expected a positive stake, found {}", g.stake),
        );
        need(
            (0.0..=1.0).contains(&g.miss_rate),
            &k("miss_rate"),
            format!(
                "expected a probability between 0 and 1, found {}",
                g.miss_rate
            ),
        );
    }
    let mut names = std::collections::BTreeSet::new();
    for (i, g) in s.provers.iter().enumerate() {
        let k = |f: &str| format!("provers[{i}].{f}");
        let own = g.strategy.keys();
        for key in g.strategy_keys_set() {
            need(
                own.contains(&key),
                &k(key),
                super::strategy::foreign_key_message("strategy", g.strategy.name(), own),
            );
        }
        check_strategy(&g.params(), &k, &mut need);
        need(
            !g.name.is_empty() && names.insert(g.name.clone()),
            &k("name"),
            format!(
                "expected a non-empty name used by no other group, found {:?}",
                g.name
            ),
        );
        need(
            g.hardware_speedup.is_finite() && g.hardware_speedup > 0.0,
            &k("hardware_speedup"),
            format!("expected a positive number, found {}", g.hardware_speedup),
        );
        for (f, v) in [
            ("overhead_seconds", g.overhead_seconds),
            ("per_tx_seconds", g.per_tx_seconds),
            ("per_block_seconds", g.per_block_seconds),
            ("hourly_price", g.hourly_price),
            ("fixed_cost_per_epoch", g.fixed_cost_per_epoch),
            ("priority_fee_gwei", g.priority_fee_gwei),
        ] {
            need(
                v.is_finite() && v >= 0.0,
                &k(f),
                format!("expected a non-negative number, found {v}"),
            );
        }
        need(
            g.parallelism.is_finite() && g.parallelism > 0.0,
            &k("parallelism"),
            format!("expected a positive number, found {}", g.parallelism),
        );
        need(
            g.min_margin.is_finite() && g.min_margin > -1.0,
            &k("min_margin"),
            format!("expected a number above -1, found {}", g.min_margin),
        );
        need(
            g.max_jobs >= 1,
            &k("max_jobs"),
            "expected at least 1, found 0".into(),
        );
        need(
            g.lookback_epochs >= 1,
            &k("lookback_epochs"),
            "expected at least 1, found 0".into(),
        );
        need(
            g.exit_after_losses >= 1,
            &k("exit_after_losses"),
            "expected at least 1, found 0".into(),
        );
    }
    p
}

/// Ranges of a strategy's own keys.
fn check_strategy(
    params: &StrategyParams,
    k: &dyn Fn(&str) -> String,
    need: &mut dyn FnMut(bool, &str, String),
) {
    let non_negative = |v: f64| v.is_finite() && v >= 0.0;
    match *params {
        StrategyParams::Partial(p) => need(
            p.prefix_every_slots >= 1,
            &k("prefix_every_slots"),
            "expected at least 1 slot, found 0".into(),
        ),
        StrategyParams::Supersede(p) | StrategyParams::Late(p) => need(
            p.hold_slots >= 1,
            &k("hold_slots"),
            "expected at least 1 slot, found 0".into(),
        ),
        StrategyParams::Copy(p) => need(
            non_negative(p.copy_fee_bump_gwei),
            &k("copy_fee_bump_gwei"),
            format!(
                "expected a non-negative number, found {}",
                p.copy_fee_bump_gwei
            ),
        ),
        StrategyParams::Sybil(p) => {
            need(
                (1..=1000).contains(&p.identities),
                &k("identities"),
                format!("expected 1 to 1000 identities, found {}", p.identities),
            );
            need(
                non_negative(p.extra_identity_cost),
                &k("extra_identity_cost"),
                format!(
                    "expected a non-negative number, found {}",
                    p.extra_identity_cost
                ),
            );
        }
        StrategyParams::Bridger(p) => {
            for (f, v) in [
                ("bridges_per_hour", p.bridges_per_hour),
                ("bridge_value", p.bridge_value),
                ("wait_cost_per_hour", p.wait_cost_per_hour),
            ] {
                need(
                    non_negative(v),
                    &k(f),
                    format!("expected a non-negative number, found {v}"),
                );
            }
        }
        StrategyParams::Honest | StrategyParams::Strike(_) => {}
    }
}

/// Ranges of a voting policy's own keys.
fn check_policy(
    params: &PolicyParams,
    k: &dyn Fn(&str) -> String,
    need: &mut dyn FnMut(bool, &str, String),
) {
    let change = |need: &mut dyn FnMut(bool, &str, String), v: f64| {
        need(
            v.is_finite() && v > 0.0 && v < 100.0,
            &k("change_pct"),
            format!("expected a percentage above 0 and below 100, found {v}"),
        )
    };
    match *params {
        PolicyParams::Liveness(p) => {
            need(
                p.max_latency_s.is_finite() && p.max_latency_s >= 0.0,
                &k("max_latency_s"),
                format!(
                    "expected a non-negative number of seconds, found {}",
                    p.max_latency_s
                ),
            );
            change(need, p.change_pct);
        }
        PolicyParams::Profit(p) => {
            need(
                p.max_margin.is_finite() && p.max_margin > -1.0,
                &k("max_margin"),
                format!("expected a number above -1, found {}", p.max_margin),
            );
            need(
                p.reference_cost.is_finite() && p.reference_cost > 0.0,
                &k("reference_cost"),
                format!(
                    "expected a positive number of tokens, found {}",
                    p.reference_cost
                ),
            );
            change(need, p.change_pct);
        }
        PolicyParams::Static | PolicyParams::Cartel(_) => {}
    }
}
