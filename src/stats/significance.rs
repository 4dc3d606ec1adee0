//! Tests over many metrics at once: a comparison reports dozens of
//! metrics, and at 5% each some would "differ" by chance alone. Each
//! metric's paired t-test gives a p-value; Holm's step-down method adjusts
//! them so that the chance of any false "differs" across the whole table
//! stays at 5% (the family-wise error rate), without assuming the metrics
//! independent. Effect sizes (mean difference over its standard
//! deviation) order the table, and give the replicates a claim would need.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// A paired t-test: of the mean of the differences `b[i] - a[i]` against 0.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PairedTest {
    /// Two-sided p-value (`None` with fewer than two pairs).
    pub p: Option<f64>,
    /// Mean difference over its standard deviation (Cohen's d_z); `None`
    /// when the differences do not vary.
    pub effect: Option<f64>,
}

/// The paired t-test of the differences `d` (as
/// [`super::interval::paired_differences`] gives them).
pub fn paired_test(d: &[f64]) -> PairedTest {
    let n = d.len();
    if n < 2 {
        return PairedTest {
            p: None,
            effect: None,
        };
    }
    let mean = d.iter().sum::<f64>() / n as f64;
    let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
    if sd == 0.0 || !sd.is_finite() {
        // Every pair differs by the same amount: certainly (or not at all).
        return PairedTest {
            p: Some(if mean == 0.0 { 1.0 } else { 0.0 }),
            effect: None,
        };
    }
    let t = mean / (sd / (n as f64).sqrt());
    let p = StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .map(|dist| (2.0 * dist.cdf(-t.abs())).min(1.0))
        .ok();
    PairedTest {
        p,
        effect: Some(mean / sd),
    }
}

/// Holm's step-down adjustment: the `i`-th smallest of `m` p-values is
/// multiplied by `m - i`, then made monotone; `None` stays `None` and does
/// not count in `m`.
pub fn holm(p: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut order: Vec<usize> = (0..p.len()).filter(|&i| p[i].is_some()).collect();
    order.sort_by(|&i, &j| p[i].unwrap_or(1.0).total_cmp(&p[j].unwrap_or(1.0)));
    let m = order.len();
    let mut out = vec![None; p.len()];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        let adjusted = (p[i].unwrap_or(1.0) * (m - rank) as f64).min(1.0);
        running = running.max(adjusted);
        out[i] = Some(running);
    }
    out
}

/// Pairs a two-sided test at 5% needs to detect an effect of this size
/// (mean over standard deviation) with 80% power, by the normal
/// approximation ((z₀.₉₇₅ + z₀.₈) / effect)², at least 2.
pub fn pairs_needed(effect: f64) -> Option<u64> {
    if effect == 0.0 || !effect.is_finite() {
        return None;
    }
    let z = Normal::new(0.0, 1.0).ok()?;
    let need = ((z.inverse_cdf(0.975) + z.inverse_cdf(0.8)) / effect.abs()).powi(2);
    Some((need.ceil() as u64).max(2))
}

#[cfg(test)]
mod tests {
    use super::super::interval::paired_differences;
    use super::*;

    /// The test of `b[i] - a[i]`.
    fn test(a: &[f64], b: &[f64]) -> PairedTest {
        paired_test(&paired_differences(a, b))
    }

    #[test]
    fn a_paired_test_matches_the_textbook() {
        // d = 1, 2, 3, 4, 5: mean 3, sd 1.5811, t = 4.2426 on 4 df,
        // two-sided p = 0.01324.
        let a = [0.0; 5];
        let b = [1.0, 2.0, 3.0, 4.0, 5.0];
        let t = test(&a, &b);
        assert!((t.p.unwrap() - 0.013_24).abs() < 1e-4, "{t:?}");
        assert!((t.effect.unwrap() - 3.0 / 1.581_138_8).abs() < 1e-6);
        // A constant difference is certain; no difference at all is not one.
        assert_eq!(test(&a, &[2.0; 5]).p, Some(0.0));
        assert_eq!(test(&a, &a).p, Some(1.0));
        assert_eq!(test(&[1.0], &[2.0]).p, None);
    }

    #[test]
    fn holm_adjusts_step_down_and_keeps_the_order() {
        // m = 4: 0.01·4, 0.02·3, 0.03·2, 0.04·1 → 0.04, 0.06, 0.06, 0.06.
        let adjusted = holm(&[Some(0.03), Some(0.01), None, Some(0.04), Some(0.02)]);
        let close = |x: Option<f64>, y: f64| (x.unwrap() - y).abs() < 1e-12;
        assert!(close(adjusted[1], 0.04));
        assert!(close(adjusted[4], 0.06));
        assert!(close(adjusted[0], 0.06));
        assert!(close(adjusted[3], 0.06));
        assert_eq!(adjusted[2], None);
    }

    #[test]
    fn pairs_needed_follow_the_power_formula() {
        // Effect 0.5: (1.96 + 0.8416)² / 0.25 = 31.4 → 32.
        assert_eq!(pairs_needed(0.5), Some(32));
        assert_eq!(pairs_needed(-0.5), Some(32));
        assert_eq!(pairs_needed(10.0), Some(2));
        assert_eq!(pairs_needed(0.0), None);
    }
}
