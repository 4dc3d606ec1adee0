//! Bridgers: market makers whose bridging transactions wait for proven
//! finality. When one of their transactions lands in a block, a bridger
//! proves the epoch prefix up to it if the value of the time saved beats
//! the proving cost; otherwise it waits for the provers.

use crate::protocol::{BlockNumber, Epoch};

use serde::{Deserialize, Serialize};

use crate::schema::domain::{needs, non_negative, real};

use super::jobs::submit_ready;
use super::kind::{Kind, Params, checked};
use super::{Job, ProverAction, ProverCtx, ProverStrategy};
use crate::cost::{prefix_cost, prefix_seconds};

/// The strategy's name in scenario files and outputs.
pub const NAME: &str = "bridger";

/// `bridger`'s own keys.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct BridgerParams {
    /// Bridging transactions per hour, per bridger.
    pub bridges_per_hour: f64,
    /// Value of one bridging transaction, tokens.
    pub bridge_value: f64,
    /// What waiting for finality costs per hour, as a part of the value
    /// (e.g. 0.01: 1% per hour).
    pub wait_cost_per_hour: f64,
}

impl Default for BridgerParams {
    fn default() -> Self {
        BridgerParams {
            bridges_per_hour: 1.0,
            bridge_value: 100_000.0,
            wait_cost_per_hour: 0.0005,
        }
    }
}

impl Params for BridgerParams {
    const KEYS: &'static [&'static str] =
        &["bridges_per_hour", "bridge_value", "wait_cost_per_hour"];
}

/// A market maker with bridging transactions: proves the prefix up to its
/// own transaction when waiting costs more than proving.
pub const KIND: super::StrategyKind = Kind::new::<BridgerParams>(
    NAME,
    &[
        needs(
            real(
                "provers[].bridges_per_hour",
                0.0,
                false,
                100_000.0,
                false,
                "per hour",
            ),
            "provers.0.strategy=bridger",
        ),
        needs(
            non_negative("provers[].bridge_value", "tokens"),
            "provers.0.strategy=bridger",
        ),
        needs(
            non_negative("provers[].wait_cost_per_hour", "tokens per hour"),
            "provers.0.strategy=bridger",
        ),
    ],
    |own| Box::new(Bridger::new(checked(own))),
);

/// Seconds from an epoch's end to its full proof assumed before any epoch
/// settled.
const DEFAULT_LATENCY_S: f64 = 600.0;

/// The bridger strategy.
#[derive(Debug)]
pub struct Bridger {
    params: BridgerParams,
    held: Vec<Job>,
    /// The furthest block it has started proving, per epoch.
    proving: Option<(Epoch, BlockNumber)>,
}

impl Bridger {
    /// A bridger with these parameters.
    pub fn new(params: BridgerParams) -> Bridger {
        Bridger {
            params,
            held: Vec::new(),
            proving: None,
        }
    }
}

/// Seconds until a block of epoch `e` is proven if the bridger waits for
/// the provers, and if it proves the prefix itself (`job_s` to prove).
pub fn finality_times(ctx: &ProverCtx<'_, '_>, e: Epoch, job_s: f64) -> (f64, f64) {
    let view = ctx.view;
    let recent: Vec<f64> = view
        .market
        .last(8)
        .filter_map(|s| s.full_latency_s)
        .collect();
    let latency = if recent.is_empty() {
        DEFAULT_LATENCY_S
    } else {
        recent.iter().sum::<f64>() / recent.len() as f64
    };
    let now = view.now as f64 / 1000.0;
    let ed = view.scenario.chain.epoch_duration;
    let epoch_end = view.slot_time((e + 1) * ed) as f64 / 1000.0;
    let wait = epoch_end + latency - now;
    // Its own proof needs the previous epoch proven first.
    let on_proven = view
        .protocol
        .first_block_of(e)
        .is_some_and(|f| f - 1 <= view.protocol.proven_tip());
    let previous = if on_proven {
        now
    } else {
        view.slot_time(e * ed) as f64 / 1000.0 + latency
    };
    let own = (now + job_s).max(previous) + view.scenario.l1.mean_inclusion_delay - now;
    (wait, own)
}

impl ProverStrategy for Bridger {
    fn name(&self) -> &'static str {
        NAME
    }

    fn on_epoch_start(&mut self, _ctx: &mut ProverCtx<'_, '_>) {}

    fn bridging_per_hour(&self) -> f64 {
        self.params.bridges_per_hour
    }

    fn leaves_on_losses(&self) -> bool {
        false
    }

    /// It proves for its own bridging only.
    fn takes_work(&self) -> bool {
        false
    }

    fn on_job_done(&mut self, ctx: &mut ProverCtx<'_, '_>, job: Job) {
        self.held.push(job);
        self.on_wake(ctx);
    }

    fn on_wake(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        if submit_ready(ctx, &mut self.held) {
            let t = ctx.view.slot_time(ctx.view.slot + 1);
            ctx.actions.push(ProverAction::WakeAt(t));
        }
    }

    fn on_bridge_included(
        &mut self,
        ctx: &mut ProverCtx<'_, '_>,
        epoch: Epoch,
        block: BlockNumber,
    ) {
        if self.proving.is_some_and(|(e, b)| e == epoch && b >= block)
            || ctx.me.jobs_running >= ctx.me.group.max_jobs
        {
            return;
        }
        let Some(info) = ctx.view.epoch_info(epoch) else {
            return;
        };
        let group = ctx.me.group;
        let seconds = prefix_seconds(group, info.live_txs, info.live_blocks());
        let cost = prefix_cost(group, seconds);
        let total = cost + ctx.view.submission_cost(group.priority_fee_gwei);
        let (wait_s, own_s) = finality_times(ctx, epoch, seconds);
        let saved_h = (wait_s - own_s).max(0.0) / 3600.0;
        let value = saved_h * self.params.wait_cost_per_hour * self.params.bridge_value;
        if value > total {
            self.proving = Some((epoch, block));
            ctx.actions.push(ProverAction::StartJob {
                epoch,
                end: block,
                seconds,
                cost,
            });
        }
    }
}
