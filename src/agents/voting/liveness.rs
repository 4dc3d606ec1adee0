//! `liveness`: weigh a raise of the provers' pay while the chain prunes or
//! proofs are slow.

use serde::{Deserialize, Serialize};

use crate::schema::domain::{int, needs, non_negative, positive, real};

use super::value::{HOLDINGS, HORIZON_EPOCHS, Outlook, Seat, if_it_pays};
use super::{PolicyKind, VotingPolicy, fee_raise, inflation_of, recent, scaled_reward};
use crate::agents::View;
use crate::agents::kind::{Params, checked};
use crate::protocol::Payload;

/// The policy's name in scenario files and outputs.
pub const NAME: &str = "liveness";

/// `liveness`'s own keys.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LivenessParams {
    /// Prunes in the last round above which to raise.
    pub max_prunes: u64,
    /// Mean seconds from an epoch's end to its full proof above which to
    /// raise.
    pub max_latency_s: f64,
    /// Epochs of checkpoint rewards a top-up buys when the distributor
    /// runs dry.
    pub top_up_epochs: u64,
    /// The inflation per year (minted over the token supply) a raise of
    /// the reward may not push past; above it the raise comes from users'
    /// fees (`proving_cost_per_mana`) instead. Unset: no limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_inflation: Option<f64>,
    /// The raise, percent of the checkpoint reward.
    pub change_pct: f64,
    /// Epochs over which it weighs a raise.
    pub horizon_epochs: u64,
    /// Tokens it holds whose value minting dilutes.
    pub holdings: f64,
}

impl Default for LivenessParams {
    fn default() -> Self {
        LivenessParams {
            max_prunes: 0,
            max_latency_s: 3600.0,
            top_up_epochs: 1000,
            max_inflation: None,
            change_pct: 25.0,
            horizon_epochs: HORIZON_EPOCHS,
            holdings: HOLDINGS,
        }
    }
}

impl Params for LivenessParams {
    const KEYS: &'static [&'static str] = &[
        "max_prunes",
        "max_latency_s",
        "top_up_epochs",
        "max_inflation",
        "change_pct",
        "horizon_epochs",
        "holdings",
    ];
}

/// Raises the reward while the chain prunes or proofs are slow.
pub const KIND: PolicyKind = PolicyKind::new::<LivenessParams>(
    NAME,
    &[
        needs(
            non_negative("sequencers[].max_latency_s", "seconds"),
            "sequencers.0.policy=liveness",
        ),
        needs(
            int("sequencers[].top_up_epochs", 1, 1_000_000, "epochs"),
            "sequencers.0.policy=liveness",
        ),
        needs(
            positive(
                "sequencers[].max_inflation",
                "(a part of the supply per year)",
            ),
            "sequencers.0.policy=liveness",
        ),
        needs(
            real("sequencers[].change_pct", 0.0, true, 100.0, true, "percent"),
            "sequencers.0.policy=liveness",
        ),
        needs(
            int("sequencers[].horizon_epochs", 1, 1_000_000, "epochs"),
            "sequencers.0.policy=liveness",
        ),
        needs(
            non_negative("sequencers[].holdings", "tokens"),
            "sequencers.0.policy=liveness",
        ),
    ],
    |own| Box::new(Liveness(checked(own))),
)
.changing(&[
    "checkpoint_reward",
    "distributor_top_up",
    "proving_cost_per_mana",
]);

/// Watches liveness: while prunes in the last round exceed `max_prunes` or
/// the mean full-proof latency exceeds `max_latency_s`, it drafts a raise of
/// the provers' pay by `change_pct` (from users' fees beyond the inflation
/// limit), with a top-up when the distributor runs low, and signals for it
/// if it pays the sequencer over its horizon: the blocks the raise saves
/// from prunes and its part of a larger reward, against the dilution of
/// its holdings. The alarms are what it attends to (a sequencer does not
/// redraft the reward every slot); the value is what it votes by.
#[derive(Debug)]
pub struct Liveness(pub LivenessParams);

impl Liveness {
    /// What it drafts now: a raise of the reward (from users' fees if
    /// minting more would break the inflation limit), with a top-up of
    /// `top_up_epochs` epochs' rewards when the distributor holds less than
    /// a tenth of that (a dry distributor mints nothing more for a higher
    /// reward). One payload, so that its sequencers' signals do not split.
    fn draft(&self, view: &View<'_>) -> Payload {
        let p = view.protocol.params();
        let raised = scaled_reward(view, 1.0 + self.0.change_pct / 100.0);
        let reward = raised.checkpoint_reward.unwrap_or(0);
        let mut draft = match self.0.max_inflation {
            // Minting more would break the inflation limit: the provers'
            // pool grows from users' fees instead, by as much.
            Some(max) if inflation_of(view, reward) > max => fee_raise(view, self.0.change_pct),
            _ => raised,
        };
        let blocks = self.0.top_up_epochs * view.scenario.chain.epoch_duration;
        if view.protocol.distributor_balance()
            < p.checkpoint_reward.saturating_mul(blocks as u128 / 10)
        {
            draft.distributor_top_up = Some(reward.saturating_mul(blocks as u128));
        }
        draft
    }
}

impl VotingPolicy for Liveness {
    fn name(&self) -> &'static str {
        NAME
    }
    fn signal(&mut self, view: &View<'_>, seat: &Seat) -> Option<Payload> {
        // A change on its way: wait to see what it does.
        if !view.pending_payloads.is_empty() {
            return None;
        }
        let window = view.scenario.governance.round_size;
        let prunes = view
            .recent_prunes
            .iter()
            .filter(|&&s| s + window > view.slot)
            .count() as u64;
        let latencies: Vec<f64> = recent(view).filter_map(|s| s.full_latency_s).collect();
        let slow = !latencies.is_empty()
            && latencies.iter().sum::<f64>() / latencies.len() as f64 > self.0.max_latency_s;
        if prunes <= self.0.max_prunes && !slow {
            return None;
        }
        let outlook = Outlook::new(self.0.horizon_epochs, self.0.holdings);
        if_it_pays(view, seat, outlook, self.draft(view))
    }
}
