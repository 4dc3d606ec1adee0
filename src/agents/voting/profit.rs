//! `profit`: take more of the reward for sequencers while it pays them.

use serde::{Deserialize, Serialize};

use crate::schema::domain::{int, needs, non_negative, real};

use super::value::{HOLDINGS, HORIZON_EPOCHS, Outlook, Seat, if_it_pays};
use super::{PolicyKind, VotingPolicy};
use crate::agents::View;
use crate::agents::kind::{Params, checked};
use crate::protocol::Payload;

/// The policy's name in scenario files and outputs.
pub const NAME: &str = "profit";

/// `profit`'s own keys.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ProfitParams {
    /// The rise of the sequencers' part it drafts, percent of the provers'
    /// part.
    pub change_pct: f64,
    /// Epochs over which it weighs the rise.
    pub horizon_epochs: u64,
    /// Tokens it holds whose value minting dilutes.
    pub holdings: f64,
}

impl Default for ProfitParams {
    fn default() -> Self {
        ProfitParams {
            change_pct: 25.0,
            horizon_epochs: HORIZON_EPOCHS,
            holdings: HOLDINGS,
        }
    }
}

impl Params for ProfitParams {
    const KEYS: &'static [&'static str] = &["change_pct", "horizon_epochs", "holdings"];
}

/// Votes for its own income.
pub const KIND: PolicyKind = PolicyKind::new::<ProfitParams>(
    NAME,
    &[
        needs(
            real("sequencers[].change_pct", 0.0, true, 100.0, true, "percent"),
            "sequencers.0.policy=profit",
        ),
        needs(
            int("sequencers[].horizon_epochs", 1, 1_000_000, "epochs"),
            "sequencers.0.policy=profit",
        ),
        needs(
            non_negative("sequencers[].holdings", "tokens"),
            "sequencers.0.policy=profit",
        ),
    ],
    |own| Box::new(Profit(checked(own))),
)
.changing(&["sequencer_bps"]);

/// Votes for its own income: it drafts a rise of the sequencers' part of
/// the checkpoint reward by `change_pct` of the provers' part (cutting the
/// reward would cut its own part too) and signals for it while the rise
/// pays it over its horizon: its larger part against the epochs it expects
/// to lose when the provers' smaller pool no longer covers their cost.
#[derive(Debug)]
pub struct Profit(pub ProfitParams);

impl VotingPolicy for Profit {
    fn name(&self) -> &'static str {
        NAME
    }
    fn signal(&mut self, view: &View<'_>, seat: &Seat) -> Option<Payload> {
        if !view.pending_payloads.is_empty() {
            return None;
        }
        let bps = view.protocol.params().sequencer_bps;
        let raised = (bps
            + ((10_000 - bps.min(10_000)) as f64 * self.0.change_pct / 100.0).round() as u64)
            .min(10_000);
        if raised <= bps {
            return None;
        }
        let payload = Payload {
            sequencer_bps: Some(raised),
            ..Payload::default()
        };
        let outlook = Outlook::new(self.0.horizon_epochs, self.0.holdings);
        if_it_pays(view, seat, outlook, payload)
    }
}
