//! Student-t 95% intervals of a mean: over the replicates of a cell, and
//! over the paired differences of two scenarios run on the same seeds.
//!
//! With few replicates the normal approximation (mean ± 1.96 sd/√n) is far
//! too narrow (2.2× at n = 3); the t quantile with n − 1 degrees of freedom
//! is the honest width.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// Below this many replicates an interval is shown with a warning.
pub const FEW_REPLICATES: usize = 5;

/// A mean and its two-sided 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// The sample mean.
    pub mean: f64,
    /// The interval's lower end (the mean itself when n < 2).
    pub low: f64,
    /// The interval's upper end.
    pub high: f64,
    /// The values it rests on.
    pub n: usize,
}

impl Interval {
    /// Half the interval's width.
    pub fn half_width(&self) -> f64 {
        (self.high - self.low) / 2.0
    }
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom.
pub fn t_quantile_975(df: usize) -> f64 {
    t_quantile(df, 0.975)
}

/// The `p` quantile of Student's t with `df` degrees of freedom (NaN for
/// none).
pub fn t_quantile(df: usize, p: f64) -> f64 {
    if df == 0 {
        return f64::NAN;
    }
    StudentsT::new(0.0, 1.0, df as f64)
        .map(|t| t.inverse_cdf(p))
        .unwrap_or(f64::NAN)
}

/// The mean of `xs` with its Student-t 95% interval; non-finite values are
/// left out. `None` when nothing is left.
pub fn t_interval(xs: &[f64]) -> Option<Interval> {
    let v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    let n = v.len();
    if n == 0 {
        return None;
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Some(Interval {
            mean,
            low: mean,
            high: mean,
            n,
        });
    }
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half = t_quantile_975(n - 1) * (var / n as f64).sqrt();
    Some(Interval {
        mean,
        low: mean - half,
        high: mean + half,
        n,
    })
}

/// `b[i] - a[i]` over the pairs where both are finite (common random
/// numbers: pair `i` shares its seed).
pub fn paired_differences(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter()
        .zip(b)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(x, y)| y - x)
        .collect()
}

/// The interval of the mean of the paired differences `b[i] - a[i]`.
pub fn paired_interval(a: &[f64], b: &[f64]) -> Option<Interval> {
    t_interval(&paired_differences(a, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_match_the_tables() {
        // Two-sided 95% critical values of Student's t.
        for (df, t) in [(1, 12.706), (2, 4.303), (4, 2.776), (9, 2.262), (30, 2.042)] {
            assert!((t_quantile_975(df) - t).abs() < 1e-3, "df {df}");
        }
    }

    #[test]
    fn interval_of_a_small_sample() {
        let i = t_interval(&[1.0, 2.0, 3.0]).unwrap();
        assert_eq!(i.mean, 2.0);
        // sd 1, n 3: half width 4.303 / sqrt(3).
        assert!((i.half_width() - 4.302_652_7 / 3f64.sqrt()).abs() < 1e-6);
        assert_eq!(t_interval(&[5.0]).unwrap().half_width(), 0.0);
        assert!(t_interval(&[f64::NAN]).is_none());
    }

    #[test]
    fn paired_differences_cancel_a_shared_offset() {
        let a = [10.0, 20.0, 30.0, 40.0];
        let b = [11.0, 21.0, 31.0, 41.0];
        let i = paired_interval(&a, &b).unwrap();
        assert_eq!((i.mean, i.low, i.high, i.n), (1.0, 1.0, 1.0, 4));
    }
}
