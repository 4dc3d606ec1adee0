//! The typed scenario: the schema of a scenario file, what every layer
//! above reads. Every table denies unknown keys (a group's keys beyond
//! those every group has are its strategy's or policy's, checked by the
//! scenario loader in `src/scenario/`), and every key has a default equal
//! to the mainnet value of docs/model.md where there is one, so a scenario
//! states only what it changes.

mod booster_spec;
mod designs;
pub mod dist;
pub mod domain;
mod observed;
mod own_keys;
mod prices;

use serde::{Deserialize, Serialize};

use crate::protocol::{Amount, Version};

pub use booster_spec::{BoosterSpec, DecayName, RuleName, ScoreOnName};
pub use designs::{AuctionConfig, BondedConfig, FeeMarketConfig};
pub use observed::Observation;
pub use own_keys::{KindName, OwnKeys};
pub use prices::{FeeConfig, Jumps, L1Config, PricePath, Spike, TipMarket, read_series};

use crate::base::amount;

/// A whole scenario: the world, the rules and the agents.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Scenario {
    /// A short name; outputs go under `outputs/<name>/`.
    pub name: String,
    /// What the scenario is for, in a sentence.
    pub description: String,
    /// The run seed; every random stream derives from it.
    pub seed: u64,
    /// How many epochs to simulate.
    pub epochs: u64,
    /// The version of the rollup contracts (docs/model.md section 12): its
    /// rules, and the defaults of every key the file does not write. A file
    /// that names none runs the version on mainnet, v5.
    pub protocol: Version,
    /// The keys whose values differ from the version's defaults, as run
    /// (filled in by the loader; a file need not write it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub protocol_overrides: Vec<String>,
    /// A change of the canonical rollup within the run (docs/model.md
    /// section 12): from `epoch`, the rules and constants of version `to`,
    /// with every booster record starting empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub migration: Option<Migration>,
    /// Chain timing.
    pub chain: ChainConfig,
    /// Governance-set rewards at genesis.
    pub rewards: RewardsConfig,
    /// The consistency booster at genesis.
    pub booster: BoosterSpec,
    /// Governance rounds and delays.
    pub governance: GovernanceConfig,
    /// L1 prices that drive the fee model.
    pub fees: FeeConfig,
    /// Transaction demand.
    pub demand: DemandConfig,
    /// The L1 that carries proof submissions.
    pub l1: L1Config,
    /// Groups of sequencers.
    pub sequencers: Vec<SequencerGroup>,
    /// Groups of provers.
    pub provers: Vec<ProverGroup>,
    /// Proving times from a calibration (sets every group's times).
    pub cost: Option<crate::cost::CostConfig>,
    /// The proving design: the permissionless market, the previous
    /// bonded quotes (docs/model.md section 9), or a market-set reward or
    /// a reverse auction (section 14).
    pub mechanism: Mechanism,
    /// The bonded-quotes design's constants.
    pub bonded: BondedConfig,
    /// The fee-market design's controller (filled in with its defaults by
    /// the loader when that design runs; written only then or when the
    /// file sets it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_market: Option<FeeMarketConfig>,
    /// The auction design's constants (as `fee_market`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auction: Option<AuctionConfig>,
    /// What was observed of the real network this world stands for, set
    /// beside the simulated figures in `report` and `compare`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observed: Vec<Observation>,
}

/// The canonical rollup becomes another version within the run (AZIP-30's
/// migration window).
#[derive(Copy, Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Migration {
    /// The first epoch built under the new version (at or after the
    /// run's end: none happens, as in a run cut short).
    pub epoch: u64,
    /// The version it becomes.
    pub to: Version,
}

impl Scenario {
    /// The fee market's controller, its defaults where the file sets none.
    pub fn fee_market(&self) -> FeeMarketConfig {
        self.fee_market.clone().unwrap_or_default()
    }

    /// The auction's constants, its defaults where the file sets none.
    pub fn auction(&self) -> AuctionConfig {
        self.auction.clone().unwrap_or_default()
    }
}

/// Which proving design a scenario runs.
#[derive(
    Copy, Clone, Debug, Serialize, Deserialize, PartialEq, Eq, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    /// Anyone proves; the longest proof's provers share the pool.
    #[default]
    Permissionless,
    /// Bonded provers quote; a proposer of the next epoch picks one.
    BondedQuotes,
    /// The permissionless rules with the reward set each epoch by a
    /// controller instead of by votes.
    FeeMarket,
    /// A sealed-bid reverse auction for each epoch, then a fallback pool
    /// under the permissionless rules.
    Auction,
}

impl Mechanism {
    /// Its name in scenario files and outputs.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Permissionless => "permissionless",
            Mechanism::BondedQuotes => "bonded_quotes",
            Mechanism::FeeMarket => "fee_market",
            Mechanism::Auction => "auction",
        }
    }
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: "scenario".to_string(),
            description: String::new(),
            seed: 1,
            epochs: 500,
            // The version whose constants the Rust defaults are (with the
            // 400-token reward of this project's earlier figures); a file
            // that names no version runs v5.
            protocol: Version::V4,
            protocol_overrides: Vec::new(),
            migration: None,
            chain: ChainConfig::default(),
            rewards: RewardsConfig::default(),
            booster: BoosterSpec::default(),
            governance: GovernanceConfig::default(),
            fees: FeeConfig::default(),
            demand: DemandConfig::default(),
            l1: L1Config::default(),
            sequencers: vec![SequencerGroup::default()],
            provers: vec![ProverGroup::default()],
            cost: None,
            mechanism: Mechanism::Permissionless,
            bonded: BondedConfig::default(),
            fee_market: None,
            auction: None,
            observed: Vec::new(),
        }
    }
}

/// Slot and epoch lengths and the proof window.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ChainConfig {
    /// Seconds per L2 slot (mainnet 72).
    pub slot_duration: u64,
    /// Slots per epoch (mainnet 32).
    pub epoch_duration: u64,
    /// Epochs after its own in which an epoch may be proven (mainnet 1).
    pub proof_submission_epochs: u64,
    /// Mana a block targets; a block holds at most twice this.
    pub mana_target: u64,
    /// Whether a proof carries its prover's identity as a public input (as
    /// deployed), so that a copied proof still credits the original prover.
    pub proof_binds_prover: bool,
}

impl Default for ChainConfig {
    fn default() -> Self {
        ChainConfig {
            slot_duration: 72,
            epoch_duration: 32,
            proof_submission_epochs: 1,
            mana_target: 75_000_000,
            proof_binds_prover: true,
        }
    }
}

/// Rewards as governance sets them at genesis.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct RewardsConfig {
    /// Tokens (smallest unit) minted per proven block.
    #[serde(with = "amount")]
    #[schemars(with = "amount::Schema")]
    pub checkpoint_reward: Amount,
    /// The sequencers' part of the checkpoint reward, basis points.
    pub sequencer_bps: u64,
    /// Proving price per mana in wei that fees charge.
    #[serde(with = "amount")]
    #[schemars(with = "amount::Schema")]
    pub proving_cost_per_mana: Amount,
    /// The distributor's balance at genesis.
    #[serde(with = "amount")]
    #[schemars(with = "amount::Schema")]
    pub distributor_funding: Amount,
    /// The staking asset's supply, smallest units: inflation is what the
    /// run mints per year over it.
    #[serde(with = "amount")]
    #[schemars(with = "amount::Schema")]
    pub token_supply: Amount,
}

impl Default for RewardsConfig {
    fn default() -> Self {
        let p = crate::protocol::Params::MAINNET;
        RewardsConfig {
            checkpoint_reward: p.checkpoint_reward,
            sequencer_bps: p.sequencer_bps,
            proving_cost_per_mana: p.proving_cost_per_mana,
            distributor_funding: p.distributor_funding,
            // Ten billion tokens.
            token_supply: 10_000_000_000 * 1_000_000_000_000_000_000,
        }
    }
}

/// Governance rounds (docs/model.md section 6).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct GovernanceConfig {
    /// Slots per signalling round (mainnet 1000).
    pub round_size: u64,
    /// Signals a payload needs in one round (mainnet 600; more than half).
    pub quorum: u64,
    /// Seconds from a round's end to the payload's execution (about 17
    /// days on mainnet, with the token vote).
    pub execution_delay: u64,
}

impl Default for GovernanceConfig {
    fn default() -> Self {
        GovernanceConfig {
            round_size: 1000,
            quorum: 600,
            execution_delay: 17 * 24 * 3600,
        }
    }
}

/// Transaction demand: Poisson arrivals, gamma-distributed mana.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DemandConfig {
    /// Transactions per second.
    pub tps: f64,
    /// Mean mana per transaction.
    pub mana_mean: f64,
    /// Shape of the gamma distribution of mana per transaction.
    pub mana_shape: f64,
    /// The highest congestion multiplier users pay: above it transactions
    /// wait and blocks go empty until the price falls.
    pub max_congestion: f64,
    /// Bursts of demand (none when not set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub burst: Option<Burst>,
}

/// Bursts of demand, as in AZIP-25's congested epochs: each epoch not
/// already in a burst starts one with `chance`; it lasts `epochs` epochs,
/// in which transactions arrive `multiplier` times as fast.
#[derive(Copy, Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Burst {
    /// The chance that an epoch not already in a burst starts one.
    pub chance: f64,
    /// Epochs a burst lasts.
    pub epochs: u32,
    /// How many times as fast transactions arrive in a burst.
    pub multiplier: f64,
}

impl Default for Burst {
    /// No burst: a chance of 0, one epoch at the usual rate.
    fn default() -> Self {
        Burst {
            chance: 0.0,
            epochs: 1,
            multiplier: 1.0,
        }
    }
}

impl Default for DemandConfig {
    fn default() -> Self {
        DemandConfig {
            tps: 1.0,
            mana_mean: 200_000.0,
            mana_shape: 2.0,
            max_congestion: 10.0,
            burst: None,
        }
    }
}

/// A group of identical sequencers.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(default)]
pub struct SequencerGroup {
    /// A label for the group.
    pub name: String,
    /// How many sequencers.
    pub count: u32,
    /// Each one's stake (relative weight in proposer selection).
    pub stake: f64,
    /// Probability of missing a slot.
    pub miss_rate: f64,
    /// How they vote.
    pub policy: KindName,
    /// The policy's own keys (declared in its file of `agents/voting/`);
    /// in the scenario as run, every one of them, defaults filled in.
    #[serde(flatten)]
    pub own: OwnKeys,
    /// Under bonded quotes: accept the highest quote for a kickback
    /// instead of the lowest.
    pub colluding: bool,
}

impl Default for SequencerGroup {
    fn default() -> Self {
        SequencerGroup {
            name: "sequencers".to_string(),
            count: 48,
            stake: 1.0,
            miss_rate: 0.01,
            policy: KindName("static".to_string()),
            own: OwnKeys::default(),
            colluding: false,
        }
    }
}

/// A group of provers with one strategy, hardware and cost model.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(default)]
pub struct ProverGroup {
    /// A label for the group (prover ids are `<name>-<n>`).
    pub name: String,
    /// The strategy.
    pub strategy: KindName,
    /// Provers of this group from the start (active from `start_epoch`).
    pub count: u32,
    /// The epoch from which the group's first provers are active (a
    /// newcomer arriving among incumbents).
    pub start_epoch: u64,
    /// More provers that may enter later, when entry looks profitable.
    pub potential: u32,
    /// Fixed seconds per proof job.
    pub overhead_seconds: f64,
    /// Seconds to prove one transaction on one unit of parallelism.
    pub per_tx_seconds: f64,
    /// Seconds to prove one block on one unit of parallelism.
    pub per_block_seconds: f64,
    /// The hardware's speed relative to the calibration machine (used
    /// with a `[cost]` table).
    pub hardware_speedup: f64,
    /// How many units work on one job at once.
    pub parallelism: f64,
    /// How many jobs may run at once.
    pub max_jobs: u32,
    /// The chance that the prover is up to prove a given epoch (downtime,
    /// maintenance): an epoch it is down for it misses.
    pub uptime: f64,
    /// What the hardware costs per hour, in tokens.
    pub hourly_price: f64,
    /// A fixed cost per epoch proven, in tokens (operations, monitoring).
    pub fixed_cost_per_epoch: f64,
    /// Priority fee of a proof submission, gwei per gas.
    pub priority_fee_gwei: f64,
    /// Settled epochs that the reward estimate looks back on.
    pub lookback_epochs: u32,
    /// The expected profit, as a part of the expected cost, that proving
    /// an epoch must promise.
    pub min_margin: f64,
    /// Epochs between deciding to enter and proving.
    pub entry_delay_epochs: u32,
    /// Consecutive epochs that lost money (proved and earned less than it
    /// spent) after which a prover leaves; epochs sat out do not count.
    pub exit_after_losses: u32,
    /// Epochs ahead a prover values: the streak it keeps by proving, and a
    /// newcomer's ramp-up when it weighs entering.
    pub horizon_epochs: u32,
    /// The part of next epoch's value lost per epoch of waiting (discount).
    pub discount_per_epoch: f64,
    /// Slots into an epoch's window after which a prover that skipped the
    /// epoch looks again, if it is still unproven (the fallback prover);
    /// each prover looks at its own slot up to twice this (0: never).
    pub fallback_after_slots: u64,
    /// What the hardware costs per epoch whether it proves or not, tokens.
    pub capital_cost_per_epoch: f64,
    /// A sunk cost of entering the market (hardware, set-up), tokens.
    pub entry_cost: f64,
    /// Keys whose values differ between the group's agents: each agent
    /// draws its own from the distribution (written inline in a file, as
    /// `hourly_price = { dist = "lognormal", median = 40.0, sigma = 0.3 }`).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub vary: dist::Vary,
    /// The strategy's own keys (declared in its file of `agents/`); in the
    /// scenario as run, every one of them, defaults filled in.
    #[serde(flatten)]
    pub own: OwnKeys,
}

impl crate::cost::Hardware for ProverGroup {
    fn overhead_seconds(&self) -> f64 {
        self.overhead_seconds
    }
    fn per_tx_seconds(&self) -> f64 {
        self.per_tx_seconds
    }
    fn per_block_seconds(&self) -> f64 {
        self.per_block_seconds
    }
    fn parallelism(&self) -> f64 {
        self.parallelism
    }
    fn hourly_price(&self) -> f64 {
        self.hourly_price
    }
    fn fixed_cost_per_epoch(&self) -> f64 {
        self.fixed_cost_per_epoch
    }
    fn hardware_speedup(&self) -> f64 {
        self.hardware_speedup
    }
    fn set_times(&mut self, overhead: f64, per_tx: f64, per_block: f64) {
        self.overhead_seconds = overhead;
        self.per_tx_seconds = per_tx;
        self.per_block_seconds = per_block;
    }
}

impl Default for ProverGroup {
    fn default() -> Self {
        ProverGroup {
            name: "honest".to_string(),
            strategy: KindName("honest".to_string()),
            count: 20,
            start_epoch: 0,
            potential: 0,
            overhead_seconds: 120.0,
            per_tx_seconds: 1.0,
            per_block_seconds: 0.0,
            hardware_speedup: 1.0,
            parallelism: 16.0,
            max_jobs: 2,
            uptime: 1.0,
            hourly_price: 40.0,
            fixed_cost_per_epoch: 5.0,
            priority_fee_gwei: 1.0,
            lookback_epochs: 8,
            min_margin: 0.0,
            entry_delay_epochs: 4,
            exit_after_losses: 12,
            // A week of mainnet epochs (32 slots of 72 s), discounted by
            // 0.2% an epoch (the last epoch of the week weighs 0.59).
            horizon_epochs: 263,
            discount_per_epoch: 0.002,
            fallback_after_slots: 8,
            capital_cost_per_epoch: 0.0,
            entry_cost: 0.0,
            vary: Default::default(),
            own: OwnKeys::default(),
        }
    }
}
