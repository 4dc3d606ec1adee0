//! The consistency booster: activity records and the three streak rules
//! (docs/model.md section 4).

use super::arith::{Overflow, mul};
use super::{Amount, Epoch};

/// Which accepted submissions bump a prover's activity record.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum ScoreOn {
    /// Every accepted submission bumps (the deployed rule).
    #[default]
    AnyProof,
    /// Only a full-epoch proof bumps; other submissions only read shares
    /// (AZIP-25).
    FullEpoch,
}

impl ScoreOn {
    /// The name used in scenario and trace files.
    pub fn name(self) -> &'static str {
        match self {
            ScoreOn::AnyProof => "any_proof",
            ScoreOn::FullEpoch => "full_epoch",
        }
    }
}

/// How a streak shrinks over missed epochs under the exponential rule.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum StreakDecay {
    /// Any miss sets the streak to 0.
    Reset,
    /// Each miss takes `per_missed_epoch` off the streak.
    Linear { per_missed_epoch: u64 },
    /// Each miss multiplies the streak by `keep_ppm / 10^6` (floor).
    Geometric { keep_ppm: u64 },
}

impl StreakDecay {
    /// The name used in scenario and trace files.
    pub fn name(self) -> &'static str {
        match self {
            StreakDecay::Reset => "reset",
            StreakDecay::Linear { .. } => "linear",
            StreakDecay::Geometric { .. } => "geometric",
        }
    }
}

/// The constants of the deployed `RewardBooster` curve.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Quadratic {
    /// Added to the score by a bump.
    pub increment: u64,
    /// The score's ceiling; at or above it the curve gives `k`.
    pub max_score: u64,
    /// The parabola's steepness (divided by 10^10).
    pub a: u64,
    /// The floor of the curve.
    pub minimum: u64,
    /// Shares at full score.
    pub k: u64,
    /// Taken off the score per epoch elapsed since the last bump.
    pub decay_per_epoch: u64,
}

impl Quadratic {
    /// The deployed constants.
    pub const DEPLOYED: Quadratic = Quadratic {
        increment: 125_000,
        max_score: 15_000_000,
        a: 1_000,
        minimum: 100_000,
        k: 1_000_000,
        decay_per_epoch: 100_000,
    };

    /// The constants of the AZIP-5 proposal.
    pub const AZIP5: Quadratic = Quadratic {
        increment: 101_400,
        max_score: 367_500,
        a: 250_000,
        minimum: 10_000,
        k: 1_000_000,
        decay_per_epoch: 100_000,
    };

    fn curve(&self, value: u64) -> Result<Amount, Overflow> {
        if value >= self.max_score {
            return Ok(self.k as Amount);
        }
        let t = self.max_score - value;
        // In 64 bits when `a*t*t` fits (the deployed and AZIP-5 constants
        // always do), which is the same integer as in 128.
        let rhs = match self.a.checked_mul(t).and_then(|at| at.checked_mul(t)) {
            Some(att) => (att / 10_000_000_000) as Amount,
            None => {
                let t = t as Amount;
                mul(
                    mul(self.a as Amount, t, "booster curve a*t*t")?,
                    t,
                    "booster curve a*t*t",
                )? / 10_000_000_000
            }
        };
        let k = self.k as Amount;
        Ok(if rhs > k {
            self.minimum as Amount
        } else {
            (k - rhs).max(self.minimum as Amount)
        })
    }
}

impl Default for Quadratic {
    fn default() -> Self {
        Quadratic::DEPLOYED
    }
}

/// The constants of the seed's exponentially rising rule.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Exponential {
    /// The longest streak that counts.
    pub max_streak: u64,
    /// Shares at streak 0.
    pub base: u128,
    /// Each streak step multiplies shares by `growth_ppm / 10^6` (floor).
    pub growth_ppm: u64,
    /// How missed epochs shrink the streak.
    pub decay: StreakDecay,
}

/// A booster rule and its constants.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// One share each: the equal split of the seed.
    Flat,
    /// The deployed `RewardBooster` curve.
    Quadratic(Quadratic),
    /// A streak whose shares grow geometrically.
    Exponential(Exponential),
}

impl Rule {
    /// The name used in scenario and trace files.
    pub fn name(&self) -> &'static str {
        match self {
            Rule::Flat => "flat",
            Rule::Quadratic(_) => "quadratic",
            Rule::Exponential(_) => "exponential",
        }
    }
}

/// A booster as governance sets it: a rule and which submissions score.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct BoosterConfig {
    /// The rule and its constants.
    pub rule: Rule,
    /// Which accepted submissions bump the record.
    pub score_on: ScoreOn,
}

impl Default for BoosterConfig {
    /// The deployed booster: the quadratic curve, every proof scoring.
    fn default() -> Self {
        BoosterConfig {
            rule: Rule::Quadratic(Quadratic::DEPLOYED),
            score_on: ScoreOn::AnyProof,
        }
    }
}

/// Why a booster configuration cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BoosterError {
    /// Some score would give a prover 0 shares.
    #[error(
        "the {rule} curve can yield 0 shares ({detail}); every shares value must be at least 1"
    )]
    ZeroShares {
        /// The rule's name.
        rule: &'static str,
        /// Which point of the curve is 0.
        detail: String,
    },
    /// `keep_ppm` above one million would grow a streak on a miss.
    #[error("keep_ppm is {0}, expected at most 1000000")]
    KeepPpmTooHigh(u64),
    /// Computing the curve leaves `u128`.
    #[error(transparent)]
    Overflow(#[from] Overflow),
}

impl BoosterError {
    /// The constant of `rule` that a user should change to fix this error.
    pub fn key(&self, rule: &Rule) -> &'static str {
        match (self, rule) {
            (BoosterError::KeepPpmTooHigh(_), _) => "keep_ppm",
            (BoosterError::ZeroShares { .. }, Rule::Quadratic(q)) if q.k == 0 => "k",
            (BoosterError::ZeroShares { .. }, Rule::Quadratic(_)) => "minimum",
            (BoosterError::ZeroShares { .. }, Rule::Exponential(x)) if x.base == 0 => "base",
            (_, Rule::Quadratic(_)) => "a",
            (_, Rule::Exponential(_)) => "growth_ppm",
            (_, Rule::Flat) => "rule",
        }
    }
}

/// A prover's activity record `(value, time)`: a score or streak and the
/// epoch it was last bumped (or reset) in.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub struct ActivityRecord {
    /// The score (quadratic) or streak (exponential); 0 under `flat`.
    pub value: u64,
    /// The epoch of the last bump or reset.
    pub time: Epoch,
}

/// How many exponential weights are kept in a table; a longer streak is
/// computed from the table's last entry.
const WEIGHT_TABLE_MAX: usize = 1 << 16;

/// A validated booster, ready to compute shares.
#[derive(Clone, Debug)]
pub struct Booster {
    config: BoosterConfig,
    /// Exponential weights `w_0, w_1, ...` up to the streak where they stop
    /// changing (or `WEIGHT_TABLE_MAX`, or `max_streak`).
    weights: Vec<Amount>,
    /// Whether `weights` holds every distinct weight: it ends at
    /// `max_streak` or at a fixed point (every later weight equals the last).
    weights_complete: bool,
}

impl Booster {
    /// The quadratic curve with constants `q`, every proof scoring (the
    /// deployed contract's form), checked as [`Booster::new`] checks it.
    pub fn quadratic(q: Quadratic) -> Result<Booster, BoosterError> {
        Booster::new(BoosterConfig {
            rule: Rule::Quadratic(q),
            score_on: ScoreOn::AnyProof,
        })
    }

    /// Checks a configuration: no curve value may be 0, `keep_ppm` may not
    /// exceed 10^6, and the curve must stay inside `u128`.
    pub fn new(config: BoosterConfig) -> Result<Booster, BoosterError> {
        let mut booster = Booster {
            config,
            weights: Vec::new(),
            weights_complete: false,
        };
        match &config.rule {
            Rule::Flat => {}
            Rule::Quadratic(q) => {
                let lowest = q.curve(0)?.min(q.k as Amount);
                if lowest == 0 {
                    return Err(BoosterError::ZeroShares {
                        rule: "quadratic",
                        detail: format!("min(curve(0), k) = min({}, {}) = 0", q.curve(0)?, q.k),
                    });
                }
            }
            Rule::Exponential(x) => {
                if let StreakDecay::Geometric { keep_ppm } = x.decay
                    && keep_ppm > 1_000_000
                {
                    return Err(BoosterError::KeepPpmTooHigh(keep_ppm));
                }
                booster.build_weights(x)?;
                let w_max = booster.exponential_weight(x, x.max_streak)?;
                if x.base == 0 || w_max == 0 {
                    return Err(BoosterError::ZeroShares {
                        rule: "exponential",
                        detail: format!("w_0 = {}, w_{} = {}", x.base, x.max_streak, w_max),
                    });
                }
            }
        }
        Ok(booster)
    }

    /// The configuration this booster was built from.
    pub fn config(&self) -> &BoosterConfig {
        &self.config
    }

    /// Fills the weight table and proves that every weight up to
    /// `max_streak` fits in `u128`.
    fn build_weights(&mut self, x: &Exponential) -> Result<(), Overflow> {
        let mut w = x.base;
        self.weights.push(w);
        let mut step: u64 = 0;
        while step < x.max_streak {
            let next = mul(w, x.growth_ppm as Amount, "exponential booster weight")? / 1_000_000;
            step += 1;
            if next == w {
                self.weights_complete = true;
                return Ok(());
            }
            w = next;
            if self.weights.len() < WEIGHT_TABLE_MAX {
                self.weights.push(w);
            }
        }
        self.weights_complete = true;
        Ok(())
    }

    fn exponential_weight(&self, x: &Exponential, streak: u64) -> Result<Amount, Overflow> {
        let streak = streak.min(x.max_streak);
        let last = self.weights.len() as u64 - 1;
        if streak <= last {
            return Ok(self.weights[streak as usize]);
        }
        let mut w = self.weights[last as usize];
        if self.weights_complete && (self.weights.len() < WEIGHT_TABLE_MAX) {
            return Ok(w);
        }
        for _ in last..streak {
            let next = mul(w, x.growth_ppm as Amount, "exponential booster weight")? / 1_000_000;
            if next == w {
                break;
            }
            w = next;
        }
        Ok(w)
    }

    /// `decay(value, n)`: the value after `elapsed` epochs without a bump.
    pub fn decay(&self, value: u64, elapsed: u64) -> u64 {
        match &self.config.rule {
            Rule::Flat => value,
            Rule::Quadratic(q) => {
                let cut = (elapsed as u128) * (q.decay_per_epoch as u128);
                value - (value as u128).min(cut) as u64
            }
            Rule::Exponential(x) => {
                let misses = elapsed.saturating_sub(1);
                if misses == 0 {
                    return value;
                }
                match x.decay {
                    StreakDecay::Reset => 0,
                    StreakDecay::Linear { per_missed_epoch } => {
                        let cut = (per_missed_epoch as u128) * (misses as u128);
                        value - (value as u128).min(cut) as u64
                    }
                    StreakDecay::Geometric { keep_ppm } => {
                        let mut s = value;
                        for _ in 0..misses {
                            let next = ((s as u128) * (keep_ppm as u128) / 1_000_000) as u64;
                            if next == s {
                                break;
                            }
                            s = next;
                        }
                        s
                    }
                }
            }
        }
    }

    /// `bump(value)`: one more epoch of activity.
    pub fn bump(&self, value: u64) -> u64 {
        match &self.config.rule {
            Rule::Flat => value,
            Rule::Quadratic(q) => value.saturating_add(q.increment).min(q.max_score),
            Rule::Exponential(x) => value.saturating_add(1).min(x.max_streak),
        }
    }

    /// `curve(value)`: the shares a value is worth.
    pub fn curve(&self, value: u64) -> Result<Amount, Overflow> {
        match &self.config.rule {
            Rule::Flat => Ok(1),
            Rule::Quadratic(q) => q.curve(value),
            Rule::Exponential(x) => self.exponential_weight(x, value),
        }
    }

    /// The shares of a submission in current epoch `current`, and the record
    /// it leaves. With `bump`, the record decays to `current` and is bumped
    /// once per epoch; without, shares are only read and the record is kept.
    pub fn score(
        &self,
        record: ActivityRecord,
        current: Epoch,
        bump: bool,
    ) -> Result<(Amount, ActivityRecord), Overflow> {
        let decayed = self.decay(record.value, current - record.time);
        if !bump {
            return Ok((self.curve(decayed)?, record));
        }
        // A record already bumped (or reset) in this epoch stays as it is;
        // its decay over 0 epochs is the identity.
        let record = if current != record.time {
            ActivityRecord {
                value: self.bump(decayed),
                time: current,
            }
        } else {
            record
        };
        Ok((self.curve(record.value)?, record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quadratic(q: Quadratic) -> Booster {
        Booster::quadratic(q).unwrap()
    }

    fn exponential(decay: StreakDecay, growth_ppm: u64) -> Booster {
        Booster::new(BoosterConfig {
            rule: Rule::Exponential(Exponential {
                max_streak: 5,
                base: 1000,
                growth_ppm,
                decay,
            }),
            score_on: ScoreOn::AnyProof,
        })
        .unwrap()
    }

    #[test]
    fn deployed_quadratic_curve_by_hand() {
        let b = quadratic(Quadratic::DEPLOYED);
        // t = 15e6, a*t*t/1e10 = 1000 * 2.25e14 / 1e10 = 22_500_000 > k.
        assert_eq!(b.curve(0).unwrap(), 100_000);
        // v = 125000: t = 14_875_000; 1000*t^2/1e10 = 22_126_562 > k.
        assert_eq!(b.curve(125_000).unwrap(), 100_000);
        // v = 14_000_000: t = 1e6; rhs = 1000*1e12/1e10 = 100_000; k - rhs.
        assert_eq!(b.curve(14_000_000).unwrap(), 900_000);
        // v = 14_500_000: t = 5e5; rhs = 1000*2.5e11/1e10 = 25_000.
        assert_eq!(b.curve(14_500_000).unwrap(), 975_000);
        // t = 3 -> rhs = 9000/1e10 = 0.
        assert_eq!(b.curve(14_999_997).unwrap(), 1_000_000);
        assert_eq!(b.curve(15_000_000).unwrap(), 1_000_000);
        assert_eq!(b.curve(u64::MAX).unwrap(), 1_000_000);
    }

    #[test]
    fn azip5_quadratic_curve_by_hand() {
        let b = quadratic(Quadratic::AZIP5);
        // t = 367500: rhs = 250000 * 135_056_250_000 / 1e10 = 3_376_406 > k.
        assert_eq!(b.curve(0).unwrap(), 10_000);
        // v = 101400*3 = 304200: t = 63300; t^2 = 4_006_890_000;
        // rhs = 250000 * 4_006_890_000 / 1e10 = 100_172 (floor of 100172.25).
        assert_eq!(b.curve(304_200).unwrap(), 899_828);
        // v = 202800: t = 164700; t^2 = 27_126_090_000; rhs = 678_152.
        assert_eq!(b.curve(202_800).unwrap(), 321_848);
    }

    #[test]
    fn quadratic_decay_and_bump() {
        let b = quadratic(Quadratic::DEPLOYED);
        assert_eq!(b.decay(250_000, 2), 50_000);
        assert_eq!(b.decay(250_000, 3), 0);
        assert_eq!(b.decay(250_000, u64::MAX), 0);
        assert_eq!(b.bump(0), 125_000);
        assert_eq!(b.bump(14_950_000), 15_000_000);
    }

    #[test]
    fn score_bumps_once_per_epoch_and_never_in_the_record_epoch() {
        let b = quadratic(Quadratic::DEPLOYED);
        let start = ActivityRecord::default();
        // Epoch 0: no bump.
        let (shares, rec) = b.score(start, 0, true).unwrap();
        assert_eq!((shares, rec), (100_000, start));
        // Epoch 3: decay (0 stays 0), bump to 125000.
        let (_, rec) = b.score(start, 3, true).unwrap();
        assert_eq!(
            rec,
            ActivityRecord {
                value: 125_000,
                time: 3
            }
        );
        // Second submission in epoch 3: unchanged.
        let (_, again) = b.score(rec, 3, true).unwrap();
        assert_eq!(again, rec);
        // Read only in epoch 5: record kept.
        let (_, read) = b.score(rec, 5, false).unwrap();
        assert_eq!(read, rec);
        // Epoch 5 with bump: 125000 - 2*100000 = 0 (floored), then +125000.
        let (_, rec5) = b.score(rec, 5, true).unwrap();
        assert_eq!(rec5.value, 125_000);
    }

    #[test]
    fn exponential_weights_and_decays() {
        let b = exponential(StreakDecay::Reset, 1_500_000);
        let w: Vec<_> = (0..=6).map(|s| b.curve(s).unwrap()).collect();
        // 1000, 1500, 2250, 3375, 5062 (5062.5 floored), 7593, capped at 5.
        assert_eq!(w, vec![1000, 1500, 2250, 3375, 5062, 7593, 7593]);
        assert_eq!(b.decay(4, 1), 4);
        assert_eq!(b.decay(4, 2), 0);
        let lin = exponential(
            StreakDecay::Linear {
                per_missed_epoch: 2,
            },
            1_500_000,
        );
        assert_eq!(lin.decay(5, 1), 5);
        assert_eq!(lin.decay(5, 2), 3);
        assert_eq!(lin.decay(5, 4), 0);
        let geo = exponential(StreakDecay::Geometric { keep_ppm: 500_000 }, 1_500_000);
        assert_eq!(geo.decay(5, 2), 2);
        assert_eq!(geo.decay(5, 3), 1);
        assert_eq!(geo.decay(5, 4), 0);
        assert_eq!(geo.decay(5, u64::MAX), 0);
        assert_eq!(b.bump(5), 5);
        assert_eq!(b.bump(2), 3);
    }

    #[test]
    fn curves_that_can_yield_zero_are_refused() {
        let zero_min = Quadratic {
            minimum: 0,
            ..Quadratic::DEPLOYED
        };
        assert!(matches!(
            Booster::quadratic(zero_min),
            Err(BoosterError::ZeroShares { .. })
        ));
        let shrinking = Exponential {
            max_streak: 20,
            base: 3,
            growth_ppm: 500_000,
            decay: StreakDecay::Reset,
        };
        assert!(matches!(
            Booster::new(BoosterConfig {
                rule: Rule::Exponential(shrinking),
                score_on: ScoreOn::AnyProof
            }),
            Err(BoosterError::ZeroShares { .. })
        ));
        let too_fast = Exponential {
            max_streak: 1000,
            base: 1,
            growth_ppm: 2_000_000,
            decay: StreakDecay::Reset,
        };
        assert!(matches!(
            Booster::new(BoosterConfig {
                rule: Rule::Exponential(too_fast),
                score_on: ScoreOn::AnyProof
            }),
            Err(BoosterError::Overflow(_))
        ));
    }

    #[test]
    fn long_streaks_past_the_table_are_computed() {
        let b = Booster::new(BoosterConfig {
            rule: Rule::Exponential(Exponential {
                max_streak: 200_000,
                base: 1_000_000_000,
                growth_ppm: 1_000_010,
                decay: StreakDecay::Reset,
            }),
            score_on: ScoreOn::AnyProof,
        })
        .unwrap();
        let mut w: u128 = 1_000_000_000;
        for _ in 0..100_000 {
            w = w * 1_000_010 / 1_000_000;
        }
        assert_eq!(b.curve(100_000).unwrap(), w);
    }
}
