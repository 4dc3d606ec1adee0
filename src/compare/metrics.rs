//! The statistics of a comparison: for every metric either side reports,
//! the two means, the paired difference with its Student-t interval, the
//! paired t-test adjusted over every metric by Holm's method, the effect
//! size, and the pairs a claim not yet made would need.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::{Comparison, Outcome};
use crate::stats::interval::{paired_differences, t_interval};
use crate::stats::significance::{holm, paired_test, pairs_needed};

/// One metric of a comparison: the two means, and the mean of the paired
/// differences B − A with its Student-t 95% interval.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricDiff {
    /// A's mean over the pairs where both ran.
    pub a_mean: f64,
    /// B's mean over the same pairs.
    pub b_mean: f64,
    /// The mean of B − A.
    pub diff_mean: f64,
    /// Its interval's lower end.
    pub diff_ci_low: f64,
    /// Its interval's upper end.
    pub diff_ci_high: f64,
    /// Pairs it rests on.
    pub n: usize,
    /// The paired t-test's two-sided p-value.
    pub p_value: Option<f64>,
    /// The p-value adjusted by Holm's method over every metric of the
    /// comparison; the metric differs when it is below 0.05.
    pub p_holm: Option<f64>,
    /// The mean difference over its standard deviation (Cohen's d_z).
    pub effect_size: Option<f64>,
    /// Pairs a test at 5% would need to detect this effect with 80%
    /// power, for a metric that does not differ yet.
    pub pairs_needed: Option<u64>,
}

impl MetricDiff {
    /// Whether B differs from A after Holm's adjustment.
    pub fn differs(&self) -> bool {
        self.p_holm.is_some_and(|p| p < ALPHA)
    }
}

/// The family-wise error rate of a comparison's verdicts.
const ALPHA: f64 = 0.05;

fn value(o: &Outcome, metric: &str) -> f64 {
    o.result
        .as_ref()
        .ok()
        .and_then(|m| m.get(metric))
        .unwrap_or(f64::NAN)
}

/// Every metric either side reports: the catalog's in its order, then the
/// rest by name.
pub(super) fn metric_names(c: &Comparison) -> Vec<String> {
    let mut all = BTreeSet::new();
    for o in c.runs_a.iter().chain(&c.runs_b) {
        if let Ok(m) = &o.result {
            all.extend(m.0.keys().cloned());
        }
    }
    crate::metrics::flat::table_order(&all)
}

/// The paired interval and test of every metric defined in at least one
/// pair, the tests adjusted together by Holm's method.
pub fn diffs(c: &Comparison) -> BTreeMap<String, MetricDiff> {
    let mut out = BTreeMap::new();
    for name in metric_names(c) {
        let a: Vec<f64> = c.runs_a.iter().map(|o| value(o, &name)).collect();
        let b: Vec<f64> = c.runs_b.iter().map(|o| value(o, &name)).collect();
        // The differences once, for the interval and the test alike.
        let differences = paired_differences(&a, &b);
        let Some(d) = t_interval(&differences) else {
            continue;
        };
        let both: Vec<(f64, f64)> = a
            .iter()
            .zip(&b)
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|(x, y)| (*x, *y))
            .collect();
        let n = both.len() as f64;
        let test = paired_test(&differences);
        out.insert(
            name,
            MetricDiff {
                a_mean: both.iter().map(|p| p.0).sum::<f64>() / n,
                b_mean: both.iter().map(|p| p.1).sum::<f64>() / n,
                diff_mean: d.mean,
                diff_ci_low: d.low,
                diff_ci_high: d.high,
                n: d.n,
                p_value: test.p,
                p_holm: None,
                effect_size: test.effect,
                pairs_needed: None,
            },
        );
    }
    let adjusted = holm(&out.values().map(|d| d.p_value).collect::<Vec<_>>());
    for (d, p) in out.values_mut().zip(adjusted) {
        d.p_holm = p;
        if !d.differs() {
            d.pairs_needed = d.effect_size.and_then(pairs_needed);
        }
    }
    out
}

/// Metric names by the size of their effect, largest first (those without
/// one last, by name).
pub fn by_effect_size(metrics: &BTreeMap<String, MetricDiff>) -> Vec<&str> {
    let mut names: Vec<(&str, f64)> = metrics
        .iter()
        .map(|(k, d)| (k.as_str(), d.effect_size.map_or(-1.0, f64::abs)))
        .collect();
    names.sort_by(|x, y| y.1.total_cmp(&x.1));
    names.into_iter().map(|(k, _)| k).collect()
}
