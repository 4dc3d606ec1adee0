//! Versions of the rollup contracts (docs/model.md section 12): each one's
//! default constants and the rules by which it differs from the one before.
//! v4 is the contracts 4.1.2 (identical through 4.4.0), v5 the contracts
//! v5.0.0 (the AZIP-5 booster; governance cannot change the booster), v6 v5
//! plus the approved AZIPs 25, 30, 31 and 23. v5's refusal of a
//! registration with 0 shares needs no rule here: every booster the
//! protocol accepts, in every version, yields at least one share
//! (`Booster::new` refuses one that could yield none).

use serde::{Deserialize, Serialize};

use super::booster::{BoosterConfig, Quadratic, Rule, ScoreOn};
use super::{Amount, Payload};

/// One token in its smallest unit.
const TOKEN: Amount = 1_000_000_000_000_000_000;

/// Seconds in the 30 days over which v5 limits a change of
/// `proving_cost_per_mana`.
pub const PROVING_COST_PERIOD_S: u64 = 30 * 24 * 3600;

/// A version of the rollup contracts.
#[derive(
    Copy,
    Clone,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Version {
    /// Contracts 4.1.2 (through 4.4.0).
    V4,
    /// Contracts v5.0.0, on mainnet in 2026.
    V5,
    /// v5 plus AZIP-25, AZIP-30, AZIP-31 and AZIP-23.
    V6,
}

/// What a governance payload changes, by the key a scenario or trace
/// names it with.
pub const PAYLOAD_KEYS: [&str; 5] = [
    "checkpoint_reward",
    "sequencer_bps",
    "proving_cost_per_mana",
    "distributor_top_up",
    "booster",
];

impl Version {
    /// Every version, oldest first.
    pub const ALL: [Version; 3] = [Version::V4, Version::V5, Version::V6];

    /// The version a scenario or trace runs when it names none: the one on
    /// mainnet.
    pub const CURRENT: Version = Version::V5;

    /// Its name in files and outputs.
    pub fn name(self) -> &'static str {
        match self {
            Version::V4 => "v4",
            Version::V5 => "v5",
            Version::V6 => "v6",
        }
    }

    /// The version named `name`.
    pub fn named(name: &str) -> Option<Version> {
        Version::ALL.into_iter().find(|v| v.name() == name)
    }

    /// Tokens minted per proven block (500 in every version).
    pub fn checkpoint_reward(self) -> Amount {
        500 * TOKEN
    }

    /// The sequencers' part of the checkpoint reward, basis points
    /// (AZIP-30: 9000 from v6, so provers get 50 tokens a block).
    pub fn sequencer_bps(self) -> u64 {
        match self {
            Version::V4 | Version::V5 => 7_000,
            Version::V6 => 9_000,
        }
    }

    /// The proving price per mana that fees charge, wei.
    pub fn proving_cost_per_mana(self) -> Amount {
        match self {
            Version::V4 => 25_000_000,
            Version::V5 | Version::V6 => 12_500_000,
        }
    }

    /// The booster's constants (the AZIP-5 ones from v5).
    pub fn quadratic(self) -> Quadratic {
        match self {
            Version::V4 => Quadratic::DEPLOYED,
            Version::V5 | Version::V6 => Quadratic::AZIP5,
        }
    }

    /// Which submissions bump the score (AZIP-25: full epochs only, from
    /// v6).
    pub fn score_on(self) -> ScoreOn {
        match self {
            Version::V4 | Version::V5 => ScoreOn::AnyProof,
            Version::V6 => ScoreOn::FullEpoch,
        }
    }

    /// The booster a chain of this version starts with.
    pub fn booster(self) -> BoosterConfig {
        BoosterConfig {
            rule: Rule::Quadratic(self.quadratic()),
            score_on: self.score_on(),
        }
    }

    /// Whether governance may change what `key` (one of [`PAYLOAD_KEYS`])
    /// names. From v5 it sets the reward and its split, and
    /// `proving_cost_per_mana` through its rate-limited setter
    /// ([`Version::limited_proving_cost`]); a top-up of the distributor is a
    /// transfer of tokens, not a change of the rollup, and stays possible.
    /// The booster is fixed.
    pub fn governs(self, key: &str) -> bool {
        match self {
            Version::V4 => true,
            Version::V5 | Version::V6 => key != "booster",
        }
    }

    /// The first key of `payload` this version's governance may not change.
    pub fn refused_key(self, payload: &Payload) -> Option<&'static str> {
        let set = [
            payload.checkpoint_reward.is_some(),
            payload.sequencer_bps.is_some(),
            payload.proving_cost_per_mana.is_some(),
            payload.distributor_top_up.is_some(),
            payload.booster.is_some(),
        ];
        PAYLOAD_KEYS
            .into_iter()
            .zip(set)
            .find(|&(key, set)| set && !self.governs(key))
            .map(|(key, _)| key)
    }

    /// Whether a proof's submitter forwards a gas stipend (AZIP-31, from v6).
    pub fn pays_stipend(self) -> bool {
        self >= Version::V6
    }

    /// The gas a proof's submitter forwards as a stipend (AZIP-31, from
    /// v6): 200,000 plus 100,000 per block the proof newly proves; its
    /// transaction reverts without it, so it is part of the submission's L1
    /// cost.
    pub fn stipend_gas(self, newly_proven_blocks: u64) -> u64 {
        if !self.pays_stipend() {
            return 0;
        }
        200_000u64.saturating_add(newly_proven_blocks.saturating_mul(100_000))
    }

    /// Whether the congestion part of the fee goes to a recipient governance
    /// sets (AZIP-23, from v6) rather than being burnt; the books name it
    /// `protocol_fee` then.
    pub fn pays_protocol_fee(self) -> bool {
        self >= Version::V6
    }

    /// `proving_cost_per_mana` after a change to `wanted` from `now`, `elapsed_s`
    /// seconds after the last change: from v5 a change is at most x3/2 (or
    /// /3*2) per 30 days, pro rata for shorter spans, and never below 2.
    pub fn limited_proving_cost(self, now: Amount, wanted: Amount, elapsed_s: u64) -> Amount {
        if self == Version::V4 {
            return wanted;
        }
        // The factor allowed over `elapsed_s`, in parts per million:
        // 1 + 0.5 * elapsed / 30 days, at most 1.5.
        let span = elapsed_s.min(PROVING_COST_PERIOD_S) as Amount;
        let ppm = 1_000_000 + 500_000 * span / PROVING_COST_PERIOD_S as Amount;
        let up = now.saturating_mul(ppm) / 1_000_000;
        let down = now.saturating_mul(1_000_000) / ppm;
        wanted.clamp(down.max(2), up.max(2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_the_default_is_v5() {
        for v in Version::ALL {
            assert_eq!(Version::named(v.name()), Some(v));
        }
        assert_eq!(Version::named("v7"), None);
        assert_eq!(Version::CURRENT, Version::V5);
    }

    #[test]
    fn each_version_pays_provers_what_its_sources_say() {
        // 150 tokens a block to provers under v4 and v5, 50 under v6.
        for (v, provers_part) in [(Version::V4, 150), (Version::V5, 150), (Version::V6, 50)] {
            let provers =
                v.checkpoint_reward() * (10_000 - v.sequencer_bps() as Amount) / 10_000 / TOKEN;
            assert_eq!(provers, provers_part, "{}", v.name());
        }
    }

    #[test]
    fn from_v5_governance_cannot_change_the_booster() {
        let booster = Payload {
            booster: Some(Version::V4.booster()),
            ..Payload::default()
        };
        let fee = Payload {
            proving_cost_per_mana: Some(1),
            checkpoint_reward: Some(1),
            ..Payload::default()
        };
        let reward = Payload {
            checkpoint_reward: Some(1),
            sequencer_bps: Some(1),
            distributor_top_up: Some(1),
            ..Payload::default()
        };
        assert_eq!(Version::V4.refused_key(&booster), None);
        assert_eq!(Version::V5.refused_key(&booster), Some("booster"));
        assert_eq!(Version::V6.refused_key(&fee), None);
        assert_eq!(Version::V6.refused_key(&reward), None);
    }

    #[test]
    fn the_stipend_counts_newly_proven_blocks() {
        assert_eq!(Version::V5.stipend_gas(32), 0);
        assert_eq!(Version::V6.stipend_gas(0), 200_000);
        assert_eq!(Version::V6.stipend_gas(32), 3_400_000);
    }

    #[test]
    fn the_proving_cost_moves_at_most_half_again_in_30_days() {
        let day = 24 * 3600;
        let v = Version::V5;
        assert_eq!(v.limited_proving_cost(1_000, 10_000, 30 * day), 1_500);
        assert_eq!(v.limited_proving_cost(1_000, 10_000, 60 * day), 1_500);
        assert_eq!(v.limited_proving_cost(1_000, 10_000, 15 * day), 1_250);
        assert_eq!(v.limited_proving_cost(1_500, 1, 30 * day), 1_000);
        assert_eq!(v.limited_proving_cost(1_000, 1_100, 30 * day), 1_100);
        assert_eq!(v.limited_proving_cost(2, 0, 30 * day), 2);
        assert_eq!(Version::V4.limited_proving_cost(1_000, 10_000, 0), 10_000);
    }
}
