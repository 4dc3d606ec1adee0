//! Epochs whose window closed: their rows, the market's memory of them,
//! each prover's books for them, and the newcomers' progress.

use crate::agents::SettledEpoch;
use crate::base::numeric::to_f64;
use crate::base::units::tokens;
use crate::cost::{prefix_cost, prefix_seconds};
use crate::metrics::{EpochRow, ProverEpoch, ProverRow};
use crate::protocol::fee_market::EpochOutcome;
use crate::protocol::{Epoch, Payout};

use super::{Engine, EngineError, Phase, Time};

impl Engine<'_, '_> {
    /// Epoch `e`'s window closed at this slot start: write its rows, update
    /// the market, and settle each prover's epoch.
    pub(super) fn close_epoch(&mut self, e: Epoch) -> Result<(), EngineError> {
        let accounts = self.accounts.close(e);
        let Some(pos) = self.epochs.iter().position(|i| i.epoch == e) else {
            return Ok(());
        };
        let info = self.epochs.remove(pos).expect("found");
        let settlement = self.with_design(|d, w| d.settlement(w, e));
        let end_time = (e + 1) * self.ed * self.slot_ms;
        let latency = |t: Option<Time>| t.map(|t| (t as f64 - end_time as f64) / 1000.0);
        let settled = settlement.is_some();
        let (pool, dust, longest, payouts) = match settlement {
            Some(s) => (s.pool, s.dust, s.longest, s.payouts),
            None => (0, 0, 0, Vec::new()),
        };
        // What its proofs cost against the cheapest single full proof an
        // active prover could have made.
        let proving_cost: f64 = accounts.iter().map(|(_, a)| a.cost).sum();
        let redundancy = (info.live_blocks() > 0).then(|| {
            let view = self.view();
            let cheapest = self
                .live
                .iter()
                .map(|&p| &self.provers[p as usize])
                .filter(|p| p.phase == Phase::Active)
                .map(|p| {
                    let g = &p.values;
                    let seconds = prefix_seconds(g, info.live_txs, info.live_blocks());
                    prefix_cost(g, seconds) + view.submission_cost(g.priority_fee_gwei)
                })
                .fold(f64::INFINITY, f64::min);
            if cheapest.is_finite() && cheapest > 0.0 {
                proving_cost / cheapest
            } else {
                0.0
            }
        });
        let row = EpochRow {
            epoch: e,
            blocks_built: info.blocks_built,
            blocks_pruned: info.blocks_pruned,
            blocks_proven: longest,
            txs: info.live_txs,
            mana: info.mana,
            fees: info.fees,
            sequencer_income: info.sequencer_income,
            submissions: info.submissions,
            provers_paid: payouts.len() as u64,
            pool: tokens(pool),
            pool_units: pool,
            dust_units: dust,
            active_provers: self.active as u64,
            first_proof_latency_s: latency(info.first_proof),
            full_proof_latency_s: latency(info.full_proof),
            settled,
            checkpoint_reward: tokens(self.protocol.params().checkpoint_reward),
            sequencer_bps: self.protocol.params().sequencer_bps,
            proving_cost,
            redundancy,
            l1_base_fee_gwei: (info.blocks_built > 0)
                .then(|| info.l1_base_fee_gwei_sum / info.blocks_built as f64),
        };
        let outcome = EpochOutcome {
            blocks: info.blocks_built,
            full_latency_ms: info.full_proof.map(|t| t.saturating_sub(end_time)),
            provers_paid: payouts.len() as u64,
        };
        self.acc.epoch(&row);
        self.recorder.epoch(row);
        let paid_provers: Vec<_> = payouts
            .iter()
            .map(|p| (p.prover, to_f64(p.shares)))
            .collect();
        let summed: f64 = paid_provers.iter().map(|&(_, s)| s).sum();
        self.market.push(SettledEpoch {
            epoch: e,
            pool: tokens(pool),
            summed_shares: summed,
            paid: payouts.len() as u32,
            paid_provers,
            shares_by_id: Vec::new(),
            offered: info.offered,
            full_latency_s: latency(info.full_proof),
            clearing: info.clearing,
        });
        self.newcomer_stats(e, &payouts);
        // Provers in the market, and any other with an account for the
        // epoch (one that left since), in id order.
        for i in union_ascending(&self.live, accounts.iter().map(|(i, _)| i)) {
            let mut acct = accounts.get(i).unwrap_or_default();
            let agent = &self.provers[i as usize];
            // It proved if it spent on proving or submitted, before the
            // hardware's capital, which active provers pay every epoch.
            let proved = acct.submissions > 0 || acct.cost > 0.0;
            // Its values include what the design's market costs it.
            let idle_cost = agent.values.capital_cost_per_epoch;
            if agent.phase == Phase::Active {
                acct.cost += idle_cost;
            }
            if agent.phase != Phase::Active
                && acct.submissions == 0
                && acct.cost == 0.0
                && acct.slashed == 0.0
            {
                continue;
            }
            let pay = payouts.iter().find(|p| p.prover == agent.id);
            let reward = pay.map_or(0, |p| p.amount);
            let profit = tokens(reward) - acct.cost - acct.slashed;
            let record = self.protocol.record(agent.id);
            self.acc.prover(&ProverEpoch {
                prover: i,
                owner: agent.owner,
                strategy: agent.strategy_name,
                group: agent.group,
                reward,
                cost: acct.cost,
                slashed: acct.slashed,
                submitted: acct.submissions > 0,
                active: agent.phase == Phase::Active,
                score: self
                    .protocol
                    .booster()
                    .decay(record.value, e.saturating_sub(record.time)),
            });
            if self.recorder.keeps_rows() {
                let row = ProverRow {
                    epoch: e,
                    prover: agent.name,
                    group: agent.group_name,
                    owner: agent.owner_name,
                    strategy: agent.strategy_name,
                    submissions: acct.submissions,
                    shares: pay.map_or(0.0, |p| to_f64(p.shares)),
                    paid: pay.is_some(),
                    reward: tokens(reward),
                    reward_units: reward,
                    cost: acct.cost,
                    slashed: acct.slashed,
                    profit,
                    score: self.protocol.record(agent.id).value,
                };
                self.recorder.prover(row);
            }
            let agent = &mut self.provers[i as usize];
            if agent.phase == Phase::Active {
                agent.tenure.settle(proved, profit, idle_cost);
            }
            // Slashing took its posted bond, not its funds.
            self.design_mut().prover_profit(i, profit + acct.slashed);
        }
        self.accounts.recycle(accounts);
        self.with_design(|d, w| d.epoch_closed(w, e, &outcome))
    }

    /// For each group that started after genesis: its provers' mean shares
    /// and rewards in epoch `e` against the incumbents'.
    fn newcomer_stats(&mut self, e: Epoch, payouts: &[Payout]) {
        for (g, group) in self.sc.provers.iter().enumerate() {
            if group.start_epoch == 0 || e < group.start_epoch {
                continue;
            }
            let mine = |p: &Payout| self.provers[p.prover.0 as usize].group == g;
            let mean = |of_group: bool, f: &dyn Fn(&Payout) -> f64| {
                let xs: Vec<f64> = payouts
                    .iter()
                    .filter(|p| mine(p) == of_group)
                    .map(f)
                    .collect();
                if xs.is_empty() {
                    0.0
                } else {
                    xs.iter().sum::<f64>() / xs.len() as f64
                }
            };
            let active = |of_group: bool| {
                self.live
                    .iter()
                    .map(|&p| &self.provers[p as usize])
                    .filter(|p| p.phase == Phase::Active && (p.group == g) == of_group)
                    .count()
                    .max(1) as f64
            };
            let total = |of_group: bool| -> f64 {
                payouts
                    .iter()
                    .filter(|p| mine(p) == of_group)
                    .map(|p| tokens(p.amount))
                    .sum()
            };
            let shares = (
                mean(true, &|p| p.shares as f64),
                mean(false, &|p| p.shares as f64),
            );
            let rewards = (total(true) / active(true), total(false) / active(false));
            self.acc
                .newcomer_epoch(&group.name, group.start_epoch, e, shares, rewards);
        }
    }
}

/// The ids in `a` or in `b`, both ascending, once each and ascending (a
/// merge: the lists are already in order).
fn union_ascending(a: &[u32], b: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len());
    let mut a = a.iter().copied().peekable();
    for x in b {
        while let Some(y) = a.next_if(|&y| y < x) {
            out.push(y);
        }
        a.next_if_eq(&x);
        out.push(x);
    }
    out.extend(a);
    out
}

#[cfg(test)]
mod tests {
    use super::union_ascending;

    #[test]
    fn the_union_of_two_ascending_lists_is_ascending_without_repeats() {
        let merged = |a: &[u32], b: &[u32]| union_ascending(a, b.iter().copied());
        assert_eq!(merged(&[1, 3, 5], &[2, 3, 6, 7]), vec![1, 2, 3, 5, 6, 7]);
        assert_eq!(merged(&[], &[4, 9]), vec![4, 9]);
        assert_eq!(merged(&[4, 9], &[]), vec![4, 9]);
        assert_eq!(merged(&[0, 1, 2], &[0, 1, 2]), vec![0, 1, 2]);
        assert_eq!(merged(&[8], &[1, 2, 3]), vec![1, 2, 3, 8]);
    }
}
