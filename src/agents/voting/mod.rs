//! Sequencers' voting policies (docs/model.md section 7): what a proposer signals
//! for in the slot it proposes. A policy sees the same read-only view as
//! every agent and answers with a payload or nothing; governance rounds
//! count the signals.

pub mod cartel;
pub mod liveness;
pub mod open_market;
pub mod profit;
pub mod value;

use crate::protocol::{Amount, Payload};

use super::kind::{Kind, NoKeys};
use super::{SettledEpoch, View};
pub use value::Seat;

/// A voting policy as the scenario loader and the sequencers see it.
pub type PolicyKind = Kind<dyn VotingPolicy>;

/// Settled epochs a policy looks back on.
const LOOKBACK: usize = 8;

/// How a sequencer votes.
pub trait VotingPolicy: Send {
    /// The policy's name in outputs.
    fn name(&self) -> &'static str;
    /// The payload it signals for now, if any, for the sequencer in
    /// `seat`.
    fn signal(&mut self, view: &View<'_>, seat: &Seat) -> Option<Payload>;
    /// Whether it ever signals: one that never does is not asked every
    /// slot (asking costs a view and a call, and changes nothing).
    fn ever_signals(&self) -> bool {
        true
    }
}

/// What a checkpoint reward of `reward` per block mints in a year over the
/// token supply, as the summary's `inflation_per_year` counts it.
pub(crate) fn inflation_of(view: &View<'_>, reward: Amount) -> f64 {
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
pub(crate) fn fee_raise(view: &View<'_>, pct: f64) -> Payload {
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
pub(crate) fn scaled_reward(view: &View<'_>, factor: f64) -> Payload {
    let reward = view.protocol.params().checkpoint_reward;
    Payload {
        checkpoint_reward: Some((reward as f64 * factor).round() as Amount),
        ..Payload::default()
    }
}

pub(crate) fn recent<'v>(view: &'v View<'_>) -> impl Iterator<Item = &'v SettledEpoch> {
    view.market.last(LOOKBACK)
}

/// The static policy's name in scenario files and outputs.
pub const STATIC_NAME: &str = "static";

/// Never signals.
pub const STATIC: PolicyKind = PolicyKind::new::<NoKeys>(STATIC_NAME, &[], |_| Box::new(Static));

/// Never signals.
#[derive(Debug)]
pub struct Static;

impl VotingPolicy for Static {
    fn name(&self) -> &'static str {
        STATIC_NAME
    }
    fn signal(&mut self, _view: &View<'_>, _seat: &Seat) -> Option<Payload> {
        None
    }
    fn ever_signals(&self) -> bool {
        false
    }
}
