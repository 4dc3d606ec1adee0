//! Market entry and exit (SPEC section 7): a prospective prover enters when
//! a newcomer would expect a profit; an active prover leaves after a run of
//! epochs without one. The engine only carries the decisions out.

use crate::cost::{prefix_cost, prefix_seconds};
use crate::scenario::ProverGroup;

use super::View;
use super::prover::newcomer_reward;

/// An active prover's record of its recent epochs, which its exit decision
/// reads.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Tenure {
    /// Consecutive epochs without a profit.
    pub losses: u32,
}

impl Tenure {
    /// One more settled epoch with this profit (sitting out because proving
    /// would not pay counts as a loss).
    pub fn settle(&mut self, profit: f64) {
        if profit > 0.0 {
            self.losses = 0;
        } else {
            self.losses += 1;
        }
    }
}

/// How provers of a group decide to enter and to leave.
pub trait MarketRule: Send {
    /// Whether an active prover with this record leaves now.
    fn leaves(&self, tenure: &Tenure) -> bool;
    /// Whether one more prover of the group enters now, with `entering`
    /// others already on their way in: its expected profit per epoch if so.
    fn enters(&self, view: &View<'_>, entering: u32) -> Option<f64>;
}

/// The market rule of a group.
pub fn rule_for(group: &ProverGroup) -> Box<dyn MarketRule> {
    Box::new(ProfitSeeking {
        group: group.clone(),
    })
}

/// Enters when the newcomer's expected reward beats the cost of proving
/// the last epoch by `min_margin`; leaves after `exit_after_losses` losing
/// epochs in a row.
#[derive(Clone, Debug)]
pub struct ProfitSeeking {
    group: ProverGroup,
}

impl MarketRule for ProfitSeeking {
    fn leaves(&self, tenure: &Tenure) -> bool {
        tenure.losses >= self.group.exit_after_losses
    }

    fn enters(&self, view: &View<'_>, entering: u32) -> Option<f64> {
        let g = &self.group;
        let last = view.epoch.checked_sub(1)?;
        if view.market.recent.is_empty() {
            return None;
        }
        let (txs, blocks) = view
            .epoch_info(last)
            .map_or((0, 0), |i| (i.live_txs, i.live_blocks()));
        let seconds = prefix_seconds(g, txs, blocks);
        let cost = prefix_cost(g, seconds) + view.submission_cost(g.priority_fee_gwei);
        let reward = newcomer_reward(view, g.lookback_epochs, entering);
        let profit = reward - cost;
        (profit > g.min_margin * cost).then_some(profit)
    }
}
