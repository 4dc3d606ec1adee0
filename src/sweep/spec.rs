//! Sweep files: which scenario keys vary over which values, how they
//! combine into cells, and how many replicates each cell runs.
//!
//! A sweep is a scenario file with a `[sweep]` table (or a file whose
//! `[sweep]` names a `base` scenario; its other keys override the base):
//!
//! ```toml
//! [sweep]
//! base = "baseline.toml"      # optional, relative to this file
//! replicates = 10
//! seed = 7                    # base seed (default: the scenario's)
//!
//! [[sweep.parameter]]
//! key = "booster.increment"
//! values = [100000, 125000]
//!
//! [[sweep.parameter]]
//! key = "booster.decay_per_epoch"
//! start = 50000
//! stop = 150000
//! count = 5                   # or step = 25000; scale = "log" for geometric
//! zip = "a"                   # parameters of one zip group vary together
//! ```
//!
//! Cells are the cartesian product of the axes (a lone parameter or a zip
//! group), the first axis varying slowest.
//!
//! Instead of a grid, `sampler = "lhs"` (a Latin hypercube of `samples`
//! points) or `sampler = "sobol"` (a Saltelli design of `samples` base
//! points, `samples * (keys + 2)` cells, for Sobol' indices) draws the cells
//! from each parameter's `min` and `max` (`scale = "log"` for geometric).
//! A sampled design is one zip group: cell `i` is point `i`.
//!
//! A token amount (`rewards.checkpoint_reward`, a bond) takes numbers as
//! any key does; `unit = "tokens"` gives them in whole tokens (× 10^18),
//! and each run gets an exact amount (a sampled design's reals are rounded
//! to the smallest unit).
//!
//! `seeds = "paired"` (the default) gives replicate `r` the same seed in
//! every cell, so that cells differ only by their values (common random
//! numbers); `"independent"` gives every run its own seed.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::{Table, Value};

use crate::scenario::load::{
    Segment, apply_overrides, build, from_value, join_path, merge_tables, origin_of, parse_spanned,
    resolve_base, set_path, split_path,
};
use crate::scenario::{Scenario, ScenarioError};

pub use super::values::{MAX_CELLS, MAX_REPLICATES, Sampler, Scale, Seeds};
use super::values::{SweepTable, Unit, amount_of, problem, range_values, sample_values};

/// One swept key and its values.
#[derive(Clone, Debug, PartialEq, serde::Serialize, Deserialize)]
pub struct Parameter {
    /// The scenario key path, e.g. `booster.increment`.
    pub key: String,
    /// Its values, in order.
    pub values: Vec<Value>,
}

/// A parameter or a zip group: the keys that vary together.
#[derive(Clone, Debug, PartialEq, serde::Serialize, Deserialize)]
pub struct Axis {
    /// Indices into [`Sweep::parameters`].
    pub parameters: Vec<usize>,
    /// How many values each of them has.
    pub len: usize,
}

/// The shape of a sweep: its keys, their values, how they combine, and the
/// replicates: all that is needed to lay its results out.
#[derive(Clone, Debug, PartialEq, serde::Serialize, Deserialize)]
pub struct Layout {
    /// The swept keys.
    pub parameters: Vec<Parameter>,
    /// How they combine.
    pub axes: Vec<Axis>,
    /// Runs per cell.
    pub replicates: u32,
    /// How the cells were laid out.
    #[serde(default)]
    pub sampler: Sampler,
    /// How runs are seeded.
    #[serde(default)]
    pub seeds: Seeds,
    /// The metrics each run keeps (`None`: every metric).
    #[serde(default)]
    pub metrics: Option<Vec<String>>,
}

/// A parsed, checked sweep.
#[derive(Clone, Debug)]
pub struct Sweep {
    /// The sweep file, as named by the user.
    pub file: String,
    /// The scenario every cell starts from, as TOML.
    pub base: Table,
    /// The folder a relative calibration is resolved from.
    pub dir: PathBuf,
    /// Its keys, values and replicates.
    pub layout: Layout,
    /// The base seed.
    pub seed: u64,
    /// A fingerprint of everything above (shards and resumes must match).
    pub fingerprint: String,
    /// The keys the sweep file sets on top of its base, `(key, value)`.
    pub overrides: Vec<(String, String)>,
    /// The design its cells simulate.
    pub mechanism: crate::schema::Mechanism,
}

/// Reads and checks a sweep file: the scenario it starts from, every
/// parameter (its key must exist and each value must fit it), the zip
/// groups' lengths. Problems name the file, line and column, and the key.
pub fn load(path: &Path) -> Result<Sweep, ScenarioError> {
    load_with(path, &[])
}

/// As [`load`], with `key.path=value` overrides set on the base scenario
/// before the grid (each checked as a scenario's `--set` is, and recorded
/// among the keys the sweep sets).
pub fn load_with(path: &Path, overrides: &[String]) -> Result<Sweep, ScenarioError> {
    let file = path.display().to_string();
    let text = crate::base::files::read_text(path, crate::base::files::TEXT_LIMIT)
        .map_err(|e| problem(file.clone(), "", format!("cannot read the file: {e}")))?;
    parse_with(
        &file,
        &text,
        path.parent().unwrap_or(Path::new(".")),
        overrides,
    )
}

/// Parses a sweep given as text; `dir` resolves a relative `base`.
pub fn parse(file: &str, text: &str, dir: &Path) -> Result<Sweep, ScenarioError> {
    parse_with(file, text, dir, &[])
}

/// As [`parse`], with overrides on the base (see [`load_with`]).
pub fn parse_with(
    file: &str,
    text: &str,
    dir: &Path,
    set: &[String],
) -> Result<Sweep, ScenarioError> {
    let doc = parse_spanned(file, text)?;
    let at = |key: &str| origin_of(file, text, &doc, key);
    let mut table: Table = text
        .parse()
        .map_err(|e: toml::de::Error| problem(file.to_string(), "", e.message().to_string()))?;
    let Some(sweep_value) = table.remove("sweep") else {
        return Err(problem(
            file.to_string(),
            "sweep",
            "missing; a sweep file needs a [sweep] table with [[sweep.parameter]] entries",
        ));
    };
    let spec: SweepTable = serde_path_to_error::deserialize(sweep_value).map_err(|e| {
        let key = format!("sweep.{}", e.path());
        problem(at(&key), &key, e.into_inner().message().to_string())
    })?;
    // The base, and the base's own bases, as a scenario file resolves them.
    let mut base = match &spec.base {
        Some(b) => {
            let mut t = Table::new();
            t.insert("base".into(), Value::String(b.clone()));
            resolve_base(&at("sweep.base").to_string(), t, dir, &[])?
        }
        None => Table::new(),
    };
    let mut overrides = flat_keys(&table);
    merge_tables(&mut base, table);
    // `--set` overrides: on the base, before the grid, recorded with the
    // keys the file sets.
    for ((key, _), o) in apply_overrides(&mut base, set)?.into_iter().zip(set) {
        let value = o.split_once('=').map_or("", |(_, v)| v.trim()).to_string();
        overrides.retain(|(k, _)| *k != key);
        overrides.push((key, value));
    }
    let scenario =
        from_value(Value::Table(base.clone())).map_err(|(k, m)| problem(at(&k), &k, m))?;
    if spec.replicates == 0 || spec.replicates > MAX_REPLICATES {
        return Err(problem(
            at("sweep.replicates"),
            "sweep.replicates",
            format!("expected 1 to {MAX_REPLICATES}, found {}", spec.replicates),
        ));
    }
    if let Some(names) = &spec.metrics {
        for (i, name) in names.iter().enumerate() {
            if !crate::metrics::flat::known(name) {
                let hint = crate::metrics::flat::suggest(name)
                    .map_or(String::new(), |s| format!("; did you mean '{s}'?"));
                let key = format!("sweep.metrics[{i}]");
                return Err(problem(
                    at("sweep.metrics"),
                    &key,
                    format!("'{name}' is not a summary metric{hint}"),
                ));
            }
        }
    }
    let mut seen_keys: Vec<String> = Vec::new();
    for (i, p) in spec.parameter.iter().enumerate() {
        let key = join_path(&split_path(&p.key));
        if seen_keys.contains(&key) {
            let here = format!("sweep.parameter[{i}].key");
            return Err(problem(
                at(&here),
                &here,
                format!("'{key}' is swept twice; give each key once (zip keys that vary together)"),
            ));
        }
        seen_keys.push(key);
    }
    let sampled = match spec.sampler {
        Sampler::Grid => {
            if spec.samples.is_some() {
                return Err(problem(
                    at("sweep.samples"),
                    "sweep.samples",
                    "`samples` is for sampler = \"lhs\" or \"sobol\"; a grid takes every combination",
                ));
            }
            None
        }
        sampler => Some(sample_values(
            &spec,
            sampler,
            spec.seed.unwrap_or(scenario.seed),
            &at,
        )?),
    };
    if spec.parameter.is_empty() {
        return Err(problem(
            at("sweep"),
            "sweep.parameter",
            "no parameters; add [[sweep.parameter]] entries with a key and values or a range",
        ));
    }
    let mut parameters = Vec::new();
    let mut axes: Vec<(Option<String>, Axis)> = Vec::new();
    for (i, p) in spec.parameter.iter().enumerate() {
        let here = format!("sweep.parameter[{i}]");
        if sampled.is_none() && (p.min.is_some() || p.max.is_some()) {
            return Err(problem(
                at(&here),
                &here,
                "`min` and `max` are for sampler = \"lhs\" or \"sobol\"; a grid takes `values` or `start`, `stop` and `step` or `count`",
            ));
        }
        let values = match &p.values {
            _ if sampled.is_some() => sampled.as_ref().expect("sampled")[i].clone(),
            Some(v)
                if p.start.is_some()
                    || p.stop.is_some()
                    || p.step.is_some()
                    || p.count.is_some() =>
            {
                let _ = v;
                return Err(problem(
                    at(&here),
                    &here,
                    "give `values` or a range, not both",
                ));
            }
            Some(v) if v.is_empty() => {
                return Err(problem(
                    at(&format!("{here}.values")),
                    &format!("{here}.values"),
                    "an empty list of values",
                ));
            }
            Some(v)
                if v.iter()
                    .any(|x| x.as_float().is_some_and(|f| !f.is_finite())) =>
            {
                return Err(problem(
                    at(&format!("{here}.values")),
                    &format!("{here}.values"),
                    "expected finite numbers (nan and inf cannot be swept)",
                ));
            }
            Some(v) => v.clone(),
            None => range_values(p).map_err(|m| problem(at(&here), &here, m))?,
        };
        let segments = split_path(&p.key);
        if segments
            .iter()
            .any(|s| matches!(s, Segment::Key(k) if k.is_empty()))
            || p.key == "sweep"
        {
            return Err(problem(
                at(&format!("{here}.key")),
                &format!("{here}.key"),
                format!("{:?} is not a scenario key path", p.key),
            ));
        }
        // Each value must fit the key: the same check as the file's (a
        // sampled range: its two ends). A token amount's numbers become
        // exact amounts: in whole tokens with `unit = "tokens"`, else in
        // smallest units (a sampled design draws them as reals).
        let tokens = p.unit == Some(Unit::Tokens);
        let fits = |v: &Value| -> Result<(), String> {
            let mut t = base.clone();
            set_path(&mut t, &segments, v.clone()).and_then(|_| {
                from_value(Value::Table(t))
                    .map(|_| ())
                    .map_err(|(k, m)| format!("key '{k}': {m}"))
            })
        };
        let checked: Vec<Value> = match &sampled {
            Some(_) => [&p.min, &p.max].into_iter().flatten().cloned().collect(),
            None => values.clone(),
        };
        let is_amount = tokens
            || checked
                .iter()
                .any(|v| fits(v).is_err() && amount_of(v, false).is_some_and(|a| fits(&a).is_ok()));
        let as_amounts = |vs: Vec<Value>| -> Vec<Value> {
            match is_amount {
                true => vs
                    .iter()
                    .map(|v| amount_of(v, tokens).unwrap_or_else(|| v.clone()))
                    .collect(),
                false => vs,
            }
        };
        let values = as_amounts(values);
        for v in as_amounts(checked) {
            fits(&v).map_err(|m| {
                problem(
                    at(&format!("{here}.key")),
                    &format!("{here}.key"),
                    format!("'{}' = {v}: {m}", join_path(&segments)),
                )
            })?;
        }
        let index = parameters.len();
        parameters.push(Parameter {
            key: join_path(&segments),
            values,
        });
        let len = parameters[index].values.len();
        // A sampled design is one zip group.
        let zip = if sampled.is_some() {
            Some(String::new())
        } else {
            p.zip.clone()
        };
        match axes.iter_mut().find(|(z, _)| z.is_some() && *z == zip) {
            Some((_, axis)) => {
                if axis.len != len {
                    let first = &parameters[axis.parameters[0]];
                    return Err(problem(
                        at(&here),
                        &here,
                        format!(
                            "zip group {:?}: '{}' has {len} values but '{}' has {}; a zip group's parameters need the same number",
                            p.zip.as_deref().unwrap_or(""),
                            parameters[index].key,
                            first.key,
                            axis.len
                        ),
                    ));
                }
                axis.parameters.push(index);
            }
            None => axes.push((
                zip,
                Axis {
                    parameters: vec![index],
                    len,
                },
            )),
        }
    }
    let seed = spec.seed.unwrap_or(scenario.seed);
    let axes: Vec<Axis> = axes.into_iter().map(|(_, a)| a).collect();
    let cells = axes
        .iter()
        .try_fold(1u64, |n, a| n.checked_mul(a.len as u64))
        .filter(|&n| n <= MAX_CELLS);
    let runs = cells.and_then(|c| c.checked_mul(spec.replicates as u64));
    if runs.is_none_or(|r| r > MAX_CELLS) {
        return Err(problem(
            at("sweep"),
            "sweep.parameter",
            format!(
                "the sweep has more than {MAX_CELLS} runs (cells x replicates); split it or use sampler = \"lhs\""
            ),
        ));
    }
    let fingerprint = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(toml::to_string(&base).unwrap_or_default());
        for p in &parameters {
            h.update(format!("{}={:?};", p.key, p.values));
        }
        for a in &axes {
            h.update(format!("{:?};", a.parameters));
        }
        h.update(format!("{};{}", spec.replicates, seed));
        h.update(format!(
            "{:?};{:?};{:?}",
            spec.sampler, spec.seeds, spec.metrics
        ));
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    };
    Ok(Sweep {
        file: file.to_string(),
        base,
        dir: dir.to_path_buf(),
        layout: Layout {
            parameters,
            axes,
            replicates: spec.replicates,
            sampler: spec.sampler,
            seeds: spec.seeds,
            metrics: spec.metrics.clone(),
        },
        seed,
        fingerprint,
        overrides,
        mechanism: scenario.mechanism,
    })
}

/// Every leaf key of a table as `(dotted path, value)`.
fn flat_keys(t: &Table) -> Vec<(String, String)> {
    let mut out = std::collections::BTreeMap::new();
    crate::scenario::paths::flatten_toml("", &Value::Table(t.clone()), &mut out);
    out.into_iter().collect()
}

impl Layout {
    /// How many cells.
    pub fn cells(&self) -> u64 {
        self.axes.iter().map(|a| a.len as u64).product()
    }

    /// How many runs (cells times replicates).
    pub fn runs(&self) -> u64 {
        self.cells() * self.replicates as u64
    }

    /// The value index of each parameter in a cell (first axis slowest).
    pub fn cell_indices(&self, cell: u64) -> Vec<usize> {
        let mut idx = vec![0; self.parameters.len()];
        let mut rest = cell;
        for axis in self.axes.iter().rev() {
            let i = (rest % axis.len as u64) as usize;
            rest /= axis.len as u64;
            for &p in &axis.parameters {
                idx[p] = i;
            }
        }
        idx
    }

    /// The values of every parameter in a cell.
    pub fn cell_values(&self, cell: u64) -> Vec<&Value> {
        self.cell_indices(cell)
            .into_iter()
            .zip(&self.parameters)
            .map(|(i, p)| &p.values[i])
            .collect()
    }

    /// A short description of a cell: `key=value, ...`.
    pub fn describe(&self, cell: u64) -> String {
        self.parameters
            .iter()
            .zip(self.cell_values(cell))
            .map(|(p, v)| format!("{}={v}", p.key))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Sweep {
    /// How many cells.
    pub fn cells(&self) -> u64 {
        self.layout.cells()
    }

    /// How many runs.
    pub fn runs(&self) -> u64 {
        self.layout.runs()
    }

    /// The scenario of a cell (without its replicate's seed), or why the
    /// model rejects the combination.
    pub fn scenario(&self, cell: u64) -> Result<Scenario, String> {
        let mut t = self.base.clone();
        for (p, v) in self
            .layout
            .parameters
            .iter()
            .zip(self.layout.cell_values(cell))
        {
            set_path(&mut t, &split_path(&p.key), v.clone())?;
        }
        // A cell is a run: the same path as `run` builds its scenario.
        build(t, &self.dir).map_err(|problems| {
            problems
                .iter()
                .map(|(k, m)| format!("key '{k}': {m}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    /// The seed of run `replicate` of `cell`: with paired seeds, the seed
    /// of replicate `replicate` of `proversim compare` from the same base.
    pub fn seed_of(&self, cell: u64, replicate: u32) -> u64 {
        match self.layout.seeds {
            Seeds::Paired => replicate_seed(self.seed, replicate),
            Seeds::Independent => {
                crate::base::random::derive_seed(self.seed, &[cell, replicate as u64])
            }
        }
    }
}

/// The seed of replicate `r` of a paired experiment with base seed `base`.
pub fn replicate_seed(base: u64, r: u32) -> u64 {
    crate::base::random::derive_seed(base, &[u64::from(r)])
}
