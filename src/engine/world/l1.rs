//! The L1 that carries proof submissions: a submission waits for its L1
//! block (a drawn inclusion delay, or under `[l1.tips]` the first block
//! whose clearing tip its fee meets, with its sender's replacements and
//! cancellation), provers watching the mempool may send theirs into the
//! same block, and each L1 block orders its submissions by priority fee,
//! then arrival, before they reach the protocol.

use std::collections::BTreeSet;

use rand_distr::{Distribution, Exp};

use crate::agents::{Bidding, Job, Landed, PendingProof};
use crate::base::random::{Stream, stream};
use crate::base::time::Time;
use crate::metrics::SubmissionRow;
use crate::metrics::network::Landing;
use crate::protocol::{Epoch, ProverId, RejectReason, SubmissionOutcome};
use crate::schema::Scenario;

use super::l1_tips::{Fate, TipInclusion, TxKind, block_after};
use super::{Engine, EngineError, Event, Phase};

/// A proof submission waiting for its L1 block.
struct L1Tx {
    /// The sender (who pays).
    prover: u32,
    /// The identity the proof carries.
    credited: u32,
    /// Whether it is a transaction of its own (not a further proof in
    /// another's bundle).
    opens: bool,
    /// A proof, or what stands for one that never landed.
    kind: TxKind,
    job: Job,
    priority_fee_gwei: f64,
    gas_cost: f64,
    /// Its gas, and what it cost in ETH.
    gas: (u64, f64),
    seq: u64,
}

/// The L1's state: submissions by the L1 block they land in.
pub(super) struct L1 {
    /// Submissions waiting, by the L1 block they land in: a few blocks
    /// at a time, so a short list searched in full beats a tree.
    pending: Vec<(u64, Vec<L1Tx>)>,
    seq: u64,
    rng: Stream,
    block_ms: u64,
    min_delay: f64,
    mean_delay: f64,
    /// (epoch, credited, end) of accepted copies that credited another
    /// than their sender: that prover's own submission of the same proof
    /// then fails as a duplicate (griefing).
    copied: BTreeSet<(Epoch, u32, u64)>,
    /// Emptied lists of an L1 block's submissions, kept for their memory.
    spare: Vec<Vec<L1Tx>>,
    /// The market block by block, if inclusion is one.
    tips: Option<TipInclusion>,
}

impl L1 {
    pub fn new(sc: &Scenario) -> L1 {
        L1 {
            pending: Vec::new(),
            seq: 0,
            rng: stream(sc.seed, "l1", 0),
            block_ms: sc.l1.block_time * 1000,
            min_delay: sc.l1.min_inclusion_delay,
            mean_delay: sc.l1.mean_inclusion_delay,
            copied: BTreeSet::new(),
            spare: Vec::new(),
            tips: sc.l1.tips.clone().map(|market| TipInclusion {
                seed: sc.seed,
                market,
                block_ms: sc.l1.block_time * 1000,
                min_delay: sc.l1.min_inclusion_delay,
            }),
        }
    }

    /// Seconds until an L1 transaction sent now with `fee` (gwei) is
    /// included while builders expect `going`: the minimum, plus an
    /// exponential part with the configured mean, longer for a fee below
    /// the going rate ([`crate::agents::underpriced_wait`]).
    pub fn inclusion_delay(&mut self, fee: f64, going: f64) -> f64 {
        let extra = (self.mean_delay - self.min_delay).max(0.0)
            * crate::agents::underpriced_wait(fee, going);
        let random = if extra > 0.0 {
            Exp::new(1.0 / extra)
                .map(|d| d.sample(&mut self.rng))
                .unwrap_or(0.0)
        } else {
            0.0
        };
        self.min_delay + random
    }

    /// The L1 block a transaction sent at `now` (ms) with `fee` lands in.
    fn landing_block(&mut self, now: u64, fee: f64, going: f64) -> u64 {
        let delay = self.inclusion_delay(fee, going);
        block_after(now, delay, self.block_ms)
    }
}

impl Engine<'_, '_> {
    /// A prover sends a finished proof; watchers of the mempool see it.
    pub(super) fn submit(
        &mut self,
        prover: u32,
        job: Job,
        priority_fee_gwei: f64,
        (credit, bidding): (Option<ProverId>, Option<Bidding>),
    ) {
        // A proof its owner bundles rides in the owner's transaction for
        // the epoch, if one is waiting: its block and its fee.
        let (fate, joins) = match self.bundle_for(prover, job.epoch) {
            Some((b, fee, seq)) => (Fate::Lands(b, fee), Some(seq)),
            None => (
                self.fate_now(priority_fee_gwei, bidding.as_ref(), job.epoch),
                None,
            ),
        };
        let (kind, b, priority_fee_gwei) = fate.entry(priority_fee_gwei);
        let credited = credit.map_or(prover, |c| c.0);
        let pending = PendingProof {
            sender: ProverId(prover),
            credited: ProverId(credited),
            epoch: job.epoch,
            end: job.end,
            end_slot: job.end_slot,
            priority_fee_gwei,
            l1_block: b,
        };
        self.send_l1(prover, credited, (kind, job), priority_fee_gwei, (b, joins));
        if self.watchers.is_empty() {
            return;
        }
        for w in self.watchers.clone() {
            if w != prover && self.provers[w as usize].phase == Phase::Active {
                self.call_prover(w, |s, ctx| s.on_mempool(ctx, &pending));
            }
        }
    }

    /// A copy of a proof seen in the mempool, sent at once with the
    /// copier's fee: like every transaction, it lands where its fee and
    /// the L1's delay put it (ahead of the original only if it lands in an
    /// earlier block, or in the same one with a higher fee). A proof that
    /// binds its prover still credits the original one.
    pub(super) fn copy(&mut self, prover: u32, of: PendingProof, priority_fee_gwei: f64) {
        let credited = if self.sc.chain.proof_binds_prover {
            of.credited.0
        } else {
            prover
        };
        let job = Job {
            id: u64::MAX,
            epoch: of.epoch,
            end: of.end,
            end_slot: of.end_slot,
            started: self.now,
            cost: 0.0,
        };
        let fate = self.fate_now(priority_fee_gwei, None, of.epoch);
        let (kind, b, priority_fee_gwei) = fate.entry(priority_fee_gwei);
        self.send_l1(prover, credited, (kind, job), priority_fee_gwei, (b, None));
    }

    /// The waiting transaction of `prover`'s owner for epoch `e` that its
    /// proof joins, if its owner bundles: (L1 block, priority fee, order).
    fn bundle_for(&self, prover: u32, e: Epoch) -> Option<(u64, f64, u64)> {
        let agent = &self.provers[prover as usize];
        if !agent.bundles {
            return None;
        }
        let owner = agent.owner;
        // A transaction its owner opened: sent by one of the owner's
        // identities that bundles.
        let owners = |tx: &L1Tx| {
            let sender = &self.provers[tx.prover as usize];
            sender.bundles && sender.owner == owner
        };
        self.l1.pending.iter().find_map(|(b, txs)| {
            txs.iter()
                .find(|tx| tx.opens && tx.kind == TxKind::Proof && tx.job.epoch == e && owners(tx))
                .map(|tx| (*b, tx.priority_fee_gwei, tx.seq))
        })
    }

    /// Seconds a transaction paying `fee`, sent at `sent` (ms), waits for
    /// inclusion: a draw, or under the market block by block the wait for
    /// the first block that takes it (at most a day).
    pub(super) fn inclusion_delay_from(&mut self, fee: f64, sent: Time) -> f64 {
        let going = self.blocks.going_priority_gwei();
        let Some(tips) = &self.l1.tips else {
            return self.l1.inclusion_delay(fee, going);
        };
        let base = self.view().base_fee_gwei();
        let day = sent.saturating_add(86_400_000);
        let b = match tips.fate(sent, (fee, going, base), None, day) {
            Fate::Lands(b, _) | Fate::Cancelled(b, _) | Fate::Dropped(b) => b,
        };
        (b * self.l1.block_ms).saturating_sub(sent) as f64 / 1000.0
    }

    /// What becomes of a transaction for epoch `e` sent now with this
    /// priority fee: the L1 block it lands in (a draw against the going
    /// rate), or under the market block by block its fate there.
    fn fate_now(&mut self, priority_fee_gwei: f64, bidding: Option<&Bidding>, e: Epoch) -> Fate {
        let going = self.blocks.going_priority_gwei();
        let now = self.now;
        let Some(tips) = &self.l1.tips else {
            let b = self.l1.landing_block(now, priority_fee_gwei, going);
            return Fate::Lands(b, priority_fee_gwei);
        };
        let view = self.view();
        let (base, expires) = (
            view.base_fee_gwei(),
            view.slot_time(view.window_close_slot(e)),
        );
        tips.fate(now, (priority_fee_gwei, going, base), bidding, expires)
    }

    /// ETH of `tokens` at the run's exchange rate.
    fn eth_of(&self, tokens: f64) -> f64 {
        let tokens_per_eth = self.view().gas_wei_to_tokens() * 1e18;
        if tokens_per_eth > 0.0 {
            tokens / tokens_per_eth
        } else {
            0.0
        }
    }

    /// Puts a proof submission into L1 block `b`, as a transaction of its
    /// own or in the bundle whose order is `joins`; the sender pays its
    /// gas.
    fn send_l1(
        &mut self,
        prover: u32,
        credited: u32,
        (kind, job): (TxKind, Job),
        priority_fee_gwei: f64,
        (b, joins): (u64, Option<u64>),
    ) {
        // The proof's gas now; a stipend (v6) is paid when it lands, for
        // the blocks it then newly proves. A cancellation pays its own
        // gas; a transaction that never lands pays none.
        let gas = match (kind, joins) {
            (TxKind::Dropped, _) => 0,
            (TxKind::Cancel, _) => self.l1.tips.as_ref().map_or(0, |t| t.market.cancel_gas),
            (TxKind::Proof, Some(_)) => self.sc.l1.gas_in_bundle(),
            (TxKind::Proof, None) => self.sc.l1.proof_gas,
        };
        let gas_cost = gas as f64 * self.view().gas_price(priority_fee_gwei);
        let eth = self.eth_of(gas_cost);
        if kind != TxKind::Dropped {
            self.accounts.cost(job.epoch, prover, gas_cost);
            self.acc.provers_proof_gas(gas_cost);
        }
        let l1 = &mut self.l1;
        let at = match l1.pending.iter().position(|(block, _)| *block == b) {
            Some(at) => at,
            None => {
                l1.pending.push((b, l1.spare.pop().unwrap_or_default()));
                l1.pending.len() - 1
            }
        };
        let pending = &mut l1.pending[at].1;
        if pending.is_empty() {
            self.queue.push(b * l1.block_ms, Event::L1Block(b));
        }
        // A bundle's proofs share its order: they land together, in the
        // order they joined it.
        pending.push(L1Tx {
            prover,
            credited,
            kind,
            opens: joins.is_none(),
            job,
            priority_fee_gwei,
            gas_cost,
            gas: (gas, eth),
            seq: joins.unwrap_or(l1.seq),
        });
        if joins.is_none() {
            l1.seq += 1;
        }
    }

    /// L1 block `b`: its submissions reach the protocol in order.
    pub(super) fn l1_block(&mut self, b: u64) -> Result<(), EngineError> {
        let Some(at) = self.l1.pending.iter().position(|(block, _)| *block == b) else {
            return Ok(());
        };
        let (_, mut txs) = self.l1.pending.swap_remove(at);
        // Same L1 block: higher gas price first, then arrival.
        txs.sort_by(|x, y| {
            y.priority_fee_gwei
                .total_cmp(&x.priority_fee_gwei)
                .then(x.seq.cmp(&y.seq))
        });
        for tx in txs.drain(..) {
            self.include(tx)?;
        }
        self.l1.spare.push(txs);
        Ok(())
    }

    /// A proof submission lands on L1 and goes to the protocol.
    fn include(&mut self, tx: L1Tx) -> Result<(), EngineError> {
        if tx.kind != TxKind::Proof {
            self.unlanded(tx);
            return Ok(());
        }
        let id = self.provers[tx.credited as usize].id;
        self.accounts.submission(tx.job.epoch, tx.prover);
        if let Some(info) = self.info_mut(tx.job.epoch) {
            info.submissions += 1;
        }
        // A proof of blocks that a prune replaced does not verify; a design
        // may hold the epoch for another prover.
        let replaced = self
            .protocol
            .block(tx.job.end)
            .is_some_and(|b| b.input.slot != tx.job.end_slot);
        let refused = !replaced && !self.with_design(|d, w| d.admits(w, tx.credited, tx.job.epoch));
        let outcome = if replaced || refused {
            None
        } else {
            let outcome = self
                .protocol
                .submit_proof(id, tx.job.end, &mut self.sink)
                .map_err(|e| self.protocol_err(e))?;
            if let Some(trace) = &mut self.trace {
                trace.proof(
                    self.slot,
                    &self.provers[tx.credited as usize].name,
                    tx.job.end,
                );
            }
            self.drain_credits();
            Some(outcome)
        };
        if let Some(SubmissionOutcome::Accepted(a)) = outcome {
            self.bridges_proven(tx.credited, self.proven_tip());
            let proven_tip = self.protocol.proven_tip();
            let now = self.now;
            if let Some(info) = self.info_mut(a.epoch) {
                info.first_proof.get_or_insert(now);
                if info.last_block.is_some_and(|(n, _)| n <= proven_tip)
                    && info.full_proof.is_none()
                {
                    info.full_proof = Some(now);
                }
            }
        }
        let accepted = matches!(outcome, Some(SubmissionOutcome::Accepted(_)));
        let copy = tx.job.id == u64::MAX;
        let key = (tx.job.epoch, tx.credited, tx.job.end);
        if copy && accepted && tx.credited != tx.prover {
            let keep_from = tx.job.epoch.saturating_sub(self.pse + 1);
            self.l1.copied.retain(|k| k.0 >= keep_from);
            self.l1.copied.insert(key);
        }
        if outcome == Some(SubmissionOutcome::Rejected(RejectReason::Duplicate))
            && tx.prover == tx.credited
            && self.l1.copied.contains(&key)
        {
            self.acc.griefed(tx.gas_cost);
        }
        if self.provers[tx.prover as usize].watches_landings {
            let landed = Landed {
                epoch: tx.job.epoch,
                end: tx.job.end,
                copy,
                credited: id,
                accepted,
                gas_cost: tx.gas_cost,
            };
            self.call_prover(tx.prover, |s, ctx| s.on_landed(ctx, &landed));
        }
        // AZIP-31 (v6): an accepted proof forwarded a stipend of gas for the
        // blocks it newly proved; its submitter paid it.
        let (mut gas, mut eth) = tx.gas;
        if let Some(SubmissionOutcome::Accepted(a)) = outcome {
            let stipend = self.protocol.params().version.stipend_gas(a.added);
            if stipend > 0 {
                let cost = stipend as f64 * self.view().gas_price(tx.priority_fee_gwei);
                self.accounts.cost(tx.job.epoch, tx.prover, cost);
                self.acc.provers_proof_gas(cost);
                gas += stipend;
                eth += self.eth_of(cost);
            }
        }
        self.acc.landed(Landing {
            time_s: self.secs(self.now),
            epoch: tx.job.epoch,
            identity: (tx.credited, self.provers[tx.credited as usize].owner),
            gas,
            eth,
            accepted,
            opens_tx: tx.opens,
        });
        let agent = &self.provers[tx.prover as usize];
        self.acc.submission(agent.strategy_name, accepted);
        if !self.recorder.keeps_rows() {
            return Ok(());
        }
        let mut row = self.submission_row(&tx);
        match outcome {
            None if refused => {
                row.status = "rejected";
                row.reason = "exclusive_window";
            }
            None => {
                row.status = "invalid";
                row.reason = "reorged_blocks";
            }
            Some(SubmissionOutcome::Accepted(a)) => {
                row.status = "accepted";
                row.length = a.length;
                row.shares = a.shares as f64;
                row.extended = a.added > 0;
            }
            Some(SubmissionOutcome::Rejected(r)) => {
                row.status = "rejected";
                row.reason = r.name();
            }
        }
        self.recorder.submission(row);
        Ok(())
    }
}

impl Engine<'_, '_> {
    /// A proof that never reached the protocol: its sender's cancellation
    /// landed (an L1 transaction it paid for), or no block took it before
    /// its window closed. Either is a row of the submissions table.
    fn unlanded(&mut self, tx: L1Tx) {
        let cancelled = tx.kind == TxKind::Cancel;
        if cancelled {
            self.acc.l1_cancelled(tx.gas.1);
        }
        if !self.recorder.keeps_rows() {
            return;
        }
        let (status, reason) = if cancelled {
            ("cancelled", "gave_up")
        } else {
            ("dropped", "not_included")
        };
        let row = SubmissionRow {
            status,
            reason,
            ..self.submission_row(&tx)
        };
        self.recorder.submission(row);
    }

    /// The submissions table's row of `tx` landing now, before its outcome.
    fn submission_row(&self, tx: &L1Tx) -> SubmissionRow {
        let agent = &self.provers[tx.prover as usize];
        SubmissionRow {
            time_s: self.secs(self.now),
            slot: self.slot,
            prover: agent.name,
            strategy: agent.strategy_name,
            credited: self.provers[tx.credited as usize].name,
            epoch: tx.job.epoch,
            end: tx.job.end,
            gas_cost: tx.gas_cost,
            ..SubmissionRow::default()
        }
    }
}
