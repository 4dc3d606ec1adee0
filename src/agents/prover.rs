//! Honest provers: prove each complete epoch when the expected reward beats
//! the expected cost, and submit as soon as the proof is done and can be
//! accepted.

use rand::RngExt;

use crate::protocol::{Epoch, ProverId, Slot};
use crate::scenario::{ProverGroup, StrategyName};

use super::{Job, ProverAction, ProverCtx, ProverStrategy, View};

/// The shares a prover would register with a bumping submission now.
pub fn shares_now(view: &View<'_>, me: ProverId) -> f64 {
    view.protocol
        .booster()
        .score(view.protocol.record(me), view.epoch, true)
        .map_or(1.0, |(s, _)| super::to_f64(s))
}

/// The competitors' summed shares, averaged over the last `lookback`
/// settled epochs (without `me`'s own), or `None` before any settled.
pub fn competitors_shares(view: &View<'_>, me: ProverId, lookback: u32) -> Option<f64> {
    let recent = view.market.last(lookback as usize);
    let n = recent.len();
    let total: f64 = recent
        .map(|s| {
            let mine = s.shares_by_id.get(me.0 as usize).copied().unwrap_or(0.0);
            s.summed_shares - mine
        })
        .sum();
    (n > 0).then(|| total / n as f64)
}

/// The reward a prover expects for proving the whole of epoch `e`: the
/// epoch's pool times its shares over its shares plus the competitors'
/// (estimated from the last `lookback` settled epochs; before any, every
/// active prover is assumed to compete with shares like its own).
pub fn expected_reward(view: &View<'_>, me: ProverId, e: Epoch, lookback: u32) -> f64 {
    let Some(info) = view.epoch_info(e) else {
        return 0.0;
    };
    let own = shares_now(view, me);
    let others = competitors_shares(view, me, lookback)
        .unwrap_or(own * view.active_provers.saturating_sub(1) as f64);
    info.pool_estimate * own / (own + others).max(f64::MIN_POSITIVE)
}

/// What a newcomer faces per epoch: the pool an epoch pays and its
/// competitors' summed shares. The pool is as recent epochs paid, or as
/// the last epoch's blocks would pay at today's rewards, whichever is more
/// (an epoch that nobody proved paid nothing, but would have). Competitors
/// are every active prover and every one already on its way in
/// (`entering`), each with the recent mean shares of a paid prover, or the
/// recent summed shares if those are more. `None` before any epoch settled.
pub fn newcomer_market(view: &View<'_>, lookback: u32, entering: u32) -> Option<(f64, f64)> {
    let nobody = ProverId(u32::MAX);
    let summed = competitors_shares(view, nobody, lookback)?;
    let recent: Vec<_> = view.market.last(lookback as usize).collect();
    let settled = recent.iter().map(|s| s.pool).sum::<f64>() / recent.len() as f64;
    let forward = view
        .epoch
        .checked_sub(1)
        .and_then(|e| view.epoch_info(e))
        .map_or(0.0, |i| i.pool_estimate);
    let pool = settled.max(forward);
    let paid = recent.iter().map(|s| s.paid as f64).sum::<f64>() / recent.len() as f64;
    let per_prover = if paid > 0.0 { summed / paid } else { 1.0 };
    let others = summed.max(per_prover * (view.active_provers + entering) as f64);
    Some((pool, others))
}

/// The value, over the prover's horizon, of the booster score it keeps by
/// proving (a bump) in the current epoch rather than missing it: the
/// discounted difference in its expected rewards along the two paths,
/// proving every later epoch in both, each epoch paying `pool` split with
/// its competitors' recent summed shares. Computed with the booster's own
/// functions; stops where the two paths meet.
pub fn streak_value(view: &View<'_>, me: ProverId, group: &ProverGroup, pool: f64) -> f64 {
    let booster = view.protocol.booster();
    let c = view.epoch;
    let record = view.protocol.record(me);
    let Ok((_, mut kept)) = booster.score(record, c, true) else {
        return 0.0;
    };
    let mut missed = record;
    if kept == missed {
        return 0.0;
    }
    let others = competitors_shares(view, me, group.lookback_epochs).unwrap_or(0.0);
    // The kept streak pays only while the prover stays up.
    let keep = (1.0 - group.discount_per_epoch) * group.uptime;
    let (mut weight, mut value) = (1.0, 0.0);
    for k in 1..=group.horizon_epochs as u64 {
        weight *= keep;
        let (Ok((a, next_kept)), Ok((b, next_missed))) = (
            booster.score(kept, c + k, true),
            booster.score(missed, c + k, true),
        ) else {
            break;
        };
        let (a, b) = (a as f64, b as f64);
        value += weight * pool * (a / (a + others) - b / (b + others));
        (kept, missed) = (next_kept, next_missed);
        if kept == missed {
            break;
        }
    }
    value
}

/// The most the streak can be worth: every epoch of the horizon paying the
/// whole pool, discounted (so that the costly projection is skipped where
/// even this would not pay).
pub fn streak_bound(group: &ProverGroup, pool: f64) -> f64 {
    let keep = 1.0 - group.discount_per_epoch;
    let n = group.horizon_epochs as i32;
    let sum = if group.discount_per_epoch > 0.0 {
        keep * (1.0 - keep.powi(n)) / group.discount_per_epoch
    } else {
        n as f64
    };
    pool.max(0.0) * sum
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
        });
        false
    });
    !held.is_empty()
}

/// The honest strategy: proves each complete epoch when its expected
/// reward plus the streak it keeps beats the cost and the proof can land in
/// time; if it skipped an epoch that is still unproven some slots into the
/// window, it looks again, as the fallback prover that would take the
/// whole pool.
#[derive(Debug, Default)]
pub struct Honest {
    held: Vec<Job>,
    last_started: Option<Epoch>,
    /// An epoch it skipped and the slot at which it looks again.
    fallback: Option<(Epoch, Slot)>,
}

impl Honest {
    fn retry_later(ctx: &mut ProverCtx<'_, '_>) {
        let slot_ms = ctx.view.scenario.chain.slot_duration * 1000;
        ctx.actions
            .push(ProverAction::WakeAt((ctx.view.slot + 1) * slot_ms));
    }

    /// Looks again at a skipped epoch, if its slot has come.
    fn fall_back(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let Some((e, at)) = self.fallback else {
            return;
        };
        if ctx.view.slot < at {
            return;
        }
        self.fallback = None;
        if self.last_started != Some(e)
            && super::strategic::start_fallback_job(ctx, e) == JobDecision::Started
        {
            self.last_started = Some(e);
        }
    }
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
    match super::strategic::start_full_job(ctx, e, 1, 0.0) {
        JobDecision::Started => {
            *last_started = Some(e);
            None
        }
        JobDecision::Down => None,
        JobDecision::NotWorth | JobDecision::Busy => Some(e),
    }
}

impl ProverStrategy for Honest {
    fn name(&self) -> &'static str {
        StrategyName::Honest.name()
    }

    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let Some(e) = prove_ended_epoch(ctx, &mut self.last_started) else {
            return;
        };
        let every = ctx.me.group.fallback_after_slots;
        if every > 0 {
            let at = ctx.view.slot + every + ctx.rng.random_range(0..every);
            if at < ctx.view.window_close_slot(e) {
                self.fallback = Some((e, at));
                ctx.actions
                    .push(ProverAction::WakeAt(ctx.view.slot_time(at)));
            }
        }
    }

    fn on_job_done(&mut self, ctx: &mut ProverCtx<'_, '_>, job: Job) {
        self.held.push(job);
        if submit_ready(ctx, &mut self.held) {
            Self::retry_later(ctx);
        }
    }

    fn on_wake(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        self.fall_back(ctx);
        if submit_ready(ctx, &mut self.held) {
            Self::retry_later(ctx);
        }
    }
}

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
