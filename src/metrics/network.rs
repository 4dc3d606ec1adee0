//! What an observer of the L1 sees of the provers, measured as the mainnet
//! observations of docs/model.md section 13 are: accepted proofs per epoch,
//! distinct identities and operators with an accepted proof per day, gas
//! per proof, the ETH provers spend on L1 a day, and their L1
//! transactions a day.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::base::units::SECONDS_PER_DAY;

/// A distribution over epochs: its mean and 5, 50 and 95% quantiles.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Spread {
    /// The mean.
    pub mean: f64,
    /// The 5% quantile.
    pub p05: f64,
    /// The median.
    pub p50: f64,
    /// The 95% quantile.
    pub p95: f64,
}

impl Spread {
    /// The spread of `values` (nearest-rank quantiles; all 0 when empty).
    fn of(mut values: Vec<f64>) -> Spread {
        if values.is_empty() {
            return Spread::default();
        }
        values.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let rank = (q * values.len() as f64).ceil().max(1.0) as usize;
            values[rank.min(values.len()) - 1]
        };
        Spread {
            mean: values.iter().sum::<f64>() / values.len() as f64,
            p05: at(0.05),
            p50: at(0.5),
            p95: at(0.95),
        }
    }
}

/// The run's provers as the L1 shows them.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct NetworkSummary {
    /// Accepted submissions per epoch, over the epochs whose window closed.
    pub proofs_per_epoch: Spread,
    /// Distinct identities with an accepted proof per 24 hours (mean over
    /// whole days; the run's only day if it is shorter).
    pub provers_per_day: f64,
    /// Distinct operators (owners) with an accepted proof per 24 hours.
    pub operators_per_day: f64,
    /// Distinct identities with an accepted proof in the run's last whole
    /// day (its only day if it is shorter).
    pub provers_last_day: f64,
    /// Distinct operators with an accepted proof in the run's last whole
    /// day: those still proving at the end.
    pub operators_last_day: f64,
    /// Mean L1 gas per proof submission (the proof and any stipend).
    pub l1_gas_per_proof: f64,
    /// ETH provers spent on L1 gas per day.
    pub prover_l1_eth_per_day: f64,
    /// Provers' L1 transactions per day (a bundle of proofs is one).
    pub l1_transactions_per_day: f64,
}

/// Counts as proofs land.
#[derive(Clone, Debug, Default)]
pub struct NetworkAcc {
    /// Accepted submissions by epoch.
    per_epoch: Vec<u64>,
    /// The day being counted, and its identities and owners.
    day: u64,
    identities: BTreeSet<u32>,
    owners: BTreeSet<u32>,
    /// Distinct identities and owners of each finished day.
    days: Vec<(usize, usize)>,
    submissions: u64,
    transactions: u64,
    gas: f64,
    eth: f64,
}

/// One submission as it lands on L1.
#[derive(Copy, Clone, Debug)]
pub struct Landing {
    /// Seconds since slot 0.
    pub time_s: f64,
    /// The epoch it proves.
    pub epoch: u64,
    /// The identity credited, and its owner (prover indices).
    pub identity: (u32, u32),
    /// Its L1 gas.
    pub gas: u64,
    /// What that gas cost, ETH.
    pub eth: f64,
    /// Whether the protocol accepted it.
    pub accepted: bool,
    /// Whether it is an L1 transaction of its own (not a further proof in
    /// another's bundle).
    pub opens_tx: bool,
}

impl NetworkAcc {
    fn close_days_until(&mut self, day: u64) {
        while self.day < day {
            self.days.push((self.identities.len(), self.owners.len()));
            self.identities.clear();
            self.owners.clear();
            self.day += 1;
        }
    }

    /// A cancellation of a stalled submission landed, costing `eth`: an
    /// L1 transaction, but no proof.
    pub fn cancelled(&mut self, eth: f64) {
        self.transactions += 1;
        self.eth += eth;
    }

    /// A submission landed.
    pub fn landed(&mut self, l: Landing) {
        self.submissions += 1;
        self.transactions += l.opens_tx as u64;
        self.gas += l.gas as f64;
        self.eth += l.eth;
        if !l.accepted {
            return;
        }
        self.close_days_until((l.time_s / SECONDS_PER_DAY) as u64);
        self.identities.insert(l.identity.0);
        self.owners.insert(l.identity.1);
        let e = l.epoch as usize;
        if self.per_epoch.len() <= e {
            self.per_epoch.resize(e + 1, 0);
        }
        self.per_epoch[e] += 1;
    }

    /// The summary of a run of `epochs` epochs of `epoch_s` seconds whose
    /// last `window` epochs could still be proven when it ended.
    pub fn finish(mut self, epochs: u64, epoch_s: f64, window: u64) -> NetworkSummary {
        let run_s = epochs as f64 * epoch_s;
        let whole_days = (run_s / SECONDS_PER_DAY) as u64;
        self.close_days_until(whole_days.max(1));
        let days = &self.days[..(whole_days.max(1) as usize).min(self.days.len())];
        let mean = |f: fn(&(usize, usize)) -> usize| {
            days.iter().map(|d| f(d) as f64).sum::<f64>() / days.len().max(1) as f64
        };
        let settled = epochs.saturating_sub(window) as usize;
        let mut counts = self.per_epoch;
        counts.resize(counts.len().max(settled), 0);
        let counts: Vec<f64> = counts[..settled].iter().map(|&c| c as f64).collect();
        let per_day = |x: f64| {
            if run_s > 0.0 {
                x * SECONDS_PER_DAY / run_s
            } else {
                0.0
            }
        };
        NetworkSummary {
            proofs_per_epoch: Spread::of(counts),
            provers_per_day: mean(|d| d.0),
            operators_per_day: mean(|d| d.1),
            provers_last_day: days.last().map_or(0.0, |d| d.0 as f64),
            operators_last_day: days.last().map_or(0.0, |d| d.1 as f64),
            l1_gas_per_proof: if self.submissions > 0 {
                self.gas / self.submissions as f64
            } else {
                0.0
            },
            prover_l1_eth_per_day: per_day(self.eth),
            l1_transactions_per_day: per_day(self.transactions as f64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn landing(time_s: f64, epoch: u64, identity: (u32, u32)) -> Landing {
        Landing {
            time_s,
            epoch,
            identity,
            gas: 1_000_000,
            eth: 0.001,
            accepted: true,
            opens_tx: true,
        }
    }

    #[test]
    fn counts_proofs_per_epoch_and_identities_per_day() {
        let mut acc = NetworkAcc::default();
        let day = SECONDS_PER_DAY;
        // Day 0: identities 1 and 2 (one owner, whose bundle carries both
        // proofs); day 1: identity 3.
        acc.landed(landing(10.0, 0, (1, 1)));
        acc.landed(Landing {
            opens_tx: false,
            ..landing(20.0, 0, (2, 1))
        });
        acc.landed(landing(day + 5.0, 2, (3, 3)));
        acc.landed(Landing {
            accepted: false,
            ..landing(day + 6.0, 2, (4, 4))
        });
        // Four epochs of half a day; the last one still open.
        let s = acc.finish(4, day / 2.0, 1);
        // Epochs 0, 1, 2: 2, 0 and 1 proofs.
        assert_eq!(s.proofs_per_epoch.mean, 1.0);
        assert_eq!(s.proofs_per_epoch.p50, 1.0);
        assert_eq!(s.proofs_per_epoch.p05, 0.0);
        assert_eq!(s.proofs_per_epoch.p95, 2.0);
        assert_eq!(s.provers_per_day, 1.5);
        assert_eq!(s.operators_per_day, 1.0);
        assert_eq!((s.provers_last_day, s.operators_last_day), (1.0, 1.0));
        assert_eq!(s.l1_gas_per_proof, 1_000_000.0);
        // Four submissions in three transactions over two days.
        assert_eq!(s.l1_transactions_per_day, 1.5);
        assert!((s.prover_l1_eth_per_day - 0.002).abs() < 1e-12);
    }
}
