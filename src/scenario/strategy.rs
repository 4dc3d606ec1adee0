//! Each prover strategy's and each voting policy's own keys, typed. A group
//! in a file is one table; the keys of its strategy (or policy) are checked
//! against the strategy named, so a key that belongs to another one is an
//! error naming the key, the strategy and the keys it does have.

use crate::protocol::Amount;

use super::schema::{ProverGroup, SequencerGroup, StrategyName, VotePolicy};

/// `partial`: prefix proofs while the epoch is built.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct PartialParams {
    /// Slots between prefix proofs.
    pub prefix_every_slots: u64,
}

/// `copy`: copy proofs seen in the L1 mempool.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct CopyParams {
    /// Priority fee added to the copied submission's, gwei.
    pub copy_fee_bump_gwei: f64,
}

/// `sybil`: one proof under several identities.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct SybilParams {
    /// Identities the proof is submitted under.
    pub identities: u32,
    /// Cost per epoch of each identity beyond the first, tokens.
    pub extra_identity_cost: f64,
}

/// `strike`: withhold proofs until the reward is raised.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct StrikeParams {
    /// The checkpoint reward demanded, smallest units per block.
    pub demand_reward: Amount,
}

/// `bridger`: a market maker waiting for finality.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct BridgerParams {
    /// Bridging transactions per hour, per bridger.
    pub bridges_per_hour: f64,
    /// Value of one bridging transaction, tokens.
    pub bridge_value: f64,
    /// What waiting costs per hour, as a part of the value.
    pub wait_cost_per_hour: f64,
}

/// A prover strategy with its own parameters.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum StrategyParams {
    /// See [`StrategyName::Honest`].
    Honest,
    /// See [`StrategyName::Partial`].
    Partial(PartialParams),
    /// See [`StrategyName::Supersede`].
    Supersede,
    /// See [`StrategyName::Late`].
    Late,
    /// See [`StrategyName::Copy`].
    Copy(CopyParams),
    /// See [`StrategyName::Sybil`].
    Sybil(SybilParams),
    /// See [`StrategyName::Strike`].
    Strike(StrikeParams),
    /// See [`StrategyName::Bridger`].
    Bridger(BridgerParams),
    /// See [`StrategyName::Kickback`].
    Kickback,
}

/// Every strategy-specific key of a prover group.
pub const STRATEGY_KEYS: [&str; 8] = [
    "prefix_every_slots",
    "copy_fee_bump_gwei",
    "identities",
    "extra_identity_cost",
    "demand_reward",
    "bridges_per_hour",
    "bridge_value",
    "wait_cost_per_hour",
];

impl StrategyName {
    /// The keys of this strategy beyond those every group has.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            StrategyName::Honest | StrategyName::Kickback => &[],
            StrategyName::Partial => &["prefix_every_slots"],
            StrategyName::Supersede | StrategyName::Late => &[],
            StrategyName::Copy => &["copy_fee_bump_gwei"],
            StrategyName::Sybil => &["identities", "extra_identity_cost"],
            StrategyName::Strike => &["demand_reward"],
            StrategyName::Bridger => &["bridges_per_hour", "bridge_value", "wait_cost_per_hour"],
        }
    }
}

impl ProverGroup {
    /// The strategy-specific keys this group sets.
    pub fn strategy_keys_set(&self) -> Vec<&'static str> {
        let set = [
            self.prefix_every_slots.is_some(),
            self.copy_fee_bump_gwei.is_some(),
            self.identities.is_some(),
            self.extra_identity_cost.is_some(),
            self.demand_reward.is_some(),
            self.bridges_per_hour.is_some(),
            self.bridge_value.is_some(),
            self.wait_cost_per_hour.is_some(),
        ];
        STRATEGY_KEYS
            .iter()
            .zip(set)
            .filter_map(|(k, s)| s.then_some(*k))
            .collect()
    }

    /// The group's strategy with its parameters, defaults filled in.
    pub fn params(&self) -> StrategyParams {
        match self.strategy {
            StrategyName::Honest => StrategyParams::Honest,
            StrategyName::Kickback => StrategyParams::Kickback,
            StrategyName::Partial => StrategyParams::Partial(PartialParams {
                prefix_every_slots: self.prefix_every_slots.unwrap_or(8),
            }),
            StrategyName::Supersede => StrategyParams::Supersede,
            StrategyName::Late => StrategyParams::Late,
            StrategyName::Copy => StrategyParams::Copy(CopyParams {
                copy_fee_bump_gwei: self.copy_fee_bump_gwei.unwrap_or(1.0),
            }),
            StrategyName::Sybil => StrategyParams::Sybil(SybilParams {
                identities: self.identities.unwrap_or(1),
                extra_identity_cost: self.extra_identity_cost.unwrap_or(1.0),
            }),
            StrategyName::Strike => StrategyParams::Strike(StrikeParams {
                demand_reward: self.demand_reward.unwrap_or(0),
            }),
            StrategyName::Bridger => StrategyParams::Bridger(BridgerParams {
                bridges_per_hour: self.bridges_per_hour.unwrap_or(1.0),
                bridge_value: self.bridge_value.unwrap_or(100_000.0),
                wait_cost_per_hour: self.wait_cost_per_hour.unwrap_or(0.0005),
            }),
        }
    }

    /// The group as run: its strategy's keys written out with their values,
    /// no other strategy's key.
    pub fn normalized(&self) -> ProverGroup {
        let mut g = ProverGroup {
            prefix_every_slots: None,
            copy_fee_bump_gwei: None,
            identities: None,
            extra_identity_cost: None,
            demand_reward: None,
            bridges_per_hour: None,
            bridge_value: None,
            wait_cost_per_hour: None,
            ..self.clone()
        };
        match self.params() {
            StrategyParams::Honest
            | StrategyParams::Supersede
            | StrategyParams::Late
            | StrategyParams::Kickback => {}
            StrategyParams::Partial(p) => g.prefix_every_slots = Some(p.prefix_every_slots),
            StrategyParams::Copy(p) => g.copy_fee_bump_gwei = Some(p.copy_fee_bump_gwei),
            StrategyParams::Sybil(p) => {
                g.identities = Some(p.identities);
                g.extra_identity_cost = Some(p.extra_identity_cost);
            }
            StrategyParams::Strike(p) => g.demand_reward = Some(p.demand_reward),
            StrategyParams::Bridger(p) => {
                g.bridges_per_hour = Some(p.bridges_per_hour);
                g.bridge_value = Some(p.bridge_value);
                g.wait_cost_per_hour = Some(p.wait_cost_per_hour);
            }
        }
        g
    }
}

/// `liveness`: raise the reward while the chain prunes or proofs are slow.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct LivenessParams {
    /// Prunes in the last round above which to raise.
    pub max_prunes: u64,
    /// Mean seconds from an epoch's end to its full proof above which to
    /// raise.
    pub max_latency_s: f64,
    /// The raise, percent of the checkpoint reward.
    pub change_pct: f64,
    /// Epochs of rewards a top-up of a dry distributor buys.
    pub top_up_epochs: u64,
    /// The inflation per year a raise of the reward may not push past (a
    /// raise beyond it comes from users' fees); None: no limit.
    pub max_inflation: Option<f64>,
}

/// `open_market`: shorten the booster's ramp while rewards concentrate.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct OpenMarketParams {
    /// Reward concentration (HHI) above which to act.
    pub max_hhi: f64,
    /// Epochs in a row to full score under the booster it signals for.
    pub ramp_epochs: u64,
}

/// `profit`: take more of the reward for sequencers while provers'
/// margins are high.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct ProfitParams {
    /// Mean margin above which to cut.
    pub max_margin: f64,
    /// What proving an epoch is taken to cost a prover, tokens.
    pub reference_cost: f64,
    /// The rise of the sequencers' part, percent of the provers' part.
    pub change_pct: f64,
}

/// A voting policy with its own parameters.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum PolicyParams {
    /// Never signals.
    Static,
    /// See [`LivenessParams`].
    Liveness(LivenessParams),
    /// See [`ProfitParams`].
    Profit(ProfitParams),
    /// Signals for the reward a striking cartel publishes as its demand.
    Cartel,
    /// See [`OpenMarketParams`].
    OpenMarket(OpenMarketParams),
}

/// Every policy-specific key of a sequencer group.
pub const POLICY_KEYS: [&str; 9] = [
    "max_prunes",
    "max_latency_s",
    "top_up_epochs",
    "max_inflation",
    "max_hhi",
    "ramp_epochs",
    "max_margin",
    "reference_cost",
    "change_pct",
];

impl VotePolicy {
    /// The keys of this policy beyond those every group has.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            VotePolicy::Static => &[],
            VotePolicy::Liveness => &[
                "max_prunes",
                "max_latency_s",
                "top_up_epochs",
                "max_inflation",
                "change_pct",
            ],
            VotePolicy::Profit => &["max_margin", "reference_cost", "change_pct"],
            VotePolicy::Cartel => &[],
            VotePolicy::OpenMarket => &["max_hhi", "ramp_epochs"],
        }
    }
}

impl SequencerGroup {
    /// The policy-specific keys this group sets.
    pub fn policy_keys_set(&self) -> Vec<&'static str> {
        let set = [
            self.max_prunes.is_some(),
            self.max_latency_s.is_some(),
            self.top_up_epochs.is_some(),
            self.max_inflation.is_some(),
            self.max_hhi.is_some(),
            self.ramp_epochs.is_some(),
            self.max_margin.is_some(),
            self.reference_cost.is_some(),
            self.change_pct.is_some(),
        ];
        POLICY_KEYS
            .iter()
            .zip(set)
            .filter_map(|(k, s)| s.then_some(*k))
            .collect()
    }

    /// The group's voting policy with its parameters, defaults filled in.
    pub fn params(&self) -> PolicyParams {
        let change_pct = self.change_pct.unwrap_or(25.0);
        match self.policy {
            VotePolicy::Static => PolicyParams::Static,
            VotePolicy::Liveness => PolicyParams::Liveness(LivenessParams {
                max_prunes: self.max_prunes.unwrap_or(0),
                max_latency_s: self.max_latency_s.unwrap_or(3600.0),
                change_pct,
                top_up_epochs: self.top_up_epochs.unwrap_or(1000),
                max_inflation: self.max_inflation,
            }),
            VotePolicy::Profit => PolicyParams::Profit(ProfitParams {
                max_margin: self.max_margin.unwrap_or(1.0),
                reference_cost: self.reference_cost.unwrap_or(50.0),
                change_pct,
            }),
            VotePolicy::Cartel => PolicyParams::Cartel,
            VotePolicy::OpenMarket => PolicyParams::OpenMarket(OpenMarketParams {
                max_hhi: self.max_hhi.unwrap_or(0.1),
                ramp_epochs: self.ramp_epochs.unwrap_or(24),
            }),
        }
    }

    /// The group as run: its policy's keys written out, no other's.
    pub fn normalized(&self) -> SequencerGroup {
        let mut g = SequencerGroup {
            max_prunes: None,
            max_latency_s: None,
            top_up_epochs: None,
            max_inflation: None,
            max_hhi: None,
            ramp_epochs: None,
            max_margin: None,
            reference_cost: None,
            change_pct: None,
            ..self.clone()
        };
        match self.params() {
            PolicyParams::Static | PolicyParams::Cartel => {}
            PolicyParams::Liveness(p) => {
                g.max_prunes = Some(p.max_prunes);
                g.max_latency_s = Some(p.max_latency_s);
                g.change_pct = Some(p.change_pct);
                g.top_up_epochs = Some(p.top_up_epochs);
                g.max_inflation = p.max_inflation;
            }
            PolicyParams::OpenMarket(p) => {
                g.max_hhi = Some(p.max_hhi);
                g.ramp_epochs = Some(p.ramp_epochs);
            }
            PolicyParams::Profit(p) => {
                g.max_margin = Some(p.max_margin);
                g.reference_cost = Some(p.reference_cost);
                g.change_pct = Some(p.change_pct);
            }
        }
        g
    }
}

/// The message for a key set on a group whose strategy or policy has no
/// such key.
pub fn foreign_key_message(kind: &str, name: &str, own: &[&'static str]) -> String {
    let has = if own.is_empty() {
        "none beyond the keys every group has".to_string()
    } else {
        own.join(", ")
    };
    format!("not a key of {kind} \"{name}\" (its own keys: {has})")
}
