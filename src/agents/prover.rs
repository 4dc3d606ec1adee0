//! Honest provers: prove each complete epoch when the expected reward beats
//! the expected cost, and submit as soon as the proof is done and can be
//! accepted.

use crate::protocol::{Epoch, ProverId};
use crate::scenario::StrategyName;

use super::{Job, ProverAction, ProverCtx, ProverStrategy, View};

/// The shares a prover would register with a bumping submission now.
fn shares_now(view: &View<'_>, me: ProverId) -> f64 {
    view.protocol
        .booster()
        .score(view.protocol.record(me), view.epoch, true)
        .map_or(1.0, |(s, _)| s as f64)
}

/// The competitors' summed shares, averaged over the last `lookback`
/// settled epochs (without `me`'s own), or `None` before any settled.
fn competitors_shares(view: &View<'_>, me: ProverId, lookback: u32) -> Option<f64> {
    let recent: Vec<_> = view.market.last(lookback as usize).collect();
    if recent.is_empty() {
        return None;
    }
    let total: f64 = recent
        .iter()
        .map(|s| {
            let mine = s
                .paid_provers
                .iter()
                .find(|(p, _)| *p == me)
                .map_or(0.0, |(_, sh)| *sh);
            s.summed_shares - mine
        })
        .sum();
    Some(total / recent.len() as f64)
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

/// The reward a newcomer expects per epoch: the recent mean pool times its
/// fresh shares over those plus its competitors'. Competitors are every
/// active prover and every one already on its way in (`entering`), each
/// with the recent mean shares of a paid prover, or the recent summed
/// shares if those are more. 0 before any epoch settled.
pub fn newcomer_reward(view: &View<'_>, lookback: u32, entering: u32) -> f64 {
    let nobody = ProverId(u32::MAX);
    let Some(summed) = competitors_shares(view, nobody, lookback) else {
        return 0.0;
    };
    let recent: Vec<_> = view.market.last(lookback as usize).collect();
    // The pool an epoch pays: as recent epochs paid, or as the last epoch's
    // blocks would pay at today's rewards, whichever is more (an epoch that
    // nobody proved paid nothing, but would have).
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
    let own = shares_now(view, nobody);
    pool * own / (own + others).max(f64::MIN_POSITIVE)
}

/// Holds finished proofs until they can be accepted, then submits them;
/// drops those whose window closed. Returns whether any is still held.
pub fn submit_ready(ctx: &mut ProverCtx<'_, '_>, held: &mut Vec<Job>) -> bool {
    let pse = ctx.view.scenario.chain.proof_submission_epochs;
    let mut keep = Vec::new();
    for job in held.drain(..) {
        if ctx.view.epoch > job.epoch + pse {
            continue;
        }
        if ctx.view.provable(job.epoch, job.end) {
            ctx.actions.push(ProverAction::Submit {
                job,
                priority_fee_gwei: ctx.me.group.priority_fee_gwei,
                credit: None,
            });
        } else {
            keep.push(job);
        }
    }
    *held = keep;
    !held.is_empty()
}

/// The honest strategy.
#[derive(Debug, Default)]
pub struct Honest {
    held: Vec<Job>,
    last_started: Option<Epoch>,
}

impl Honest {
    fn retry_later(ctx: &mut ProverCtx<'_, '_>) {
        let slot_ms = ctx.view.scenario.chain.slot_duration * 1000;
        ctx.actions
            .push(ProverAction::WakeAt((ctx.view.slot + 1) * slot_ms));
    }
}

impl ProverStrategy for Honest {
    fn name(&self) -> &'static str {
        StrategyName::Honest.name()
    }

    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let Some(e) = ctx.view.epoch.checked_sub(1) else {
            return;
        };
        if self.last_started != Some(e) && super::strategic::start_full_job(ctx, e, 1, 0.0) {
            self.last_started = Some(e);
        }
    }

    fn on_job_done(&mut self, ctx: &mut ProverCtx<'_, '_>, job: Job) {
        self.held.push(job);
        if submit_ready(ctx, &mut self.held) {
            Self::retry_later(ctx);
        }
    }

    fn on_wake(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        if submit_ready(ctx, &mut self.held) {
            Self::retry_later(ctx);
        }
    }
}
