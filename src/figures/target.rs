//! Searching quadratic booster constants that meet stated targets on the
//! booster's figures (`one_miss_share>=0.7,recovery_epochs<=80`), within
//! the contracts' bounds (constants are `uint32`; the decay per epoch stays
//! fixed unless it is searched too). The search is a deterministic grid on
//! logarithmic scales, then a local refinement of the best candidates.

use serde::Serialize;

use crate::protocol::Booster;
use crate::protocol::booster::Quadratic;

use super::BoosterFigures;

/// The largest constant the contracts store.
const UINT32_MAX: u64 = u32::MAX as u64;

/// How a figure is compared.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Op {
    /// At least.
    AtLeast,
    /// At most.
    AtMost,
}

/// One target: a figure, a comparison, a bound.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Target {
    /// The figure's key (as in `booster --format json`).
    pub figure: String,
    /// The comparison.
    pub op: Op,
    /// The bound.
    pub bound: f64,
}

/// The figures a target may name.
const FIGURES: [&str; 13] = [
    "first_share",
    "zero_to_max_epochs",
    "zero_to_50pct_epochs",
    "zero_to_90pct_epochs",
    "zero_to_99pct_epochs",
    "one_miss_share",
    "two_miss_share",
    "three_miss_share",
    "recovery_epochs",
    "breakeven_coverage",
    "coverage_50_share",
    "coverage_78_share",
    "coverage_90_share",
];

/// Parses `figure>=x,figure<=y,...`.
pub fn parse_targets(text: &str) -> Result<Vec<Target>, String> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (figure, op, bound) = if let Some((f, b)) = part.split_once(">=") {
            (f, Op::AtLeast, b)
        } else if let Some((f, b)) = part.split_once("<=") {
            (f, Op::AtMost, b)
        } else {
            return Err(format!(
                "target '{part}': expected FIGURE>=VALUE or FIGURE<=VALUE"
            ));
        };
        let figure = figure.trim();
        if !FIGURES.contains(&figure) {
            return Err(format!(
                "target '{part}': unknown figure '{figure}'; expected one of {}",
                FIGURES.join(", ")
            ));
        }
        let bound: f64 = bound
            .trim()
            .parse()
            .ok()
            .filter(|b: &f64| b.is_finite())
            .ok_or_else(|| format!("target '{part}': expected a number after the comparison"))?;
        out.push(Target {
            figure: figure.to_string(),
            op,
            bound,
        });
    }
    if out.is_empty() {
        return Err("no targets given".into());
    }
    Ok(out)
}

/// A figure's value (`never` is infinite).
fn value(f: &BoosterFigures, name: &str) -> f64 {
    let json = serde_json::to_value(f).expect("figures serialize");
    json.get(name)
        .and_then(|v| v.as_f64())
        .unwrap_or(f64::INFINITY)
}

/// How far a candidate is from meeting a target (0 when met), and how
/// tightly it meets it (0 on the bound), both relative to the bound.
fn miss_and_slack(f: &BoosterFigures, t: &Target) -> (f64, f64) {
    let v = value(f, &t.figure);
    let scale = t.bound.abs().max(1e-9);
    let gap = match t.op {
        Op::AtLeast => t.bound - v,
        Op::AtMost => v - t.bound,
    };
    if !gap.is_finite() {
        return (f64::INFINITY, 0.0);
    }
    ((gap / scale).max(0.0), (-gap / scale).max(0.0))
}

/// A candidate and how it does.
#[derive(Clone, Debug, Serialize)]
pub struct Candidate {
    /// The constants.
    #[serde(skip)]
    pub constants: Quadratic,
    /// `increment`, `max_score`, `a`, `minimum`, `k`, `decay_per_epoch`.
    pub increment: u64,
    /// See `increment`.
    pub max_score: u64,
    /// See `increment`.
    pub a: u64,
    /// See `increment`.
    pub minimum: u64,
    /// See `increment`.
    pub k: u64,
    /// See `increment`.
    pub decay_per_epoch: u64,
    /// Whether every target is met.
    pub meets: bool,
    /// Summed relative shortfall (0 when every target is met).
    pub shortfall: f64,
    /// Summed relative slack (lower: the targets are met more tightly).
    pub slack: f64,
    /// Its figures.
    pub figures: BoosterFigures,
}

fn evaluate(q: Quadratic, targets: &[Target]) -> Option<Candidate> {
    let booster = Booster::quadratic(q).ok()?;
    let coverage = targets.iter().any(|t| t.figure.starts_with("coverage_"));
    let figures = BoosterFigures::compute(&booster, coverage);
    let (mut shortfall, mut slack) = (0.0, 0.0);
    for t in targets {
        let (m, s) = miss_and_slack(&figures, t);
        shortfall += m;
        slack += s;
    }
    Some(Candidate {
        constants: q,
        increment: q.increment,
        max_score: q.max_score,
        a: q.a,
        minimum: q.minimum,
        k: q.k,
        decay_per_epoch: q.decay_per_epoch,
        meets: shortfall == 0.0,
        shortfall,
        slack,
        figures,
    })
}

/// Better first: meeting every target, then the smallest shortfall, then
/// the tightest fit; ties by the constants (deterministic).
fn rank(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    b.meets
        .cmp(&a.meets)
        .then(a.shortfall.total_cmp(&b.shortfall))
        .then(a.slack.total_cmp(&b.slack))
        .then((a.increment, a.max_score, a.a, a.decay_per_epoch).cmp(&(
            b.increment,
            b.max_score,
            b.a,
            b.decay_per_epoch,
        )))
}

/// `n` values from `lo` to `hi` evenly on a log scale, rounded.
fn log_grid(lo: f64, hi: f64, n: usize) -> Vec<u64> {
    (0..n)
        .map(|i| (lo * (hi / lo).powf(i as f64 / (n - 1) as f64)).round() as u64)
        .collect()
}

/// Whether a candidate's ramp is short enough to evaluate quickly (a
/// longer one would not meet a ramp target within the figures' limits).
fn plausible(q: &Quadratic) -> bool {
    let gain = q.increment.saturating_sub(q.decay_per_epoch).max(1);
    q.increment > q.decay_per_epoch
        && q.max_score > q.increment
        && q.max_score / gain <= 5_000
        && q.increment <= UINT32_MAX
        && q.max_score <= UINT32_MAX
        && q.a <= UINT32_MAX
}

/// The most candidates a search keeps: each one is refined by a local
/// search, so the time grows with them.
pub const MAX_CANDIDATES: usize = 50;

/// The best `keep` candidates (at most [`MAX_CANDIDATES`]) for the
/// targets, starting from `base`'s `minimum`, `k` and decay (searched too
/// with `free_decay`).
pub fn search(
    base: Quadratic,
    targets: &[Target],
    free_decay: bool,
    keep: usize,
) -> Vec<Candidate> {
    let decays = if free_decay {
        log_grid(1_000.0, 10_000_000.0, 9)
    } else {
        vec![base.decay_per_epoch]
    };
    let mut found: Vec<Candidate> = Vec::new();
    for &decay in &decays {
        for gain in log_grid(50.0, 1_000_000.0, 14) {
            for range in log_grid(10_000.0, 100_000_000.0, 14) {
                for a in log_grid(10.0, 1_000_000_000.0, 14) {
                    let q = Quadratic {
                        increment: decay + gain,
                        max_score: decay + gain + range,
                        a,
                        decay_per_epoch: decay,
                        ..base
                    };
                    if plausible(&q)
                        && let Some(c) = evaluate(q, targets)
                    {
                        found.push(c);
                    }
                }
            }
        }
    }
    found.sort_by(rank);
    let keep = keep.clamp(1, MAX_CANDIDATES);
    found.truncate(keep * 4);
    // Local refinement: scale each constant by steps of 2^(1/8) while it
    // improves.
    let mut refined: Vec<Candidate> = Vec::new();
    for mut best in found {
        let mut step = 2f64.powf(0.5);
        while step > 1.0 + 1e-3 {
            let mut improved = false;
            for dim in 0..if free_decay { 4 } else { 3 } {
                for f in [step, 1.0 / step] {
                    let mut q = best.constants;
                    let gain = (q.increment - q.decay_per_epoch) as f64;
                    let range = (q.max_score - q.increment) as f64;
                    match dim {
                        0 => q.increment = q.decay_per_epoch + (gain * f).round().max(1.0) as u64,
                        1 => q.max_score = q.increment + (range * f).round().max(1.0) as u64,
                        2 => q.a = ((q.a as f64) * f).round().max(1.0) as u64,
                        _ => {
                            q.decay_per_epoch = ((q.decay_per_epoch as f64) * f).round() as u64;
                            q.increment = q.decay_per_epoch + gain as u64;
                        }
                    }
                    q.max_score = q.max_score.max(q.increment + 1);
                    if !plausible(&q) {
                        continue;
                    }
                    if let Some(c) = evaluate(q, targets)
                        && rank(&c, &best).is_lt()
                    {
                        best = c;
                        improved = true;
                    }
                }
            }
            if !improved {
                step = step.sqrt();
            }
        }
        refined.push(best);
    }
    refined.sort_by(rank);
    refined.dedup_by(|a, b| a.constants == b.constants);
    refined.truncate(keep.max(1));
    refined
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_and_refuse_clearly() {
        let t = parse_targets("one_miss_share>=0.7, recovery_epochs<=80").unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].op, Op::AtMost);
        assert!(
            parse_targets("speed>=1")
                .unwrap_err()
                .contains("unknown figure 'speed'")
        );
        assert!(
            parse_targets("one_miss_share=0.7")
                .unwrap_err()
                .contains("expected FIGURE>=VALUE")
        );
        assert!(
            parse_targets("one_miss_share>=x")
                .unwrap_err()
                .contains("expected a number")
        );
    }
}
