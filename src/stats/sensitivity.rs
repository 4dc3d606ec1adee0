//! Sobol' sensitivity indices from a Saltelli design: how much of a
//! metric's variance each key explains alone (first order) and with its
//! interactions (total).
//!
//! Estimators: Saltelli et al. (2010) for first order,
//! `S_i = mean(f(B) (f(AB_i) - f(A))) / V`, and Jansen (1999) for total,
//! `ST_i = mean((f(A) - f(AB_i))^2) / (2 V)`, with `V` the variance of
//! `f` over `A` and `B` together.

use serde::Serialize;

/// A key's indices for one metric.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Indices {
    /// First-order index.
    pub first: f64,
    /// Total-order index.
    pub total: f64,
}

/// The indices of each of `k` keys, given the metric at every point of a
/// Saltelli design (in [`super::sampling::saltelli`]'s order). Base
/// samples with a non-finite value anywhere are left out; `None` when
/// fewer than two remain or the metric does not vary.
pub fn sobol_indices(values: &[f64], k: usize) -> Option<Vec<Indices>> {
    let block = k + 2;
    let rows: Vec<&[f64]> = values
        .chunks_exact(block)
        .filter(|r| r.iter().all(|x| x.is_finite()))
        .collect();
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
                for r in &rows {
                    let (fa, fb, fab) = (r[0], r[1], r[2 + i]);
                    first += fb * (fab - fa);
                    total += (fa - fab).powi(2);
                }
                Indices {
                    first: first / n as f64 / var,
                    total: total / (2.0 * n as f64) / var,
                }
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

    #[test]
    fn ishigami_indices_within_five_hundredths() {
        let (a, b) = (7.0f64, 0.1f64);
        let pi4 = PI.powi(4);
        let v1 = 0.5 * (1.0 + b * pi4 / 5.0).powi(2);
        let v2 = a * a / 8.0;
        let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
        let v = v1 + v2 + v13;
        let expect = [(v1 / v, (v1 + v13) / v), (v2 / v, v2 / v), (0.0, v13 / v)];
        let pts = saltelli(4096, 3, 5);
        let ys: Vec<f64> = pts
            .iter()
            .map(|p| {
                let x: Vec<f64> = p.iter().map(|u| -PI + 2.0 * PI * u).collect();
                ishigami(&x)
            })
            .collect();
        let got = sobol_indices(&ys, 3).unwrap();
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
    fn a_constant_metric_has_no_indices() {
        assert!(sobol_indices(&[1.0; 50], 3).is_none());
        let rounding: Vec<f64> = (0..50)
            .map(|i| 1.0 / 3.0 + if i % 3 == 0 { 5e-17 } else { 0.0 })
            .collect();
        assert!(sobol_indices(&rounding, 3).is_none());
    }
}
