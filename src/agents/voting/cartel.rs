//! `cartel`: vote for what a striking cartel demands.

use super::{PolicyKind, VotingPolicy};
use crate::agents::View;
use crate::agents::kind::NoKeys;
use crate::protocol::Payload;

/// The policy's name in scenario files and outputs.
pub const NAME: &str = "cartel";

/// Signals for the reward a striking cartel publishes as its demand.
pub const KIND: PolicyKind =
    PolicyKind::new::<NoKeys>(NAME, &[], |_| Box::new(Cartel)).changing(&["checkpoint_reward"]);

/// Signals for the highest checkpoint reward a striking cartel publishes
/// as its demand, while the reward in force is lower and no payload that
/// raises it that far has passed (one that has awaits execution and is not
/// signalled again).
#[derive(Debug)]
pub struct Cartel;

impl VotingPolicy for Cartel {
    fn name(&self) -> &'static str {
        NAME
    }
    fn signal(&mut self, view: &View<'_>) -> Option<Payload> {
        let demand = view.demands.values().copied().max()?;
        let on_its_way = view
            .pending_payloads
            .iter()
            .any(|p| p.checkpoint_reward.is_some_and(|r| r >= demand));
        (!on_its_way && view.protocol.params().checkpoint_reward < demand).then(|| Payload {
            checkpoint_reward: Some(demand),
            ..Payload::default()
        })
    }
}
