//! The agents and the seam between them and the engine. Agents see the
//! world through a read-only [`View`] and answer with actions; the engine
//! carries the actions out, and the protocol alone changes protocol state.
//! A new prover strategy implements [`ProverStrategy`] and plugs in without
//! touching the engine.

pub mod bidding;
pub mod bridger;
pub mod cartel;
pub mod copier;
pub mod demand;
pub mod honest;
pub mod jobs;
pub mod kickback;
pub mod kind;
pub mod l1_fees;
pub mod market;
pub mod node;
pub mod partial;
pub mod quoting;
pub mod registry;
pub mod sequencer;
pub mod snipe;
pub mod valuation;
pub mod voting;

use std::collections::VecDeque;

pub use l1_fees::Bidding;

use crate::base::random::Stream;
use crate::base::time::Time;
use crate::protocol::{BlockNumber, Epoch, Protocol, ProverId, Slot};
use crate::schema::{ProverGroup, Scenario};

/// What the chain shows of an epoch that has not settled yet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EpochInfo {
    /// The epoch.
    pub epoch: Epoch,
    /// Blocks built in it (pruned ones included).
    pub blocks_built: u64,
    /// Blocks of it pruned.
    pub blocks_pruned: u64,
    /// Transactions in its blocks (pruned ones included).
    pub txs: u64,
    /// Mana used by its blocks.
    pub mana: u64,
    /// Fees its blocks paid, in tokens.
    pub fees: f64,
    /// What its proven blocks credited their proposers, in tokens.
    pub sequencer_income: f64,
    /// What its blocks are worth if proven: minted rewards plus fees less
    /// burnt fees, in tokens (the bonded design's quote base).
    pub value: f64,
    /// What its blocks will mint if proven, smallest units: the checkpoint
    /// reward per block, capped by what the distributor holds.
    pub minted_estimate: u128,
    /// Its newest block on the pending chain and that block's slot.
    pub last_block: Option<(BlockNumber, Slot)>,
    /// Transactions in its blocks still on the pending chain.
    pub live_txs: u64,
    /// What its prover pool will hold if all its blocks are proven:
    /// the provers' part of the checkpoint rewards plus the prover fees,
    /// in tokens.
    pub pool_estimate: f64,
    /// What its prover pool would hold had every block built in it been
    /// proven, pruned ones included, in tokens (what the epoch offered
    /// provers).
    pub offered: f64,
    /// Time of its first accepted proof.
    pub first_proof: Option<Time>,
    /// Time its longest proof reached its last block.
    pub full_proof: Option<Time>,
    /// Accepted and rejected submissions for it.
    pub submissions: u64,
    /// The L1 base fee at each of its blocks, summed, gwei.
    pub l1_base_fee_gwei_sum: f64,
    /// Under a design that sells epochs at a price (the auction): how it
    /// cleared, public once the sale closed.
    pub clearing: Option<Clearing>,
}

/// How a sale of an epoch cleared: who won it, at what bid, and the price
/// it is paid if it delivers.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Clearing {
    /// The winner.
    pub winner: ProverId,
    /// Its bid, tokens.
    pub winning_bid: f64,
    /// Its price, tokens (the second bid or the reserve).
    pub price: f64,
    /// Whether a winner is paid its own bid (a first-price sale, as bonded
    /// quotes are) rather than the next one.
    pays_own_bid: bool,
    /// The markup over cost that bidders in this sale put on their bids,
    /// as a part of the cost (0 where bidding one's cost is best).
    markup: f64,
}

impl Clearing {
    /// A second-price sale, where bidders bid their cost.
    pub fn second_price(winner: ProverId, winning_bid: f64, price: f64) -> Clearing {
        Clearing {
            winner,
            winning_bid,
            price,
            pays_own_bid: false,
            markup: 0.0,
        }
    }

    /// A first-price sale whose bidders mark their cost up by `markup`.
    pub fn first_price(winner: ProverId, winning_bid: f64, price: f64, markup: f64) -> Clearing {
        Clearing {
            winner,
            winning_bid,
            price,
            pays_own_bid: true,
            markup,
        }
    }

    /// What a bidder whose cost is `cost` would bid, and what it would be
    /// paid if that bid won.
    pub fn as_bidder(&self, cost: f64) -> (f64, f64) {
        let bid = cost * (1.0 + self.markup);
        (
            bid,
            if self.pays_own_bid {
                bid
            } else {
                self.winning_bid
            },
        )
    }
}

impl EpochInfo {
    /// Blocks of the epoch still on the pending chain.
    pub fn live_blocks(&self) -> u64 {
        self.blocks_built - self.blocks_pruned
    }
}

/// A settled epoch as the market remembers it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SettledEpoch {
    /// The epoch.
    pub epoch: Epoch,
    /// Its pool, in tokens.
    pub pool: f64,
    /// The summed shares of its paid provers.
    pub summed_shares: f64,
    /// How many provers were paid.
    pub paid: u32,
    /// Which provers were paid, with their shares, in id order.
    pub paid_provers: Vec<(ProverId, f64)>,
    /// The same shares by prover id, 0 for a prover not paid (filled in
    /// by [`Market::push`], for lookups in constant time).
    pub shares_by_id: Vec<f64>,
    /// What its pool would have held had every block built in it been
    /// proven, tokens: what it offered provers, proven or not.
    pub offered: f64,
    /// Seconds from its end until its last block was proven.
    pub full_latency_s: Option<f64>,
    /// How its sale cleared, under a design that sells epochs.
    pub clearing: Option<Clearing>,
}

/// Public market history: the most recent settled epochs.
#[derive(Clone, Debug, Default)]
pub struct Market {
    /// Newest last.
    pub recent: VecDeque<SettledEpoch>,
}

impl Market {
    /// How many settled epochs are remembered.
    pub const MEMORY: usize = 64;

    /// Records a settled epoch.
    pub fn push(&mut self, mut e: SettledEpoch) {
        debug_assert!(e.paid_provers.is_sorted_by_key(|(p, _)| *p));
        if self.recent.len() == Self::MEMORY
            && let Some(old) = self.recent.pop_front()
        {
            e.shares_by_id = old.shares_by_id;
        }
        e.shares_by_id.clear();
        let ids = e.paid_provers.last().map_or(0, |(p, _)| p.0 as usize + 1);
        e.shares_by_id.resize(ids, 0.0);
        for &(p, shares) in &e.paid_provers {
            e.shares_by_id[p.0 as usize] = shares;
        }
        self.recent.push_back(e);
    }

    /// The last `n` settled epochs, newest last.
    pub fn last(&self, n: usize) -> impl ExactSizeIterator<Item = &SettledEpoch> + Clone {
        self.recent.range(self.recent.len().saturating_sub(n)..)
    }
}

/// The world as an agent sees it: read-only.
pub struct View<'a> {
    /// Now, in milliseconds since slot 0.
    pub now: Time,
    /// The slot in progress.
    pub slot: Slot,
    /// The epoch in progress.
    pub epoch: Epoch,
    /// The protocol's state.
    pub protocol: &'a Protocol,
    /// The scenario.
    pub scenario: &'a Scenario,
    /// Open epochs, oldest first.
    pub epochs: &'a VecDeque<EpochInfo>,
    /// Settled epochs.
    pub market: &'a Market,
    /// Provers active now.
    pub active_provers: u32,
    /// What one unit of gas costs now, in tokens.
    pub gas_price_tokens: f64,
    /// Slots of recent prunes, oldest first (at least the last governance
    /// round's).
    pub recent_prunes: &'a VecDeque<Slot>,
    /// Governance payloads that passed and await execution, oldest first.
    pub pending_payloads: &'a [crate::protocol::Payload],
    /// The last closed governance round's signals, by payload.
    pub last_tally: &'a [(crate::protocol::Payload, u64)],
    /// Checkpoint rewards that cartels publish as their demand, by the
    /// cartel's owner.
    pub demands: &'a std::collections::BTreeMap<ProverId, crate::protocol::Amount>,
    /// The priority fee L1 builders expect now, gwei per gas.
    pub going_priority_gwei: f64,
    /// Tokens per wei of ETH: [`tokens_per_wei`] of the scenario's
    /// exchange rate, which is fixed for the run.
    pub wei_to_tokens: f64,
}

impl View<'_> {
    /// An open epoch's information.
    pub fn epoch_info(&self, e: Epoch) -> Option<&EpochInfo> {
        self.epochs.iter().find(|i| i.epoch == e)
    }

    /// The first slot at which epoch `e`'s window is closed.
    pub fn window_close_slot(&self, e: Epoch) -> Slot {
        let c = &self.scenario.chain;
        (e + c.proof_submission_epochs + 1) * c.epoch_duration
    }

    /// The start time of a slot.
    pub fn slot_time(&self, slot: Slot) -> Time {
        slot * self.scenario.chain.slot_duration * 1000
    }

    /// Whether a proof ending at block `end` of epoch `e` could be accepted
    /// now: its window is open and every earlier block is proven.
    pub fn provable(&self, e: Epoch, end: BlockNumber) -> bool {
        let pse = self.scenario.chain.proof_submission_epochs;
        self.epoch < e + pse + 1
            && end <= self.protocol.pending_tip()
            && self
                .protocol
                .first_block_of(e)
                .is_some_and(|f| f - 1 <= self.protocol.proven_tip())
    }

    /// The cost in tokens of an L1 submission of a whole epoch's proof
    /// with this priority fee (what an agent plans with).
    pub fn submission_cost(&self, priority_fee_gwei: f64) -> f64 {
        self.submission_cost_for(priority_fee_gwei, self.scenario.chain.epoch_duration)
    }

    /// The cost in tokens of an L1 proof submission with this priority fee
    /// that newly proves `blocks` blocks: the proof's gas, and from v6 the
    /// stipend it forwards (AZIP-31).
    pub fn submission_cost_for(&self, priority_fee_gwei: f64, blocks: u64) -> f64 {
        let stipend = self.protocol.params().version.stipend_gas(blocks);
        let gas = self.scenario.l1.proof_gas.saturating_add(stipend) as f64;
        gas * self.gas_price(priority_fee_gwei)
    }

    /// Tokens per unit of L1 gas, at this priority fee.
    pub fn gas_price(&self, priority_fee_gwei: f64) -> f64 {
        self.gas_price_tokens + priority_fee_gwei * 1e9 * self.gas_wei_to_tokens()
    }

    /// Tokens per wei of ETH.
    pub fn gas_wei_to_tokens(&self) -> f64 {
        self.wei_to_tokens
    }
}

/// How many times longer than usual (above the minimum) an L1 transaction
/// paying `fee` waits when builders expect `going`: `going / fee` below the
/// going rate (a fee of nothing waits as a hundredth of it would), 1 at or
/// above it.
pub fn underpriced_wait(fee: f64, going: f64) -> f64 {
    if fee >= going || going <= 0.0 {
        1.0
    } else {
        going / fee.max(going / 100.0)
    }
}

/// A proof job: proving `first(epoch) ..= end`.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Job {
    /// Its id, unique in the run.
    pub id: u64,
    /// The epoch proven.
    pub epoch: Epoch,
    /// The last block proven.
    pub end: BlockNumber,
    /// The slot of block `end` when the job started (a prune that replaces
    /// the block makes the proof useless).
    pub end_slot: Slot,
    /// When it started.
    pub started: Time,
    /// Its cost in tokens.
    pub cost: f64,
}

/// What a prover asks the engine to do.
#[derive(Clone, Debug, PartialEq)]
pub enum ProverAction {
    /// Start proving `first(epoch) ..= end`: it takes `seconds` and costs
    /// `cost` tokens.
    StartJob {
        /// The epoch.
        epoch: Epoch,
        /// The last block.
        end: BlockNumber,
        /// Seconds the job takes.
        seconds: f64,
        /// Its cost in tokens.
        cost: f64,
    },
    /// Send a finished proof to L1 with this priority fee.
    Submit {
        /// The finished job.
        job: Job,
        /// Priority fee, gwei per gas.
        priority_fee_gwei: f64,
        /// The identity the proof carries, if not the sender's own (a
        /// sybil's other identities).
        credit: Option<ProverId>,
        /// How it bids if the L1 stalls it (under `[l1.tips]`); `None`:
        /// it waits with its fee until the proof's window closes.
        bidding: Option<Bidding>,
    },
    /// Copy a proof seen in the L1 mempool and send it into the same L1
    /// block with this priority fee.
    Copy {
        /// The submission copied.
        of: PendingProof,
        /// Priority fee, gwei per gas.
        priority_fee_gwei: f64,
    },
    /// Wake me at this time.
    WakeAt(Time),
    /// Publish (or, with `None`, withdraw) the checkpoint reward this
    /// cartel demands, for all to see.
    Demand(Option<crate::protocol::Amount>),
}

/// What became of one of a prover's own L1 submissions when it landed.
#[derive(Clone, Debug, PartialEq)]
pub struct Landed {
    /// The epoch it proves.
    pub epoch: Epoch,
    /// The last block it proves.
    pub end: BlockNumber,
    /// Whether it was a copy of another's proof.
    pub copy: bool,
    /// The identity the protocol credited it to.
    pub credited: ProverId,
    /// Whether it was accepted.
    pub accepted: bool,
    /// What it cost in gas, tokens.
    pub gas_cost: f64,
}

/// A proof submission waiting in the L1 mempool, as anyone can see it.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingProof {
    /// The sender.
    pub sender: ProverId,
    /// The identity the proof carries.
    pub credited: ProverId,
    /// The epoch proven.
    pub epoch: Epoch,
    /// The last block proven.
    pub end: BlockNumber,
    /// The slot of block `end` when it was proven.
    pub end_slot: Slot,
    /// Its priority fee, gwei per gas.
    pub priority_fee_gwei: f64,
    /// The L1 block it will land in.
    pub l1_block: u64,
}

/// What a strategy knows of the prover it drives.
pub struct Me<'a> {
    /// Its protocol id.
    pub id: ProverId,
    /// Every identity it controls (itself first; a sybil has more).
    pub identities: &'a [ProverId],
    /// Its cartel's owner (itself, if it is not in a cartel).
    pub owner: ProverId,
    /// Its group's parameters.
    pub group: &'a ProverGroup,
    /// Jobs running now.
    pub jobs_running: u32,
}

/// Everything a strategy call gets.
pub struct ProverCtx<'a, 'v> {
    /// The world.
    pub view: &'a View<'v>,
    /// The prover.
    pub me: Me<'a>,
    /// The prover's own random stream.
    pub rng: &'a mut Stream,
    /// Where to put actions.
    pub actions: &'a mut Vec<ProverAction>,
}

/// A prover's behaviour.
pub trait ProverStrategy: Send {
    /// The strategy's name in outputs.
    fn name(&self) -> &'static str;
    /// A new epoch began (the previous one is complete).
    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>);
    /// A proof job finished.
    fn on_job_done(&mut self, ctx: &mut ProverCtx<'_, '_>, job: Job);
    /// A wake-up it asked for.
    fn on_wake(&mut self, ctx: &mut ProverCtx<'_, '_>);
    /// A proof submission entered the L1 mempool (copiers watch this).
    fn on_mempool(&mut self, _ctx: &mut ProverCtx<'_, '_>, _tx: &PendingProof) {}
    /// One of its bridging transactions landed in block `block` of epoch
    /// `epoch` (bridgers act on this).
    fn on_bridge_included(
        &mut self,
        _ctx: &mut ProverCtx<'_, '_>,
        _epoch: Epoch,
        _block: BlockNumber,
    ) {
    }
    /// Under the previous design: its quote for an epoch (None: it does not
    /// quote). By default the honest price of
    /// [`quoting::priced_quote`].
    fn quote(
        &mut self,
        ctx: &mut ProverCtx<'_, '_>,
        req: &quoting::QuoteRequest,
    ) -> Option<quoting::Offer> {
        if !self.takes_work() {
            return None;
        }
        quoting::priced_quote(ctx, req).map(|p| p.offer)
    }
    /// Under the auction: its sealed bid for proving an epoch whole, tokens
    /// (None: it does not bid). By default the price of
    /// [`bidding::priced_bid`].
    fn bid(&mut self, ctx: &mut ProverCtx<'_, '_>, req: &bidding::BidRequest) -> Option<f64> {
        if !self.takes_work() {
            return None;
        }
        bidding::priced_bid(ctx, req)
    }
    /// Under the auction: it won epoch `e` and alone may prove it in the
    /// exclusive window. By default it proves the epoch whole if it is up.
    fn on_auction_won(&mut self, ctx: &mut ProverCtx<'_, '_>, e: Epoch) -> jobs::JobDecision {
        bidding::prove_won(ctx, e)
    }
    /// Under the auction: epoch `e` is open to anyone (nobody bid, or its
    /// winner missed the window). By default the honest rule: it proves
    /// the epoch whole if that is expected to pay.
    fn on_fallback(&mut self, ctx: &mut ProverCtx<'_, '_>, e: Epoch) {
        if self.takes_work() {
            jobs::start_full_job(ctx, e, 1, 0.0);
        }
    }
    /// Whether it proves epochs for pay: bids in an auction, quotes under
    /// the previous design, falls back on an open epoch. A bridger proves
    /// for its own bridging only and a sybil's identity carries its
    /// owner's proofs only.
    fn takes_work(&self) -> bool {
        true
    }
    /// Under the previous design: whether its kickback quote was accepted
    /// (called for quotes that carried a kickback).
    fn on_quote_outcome(&mut self, _ctx: &mut ProverCtx<'_, '_>, _accepted: bool) {}
    /// One of its own submissions landed on L1 (strategies that learn
    /// from outcomes act on this).
    fn on_landed(&mut self, _ctx: &mut ProverCtx<'_, '_>, _landed: &Landed) {}
    /// Whether it wants `on_mempool` calls.
    fn watches_mempool(&self) -> bool {
        false
    }
    /// Whether it wants `on_landed` calls.
    fn watches_landings(&self) -> bool {
        false
    }
    /// How many identities it controls, its own included (a sybil cartel
    /// registers more; a node operator runs several nodes).
    fn identities(&self) -> u32 {
        1
    }
    /// The most identities its owner runs: it adds one while the market's
    /// entry rule, with its own costs, expects the extra one to pay.
    fn max_identities(&self) -> u32 {
        self.identities()
    }
    /// Whether its owner sends its identities' proofs of one epoch in one
    /// L1 transaction.
    fn bundles(&self) -> bool {
        false
    }
    /// The strategy of each of its identities beyond the first: passive
    /// by default (a sybil's identities only carry its one proof).
    fn extra_identity(&self) -> Box<dyn ProverStrategy> {
        identity_strategy()
    }
    /// Its own bridging transactions per hour (bridgers have some).
    fn bridging_per_hour(&self) -> f64 {
        0.0
    }
    /// Whether its group is one owner's, as a cartel is (concentration is
    /// reported per owner as well as per identity).
    fn one_owner(&self) -> bool {
        false
    }
    /// Whether it leaves the market after a run of losing epochs (a
    /// striking cartel or a bridger stays for other reasons).
    fn leaves_on_losses(&self) -> bool {
        true
    }
}

/// The strategy of a prover's extra identities (a sybil's): passive, it
/// does nothing by itself.
pub fn identity_strategy() -> Box<dyn ProverStrategy> {
    Box::new(cartel::Identity)
}

/// A prover strategy as the scenario loader and the engine see it.
pub type StrategyKind = kind::Kind<dyn ProverStrategy>;

pub use registry::strategy_for;

#[cfg(test)]
mod tests {
    use super::underpriced_wait;

    #[test]
    fn a_fee_below_the_going_rate_waits_in_proportion() {
        assert_eq!(underpriced_wait(2.0, 1.0), 1.0);
        assert_eq!(underpriced_wait(1.0, 1.0), 1.0);
        assert_eq!(underpriced_wait(0.5, 1.0), 2.0);
        assert_eq!(underpriced_wait(1.0, 10.0), 10.0);
        // Nothing paid waits as a hundredth of the going rate would.
        assert_eq!(underpriced_wait(0.0, 10.0), 100.0);
        assert_eq!(underpriced_wait(0.0, 0.0), 1.0);
    }
}
