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

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::{Table, Value};

use crate::scenario::load::{
    Segment, build, from_value, join_path, merge_tables, origin_of, parse_spanned, resolve_base,
    set_path, split_path,
};
use crate::scenario::{Problem, Scenario, ScenarioError};

/// Linear or logarithmic spacing of a range.
#[derive(Copy, Clone, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Evenly spaced values.
    #[default]
    Linear,
    /// Evenly spaced logarithms.
    Log,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamSpec {
    key: String,
    values: Option<Vec<Value>>,
    start: Option<Value>,
    stop: Option<Value>,
    step: Option<Value>,
    count: Option<u32>,
    #[serde(default)]
    scale: Scale,
    zip: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepTable {
    base: Option<String>,
    #[serde(default = "one")]
    replicates: u32,
    seed: Option<u64>,
    #[serde(default)]
    parameter: Vec<ParamSpec>,
}

fn one() -> u32 {
    1
}

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
}

fn problem(origin: String, key: &str, message: impl Into<String>) -> ScenarioError {
    ScenarioError {
        problems: vec![Problem {
            origin,
            key: key.to_string(),
            message: message.into(),
        }],
    }
}

fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(x) => Some(*x),
        _ => None,
    }
}

/// The values of a range: `start ..= stop` by `step` or in `count` values,
/// linear or logarithmic; integers when the bounds are integers.
fn range_values(p: &ParamSpec) -> Result<Vec<Value>, String> {
    let (Some(start), Some(stop)) = (&p.start, &p.stop) else {
        return Err(
            "expected either `values` or a range (`start`, `stop`, and `step` or `count`)".into(),
        );
    };
    let (Some(a), Some(b)) = (as_f64(start), as_f64(stop)) else {
        return Err("`start` and `stop` must be numbers".into());
    };
    let integer = matches!(start, Value::Integer(_))
        && matches!(stop, Value::Integer(_))
        && p.step
            .as_ref()
            .is_none_or(|s| matches!(s, Value::Integer(_)));
    if p.scale == Scale::Log && (a <= 0.0 || b <= 0.0) {
        return Err("a log range needs positive `start` and `stop`".into());
    }
    let xs: Vec<f64> = match (&p.step, p.count) {
        (Some(_), Some(_)) => return Err("give `step` or `count`, not both".into()),
        (None, None) => return Err("a range needs `step` or `count`".into()),
        (None, Some(0)) => Vec::new(),
        (None, Some(1)) => vec![a],
        (None, Some(n)) => (0..n)
            .map(|i| {
                let t = i as f64 / (n - 1) as f64;
                match p.scale {
                    Scale::Linear => a + t * (b - a),
                    Scale::Log => (a.ln() + t * (b.ln() - a.ln())).exp(),
                }
            })
            .collect(),
        (Some(step), None) => {
            let s = as_f64(step).ok_or("`step` must be a number")?;
            let mut xs = Vec::new();
            match p.scale {
                Scale::Linear => {
                    if s <= 0.0 {
                        return Err(format!("`step` must be positive, found {s}"));
                    }
                    let n = ((b - a) / s + 1e-9).floor();
                    if n >= 0.0 {
                        if n > 1e6 {
                            return Err(format!("the range has {n} values; at most a million"));
                        }
                        xs.extend((0..=n as u64).map(|i| a + i as f64 * s));
                    }
                }
                Scale::Log => {
                    if s <= 1.0 {
                        return Err(format!("a log `step` is a factor above 1, found {s}"));
                    }
                    let mut x = a;
                    while x <= b * (1.0 + 1e-9) && xs.len() <= 1_000_000 {
                        xs.push(x);
                        x *= s;
                    }
                }
            }
            xs
        }
    };
    if xs.is_empty() {
        return Err("the range yields no values".into());
    }
    Ok(xs
        .into_iter()
        .map(|x| {
            if integer {
                Value::Integer(x.round() as i64)
            } else {
                Value::Float(x)
            }
        })
        .collect())
}

/// Reads and checks a sweep file: the scenario it starts from, every
/// parameter (its key must exist and each value must fit it), the zip
/// groups' lengths. Problems name the file, line and column, and the key.
pub fn load(path: &Path) -> Result<Sweep, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| problem(file.clone(), "", format!("cannot read the file: {e}")))?;
    parse(&file, &text, path.parent().unwrap_or(Path::new(".")))
}

/// Parses a sweep given as text; `dir` resolves a relative `base`.
pub fn parse(file: &str, text: &str, dir: &Path) -> Result<Sweep, ScenarioError> {
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
            resolve_base(&at("sweep.base"), t, dir, 0)?
        }
        None => Table::new(),
    };
    merge_tables(&mut base, table);
    let scenario =
        from_value(Value::Table(base.clone())).map_err(|(k, m)| problem(at(&k), &k, m))?;
    if spec.replicates == 0 {
        return Err(problem(
            at("sweep.replicates"),
            "sweep.replicates",
            "expected at least 1, found 0",
        ));
    }
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
        let values = match &p.values {
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
        // Each value must fit the key: the same check as the file's.
        for v in &values {
            let mut t = base.clone();
            set_path(&mut t, &segments, v.clone())
                .and_then(|_| {
                    from_value(Value::Table(t)).map_err(|(k, m)| format!("key '{k}': {m}"))
                })
                .map_err(|m| {
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
        match axes.iter_mut().find(|(z, _)| z.is_some() && *z == p.zip) {
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
                p.zip.clone(),
                Axis {
                    parameters: vec![index],
                    len,
                },
            )),
        }
    }
    let seed = spec.seed.unwrap_or(scenario.seed);
    let axes: Vec<Axis> = axes.into_iter().map(|(_, a)| a).collect();
    let _ = &scenario;
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
        },
        seed,
        fingerprint,
    })
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

    /// The seed of run `replicate` of `cell`.
    pub fn seed_of(&self, cell: u64, replicate: u32) -> u64 {
        crate::engine::rng::derive_seed(self.seed, &[cell, replicate as u64])
    }
}
