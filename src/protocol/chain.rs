//! The pending chain: blocks, the proven tip, `first(e)`, and pruning
//! (docs/model.md sections 1 and 5).
//!
//! Blocks of epochs whose window has closed are proven (anything unproven
//! there is pruned first) and can never be credited or referenced again but
//! as `window_closed`; they are dropped, so memory does not grow with the
//! length of a run.

use std::collections::VecDeque;

use super::{Amount, BlockNumber, Epoch, SequencerId, Slot};

/// What a proposer builds: the fields of a block that the chain does not
/// assign itself.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct BlockInput {
    /// The slot it is built in.
    pub slot: Slot,
    /// Its proposer.
    pub proposer: SequencerId,
    /// Mana its transactions used.
    pub mana_used: u64,
    /// Total fee its transactions paid.
    pub fee: Amount,
    /// The prover's price per mana in force at its slot.
    pub prover_cost_per_mana: Amount,
    /// The burnt congestion fee per mana in force at its slot.
    pub protocol_fee_per_mana: Amount,
}

impl BlockInput {
    /// `protocol_fee_per_mana * mana_used`, the part of the fee that is
    /// burnt, or `None` if it leaves `u128`.
    pub fn protocol_fee(&self) -> Option<Amount> {
        self.protocol_fee_per_mana
            .checked_mul(self.mana_used as Amount)
    }
}

/// A block on the pending chain.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Block {
    /// Its number, from 1 without gaps.
    pub number: BlockNumber,
    /// The epoch of its slot.
    pub epoch: Epoch,
    /// What the proposer built.
    pub input: BlockInput,
}

/// The unproven part of the chain was cut back at a slot start.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Prune {
    /// The slot whose start pruned.
    pub slot: Slot,
    /// The first block removed (the proven tip + 1).
    pub first_block: BlockNumber,
    /// The last block removed (the pending tip before).
    pub last_block: BlockNumber,
}

/// Where a block number stands on the chain.
#[derive(Copy, Clone, Debug)]
pub(crate) enum Lookup<'a> {
    /// Not a block on the pending chain.
    Missing,
    /// A block of an epoch whose window closed; its data was dropped.
    Dropped,
    /// A block still held.
    Held(&'a Block),
}

/// The pending chain and its proven tip.
#[derive(Clone, Debug, Default)]
pub(crate) struct Chain {
    /// Blocks `dropped + 1 ..= pending_tip`, in order.
    blocks: VecDeque<Block>,
    /// Every block up to this number was dropped.
    dropped: BlockNumber,
    /// The highest block number covered by an accepted proof.
    proven_tip: BlockNumber,
    /// `(epoch, first(epoch))` for the held blocks' epochs, ascending.
    firsts: VecDeque<(Epoch, BlockNumber)>,
}

impl Chain {
    /// The highest block number.
    pub fn pending_tip(&self) -> BlockNumber {
        self.dropped + self.blocks.len() as BlockNumber
    }

    /// The highest proven block number.
    pub fn proven_tip(&self) -> BlockNumber {
        self.proven_tip
    }

    /// The block with this number, if the chain has it.
    pub fn lookup(&self, number: BlockNumber) -> Lookup<'_> {
        if number == 0 || number > self.pending_tip() {
            Lookup::Missing
        } else if number <= self.dropped {
            Lookup::Dropped
        } else {
            Lookup::Held(&self.blocks[(number - self.dropped - 1) as usize])
        }
    }

    /// The held block with this number. Callers pass numbers they know are
    /// held (unproven blocks always are).
    pub fn held(&self, number: BlockNumber) -> &Block {
        &self.blocks[(number - self.dropped - 1) as usize]
    }

    /// The newest block, if any is held.
    pub fn last(&self) -> Option<&Block> {
        self.blocks.back()
    }

    /// `first(e)`: the lowest block number whose slot lies in epoch `e`, for
    /// an epoch with a held block.
    pub fn first(&self, epoch: Epoch) -> Option<BlockNumber> {
        self.firsts
            .binary_search_by_key(&epoch, |&(e, _)| e)
            .ok()
            .map(|i| self.firsts[i].1)
    }

    /// Appends a block; returns its number.
    pub fn push(&mut self, epoch: Epoch, input: BlockInput) -> BlockNumber {
        let number = self.pending_tip() + 1;
        if self.firsts.back().is_none_or(|&(e, _)| e != epoch) {
            self.firsts.push_back((epoch, number));
        }
        self.blocks.push_back(Block {
            number,
            epoch,
            input,
        });
        number
    }

    /// Moves the proven tip up to `end` (never down).
    pub fn prove_to(&mut self, end: BlockNumber) {
        self.proven_tip = self.proven_tip.max(end);
    }

    /// The epoch of the first unproven block, if there is one.
    pub fn first_unproven_epoch(&self) -> Option<Epoch> {
        (self.pending_tip() > self.proven_tip).then(|| self.held(self.proven_tip + 1).epoch)
    }

    /// Cuts every block after the proven tip. Returns the removed range.
    pub fn prune(&mut self) -> Option<(BlockNumber, BlockNumber)> {
        let (first, last) = (self.proven_tip + 1, self.pending_tip());
        if last < first {
            return None;
        }
        self.blocks
            .truncate((self.proven_tip - self.dropped) as usize);
        while self
            .firsts
            .back()
            .is_some_and(|&(_, f)| f > self.proven_tip)
        {
            self.firsts.pop_back();
        }
        Some((first, last))
    }

    /// Drops the proven blocks of epochs before `epoch` (whose windows have
    /// closed).
    pub fn drop_before(&mut self, epoch: Epoch) {
        while let Some(front) = self.blocks.front() {
            if front.epoch >= epoch || front.number > self.proven_tip {
                break;
            }
            self.blocks.pop_front();
            self.dropped += 1;
        }
        while self
            .firsts
            .front()
            .is_some_and(|&(e, f)| e < epoch && f <= self.dropped)
        {
            self.firsts.pop_front();
        }
    }

    /// How many blocks are held in memory.
    pub fn held_len(&self) -> usize {
        self.blocks.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(slot: Slot) -> BlockInput {
        BlockInput {
            slot,
            proposer: SequencerId(0),
            mana_used: 1,
            fee: 1,
            prover_cost_per_mana: 0,
            protocol_fee_per_mana: 0,
        }
    }

    #[test]
    fn firsts_follow_pushes_prunes_and_drops() {
        let mut c = Chain::default();
        c.push(0, input(0));
        c.push(0, input(1));
        c.push(1, input(4));
        c.push(1, input(5));
        assert_eq!(c.first(0), Some(1));
        assert_eq!(c.first(1), Some(3));
        c.prove_to(3);
        assert_eq!(c.prune(), Some((4, 4)));
        assert_eq!(c.pending_tip(), 3);
        // Block numbers continue from the proven tip.
        assert_eq!(c.push(3, input(12)), 4);
        assert_eq!(c.first(1), Some(3));
        assert_eq!(c.first(3), Some(4));
        c.drop_before(2);
        assert!(matches!(c.lookup(2), Lookup::Dropped));
        assert!(matches!(c.lookup(3), Lookup::Dropped));
        assert!(matches!(c.lookup(4), Lookup::Held(b) if b.epoch == 3));
        assert!(matches!(c.lookup(5), Lookup::Missing));
        assert!(matches!(c.lookup(0), Lookup::Missing));
        assert_eq!(c.first(1), None);
        assert_eq!(c.held_len(), 1);
    }
}
