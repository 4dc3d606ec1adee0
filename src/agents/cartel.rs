//! Cartels (docs/model.md section 7): provers under one owner. A `sybil`
//! cartel submits one real proof under many identities; a `strike` cartel
//! withholds its proofs to force prunes while striking pays more than
//! proving.

use crate::protocol::Epoch;

use serde::{Deserialize, Serialize};

use crate::protocol::Amount;
use crate::schema::domain::{int, needs, non_negative};

use super::honest::Honest;
use super::jobs::{JobDecision, next_slot, start_full_job, submit_ready};
use super::kind::{Kind, Params, checked};
use super::valuation::expected_reward;
use super::{Job, ProverAction, ProverCtx, ProverStrategy};
use crate::cost::{prefix_cost, prefix_seconds};

/// The sybil strategy's name in scenario files and outputs.
pub const SYBIL_NAME: &str = "sybil";

/// The striking cartel's name in scenario files and outputs.
pub const STRIKE_NAME: &str = "strike";

/// `sybil`'s own keys.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SybilParams {
    /// Identities the one proof is submitted under.
    pub identities: u32,
    /// Cost per epoch of each identity beyond the first, tokens.
    pub extra_identity_cost: f64,
}

impl Default for SybilParams {
    fn default() -> Self {
        SybilParams {
            identities: 1,
            extra_identity_cost: 1.0,
        }
    }
}

impl Params for SybilParams {
    const KEYS: &'static [&'static str] = &["identities", "extra_identity_cost"];
}

/// One real proof submitted under `identities` identities.
pub const SYBIL: super::StrategyKind = Kind::new::<SybilParams>(
    SYBIL_NAME,
    &[
        needs(
            int("provers[].identities", 1, 1_000, "identities"),
            "provers.0.strategy=sybil",
        ),
        needs(
            non_negative("provers[].extra_identity_cost", "tokens"),
            "provers.0.strategy=sybil",
        ),
    ],
    |own| Box::new(Sybil::new(checked(own))),
);

/// `strike`'s own keys.
#[derive(Copy, Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct StrikeParams {
    /// The checkpoint reward (smallest units per block) the cartel demands
    /// before it proves again.
    #[serde(with = "crate::base::amount")]
    #[schemars(with = "crate::base::amount::Schema")]
    pub demand_reward: Amount,
}

impl Params for StrikeParams {
    const KEYS: &'static [&'static str] = &["demand_reward"];
}

/// A cartel that publishes a demand for `demand_reward` and withholds its
/// proofs while striking pays more than proving: it weighs the rewards it
/// forgoes against the rise it hopes for.
pub const STRIKE: super::StrategyKind =
    Kind::new::<StrikeParams>(STRIKE_NAME, &[], |own| Box::new(Strike::new(checked(own))));

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
        SYBIL_NAME
    }

    fn one_owner(&self) -> bool {
        true
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
                ProverAction::Submit { job, .. } => Some(*job),
                _ => None,
            })
            .collect();
        for job in ready {
            for &id in &ctx.me.identities[1..] {
                ctx.actions.push(ProverAction::Submit {
                    job,
                    priority_fee_gwei: ctx.me.group.priority_fee_gwei,
                    credit: Some(id),
                    bidding: None,
                });
            }
        }
        if waiting {
            next_slot(ctx);
        }
    }
}

/// A striking cartel. Its owner decides for the cartel each epoch and
/// publishes its demand (`demand_reward`) while it strikes; every member
/// withholds its proofs while its cartel's demand is published and proves
/// as an honest prover otherwise.
///
/// The owner strikes while the value of striking over its horizon beats
/// proving: each governance round that closes passes the rise with chance
/// `q`; until one does it forgoes its net reward per epoch (`net`, its
/// expected reward less the cost of a proof), and from the execution delay
/// after the pass it earns `net * (demand / reward - 1)` more per epoch.
/// `q` comes from what it saw: of the epochs that settled while it struck,
/// the share nobody proved (one of each added), halved for each governance
/// round that closed without the rise passing. Outsiders who enter and
/// prove break the strike: `q` falls and the cartel proves again. A rise
/// that passed executes whatever the cartel does, so it stops striking
/// then.
#[derive(Debug)]
pub struct Strike {
    params: StrikeParams,
    inner: Honest,
    /// Since when it strikes, if it does.
    since: Option<Epoch>,
    /// Epochs settled while it struck, and how many of them someone proved.
    settled: (u64, u64),
    /// Governance rounds that closed while it struck without the rise.
    rounds_failed: u32,
    /// The signals its demand (or a larger rise) drew in the last round
    /// that closed while it struck, if it saw one.
    signals_seen: Option<u64>,
    /// The governance round it last looked at.
    round: u64,
}

impl Strike {
    /// A striking cartel with these parameters.
    pub fn new(params: StrikeParams) -> Strike {
        Strike {
            params,
            inner: Honest::default(),
            since: None,
            settled: (0, 0),
            rounds_failed: 0,
            signals_seen: None,
            round: 0,
        }
    }

    /// Whether its cartel's demand is published (its members withhold).
    fn striking(ctx: &ProverCtx<'_, '_>) -> bool {
        ctx.view.demands.contains_key(&ctx.me.owner)
    }

    /// The chance a strike works in a round, from what it saw: the share
    /// of struck epochs nobody proved (one of each added), times the
    /// chance a round passes the rise. Once a round has closed while it
    /// struck, that chance is read from the round's public tally: the
    /// signals its demand drew are what the sequencers who follow it give
    /// a round, and a round passes when as many reach the quorum (signals
    /// as a binomial draw over the round's slots, in its normal
    /// approximation). Before any, it halves its hope for each round that
    /// closed without the rise.
    fn chance(&self, round_size: u64, quorum: u64) -> f64 {
        let (n, proven) = self.settled;
        let unproven = (n - proven + 1) as f64 / (n + 2) as f64;
        let passes = match self.signals_seen {
            Some(s) => {
                let size = round_size.max(1) as f64;
                let mean = s as f64;
                let sd = (mean * (1.0 - mean / size)).max(0.0).sqrt();
                if sd == 0.0 {
                    f64::from(mean >= quorum as f64)
                } else {
                    let normal =
                        statrs::distribution::Normal::new(mean, sd).expect("a positive spread");
                    1.0 - statrs::distribution::ContinuousCDF::cdf(&normal, quorum as f64 - 0.5)
                }
            }
            None => 0.5f64.powi(self.rounds_failed as i32),
        };
        unproven * passes
    }

    /// What striking is worth against proving, over the horizon.
    fn strike_value(&self, ctx: &ProverCtx<'_, '_>, e: Epoch) -> f64 {
        let view = ctx.view;
        let g = ctx.me.group;
        let Some(info) = view.epoch_info(e) else {
            return 0.0;
        };
        let seconds = prefix_seconds(g, info.live_txs, info.live_blocks());
        let cost = prefix_cost(g, seconds) + view.submission_cost(g.priority_fee_gwei);
        let reward = expected_reward(view, ctx.me.id, e, g.lookback_epochs);
        // Struck epochs pay nothing: what proving one would pay instead.
        let net = reward.max(info.pool_estimate / view.active_provers.max(1) as f64) - cost;
        let now = view.protocol.params().checkpoint_reward as f64;
        let rise = net.max(0.0) * (self.params.demand_reward as f64 / now.max(1.0) - 1.0);
        let gov = &view.scenario.governance;
        let chain = &view.scenario.chain;
        let ed = chain.epoch_duration.max(1);
        // Epochs until the round in progress closes, between closes, and
        // from a pass to its execution.
        let first = (gov.round_size - view.slot % gov.round_size.max(1)).div_ceil(ed);
        let every = gov.round_size.div_ceil(ed).max(1);
        let delay = (gov.execution_delay / chain.slot_duration.max(1)).div_ceil(ed);
        let closes_by = |k: u64| {
            if k < first {
                0
            } else {
                1 + (k - first) / every
            }
        };
        let q = self.chance(gov.round_size, gov.quorum);
        let keep = 1.0 - g.discount_per_epoch;
        let (mut weight, mut value) = (1.0, 0.0);
        for k in 0..g.horizon_epochs as u64 {
            // It strikes until a round passes the rise, which executes
            // `delay` epochs later.
            let striking = (1.0 - q).powi(closes_by(k) as i32);
            let raised = match k.checked_sub(delay) {
                Some(j) => 1.0 - (1.0 - q).powi(closes_by(j) as i32),
                None => 0.0,
            };
            value += weight * (raised * rise - striking * net);
            weight *= keep;
        }
        value
    }

    /// The owner decides for the cartel whether to strike in this epoch.
    fn decide(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        let view = ctx.view;
        let Some(e) = view.epoch.checked_sub(1) else {
            return;
        };
        let demand = self.params.demand_reward;
        // What it saw since it began striking.
        let round = view.slot / view.scenario.governance.round_size.max(1);
        if let Some(since) = self.since {
            if let Some(s) = view.market.recent.back()
                && s.epoch >= since
                && s.epoch + view.scenario.chain.proof_submission_epochs + 1 == view.epoch
            {
                self.settled.0 += 1;
                self.settled.1 += u64::from(s.paid > 0);
            }
            if round > self.round {
                self.rounds_failed += 1;
                // The round's tally is public: what its demand drew.
                self.signals_seen = Some(
                    view.last_tally
                        .iter()
                        .filter(|(p, _)| p.checkpoint_reward.is_some_and(|r| r >= demand))
                        .map(|(_, n)| n)
                        .sum(),
                );
            }
        }
        self.round = round;
        let on_its_way = view
            .pending_payloads
            .iter()
            .any(|p| p.checkpoint_reward.is_some_and(|r| r >= demand));
        let strike = view.protocol.params().checkpoint_reward < demand
            && !on_its_way
            && self.strike_value(ctx, e) > 0.0;
        match (strike, self.since.is_some()) {
            (true, false) => {
                self.since = Some(e);
                ctx.actions.push(ProverAction::Demand(Some(demand)));
            }
            (false, true) => {
                self.since = None;
                ctx.actions.push(ProverAction::Demand(None));
            }
            _ => {}
        }
    }
}

impl ProverStrategy for Strike {
    fn name(&self) -> &'static str {
        STRIKE_NAME
    }

    fn one_owner(&self) -> bool {
        true
    }

    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        if ctx.me.owner == ctx.me.id {
            self.decide(ctx);
            // Its own decision shows in the demands only once carried out.
            if self.since.is_some() {
                return;
            }
        }
        if !Self::striking(ctx) {
            self.inner.on_epoch_start(ctx);
        }
    }

    fn on_job_done(&mut self, ctx: &mut ProverCtx<'_, '_>, job: Job) {
        if !Self::striking(ctx) {
            self.inner.on_job_done(ctx, job);
        }
    }

    fn on_wake(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        if !Self::striking(ctx) {
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
        SYBIL_NAME
    }
    fn one_owner(&self) -> bool {
        true
    }
    fn on_epoch_start(&mut self, _ctx: &mut ProverCtx<'_, '_>) {}
    fn on_job_done(&mut self, _ctx: &mut ProverCtx<'_, '_>, _job: Job) {}
    fn on_wake(&mut self, _ctx: &mut ProverCtx<'_, '_>) {}
    fn leaves_on_losses(&self) -> bool {
        false
    }
    /// It carries its owner's proofs only.
    fn takes_work(&self) -> bool {
        false
    }
}
