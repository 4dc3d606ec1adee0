//! Concentration per identity and per owner: a cartel's identities (a
//! sybil's, a striking or kickback cartel's members) count as one owner.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::base::units::tokens;

/// One prover's totals over the run.
#[derive(Clone, Debug, Default)]
pub(super) struct ProverTotals {
    pub strategy: &'static str,
    /// Its group's index in the scenario.
    pub group: usize,
    pub owner: u32,
    pub reward_units: u128,
    pub cost: f64,
    pub slashed: f64,
}

/// A cartel's rewards: its identities together, as one owner.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct OwnerSummary {
    /// Identities it registered over the run.
    pub identities: u64,
    /// Its rewards, smallest units (the sum of its identities').
    pub reward_units: String,
    /// Its rewards, tokens.
    pub rewards: f64,
    /// Its part of all prover rewards.
    pub reward_share: f64,
}

/// HHI and the largest share of rewards grouped by `key`.
pub(super) fn concentration(
    by: &[ProverTotals],
    key: impl Fn(usize, &ProverTotals) -> u32,
) -> (f64, f64) {
    let mut totals: BTreeMap<u32, u128> = BTreeMap::new();
    for (i, p) in by.iter().enumerate() {
        *totals.entry(key(i, p)).or_default() += p.reward_units;
    }
    let all: u128 = totals.values().sum();
    if all == 0 {
        return (0.0, 0.0);
    }
    let shares = totals.values().map(|&u| u as f64 / all as f64);
    (
        shares.clone().map(|s| s * s).sum(),
        shares.fold(0.0, f64::max),
    )
}

/// Each cartel's rewards as one owner, by its name.
pub(super) fn owners(
    by: &[ProverTotals],
    cartels: &BTreeMap<u32, String>,
    all_units: u128,
) -> BTreeMap<String, OwnerSummary> {
    let mut sums: BTreeMap<&str, (u64, u128)> = BTreeMap::new();
    for p in by {
        if let Some(name) = cartels.get(&p.owner) {
            let c = sums.entry(name).or_default();
            c.0 += 1;
            c.1 += p.reward_units;
        }
    }
    sums.into_iter()
        .map(|(name, (identities, units))| {
            let o = OwnerSummary {
                identities,
                reward_units: units.to_string(),
                rewards: tokens(units),
                reward_share: if all_units > 0 {
                    units as f64 / all_units as f64
                } else {
                    0.0
                },
            };
            (name.to_string(), o)
        })
        .collect()
}
