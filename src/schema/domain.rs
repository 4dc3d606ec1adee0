//! One key's domain: its type, its range (every real is finite), and its
//! unit, with the constructors the domain tables are written with and the
//! words messages use for a range. The table of the keys every scenario has
//! is `domains`; a strategy or voting policy declares its own keys' domains
//! in its own file.

use toml::Value;

/// A key's range.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Range {
    /// An integer from `min` to `max`, both included.
    Int(i64, i64),
    /// A finite real from `min` to `max`; `open` ends are excluded.
    Real {
        /// The lower end.
        min: f64,
        /// Whether the lower end is excluded.
        min_open: bool,
        /// The upper end (infinite: none).
        max: f64,
        /// Whether the upper end is excluded.
        max_open: bool,
    },
}

/// One key's domain.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Domain {
    /// The key path; `[]` stands for every group of a list.
    pub key: &'static str,
    /// Its range.
    pub range: Range,
    /// Its unit, for messages.
    pub unit: &'static str,
    /// What this key needs to apply (a group's strategy or policy, or the
    /// table it belongs to), as a `--set` override
    /// (`provers.0.strategy=supersede`).
    pub needs: Option<&'static str>,
}

/// No upper end.
pub const INF: f64 = f64::INFINITY;

/// An integer from `min` to `max`, both included.
pub const fn int(key: &'static str, min: i64, max: i64, unit: &'static str) -> Domain {
    Domain {
        key,
        range: Range::Int(min, max),
        unit,
        needs: None,
    }
}

/// A finite real from `min` to `max`, each end open or closed.
pub const fn real(
    key: &'static str,
    min: f64,
    min_open: bool,
    max: f64,
    max_open: bool,
    unit: &'static str,
) -> Domain {
    Domain {
        key,
        range: Range::Real {
            min,
            min_open,
            max,
            max_open,
        },
        unit,
        needs: None,
    }
}

/// A non-negative finite real.
pub const fn non_negative(key: &'static str, unit: &'static str) -> Domain {
    real(key, 0.0, false, INF, false, unit)
}

/// A positive finite real.
pub const fn positive(key: &'static str, unit: &'static str) -> Domain {
    real(key, 0.0, true, INF, false, unit)
}

/// A part from 0 to 1.
pub const fn part(key: &'static str, unit: &'static str) -> Domain {
    real(key, 0.0, false, 1.0, false, unit)
}

/// The domain of a key that applies only under `context` (a `--set`
/// override that makes it apply, e.g. `provers.0.strategy=partial`).
pub const fn needs(mut d: Domain, context: &'static str) -> Domain {
    d.needs = Some(context);
    d
}

/// A bound or a value in a message: in full, unless it is so large or so
/// small that scientific notation reads better (and stays short).
pub(crate) fn number(x: f64) -> String {
    if !x.is_finite() {
        // As TOML spells them.
        return toml::Value::Float(x).to_string();
    }
    if scientific(x) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Whether a finite number reads better in scientific notation.
fn scientific(x: f64) -> bool {
    x != 0.0 && (x.abs() >= 1e15 || x.abs() < 1e-9)
}

/// A value found in a file, as a message shows it (as TOML writes it, but
/// for numbers that read better in scientific notation).
pub(crate) fn found(v: &Value) -> String {
    match v {
        Value::Float(x) if scientific(*x) && x.is_finite() => number(*x),
        other => other.to_string(),
    }
}

impl Range {
    /// The range in words.
    pub fn describe(&self, unit: &str) -> String {
        let unit = if unit.is_empty() {
            String::new()
        } else {
            format!(" {unit}")
        };
        match *self {
            Range::Int(min, i64::MAX) => format!("an integer of at least {min}{unit}"),
            Range::Int(min, max) => format!("an integer from {min} to {max}{unit}"),
            Range::Real {
                min,
                min_open,
                max,
                max_open,
            } => {
                let (min, max) = (number(min), number(max));
                match (min_open, max == "inf", max_open) {
                    (false, true, _) => format!("a number of at least {min}{unit}"),
                    (true, true, _) => format!("a number above {min}{unit}"),
                    (false, false, false) => format!("a number from {min} to {max}{unit}"),
                    (true, false, true) => format!("a number above {min} and below {max}{unit}"),
                    (false, false, true) => {
                        format!("a number from {min} up to (not including) {max}{unit}")
                    }
                    (true, false, false) => format!("a number above {min} and at most {max}{unit}"),
                }
            }
        }
    }

    /// Whether `v` lies in the range (`None`: not a number, which the
    /// schema reports).
    pub fn contains(&self, v: &Value) -> Option<bool> {
        match (*self, v) {
            (Range::Int(min, max), Value::Integer(i)) => Some((min..=max).contains(i)),
            (Range::Int(..), _) => None,
            (r @ Range::Real { .. }, Value::Integer(i)) => r.contains(&Value::Float(*i as f64)),
            (
                Range::Real {
                    min,
                    min_open,
                    max,
                    max_open,
                },
                Value::Float(x),
            ) => Some(
                x.is_finite()
                    && if min_open { *x > min } else { *x >= min }
                    && if max_open { *x < max } else { *x <= max },
            ),
            _ => None,
        }
    }
}
