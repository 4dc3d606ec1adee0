//! A booster's figures, computed exactly with the protocol's own booster
//! functions (no simulation): how long a prover takes from an empty record
//! to the maximum share, what one, two or three missed epochs cost, how
//! long recovery takes, the coverage that keeps the maximum, what a prover
//! earns at a given coverage, and a newcomer's earnings against an
//! incumbent's. These are the figures a booster proposal (AZIP-5) argues
//! from.

use serde::Serialize;

use crate::protocol::{ActivityRecord, Booster, Epoch};

/// The longest any figure looks: epochs beyond it count as "never".
pub const MAX_EPOCHS: u64 = 100_000;

/// A booster's figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BoosterFigures {
    /// Shares at the maximum (what a prover proving every epoch settles at).
    pub max_shares: f64,
    /// Shares of an empty record's first bump, as a part of the maximum.
    pub first_share: f64,
    /// Epochs proven from an empty record until the shares reach the
    /// maximum (`None`: not within `MAX_EPOCHS`).
    pub zero_to_max_epochs: Option<u64>,
    /// The same, to 50%, 90% and 99% of the maximum.
    pub zero_to_50pct_epochs: Option<u64>,
    /// See `zero_to_50pct_epochs`.
    pub zero_to_90pct_epochs: Option<u64>,
    /// See `zero_to_50pct_epochs`.
    pub zero_to_99pct_epochs: Option<u64>,
    /// The share of the maximum at the first proof after 1 missed epoch,
    /// from the maximum.
    pub one_miss_share: f64,
    /// After 2 consecutive missed epochs.
    pub two_miss_share: f64,
    /// After 3.
    pub three_miss_share: f64,
    /// Epochs from the first proof after one miss until the shares are
    /// back at the maximum.
    pub recovery_epochs: Option<u64>,
    /// The lowest share of epochs proven, with one miss every `n` epochs,
    /// that still brings the shares back to the maximum before the next
    /// miss: `(n - 1) / n` (1 if no such `n` up to `MAX_EPOCHS`).
    pub breakeven_coverage: f64,
    /// The `n` of `breakeven_coverage`.
    pub breakeven_cycle_epochs: Option<u64>,
    /// Shares earned per epoch at 50% coverage (epochs proven evenly
    /// spread, a missed epoch earning nothing), as a part of the maximum.
    pub coverage_50_share: f64,
    /// The same at 78% coverage.
    pub coverage_78_share: f64,
    /// The same at 90% coverage.
    pub coverage_90_share: f64,
    /// A newcomer's summed shares over its first 100 epochs against an
    /// incumbent's at the maximum (both proving every epoch).
    pub newcomer_100_vs_incumbent: f64,
    /// The same over 500 epochs.
    pub newcomer_500_vs_incumbent: f64,
}

/// Shares of a submission in epoch `c` from `record` (bumping), and the
/// record it leaves.
fn step(b: &Booster, record: ActivityRecord, c: Epoch) -> (f64, ActivityRecord) {
    match b.score(record, c, true) {
        Ok((s, r)) => (s as f64, r),
        Err(_) => (0.0, record),
    }
}

/// Proving every epoch from an empty record until the shares stop
/// changing (the maximum) or `MAX_EPOCHS`: the shares of each epoch proven
/// (the `n`-th entry is the `n`-th epoch, epochs from 1) and the record at
/// the end.
fn ramp_to_max(b: &Booster) -> (Vec<f64>, ActivityRecord) {
    let mut r = ActivityRecord::default();
    let mut shares: Vec<f64> = Vec::new();
    for c in 1..=MAX_EPOCHS {
        let (s, next) = step(b, r, c);
        let settled = next.value == r.value && shares.last() == Some(&s);
        shares.push(s);
        r = next;
        if settled {
            break;
        }
    }
    (shares, r)
}

/// The record of a prover at the maximum, last bumped in epoch `c`.
fn at_max(top: ActivityRecord, c: Epoch) -> ActivityRecord {
    ActivityRecord {
        value: top.value,
        time: c,
    }
}

/// The first epoch proven (from 1) whose shares reach `target`.
fn epochs_to(shares: &[f64], target: f64) -> Option<u64> {
    shares
        .iter()
        .position(|&s| s >= target)
        .map(|i| i as u64 + 1)
}

/// From the maximum, `misses` epochs missed: the shares of the next proof
/// and the record it leaves (bumped in epoch `misses + 1`).
fn after_misses(b: &Booster, top: ActivityRecord, misses: u64) -> (f64, ActivityRecord) {
    step(b, at_max(top, 0), misses + 1)
}

/// Epochs from a record (bumped in `from`) until shares are back at `max`,
/// proving every epoch.
fn epochs_back(
    b: &Booster,
    mut r: ActivityRecord,
    from: Epoch,
    max: f64,
    limit: u64,
) -> Option<u64> {
    for k in 1..=limit {
        let (s, next) = step(b, r, from + k);
        if s >= max {
            return Some(k);
        }
        r = next;
    }
    None
}

/// Mean shares per epoch, as a part of `max`, of a prover that proves a
/// `coverage` part of the epochs, evenly spread, from the maximum.
fn coverage_share(b: &Booster, top: ActivityRecord, coverage: f64, max: f64) -> f64 {
    const WARM: u64 = 2_000;
    const SPAN: u64 = 4_000;
    let mut r = at_max(top, 0);
    let mut earned = 0.0;
    for i in 1..=WARM + SPAN {
        let proves = ((i as f64 * coverage).floor() - ((i - 1) as f64 * coverage).floor()) >= 1.0;
        if !proves {
            continue;
        }
        let (s, next) = step(b, r, i);
        r = next;
        if i > WARM {
            earned += s;
        }
    }
    earned / SPAN as f64 / max
}

impl BoosterFigures {
    /// The figures of a booster.
    pub fn of(b: &Booster) -> BoosterFigures {
        Self::compute(b, true)
    }

    /// The figures, the coverage shares only if `coverage` (they take the
    /// longest; 0 otherwise).
    pub fn compute(b: &Booster, coverage: bool) -> BoosterFigures {
        let (ramp, top) = ramp_to_max(b);
        let max = step(b, at_max(top, 0), 1).0;
        let share = |s: f64| s / max;
        let (one, one_record) = after_misses(b, top, 1);
        let recovery = if one >= max {
            Some(0)
        } else {
            epochs_back(b, one_record, 2, max, MAX_EPOCHS)
        };
        // One miss in every n epochs keeps the maximum when the shares are
        // back at it before the next miss: n - 1 epochs proven, the first
        // of them the post-miss proof.
        let cycle = recovery.map(|k| k + 2);
        // A newcomer's first epochs: the ramp, then the maximum.
        let newcomer = |n: usize| {
            (0..n)
                .map(|i| ramp.get(i).copied().unwrap_or(max))
                .sum::<f64>()
                / (n as f64 * max)
        };
        let at = |c: f64| {
            if coverage {
                coverage_share(b, top, c, max)
            } else {
                0.0
            }
        };
        BoosterFigures {
            max_shares: max,
            first_share: share(ramp[0]),
            zero_to_max_epochs: epochs_to(&ramp, max),
            zero_to_50pct_epochs: epochs_to(&ramp, 0.5 * max),
            zero_to_90pct_epochs: epochs_to(&ramp, 0.9 * max),
            zero_to_99pct_epochs: epochs_to(&ramp, 0.99 * max),
            one_miss_share: share(one),
            two_miss_share: share(after_misses(b, top, 2).0),
            three_miss_share: share(after_misses(b, top, 3).0),
            recovery_epochs: recovery,
            breakeven_coverage: cycle.map_or(1.0, |n| (n - 1) as f64 / n as f64),
            breakeven_cycle_epochs: cycle,
            coverage_50_share: at(0.5),
            coverage_78_share: at(0.78),
            coverage_90_share: at(0.9),
            newcomer_100_vs_incumbent: newcomer(100),
            newcomer_500_vs_incumbent: newcomer(500),
        }
    }

    /// The figures as (label, value) rows for a table.
    pub fn rows(&self) -> Vec<(&'static str, String)> {
        let pct = |x: f64| format!("{:.1}%", 100.0 * x);
        let epochs = |x: Option<u64>| x.map_or("never".into(), |n| n.to_string());
        vec![
            ("shares at the maximum", format!("{:.0}", self.max_shares)),
            ("first bump from an empty record", pct(self.first_share)),
            (
                "epochs from zero to the maximum",
                epochs(self.zero_to_max_epochs),
            ),
            (
                "epochs from zero to 50% of it",
                epochs(self.zero_to_50pct_epochs),
            ),
            (
                "epochs from zero to 90% of it",
                epochs(self.zero_to_90pct_epochs),
            ),
            (
                "epochs from zero to 99% of it",
                epochs(self.zero_to_99pct_epochs),
            ),
            ("share after 1 missed epoch", pct(self.one_miss_share)),
            ("share after 2 missed epochs", pct(self.two_miss_share)),
            ("share after 3 missed epochs", pct(self.three_miss_share)),
            (
                "epochs to recover from 1 miss",
                epochs(self.recovery_epochs),
            ),
            (
                "break-even coverage (keeps the maximum)",
                match self.breakeven_cycle_epochs {
                    Some(n) => {
                        format!("{} ({} of {n} epochs)", pct(self.breakeven_coverage), n - 1)
                    }
                    None => "100% (any miss loses the maximum for good)".into(),
                },
            ),
            (
                "earned at 50% coverage, of the maximum",
                pct(self.coverage_50_share),
            ),
            (
                "earned at 78% coverage, of the maximum",
                pct(self.coverage_78_share),
            ),
            (
                "earned at 90% coverage, of the maximum",
                pct(self.coverage_90_share),
            ),
            (
                "newcomer's first 100 epochs, of an incumbent's",
                pct(self.newcomer_100_vs_incumbent),
            ),
            (
                "newcomer's first 500 epochs, of an incumbent's",
                pct(self.newcomer_500_vs_incumbent),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::booster::Quadratic;

    fn quadratic(q: Quadratic) -> Booster {
        Booster::quadratic(q).unwrap()
    }

    #[test]
    fn azip5_figures_by_hand() {
        let f = BoosterFigures::of(&quadratic(Quadratic::AZIP5));
        assert_eq!(f.max_shares, 1e6);
        // First bump: 101,400; then +1,400 an epoch. The curve is k once
        // 250,000 (367,500 - v)^2 / 1e10 < 1, i.e. v > 367,300: after 190
        // more epochs (v = 367,400), the 191st epoch proven.
        assert_eq!(f.zero_to_max_epochs, Some(191));
        // One miss: 367,500 - 200,000 + 101,400 = 268,900;
        // 1e6 - 250,000 x 98,600^2 / 1e10 = 756,951.
        assert_eq!(f.one_miss_share, 0.756_951);
        // Two: 168,900; 1e6 - 250,000 x 198,600^2 / 1e10 = 13,951.
        assert_eq!(f.two_miss_share, 0.013_951);
        // Three: 68,900 is far below: the 1% floor.
        assert_eq!(f.three_miss_share, 0.01);
        // Back at k from 268,900 at +1,400: above 367,300 after 71 epochs.
        assert_eq!(f.recovery_epochs, Some(71));
        // A miss every 73 epochs: 72 of 73 proven.
        assert_eq!(f.breakeven_cycle_epochs, Some(73));
        assert!((f.breakeven_coverage - 72.0 / 73.0).abs() < 1e-12);
        assert!(f.coverage_90_share < 0.9 && f.coverage_50_share < f.coverage_78_share);
    }

    #[test]
    fn deployed_newcomer_reaches_the_maximum_slowly() {
        let f = BoosterFigures::of(&quadratic(Quadratic::DEPLOYED));
        // First bump 125,000, then +25,000 an epoch. 1,000 (15e6 - v)^2 /
        // 1e10 < 1 needs 15e6 - v < 3,163, v >= 14,996,838: (14,996,838 -
        // 125,000) / 25,000 = 594.9, so 595 more epochs: the 596th proven.
        assert_eq!(f.zero_to_max_epochs, Some(596));
        // The curve leaves its floor (100,000) once 1,000 t^2 / 1e10 <
        // 900,000, t < 3e6: v > 12e6, after (12e6 - 125,000) / 25,000 =
        // 475 more epochs; so the first 100 epochs earn a tenth.
        assert!((f.newcomer_100_vs_incumbent - 0.1).abs() < 1e-9);
    }
}
