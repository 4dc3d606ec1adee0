//! Honest provers: prove each complete epoch when the expected reward beats
//! the expected cost, and submit as soon as the proof is done and can be
//! accepted.

use rand::RngExt;

use crate::protocol::{Epoch, Slot};

use super::jobs::{
    JobDecision, prove_ended_epoch, start_fallback_job, start_streak_prefix, submit_ready,
};
use super::kind::{Kind, NoKeys};
use super::{Job, ProverAction, ProverCtx, ProverStrategy};

/// The strategy's name in scenario files and outputs.
pub const NAME: &str = "honest";

/// Proves an epoch when it expects a profit, submits as soon as done.
pub const KIND: super::StrategyKind =
    Kind::new::<NoKeys>(NAME, &[], |_| Box::new(Honest::default()));

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
        if self.last_started != Some(e) && start_fallback_job(ctx, e) == JobDecision::Started {
            self.last_started = Some(e);
        }
    }
}

impl ProverStrategy for Honest {
    fn name(&self) -> &'static str {
        NAME
    }

    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let Some(e) = prove_ended_epoch(ctx, &mut self.last_started) else {
            return;
        };
        // Short of compute for the whole epoch, it may keep its streak with
        // a shorter proof.
        if start_streak_prefix(ctx, e) == JobDecision::Started {
            self.last_started = Some(e);
        }
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
