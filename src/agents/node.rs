//! The deployed prover node (docs/model.md section 13): the rollup's own
//! prover-node software as released for the v4 contracts, with the v5
//! release's optimistic proving as an option. It proves every whole epoch
//! in order, as soon as it ends, and submits its proof even when another
//! prover already proved the epoch; it never looks at rewards, costs or
//! rivals. Whether to run it at all is its operator's decision (the
//! market's entry and exit rule); each epoch's proving is this fixed policy.

use rand::RngExt;
use serde::{Deserialize, Serialize};

use crate::base::numeric::round;
use crate::cost::{prefix_cost, prefix_seconds};
use crate::protocol::{BlockNumber, Epoch};
use crate::schema::domain::{int, needs, non_negative, positive, real};

use super::jobs::JobDecision;
use super::kind::{Kind, Params, checked};
use super::l1_fees::percentile;
use super::{Bidding, Job, ProverAction, ProverCtx, ProverStrategy, View};

/// The strategy's name in scenario files and outputs.
pub const NAME: &str = "node";

/// `node`'s own keys: the node's configuration.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct NodeParams {
    /// Node identities its operator runs: each proves with its own prover
    /// id, booster record and hardware; the operator is their one owner.
    pub identities: u32,
    /// The most identities its operator runs: while it runs fewer, it adds
    /// one when the extra identity's expected share pays its gas and
    /// hardware (the market's entry rule, with the operator's own costs).
    /// At most `identities` (the default), it runs a fixed count.
    pub max_identities: u32,
    /// Whether the operator sends its identities' proofs of an epoch in one
    /// L1 transaction (each proof after the first then uses
    /// `l1.bundled_proof_gas`).
    pub bundle: bool,
    /// Jobs the node runs at once; at the limit it retries a second later.
    pub max_pending_jobs: u32,
    /// The v5 release: block-level proving runs while the epoch is open,
    /// so that after it ends only the epoch's top tree remains.
    pub optimistic: bool,
    /// Optimistic: seconds to prove the epoch's top tree once it ends.
    pub top_tree_seconds: f64,
    /// The priority fee it bids, as a multiple of the larger of the going
    /// one and the `tip_percentile` of recent blocks' tips.
    pub tip_multiplier: f64,
    /// The percentile of recent blocks' tips it bids from (0 to 100).
    pub tip_percentile: f64,
    /// The recent L1 blocks whose tips it reads.
    pub tip_history_blocks: u32,
    /// Seconds a transaction waits for inclusion before it is replaced
    /// with a higher tip (under `[l1.tips]`).
    pub replace_after_s: f64,
    /// What each replacement multiplies the tip by.
    pub tip_bump: f64,
    /// The most replacements of one transaction.
    pub max_replacements: u32,
    /// Seconds after sending at which it cancels a transaction still
    /// waiting, paying the cancellation's gas (the optimistic node waits
    /// until the proof's deadline instead).
    pub give_up_s: f64,
    /// The highest fee cap it signs, gwei per gas.
    pub max_fee_gwei: f64,
}

impl Default for NodeParams {
    fn default() -> Self {
        NodeParams {
            identities: 1,
            max_identities: 1,
            bundle: false,
            max_pending_jobs: 10,
            optimistic: false,
            top_tree_seconds: 60.0,
            tip_multiplier: 1.2,
            tip_percentile: 75.0,
            tip_history_blocks: 5,
            replace_after_s: 12.0,
            tip_bump: 1.5,
            max_replacements: 3,
            give_up_s: 120.0,
            max_fee_gwei: 2_000.0,
        }
    }
}

impl Params for NodeParams {
    const KEYS: &'static [&'static str] = &[
        "identities",
        "max_identities",
        "bundle",
        "max_pending_jobs",
        "optimistic",
        "top_tree_seconds",
        "tip_multiplier",
        "tip_percentile",
        "tip_history_blocks",
        "replace_after_s",
        "tip_bump",
        "max_replacements",
        "give_up_s",
        "max_fee_gwei",
    ];
}

/// The deployed prover node: proves every whole epoch in order and submits
/// whatever rivals did.
pub const KIND: super::StrategyKind = Kind::new::<NodeParams>(
    NAME,
    &[
        needs(
            int("provers[].identities", 1, 1_000, "identities"),
            "provers.0.strategy=node",
        ),
        needs(
            int("provers[].max_identities", 1, 1_000, "identities"),
            "provers.0.strategy=node",
        ),
        needs(
            int("provers[].max_pending_jobs", 1, 1_000, "jobs"),
            "provers.0.strategy=node",
        ),
        needs(
            non_negative("provers[].top_tree_seconds", "seconds"),
            "provers.0.strategy=node",
        ),
        needs(
            real(
                "provers[].tip_multiplier",
                1.0,
                false,
                100.0,
                false,
                "(times the going tip)",
            ),
            "provers.0.strategy=node",
        ),
        needs(
            real(
                "provers[].tip_percentile",
                0.0,
                false,
                100.0,
                false,
                "(a percentile)",
            ),
            "provers.0.strategy=node",
        ),
        needs(
            int("provers[].tip_history_blocks", 1, 1_024, "L1 blocks"),
            "provers.0.strategy=node",
        ),
        needs(
            real(
                "provers[].replace_after_s",
                0.0,
                true,
                86_400.0,
                false,
                "seconds",
            ),
            "provers.0.strategy=node",
        ),
        needs(
            real(
                "provers[].tip_bump",
                1.0,
                false,
                100.0,
                false,
                "(times the last tip)",
            ),
            "provers.0.strategy=node",
        ),
        needs(
            int("provers[].max_replacements", 0, 100, "replacements"),
            "provers.0.strategy=node",
        ),
        needs(
            real("provers[].give_up_s", 0.0, true, 86_400.0, false, "seconds"),
            "provers.0.strategy=node",
        ),
        needs(
            positive("provers[].max_fee_gwei", "gwei"),
            "provers.0.strategy=node",
        ),
    ],
    |own| Box::new(Node::new(checked(own))),
);

/// The prover node.
#[derive(Debug)]
pub struct Node {
    params: NodeParams,
    /// The epoch it last acted on (started, or was down for): it acts once
    /// per epoch.
    acted: Option<Epoch>,
    /// Finished proofs waiting for the chain to accept them.
    held: Vec<Job>,
    /// The slot it has asked to be woken at to look at the chain again.
    polls: Option<u64>,
}

impl Node {
    /// A node with this configuration.
    pub fn new(params: NodeParams) -> Node {
        Node {
            params,
            acted: None,
            held: Vec::new(),
            polls: None,
        }
    }

    /// The epoch of the first unproven block, if it has ended: what the
    /// node proves next (it never proves an epoch before the one before it
    /// is proven).
    fn target(view: &View<'_>) -> Option<Epoch> {
        let block = view.protocol.block(view.protocol.proven_tip() + 1)?;
        (block.epoch < view.epoch).then_some(block.epoch)
    }

    /// The first slot at which a proof of `e` can no longer land: the start
    /// of epoch `e + W + 1`.
    fn deadline(view: &View<'_>, e: Epoch) -> crate::base::time::Time {
        view.slot_time(view.window_close_slot(e))
    }

    /// Starts the proof of the target epoch if it has not acted on it yet.
    fn act(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let Some(e) = Self::target(ctx.view) else {
            return;
        };
        if self.acted == Some(e) {
            // Waiting for the chain to prove it (its own proof on its way,
            // or another's, if it was down): it follows the chain slot by
            // slot.
            let next = ctx.view.slot + 1;
            if ctx.me.jobs_running == 0 && self.held.is_empty() && self.polls != Some(next) {
                self.polls = Some(next);
                ctx.actions
                    .push(ProverAction::WakeAt(ctx.view.slot_time(next)));
            }
            return;
        }
        if ctx.me.jobs_running >= self.params.max_pending_jobs {
            retry_in(ctx, 1_000);
            return;
        }
        let Some((end, txs, blocks)) = whole_epoch(ctx.view, e) else {
            return;
        };
        self.acted = Some(e);
        // Down for this epoch (drawn whatever the uptime).
        if ctx.rng.random::<f64>() >= ctx.me.group.uptime {
            return;
        }
        let group = ctx.me.group;
        let whole = prefix_seconds(group, txs, blocks);
        let seconds = if self.params.optimistic {
            // The blocks were proven while the epoch was built: the top
            // tree remains, or what the blocks' proving has not caught up
            // with in the epoch's time.
            let epoch_s = (ctx.view.scenario.chain.epoch_duration
                * ctx.view.scenario.chain.slot_duration) as f64;
            self.params.top_tree_seconds.max(whole - epoch_s)
        } else {
            whole
        };
        // A job still running at the deadline is stopped: the hardware is
        // paid until then.
        let left_s = (Self::deadline(ctx.view, e) as f64 - ctx.view.now as f64) / 1000.0;
        let cost = prefix_cost(group, whole.min(left_s.max(0.0) + whole - seconds));
        ctx.actions.push(ProverAction::StartJob {
            epoch: e,
            end,
            seconds,
            cost,
        });
    }

    /// The priority fee it bids, gwei per gas: the larger of the going
    /// fee and the percentile of recent blocks' tips, times its multiplier.
    fn tip(&self, view: &View<'_>) -> f64 {
        let mut recent = view.recent_tips(self.params.tip_history_blocks as u64);
        let read = percentile(&mut recent, self.params.tip_percentile).unwrap_or(0.0);
        view.going_priority_gwei.max(read) * self.params.tip_multiplier
    }

    /// Sends each held proof that the chain can take now; drops one that
    /// can no longer land or would revert.
    fn submit(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let view = ctx.view;
        let optimistic = self.params.optimistic;
        let tip = self.tip(view);
        let give_up_after = round(self.params.give_up_s * 1000.0) as u64;
        let mut wait = false;
        self.held.retain(|&job| {
            if view.now >= Self::deadline(view, job.epoch) {
                return false;
            }
            // Its last block pruned (or replaced): the proof proves nothing.
            let Some(block) = view.protocol.block(job.end) else {
                return false;
            };
            if block.input.slot != job.end_slot {
                return false;
            }
            // Already past the epoch on L1: the v4 node drops its proof; the
            // optimistic one submits it all the same.
            if !optimistic && view.protocol.proven_tip() >= job.end {
                return false;
            }
            let first = view.protocol.first_block_of(job.epoch).unwrap_or(job.end);
            let length = job.end + 1 - first;
            if view.protocol.registered(job.epoch, length, ctx.me.id) {
                return false;
            }
            if !view.provable(job.epoch, job.end) {
                wait = true;
                return true;
            }
            // The optimistic node waits for inclusion until the deadline.
            let give_up_at = if optimistic {
                Self::deadline(view, job.epoch)
            } else {
                view.now.saturating_add(give_up_after)
            };
            ctx.actions.push(ProverAction::Submit {
                job,
                priority_fee_gwei: tip,
                credit: None,
                bidding: Some(Bidding {
                    replace_after_ms: round(self.params.replace_after_s * 1000.0) as u64,
                    bump: self.params.tip_bump,
                    max_replacements: self.params.max_replacements,
                    give_up_at,
                    max_fee_gwei: self.params.max_fee_gwei,
                }),
            });
            false
        });
        if wait {
            retry_in(ctx, 1_000);
        }
    }
}

/// Asks to be woken `ms` milliseconds from now.
fn retry_in(ctx: &mut ProverCtx<'_, '_>, ms: u64) {
    ctx.actions
        .push(ProverAction::WakeAt(ctx.view.now.saturating_add(ms)));
}

/// The last block of epoch `e` on the chain, with the epoch's live
/// transactions and blocks.
fn whole_epoch(view: &View<'_>, e: Epoch) -> Option<(BlockNumber, u64, u64)> {
    let info = view.epoch_info(e)?;
    let (end, _) = info.last_block?;
    Some((end, info.live_txs, info.live_blocks()))
}

impl ProverStrategy for Node {
    fn name(&self) -> &'static str {
        NAME
    }

    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        self.act(ctx);
    }

    fn on_job_done(&mut self, ctx: &mut ProverCtx<'_, '_>, job: Job) {
        self.held.push(job);
        self.submit(ctx);
        // The next epoch may be waiting for this one to be proven.
        self.act(ctx);
    }

    fn on_wake(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        self.submit(ctx);
        self.act(ctx);
    }

    fn on_landed(&mut self, ctx: &mut ProverCtx<'_, '_>, _landed: &super::Landed) {
        // Its epoch may now be proven: the next one is its target.
        self.act(ctx);
    }

    fn watches_landings(&self) -> bool {
        true
    }

    /// The node proves whole epochs in order: a won epoch is its next.
    fn on_auction_won(&mut self, ctx: &mut ProverCtx<'_, '_>, _e: Epoch) -> JobDecision {
        self.act(ctx);
        JobDecision::Started
    }

    fn on_fallback(&mut self, ctx: &mut ProverCtx<'_, '_>, _e: Epoch) {
        self.act(ctx);
    }

    fn identities(&self) -> u32 {
        self.params.identities.max(1)
    }

    fn max_identities(&self) -> u32 {
        self.params.max_identities.max(self.identities())
    }

    fn bundles(&self) -> bool {
        self.params.bundle
    }

    fn extra_identity(&self) -> Box<dyn ProverStrategy> {
        Box::new(Node::new(self.params))
    }
}
