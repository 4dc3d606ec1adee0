//! A run's summary: liveness, active provers over time, reward
//! concentration, cost per proven transaction, incomes, per-strategy
//! results, and the books.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::base::units::tokens;

use super::groups::{GroupAcc, GroupSummary, ProverEpoch};
pub use super::owners::OwnerSummary;
use super::owners::{ProverTotals, concentration, owners};
use crate::protocol::Books;

use super::EpochRow;
use super::designs::{AuctionSummary, FeeMarketSummary};
use super::network::{Landing, NetworkAcc, NetworkSummary};

/// Per-strategy results.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct StrategySummary {
    /// Provers that ever played it.
    pub provers: u64,
    /// Rewards, tokens.
    pub rewards: f64,
    /// Costs, tokens.
    pub costs: f64,
    /// Bonds lost (the previous design), tokens.
    pub slashed: f64,
    /// Rewards minus costs minus bonds lost, tokens.
    pub profit: f64,
    /// Its part of all prover rewards.
    pub reward_share: f64,
    /// Submissions accepted.
    pub accepted: u64,
    /// Submissions rejected or invalid.
    pub rejected: u64,
}

/// Active provers over the run.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct ActiveProvers {
    /// Mean over epochs.
    pub mean: f64,
    /// Fewest.
    pub min: u64,
    /// Most.
    pub max: u64,
    /// At the last epoch.
    pub last: u64,
    /// Mean over the second half of the run (the long run).
    pub mean_second_half: f64,
    /// `(epoch, active provers)`, at most 200 points evenly spaced.
    pub series: Vec<(u64, u64)>,
}

/// A group of provers that arrived after genesis, against the incumbents.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct NewcomerSummary {
    /// The epoch the group became active.
    pub start_epoch: u64,
    /// Epochs until its mean shares per paid prover reached 99% of the
    /// incumbents' (none if never).
    pub epochs_to_parity: Option<u64>,
    /// What one of its provers earned from its start to parity (or the end),
    /// tokens.
    pub earned_until_parity: f64,
    /// What one incumbent earned over the same epochs, tokens.
    pub incumbent_earned_same_epochs: f64,
}

/// Bridging transactions' latency from submission to proven.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct BridgingSummary {
    /// Bridging transactions proven.
    pub proven: u64,
    /// Mean seconds from submission to proven.
    pub mean_latency_s: f64,
    /// Median seconds.
    pub median_latency_s: f64,
    /// 95th percentile, seconds.
    pub p95_latency_s: f64,
    /// Part proven by their own bridger.
    pub self_proved_share: f64,
    /// Mean seconds of those the bridger proved itself.
    pub mean_latency_self_s: Option<f64>,
    /// Mean seconds of those the provers proved.
    pub mean_latency_others_s: Option<f64>,
}

/// The books as decimal strings (exact).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct BooksSummary {
    /// Checkpoint rewards minted.
    pub minted: String,
    /// Fees of proven blocks.
    pub fees: String,
    /// Burnt congestion fees.
    pub burnt: String,
    /// Credited to sequencers.
    pub paid_sequencers: String,
    /// Paid to provers.
    pub paid_provers: String,
    /// Rounding dust.
    pub dust: String,
    /// Pools not settled.
    pub unsettled: String,
    /// Pools given back to the distributor (written only by a design that
    /// returns some: an auction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returned: Option<String>,
    /// Whether `minted + fees` equals everything paid, burnt and held.
    pub balanced: bool,
}

impl From<&Books> for BooksSummary {
    fn from(b: &Books) -> Self {
        BooksSummary {
            minted: b.minted.to_string(),
            fees: b.fees.to_string(),
            burnt: b.burnt.to_string(),
            paid_sequencers: b.paid_sequencers.to_string(),
            paid_provers: b.paid_provers.to_string(),
            dust: b.dust.to_string(),
            unsettled: b.unsettled.to_string(),
            returned: (b.returned > 0).then(|| b.returned.to_string()),
            balanced: b.check().is_ok(),
        }
    }
}

/// What a run came to.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Summary {
    /// The scenario's name.
    pub scenario: String,
    /// The run seed.
    pub seed: u64,
    /// The version of the rollup contracts whose rules ran.
    pub protocol: String,
    /// Epochs simulated.
    pub epochs: u64,
    /// Blocks proven over blocks built.
    pub liveness: f64,
    /// Blocks built.
    pub blocks_built: u64,
    /// Blocks proven.
    pub blocks_proven: u64,
    /// Blocks pruned.
    pub blocks_pruned: u64,
    /// Prune events.
    pub prunes: u64,
    /// Transactions in proven blocks.
    pub txs_proven: u64,
    /// Active provers over time.
    pub active_provers: ActiveProvers,
    /// Herfindahl–Hirschman index of prover rewards (0..1).
    pub reward_hhi: f64,
    /// The best-paid prover's part of prover rewards.
    pub top1_share: f64,
    /// HHI of prover rewards per owner: a cartel's identities count as one.
    pub reward_hhi_by_owner: f64,
    /// The best-paid owner's part of prover rewards.
    pub top1_share_by_owner: f64,
    /// Each cartel's rewards as one owner, by group name.
    pub owners: BTreeMap<String, OwnerSummary>,
    /// Prover costs per transaction proven, tokens.
    pub cost_per_proven_tx: Option<f64>,
    /// Fees users paid in proven blocks, tokens.
    pub user_fees: f64,
    /// Mean over epochs with blocks of the proving cost spent on an epoch
    /// over the cost of its cheapest single full proof.
    pub redundancy: Option<f64>,
    /// Minted per simulated year over `[rewards] token_supply`.
    pub inflation_per_year: f64,
    /// The first epoch whose blocks minted less than the checkpoint reward
    /// (the distributor ran dry), if any.
    pub distributor_dry_epoch: Option<u64>,
    /// Transactions sent back to the mempool by prunes (included again
    /// later).
    pub txs_delayed_by_prunes: u64,
    /// Mean delay a prune added to a transaction it sent back: from the
    /// pruned block that held it to its next inclusion, seconds (those
    /// still waiting at the end are not counted).
    pub prune_added_latency_s: Option<f64>,
    /// The delay prunes added, summed over transactions, hours.
    pub prune_delay_tx_hours: f64,
    /// What users paid for the L1 gas of proof submission, in the prover
    /// part of their fees, tokens.
    pub proof_gas_paid_by_users: f64,
    /// What provers paid in L1 gas for their submissions, tokens.
    pub proof_gas_paid_by_provers: f64,
    /// Paid for proving from fees and minted rewards: provers' rewards
    /// plus the kickbacks they paid out of them, tokens.
    pub paid_for_proving: f64,
    /// Credited to sequencers, tokens.
    pub sequencer_income: f64,
    /// Paid to provers, tokens.
    pub prover_rewards: f64,
    /// Prover costs, tokens.
    pub prover_costs: f64,
    /// Prover rewards minus costs minus bonds lost, tokens.
    pub prover_profit: f64,
    /// Mean seconds from an epoch's end until it was fully proven.
    pub mean_full_proof_latency_s: Option<f64>,
    /// Results per prover strategy.
    pub strategies: BTreeMap<String, StrategySummary>,
    /// Results per prover group, by its name.
    pub groups: BTreeMap<String, GroupSummary>,
    /// Groups that arrived after genesis, by name.
    pub newcomers: BTreeMap<String, NewcomerSummary>,
    /// Bridging latency, if there were bridging transactions.
    pub bridging: Option<BridgingSummary>,
    /// Governance payloads executed.
    pub payloads_executed: u64,
    /// Copies' griefing of the provers they copied.
    pub griefing: Griefing,
    /// Bonded design: kickbacks paid to colluding sequencers, tokens.
    pub kickbacks: f64,
    /// Bonded design: bonds slashed, tokens.
    pub slashed: f64,
    /// Bonded design: capital locked in bonds at the end, tokens.
    pub capital_locked: f64,
    /// Engine events handled.
    pub engine_events: u64,
    /// The provers as an observer of the L1 sees them (docs/model.md
    /// section 13's observations).
    pub network: NetworkSummary,
    /// The fee market's controller, when that design ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fee_market: Option<FeeMarketSummary>,
    /// The auction's figures, when that design ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auction: Option<AuctionSummary>,
    /// The migration to another version within the run, if there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migration: Option<MigrationSummary>,
    /// The books at the end.
    pub books: BooksSummary,
}

/// Who started on the version the rollup migrated to (docs/model.md
/// section 12).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct MigrationSummary {
    /// The first epoch under the new version.
    pub epoch: u64,
    /// The version it became.
    pub to: String,
    /// Identities active when it came.
    pub provers_active: u32,
    /// Of those, the identities that started on it.
    pub provers_started: u32,
    /// Operators (owners) active when it came.
    pub operators_active: u32,
    /// Of those, the operators with an identity that started on it.
    pub operators_started: u32,
}

/// Accumulates a summary as rows are produced.
#[derive(Debug, Default)]
pub struct SummaryAcc {
    blocks_built: u64,
    blocks_proven: u64,
    blocks_pruned: u64,
    prunes: u64,
    txs_proven: u64,
    active: Vec<u64>,
    latency_sum: f64,
    latency_n: u64,
    /// Totals by prover index.
    by_prover: Vec<ProverTotals>,
    /// The owners of cartels, by the owning prover's index, with the
    /// cartel's name.
    cartels: BTreeMap<u32, String>,
    strategies: BTreeMap<&'static str, StrategySummary>,
    groups: GroupAcc,
    /// Submissions (accepted, rejected) by strategy: a short list, since a
    /// run has a few strategies and every submission counts here.
    submitted: Vec<(&'static str, u64, u64)>,
    sequencer_income: f64,
    /// (latency, self-proved) of each proven bridging transaction.
    bridges: Vec<(f64, bool)>,
    payloads_executed: u64,
    newcomers: BTreeMap<String, NewcomerSummary>,
    kickbacks: f64,
    slashed: f64,
    griefing: Griefing,
    redundancy_sum: f64,
    redundancy_n: u64,
    dry_epoch: Option<u64>,
    txs_delayed: u64,
    txs_reincluded: u64,
    /// Seconds of delay summed over re-included transactions.
    prune_delay_tx_s: f64,
    users_proof_gas: f64,
    provers_proof_gas: f64,
    network: NetworkAcc,
}

/// What copies of binding proofs cost their victims: the victim's own
/// submission of the proof, landing after the copy that credited it, fails
/// as a duplicate and its gas is wasted.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Griefing {
    /// Victims' submissions that failed so.
    pub victim_submissions: u64,
    /// The gas they wasted, tokens.
    pub victim_gas: f64,
}

impl SummaryAcc {
    /// An epoch closed.
    pub fn epoch(&mut self, r: &EpochRow) {
        self.blocks_built += r.blocks_built;
        self.blocks_proven += r.blocks_proven;
        self.blocks_pruned += r.blocks_pruned;
        if r.blocks_proven > 0 {
            self.txs_proven += r.txs;
        }
        self.active.push(r.active_provers);
        if let Some(x) = r.redundancy {
            self.redundancy_sum += x;
            self.redundancy_n += 1;
        }
        if let Some(l) = r.full_proof_latency_s {
            self.latency_sum += l;
            self.latency_n += 1;
        }
    }

    /// A prover's part of a settled epoch: what it earned, spent and lost.
    pub fn prover(&mut self, p: &ProverEpoch) {
        let i = p.prover as usize;
        if self.by_prover.len() <= i {
            self.by_prover.resize(i + 1, ProverTotals::default());
        }
        let e = &mut self.by_prover[i];
        e.strategy = p.strategy;
        e.group = p.group;
        e.owner = p.owner;
        e.reward_units += p.reward;
        e.cost += p.cost;
        e.slashed += p.slashed;
        self.groups.epoch(p);
    }

    /// The results per group: each group of the scenario is declared, a
    /// prover's entry and exit counted.
    pub fn groups(&mut self) -> &mut GroupAcc {
        &mut self.groups
    }

    /// Prover `owner` (an index) owns the cartel `name`.
    pub fn shared_owner(&mut self, owner: u32, name: &str) {
        self.cartels.insert(owner, name.to_string());
    }

    /// A submission by a prover of `strategy` landed.
    pub fn submission(&mut self, strategy: &'static str, accepted: bool) {
        let i = match self.submitted.iter().position(|(k, ..)| *k == strategy) {
            Some(i) => i,
            None => {
                self.submitted.push((strategy, 0, 0));
                self.submitted.len() - 1
            }
        };
        let s = &mut self.submitted[i];
        if accepted {
            s.1 += 1;
        } else {
            s.2 += 1;
        }
    }

    /// A bridging transaction was proven after `latency_s`.
    pub fn bridge(&mut self, latency_s: f64, self_proved: bool) {
        self.bridges.push((latency_s, self_proved));
    }

    /// Epoch `epoch` of a group that started at `start_epoch`: mean shares
    /// per paid prover of the group and of the incumbents, and mean reward
    /// per active prover of each.
    pub fn newcomer_epoch(
        &mut self,
        group: &str,
        start_epoch: u64,
        epoch: u64,
        (own_shares, incumbent_shares): (f64, f64),
        (own_reward, incumbent_reward): (f64, f64),
    ) {
        let n = self
            .newcomers
            .entry(group.to_string())
            .or_insert_with(|| NewcomerSummary {
                start_epoch,
                ..NewcomerSummary::default()
            });
        if n.epochs_to_parity.is_some() {
            return;
        }
        n.earned_until_parity += own_reward;
        n.incumbent_earned_same_epochs += incumbent_reward;
        if own_shares > 0.0 && own_shares >= 0.99 * incumbent_shares {
            n.epochs_to_parity = Some(epoch - start_epoch);
        }
    }

    /// A kickback of `tokens` was paid.
    pub fn kickback(&mut self, tokens: f64) {
        self.kickbacks += tokens;
    }

    /// A bond of `tokens` was slashed.
    pub fn slashed(&mut self, tokens: f64) {
        self.slashed += tokens;
    }

    /// A victim's submission failed behind a copy, wasting `gas` tokens.
    pub fn griefed(&mut self, gas: f64) {
        self.griefing.victim_submissions += 1;
        self.griefing.victim_gas += gas;
    }

    /// A governance payload executed.
    pub fn executed(&mut self) {
        self.payloads_executed += 1;
    }

    /// A prune that sent `txs` transactions back to the mempool.
    pub fn prune(&mut self, txs: u64) {
        self.prunes += 1;
        self.txs_delayed += txs;
    }

    /// `txs` transactions of a pruned block were included again
    /// `delay_s` seconds after the pruned block that held them was built.
    pub fn prune_delay(&mut self, txs: u64, delay_s: f64) {
        self.txs_reincluded += txs;
        self.prune_delay_tx_s += txs as f64 * delay_s;
    }

    /// A block built in `epoch` minted less than the checkpoint reward:
    /// the distributor ran dry (the first such epoch is kept).
    pub fn distributor_dry(&mut self, epoch: u64) {
        self.dry_epoch.get_or_insert(epoch);
    }

    /// Users paid `tokens` for the L1 gas of proof submission in a block.
    pub fn users_proof_gas(&mut self, tokens: f64) {
        self.users_proof_gas += tokens;
    }

    /// A prover paid `tokens` of L1 gas for a proof submission.
    pub fn provers_proof_gas(&mut self, tokens: f64) {
        self.provers_proof_gas += tokens;
    }

    /// A proof submission landed on L1.
    pub fn landed(&mut self, landing: Landing) {
        self.network.landed(landing);
    }

    /// A cancellation of a stalled proof submission landed on L1, costing
    /// `eth`.
    pub fn l1_cancelled(&mut self, eth: f64) {
        self.network.cancelled(eth);
    }

    /// A sequencer was credited `tokens`.
    pub fn sequencer_credit(&mut self, tokens: f64) {
        self.sequencer_income += tokens;
    }

    /// The summary.
    pub fn finish(
        mut self,
        scenario: &str,
        seed: u64,
        protocol: &str,
        (epochs, epoch_s, window): (u64, f64, u64),
        events: u64,
        books: &Books,
    ) -> Summary {
        // Provers with no totals (never paid nor spent) leave no trace.
        let by: Vec<ProverTotals> = std::mem::take(&mut self.by_prover)
            .into_iter()
            .filter(|p| !p.strategy.is_empty())
            .collect();
        let all_units: u128 = by.iter().map(|p| p.reward_units).sum();
        let total_rewards = tokens(all_units);
        let total_costs: f64 = by.iter().map(|p| p.cost).sum();
        let total_slashed: f64 = by.iter().map(|p| p.slashed).sum();
        let (hhi, top1) = concentration(&by, |i, _| i as u32);
        let (hhi_owner, top1_owner) = concentration(&by, |_, p| p.owner);
        let owners = owners(&by, &self.cartels, all_units);
        for &(strategy, accepted, rejected) in &self.submitted {
            let s = self.strategies.entry(strategy).or_default();
            s.accepted += accepted;
            s.rejected += rejected;
        }
        for p in &by {
            let s = self.strategies.entry(p.strategy).or_default();
            s.provers += 1;
            s.rewards += tokens(p.reward_units);
            s.costs += p.cost;
            s.slashed += p.slashed;
        }
        for s in self.strategies.values_mut() {
            s.profit = s.rewards - s.costs - s.slashed;
            s.reward_share = if total_rewards > 0.0 {
                s.rewards / total_rewards
            } else {
                0.0
            };
        }
        let n = self.active.len();
        let step = n.div_ceil(200).max(1);
        let half = &self.active[n / 2..];
        let active_provers = ActiveProvers {
            mean: mean(&self.active),
            min: self.active.iter().copied().min().unwrap_or(0),
            max: self.active.iter().copied().max().unwrap_or(0),
            last: self.active.last().copied().unwrap_or(0),
            mean_second_half: mean(half),
            series: self
                .active
                .iter()
                .enumerate()
                .step_by(step)
                .map(|(e, &a)| (e as u64, a))
                .collect(),
        };
        let bridging = (!self.bridges.is_empty()).then(|| {
            let mut l: Vec<f64> = self.bridges.iter().map(|b| b.0).collect();
            l.sort_by(f64::total_cmp);
            let pick = |q: f64| l[((l.len() - 1) as f64 * q).round() as usize];
            let part = |own: bool| {
                let xs: Vec<f64> = self
                    .bridges
                    .iter()
                    .filter(|b| b.1 == own)
                    .map(|b| b.0)
                    .collect();
                (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
            };
            BridgingSummary {
                proven: l.len() as u64,
                mean_latency_s: l.iter().sum::<f64>() / l.len() as f64,
                median_latency_s: pick(0.5),
                p95_latency_s: pick(0.95),
                self_proved_share: self.bridges.iter().filter(|b| b.1).count() as f64
                    / l.len() as f64,
                mean_latency_self_s: part(true),
                mean_latency_others_s: part(false),
            }
        });
        Summary {
            scenario: scenario.to_string(),
            protocol: protocol.to_string(),
            seed,
            epochs,
            liveness: if self.blocks_built > 0 {
                self.blocks_proven as f64 / self.blocks_built as f64
            } else {
                0.0
            },
            blocks_built: self.blocks_built,
            blocks_proven: self.blocks_proven,
            blocks_pruned: self.blocks_pruned,
            prunes: self.prunes,
            txs_proven: self.txs_proven,
            active_provers,
            reward_hhi: hhi,
            top1_share: top1,
            reward_hhi_by_owner: hhi_owner,
            top1_share_by_owner: top1_owner,
            owners,
            cost_per_proven_tx: (self.txs_proven > 0).then(|| total_costs / self.txs_proven as f64),
            sequencer_income: self.sequencer_income,
            prover_rewards: total_rewards,
            prover_costs: total_costs,
            prover_profit: total_rewards - total_costs - total_slashed,
            mean_full_proof_latency_s: (self.latency_n > 0)
                .then(|| self.latency_sum / self.latency_n as f64),
            strategies: self
                .strategies
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            groups: std::mem::take(&mut self.groups).finish(&by, all_units),
            newcomers: self.newcomers,
            bridging,
            payloads_executed: self.payloads_executed,
            user_fees: tokens(books.fees),
            redundancy: (self.redundancy_n > 0)
                .then(|| self.redundancy_sum / self.redundancy_n as f64),
            // Set by the engine, which knows the span and the supply.
            inflation_per_year: 0.0,
            distributor_dry_epoch: self.dry_epoch,
            txs_delayed_by_prunes: self.txs_delayed,
            prune_added_latency_s: (self.txs_reincluded > 0)
                .then(|| self.prune_delay_tx_s / self.txs_reincluded as f64),
            prune_delay_tx_hours: self.prune_delay_tx_s / 3600.0,
            proof_gas_paid_by_users: self.users_proof_gas,
            proof_gas_paid_by_provers: self.provers_proof_gas,
            paid_for_proving: total_rewards + self.kickbacks,
            griefing: self.griefing,
            kickbacks: self.kickbacks,
            slashed: self.slashed,
            capital_locked: 0.0,
            engine_events: events,
            network: self.network.finish(epochs, epoch_s, window),
            fee_market: None,
            auction: None,
            migration: None,
            books: books.into(),
        }
    }
}

fn mean(xs: &[u64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<u64>() as f64 / xs.len() as f64
    }
}
