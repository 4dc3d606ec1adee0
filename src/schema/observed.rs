//! Observations of the real network a scenario stands for (a scenario's
//! `[[observed]]` tables), set beside what it simulates in `report` and
//! `compare`: the data a world was built from, and how near it comes.

use serde::{Deserialize, Serialize};

/// One observed figure and the summary metric that corresponds to it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// The summary metric it corresponds to, as sweeps and comparisons
    /// name it (for example `network.proofs_per_epoch.mean`).
    pub metric: String,
    /// What was observed.
    pub value: f64,
    /// The lowest simulated mean that still reproduces it, if a band is
    /// claimed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    /// The highest simulated mean that still reproduces it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    /// Where the figure comes from.
    pub source: String,
    /// Whether something nobody observed was fitted to it: a fitted row is
    /// reproduced by construction, not predicted.
    #[serde(default)]
    pub fitted: bool,
}

impl Observation {
    /// The observed figure in words, with its band.
    pub fn stated(&self) -> String {
        let v = crate::output::plot::format_value(self.value);
        match (self.low, self.high) {
            (Some(l), Some(h)) => format!(
                "{v} (band {} to {})",
                crate::output::plot::format_value(l),
                crate::output::plot::format_value(h)
            ),
            _ => v,
        }
    }

    /// Whether `x` lies in the band (none is claimed: `None`).
    pub fn holds(&self, x: f64) -> Option<bool> {
        match (self.low, self.high) {
            (None, None) => None,
            (l, h) => Some(l.is_none_or(|l| x >= l) && h.is_none_or(|h| x <= h)),
        }
    }

    /// How a table marks a simulated `x`: " ✓" inside the band, " ✗"
    /// outside it, nothing without one.
    pub fn mark(&self, x: f64) -> &'static str {
        match self.holds(x) {
            Some(true) => " ✓",
            Some(false) => " ✗",
            None => "",
        }
    }

    /// The table's "fitted" column.
    pub fn fitted_word(&self) -> &'static str {
        if self.fitted { "yes" } else { "no" }
    }
}
