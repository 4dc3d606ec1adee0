//! Copiers (docs/model.md section 7): a prover that proves nothing and
//! copies proofs seen in the L1 mempool into the same L1 block with a
//! higher priority fee, while its own record says a copy pays its gas.

use std::collections::BTreeSet;

use crate::protocol::{BlockNumber, Epoch};

use serde::{Deserialize, Serialize};

use crate::schema::domain::{needs, non_negative};

use super::jobs::is_mine;
use super::kind::{Kind, Params, checked};
use super::valuation::expected_reward;
use super::{Job, Landed, PendingProof, ProverAction, ProverCtx, ProverStrategy};

/// The strategy's name in scenario files and outputs.
pub const NAME: &str = "copy";

/// `copy`'s own keys.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CopyParams {
    /// Priority fee added to the copied submission's, gwei.
    pub copy_fee_bump_gwei: f64,
}

impl Default for CopyParams {
    fn default() -> Self {
        CopyParams {
            copy_fee_bump_gwei: 1.0,
        }
    }
}

impl Params for CopyParams {
    const KEYS: &'static [&'static str] = &["copy_fee_bump_gwei"];
}

/// Copies proofs seen in the L1 mempool and resubmits them first with a
/// higher priority fee, while its record says a copy pays its gas.
pub const KIND: super::StrategyKind = Kind::new::<CopyParams>(
    NAME,
    &[needs(
        non_negative("provers[].copy_fee_bump_gwei", "gwei"),
        "provers.0.strategy=copy",
    )],
    |own| Box::new(Copy::new(checked(own))),
);

/// Copies a proof when the reward it expects from the copy beats the gas:
/// `p_credit * p_accept * reward > gas`, where `reward` is its share of the
/// epoch's pool, `p_accept` the share of its landed copies that were
/// accepted (one of each added) and `p_credit` whether the chain credits a
/// copy to its sender: unknown (one half) until one of its copies is
/// accepted, then known, since the proof system decides it for every proof
/// alike. Where proofs bind their prover, the first accepted copy credits
/// the original prover and the copier stops.
#[derive(Debug)]
pub struct Copy {
    params: CopyParams,
    copied: BTreeSet<(Epoch, BlockNumber)>,
    /// Whether an accepted copy credits its sender, once it has seen one.
    credits_sender: Option<bool>,
    landed: u64,
    accepted: u64,
}

impl Copy {
    /// A copier with these parameters.
    pub fn new(params: CopyParams) -> Copy {
        Copy {
            params,
            copied: BTreeSet::new(),
            credits_sender: None,
            landed: 0,
            accepted: 0,
        }
    }

    fn p_credit(&self) -> f64 {
        match self.credits_sender {
            None => 0.5,
            Some(true) => 1.0,
            Some(false) => 0.0,
        }
    }
}

impl ProverStrategy for Copy {
    fn name(&self) -> &'static str {
        NAME
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
    fn watches_landings(&self) -> bool {
        true
    }
    fn on_mempool(&mut self, ctx: &mut ProverCtx<'_, '_>, tx: &PendingProof) {
        if tx.sender == ctx.me.id || is_mine(ctx, tx.credited) || self.p_credit() == 0.0 {
            return;
        }
        let fee = tx.priority_fee_gwei + self.params.copy_fee_bump_gwei;
        let gas = ctx.view.submission_cost(fee);
        let group = ctx.me.group;
        let reward = expected_reward(ctx.view, ctx.me.id, tx.epoch, group.lookback_epochs);
        let p_accept = (self.accepted + 1) as f64 / (self.landed + 2) as f64;
        let gain = self.p_credit() * p_accept * reward;
        if gain - gas < group.min_margin * gas || !self.copied.insert((tx.epoch, tx.end)) {
            return;
        }
        ctx.actions.push(ProverAction::Copy {
            of: tx.clone(),
            priority_fee_gwei: fee,
        });
    }
    fn on_landed(&mut self, ctx: &mut ProverCtx<'_, '_>, landed: &Landed) {
        if !landed.copy {
            return;
        }
        self.landed += 1;
        if landed.accepted {
            self.accepted += 1;
            self.credits_sender = Some(landed.credited == ctx.me.id);
        }
    }
}
