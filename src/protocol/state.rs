//! The protocol state machine: one object that takes slot starts, blocks,
//! proof submissions and governance payloads, in slot order.

use std::collections::VecDeque;

use super::arith::{Overflow, add, mul, mul_div};
use super::booster::{ActivityRecord, Booster, BoosterConfig, BoosterError, ScoreOn};
use super::chain::{BlockInput, Chain, Lookup, Prune};
use super::proofs::{Accepted, EpochBook, Registration, RejectReason, SubmissionOutcome};
use super::rewards::{BlockCredit, Books, EpochSettlement, split_pool};
use super::version::Version;
use super::{Amount, Block, BlockNumber, Epoch, Observer, ProverId, Slot};

mod changes;

/// The protocol's constants and the governance-set values in force.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// Slots per epoch (mainnet 32).
    pub epoch_duration: u64,
    /// Epochs after its own during which an epoch may still be proven
    /// (mainnet 1).
    pub proof_submission_epochs: u64,
    /// Tokens minted per proven block.
    pub checkpoint_reward: Amount,
    /// The sequencers' part of the checkpoint reward, in basis points.
    pub sequencer_bps: u64,
    /// The distributor's starting balance.
    pub distributor_funding: Amount,
    /// The proving price per mana that fees charge (read by the fee model).
    pub proving_cost_per_mana: Amount,
    /// The version of the contracts whose rules apply (section 12).
    pub version: Version,
    /// Seconds per slot (the time over which a version limits a change of
    /// `proving_cost_per_mana`).
    pub slot_duration: u64,
}

impl Params {
    /// Mainnet values (docs/model.md sections 1, 3 and 11).
    pub const MAINNET: Params = Params {
        epoch_duration: 32,
        proof_submission_epochs: 1,
        checkpoint_reward: 400_000_000_000_000_000_000,
        sequencer_bps: 7_000,
        distributor_funding: 80_000_000_000_000_000_000_000_000,
        proving_cost_per_mana: 25_000_000,
        version: Version::V4,
        slot_duration: 72,
    };
}

/// A call the protocol cannot carry out. Rule violations by provers are not
/// errors (they are rejections); these are violations by the caller or
/// arithmetic that leaves `u128`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    /// An amount left `u128`.
    #[error(transparent)]
    Overflow(#[from] Overflow),
    /// A slot earlier than the current one.
    #[error("slot {slot} comes before the current slot {current}")]
    SlotBackwards {
        /// The slot asked for.
        slot: Slot,
        /// The slot in progress.
        current: Slot,
    },
    /// A block built in a slot that has not begun.
    #[error("a block for slot {block} while slot {current} is in progress")]
    BlockOutsideSlot {
        /// The block's slot.
        block: Slot,
        /// The slot in progress.
        current: Slot,
    },
    /// A second block in one slot.
    #[error("slot {0} already has a block")]
    SecondBlockInSlot(Slot),
    /// A block's protocol fee exceeds its fee.
    #[error(
        "the protocol fee {protocol_fee} (protocol_fee_per_mana * mana_used) exceeds the fee {fee}"
    )]
    ProtocolFeeAboveFee {
        /// The block's total fee.
        fee: Amount,
        /// `protocol_fee_per_mana * mana_used`.
        protocol_fee: Amount,
    },
    /// `sequencer_bps` above 10000.
    #[error("sequencer_bps is {0}, expected at most 10000")]
    SequencerBps(u64),
    /// A governance payload changes what the version's governance may not.
    #[error("governance cannot change {key} under {}; it sets checkpoint_reward, sequencer_bps, proving_cost_per_mana (rate-limited) and distributor top-ups", version.name())]
    NotGoverned {
        /// What the payload changes.
        key: &'static str,
        /// The version in force.
        version: Version,
    },
    /// `epoch_duration` or `proof_submission_epochs` is 0.
    #[error("{0} is 0, expected at least 1")]
    ZeroParam(&'static str),
    /// The booster cannot be used.
    #[error(transparent)]
    Booster(#[from] BoosterError),
}

/// A prover's stored record and the booster generation it belongs to.
#[derive(Copy, Clone, Debug, Default)]
struct StoredRecord {
    record: ActivityRecord,
    generation: u32,
}

/// An epoch not yet settled, as the caller may inspect it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochView {
    /// The epoch.
    pub epoch: Epoch,
    /// Its longest accepted proof, in blocks.
    pub longest: u64,
    /// Its pool so far.
    pub pool: Amount,
    /// The provers registered at the longest length with their shares, by id.
    pub leaders: Vec<(ProverId, Amount)>,
}

/// The protocol state machine of the permissionless design.
#[derive(Clone, Debug)]
pub struct Protocol {
    params: Params,
    booster: Booster,
    /// Bumped by every new booster; records of older generations read as
    /// `(0, 0)`, the empty storage of a newly deployed booster.
    generation: u32,
    records: Vec<StoredRecord>,
    chain: Chain,
    /// Epochs with an accepted submission, not yet settled, ascending.
    epochs: VecDeque<EpochBook>,
    distributor: Amount,
    books: Books,
    /// The slot in progress (`None` before the first `begin_slot`).
    slot: Option<Slot>,
    /// The slot of the newest block built (pruned or not).
    last_block_slot: Option<Slot>,
    /// The slot `proving_cost_per_mana` last changed in (genesis: 0).
    proving_cost_changed: Slot,
}

/// `e + proof_submission_epochs + 1`, the first epoch in which `e`'s window
/// is closed, without overflow.
fn closing_epoch(e: Epoch, pse: u64) -> u128 {
    e as u128 + pse as u128 + 1
}

impl Protocol {
    /// A chain at genesis with these parameters and booster.
    pub fn new(params: Params, booster: BoosterConfig) -> Result<Protocol, ProtocolError> {
        if params.epoch_duration == 0 {
            return Err(ProtocolError::ZeroParam("epoch_duration"));
        }
        if params.proof_submission_epochs == 0 {
            return Err(ProtocolError::ZeroParam("proof_submission_epochs"));
        }
        if params.sequencer_bps > 10_000 {
            return Err(ProtocolError::SequencerBps(params.sequencer_bps));
        }
        Ok(Protocol {
            params,
            booster: Booster::new(booster)?,
            generation: 0,
            records: Vec::new(),
            chain: Chain::default(),
            epochs: VecDeque::new(),
            distributor: params.distributor_funding,
            books: Books::default(),
            slot: None,
            last_block_slot: None,
            proving_cost_changed: 0,
        })
    }

    /// The parameters in force.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// How many times the booster was replaced (by governance or a
    /// migration): records of an older generation read as empty.
    pub fn generation(&self) -> u32 {
        self.generation
    }

    /// The booster in force.
    pub fn booster(&self) -> &Booster {
        &self.booster
    }

    /// Where every token went so far.
    pub fn books(&self) -> &Books {
        &self.books
    }

    /// What the distributor still holds.
    pub fn distributor_balance(&self) -> Amount {
        self.distributor
    }

    /// The slot in progress, if any has begun.
    pub fn slot(&self) -> Option<Slot> {
        self.slot
    }

    /// The epoch of a slot.
    pub fn epoch_of(&self, slot: Slot) -> Epoch {
        slot / self.params.epoch_duration
    }

    /// The epoch in progress (0 before the first slot).
    pub fn current_epoch(&self) -> Epoch {
        self.epoch_of(self.slot.unwrap_or(0))
    }

    /// The highest block number.
    pub fn pending_tip(&self) -> BlockNumber {
        self.chain.pending_tip()
    }

    /// The highest proven block number.
    pub fn proven_tip(&self) -> BlockNumber {
        self.chain.proven_tip()
    }

    /// A block still held in memory (any block of an epoch whose window is
    /// open).
    pub fn block(&self, number: BlockNumber) -> Option<&Block> {
        match self.chain.lookup(number) {
            Lookup::Held(b) => Some(b),
            _ => None,
        }
    }

    /// The newest block on the pending chain, if it is held.
    pub fn last_block(&self) -> Option<&Block> {
        self.chain.last()
    }

    /// `first(e)` for an epoch whose window is open and that has a block.
    pub fn first_block_of(&self, epoch: Epoch) -> Option<BlockNumber> {
        self.chain.first(epoch)
    }

    /// How many blocks are held in memory.
    pub fn held_blocks(&self) -> usize {
        self.chain.held_len()
    }

    /// A prover's activity record as stored (not decayed).
    pub fn record(&self, prover: ProverId) -> ActivityRecord {
        match self.records.get(prover.0 as usize) {
            Some(s) if s.generation == self.generation => s.record,
            _ => ActivityRecord::default(),
        }
    }

    /// The shares a prover would get for a submission now, without bumping.
    pub fn current_shares(&self, prover: ProverId) -> Result<Amount, Overflow> {
        let (shares, _) = self
            .booster
            .score(self.record(prover), self.current_epoch(), false)?;
        Ok(shares)
    }

    fn store_record(&mut self, prover: ProverId, record: ActivityRecord) {
        let i = prover.0 as usize;
        if self.records.len() <= i {
            self.records.resize(i + 1, StoredRecord::default());
        }
        self.records[i] = StoredRecord {
            record,
            generation: self.generation,
        };
    }

    /// Whether the window of epoch `e` is closed in epoch `current`.
    fn window_closed(&self, e: Epoch, current: Epoch) -> bool {
        current as u128 >= closing_epoch(e, self.params.proof_submission_epochs)
    }

    /// The first slot of the epoch in which `e`'s window is closed, if it is
    /// a `u64`.
    fn closing_slot(&self, e: Epoch) -> Option<Slot> {
        let s = closing_epoch(e, self.params.proof_submission_epochs)
            * self.params.epoch_duration as u128;
        u64::try_from(s).ok()
    }

    /// The next slot after which a slot start would prune or settle, if any:
    /// a caller that skips idle slots must begin this one.
    pub fn next_due_slot(&self) -> Option<Slot> {
        let prune = self
            .chain
            .first_unproven_epoch()
            .and_then(|e| self.closing_slot(e));
        let settle = self.epochs.front().and_then(|b| self.closing_slot(b.epoch));
        match (prune, settle) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Starts slot `slot`: the prune check, then the settlement of every
    /// epoch whose window is now closed.
    pub fn begin_slot(&mut self, slot: Slot, obs: &mut impl Observer) -> Result<(), ProtocolError> {
        if let Some(current) = self.slot
            && slot < current
        {
            return Err(ProtocolError::SlotBackwards { slot, current });
        }
        self.slot = Some(slot);
        let epoch = self.epoch_of(slot);
        if let Some(e) = self.chain.first_unproven_epoch()
            && self.window_closed(e, epoch)
            && let Some((first_block, last_block)) = self.chain.prune()
        {
            obs.pruned(&Prune {
                slot,
                first_block,
                last_block,
            });
        }
        while let Some(book) = self.epochs.front() {
            if !self.window_closed(book.epoch, epoch) {
                break;
            }
            let book = self.epochs.pop_front().expect("front exists");
            self.settle(book, obs)?;
        }
        let open_from = epoch.saturating_sub(self.params.proof_submission_epochs);
        self.chain.drop_before(open_from);
        Ok(())
    }

    fn settle(&mut self, book: EpochBook, obs: &mut impl Observer) -> Result<(), ProtocolError> {
        let (payouts, dust) = match book.longest_book() {
            Some(lb) => split_pool(
                book.pool,
                lb.summed,
                lb.by_prover.iter().map(|(&p, r)| (p, r.shares)),
            )?,
            None => (Vec::new(), book.pool),
        };
        let paid = book.pool - dust;
        self.books.paid_provers = add(self.books.paid_provers, paid, "paid to provers")?;
        self.books.dust = add(self.books.dust, dust, "dust")?;
        self.books.unsettled -= book.pool;
        obs.epoch_settled(&EpochSettlement {
            epoch: book.epoch,
            longest: book.longest,
            pool: book.pool,
            dust,
            payouts,
        });
        Ok(())
    }

    /// Builds the next block on the pending chain in the current slot.
    pub fn add_block(&mut self, input: BlockInput) -> Result<BlockNumber, ProtocolError> {
        let current = self.slot.unwrap_or(0);
        if self.slot.is_none() || input.slot != current {
            return Err(ProtocolError::BlockOutsideSlot {
                block: input.slot,
                current,
            });
        }
        if self.last_block_slot == Some(input.slot) {
            return Err(ProtocolError::SecondBlockInSlot(input.slot));
        }
        check_block(&input)?;
        self.last_block_slot = Some(input.slot);
        let epoch = self.epoch_of(input.slot);
        Ok(self.chain.push(epoch, input))
    }

    /// A proof by `prover` of the blocks `first(e) ..= end`, where `e` is the
    /// epoch of block `end`, submitted in the current slot.
    pub fn submit_proof(
        &mut self,
        prover: ProverId,
        end: BlockNumber,
        obs: &mut impl Observer,
    ) -> Result<SubmissionOutcome, ProtocolError> {
        let current = self.current_epoch();
        let block = match self.chain.lookup(end) {
            Lookup::Missing => return Ok(SubmissionOutcome::Rejected(RejectReason::NoSuchBlock)),
            Lookup::Dropped => return Ok(SubmissionOutcome::Rejected(RejectReason::WindowClosed)),
            Lookup::Held(b) => *b,
        };
        let epoch = block.epoch;
        if self.window_closed(epoch, current) {
            return Ok(SubmissionOutcome::Rejected(RejectReason::WindowClosed));
        }
        let first = self
            .chain
            .first(epoch)
            .expect("a held block's epoch has a first block");
        if first - 1 > self.chain.proven_tip() {
            return Ok(SubmissionOutcome::Rejected(RejectReason::NotOnProven));
        }
        let length = end - first + 1;
        let full = epoch < current
            && match self.chain.lookup(end + 1) {
                Lookup::Held(next) => next.epoch > epoch,
                _ => true,
            };
        let score_on = self.booster.config().score_on;
        // Where the epoch's book is, or would go (books are by epoch).
        let pos = self.epochs.partition_point(|b| b.epoch < epoch);
        let has_book = self.epochs.get(pos).is_some_and(|b| b.epoch == epoch);
        let existing = has_book
            .then(|| self.epochs[pos].registration(length, prover))
            .flatten();
        let upgrade = match existing {
            None => false,
            Some(old) if score_on == ScoreOn::FullEpoch && !old.full && full => true,
            Some(_) => return Ok(SubmissionOutcome::Rejected(RejectReason::Duplicate)),
        };

        // Accepted: compute everything that can fail before changing state.
        let bump = match score_on {
            ScoreOn::AnyProof => true,
            ScoreOn::FullEpoch => full,
        };
        let (shares, record) = self.booster.score(self.record(prover), current, bump)?;
        self.chain.prove_to(end);
        self.store_record(prover, record);
        if !has_book {
            self.epochs.insert(pos, EpochBook::new(epoch));
        }
        let book = &mut self.epochs[pos];
        let lb = book.at_mut(length);
        let old_shares = existing.map_or(0, |r| r.shares);
        lb.summed = add(lb.summed - old_shares, shares, "summed shares")?;
        lb.by_prover.insert(prover, Registration { shares, full });
        let added = length.saturating_sub(book.longest);
        if added > 0 {
            self.credit(pos, first, length, obs)?;
        }
        Ok(SubmissionOutcome::Accepted(Accepted {
            epoch,
            length,
            shares,
            full,
            upgrade,
            added,
        }))
    }

    /// Credits the blocks `first + longest ..= first + length - 1` of the
    /// epoch whose book is at `pos` and sets its longest length to
    /// `length`.
    fn credit(
        &mut self,
        pos: usize,
        first: BlockNumber,
        length: u64,
        obs: &mut impl Observer,
    ) -> Result<(), ProtocolError> {
        let epoch = self.epochs[pos].epoch;
        let longest = self.epochs[pos].longest;
        let added = length - longest;
        let p = self.params;
        // The product is exact: past u128 it is above any balance, so the
        // distributor's balance bounds it.
        let reward = (added as Amount)
            .checked_mul(p.checkpoint_reward)
            .map_or(self.distributor, |r| r.min(self.distributor));
        let seq = mul_div(
            reward,
            p.sequencer_bps as Amount,
            10_000,
            "reward * sequencer_bps / 10000",
        )?;
        let seq_per_block = seq / added as Amount;
        // The sequencers' rounding dust goes to the provers.
        let mut pool_in = reward - seq_per_block * added as Amount;
        let mut books = self.books;
        self.distributor -= reward;
        books.minted = add(books.minted, reward, "minted")?;
        for number in first + longest..first + length {
            let block = self.chain.held(number);
            let b = &block.input;
            // `check_block` made sure neither product overflows.
            let protocol_fee = b.protocol_fee_per_mana * b.mana_used as Amount;
            let prover_fee =
                (b.mana_used as Amount * b.prover_cost_per_mana).min(b.fee - protocol_fee);
            let earned = add(
                seq_per_block,
                b.fee - protocol_fee - prover_fee,
                "sequencer credit",
            )?;
            pool_in = add(pool_in, prover_fee, "epoch pool")?;
            books.fees = add(books.fees, b.fee, "fees")?;
            books.burnt = add(books.burnt, protocol_fee, "burnt")?;
            books.paid_sequencers = add(books.paid_sequencers, earned, "paid to sequencers")?;
            obs.block_credited(&BlockCredit {
                block: number,
                epoch,
                proposer: b.proposer,
                sequencer_reward: seq_per_block,
                fee: b.fee,
                protocol_fee,
                prover_fee,
                earned,
            });
        }
        let book = &mut self.epochs[pos];
        book.pool = add(book.pool, pool_in, "epoch pool")?;
        book.longest = length;
        books.unsettled = add(books.unsettled, pool_in, "unsettled pools")?;
        self.books = books;
        Ok(())
    }

    /// Whether `prover` is registered at `length` for the open epoch
    /// `epoch` (a second submission of it would be rejected).
    pub fn registered(&self, epoch: Epoch, length: u64, prover: ProverId) -> bool {
        self.epochs
            .iter()
            .find(|b| b.epoch == epoch)
            .is_some_and(|b| b.registration(length, prover).is_some())
    }

    /// The longest accepted proof of an open epoch, in blocks (0 if none).
    pub fn longest(&self, epoch: Epoch) -> u64 {
        self.epochs
            .iter()
            .find(|b| b.epoch == epoch)
            .map_or(0, |b| b.longest)
    }

    /// The longest accepted proof of an open epoch, in blocks, and the
    /// summed shares registered at that length (what a prover joining it
    /// would split the pool with).
    pub fn leaders(&self, epoch: Epoch) -> (u64, Amount) {
        self.epochs
            .iter()
            .find(|b| b.epoch == epoch)
            .map_or((0, 0), |b| {
                (b.longest, b.longest_book().map_or(0, |l| l.summed))
            })
    }

    /// The epochs with an accepted submission that have not settled yet.
    pub fn open_epochs(&self) -> impl Iterator<Item = EpochView> + '_ {
        self.epochs.iter().map(|b| EpochView {
            epoch: b.epoch,
            longest: b.longest,
            pool: b.pool,
            leaders: b
                .longest_book()
                .map(|lb| lb.by_prover.iter().map(|(&p, r)| (p, r.shares)).collect())
                .unwrap_or_default(),
        })
    }
}

/// Checks a block's fields: its protocol fee fits its fee, and the products
/// that crediting it computes stay inside `u128`.
pub fn check_block(input: &BlockInput) -> Result<(), ProtocolError> {
    let protocol_fee = input
        .protocol_fee()
        .ok_or(Overflow("protocol_fee_per_mana * mana_used"))?;
    if protocol_fee > input.fee {
        return Err(ProtocolError::ProtocolFeeAboveFee {
            fee: input.fee,
            protocol_fee,
        });
    }
    mul(
        input.mana_used as Amount,
        input.prover_cost_per_mana,
        "prover_cost_per_mana * mana_used",
    )?;
    Ok(())
}
