//! Sobol' sensitivity indices from a Saltelli design: how much of a
//! metric's variance each key explains alone (first order) and with its
//! interactions (total).
//!
//! Estimators: Saltelli et al. (2010) for first order,
//! `S_i = mean(f(B) (f(AB_i) - f(A))) / V`, and Jansen (1999) for total,
//! `ST_i = mean((f(A) - f(AB_i))^2) / (2 V)`, with `V` the variance of
//! `f` over `A` and `B` together.

use rand::RngExt;
use serde::Serialize;

use crate::base::random::stream;

/// Bootstrap resamples of the base samples behind each interval (SALib's
/// default).
pub const RESAMPLES: usize = 100;

/// An interval wider than ± this, or an index outside [0, 1] beyond its
/// interval, makes an estimate unreliable: the design needs more samples.
pub const WIDE: f64 = 0.1;

/// A key's indices for one metric, each with the half-width of its 95%
/// bootstrap interval (as SALib reports them: 1.96 times the standard
/// deviation of the index over resamples of the base samples).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Indices {
    /// First-order index.
    pub first: f64,
    /// Total-order index.
    pub total: f64,
    /// Half-width of the first-order index's 95% interval.
    pub first_conf: f64,
    /// Half-width of the total index's 95% interval.
    pub total_conf: f64,
}

impl Indices {
    /// Whether the estimate says little: an interval wider than ±[`WIDE`],
    /// or an index outside [0, 1] by more than its interval.
    pub fn unreliable(&self) -> bool {
        let outside = |x: f64, conf: f64| x + conf < 0.0 || x - conf > 1.0;
        !(self.first_conf <= WIDE && self.total_conf <= WIDE)
            || outside(self.first, self.first_conf)
            || outside(self.total, self.total_conf)
    }
}

/// The indices of each of `k` keys, given the metric at every point of a
/// Saltelli design (in [`super::sampling::saltelli`]'s order), with their
/// bootstrap intervals (a fixed seed: the same design gives the same
/// intervals). Base samples with a non-finite value anywhere are left out;
/// `None` when fewer than two remain or the metric does not vary.
pub fn sobol_indices(values: &[f64], k: usize) -> Option<Vec<Indices>> {
    let block = k + 2;
    let rows: Vec<&[f64]> = values
        .chunks_exact(block)
        .filter(|r| r.iter().all(|x| x.is_finite()))
        .collect();
    let point = estimate(&rows, k)?;
    let n = rows.len();
    let mut rng = stream(0, "sobol-bootstrap", n as u64);
    let mut draws: Vec<Vec<(f64, f64)>> = Vec::with_capacity(RESAMPLES);
    let mut pick: Vec<&[f64]> = Vec::with_capacity(n);
    for _ in 0..RESAMPLES {
        pick.clear();
        pick.extend((0..n).map(|_| rows[rng.random_range(0..n)]));
        if let Some(e) = estimate(&pick, k) {
            draws.push(e);
        }
    }
    let conf = |xs: Vec<f64>| -> f64 {
        let m = xs.len();
        if m < 2 {
            return f64::INFINITY;
        }
        let mean = xs.iter().sum::<f64>() / m as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (m - 1) as f64;
        1.96 * var.sqrt()
    };
    Some(
        point
            .into_iter()
            .enumerate()
            .map(|(i, (first, total))| Indices {
                first,
                total,
                first_conf: conf(draws.iter().map(|d| d[i].0).collect()),
                total_conf: conf(draws.iter().map(|d| d[i].1).collect()),
            })
            .collect(),
    )
}

/// (first order, total) of each key over the base samples `rows`; `None`
/// when fewer than two or the metric does not vary over them.
fn estimate(rows: &[&[f64]], k: usize) -> Option<Vec<(f64, f64)>> {
    let n = rows.len();
    if n < 2 {
        return None;
    }
    let ab: Vec<f64> = rows.iter().flat_map(|r| [r[0], r[1]]).collect();
    let mean = ab.iter().sum::<f64>() / ab.len() as f64;
    let var = ab.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / ab.len() as f64;
    // A metric that varies only by floating-point rounding has no
    // variance to apportion.
    if !var.is_finite() || var.sqrt() <= 1e-9 * mean.abs().max(f64::MIN_POSITIVE) {
        return None;
    }
    Some(
        (0..k)
            .map(|i| {
                let (mut first, mut total) = (0.0, 0.0);
                for r in rows {
                    let (fa, fb, fab) = (r[0], r[1], r[2 + i]);
                    first += fb * (fab - fa);
                    total += (fa - fab).powi(2);
                }
                (first / n as f64 / var, total / (2.0 * n as f64) / var)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::sampling::saltelli;
    use super::*;
    use std::f64::consts::PI;

    /// The Ishigami function, whose indices are known in closed form.
    fn ishigami(x: &[f64]) -> f64 {
        let (a, b) = (7.0, 0.1);
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    }

    /// The indices of the Ishigami function over a Saltelli design of
    /// `base` points on [-π, π]³.
    fn ishigami_indices(base: usize) -> Vec<Indices> {
        let ys: Vec<f64> = saltelli(base, 3, 5)
            .iter()
            .map(|p| {
                let x: Vec<f64> = p.iter().map(|u| -PI + 2.0 * PI * u).collect();
                ishigami(&x)
            })
            .collect();
        sobol_indices(&ys, 3).unwrap()
    }

    #[test]
    fn ishigami_indices_within_five_hundredths() {
        let (a, b) = (7.0f64, 0.1f64);
        let pi4 = PI.powi(4);
        let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        let expect = [(v1 / v, (v1 + v13) / v), (v2 / v, v2 / v), (0.0, v13 / v)];
        let got = ishigami_indices(4096);
        for (i, (g, (s, t))) in got.iter().zip(expect).enumerate() {
            assert!(
                (g.first - s).abs() < 0.05,
                "S{} = {} vs {s}",
                i + 1,
                g.first
            );
            assert!(
                (g.total - t).abs() < 0.05,
                "ST{} = {} vs {t}",
                i + 1,
                g.total
            );
        }
    }

    #[test]
    fn intervals_shrink_with_samples_and_flag_a_small_design() {
        let (small, large) = (ishigami_indices(16), ishigami_indices(4096));
        for (s, l) in small.iter().zip(&large) {
            assert!(l.first_conf < s.first_conf && l.total_conf < s.total_conf);
            // About 1/sqrt(n): 4096 base samples are 16 times as sure as 16.
            assert!(l.first_conf < 0.05, "{l:?}");
        }
        assert!(small.iter().any(Indices::unreliable));
        assert!(!large.iter().any(Indices::unreliable), "{large:?}");
        // Deterministic: the same design gives the same intervals.
        assert_eq!(ishigami_indices(16), small);
    }

    #[test]
    fn a_constant_metric_has_no_indices() {
        assert!(sobol_indices(&[1.0; 50], 3).is_none());
        let rounding: Vec<f64> = (0..50)
            .map(|i| 1.0 / 3.0 + if i % 3 == 0 { 5e-17 } else { 0.0 })
            .collect();
        assert!(sobol_indices(&rounding, 3).is_none());
    }
}
