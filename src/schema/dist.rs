//! Heterogeneous agents: a prover group's numeric key may be a
//! distribution instead of a number (`hourly_price = { dist = "lognormal",
//! median = 40.0, sigma = 0.3 }`), and each agent of the group draws its own
//! value once, from its own stream. The file's inline tables are moved into
//! the group's `vary` table when the file is read, and the key keeps the
//! distribution's centre as the group's representative value.

use std::collections::BTreeMap;

use rand::RngExt;
use rand_distr::{Distribution, LogNormal, Normal};
use serde::{Deserialize, Serialize};
use toml::{Table, Value};

use super::ProverGroup;

/// A distribution of one parameter across the agents of a group.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum Dist {
    /// `exp(N(ln median, sigma))`.
    Lognormal {
        /// The median.
        median: f64,
        /// The standard deviation of the logarithm.
        sigma: f64,
    },
    /// Uniform between `min` and `max`.
    Uniform {
        /// The lowest value.
        min: f64,
        /// The highest value.
        max: f64,
    },
    /// Normal, cut below at `min` if given.
    Normal {
        /// The mean.
        mean: f64,
        /// The standard deviation.
        sd: f64,
        /// The lowest value drawn (draws below it are set to it).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
    },
}

impl Dist {
    /// The value the group shows for the key: the median, the middle or
    /// the mean.
    pub fn centre(&self) -> f64 {
        match *self {
            Dist::Lognormal { median, .. } => median,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Normal { mean, min, .. } => min.map_or(mean, |m| mean.max(m)),
        }
    }

    /// Why the distribution cannot be drawn from, as `(key, message)`.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let finite = |v: f64| v.is_finite();
        match *self {
            Dist::Lognormal { median, sigma } => {
                if !(finite(median) && median > 0.0) {
                    return Some((
                        "median",
                        format!("expected a positive median, found {median}"),
                    ));
                }
                if !(finite(sigma) && sigma >= 0.0) {
                    return Some((
                        "sigma",
                        format!("expected a non-negative sigma, found {sigma}"),
                    ));
                }
            }
            Dist::Uniform { min, max } => {
                if !finite(min) {
                    return Some(("min", format!("expected a number, found {min}")));
                }
                if !(finite(max) && max >= min) {
                    return Some((
                        "max",
                        format!("expected a number at least min ({min}), found {max}"),
                    ));
                }
            }
            Dist::Normal { mean, sd, min } => {
                if !finite(mean) {
                    return Some(("mean", format!("expected a number, found {mean}")));
                }
                if !(finite(sd) && sd >= 0.0) {
                    return Some(("sd", format!("expected a non-negative sd, found {sd}")));
                }
                if let Some(m) = min
                    && !finite(m)
                {
                    return Some(("min", format!("expected a number, found {m}")));
                }
            }
        }
        None
    }

    /// One draw.
    pub fn sample(&self, rng: &mut crate::base::random::Stream) -> f64 {
        match *self {
            Dist::Lognormal { median, sigma } => LogNormal::new(median.ln(), sigma)
                .map(|d| d.sample(rng))
                .unwrap_or(median),
            Dist::Uniform { min, max } => min + (max - min) * rng.random::<f64>(),
            Dist::Normal { mean, sd, min } => {
                let x = Normal::new(mean, sd).map(|d| d.sample(rng)).unwrap_or(mean);
                min.map_or(x, |m| x.max(m))
            }
        }
    }
}

/// The prover-group keys that may be distributions (integer keys take the
/// draw rounded).
pub const VARIABLE_KEYS: [&str; 16] = [
    "overhead_seconds",
    "per_tx_seconds",
    "per_block_seconds",
    "parallelism",
    "uptime",
    "hourly_price",
    "fixed_cost_per_epoch",
    "priority_fee_gwei",
    "min_margin",
    "discount_per_epoch",
    "capital_cost_per_epoch",
    "entry_cost",
    "exit_after_losses",
    "entry_delay_epochs",
    "horizon_epochs",
    "fallback_after_slots",
];

/// The variable keys that hold whole numbers.
const INTEGER_KEYS: [&str; 4] = [
    "exit_after_losses",
    "entry_delay_epochs",
    "horizon_epochs",
    "fallback_after_slots",
];

/// Moves every prover group's inline distributions into its `vary` table,
/// leaving each key its distribution's centre. A table that is not a
/// distribution is left for the schema to refuse.
pub fn lift(root: &mut Table) {
    let Some(Value::Array(groups)) = root.get_mut("provers") else {
        return;
    };
    for g in groups.iter_mut() {
        let Value::Table(g) = g else { continue };
        let mut lifted = Table::new();
        for key in VARIABLE_KEYS {
            let Some(Value::Table(t)) = g.get(key) else {
                continue;
            };
            let Ok(d) = Value::Table(t.clone()).try_into::<Dist>() else {
                // Keep it where it is: the error names its own key.
                lifted.insert(key.to_string(), Value::Table(t.clone()));
                g.remove(key);
                continue;
            };
            lifted.insert(key.to_string(), Value::Table(t.clone()));
            let centre = if INTEGER_KEYS.contains(&key) {
                Value::Integer(d.centre().round().max(0.0) as i64)
            } else {
                Value::Float(d.centre())
            };
            g.insert(key.to_string(), centre);
        }
        if lifted.is_empty() {
            continue;
        }
        let vary = g
            .entry("vary".to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        if let Value::Table(v) = vary {
            v.extend(lifted);
        }
    }
}

/// A key path inside `vary` as the file wrote it: `provers[0].vary.x.sigma`
/// is `provers[0].x.sigma`.
pub fn unlift_path(path: &str) -> String {
    path.replace(".vary.", ".")
}

impl ProverGroup {
    /// One agent's own values: the group with each distribution drawn.
    pub fn draw(&self, rng: &mut crate::base::random::Stream) -> ProverGroup {
        let mut g = self.clone();
        for (key, d) in &self.vary {
            let v = d.sample(rng);
            g.set_number(key, v);
        }
        g
    }

    /// Sets a variable key to `v`, kept inside the key's range.
    fn set_number(&mut self, key: &str, v: f64) {
        let non_negative = v.max(0.0);
        match key {
            "overhead_seconds" => self.overhead_seconds = non_negative,
            "per_tx_seconds" => self.per_tx_seconds = non_negative,
            "per_block_seconds" => self.per_block_seconds = non_negative,
            "parallelism" => self.parallelism = v.max(1e-9),
            "uptime" => self.uptime = v.clamp(0.0, 1.0),
            "hourly_price" => self.hourly_price = non_negative,
            "fixed_cost_per_epoch" => self.fixed_cost_per_epoch = non_negative,
            "priority_fee_gwei" => self.priority_fee_gwei = non_negative,
            "min_margin" => self.min_margin = v.max(-0.999),
            "discount_per_epoch" => self.discount_per_epoch = v.clamp(0.0, 0.999),
            "capital_cost_per_epoch" => self.capital_cost_per_epoch = non_negative,
            "entry_cost" => self.entry_cost = non_negative,
            "exit_after_losses" => self.exit_after_losses = (v.round().max(1.0)) as u32,
            "entry_delay_epochs" => self.entry_delay_epochs = non_negative.round() as u32,
            "horizon_epochs" => self.horizon_epochs = non_negative.round().min(10_000.0) as u32,
            "fallback_after_slots" => self.fallback_after_slots = non_negative.round() as u64,
            _ => {}
        }
    }
}

/// The `vary` table's type.
pub type Vary = BTreeMap<String, Dist>;
