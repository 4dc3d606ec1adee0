//! What a payload is worth to the sequencer who would signal for it
//! (docs/model.md section 7): the difference, summed over its horizon,
//! between its income if the payload executes and its income if nothing
//! changes.
//!
//! A sequencer's income from an epoch is, if the epoch is proven, its part
//! of what the epoch's blocks pay their proposers (the sequencers' part of
//! the minted reward and of users' fees, times its part of the stake), less
//! what the minted reward dilutes the tokens it holds. A pruned epoch pays
//! it nothing: it has already paid the L1 to publish its blocks, so the
//! fees that would have paid for that are lost too. Whether an epoch is
//! proven depends on the provers' pool, through a cost the sequencer does
//! not see; [`Supply`] is what it believes of it from the settled epochs it
//! remembers. A payload changes the pool, the sequencers' part, what is
//! minted and how long the distributor lasts; each sequencer weighs those
//! by its own stake and holdings, and signals when the payload pays it
//! (a sincere vote: it signals for what it prefers to see pass).

use crate::agents::{Market, SettledEpoch, View};
use crate::base::units::tokens;
use crate::protocol::Payload;
use crate::protocol::fees::to_fee_asset;

/// What a voting policy is told of the sequencer it decides for: what is
/// public of it, beyond the view every agent shares.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Seat {
    /// Its stake over every sequencer's: its chance to propose a block.
    pub stake_share: f64,
}

/// How far a sequencer looks and what it holds: the keys every weighing
/// policy has.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Outlook {
    /// Epochs over which it sums a payload's worth.
    pub horizon_epochs: u64,
    /// Tokens it holds whose value minting dilutes (its stake at least).
    pub holdings: f64,
}

impl Outlook {
    /// An outlook over `horizon_epochs` epochs, holding `holdings` tokens.
    pub const fn new(horizon_epochs: u64, holdings: f64) -> Outlook {
        Outlook {
            horizon_epochs,
            holdings,
        }
    }
}

/// The default horizon: 30 days of 72-s slots in 32-slot epochs.
pub const HORIZON_EPOCHS: u64 = 1125;

/// The default holdings: the 200,000 tokens a sequencer stakes on mainnet.
pub const HOLDINGS: f64 = 200_000.0;

/// What an epoch's blocks pay, read from the last epoch, in tokens.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Terms {
    /// Blocks an epoch.
    pub blocks: f64,
    /// The checkpoint reward a proven block mints.
    pub reward: f64,
    /// The sequencers' part of it, basis points.
    pub sequencer_bps: f64,
    /// The prover fees an epoch's blocks add to its pool.
    pub prover_fees: f64,
    /// What the proposers of an epoch's blocks keep of users' fees.
    pub sequencer_fees: f64,
    /// The mana an epoch's blocks use.
    pub mana: u64,
}

impl Terms {
    /// The terms in force, from the last epoch's blocks (`None` before
    /// any block).
    pub fn now(view: &View<'_>) -> Option<Terms> {
        let info = view.epoch_info(view.epoch.checked_sub(1)?)?;
        if info.blocks_built == 0 {
            return None;
        }
        let p = view.protocol.params();
        let bps = p.sequencer_bps.min(10_000) as f64;
        // What the epoch offered provers and what its blocks were worth
        // count every block built, pruned ones too.
        let built = info.blocks_built as f64;
        let reward = tokens(p.checkpoint_reward);
        let provers_minted = reward * built * (1.0 - bps / 10_000.0);
        let sequencers_minted = reward * built * bps / 10_000.0;
        Some(Terms {
            blocks: built,
            reward,
            sequencer_bps: bps,
            prover_fees: (info.offered - provers_minted).max(0.0),
            sequencer_fees: (info.value - info.offered - sequencers_minted).max(0.0),
            mana: info.mana,
        })
    }

    /// The terms once `payload` executes; a distributor top-up is not a
    /// term (see [`gain`]).
    pub fn after(&self, view: &View<'_>, payload: &Payload) -> Terms {
        let p = view.protocol.params();
        let mut t = *self;
        if let Some(r) = payload.checkpoint_reward {
            t.reward = tokens(r);
        }
        if let Some(bps) = payload.sequencer_bps {
            t.sequencer_bps = bps.min(10_000) as f64;
        }
        if let Some(cost) = payload.proving_cost_per_mana {
            // The prover fee per mana moves by the governed cost's change.
            let rate = view.scenario.fees.fee_asset_per_eth;
            let mana = self.mana as u128;
            let now = to_fee_asset(p.proving_cost_per_mana, rate).saturating_mul(mana);
            let then = to_fee_asset(cost, rate).saturating_mul(mana);
            t.prover_fees = (t.prover_fees + tokens(then) - tokens(now)).max(0.0);
        }
        t
    }

    /// The provers' pool of an epoch whose blocks mint `reward` each.
    pub fn pool(&self, reward: f64) -> f64 {
        reward * self.blocks * (1.0 - self.sequencer_bps / 10_000.0) + self.prover_fees
    }

    /// What an epoch's proposers keep, its blocks minting `reward` each.
    pub fn sequencers_part(&self, reward: f64) -> f64 {
        reward * self.blocks * self.sequencer_bps / 10_000.0 + self.sequencer_fees
    }
}

/// The settled epochs a sequencer remembers that offered provers anything
/// (an epoch with no block offered nothing, and says nothing of the cost).
pub fn remembered<'v>(view: &'v View<'_>) -> impl Iterator<Item = &'v SettledEpoch> + Clone {
    view.market.last(Market::MEMORY).filter(|s| s.offered > 0.0)
}

/// What a sequencer believes of the provers' supply: an epoch is proven
/// when its pool covers the cheapest prover's cost, a figure it does not
/// see, and its provers are up.
///
/// The remembered settled epochs bound the cost: one proven with a pool of
/// `P` says it is at most `P` (`hi`: the pool would pay one prover), one
/// nobody proved that offered `P` (below `hi`) says it is above `P` (`lo`).
/// (A pool shared by `k` provers does not bound it by `P / k`: newcomers
/// prove at a loss while their record ramps.)
/// Between its bounds the sequencer weighs the cost by the scale-free
/// prior of a figure known only to exceed `lo`: it exceeds `x` with chance
/// `lo / x`. With no lower bound it holds the cost equally likely anywhere
/// below `hi`. Epochs nobody proved although they offered at least `hi`
/// are downtime: the part of such epochs proven is the chance provers are
/// up.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Supply {
    lo: Option<f64>,
    hi: Option<f64>,
    up: f64,
}

impl Supply {
    /// The belief from the settled epochs the view remembers.
    pub fn read(view: &View<'_>) -> Supply {
        Supply::from_epochs(remembered(view).map(|s| (s.offered, s.pool, s.paid)))
    }

    /// The belief from settled epochs as (offered, pool, provers paid).
    pub fn from_epochs(epochs: impl Iterator<Item = (f64, f64, u32)> + Clone) -> Supply {
        let hi = epochs
            .clone()
            .filter(|&(_, _, paid)| paid > 0)
            .map(|(_, pool, _)| pool)
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.min(x))));
        let below = |offered: f64| hi.is_none_or(|hi| offered < hi);
        let lo = epochs
            .clone()
            .filter(|&(offered, _, paid)| paid == 0 && below(offered))
            .map(|(offered, _, _)| offered)
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
        let (mut proven, mut covered) = (0u32, 0u32);
        for (offered, _, paid) in epochs {
            if !below(offered) {
                covered += 1;
                proven += u32::from(paid > 0);
            }
        }
        let up = if covered > 0 {
            f64::from(proven) / f64::from(covered)
        } else {
            1.0
        };
        Supply { lo, hi, up }
    }

    /// The same belief with provers up with chance `up`.
    pub fn with_up(self, up: f64) -> Supply {
        Supply {
            up: up.clamp(0.0, 1.0),
            ..self
        }
    }

    /// The chance an epoch whose pool is `pool` is proven.
    pub fn chance(&self, pool: f64) -> f64 {
        let covers = match (self.lo, self.hi) {
            (None, None) => 1.0,
            (Some(lo), _) if pool <= lo => 0.0,
            (_, Some(hi)) if pool >= hi => 1.0,
            (Some(lo), None) => 1.0 - lo / pool,
            (None, Some(hi)) => pool / hi,
            (Some(lo), Some(hi)) => (1.0 / lo - 1.0 / pool) / (1.0 / lo - 1.0 / hi),
        };
        self.up * covers.clamp(0.0, 1.0)
    }
}

/// Epochs from now until a payload signalled now would execute: the round
/// in progress closes, then the execution delay passes.
pub fn epochs_to_execution(view: &View<'_>) -> u64 {
    let gov = &view.scenario.governance;
    let chain = &view.scenario.chain;
    let ed = chain.epoch_duration.max(1);
    let close = gov.round_size - view.slot % gov.round_size.max(1);
    let delay = gov.execution_delay / chain.slot_duration.max(1);
    (close + delay).div_ceil(ed)
}

/// One way the future may go: the terms in force from some epoch, and the
/// distributor's balance as it drains.
struct Path {
    terms: Terms,
    balance: f64,
}

impl Path {
    /// The sequencer's income from one epoch, and the distributor drained.
    fn epoch(
        &mut self,
        seat: &Seat,
        outlook: &Outlook,
        supply: &Supply,
        supply_tokens: f64,
    ) -> f64 {
        let t = &self.terms;
        // A distributor that cannot pay the reward of every block pays
        // what it holds.
        let reward = t.reward.min(self.balance / t.blocks).max(0.0);
        let proven = supply.chance(t.pool(reward));
        let minted = reward * t.blocks;
        self.balance -= proven * minted;
        proven
            * (seat.stake_share * t.sequencers_part(reward)
                - outlook.holdings * minted / supply_tokens)
    }
}

/// What `payload` is worth to a sequencer over its horizon: its income
/// summed over the horizon's epochs if it executes, less the same if
/// nothing changes (tokens; `None` before any block to read terms from).
pub fn gain(view: &View<'_>, seat: &Seat, outlook: &Outlook, payload: &Payload) -> Option<f64> {
    let supply = Supply::read(view);
    gain_under(view, seat, outlook, payload, &supply, &supply)
}

/// [`gain`] where the sequencer expects the provers' supply to be
/// `after` once the payload executes (`supply` until then).
pub fn gain_under(
    view: &View<'_>,
    seat: &Seat,
    outlook: &Outlook,
    payload: &Payload,
    supply: &Supply,
    after: &Supply,
) -> Option<f64> {
    let now = Terms::now(view)?;
    let weighing = Weighing {
        seat,
        outlook,
        supply,
        after,
        supply_tokens: tokens(view.scenario.rewards.token_supply).max(1.0),
    };
    let change = Change {
        then: now.after(view, payload),
        top_up: payload.distributor_top_up.map_or(0.0, tokens),
        start: epochs_to_execution(view),
    };
    let balance = tokens(view.protocol.distributor_balance());
    Some(weighing.gain(&now, &change, balance))
}

/// A payload as the sum weighs it: the terms it brings, what it adds to
/// the distributor, and the epoch (from now) it executes.
struct Change {
    then: Terms,
    top_up: f64,
    start: u64,
}

/// Who weighs, over what, believing what.
struct Weighing<'w> {
    seat: &'w Seat,
    outlook: &'w Outlook,
    supply: &'w Supply,
    after: &'w Supply,
    supply_tokens: f64,
}

impl Weighing<'_> {
    /// The income summed over the horizon with `change` less without it,
    /// the distributor holding `balance` now.
    fn gain(&self, now: &Terms, change: &Change, balance: f64) -> f64 {
        let then = &change.then;
        let horizon = self.outlook.horizon_epochs;
        // A distributor that pays every block of the horizon on both
        // paths leaves each epoch's income the same from one epoch to the
        // next: the sum is the difference after execution times the
        // epochs it lasts.
        let most = now.reward.max(then.reward) * now.blocks * horizon as f64;
        if balance >= most {
            let per_epoch = self.income(then, f64::INFINITY, self.after)
                - self.income(now, f64::INFINITY, self.supply);
            return per_epoch * horizon.saturating_sub(change.start) as f64;
        }
        self.gain_by_epoch(now, change, balance)
    }

    /// [`Weighing::gain`] epoch by epoch, each path draining its own
    /// distributor.
    fn gain_by_epoch(&self, now: &Terms, change: &Change, balance: f64) -> f64 {
        let mut same = Path {
            terms: *now,
            balance,
        };
        let mut changed = Path {
            terms: *now,
            balance,
        };
        let mut gain = 0.0;
        for k in 0..self.outlook.horizon_epochs {
            if k == change.start {
                changed.terms = change.then;
                changed.balance += change.top_up;
            }
            let expected = if k < change.start {
                self.supply
            } else {
                self.after
            };
            gain += changed.epoch(self.seat, self.outlook, expected, self.supply_tokens)
                - same.epoch(self.seat, self.outlook, self.supply, self.supply_tokens);
        }
        gain
    }

    /// One epoch's income under `terms`, the distributor holding `balance`.
    fn income(&self, terms: &Terms, balance: f64, supply: &Supply) -> f64 {
        Path {
            terms: *terms,
            balance,
        }
        .epoch(self.seat, self.outlook, supply, self.supply_tokens)
    }
}

/// `payload`, if it pays the sequencer over its horizon: what a policy
/// that weighs only its own payload signals.
pub fn if_it_pays(
    view: &View<'_>,
    seat: &Seat,
    outlook: Outlook,
    payload: Payload,
) -> Option<Payload> {
    gain(view, seat, &outlook, &payload)
        .is_some_and(|g| g > 0.0)
        .then_some(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn belief(epochs: &[(f64, f64, u32)]) -> Supply {
        Supply::from_epochs(epochs.iter().copied())
    }

    #[test]
    fn a_cost_known_only_to_exceed_a_pool_is_scale_free() {
        // Nobody proved at 300: a pool of 375 covers the cost with chance
        // 1 - 300/375 = 0.2, one of 600 with chance 0.5.
        let s = belief(&[(300.0, 0.0, 0), (250.0, 0.0, 0)]);
        assert_eq!(s.chance(300.0), 0.0);
        assert!((s.chance(375.0) - 0.2).abs() < 1e-12);
        assert!((s.chance(600.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn a_proven_pool_bounds_the_cost_from_above() {
        // A pool of 400 was proven: a pool of 400 is covered, one of 200
        // with chance 200/400.
        let s = belief(&[(400.0, 400.0, 4), (420.0, 420.0, 3)]);
        assert_eq!(s.chance(400.0), 1.0);
        assert!((s.chance(200.0) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn between_the_bounds_the_prior_is_truncated() {
        let s = belief(&[(375.0, 0.0, 0), (470.0, 470.0, 1)]);
        let x: f64 = 440.0;
        let expected = (1.0 / 375.0 - 1.0 / x) / (1.0 / 375.0 - 1.0 / 470.0);
        assert!((s.chance(x) - expected).abs() < 1e-12);
        assert_eq!(s.chance(470.0), 1.0);
        assert_eq!(s.chance(375.0), 0.0);
    }

    #[test]
    fn unproven_epochs_above_the_bound_are_downtime() {
        // One of four epochs that offered more than the proven cost went
        // unproven: provers are up three times in four.
        let s = belief(&[
            (500.0, 500.0, 2),
            (500.0, 500.0, 2),
            (500.0, 500.0, 2),
            (500.0, 0.0, 0),
        ]);
        assert!((s.chance(1_000.0) - 0.75).abs() < 1e-12);
        assert_eq!(s.lo, None);
    }

    fn terms(reward: f64) -> Terms {
        Terms {
            blocks: 32.0,
            reward,
            sequencer_bps: 7_000.0,
            prover_fees: 100.0,
            sequencer_fees: 50.0,
            mana: 0,
        }
    }

    fn weigh(change: &Change, balance: f64, supply: &Supply) -> (f64, f64) {
        let seat = Seat { stake_share: 0.02 };
        let outlook = Outlook::new(300, HOLDINGS);
        let w = Weighing {
            seat: &seat,
            outlook: &outlook,
            supply,
            after: supply,
            supply_tokens: 1e10,
        };
        let now = terms(20.0);
        (
            w.gain(&now, change, balance),
            w.gain_by_epoch(&now, change, balance),
        )
    }

    #[test]
    fn an_ample_distributor_sums_in_one_step_what_epochs_sum() {
        // Nobody proved a pool of 292 (20 tokens a block, 30% of 32 blocks,
        // plus 100 of fees); at 25 tokens the pool is 340: proven with
        // chance 1 - 292/340. Each epoch after the 20th pays 2% of the
        // sequencers' 610 tokens then, less 200,000 / 1e10 of the 800
        // minted.
        let supply = belief(&[(292.0, 0.0, 0)]);
        let change = Change {
            then: terms(25.0),
            top_up: 0.0,
            start: 20,
        };
        let (fast, slow) = weigh(&change, 1e12, &supply);
        let p = 1.0 - 292.0 / 340.0;
        let per_epoch = p * (0.02 * 610.0 - HOLDINGS * 800.0 / 1e10);
        assert!((fast - 280.0 * per_epoch).abs() < 1e-9, "{fast}");
        assert!((fast - slow).abs() < 1e-9 * fast.abs(), "{fast} {slow}");
    }

    #[test]
    fn a_top_up_pays_by_the_epochs_a_dry_distributor_would_not() {
        // A pool of 200 was proven: the 292 of 20 tokens a block is
        // covered, the 100 of fees alone with chance 1/2. The distributor
        // pays 20 tokens a block for 100 epochs, then nothing, against a
        // top-up at epoch 20 that lasts the horizon.
        let supply = belief(&[(200.0, 200.0, 3)]);
        let change = Change {
            then: terms(20.0),
            top_up: 1e9,
            start: 20,
        };
        let (gain, slow) = weigh(&change, 100.0 * 640.0, &supply);
        assert_eq!(gain, slow);
        // In the 200 epochs past the 100th the top-up pays 2% of the
        // sequencers' 70% of 640 minted tokens and their 50 of fees, less
        // the dilution of 640, against 2% of the fees half the time.
        let per_epoch = 0.02 * (0.7 * 640.0 + 50.0) - HOLDINGS * 640.0 / 1e10 - 0.5 * 0.02 * 50.0;
        assert!((gain - 200.0 * per_epoch).abs() < 1e-6, "{gain}");
    }

    #[test]
    fn nothing_remembered_is_no_doubt() {
        assert_eq!(belief(&[]).chance(1.0), 1.0);
    }
}
