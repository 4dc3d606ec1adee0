//! Snipers (docs/model.md section 7): provers that choose, each epoch,
//! between honest play and a timed submission, by expected value.
//! `supersede` holds its full proof back until its rivals have no time left
//! to answer it; `late` waits until the last start that still lands and
//! joins the split knowing who proved.

use std::collections::{BTreeMap, VecDeque};

use crate::base::time::Time;
use crate::protocol::{Epoch, ProverId, Slot};

use super::honest::Honest;
use super::jobs::{
    JobDecision, is_mine, landing_seconds, plan_whole, prove_ended_epoch, start, submit_ready,
    worth_it,
};
use super::kind::{Kind, NoKeys};
use super::valuation::{share_with, shares_now};
use super::{Job, PendingProof, ProverAction, ProverCtx, ProverStrategy, View};
use crate::cost::prefix_seconds;

/// The sniping strategy's name in scenario files and outputs.
pub const SUPERSEDE_NAME: &str = "supersede";

/// The late joiner's name in scenario files and outputs.
pub const LATE_NAME: &str = "late";

/// Chooses each epoch between honest play and the snipe: holding its full
/// proof back until partial provers have no time left to answer, so that
/// it supersedes them and takes their share.
pub const SUPERSEDE: super::StrategyKind =
    Kind::new::<NoKeys>(SUPERSEDE_NAME, &[], |_| Box::new(Supersede::default()));

/// Cheap, slow hardware: plays honest when that pays, otherwise waits until
/// the last start that still lands and joins the split then, knowing who
/// proved.
pub const LATE: super::StrategyKind =
    Kind::new::<NoKeys>(LATE_NAME, &[], |_| Box::new(Late::default()));

/// Epochs a sniper remembers what its rivals did in.
const MEMORY: usize = 16;

/// Appends `x`, forgetting the oldest entry beyond [`MEMORY`].
fn remember<T>(q: &mut VecDeque<T>, x: T) {
    if q.len() == MEMORY {
        q.pop_front();
    }
    q.push_back(x);
}

/// The chance that an L1 transaction sent `lead_s` seconds before a
/// deadline lands after it: the inclusion delay (a minimum plus an
/// exponential part) and the L1 block it waits for.
pub fn miss_chance(view: &View<'_>, lead_s: f64) -> f64 {
    let l1 = &view.scenario.l1;
    let slack = lead_s - l1.min_inclusion_delay - l1.block_time as f64;
    if slack <= 0.0 {
        return 1.0;
    }
    let extra = l1.mean_inclusion_delay - l1.min_inclusion_delay;
    if extra <= 0.0 {
        0.0
    } else {
        (-slack / extra).exp()
    }
}

/// Proves each epoch as the honest rule says; when the proof is done it
/// weighs submitting at once (the pool split with every rival who will
/// prove the whole epoch: `shared`) against holding it until `lead` before
/// the window closes, where `lead` is the fastest time it has seen a rival
/// take to prove a whole epoch (or its own proving time): a rival who first
/// sees the held proof then cannot answer in time. Held, it takes the whole
/// pool unless a rival proves the whole epoch by itself (chance `p_full`,
/// from the epochs it watched), and it misses the window with the L1's
/// chance of landing late (`p_miss`):
/// `snipe = (1 - p_miss) * ((1 - p_full) * pool + p_full * shared)`.
/// It holds only when `snipe > shared`, and submits at once when a rival's
/// whole-epoch proof appears while it holds (it then joins the split).
#[derive(Debug, Default)]
pub struct Supersede {
    honest: Honest,
    /// Held proofs, with the slot each is released at.
    held: Vec<(Job, Slot)>,
    /// Recent epochs and when a rival's proof of the whole of each first
    /// appeared in the mempool (ms), if it did.
    seen: VecDeque<(Epoch, Option<Time>)>,
    /// Recent seconds a rival took to a whole-epoch proof: from the
    /// epoch's end, or from its own proof's appearance when the rival
    /// answered it.
    lags: VecDeque<f64>,
    /// When it sent its own whole-epoch proofs at once, by epoch.
    sent: VecDeque<(Epoch, Time)>,
    /// Rivals seen submitting, with the last epoch each proved.
    rivals: BTreeMap<ProverId, Epoch>,
}

impl Supersede {
    fn seen_full(&self, e: Epoch) -> bool {
        self.seen.iter().any(|&(x, t)| x == e && t.is_some())
    }

    /// The chance a rival proves the whole epoch by itself, before a
    /// release `lead_s` seconds before the window closes: the share of
    /// watched epochs (window closed) where one did, with one success and
    /// one failure added (so that a few epochs do not make it certain).
    fn p_full(&self, view: &View<'_>, lead_s: f64) -> f64 {
        let (mut hits, mut n) = (1.0, 2.0);
        for &(e, t) in &self.seen {
            if view.window_close_slot(e) > view.slot {
                continue;
            }
            let release = view.slot_time(view.window_close_slot(e)) as f64 - lead_s * 1000.0;
            n += 1.0;
            if t.is_some_and(|t| (t as f64) < release) {
                hits += 1.0;
            }
        }
        hits / n
    }

    /// The slot to release a finished proof of the whole of `job.epoch`
    /// at, if holding it pays.
    fn snipe_release(&self, ctx: &ProverCtx<'_, '_>, job: &Job) -> Option<Slot> {
        let view = ctx.view;
        let e = job.epoch;
        let info = view.epoch_info(e)?;
        if info.last_block.map(|b| b.0) != Some(job.end) || self.seen_full(e) {
            return None;
        }
        let own_s = (view.now - job.started) as f64 / 1000.0;
        let react = self.lags.iter().copied().fold(own_s, f64::min);
        let slot_s = view.scenario.chain.slot_duration as f64;
        let lead_slots = (react / slot_s).floor() as u64;
        let close = view.window_close_slot(e);
        let release = close.checked_sub(lead_slots)?;
        if lead_slots == 0 || release <= view.slot {
            return None;
        }
        let lead_s = lead_slots as f64 * slot_s;
        let others: f64 = self
            .rivals
            .iter()
            .filter(|&(_, &last)| last + 2 >= e)
            .map(|(&p, _)| shares_now(view, p))
            .sum();
        let pool = info.pool_estimate;
        let shared = pool * share_with(ctx, others);
        let p_full = self.p_full(view, lead_s);
        let snipe = (1.0 - miss_chance(view, lead_s)) * ((1.0 - p_full) * pool + p_full * shared);
        (snipe > shared).then_some(release)
    }

    /// Submits held proofs that are due, or whose epoch a rival's
    /// whole-epoch proof has reached.
    fn release_due(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let slot = ctx.view.slot;
        let (due, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.held)
            .into_iter()
            .partition(|(j, at)| *at <= slot || self.seen_full(j.epoch));
        self.held = later;
        let mut due: Vec<Job> = due.into_iter().map(|(j, _)| j).collect();
        if submit_ready(ctx, &mut due) {
            let next = ctx.view.slot_time(slot + 1);
            ctx.actions.push(ProverAction::WakeAt(next));
            // Not provable yet: try again next slot.
            self.held.extend(due.into_iter().map(|j| (j, slot)));
        }
    }
}

impl ProverStrategy for Supersede {
    fn name(&self) -> &'static str {
        SUPERSEDE_NAME
    }

    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        if let Some(e) = ctx.view.epoch.checked_sub(1) {
            remember(&mut self.seen, (e, None));
            self.rivals.retain(|_, last| *last + MEMORY as u64 >= e);
        }
        self.honest.on_epoch_start(ctx);
    }

    fn on_job_done(&mut self, ctx: &mut ProverCtx<'_, '_>, job: Job) {
        match self.snipe_release(ctx, &job) {
            Some(release) => {
                ctx.actions
                    .push(ProverAction::WakeAt(ctx.view.slot_time(release)));
                self.held.push((job, release));
            }
            None => {
                remember(&mut self.sent, (job.epoch, ctx.view.now));
                self.honest.on_job_done(ctx, job);
            }
        }
    }

    fn on_wake(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        self.release_due(ctx);
        self.honest.on_wake(ctx);
    }

    fn watches_mempool(&self) -> bool {
        true
    }

    fn on_mempool(&mut self, ctx: &mut ProverCtx<'_, '_>, tx: &PendingProof) {
        if is_mine(ctx, tx.credited) {
            return;
        }
        let view = ctx.view;
        self.rivals.insert(tx.credited, tx.epoch);
        let full = view
            .epoch_info(tx.epoch)
            .and_then(|i| i.last_block)
            .is_some_and(|(n, _)| n == tx.end)
            && tx.epoch < view.epoch;
        if !full {
            return;
        }
        // A rival's proof after its own may answer it: that measures how
        // fast rivals answer, not whether they prove by themselves.
        let answered = self.sent.iter().find(|(e, _)| *e == tx.epoch).map(|s| s.1);
        if let Some(entry) = self.seen.iter_mut().find(|(e, _)| *e == tx.epoch)
            && entry.1.is_none()
        {
            let end = view.slot_time((tx.epoch + 1) * view.scenario.chain.epoch_duration);
            if answered.is_none() {
                entry.1 = Some(view.now);
            }
            let from = answered.unwrap_or(end);
            remember(
                &mut self.lags,
                view.now.saturating_sub(from) as f64 / 1000.0,
            );
        }
        if self.held.iter().any(|(j, _)| j.epoch == tx.epoch) {
            self.release_due(ctx);
        }
    }
}

/// Cheap, slow hardware. Each epoch it plays honest when the honest rule
/// says proving pays; otherwise it waits until the last slot from which
/// its proof still lands, and then proves if joining the proof that is
/// there pays: the pool split with the shares already registered at full
/// length (known exactly by then), or the whole pool if nobody proved the
/// whole epoch.
#[derive(Debug, Default)]
pub struct Late {
    last_started: Option<Epoch>,
    /// An epoch it looks at again late, and the slot it does.
    waiting: Option<(Epoch, Slot)>,
    held: Vec<Job>,
}

impl Late {
    /// The last slot from which a proof of epoch `e` started then lands
    /// before its window closes, if it is still ahead.
    fn last_start(ctx: &ProverCtx<'_, '_>, e: Epoch) -> Option<Slot> {
        let view = ctx.view;
        let info = view.epoch_info(e)?;
        let seconds = prefix_seconds(ctx.me.group, info.live_txs, info.live_blocks());
        let slot_s = view.scenario.chain.slot_duration as f64;
        // One slot of margin for the L1's spread around its mean.
        let need = (landing_seconds(view, seconds) / slot_s).ceil() as u64 + 1;
        let at = view.window_close_slot(e).checked_sub(need)?;
        (at > view.slot).then_some(at)
    }

    /// Joins epoch `e` now if the split as it stands pays.
    fn join(&mut self, ctx: &mut ProverCtx<'_, '_>, e: Epoch) {
        let Ok(p) = plan_whole(ctx, e) else {
            return;
        };
        let (longest, summed) = ctx.view.protocol.leaders(e);
        let others = if longest >= p.live_blocks {
            summed as f64
        } else {
            0.0
        };
        let reward = p.pool * share_with(ctx, others);
        if worth_it(ctx, reward, 1, p.total, p.pool)
            && start(ctx, e, p.end, p.seconds, p.cost) == JobDecision::Started
        {
            self.last_started = Some(e);
        }
    }
}

impl ProverStrategy for Late {
    fn name(&self) -> &'static str {
        LATE_NAME
    }

    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        if let Some(e) = prove_ended_epoch(ctx, &mut self.last_started)
            && let Some(at) = Self::last_start(ctx, e)
        {
            self.waiting = Some((e, at));
            ctx.actions
                .push(ProverAction::WakeAt(ctx.view.slot_time(at)));
        }
    }

    fn on_job_done(&mut self, ctx: &mut ProverCtx<'_, '_>, job: Job) {
        self.held.push(job);
        if submit_ready(ctx, &mut self.held) {
            let next = ctx.view.slot_time(ctx.view.slot + 1);
            ctx.actions.push(ProverAction::WakeAt(next));
        }
    }

    fn on_wake(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        if let Some((e, at)) = self.waiting
            && ctx.view.slot >= at
        {
            self.waiting = None;
            self.join(ctx, e);
        }
        if submit_ready(ctx, &mut self.held) {
            let next = ctx.view.slot_time(ctx.view.slot + 1);
            ctx.actions.push(ProverAction::WakeAt(next));
        }
    }
}
