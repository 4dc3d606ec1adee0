//! Sequencers' voting policies (docs/model.md section 7): what a proposer signals
//! for in the slot it proposes. A policy sees the same read-only view as
//! every agent and answers with a payload or nothing; governance rounds
//! count the signals.

use std::collections::BTreeMap;

use crate::protocol::booster::Quadratic;
use crate::protocol::{Amount, Booster, BoosterConfig, Payload, Rule};
use crate::scenario::strategy::{LivenessParams, OpenMarketParams, PolicyParams, ProfitParams};

use super::{SettledEpoch, View};

/// Settled epochs a policy looks back on.
const LOOKBACK: usize = 8;

/// How a sequencer votes.
pub trait VotingPolicy: Send {
    /// The policy's name in outputs.
    fn name(&self) -> &'static str;
    /// The payload it signals for now, if any.
    fn signal(&mut self, view: &View<'_>) -> Option<Payload>;
    /// Whether it ever signals: one that never does is not asked every
    /// slot (asking costs a view and a call, and changes nothing).
    fn ever_signals(&self) -> bool {
        true
    }
}

/// The policy a group's parameters describe.
pub fn policy_for(params: &PolicyParams) -> Box<dyn VotingPolicy> {
    match *params {
        PolicyParams::Static => Box::new(Static),
        PolicyParams::Liveness(p) => Box::new(Liveness(p)),
        PolicyParams::Profit(p) => Box::new(Profit(p)),
        PolicyParams::Cartel => Box::new(Cartel),
        PolicyParams::OpenMarket(p) => Box::new(OpenMarket(p)),
    }
}

/// What a checkpoint reward of `reward` per block mints in a year over the
/// token supply, as the summary's `inflation_per_year` counts it.
fn inflation_of(view: &View<'_>, reward: Amount) -> f64 {
    let blocks_per_year =
        crate::base::units::SECONDS_PER_YEAR / view.scenario.chain.slot_duration as f64;
    reward as f64 * blocks_per_year / view.scenario.rewards.token_supply.max(1) as f64
}

/// A payload that grows the provers' pool per block by `pct` percent
/// through users' fees: `proving_cost_per_mana` raised by that part of
/// what a block at the mana target pays the pool now (the provers' part of
/// the checkpoint reward plus the prover fee of the governed proving
/// cost), over the mana target, in wei (the fee model converts it to the
/// fee asset). It is made of governed values only, so every sequencer of
/// the policy signals the same payload until it executes.
fn fee_raise(view: &View<'_>, pct: f64) -> Payload {
    let p = view.protocol.params();
    let target = view.scenario.chain.mana_target.max(1) as Amount;
    let rate = view.scenario.fees.fee_asset_per_eth.max(1);
    // In integers, rounded up: the raise in basis points of the pool.
    let provers_part = p
        .checkpoint_reward
        .saturating_mul((10_000 - p.sequencer_bps.min(10_000)) as Amount)
        / 10_000;
    let fee_part =
        crate::protocol::fees::to_fee_asset(p.proving_cost_per_mana, rate).saturating_mul(target);
    let bp = (pct * 100.0).round() as Amount;
    let extra_units = provers_part
        .saturating_add(fee_part)
        .saturating_mul(bp)
        .div_ceil(10_000);
    let wei = extra_units
        .saturating_mul(1_000_000_000)
        .div_ceil(target.saturating_mul(rate));
    Payload {
        proving_cost_per_mana: Some(p.proving_cost_per_mana.saturating_add(wei.max(1))),
        ..Payload::default()
    }
}

/// A payload that scales the checkpoint reward in force by `factor`.
fn scaled_reward(view: &View<'_>, factor: f64) -> Payload {
    let reward = view.protocol.params().checkpoint_reward;
    Payload {
        checkpoint_reward: Some((reward as f64 * factor).round() as Amount),
        ..Payload::default()
    }
}

fn recent<'v>(view: &'v View<'_>) -> impl Iterator<Item = &'v SettledEpoch> {
    view.market.last(LOOKBACK)
}

/// Never signals.
#[derive(Debug)]
pub struct Static;

impl VotingPolicy for Static {
    fn name(&self) -> &'static str {
        "static"
    }
    fn signal(&mut self, _view: &View<'_>) -> Option<Payload> {
        None
    }
    fn ever_signals(&self) -> bool {
        false
    }
}

/// Raises the reward by `change_pct` while prunes in the last round exceed
/// `max_prunes` or the mean full-proof latency exceeds `max_latency_s`.
#[derive(Debug)]
pub struct Liveness(pub LivenessParams);

impl VotingPolicy for Liveness {
    fn name(&self) -> &'static str {
        "liveness"
    }
    fn signal(&mut self, view: &View<'_>) -> Option<Payload> {
        // A change on its way: wait to see what it does.
        if !view.pending_payloads.is_empty() {
            return None;
        }
        let window = view.scenario.governance.round_size;
        let prunes = view
            .recent_prunes
            .iter()
            .filter(|&&s| s + window > view.slot)
            .count() as u64;
        let latencies: Vec<f64> = recent(view).filter_map(|s| s.full_latency_s).collect();
        let slow = !latencies.is_empty()
            && latencies.iter().sum::<f64>() / latencies.len() as f64 > self.0.max_latency_s;
        if prunes <= self.0.max_prunes && !slow {
            return None;
        }
        // A dry distributor mints nothing more for a higher reward: top it
        // up instead.
        let p = view.protocol.params();
        let blocks = self.0.top_up_epochs * view.scenario.chain.epoch_duration;
        if view.protocol.distributor_balance()
            < p.checkpoint_reward.saturating_mul(blocks as u128 / 10)
        {
            return Some(Payload {
                distributor_top_up: Some(p.checkpoint_reward.saturating_mul(blocks as u128)),
                ..Payload::default()
            });
        }
        let raised = scaled_reward(view, 1.0 + self.0.change_pct / 100.0);
        let reward = raised.checkpoint_reward.unwrap_or(0);
        match self.0.max_inflation {
            // Minting more would break the inflation limit: the provers'
            // pool grows from users' fees instead, by as much.
            Some(max) if inflation_of(view, reward) > max => {
                Some(fee_raise(view, self.0.change_pct))
            }
            _ => Some(raised),
        }
    }
}

/// Votes for its own income: while the reward per paid prover over
/// `reference_cost`, minus one, exceeds `max_margin` and nothing was pruned
/// in the last round, raises the sequencers' part of the checkpoint reward
/// by `change_pct` of the provers' part (cutting the reward would cut its
/// own part too).
#[derive(Debug)]
pub struct Profit(pub ProfitParams);

impl VotingPolicy for Profit {
    fn name(&self) -> &'static str {
        "profit"
    }
    fn signal(&mut self, view: &View<'_>) -> Option<Payload> {
        if !view.pending_payloads.is_empty() {
            return None;
        }
        let per_prover: Vec<f64> = recent(view)
            .filter(|s| s.paid > 0)
            .map(|s| s.pool / s.paid as f64)
            .collect();
        if per_prover.is_empty() {
            return None;
        }
        let mean = per_prover.iter().sum::<f64>() / per_prover.len() as f64;
        let window = view.scenario.governance.round_size;
        let pruned = view.recent_prunes.iter().any(|&s| s + window > view.slot);
        let bps = view.protocol.params().sequencer_bps;
        let raised =
            bps + ((10_000 - bps.min(10_000)) as f64 * self.0.change_pct / 100.0).round() as u64;
        (mean / self.0.reference_cost - 1.0 > self.0.max_margin && !pruned && raised > bps).then(
            || Payload {
                sequencer_bps: Some(raised.min(10_000)),
                ..Payload::default()
            },
        )
    }
}

/// Signals for the highest checkpoint reward a striking cartel publishes
/// as its demand, while the reward in force is lower and no payload that
/// raises it that far has passed (one that has awaits execution and is not
/// signalled again).
#[derive(Debug)]
pub struct Cartel;

impl VotingPolicy for Cartel {
    fn name(&self) -> &'static str {
        "cartel"
    }
    fn signal(&mut self, view: &View<'_>) -> Option<Payload> {
        let demand = view.demands.values().copied().max()?;
        let on_its_way = view
            .pending_payloads
            .iter()
            .any(|p| p.checkpoint_reward.is_some_and(|r| r >= demand));
        (!on_its_way && view.protocol.params().checkpoint_reward < demand).then(|| Payload {
            checkpoint_reward: Some(demand),
            ..Payload::default()
        })
    }
}

/// Keeps the market open to newcomers. While the rewards of recent settled
/// epochs concentrate beyond `max_hhi` (a Herfindahl index over provers'
/// summed rewards, as anyone reads them from the chain), it signals for a
/// quadratic booster whose streak reaches full score in `ramp_epochs`: the
/// same increment, floor and top, the ceiling `ramp_epochs` increments,
/// and the steepness scaled so the curve has the same shape over the
/// shorter ramp. The new booster restarts every record, incumbents' too.
/// It does nothing under another rule or once the ramp is that short.
#[derive(Debug)]
pub struct OpenMarket(pub OpenMarketParams);

impl OpenMarket {
    /// The reward concentration of the remembered settled epochs.
    fn hhi(view: &View<'_>) -> Option<f64> {
        let mut by_prover: BTreeMap<u32, f64> = BTreeMap::new();
        for s in recent(view).filter(|s| s.summed_shares > 0.0) {
            for &(p, shares) in &s.paid_provers {
                *by_prover.entry(p.0).or_default() += s.pool * shares / s.summed_shares;
            }
        }
        let total: f64 = by_prover.values().sum();
        (total > 0.0).then(|| by_prover.values().map(|r| (r / total).powi(2)).sum())
    }

    /// The booster with the ramp it wants, if the one in force is steeper
    /// than that.
    fn shorter(&self, now: &BoosterConfig) -> Option<BoosterConfig> {
        let Rule::Quadratic(q) = now.rule else {
            return None;
        };
        let ramp = q.max_score.div_ceil(q.increment.max(1));
        if ramp <= self.0.ramp_epochs {
            return None;
        }
        let max_score = self.0.ramp_epochs * q.increment;
        let c = max_score as f64 / q.max_score as f64;
        let a = (q.a as f64 / (c * c)).round() as u64;
        let rule = Rule::Quadratic(Quadratic { max_score, a, ..q });
        let next = BoosterConfig { rule, ..*now };
        Booster::new(next).is_ok().then_some(next)
    }
}

impl VotingPolicy for OpenMarket {
    fn name(&self) -> &'static str {
        "open_market"
    }
    fn signal(&mut self, view: &View<'_>) -> Option<Payload> {
        if view.pending_payloads.iter().any(|p| p.booster.is_some()) {
            return None;
        }
        if Self::hhi(view)? <= self.0.max_hhi {
            return None;
        }
        let booster = self.shorter(view.protocol.booster().config())?;
        Some(Payload {
            booster: Some(booster),
            ..Payload::default()
        })
    }
}
