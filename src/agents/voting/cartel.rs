//! `cartel`: weigh what a striking cartel demands.

use serde::{Deserialize, Serialize};

use crate::schema::domain::{int, needs, non_negative};

use super::value::{HOLDINGS, HORIZON_EPOCHS, Outlook, Seat, if_it_pays};
use super::{PolicyKind, VotingPolicy};
use crate::agents::View;
use crate::agents::kind::{Params, checked};
use crate::protocol::Payload;

/// The policy's name in scenario files and outputs.
pub const NAME: &str = "cartel";

/// `cartel`'s own keys.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CartelParams {
    /// Epochs over which it weighs a demand.
    pub horizon_epochs: u64,
    /// Tokens it holds whose value minting dilutes.
    pub holdings: f64,
}

impl Default for CartelParams {
    fn default() -> Self {
        CartelParams {
            horizon_epochs: HORIZON_EPOCHS,
            holdings: HOLDINGS,
        }
    }
}

impl Params for CartelParams {
    const KEYS: &'static [&'static str] = &["horizon_epochs", "holdings"];
}

/// Weighs the reward a striking cartel publishes as its demand.
pub const KIND: PolicyKind = PolicyKind::new::<CartelParams>(
    NAME,
    &[
        needs(
            int("sequencers[].horizon_epochs", 1, 1_000_000, "epochs"),
            "sequencers.0.policy=cartel",
        ),
        needs(
            non_negative("sequencers[].holdings", "tokens"),
            "sequencers.0.policy=cartel",
        ),
    ],
    |own| Box::new(Cartel(checked(own))),
)
.changing(&["checkpoint_reward"]);

/// Weighs the highest checkpoint reward a striking cartel publishes as its
/// demand, while the reward in force is lower and no payload that raises it
/// that far has passed (one that has awaits execution and is not signalled
/// again). It signals for it when the demand pays it over its horizon: its
/// part of the larger reward and the blocks the strike's end saves from
/// prunes (by what it believes the larger pool covers), against the
/// dilution of its holdings. The cartel offers it nothing else: a
/// sequencer follows a cartel because the demand pays it.
#[derive(Debug)]
pub struct Cartel(pub CartelParams);

impl VotingPolicy for Cartel {
    fn name(&self) -> &'static str {
        NAME
    }
    fn signal(&mut self, view: &View<'_>, seat: &Seat) -> Option<Payload> {
        let demand = view.demands.values().copied().max()?;
        let on_its_way = view
            .pending_payloads
            .iter()
            .any(|p| p.checkpoint_reward.is_some_and(|r| r >= demand));
        if on_its_way || view.protocol.params().checkpoint_reward >= demand {
            return None;
        }
        let payload = Payload {
            checkpoint_reward: Some(demand),
            ..Payload::default()
        };
        let outlook = Outlook::new(self.0.horizon_epochs, self.0.holdings);
        if_it_pays(view, seat, outlook, payload)
    }
}
