//! What every proving strategy shares (docs/model.md section 7): when a
//! proof lands, the plan of a proof of a whole epoch and the rule that
//! starts it when it pays, the fallback and the defence of a share, and
//! holding finished proofs until they can be accepted.

use rand::RngExt;

use crate::cost::{prefix_cost, prefix_seconds};
use crate::protocol::{BlockNumber, Epoch, ProverId, ScoreOn};

use super::valuation::{expected_reward, share_with, shares_now, streak_bound, streak_value};
use super::{Job, ProverAction, ProverCtx, View};

/// What came of considering a proof job.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum JobDecision {
    /// A job started.
    Started,
    /// The prover is down for this epoch.
    Down,
    /// It would not pay, or could not land in time.
    NotWorth,
    /// Its hardware is busy, or there is nothing to prove yet.
    Busy,
}

/// Seconds from starting a job of `seconds` to its proof on L1: the job,
/// the mean inclusion delay at the going priority fee (the prover bids up
/// to it near its deadline), and an L1 block.
pub fn landing_seconds(view: &View<'_>, seconds: f64) -> f64 {
    let l1 = &view.scenario.l1;
    seconds + l1.mean_inclusion_delay + l1.block_time as f64
}

/// The priority fee to send a proof of epoch `e` with: the prover's own,
/// or the going rate if at its own fee the proof would not be expected to
/// land before the window closes (with an L1 block to spare).
pub fn bid(ctx: &ProverCtx<'_, '_>, e: Epoch) -> f64 {
    let view = ctx.view;
    let own = ctx.me.group.priority_fee_gwei;
    let close = view.slot_time(view.window_close_slot(e)) as f64;
    let lands = view.now as f64
        + (view.mean_inclusion_delay(own) + view.scenario.l1.block_time as f64) * 1000.0;
    if lands < close {
        own
    } else {
        own.max(view.going_priority_gwei)
    }
}

/// Whether a job of `seconds` started now can land on L1 before epoch
/// `e`'s window closes.
pub fn lands_in_time(view: &View<'_>, e: Epoch, seconds: f64) -> bool {
    let lands_ms = view.now as f64 + landing_seconds(view, seconds) * 1000.0;
    lands_ms < view.slot_time(view.window_close_slot(e)) as f64
}

/// What the prover's hardware costs to prove `txs` transactions in
/// `blocks` blocks whole, if a job started now can land on L1 by
/// `deadline` (ms); `None` if it cannot.
pub fn hardware_cost_by(
    ctx: &ProverCtx<'_, '_>,
    txs: u64,
    blocks: u64,
    deadline: crate::base::time::Time,
) -> Option<f64> {
    let g = ctx.me.group;
    let seconds = prefix_seconds(g, txs, blocks);
    let lands_ms = ctx.view.now as f64 + landing_seconds(ctx.view, seconds) * 1000.0;
    (lands_ms <= deadline as f64).then(|| prefix_cost(g, seconds))
}

/// Holds finished proofs until they can be accepted, then submits them;
/// drops those whose window closed. Returns whether any is still held.
pub fn submit_ready(ctx: &mut ProverCtx<'_, '_>, held: &mut Vec<Job>) -> bool {
    let pse = ctx.view.scenario.chain.proof_submission_epochs;
    held.retain(|&job| {
        if ctx.view.epoch > job.epoch + pse {
            return false;
        }
        if !ctx.view.provable(job.epoch, job.end) {
            return true;
        }
        let priority_fee_gwei = bid(ctx, job.epoch);
        ctx.actions.push(ProverAction::Submit {
            job,
            priority_fee_gwei,
            credit: None,
            bidding: None,
        });
        false
    });
    !held.is_empty()
}

/// At an epoch's start, proves the epoch that ended by the honest rule,
/// once (`last_started`). Returns that epoch if the prover skipped it (not
/// worth it, or busy) rather than starting it or being down.
pub fn prove_ended_epoch(
    ctx: &mut ProverCtx<'_, '_>,
    last_started: &mut Option<Epoch>,
) -> Option<Epoch> {
    let e = ctx.view.epoch.checked_sub(1)?;
    if *last_started == Some(e) {
        return None;
    }
    match start_full_job(ctx, e, 1, 0.0) {
        JobDecision::Started => {
            *last_started = Some(e);
            None
        }
        JobDecision::Down => None,
        JobDecision::NotWorth | JobDecision::Busy => Some(e),
    }
}

/// Starts a proof of the whole of epoch `e` if `identities` registrations
/// of it are expected to pay for the proof, the extra `overhead` and one L1
/// submission per identity, counting the streak each identity keeps, and
/// if the proof can land before the window closes (the honest rule,
/// generalised).
pub fn start_full_job(
    ctx: &mut ProverCtx<'_, '_>,
    e: Epoch,
    identities: u32,
    overhead: f64,
) -> JobDecision {
    if ctx.me.jobs_running >= ctx.me.group.max_jobs {
        return JobDecision::Busy;
    }
    // Down for this epoch (drawn whatever the uptime, so that changing it
    // leaves the prover's later draws in place).
    if ctx.rng.random::<f64>() >= ctx.me.group.uptime {
        return JobDecision::Down;
    }
    let p = match plan_whole(ctx, e) {
        Ok(p) => p,
        Err(d) => return d,
    };
    let group = ctx.me.group;
    let cost = p.cost + overhead;
    let total = cost + identities as f64 * p.submission;
    let now = identities as f64 * expected_reward(ctx.view, ctx.me.id, e, group.lookback_epochs);
    if !worth_it(ctx, now, identities, total, p.pool) {
        return JobDecision::NotWorth;
    }
    start(ctx, e, p.end, p.seconds, cost)
}

/// A proof of the whole of an epoch that the prover could start now.
#[derive(Copy, Clone, Debug)]
pub struct Plan {
    /// The epoch's last block.
    pub end: BlockNumber,
    /// Seconds the job takes.
    pub seconds: f64,
    /// What the job costs, tokens.
    pub cost: f64,
    /// Its L1 submission, tokens (with the stipend for the blocks no
    /// longer proof covers yet, from v6).
    pub submission: f64,
    /// The job and its submission, tokens.
    pub total: f64,
    /// The epoch's pool if all its blocks are proven, tokens.
    pub pool: f64,
    /// Its blocks on the pending chain.
    pub live_blocks: u64,
}

/// The proof of the whole of epoch `e` the prover could start now: `Busy`
/// if its hardware is busy or there is nothing to prove, `NotWorth` if the
/// proof could not land before the window closes.
pub fn plan_whole(ctx: &ProverCtx<'_, '_>, e: Epoch) -> Result<Plan, JobDecision> {
    let view = ctx.view;
    if ctx.me.jobs_running >= ctx.me.group.max_jobs {
        return Err(JobDecision::Busy);
    }
    let info = view.epoch_info(e).ok_or(JobDecision::Busy)?;
    let (end, _) = info.last_block.ok_or(JobDecision::Busy)?;
    let group = ctx.me.group;
    let seconds = prefix_seconds(group, info.live_txs, info.live_blocks());
    if !lands_in_time(view, e, seconds) {
        return Err(JobDecision::NotWorth);
    }
    let cost = prefix_cost(group, seconds);
    let unproven = info.live_blocks().saturating_sub(view.protocol.longest(e));
    let submission = view.submission_cost_for(group.priority_fee_gwei, unproven);
    Ok(Plan {
        end,
        seconds,
        cost,
        submission,
        total: cost + submission,
        pool: info.pool_estimate,
        live_blocks: info.live_blocks(),
    })
}

/// Whether `reward` (the epoch alone, for `identities` registrations), or
/// with the streak each identity keeps, beats `total` by the margin. The
/// streak is valued only when the epoch alone does not pay and its bound
/// might.
pub fn worth_it(
    ctx: &ProverCtx<'_, '_>,
    reward: f64,
    identities: u32,
    total: f64,
    pool: f64,
) -> bool {
    let g = ctx.me.group;
    let pays = |r: f64| r - total >= g.min_margin * total;
    let n = identities as f64;
    pays(reward)
        || (pays(reward + n * streak_bound(g, pool))
            && pays(reward + n * streak_value(ctx.view, ctx.me.id, g, pool)))
}

/// Starts the job.
pub fn start(
    ctx: &mut ProverCtx<'_, '_>,
    e: Epoch,
    end: BlockNumber,
    seconds: f64,
    cost: f64,
) -> JobDecision {
    ctx.actions.push(ProverAction::StartJob {
        epoch: e,
        end,
        seconds,
        cost,
    });
    JobDecision::Started
}

/// A prover short of compute, who cannot land the whole of epoch `e`
/// before its window closes, may still keep its streak: where any accepted
/// proof bumps the score (`score_on = "any_proof"`), the shortest proof the
/// chain would take (its first block, or as long as the longest proof so
/// far) keeps its record as a whole proof would, for a fraction of the
/// cost (AZIP-25's motivation). It starts that proof if the streak's value
/// beats its cost and submission by its margin and it can land in time.
pub fn start_streak_prefix(ctx: &mut ProverCtx<'_, '_>, e: Epoch) -> JobDecision {
    let view = ctx.view;
    let group = ctx.me.group;
    if ctx.me.jobs_running >= group.max_jobs {
        return JobDecision::Busy;
    }
    if view.protocol.booster().config().score_on != ScoreOn::AnyProof {
        return JobDecision::NotWorth;
    }
    let (Some(info), Some(first)) = (view.epoch_info(e), view.protocol.first_block_of(e)) else {
        return JobDecision::Busy;
    };
    let Some((last, _)) = info.last_block else {
        return JobDecision::Busy;
    };
    // A prover that can land the whole epoch proves it whole, or not.
    if lands_in_time(
        view,
        e,
        prefix_seconds(group, info.live_txs, info.live_blocks()),
    ) {
        return JobDecision::NotWorth;
    }
    let end = first + view.protocol.longest(e).max(1) - 1;
    if end >= last {
        return JobDecision::NotWorth;
    }
    // Its transactions, in proportion to its blocks' mana.
    let mana = |n: BlockNumber| view.protocol.block(n).map_or(0, |b| b.input.mana_used) as u128;
    let all: u128 = (first..=last).map(mana).sum();
    let part: u128 = (first..=end).map(mana).sum();
    let txs = (info.live_txs as u128 * part / all.max(1)) as u64;
    let seconds = prefix_seconds(group, txs, end + 1 - first);
    if !lands_in_time(view, e, seconds) {
        return JobDecision::NotWorth;
    }
    let cost = prefix_cost(group, seconds);
    let total = cost + view.submission_cost_for(group.priority_fee_gwei, end + 1 - first);
    let pool = info.pool_estimate;
    let pays = |r: f64| r - total >= group.min_margin * total;
    if !(pays(streak_bound(group, pool)) && pays(streak_value(view, ctx.me.id, group, pool))) {
        return JobDecision::NotWorth;
    }
    start(ctx, e, end, seconds, cost)
}

/// Looks again at epoch `e`, skipped at its end: if no proof of the whole
/// epoch is accepted yet, whoever proves it takes the pool, so the prover
/// starts one if the pool (and the streak it keeps) beats the cost and the
/// proof can still land.
pub fn start_fallback_job(ctx: &mut ProverCtx<'_, '_>, e: Epoch) -> JobDecision {
    let p = match plan_whole(ctx, e) {
        Ok(p) => p,
        Err(d) => return d,
    };
    if ctx.view.protocol.longest(e) >= p.live_blocks || !worth_it(ctx, p.pool, 1, p.total, p.pool) {
        return JobDecision::NotWorth;
    }
    start(ctx, e, p.end, p.seconds, p.cost)
}

/// Wakes the prover at the start of the next slot.
pub fn next_slot(ctx: &mut ProverCtx<'_, '_>) {
    let t = ctx.view.slot_time(ctx.view.slot + 1);
    ctx.actions.push(ProverAction::WakeAt(t));
}

/// Looks at epoch `e` once a proof longer than `mine` blocks threatens to
/// supersede the prover's own (its proof would then earn nothing): starts
/// a proof of the whole epoch if its share of the pool, split with the
/// provers at the longest length, beats the cost and it can still land.
pub fn defend(ctx: &mut ProverCtx<'_, '_>, e: Epoch) -> JobDecision {
    let p = match plan_whole(ctx, e) {
        Ok(p) => p,
        Err(d) => return d,
    };
    let (longest, summed) = ctx.view.protocol.leaders(e);
    let others = if longest >= p.live_blocks {
        summed as f64
    } else {
        // Whoever proves longer will be there at full length.
        shares_now(ctx.view, ctx.me.id)
    };
    if p.pool * share_with(ctx, others) - p.total < ctx.me.group.min_margin * p.total {
        return JobDecision::NotWorth;
    }
    start(ctx, e, p.end, p.seconds, p.cost)
}

/// Whether `id` is one of the prover's own identities.
pub fn is_mine(ctx: &ProverCtx<'_, '_>, id: ProverId) -> bool {
    ctx.me.identities.contains(&id)
}
