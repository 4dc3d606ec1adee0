//! Market entry and exit (SPEC section 7): a prospective prover enters when
//! a newcomer would expect a profit; an active prover leaves after a run of
//! epochs without one. The engine only carries the decisions out.

use crate::cost::{prefix_cost, prefix_seconds};
use crate::scenario::ProverGroup;

use crate::protocol::ActivityRecord;

use super::View;
use super::prover::newcomer_market;

/// An active prover's record of its recent epochs, which its exit decision
/// reads.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Tenure {
    /// Consecutive epochs without a profit.
    pub losses: u32,
}

impl Tenure {
    /// One more settled epoch: it `proved` (spent on proving or submitted)
    /// and made this profit. An epoch that lost money counts; one sat out,
    /// by choice or by downtime, does not, unless idle hardware cost it
    /// money (`idle_cost`).
    pub fn settle(&mut self, proved: bool, profit: f64, idle_cost: f64) {
        if proved {
            if profit > 0.0 {
                self.losses = 0;
            } else {
                self.losses += 1;
            }
        } else if idle_cost > 0.0 {
            self.losses += 1;
        }
    }
}

/// How provers of a group decide to enter and to leave.
pub trait MarketRule: Send {
    /// Whether an active prover with these values and this record leaves
    /// now.
    fn leaves(&self, me: &ProverGroup, tenure: &Tenure) -> bool;
    /// Whether a prospective prover with these values (its own draw of the
    /// group's) enters now, with `entering` others already on their way
    /// in: its expected profit per epoch if so.
    fn enters(&self, view: &View<'_>, me: &ProverGroup, entering: u32) -> Option<f64>;
}

/// The market rule of a group.
pub fn rule_for(_group: &ProverGroup) -> Box<dyn MarketRule> {
    Box::new(ProfitSeeking)
}

/// Enters when a newcomer's expected profit over its horizon, with its
/// booster ramping up from an empty record, its capital cost and the sunk
/// entry cost, beats `min_margin` of its costs; leaves after
/// `exit_after_losses` epochs in a row that lost money.
#[derive(Copy, Clone, Debug)]
pub struct ProfitSeeking;

impl ProfitSeeking {
    /// The newcomer's expected shares in each of its first `horizon`
    /// epochs, proving every epoch from an empty record.
    fn ramp(view: &View<'_>, horizon: u32) -> Vec<f64> {
        let booster = view.protocol.booster();
        let mut record = ActivityRecord::default();
        let mut shares = Vec::with_capacity(horizon as usize);
        for k in 0..horizon.max(1) as u64 {
            let Ok((s, next)) = booster.score(record, view.epoch + 1 + k, true) else {
                break;
            };
            shares.push(s as f64);
            record = next;
        }
        shares
    }
}

impl MarketRule for ProfitSeeking {
    fn leaves(&self, me: &ProverGroup, tenure: &Tenure) -> bool {
        tenure.losses >= me.exit_after_losses
    }

    fn enters(&self, view: &View<'_>, me: &ProverGroup, entering: u32) -> Option<f64> {
        let g = me;
        let last = view.epoch.checked_sub(1)?;
        let (pool, others) = newcomer_market(view, g.lookback_epochs, entering)?;
        let (txs, blocks) = view
            .epoch_info(last)
            .map_or((0, 0), |i| (i.live_txs, i.live_blocks()));
        let seconds = prefix_seconds(g, txs, blocks);
        let cost = prefix_cost(g, seconds)
            + view.submission_cost(g.priority_fee_gwei)
            + g.capital_cost_per_epoch;
        let keep = 1.0 - g.discount_per_epoch;
        let (mut weight, mut value, mut costs) = (1.0, -g.entry_cost, 0.0);
        for s in Self::ramp(view, g.horizon_epochs) {
            value += weight * (pool * s / (s + others).max(f64::MIN_POSITIVE) - cost);
            costs += weight * cost;
            weight *= keep;
        }
        let per_epoch = value / costs.max(f64::MIN_POSITIVE) * cost;
        (value > g.min_margin * costs).then_some(per_epoch)
    }
}
