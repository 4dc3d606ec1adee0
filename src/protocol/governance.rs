//! Governance payloads (SPEC section 6): what an executed vote changes.

use super::{Amount, BoosterConfig};

/// An executed governance payload; each field it sets changes that
/// parameter from the slot it executes in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Payload {
    /// Tokens minted per proven block.
    pub checkpoint_reward: Option<Amount>,
    /// The sequencers' part of the checkpoint reward, in basis points.
    pub sequencer_bps: Option<u64>,
    /// The proving price per mana that fees charge (used by the fee model).
    pub proving_cost_per_mana: Option<Amount>,
    /// Tokens added to the distributor.
    pub distributor_top_up: Option<Amount>,
    /// A new booster; every activity record restarts at
    /// `(0, current epoch)`.
    pub booster: Option<BoosterConfig>,
}
