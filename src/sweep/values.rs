//! How a sweep's parameters get their values: the `[sweep]` table as
//! written, ranges (`start`, `stop`, `step` or `count`, linear or log) and
//! sampled designs (Latin hypercubes and Saltelli designs from `min` and
//! `max`), and the limits on a sweep's size.

use serde::Deserialize;
use toml::Value;

use crate::scenario::{Problem, ScenarioError};

/// Linear or logarithmic spacing of a range.
#[derive(Copy, Clone, Debug, Deserialize, PartialEq, Eq, Default, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Evenly spaced values.
    #[default]
    Linear,
    /// Evenly spaced logarithms.
    Log,
}

/// One `[[sweep.parameter]]`: a scenario key and its values, given as a
/// list, as a range, or as the bounds a sampled design draws from.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct ParamSpec {
    /// The scenario key path, e.g. `booster.increment` or
    /// `provers.0.count`.
    pub(super) key: String,
    /// Its values, in order (any type the key takes).
    #[schemars(with = "Option<Vec<serde_json::Value>>")]
    pub(super) values: Option<Vec<Value>>,
    /// A range's first value.
    #[schemars(with = "Option<f64>")]
    pub(super) start: Option<Value>,
    /// A range's last value (included when the steps reach it).
    #[schemars(with = "Option<f64>")]
    pub(super) stop: Option<Value>,
    /// A range's step (or give `count`).
    #[schemars(with = "Option<f64>")]
    pub(super) step: Option<Value>,
    /// How many values a range has (or give `step`).
    pub(super) count: Option<u32>,
    /// Linear or logarithmic spacing of a range or a sampled design.
    #[serde(default)]
    pub(super) scale: Scale,
    /// Parameters of one zip group vary together (equal lengths).
    pub(super) zip: Option<String>,
    /// A sampled design's lowest value.
    #[schemars(with = "Option<f64>")]
    pub(super) min: Option<Value>,
    /// A sampled design's highest value.
    #[schemars(with = "Option<f64>")]
    pub(super) max: Option<Value>,
    /// `"tokens"`: the values (or range, or bounds) of a token amount are
    /// in whole tokens, each run gets them in smallest units (× 10^18).
    pub(super) unit: Option<Unit>,
}

/// The unit a parameter's numbers are given in.
#[derive(Copy, Clone, Debug, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Whole tokens (10^18 smallest units), for token amounts.
    Tokens,
}

/// A number as a token amount (a string of digits, as amounts are
/// written), given in smallest units or, with `tokens`, in whole tokens;
/// `None` for a value that is not a non-negative finite number or does
/// not fit.
pub(super) fn amount_of(v: &Value, tokens: bool) -> Option<Value> {
    let digits = match *v {
        Value::Integer(i) if i >= 0 => {
            let scale = if tokens {
                crate::base::units::UNITS_PER_TOKEN as i128
            } else {
                1
            };
            (i as i128).checked_mul(scale)?.to_string()
        }
        Value::Float(x) if x.is_finite() && x >= 0.0 => {
            let scale = if tokens {
                crate::base::units::UNITS_PER_TOKEN
            } else {
                1.0
            };
            let units = (x * scale).round();
            // u128's largest amount, about 3.4e38.
            if units >= 3.4e38 {
                return None;
            }
            format!("{units:.0}")
        }
        Value::String(ref s)
            if !tokens && !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) =>
        {
            s.clone()
        }
        _ => return None,
    };
    Some(Value::String(digits))
}

/// How a sweep lays out its cells.
#[derive(
    Copy, Clone, Debug, Deserialize, serde::Serialize, PartialEq, Eq, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Sampler {
    /// Every combination of the parameters' values.
    #[default]
    Grid,
    /// A Latin hypercube over the parameters' ranges.
    Lhs,
    /// A Saltelli design over the parameters' ranges, for Sobol' indices.
    Sobol,
}

/// How the runs of a sweep are seeded.
#[derive(
    Copy, Clone, Debug, Deserialize, serde::Serialize, PartialEq, Eq, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Seeds {
    /// Replicate `r` has the same seed in every cell.
    #[default]
    Paired,
    /// Every run has its own seed.
    Independent,
}

/// The most cells a sweep may have.
pub const MAX_CELLS: u64 = 10_000_000;
/// The most values one range may give (checked before any is made).
pub const MAX_VALUES: u64 = 1_000_000;
/// The most replicates a cell may have.
pub const MAX_REPLICATES: u32 = 100_000;

/// The `[sweep]` table of a sweep file, as written.
#[derive(Clone, Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(super) struct SweepTable {
    /// The scenario the sweep starts from, relative to this file (its
    /// other keys override it).
    pub(super) base: Option<String>,
    /// Runs per cell.
    #[serde(default = "one")]
    pub(super) replicates: u32,
    /// The base seed (default: the scenario's).
    pub(super) seed: Option<u64>,
    /// The swept keys.
    #[serde(default)]
    pub(super) parameter: Vec<ParamSpec>,
    /// How the cells are laid out: a grid, or a sampled design.
    #[serde(default)]
    pub(super) sampler: Sampler,
    /// Points of a sampled design.
    pub(super) samples: Option<u32>,
    /// How runs are seeded.
    #[serde(default)]
    pub(super) seeds: Seeds,
    /// The metrics each run keeps (default: every metric).
    pub(super) metrics: Option<Vec<String>>,
}

/// The JSON Schema (draft 7) of a sweep file: a scenario's keys (over its
/// base's) and the `[sweep]` table, which it must have.
pub fn file_schema() -> serde_json::Value {
    use crate::scenario::json_schema;
    let mut generator = json_schema::generator();
    let mut table = generator.subschema_for::<SweepTable>().to_value();
    json_schema::unwrap_descriptions(&mut table);
    let mut root = json_schema::schema();
    if let Some(props) = json_schema::properties(&mut root) {
        props.insert("sweep".into(), table);
    }
    root["required"] = serde_json::json!(["sweep"]);
    root["title"] = "proversim sweep".into();
    root["description"] = "A sweep: a scenario's keys (over the base its `[sweep]` table names, \
                           if any) and a `[sweep]` table of the keys that vary, their values \
                           and the replicates."
        .into();
    root["$comment"] =
        "Written by `proversim schema sweep`; regenerate it rather than editing it.".into();
    root
}

fn one() -> u32 {
    1
}

pub(super) fn problem(
    origin: impl Into<crate::scenario::load::Origin>,
    key: &str,
    message: impl Into<String>,
) -> ScenarioError {
    ScenarioError {
        problems: vec![Problem {
            origin: origin.into(),
            key: key.to_string(),
            message: message.into(),
        }],
    }
}

pub(super) fn as_f64(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(x) => Some(*x),
        _ => None,
    }
}

/// The values of a range: `start ..= stop` by `step` or in `count` values,
/// linear or logarithmic; integers when the bounds are integers.
pub(super) fn range_values(p: &ParamSpec) -> Result<Vec<Value>, String> {
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
        (None, Some(n)) if u64::from(n) > MAX_VALUES => {
            return Err(format!(
                "`count` = {n}: a range gives at most {MAX_VALUES} values"
            ));
        }
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
                        if n.is_nan() || n >= MAX_VALUES as f64 {
                            return Err(format!(
                                "the range has {n} values; a range gives at most {MAX_VALUES}"
                            ));
                        }
                        xs.extend((0..=n as u64).map(|i| a + i as f64 * s));
                    }
                }
                Scale::Log => {
                    if s <= 1.0 {
                        return Err(format!("a log `step` is a factor above 1, found {s}"));
                    }
                    // Its length from the factor, before any value is made.
                    let n = ((b / a).ln() / s.ln() + 1e-9).floor();
                    if n.is_nan() || n >= MAX_VALUES as f64 {
                        return Err(format!(
                            "the range has {n} values; a range gives at most {MAX_VALUES}"
                        ));
                    }
                    let mut x = a;
                    while x <= b * (1.0 + 1e-9) && xs.len() as u64 <= MAX_VALUES {
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
    if xs.iter().any(|x| !x.is_finite()) {
        return Err("the range yields values past what a number holds".into());
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

/// The values of every parameter at every point of a sampled design, from
/// each parameter's `min`, `max` and `scale`.
pub(super) fn sample_values(
    spec: &SweepTable,
    sampler: Sampler,
    seed: u64,
    at: &dyn Fn(&str) -> crate::scenario::Origin,
) -> Result<Vec<Vec<Value>>, ScenarioError> {
    use crate::stats::sampling::{SOBOL_DIMENSIONS, latin_hypercube, saltelli};
    let name = if sampler == Sampler::Lhs {
        "lhs"
    } else {
        "sobol"
    };
    let Some(n) = spec.samples.filter(|&n| n >= 2) else {
        return Err(problem(
            at("sweep.samples"),
            "sweep.samples",
            format!("sampler = \"{name}\" needs `samples`, at least 2"),
        ));
    };
    let k = spec.parameter.len();
    if sampler == Sampler::Sobol && k > SOBOL_DIMENSIONS {
        return Err(problem(
            at("sweep.parameter"),
            "sweep.parameter",
            format!("a Sobol' design takes at most {SOBOL_DIMENSIONS} keys"),
        ));
    }
    let points = (n as u64)
        * if sampler == Sampler::Sobol {
            k as u64 + 2
        } else {
            1
        };
    if points > MAX_CELLS {
        return Err(problem(
            at("sweep.samples"),
            "sweep.samples",
            format!("{points} cells; at most {MAX_CELLS}"),
        ));
    }
    let mut ranges = Vec::new();
    for (i, p) in spec.parameter.iter().enumerate() {
        let here = format!("sweep.parameter[{i}]");
        if p.values.is_some()
            || p.start.is_some()
            || p.stop.is_some()
            || p.step.is_some()
            || p.count.is_some()
            || p.zip.is_some()
        {
            return Err(problem(
                at(&here),
                &here,
                format!(
                    "sampler = \"{name}\" draws from `min` and `max` (and `scale`); `values`, ranges and `zip` are for grids"
                ),
            ));
        }
        let (Some(lo), Some(hi)) = (
            p.min.as_ref().and_then(as_f64),
            p.max.as_ref().and_then(as_f64),
        ) else {
            return Err(problem(
                at(&here),
                &here,
                "expected numbers `min` and `max`",
            ));
        };
        if !((hi - lo).is_finite() && lo < hi) {
            return Err(problem(
                at(&here),
                &here,
                format!(
                    "expected finite `min` < `max` a finite distance apart, found {lo:e} and {hi:e}"
                ),
            ));
        }
        if p.scale == Scale::Log && lo <= 0.0 {
            return Err(problem(
                at(&here),
                &here,
                "a log scale needs a positive `min`",
            ));
        }
        let integer =
            matches!(p.min, Some(Value::Integer(_))) && matches!(p.max, Some(Value::Integer(_)));
        ranges.push((lo, hi, p.scale, integer));
    }
    let unit = match sampler {
        Sampler::Lhs => latin_hypercube(n as usize, k, seed),
        _ => saltelli(n as usize, k, seed),
    };
    Ok(ranges
        .iter()
        .enumerate()
        .map(|(d, &(lo, hi, scale, integer))| {
            unit.iter()
                .map(|u| {
                    // An integer range spans `min ..= max`: `max + 1` is the
                    // end of its last stratum.
                    let top = if integer && scale == Scale::Linear {
                        hi + 1.0
                    } else {
                        hi
                    };
                    let x = match scale {
                        Scale::Linear => lo + u[d] * (top - lo),
                        Scale::Log => (lo.ln() + u[d] * (hi.ln() - lo.ln())).exp(),
                    };
                    if integer {
                        Value::Integer(x.floor().clamp(lo, hi) as i64)
                    } else {
                        Value::Float(x)
                    }
                })
                .collect()
        })
        .collect())
}
