//! `profit`: take more of the reward for sequencers while provers' margins
//! are high.

use serde::{Deserialize, Serialize};

use crate::schema::domain::{INF, needs, positive, real};

use super::{PolicyKind, VotingPolicy, recent};
use crate::agents::View;
use crate::agents::kind::{Params, checked};
use crate::protocol::Payload;

/// The policy's name in scenario files and outputs.
pub const NAME: &str = "profit";

/// `profit`'s own keys.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProfitParams {
    /// Mean margin above which to cut.
    pub max_margin: f64,
    /// What proving an epoch is taken to cost a prover, tokens.
    pub reference_cost: f64,
    /// The rise of the sequencers' part, percent of the provers' part.
    pub change_pct: f64,
}

impl Default for ProfitParams {
    fn default() -> Self {
        ProfitParams {
            max_margin: 1.0,
            reference_cost: 50.0,
            change_pct: 25.0,
        }
    }
}

impl Params for ProfitParams {
    const KEYS: &'static [&'static str] = &["max_margin", "reference_cost", "change_pct"];
}

/// Votes for its own income while provers' margins are high.
pub const KIND: PolicyKind = PolicyKind::new::<ProfitParams>(
    NAME,
    &[
        needs(
            real(
                "sequencers[].max_margin",
                -1.0,
                true,
                INF,
                false,
                "(a part of the cost)",
            ),
            "sequencers.0.policy=profit",
        ),
        needs(
            positive("sequencers[].reference_cost", "tokens"),
            "sequencers.0.policy=profit",
        ),
        needs(
            real("sequencers[].change_pct", 0.0, true, 100.0, true, "percent"),
            "sequencers.0.policy=profit",
        ),
    ],
    |own| Box::new(Profit(checked(own))),
)
.changing(&["sequencer_bps"]);

/// Votes for its own income: while the reward per paid prover over
/// `reference_cost`, minus one, exceeds `max_margin` and nothing was pruned
/// in the last round, raises the sequencers' part of the checkpoint reward
/// by `change_pct` of the provers' part (cutting the reward would cut its
/// own part too).
#[derive(Debug)]
pub struct Profit(pub ProfitParams);

impl VotingPolicy for Profit {
    fn name(&self) -> &'static str {
        NAME
    }
    fn signal(&mut self, view: &View<'_>) -> Option<Payload> {
        if !view.pending_payloads.is_empty() {
            return None;
        }
        let per_prover: Vec<f64> = recent(view)
            .filter(|s| s.paid > 0)
            .map(|s| s.pool / s.paid as f64)
            .collect();
        if per_prover.is_empty() {
            return None;
        }
        let mean = per_prover.iter().sum::<f64>() / per_prover.len() as f64;
        let window = view.scenario.governance.round_size;
        let pruned = view.recent_prunes.iter().any(|&s| s + window > view.slot);
        let bps = view.protocol.params().sequencer_bps;
        let raised =
            bps + ((10_000 - bps.min(10_000)) as f64 * self.0.change_pct / 100.0).round() as u64;
        (mean / self.0.reference_cost - 1.0 > self.0.max_margin && !pruned && raised > bps).then(
            || Payload {
                sequencer_bps: Some(raised.min(10_000)),
                ..Payload::default()
            },
        )
    }
}
