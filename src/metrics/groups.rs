//! Results per prover group: what each group's provers earned and did, so
//! that a comparison shows what a change does to one kind of prover (the
//! intermittent provers AZIP-5 is about), not only to the market as a
//! whole. Every field is a column of sweeps and a metric of `compare`
//! (`groups.<name>.<field>`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::base::units::tokens;

use super::name::Name;

/// One prover's part of a settled epoch, as the summary counts it.
#[derive(Copy, Clone, Debug)]
pub struct ProverEpoch {
    /// Its index.
    pub prover: u32,
    /// Its owner's index.
    pub owner: u32,
    /// Its strategy.
    pub strategy: &'static str,
    /// Its group.
    pub group: Name,
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
}

/// Accumulates each group's results as epochs settle.
#[derive(Debug, Default)]
pub struct GroupAcc {
    /// By group, in the order groups first appear.
    groups: Vec<(Name, GroupTotals)>,
}

#[derive(Debug, Default)]
struct GroupTotals {
    strategy: String,
    provers: Vec<u32>,
    reward_units: u128,
    costs: f64,
    slashed: f64,
    epochs_proved: u64,
    epochs_superseded: u64,
    score_sum: f64,
    score_n: u64,
    entries: u64,
    exits: u64,
}

impl GroupAcc {
    fn totals(&mut self, group: Name) -> &mut GroupTotals {
        let i = match self.groups.iter().position(|(g, _)| *g == group) {
            Some(i) => i,
            None => {
                self.groups.push((group, GroupTotals::default()));
                self.groups.len() - 1
            }
        };
        &mut self.groups[i].1
    }

    /// A group of the scenario, listed whether or not any of its provers
    /// ever proves (a group that never enters still has its row).
    pub fn declare(&mut self, group: Name, strategy: &str) {
        let t = self.totals(group);
        if t.strategy.is_empty() {
            t.strategy = strategy.to_string();
        }
    }

    /// A prover's part of a settled epoch.
    pub fn epoch(&mut self, p: &ProverEpoch) {
        let t = self.totals(p.group);
        if t.strategy.is_empty() {
            t.strategy = p.strategy.to_string();
        }
        if let Err(at) = t.provers.binary_search(&p.prover) {
            t.provers.insert(at, p.prover);
        }
        t.reward_units += p.reward;
        t.costs += p.cost;
        t.slashed += p.slashed;
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

    /// A prover of `group` entered the market.
    pub fn entered(&mut self, group: Name) {
        self.totals(group).entries += 1;
    }

    /// A prover of `group` left the market.
    pub fn exited(&mut self, group: Name) {
        self.totals(group).exits += 1;
    }

    /// Each group's summary by name; shares of `all_units`, all prover
    /// rewards.
    pub fn finish(self, all_units: u128) -> BTreeMap<String, GroupSummary> {
        self.groups
            .into_iter()
            .map(|(name, t)| {
                let rewards = tokens(t.reward_units);
                let summary = GroupSummary {
                    strategy: t.strategy,
                    provers: t.provers.len() as u64,
                    rewards,
                    reward_share: if all_units > 0 {
                        t.reward_units as f64 / all_units as f64
                    } else {
                        0.0
                    },
                    costs: t.costs,
                    profit: rewards - t.costs - t.slashed,
                    epochs_proved: t.epochs_proved,
                    epochs_superseded: t.epochs_superseded,
                    mean_score: if t.score_n > 0 {
                        t.score_sum / t.score_n as f64
                    } else {
                        0.0
                    },
                    entries: t.entries,
                    exits: t.exits,
                };
                (name.to_string(), summary)
            })
            .collect()
    }
}
