//! The constants of the designs other than the permissionless one: the
//! previous bonded quotes (docs/model.md section 9), the fee market's
//! controller and the auction (section 14). Each matters only when its
//! design runs.

use serde::{Deserialize, Serialize};

use crate::base::amount;
use crate::protocol::Amount;

/// A token in smallest units.
const TOKEN: Amount = 1_000_000_000_000_000_000;

/// The constants of the bonded-quotes design (docs/model.md section 9).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct BondedConfig {
    /// Slots of epoch N+1 in which a quote for N may be accepted.
    pub quote_slots: u64,
    /// The bond each prover posts, smallest units.
    #[serde(with = "amount")]
    #[schemars(with = "amount::Schema")]
    pub bond: Amount,
    /// What locking the bond costs per year, as a part of it.
    pub capital_cost_per_year: f64,
    /// The markup provers quote over their cost, as a part of it.
    pub quote_margin: f64,
    /// The part of a kickback quote's excess over the prover's honest
    /// quote that it pays back to the proposer who accepts it.
    pub kickback_share: f64,
    /// The funds each prover holds for bonds when it enters, smallest
    /// units: a slashed prover posts a new bond from what is left (and what
    /// it earned) or leaves.
    #[serde(with = "amount")]
    #[schemars(with = "amount::Schema")]
    pub prover_capital: Amount,
    /// What a standby machine costs a chosen prover for an epoch, tokens:
    /// a second machine that proves if the first is down, so the epoch is
    /// lost only if both are. A prover holds one for an epoch it is chosen
    /// for when that is cheaper than the bond it expects to lose without
    /// it. Unset: none can be bought.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standby_cost_per_epoch: Option<f64>,
}

impl Default for BondedConfig {
    fn default() -> Self {
        BondedConfig {
            quote_slots: 13,
            bond: 100_000 * TOKEN,
            capital_cost_per_year: 0.05,
            quote_margin: 0.25,
            kickback_share: 0.5,
            prover_capital: 150_000 * TOKEN,
            standby_cost_per_epoch: None,
        }
    }
}

/// The fee market's controller (docs/model.md section 14): after each
/// epoch settles, the checkpoint reward moves by at most `max_step_bps`
/// toward a target latency and number of paid provers.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FeeMarketConfig {
    /// Seconds after an epoch's end by which its whole proof should land.
    pub target_latency_s: u64,
    /// Provers paid at or above which an early epoch lowers the reward.
    pub target_provers: u64,
    /// The largest move per epoch, basis points of the reward.
    pub max_step_bps: u64,
    /// The lowest checkpoint reward, smallest units.
    #[serde(with = "amount")]
    #[schemars(with = "amount::Schema")]
    pub min_reward: Amount,
    /// The highest checkpoint reward, smallest units.
    #[serde(with = "amount")]
    #[schemars(with = "amount::Schema")]
    pub max_reward: Amount,
}

impl Default for FeeMarketConfig {
    fn default() -> Self {
        FeeMarketConfig {
            target_latency_s: 1_200,
            target_provers: 3,
            max_step_bps: 1_250,
            min_reward: 50 * TOKEN,
            max_reward: 2_000 * TOKEN,
        }
    }
}

/// The reverse auction (docs/model.md section 14): at each epoch's end
/// provers bid to prove it whole; the lowest wins an exclusive window and
/// is paid the second-lowest bid (or the reserve), with a bond it loses if
/// its proof does not land in the window; then anyone may prove it.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AuctionConfig {
    /// The reserve as a part of the epoch's prover pool, basis points:
    /// bids above it are void, and a lone bidder is paid it.
    pub reserve_bps: u64,
    /// The reserve as an amount, smallest units (at most the pool), in
    /// place of `reserve_bps`.
    #[serde(with = "amount::optional", skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<amount::Schema>")]
    pub reserve: Option<Amount>,
    /// The winner's bond, lost if its proof does not land in the window,
    /// smallest units.
    #[serde(with = "amount", alias = "auction_bond")]
    #[schemars(with = "amount::Schema")]
    pub bond: Amount,
    /// Slots after the epoch's end in which only the winner may prove it.
    pub exclusive_slots: u64,
}

impl Default for AuctionConfig {
    fn default() -> Self {
        AuctionConfig {
            reserve_bps: 10_000,
            reserve: None,
            bond: 2_000 * TOKEN,
            exclusive_slots: 16,
        }
    }
}
