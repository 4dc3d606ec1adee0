//! Partial (fast-finality) provers.

use std::collections::BTreeSet;

use rand::RngExt;

use crate::protocol::{BlockNumber, Epoch};

use serde::{Deserialize, Serialize};

use crate::schema::domain::{int, needs};

use super::jobs::{JobDecision, defend, next_slot, plan_whole, start, submit_ready};
use super::kind::{Kind, Params, checked};
use super::valuation::expected_reward;
use super::{Job, PendingProof, ProverAction, ProverCtx, ProverStrategy};
use crate::cost::{prefix_cost, prefix_seconds};

/// The strategy's name in scenario files and outputs.
pub const NAME: &str = "partial";

/// `partial`'s own keys.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PartialParams {
    /// Slots between prefix proofs while the epoch is built.
    pub prefix_every_slots: u64,
}

impl Default for PartialParams {
    fn default() -> Self {
        PartialParams {
            prefix_every_slots: 8,
        }
    }
}

impl Params for PartialParams {
    const KEYS: &'static [&'static str] = &["prefix_every_slots"];
}

/// Proves growing prefixes of the epoch while it is built (fast finality),
/// then the whole epoch once it ends.
pub const KIND: super::StrategyKind = Kind::new::<PartialParams>(
    NAME,
    &[needs(
        int("provers[].prefix_every_slots", 1, 100_000, "slots"),
        "provers.0.strategy=partial",
    )],
    |own| Box::new(Partial::new(checked(own))),
);

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
    /// Epochs it is down for (each drawn at the epoch's start): it proves
    /// nothing of them, prefix, completion or defence.
    down: BTreeSet<Epoch>,
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
            down: BTreeSet::new(),
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
        if self.down.contains(&e) {
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
        if !self.down.contains(&e)
            && !self.completed.contains(&e)
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
            && !self.down.contains(&c)
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
        self.down.retain(|e| e + 2 >= c);
        next_slot(ctx);
    }
}

impl ProverStrategy for Partial {
    fn name(&self) -> &'static str {
        NAME
    }

    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        // Down for the epoch now being built (drawn whatever the uptime).
        if ctx.rng.random::<f64>() >= ctx.me.group.uptime {
            self.down.insert(ctx.view.epoch);
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
