//! Results per prover group: what each group's provers earned and did, so
//! that a comparison shows what a change does to one kind of prover (the
//! intermittent provers AZIP-5 is about), not only to the market as a
//! whole. Every field is a column of sweeps and a metric of `compare`
//! (`groups.<name>.<field>`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::base::units::tokens;

use super::name::Name;
use super::owners::ProverTotals;

/// One prover's part of a settled epoch, as the summary counts it.
#[derive(Copy, Clone, Debug)]
pub struct ProverEpoch {
    /// Its index.
    pub prover: u32,
    /// Its owner's index.
    pub owner: u32,
    /// Its strategy.
    pub strategy: &'static str,
    /// Its group's index in the scenario (as declared to [`GroupAcc`]).
    pub group: usize,
    /// What it was paid for the epoch, smallest units.
    pub reward: u128,
    /// What it spent on it, tokens.
    pub cost: f64,
    /// Bonds it lost, tokens.
    pub slashed: f64,
    /// Whether it submitted a proof of the epoch.
    pub submitted: bool,
    /// Whether it was in the market at the epoch's close.
    pub active: bool,
    /// Its booster score at the epoch's close (decayed to it).
    pub score: u64,
}

/// One group's results over the run.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct GroupSummary {
    /// Its strategy.
    pub strategy: String,
    /// Its provers that were ever in the market or paid.
    pub provers: u64,
    /// Rewards, tokens.
    pub rewards: f64,
    /// Its part of all prover rewards.
    pub reward_share: f64,
    /// Costs, tokens.
    pub costs: f64,
    /// Rewards minus costs minus bonds lost, tokens.
    pub profit: f64,
    /// Epochs its provers were paid for, summed over its provers.
    pub epochs_proved: u64,
    /// Epochs one of its provers submitted a proof for and was not paid:
    /// a longer proof superseded its own, or its own was refused.
    pub epochs_superseded: u64,
    /// The mean booster score of its provers in the market, over the
    /// epochs' closes.
    pub mean_score: f64,
    /// Provers that entered the market after the start.
    pub entries: u64,
    /// Provers that left it.
    pub exits: u64,
    /// Identities its operators added (each also counts in `entries`): the
    /// rest of `entries` are operators that came in.
    pub identities_added: u64,
}

/// Accumulates what each group's provers did as epochs settle; what they
/// earned and spent is each prover's totals, summed by group at the end.
#[derive(Debug, Default)]
pub struct GroupAcc {
    /// By group, in the scenario's order.
    groups: Vec<(Name, GroupTotals)>,
}

#[derive(Debug, Default)]
struct GroupTotals {
    strategy: String,
    epochs_proved: u64,
    epochs_superseded: u64,
    score_sum: f64,
    score_n: u64,
    entries: u64,
    exits: u64,
    identities_added: u64,
}

impl GroupAcc {
    /// The next group of the scenario (groups are declared in its order),
    /// listed whether or not any of its provers ever proves.
    pub fn declare(&mut self, group: Name, strategy: &str) {
        let totals = GroupTotals {
            strategy: strategy.to_string(),
            ..GroupTotals::default()
        };
        self.groups.push((group, totals));
    }

    fn totals(&mut self, group: usize) -> &mut GroupTotals {
        if self.groups.len() <= group {
            self.groups.resize_with(group + 1, Default::default);
        }
        &mut self.groups[group].1
    }

    /// A prover's part of a settled epoch.
    pub fn epoch(&mut self, p: &ProverEpoch) {
        let t = self.totals(p.group);
        if p.reward > 0 {
            t.epochs_proved += 1;
        } else if p.submitted {
            t.epochs_superseded += 1;
        }
        if p.active {
            t.score_sum += p.score as f64;
            t.score_n += 1;
        }
    }

    /// A prover of group `group` (its index) entered the market.
    pub fn entered(&mut self, group: usize) {
        self.totals(group).entries += 1;
    }

    /// An operator of group `group` (its index) decided to add an identity.
    pub fn identity_added(&mut self, group: usize) {
        self.totals(group).identities_added += 1;
    }

    /// A prover of group `group` (its index) left the market.
    pub fn exited(&mut self, group: usize) {
        self.totals(group).exits += 1;
    }

    /// Each group's summary by name, its provers' totals (`by`) summed; its
    /// share is of `all_units`, all prover rewards.
    pub(super) fn finish(
        self,
        by: &[ProverTotals],
        all_units: u128,
    ) -> BTreeMap<String, GroupSummary> {
        self.groups
            .into_iter()
            .enumerate()
            .map(|(g, (name, t))| {
                let (mut provers, mut units, mut costs, mut slashed) = (0, 0u128, 0.0, 0.0);
                for p in by.iter().filter(|p| p.group == g) {
                    provers += 1;
                    units += p.reward_units;
                    costs += p.cost;
                    slashed += p.slashed;
                }
                let rewards = tokens(units);
                let summary = GroupSummary {
                    strategy: t.strategy,
                    provers,
                    rewards,
                    reward_share: if all_units > 0 {
                        units as f64 / all_units as f64
                    } else {
                        0.0
                    },
                    costs,
                    profit: rewards - costs - slashed,
                    epochs_proved: t.epochs_proved,
                    epochs_superseded: t.epochs_superseded,
                    mean_score: if t.score_n > 0 {
                        t.score_sum / t.score_n as f64
                    } else {
                        0.0
                    },
                    entries: t.entries,
                    exits: t.exits,
                    identities_added: t.identities_added,
                };
                (name.to_string(), summary)
            })
            .collect()
    }
}
