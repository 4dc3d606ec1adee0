//! The auction design's decisions (docs/model.md section 14): what a prover
//! bids to prove an epoch whole, what it does when it wins, and whether it
//! proves an epoch that falls back to the pool. The design collects the
//! sealed bids and clears them; a prover's bid is its strategy's (see
//! [`super::ProverStrategy::bid`]).

use rand::RngExt;

use crate::base::time::Time;
use crate::protocol::Epoch;

use super::ProverCtx;
use super::jobs::{JobDecision, hardware_cost_by, plan_whole, start};
use super::valuation::{competitors_shares, shares_now};

/// An epoch on auction, as provers see it.
#[derive(Copy, Clone, Debug)]
pub struct BidRequest {
    /// The epoch.
    pub epoch: Epoch,
    /// Its transactions on the chain.
    pub txs: u64,
    /// Its blocks on the chain.
    pub blocks: u64,
    /// Its prover pool if proven whole, tokens.
    pub pool: f64,
    /// Bids above this are void, tokens.
    pub reserve: f64,
    /// The bond a winner loses if its proof misses the window, tokens.
    pub bond: f64,
    /// When the exclusive window ends (ms): the winner's proof must have
    /// landed by then.
    pub deadline: Time,
    /// The share of past winners who lost their bond (what a loser may
    /// still earn in the fallback pool).
    pub forfeit_rate: f64,
}

/// A prover's sealed bid, tokens: the price at which winning is worth as
/// much as losing. Winning, it is up with its uptime `q`, then pays its
/// proof and submission `c` and is paid the price; down, it loses the
/// bond `B`. Losing, it expects the fallback pool: the share of winners
/// who fail times its share of the pool beside its recent competitors, net
/// of its cost. So `q (b - c (1 + m)) - (1 - q) B = lose`, with `m` its
/// margin, and `b = c (1 + m) + ((1 - q) B + lose) / q`. At the second
/// price this bid is its best (bidding its value is dominant). `None` if it
/// is busy, cannot land its proof in the window, or would bid above the
/// reserve.
pub fn priced_bid(ctx: &mut ProverCtx<'_, '_>, req: &BidRequest) -> Option<f64> {
    let view = ctx.view;
    let g = ctx.me.group;
    if ctx.me.jobs_running >= g.max_jobs || req.blocks == 0 {
        return None;
    }
    let cost = hardware_cost_by(ctx, req.txs, req.blocks, req.deadline)?
        + view.submission_cost_for(g.priority_fee_gwei, req.blocks);
    let own = shares_now(view, ctx.me.id);
    let others = competitors_shares(view, ctx.me.id, g.lookback_epochs).unwrap_or(own);
    let share = own / (own + others).max(f64::MIN_POSITIVE);
    let lose = req.forfeit_rate * g.uptime * (req.pool * share - cost).max(0.0);
    let q = g.uptime.max(1e-6);
    let bid = cost * (1.0 + g.min_margin.max(0.0)) + ((1.0 - q) * req.bond + lose) / q;
    (bid.is_finite() && bid <= req.reserve).then_some(bid)
}

/// A winner proves the epoch whole at once, if it is up (its uptime, drawn
/// now) and its hardware is free; otherwise its proof will not come and it
/// loses its bond.
pub fn prove_won(ctx: &mut ProverCtx<'_, '_>, e: Epoch) -> JobDecision {
    if ctx.rng.random::<f64>() >= ctx.me.group.uptime {
        return JobDecision::Down;
    }
    match plan_whole(ctx, e) {
        Ok(p) => start(ctx, e, p.end, p.seconds, p.cost),
        Err(d) => d,
    }
}
