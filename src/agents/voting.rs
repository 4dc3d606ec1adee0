//! Sequencers' voting policies (docs/model.md section 7): what a proposer signals
//! for in the slot it proposes. A policy sees the same read-only view as
//! every agent and answers with a payload or nothing; governance rounds
//! count the signals.

use crate::protocol::{Amount, Payload};
use crate::scenario::strategy::{LivenessParams, PolicyParams, ProfitParams};

use super::{SettledEpoch, View};

/// Settled epochs a policy looks back on.
const LOOKBACK: usize = 8;

/// How a sequencer votes.
pub trait VotingPolicy: Send {
    /// The policy's name in outputs.
    fn name(&self) -> &'static str;
    /// The payload it signals for now, if any.
    fn signal(&mut self, view: &View<'_>) -> Option<Payload>;
}

/// The policy a group's parameters describe.
pub fn policy_for(params: &PolicyParams) -> Box<dyn VotingPolicy> {
    match *params {
        PolicyParams::Static => Box::new(Static),
        PolicyParams::Liveness(p) => Box::new(Liveness(p)),
        PolicyParams::Profit(p) => Box::new(Profit(p)),
        PolicyParams::Cartel => Box::new(Cartel),
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
        Some(scaled_reward(view, 1.0 + self.0.change_pct / 100.0))
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
