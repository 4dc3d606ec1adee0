//! Strategic provers (docs/model.md section 7): partial provers, snipers that hold
//! their proofs back, copiers, sybil and striking cartels.

use std::collections::BTreeSet;

use rand::RngExt;

use crate::protocol::{BlockNumber, Epoch};
use crate::scenario::StrategyName;
use crate::scenario::strategy::{CopyParams, HoldParams, PartialParams, StrikeParams, SybilParams};

use super::prover::{
    JobDecision, expected_reward, lands_in_time, streak_bound, streak_value, submit_ready,
};
use super::{Job, PendingProof, ProverAction, ProverCtx, ProverStrategy};
use crate::cost::{prefix_cost, prefix_seconds};

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
    let Some(info) = ctx.view.epoch_info(e) else {
        return JobDecision::Busy;
    };
    let Some((end, _)) = info.last_block else {
        return JobDecision::Busy;
    };
    let group = ctx.me.group;
    let seconds = prefix_seconds(group, info.live_txs, info.live_blocks());
    if !lands_in_time(ctx.view, e, seconds) {
        return JobDecision::NotWorth;
    }
    let cost = prefix_cost(group, seconds) + overhead;
    let total = cost + identities as f64 * ctx.view.submission_cost(group.priority_fee_gwei);
    let now = identities as f64 * expected_reward(ctx.view, ctx.me.id, e, group.lookback_epochs);
    if !worth_it(ctx, now, identities, total, info.pool_estimate) {
        return JobDecision::NotWorth;
    }
    start(ctx, e, end, seconds, cost)
}

/// Whether `reward` (the epoch alone, for `identities` registrations), or
/// with the streak each identity keeps, beats `total` by the margin. The
/// streak is valued only when the epoch alone does not pay and its bound
/// might.
fn worth_it(ctx: &ProverCtx<'_, '_>, reward: f64, identities: u32, total: f64, pool: f64) -> bool {
    let g = ctx.me.group;
    let pays = |r: f64| r - total >= g.min_margin * total;
    let n = identities as f64;
    pays(reward)
        || (pays(reward + n * streak_bound(g, pool))
            && pays(reward + n * streak_value(ctx.view, ctx.me.id, g, pool)))
}

/// Starts the job.
fn start(
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
    let view = ctx.view;
    if ctx.me.jobs_running >= ctx.me.group.max_jobs {
        return JobDecision::Busy;
    }
    let Some(info) = view.epoch_info(e) else {
        return JobDecision::Busy;
    };
    let Some((end, _)) = info.last_block else {
        return JobDecision::Busy;
    };
    if view.protocol.longest(e) >= info.live_blocks() {
        return JobDecision::NotWorth;
    }
    let group = ctx.me.group;
    let seconds = prefix_seconds(group, info.live_txs, info.live_blocks());
    if !lands_in_time(view, e, seconds) {
        return JobDecision::NotWorth;
    }
    let cost = prefix_cost(group, seconds);
    let total = cost + view.submission_cost(group.priority_fee_gwei);
    if !worth_it(ctx, info.pool_estimate, 1, total, info.pool_estimate) {
        return JobDecision::NotWorth;
    }
    start(ctx, e, end, seconds, cost)
}

/// Wakes the prover at the start of the next slot.
fn next_slot(ctx: &mut ProverCtx<'_, '_>) {
    let t = ctx.view.slot_time(ctx.view.slot + 1);
    ctx.actions.push(ProverAction::WakeAt(t));
}

/// Proves prefixes of the epoch being built, for fast finality, and extends
/// to the whole epoch only when it sees a longer proof than its own (to
/// join the split): otherwise its partial proof is the longest and is paid.
#[derive(Debug)]
pub struct Partial {
    params: PartialParams,
    held: Vec<Job>,
    /// The end of the longest prefix it has proven, per epoch.
    proven: Vec<(Epoch, BlockNumber)>,
    extended: BTreeSet<Epoch>,
    awake: bool,
}

impl Partial {
    /// A partial prover with these parameters.
    pub fn new(params: PartialParams) -> Partial {
        Partial {
            params,
            held: Vec::new(),
            proven: Vec::new(),
            extended: BTreeSet::new(),
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

    fn step(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let view = ctx.view;
        let ed = view.scenario.chain.epoch_duration;
        let every = self.params.prefix_every_slots.max(1);
        let c = view.epoch;
        let in_epoch = view.slot % ed;
        // A prefix of the epoch being built.
        if in_epoch > 0
            && in_epoch.is_multiple_of(every)
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
        // Someone proved the last epoch further than this prover: join them.
        if let Some(e) = c.checked_sub(1)
            && !self.extended.contains(&e)
            && let Some(first) = view.protocol.first_block_of(e)
            && first + view.protocol.longest(e) - 1 > self.mine(e)
            && self.mine(e) > 0
            && start_full_job(ctx, e, 1, 0.0) == JobDecision::Started
        {
            self.extended.insert(e);
            if let Some(info) = view.epoch_info(e)
                && let Some((end, _)) = info.last_block
            {
                self.proven.push((e, end));
            }
        }
        submit_ready(ctx, &mut self.held);
        self.proven.retain(|(e, _)| e + 2 >= c);
        self.extended.retain(|e| e + 2 >= c);
        next_slot(ctx);
    }
}

impl ProverStrategy for Partial {
    fn name(&self) -> &'static str {
        StrategyName::Partial.name()
    }

    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
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
}

/// Proves each epoch as the honest rule says, then holds the proof until
/// `hold_slots` before the window closes. As `supersede` it takes the share
/// of partial provers who had no time to answer; as `late` (on cheap, slow
/// hardware) it joins the split at the last moment.
#[derive(Debug)]
pub struct HoldBack {
    name: StrategyName,
    params: HoldParams,
    held: Vec<Job>,
    last_started: Option<Epoch>,
}

impl HoldBack {
    /// A strategy of this name (`supersede` or `late`).
    pub fn new(name: StrategyName, params: HoldParams) -> HoldBack {
        HoldBack {
            name,
            params,
            held: Vec::new(),
            last_started: None,
        }
    }
}

/// The slot from which a held proof of epoch `e` is sent: `hold_slots`
/// before its window closes.
fn release_slot(ctx: &ProverCtx<'_, '_>, e: Epoch, hold_slots: u64) -> u64 {
    ctx.view
        .window_close_slot(e)
        .saturating_sub(hold_slots.max(1))
}

impl ProverStrategy for HoldBack {
    fn name(&self) -> &'static str {
        self.name.name()
    }

    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let Some(e) = ctx.view.epoch.checked_sub(1) else {
            return;
        };
        if self.last_started != Some(e) && start_full_job(ctx, e, 1, 0.0) == JobDecision::Started {
            self.last_started = Some(e);
        }
    }

    fn on_job_done(&mut self, ctx: &mut ProverCtx<'_, '_>, job: Job) {
        let release = release_slot(ctx, job.epoch, self.params.hold_slots).max(ctx.view.slot);
        self.held.push(job);
        ctx.actions
            .push(ProverAction::WakeAt(ctx.view.slot_time(release)));
    }

    fn on_wake(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let slot = ctx.view.slot;
        let hold = self.params.hold_slots;
        let (mut due, later): (Vec<Job>, Vec<Job>) = self
            .held
            .drain(..)
            .partition(|j| release_slot(ctx, j.epoch, hold) <= slot);
        self.held = later;
        if submit_ready(ctx, &mut due) {
            next_slot(ctx);
        }
        self.held.extend(due);
    }
}

/// Proves nothing: copies every proof it sees in the L1 mempool into the
/// same L1 block with a higher priority fee, so that the copy lands first.
/// It pays only gas; it earns only if proofs do not bind their prover.
#[derive(Debug)]
pub struct Copy {
    params: CopyParams,
    copied: BTreeSet<(Epoch, BlockNumber)>,
}

impl Copy {
    /// A copier with these parameters.
    pub fn new(params: CopyParams) -> Copy {
        Copy {
            params,
            copied: BTreeSet::new(),
        }
    }
}

impl ProverStrategy for Copy {
    fn name(&self) -> &'static str {
        StrategyName::Copy.name()
    }
    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let e = ctx.view.epoch;
        self.copied.retain(|(x, _)| x + 2 >= e);
    }
    fn on_job_done(&mut self, _ctx: &mut ProverCtx<'_, '_>, _job: Job) {}
    fn on_wake(&mut self, _ctx: &mut ProverCtx<'_, '_>) {}
    fn watches_mempool(&self) -> bool {
        true
    }
    fn on_mempool(&mut self, ctx: &mut ProverCtx<'_, '_>, tx: &PendingProof) {
        if tx.sender == ctx.me.id || !self.copied.insert((tx.epoch, tx.end)) {
            return;
        }
        ctx.actions.push(ProverAction::Copy {
            of: tx.clone(),
            priority_fee_gwei: tx.priority_fee_gwei + self.params.copy_fee_bump_gwei,
        });
    }
}

/// One real proof per epoch, submitted under every identity the cartel
/// controls; each identity beyond the first costs `extra_identity_cost`.
#[derive(Debug)]
pub struct Sybil {
    params: SybilParams,
    held: Vec<Job>,
    last_started: Option<Epoch>,
}

impl Sybil {
    /// A sybil cartel with these parameters.
    pub fn new(params: SybilParams) -> Sybil {
        Sybil {
            params,
            held: Vec::new(),
            last_started: None,
        }
    }
}

impl ProverStrategy for Sybil {
    fn name(&self) -> &'static str {
        StrategyName::Sybil.name()
    }

    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let Some(e) = ctx.view.epoch.checked_sub(1) else {
            return;
        };
        let n = ctx.me.identities.len() as u32;
        let extra = (n.saturating_sub(1)) as f64 * self.params.extra_identity_cost;
        if self.last_started != Some(e) && start_full_job(ctx, e, n, extra) == JobDecision::Started
        {
            self.last_started = Some(e);
        }
    }

    fn on_job_done(&mut self, ctx: &mut ProverCtx<'_, '_>, job: Job) {
        self.held.push(job);
        self.on_wake(ctx);
    }

    fn identities(&self) -> u32 {
        self.params.identities.max(1)
    }

    fn on_wake(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let before = ctx.actions.len();
        let waiting = submit_ready(ctx, &mut self.held);
        // `submit_ready` queued one submission per ready job under this
        // prover's own identity; repeat each under every other identity.
        let ready: Vec<Job> = ctx.actions[before..]
            .iter()
            .filter_map(|a| match a {
                ProverAction::Submit { job, .. } => Some(job.clone()),
                _ => None,
            })
            .collect();
        for job in ready {
            for &id in &ctx.me.identities[1..] {
                ctx.actions.push(ProverAction::Submit {
                    job: job.clone(),
                    priority_fee_gwei: ctx.me.group.priority_fee_gwei,
                    credit: Some(id),
                });
            }
        }
        if waiting {
            next_slot(ctx);
        }
    }
}

/// A cartel that proves like an honest prover while the checkpoint reward
/// is at least its demand, and withholds every proof (forcing prunes) while
/// it is below.
#[derive(Debug)]
pub struct Strike {
    params: StrikeParams,
    inner: super::prover::Honest,
}

impl Strike {
    /// A striking cartel with these parameters.
    pub fn new(params: StrikeParams) -> Strike {
        Strike {
            params,
            inner: super::prover::Honest::default(),
        }
    }

    fn striking(&self, ctx: &ProverCtx<'_, '_>) -> bool {
        ctx.view.protocol.params().checkpoint_reward < self.params.demand_reward
    }
}

impl ProverStrategy for Strike {
    fn name(&self) -> &'static str {
        StrategyName::Strike.name()
    }

    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        if !self.striking(ctx) {
            self.inner.on_epoch_start(ctx);
        }
    }

    fn on_job_done(&mut self, ctx: &mut ProverCtx<'_, '_>, job: Job) {
        if !self.striking(ctx) {
            self.inner.on_job_done(ctx, job);
        }
    }

    fn on_wake(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        if !self.striking(ctx) {
            self.inner.on_wake(ctx);
        }
    }

    fn leaves_on_losses(&self) -> bool {
        false
    }
}

/// An identity a sybil cartel controls: it does nothing by itself.
#[derive(Debug, Default)]
pub struct Identity;

impl ProverStrategy for Identity {
    fn name(&self) -> &'static str {
        StrategyName::Sybil.name()
    }
    fn on_epoch_start(&mut self, _ctx: &mut ProverCtx<'_, '_>) {}
    fn on_job_done(&mut self, _ctx: &mut ProverCtx<'_, '_>, _job: Job) {}
    fn on_wake(&mut self, _ctx: &mut ProverCtx<'_, '_>) {}
    fn leaves_on_losses(&self) -> bool {
        false
    }
}
