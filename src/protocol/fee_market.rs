//! The `fee_market` design's reward controller (docs/model.md section 14):
//! after each epoch settles, the checkpoint reward moves by at most
//! `max_step_bps` toward a target latency and number of paid provers, in
//! integers, within `[min_reward, max_reward]`.
//!
//! The rule, for an epoch that had blocks:
//! - never proven whole (pruned, or its longest proof fell short): up by
//!   the whole step;
//! - proven whole `latency` ms after the epoch ended, later than the
//!   target `T`: up by the step times `dev = min(10^4, (latency - T) *
//!   10^4 / T)` basis points of the step;
//! - proven at or before `T` with at least `target_provers` provers paid:
//!   down by the step times `dev = min(10^4, (T - latency) * 10^4 / T)`;
//! - otherwise (early but too few provers): held.
//!
//! The move is `floor(reward * max_step_bps * dev / 10^8)`, at least 1
//! when the reward goes up (so that a reward of a few units can still
//! rise, as EIP-1559's base fee does), and the result is clamped to the
//! bounds.

use super::Amount;
use super::arith::{Overflow, mul_div};

/// Basis points in a whole.
const BPS: u128 = 10_000;

/// The controller's constants.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ControllerParams {
    /// The latency the controller aims at, milliseconds after an epoch's
    /// end to its whole proof; at least 1.
    pub target_latency_ms: u64,
    /// Provers paid at or above which an early epoch lowers the reward.
    pub target_provers: u64,
    /// The largest move per epoch, basis points of the reward (at most
    /// 10,000).
    pub max_step_bps: u64,
    /// The lowest reward, smallest units.
    pub min_reward: Amount,
    /// The highest reward, smallest units.
    pub max_reward: Amount,
}

/// What the controller sees of a settled epoch.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct EpochOutcome {
    /// Blocks built in the epoch (an epoch without any moves nothing).
    pub blocks: u64,
    /// Milliseconds from the epoch's end to the proof that covered it
    /// whole, or `None` if no proof did (it was pruned).
    pub full_latency_ms: Option<u64>,
    /// Provers paid by its settlement.
    pub provers_paid: u64,
}

/// Which way a step went.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Late or pruned: the reward rose (or sat at its ceiling).
    Up,
    /// Early with enough provers: the reward fell (or sat at its floor).
    Down,
    /// Neither: held.
    Hold,
}

impl Direction {
    /// The name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
            Direction::Hold => "hold",
        }
    }
}

/// One step of the controller.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The reward after the step.
    pub reward: Amount,
    /// Which way it went.
    pub direction: Direction,
    /// How far from the target the epoch was, basis points of a full step.
    pub deviation_bps: u64,
}

/// The controller's constants are unusable.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ControllerError {
    /// The target latency is 0.
    #[error("target_latency_s must be above 0")]
    TargetLatency,
    /// The step is above a whole.
    #[error("max_step_bps must be at most 10000, found {0}")]
    Step(u64),
    /// The bounds are crossed.
    #[error("min_reward ({0}) must be at most max_reward ({1})")]
    Bounds(Amount, Amount),
}

impl ControllerParams {
    /// Checks the constants.
    pub fn check(&self) -> Result<(), ControllerError> {
        if self.target_latency_ms == 0 {
            return Err(ControllerError::TargetLatency);
        }
        if self.max_step_bps as u128 > BPS {
            return Err(ControllerError::Step(self.max_step_bps));
        }
        if self.min_reward > self.max_reward {
            return Err(ControllerError::Bounds(self.min_reward, self.max_reward));
        }
        Ok(())
    }

    /// The reward after an epoch with outcome `o`, from `reward`.
    pub fn step(&self, reward: Amount, o: &EpochOutcome) -> Result<Step, Overflow> {
        let target = self.target_latency_ms as u128;
        let (direction, dev) = match o.full_latency_ms {
            _ if o.blocks == 0 => (Direction::Hold, 0),
            None => (Direction::Up, BPS),
            Some(l) if l as u128 > target => (
                Direction::Up,
                ((l as u128 - target) * BPS / target).min(BPS),
            ),
            Some(l) if o.provers_paid >= self.target_provers => (
                Direction::Down,
                ((target - l as u128) * BPS / target).min(BPS),
            ),
            Some(_) => (Direction::Hold, 0),
        };
        let scaled = mul_div(
            reward,
            self.max_step_bps as u128 * dev,
            BPS * BPS,
            "reward * max_step_bps * deviation",
        )?;
        let next = match direction {
            Direction::Up => reward.saturating_add(scaled.max(1)).min(self.max_reward),
            Direction::Down => reward.saturating_sub(scaled).max(self.min_reward),
            Direction::Hold => reward,
        };
        // A reward set outside the bounds (by genesis) comes back inside.
        let next = next.clamp(self.min_reward, self.max_reward);
        Ok(Step {
            reward: next,
            direction,
            deviation_bps: dev as u64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: Amount = 1_000_000_000_000_000_000;

    fn params() -> ControllerParams {
        ControllerParams {
            target_latency_ms: 1_200_000,
            target_provers: 3,
            max_step_bps: 1_250,
            min_reward: 100 * TOKEN,
            max_reward: 1_000 * TOKEN,
        }
    }

    fn outcome(latency_s: Option<u64>, paid: u64) -> EpochOutcome {
        EpochOutcome {
            blocks: 32,
            full_latency_ms: latency_s.map(|s| s * 1000),
            provers_paid: paid,
        }
    }

    #[test]
    fn a_pruned_epoch_raises_the_reward_by_the_whole_step() {
        let s = params().step(400 * TOKEN, &outcome(None, 0)).unwrap();
        assert_eq!(s.direction, Direction::Up);
        assert_eq!(s.deviation_bps, 10_000);
        assert_eq!(s.reward, 450 * TOKEN);
    }

    #[test]
    fn a_late_epoch_raises_it_in_proportion_to_the_delay() {
        // 1,500 s against 1,200 s: 25% of the way, 0.25 * 12.5% = 3.125%.
        let s = params()
            .step(400 * TOKEN, &outcome(Some(1_500), 5))
            .unwrap();
        assert_eq!((s.direction, s.deviation_bps), (Direction::Up, 2_500));
        assert_eq!(s.reward, 412_500_000_000_000_000_000);
        // Twice the target or later: the whole step.
        let s = params()
            .step(400 * TOKEN, &outcome(Some(9_000), 5))
            .unwrap();
        assert_eq!(s.reward, 450 * TOKEN);
    }

    #[test]
    fn an_early_epoch_with_enough_provers_lowers_it() {
        // 900 s against 1,200 s: 25% early, down 3.125%.
        let s = params().step(400 * TOKEN, &outcome(Some(900), 3)).unwrap();
        assert_eq!((s.direction, s.deviation_bps), (Direction::Down, 2_500));
        assert_eq!(s.reward, 387_500_000_000_000_000_000);
    }

    #[test]
    fn an_early_epoch_with_too_few_provers_holds_it() {
        let s = params().step(400 * TOKEN, &outcome(Some(900), 2)).unwrap();
        assert_eq!(s.direction, Direction::Hold);
        assert_eq!(s.reward, 400 * TOKEN);
        // On target exactly: a move of 0.
        let s = params()
            .step(400 * TOKEN, &outcome(Some(1_200), 9))
            .unwrap();
        assert_eq!(s.reward, 400 * TOKEN);
        // An epoch without blocks says nothing.
        let empty = EpochOutcome {
            blocks: 0,
            full_latency_ms: None,
            provers_paid: 0,
        };
        assert_eq!(
            params().step(400 * TOKEN, &empty).unwrap().reward,
            400 * TOKEN
        );
    }

    #[test]
    fn the_reward_stays_within_its_bounds_over_a_history() {
        let p = params();
        let mut r = 400 * TOKEN;
        // Twenty pruned epochs: up to the ceiling, never past it.
        for _ in 0..20 {
            r = p.step(r, &outcome(None, 0)).unwrap().reward;
            assert!(r <= p.max_reward);
        }
        assert_eq!(r, p.max_reward);
        // Then a hundred early, crowded epochs: down to the floor.
        for _ in 0..100 {
            r = p.step(r, &outcome(Some(0), 10)).unwrap().reward;
            assert!(r >= p.min_reward);
        }
        assert_eq!(r, p.min_reward);
    }

    #[test]
    fn a_tiny_reward_still_rises() {
        let p = ControllerParams {
            min_reward: 0,
            ..params()
        };
        assert_eq!(p.step(3, &outcome(None, 0)).unwrap().reward, 4);
        assert_eq!(p.step(0, &outcome(None, 0)).unwrap().reward, 1);
    }

    #[test]
    fn the_largest_rewards_do_not_overflow() {
        let p = ControllerParams {
            max_reward: Amount::MAX,
            max_step_bps: 10_000,
            ..params()
        };
        let s = p.step(Amount::MAX / 2 + 1, &outcome(None, 0)).unwrap();
        assert_eq!(s.reward, Amount::MAX);
    }

    #[test]
    fn bad_constants_are_named() {
        let p = ControllerParams {
            target_latency_ms: 0,
            ..params()
        };
        assert_eq!(p.check(), Err(ControllerError::TargetLatency));
        let p = ControllerParams {
            max_step_bps: 10_001,
            ..params()
        };
        assert_eq!(p.check(), Err(ControllerError::Step(10_001)));
        let p = ControllerParams {
            min_reward: 2,
            max_reward: 1,
            ..params()
        };
        assert_eq!(p.check(), Err(ControllerError::Bounds(2, 1)));
        assert_eq!(params().check(), Ok(()));
    }
}
