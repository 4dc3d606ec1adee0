//! Block building: demand into the mempool, the proposer's block filled up
//! to the limit the fee model allows, L1 prices that drive the fees, the
//! engine-side record of blocks still held, prunes that return their
//! transactions, and bridging transactions until they are proven.

use std::collections::{BTreeMap, VecDeque};

use rand::RngExt;
use rand_distr::Distribution;

use crate::agents::demand::{BridgeTag, Demand, Mempool, TxBatch};
use crate::base::numeric::to_f64;
use crate::base::random::{Stream, stream};
use crate::base::units::tokens;
use crate::metrics::BridgeRow;
use crate::protocol::fees::{L1Prices, congestion_multiplier, mana_prices, mul_sat, next_excess};
use crate::protocol::{Amount, BlockInput, BlockNumber, Epoch, Prune, SequencerId, Slot};
use crate::schema::Scenario;

use super::prices::PriceProcess;
use super::{Engine, EngineError, Phase};

/// An engine-side record of a block still held: what the fee model and the
/// mempool need.
struct BlockMeta {
    number: BlockNumber,
    slot: Slot,
    epoch: Epoch,
    /// What proving it adds to its epoch's pool estimate, tokens.
    pool_part: f64,
    /// What it will mint if proven (capped by the distributor), units.
    minted: u128,
    excess: u128,
    mana: u64,
    batches: Vec<TxBatch>,
}

/// The state of block building.
pub(super) struct BlockBuilder {
    pub(super) demand: Demand,
    mempool: Mempool,
    metas: VecDeque<BlockMeta>,
    fee_rng: Stream,
    base_fee: PriceProcess,
    blob_fee: PriceProcess,
    /// Bridging transactions in blocks, not yet proven: (tag, block).
    bridges: VecDeque<(BridgeTag, BlockNumber)>,
    /// Each bridging sender's arrival stream.
    bridge_rngs: BTreeMap<u32, Stream>,
    next_bridge: u64,
    /// Emptied lists of a block's batches, kept for their memory.
    spare: Vec<Vec<TxBatch>>,
    /// What the prices of this slot make of gas and of the priority fee
    /// (prices move only at a slot's start, and agents ask many times).
    now: SlotPrices,
    /// Tokens per wei of ETH, at the run's fixed exchange rate.
    wei_to_tokens: f64,
}

/// Gas and priority fee at the current slot's prices.
#[derive(Copy, Clone)]
struct SlotPrices {
    gas_price_tokens: f64,
    going_priority_gwei: f64,
}

impl SlotPrices {
    fn of(base_fee: &PriceProcess, sc: &Scenario, wei_to_tokens: f64) -> SlotPrices {
        SlotPrices {
            gas_price_tokens: base_fee.level() * wei_to_tokens,
            going_priority_gwei: sc.l1.going_priority_fee_gwei * base_fee.stress(),
        }
    }
}

impl BlockBuilder {
    pub fn new(sc: &Scenario) -> BlockBuilder {
        let slot_ms = sc.chain.slot_duration * 1000;
        let base_fee = PriceProcess::new(&sc.fees.l1_base_fee, sc.seed, 0, slot_ms);
        let wei_to_tokens = crate::base::units::tokens_per_wei(sc.fees.fee_asset_per_eth);
        BlockBuilder {
            now: SlotPrices::of(&base_fee, sc, wei_to_tokens),
            wei_to_tokens,
            demand: Demand::new(
                sc.demand.tps,
                sc.demand.mana_mean,
                sc.demand.mana_shape,
                stream(sc.seed, "demand", 0),
            )
            .with_bursts(sc.demand.burst, stream(sc.seed, "bursts", 0)),
            mempool: Mempool::default(),
            metas: VecDeque::new(),
            fee_rng: stream(sc.seed, "fees", 0),
            base_fee,
            blob_fee: PriceProcess::new(&sc.fees.blob_fee, sc.seed, 1, slot_ms),
            bridges: VecDeque::new(),
            bridge_rngs: BTreeMap::new(),
            next_bridge: 0,
            spare: Vec::new(),
        }
    }

    /// One slot's step of the L1 prices at time `now` (ms), in epoch
    /// `epoch` (for spikes).
    pub fn step_prices(&mut self, sc: &Scenario, now: u64, epoch: Epoch) {
        self.base_fee
            .step(&sc.fees.l1_base_fee, now, epoch, &mut self.fee_rng);
        self.blob_fee
            .step(&sc.fees.blob_fee, now, epoch, &mut self.fee_rng);
        self.now = SlotPrices::of(&self.base_fee, sc, self.wei_to_tokens);
    }

    /// Tokens per wei of ETH.
    pub fn wei_to_tokens(&self) -> f64 {
        self.wei_to_tokens
    }

    /// What one unit of L1 gas costs now, in tokens.
    pub fn gas_price_tokens(&self) -> f64 {
        self.now.gas_price_tokens
    }

    /// The priority fee L1 builders expect now, gwei per gas: it scales
    /// with how far the base fee is raised.
    pub fn going_priority_gwei(&self) -> f64 {
        self.now.going_priority_gwei
    }
}

impl BlockBuilder {
    /// Moves the pool part of every block above `proven` by `shift` of
    /// what it mints (a new split of the reward): each block's epoch and
    /// what its pool part gained.
    pub(super) fn resplit(&mut self, proven: BlockNumber, shift: f64) -> Vec<(Epoch, f64)> {
        self.metas
            .iter_mut()
            .filter(|m| m.number > proven)
            .map(|m| {
                let extra = tokens(m.minted) * shift;
                m.pool_part += extra;
                (m.epoch, extra)
            })
            .collect()
    }
}

impl Engine<'_, '_> {
    /// What the next block will mint if proven: the checkpoint reward, or
    /// what the distributor holds beyond what the open epochs' blocks will
    /// draw, if that is less (docs/model.md section 3).
    fn next_minted(&self) -> u128 {
        let reserved: u128 = self.epochs.iter().map(|i| i.minted_estimate).sum();
        let available = self.protocol.distributor_balance().saturating_sub(reserved);
        self.protocol.params().checkpoint_reward.min(available)
    }

    /// The proposer of `slot` builds its block (unless it misses the slot).
    pub(super) fn build_block(&mut self, slot: Slot) -> Result<(), EngineError> {
        if let Some(batch) = self.blocks.demand.arrivals(self.now) {
            self.blocks.mempool.push(batch);
        }
        self.bridging_arrivals();
        let proposer = self.sequencers.draw_proposer();
        if self.sequencers.misses(proposer) {
            return Ok(());
        }
        self.with_design(|d, w| d.proposer_turn(w, proposer))?;
        let target = self.sc.chain.mana_target;
        let (parent_excess, parent_mana) = self
            .blocks
            .metas
            .back()
            .map_or((0, 0), |m| (m.excess, m.mana as u128));
        let excess = next_excess(parent_excess, parent_mana, target);
        // Above the congestion users accept, nobody pays: the block goes
        // empty and the price falls.
        let congestion = congestion_multiplier(excess, target as u128);
        let limit = if to_f64(congestion) > self.sc.demand.max_congestion * 1e9 {
            0
        } else {
            2 * target
        };
        let mut batches = self.blocks.spare.pop().unwrap_or_default();
        self.blocks.mempool.fill(limit, &mut batches);
        for b in &mut batches {
            if let Some(held) = b.pruned_from.take() {
                self.acc
                    .prune_delay(b.count, (self.now - held) as f64 / 1000.0);
            }
        }
        let mana: u64 = batches.iter().map(|b| b.mana).sum();
        let txs: u64 = batches.iter().map(|b| b.count).sum();
        let l1 = L1Prices {
            l1_base_fee: self.blocks.base_fee.wei(),
            blob_fee: self.blocks.blob_fee.wei(),
            fee_asset_per_eth: self.sc.fees.fee_asset_per_eth,
        };
        let prices = mana_prices(
            &l1,
            target,
            self.ed,
            self.protocol.params().proving_cost_per_mana,
            congestion,
        );
        let fee = mul_sat(prices.total(), mana as Amount);
        let input = BlockInput {
            slot,
            proposer: SequencerId(proposer as u32),
            mana_used: mana,
            fee,
            prover_cost_per_mana: prices.prover,
            protocol_fee_per_mana: prices.protocol,
        };
        // The design and the protocol are fields apart: no need to take the
        // design out for this call.
        let design = self
            .design
            .as_deref_mut()
            .expect("the design is back in place between its calls");
        let number = design
            .add_block(&mut self.protocol, input)
            .map_err(|e| self.protocol_err(e))?;
        let epoch = slot / self.ed;
        let minted = if self.design().distributor_limits_mint() {
            self.next_minted()
        } else {
            self.protocol.params().checkpoint_reward
        };
        if minted < self.protocol.params().checkpoint_reward {
            self.acc.distributor_dry(epoch);
        }
        let bps = self.protocol.params().sequencer_bps as f64 / 10_000.0;
        let pool_part =
            tokens(minted) * (1.0 - bps) + tokens(mul_sat(prices.prover, mana as Amount));
        // What users pay for the L1 gas of proof submission: the prover
        // price less the governed proving cost.
        let gas_per_mana = prices
            .prover
            .saturating_sub(crate::protocol::fees::to_fee_asset(
                self.protocol.params().proving_cost_per_mana,
                self.sc.fees.fee_asset_per_eth,
            ));
        self.acc
            .users_proof_gas(tokens(mul_sat(gas_per_mana, mana as Amount)));
        if let Some(info) = self.epochs.back_mut()
            && info.epoch == epoch
        {
            info.blocks_built += 1;
            info.l1_base_fee_gwei_sum += to_f64(l1.l1_base_fee) / 1e9;
            info.txs += txs;
            info.live_txs += txs;
            info.mana += mana;
            info.last_block = Some((number, slot));
            // A new block is not proven yet: the epoch is not fully proven.
            info.full_proof = None;
            info.pool_estimate += pool_part;
            info.offered += pool_part;
            info.minted_estimate += minted;
            info.value += tokens(minted)
                + tokens(fee.saturating_sub(mul_sat(prices.protocol, mana as Amount)));
        }
        if let Some(trace) = &mut self.trace {
            trace.block(&self.sequencers.all[proposer].name, &input);
        }
        let tags: Vec<BridgeTag> = batches.iter().filter_map(|b| b.bridge).collect();
        self.blocks.metas.push_back(BlockMeta {
            number,
            slot,
            epoch,
            pool_part,
            minted,
            excess,
            mana,
            batches,
        });
        for tag in tags {
            self.blocks.bridges.push_back((tag, number));
            // Without prefix proofs, senders wait for the whole epoch.
            if self.design().prefix_proofs()
                && self.provers[tag.sender as usize].phase == Phase::Active
            {
                self.call_prover(tag.sender, |s, ctx| {
                    s.on_bridge_included(ctx, epoch, number)
                });
            }
        }
        Ok(())
    }

    /// Each active sender's bridging transactions since the last slot.
    fn bridging_arrivals(&mut self) {
        if self.bridging_senders.is_empty() {
            return;
        }
        let dt_h = self.slot_ms as f64 / 3.6e6;
        for (i, per_hour) in self.bridging_senders.clone() {
            if self.provers[i as usize].phase != Phase::Active {
                continue;
            }
            let lambda = per_hour * dt_h;
            let seed = self.sc.seed;
            let b = &mut self.blocks;
            let rng = b
                .bridge_rngs
                .entry(i)
                .or_insert_with(|| stream(seed, "bridging", i as u64));
            let n = rand_distr::Poisson::new(lambda)
                .map(|p| p.sample(rng) as u64)
                .unwrap_or(0);
            for _ in 0..n {
                let submitted = self
                    .now
                    .saturating_sub((rng.random::<f64>() * self.slot_ms as f64) as u64);
                b.mempool.push(TxBatch {
                    count: 1,
                    mana: self.sc.demand.mana_mean.round() as u64,
                    arrived: submitted,
                    bridge: Some(BridgeTag {
                        id: b.next_bridge,
                        sender: i,
                        submitted,
                    }),
                    pruned_from: None,
                });
                b.next_bridge += 1;
            }
        }
    }

    /// Bridging transactions now covered by the proven tip `tip`: their
    /// latency, and who proved them.
    pub(super) fn bridges_proven(&mut self, by: u32, tip: BlockNumber) {
        while let Some(&(tag, block)) = self.blocks.bridges.front() {
            if block > tip {
                break;
            }
            self.blocks.bridges.pop_front();
            let latency = self.secs(self.now) - self.secs(tag.submitted);
            let self_proved = tag.sender == by;
            self.acc.bridge(latency, self_proved);
            if self.recorder.keeps_rows() {
                let prover = &self.provers[by as usize];
                self.recorder.bridge(BridgeRow {
                    id: tag.id,
                    bridger: self.provers[tag.sender as usize].name,
                    submitted_s: self.secs(tag.submitted),
                    block,
                    proven_s: self.secs(self.now),
                    latency_s: latency,
                    proved_by: prover.name,
                    proved_by_strategy: prover.strategy_name,
                    self_proved,
                });
            }
        }
    }

    /// Blocks from `p.first_block` on are gone: their transactions go back
    /// to the front of the mempool.
    pub(super) fn prune(&mut self, p: Prune) {
        let mut returned = Vec::new();
        let mut txs = 0;
        while self
            .blocks
            .metas
            .back()
            .is_some_and(|m| m.number >= p.first_block)
        {
            let mut m = self.blocks.metas.pop_back().expect("back exists");
            let n: u64 = m.batches.iter().map(|b| b.count).sum();
            let built = m.slot * self.slot_ms;
            for b in &mut m.batches {
                b.pruned_from = Some(built);
            }
            txs += n;
            if let Some(info) = self.info_mut(m.epoch) {
                info.blocks_pruned += 1;
                info.live_txs -= n;
                info.pool_estimate -= m.pool_part;
                info.minted_estimate -= m.minted;
                info.last_block = None;
            }
            returned.push(m.batches);
        }
        returned.reverse();
        self.blocks
            .mempool
            .return_front(returned.into_iter().flatten());
        // The newest surviving block of each epoch is its last block again.
        for info in self.epochs.iter_mut() {
            if info.last_block.is_none()
                && let Some(m) = self
                    .blocks
                    .metas
                    .iter()
                    .rev()
                    .find(|m| m.epoch == info.epoch)
            {
                info.last_block = Some((m.number, m.slot));
            }
        }
        self.acc.prune(txs);
        self.governance
            .note_prune(self.slot, self.sc.governance.round_size);
        // Bridging transactions of pruned blocks wait again in the mempool.
        self.blocks.bridges.retain(|&(_, b)| b < p.first_block);
        let blocks = p.last_block - p.first_block + 1;
        self.event(
            "prune",
            format!("blocks {}..={}", p.first_block, p.last_block),
            blocks as f64,
            format!("{blocks} blocks and {txs} transactions returned to the mempool"),
        );
    }

    /// Drops the records of blocks proven and too old to matter.
    pub(super) fn trim_metas(&mut self, epoch: Epoch) {
        let proven = self.proven_tip();
        while self
            .blocks
            .metas
            .front()
            .is_some_and(|m| m.number < proven && m.epoch + self.pse + 2 <= epoch)
        {
            let mut m = self.blocks.metas.pop_front().expect("front exists");
            m.batches.clear();
            self.blocks.spare.push(m.batches);
        }
    }
}
