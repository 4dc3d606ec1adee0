//! What every proving strategy shares (docs/model.md section 7): the plan of
//! a proof of a whole epoch and the rule that starts it when it pays; and
//! partial (fast-finality) provers.

use std::collections::BTreeSet;

use rand::RngExt;

use crate::protocol::{BlockNumber, Epoch};
use crate::scenario::StrategyName;
use crate::scenario::strategy::PartialParams;

use super::prover::{
    JobDecision, expected_reward, lands_in_time, shares_now, streak_bound, streak_value,
    submit_ready,
};
use super::{Job, PendingProof, ProverAction, ProverCtx, ProverStrategy};
use crate::cost::{prefix_cost, prefix_seconds};
use crate::protocol::ProverId;

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
    let total = cost + identities as f64 * ctx.view.submission_cost(group.priority_fee_gwei);
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
    Ok(Plan {
        end,
        seconds,
        cost,
        total: cost + view.submission_cost(group.priority_fee_gwei),
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

/// The share of a pool a prover expects when it joins provers holding
/// `others` shares, with its own shares now.
pub fn share_with(ctx: &ProverCtx<'_, '_>, others: f64) -> f64 {
    let own = shares_now(ctx.view, ctx.me.id);
    own / (own + others).max(f64::MIN_POSITIVE)
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

/// A fast-finality prover: proves growing prefixes of the epoch being
/// built, every `prefix_every_slots` slots, and once the epoch ends
/// completes it when completing pays: the blocks past its last prefix add
/// their part of the pool (they would be pruned otherwise), against the
/// cost of a proof of the whole epoch. If it does not complete and sees a
/// longer proof coming (accepted, or in the L1 mempool), it defends its
/// share by proving the whole epoch while that still lands.
#[derive(Debug)]
pub struct Partial {
    params: PartialParams,
    held: Vec<Job>,
    /// The end of the longest prefix it has proven, per epoch.
    proven: Vec<(Epoch, BlockNumber)>,
    /// Epochs it has decided on completing (started, or chose not to).
    decided: BTreeSet<Epoch>,
    /// Epochs it has started a proof of the whole of.
    completed: BTreeSet<Epoch>,
    /// The epoch it is down for (drawn at the epoch's start).
    down: Option<Epoch>,
    awake: bool,
}

impl Partial {
    /// A partial prover with these parameters.
    pub fn new(params: PartialParams) -> Partial {
        Partial {
            params,
            held: Vec::new(),
            proven: Vec::new(),
            decided: BTreeSet::new(),
            completed: BTreeSet::new(),
            down: None,
            awake: false,
        }
    }

    fn mine(&self, e: Epoch) -> BlockNumber {
        self.proven
            .iter()
            .filter(|(x, _)| *x == e)
            .map(|(_, n)| *n)
            .max()
            .unwrap_or(0)
    }

    /// Decides on completing epoch `e`, which has ended.
    fn complete(&mut self, ctx: &mut ProverCtx<'_, '_>, e: Epoch) {
        if self.decided.contains(&e) || ctx.me.jobs_running >= ctx.me.group.max_jobs {
            return;
        }
        self.decided.insert(e);
        if self.down == Some(e) {
            return;
        }
        let (Ok(p), Some(first)) = (plan_whole(ctx, e), ctx.view.protocol.first_block_of(e)) else {
            return;
        };
        let group = ctx.me.group;
        let live = p.live_blocks.max(1) as f64;
        let covered = (self.mine(e) + 1).saturating_sub(first) as f64;
        let share = expected_reward(ctx.view, ctx.me.id, e, group.lookback_epochs)
            / p.pool.max(f64::MIN_POSITIVE);
        let gain = p.pool * (1.0 - covered / live) * share;
        // Its prefixes keep its streak (one bump per epoch), so the streak
        // is not at stake here.
        if gain - p.total >= group.min_margin * p.total
            && start(ctx, e, p.end, p.seconds, p.cost) == JobDecision::Started
        {
            self.completed.insert(e);
            self.proven.push((e, p.end));
        }
    }

    /// Whether a proof of epoch `e` longer than its own is accepted.
    fn threatened(&self, ctx: &ProverCtx<'_, '_>, e: Epoch) -> bool {
        let Some(first) = ctx.view.protocol.first_block_of(e) else {
            return false;
        };
        let mine = self.mine(e);
        mine > 0 && first + ctx.view.protocol.longest(e) > mine + 1
    }

    fn try_defend(&mut self, ctx: &mut ProverCtx<'_, '_>, e: Epoch) {
        if !self.completed.contains(&e)
            && self.decided.contains(&e)
            && defend(ctx, e) == JobDecision::Started
        {
            self.completed.insert(e);
        }
    }

    fn step(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let view = ctx.view;
        let ed = view.scenario.chain.epoch_duration;
        let every = self.params.prefix_every_slots.max(1);
        let c = view.epoch;
        let in_epoch = view.slot % ed;
        if let Some(e) = c.checked_sub(1) {
            self.complete(ctx, e);
            if self.threatened(ctx, e) {
                self.try_defend(ctx, e);
            }
        }
        // A prefix of the epoch being built.
        if in_epoch > 0
            && in_epoch.is_multiple_of(every)
            && self.down != Some(c)
            && ctx.me.jobs_running < ctx.me.group.max_jobs
            && let Some(info) = view.epoch_info(c)
            && let Some((end, _)) = info.last_block
            && end > self.mine(c)
        {
            let seconds = prefix_seconds(ctx.me.group, info.live_txs, info.live_blocks());
            ctx.actions.push(ProverAction::StartJob {
                epoch: c,
                end,
                seconds,
                cost: prefix_cost(ctx.me.group, seconds),
            });
            self.proven.push((c, end));
        }
        submit_ready(ctx, &mut self.held);
        self.proven.retain(|(e, _)| e + 2 >= c);
        self.decided.retain(|e| e + 2 >= c);
        self.completed.retain(|e| e + 2 >= c);
        next_slot(ctx);
    }
}

impl ProverStrategy for Partial {
    fn name(&self) -> &'static str {
        StrategyName::Partial.name()
    }

    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        // Down for the epoch now being built (drawn whatever the uptime).
        if ctx.rng.random::<f64>() >= ctx.me.group.uptime {
            self.down = Some(ctx.view.epoch);
        }
        if !self.awake {
            self.awake = true;
            next_slot(ctx);
        }
    }

    fn on_job_done(&mut self, ctx: &mut ProverCtx<'_, '_>, job: Job) {
        self.held.push(job);
        submit_ready(ctx, &mut self.held);
    }

    fn on_wake(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        self.step(ctx);
    }

    fn watches_mempool(&self) -> bool {
        true
    }

    fn on_mempool(&mut self, ctx: &mut ProverCtx<'_, '_>, tx: &PendingProof) {
        if tx.credited == ctx.me.id || tx.end <= self.mine(tx.epoch) || tx.epoch >= ctx.view.epoch {
            return;
        }
        self.try_defend(ctx, tx.epoch);
    }
}

/// Whether `id` is one of the prover's own identities.
pub fn is_mine(ctx: &ProverCtx<'_, '_>, id: ProverId) -> bool {
    ctx.me.identities.contains(&id)
}
