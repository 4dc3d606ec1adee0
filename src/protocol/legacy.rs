//! The previous design, for comparison (docs/model.md section 9): bonded provers
//! quote a fee for epoch `N` to the sequencers of `N + 1`; a proposer in
//! the first `quote_slots` slots of `N + 1` accepts one quote; with none,
//! epoch `N` and the first `quote_slots` blocks of `N + 1` are pruned; the
//! chosen prover must prove the whole of `N` by the end of `N + 1` or lose
//! its bond, and the epoch is pruned.
//!
//! A pure state machine like [`super::Protocol`], in integers. The value of
//! an epoch is what its blocks bring: per block the minted checkpoint reward
//! plus its fee minus the burnt protocol fee; the chosen prover takes its
//! quote's basis points of each block's value, the block's proposer the
//! rest.

use std::collections::BTreeMap;

use super::arith::{add, mul};
use super::chain::{BlockInput, Chain, Lookup, Prune};
use super::state::check_block;
use super::{Amount, BlockNumber, Epoch, ProtocolError, ProverId, SequencerId, Slot};

/// The constants of the bonded design.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct BondedParams {
    /// Slots per epoch.
    pub epoch_duration: u64,
    /// Slots of `N + 1` in which a quote for `N` may be accepted (13).
    pub quote_slots: u64,
    /// Tokens minted per proven block.
    pub checkpoint_reward: Amount,
    /// The distributor's starting balance.
    pub distributor_funding: Amount,
    /// The bond a prover posts to be eligible.
    pub bond: Amount,
}

/// Parts per million: the unit of quotes.
pub const PPM: u64 = 1_000_000;

/// A prover's offer to prove an epoch for a part of its value.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    /// The bonded prover.
    pub prover: ProverId,
    /// Its fee, parts per million of the epoch's value.
    pub ppm: u64,
    /// What it pays back to the proposer who accepts it, parts per million
    /// of the epoch's value, out of its fee (a kickback; 0 if honest).
    pub kickback_ppm: u64,
}

/// Where every token went in the bonded design.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct BondedBooks {
    /// Checkpoint rewards minted.
    pub minted: Amount,
    /// Fees of proven blocks.
    pub fees: Amount,
    /// Protocol fees burnt.
    pub burnt: Amount,
    /// Credited to proposers.
    pub paid_sequencers: Amount,
    /// Paid to chosen provers.
    pub paid_provers: Amount,
    /// Bonds posted and still held.
    pub bonded: Amount,
    /// Bonds slashed.
    pub slashed: Amount,
    /// Paid back by chosen provers to the proposers who accepted them
    /// (counted in `paid_sequencers`, not in `paid_provers`).
    pub kickbacks: Amount,
}

impl BondedBooks {
    /// Whether `minted + fees = paid_sequencers + paid_provers + burnt`.
    pub fn balanced(&self) -> bool {
        self.minted.checked_add(self.fees)
            == self
                .paid_sequencers
                .checked_add(self.paid_provers)
                .and_then(|x| x.checked_add(self.burnt))
    }
}

/// Something the bonded design did at a slot start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BondedEvent {
    /// No quote for `epoch` was accepted in time: the chain was cut back.
    NoQuote {
        /// The epoch left without a prover.
        epoch: Epoch,
        /// What was pruned.
        prune: Prune,
    },
    /// The chosen prover did not prove `epoch` in time: its bond is gone
    /// and the chain was cut back.
    Slashed {
        /// The epoch.
        epoch: Epoch,
        /// The prover.
        prover: ProverId,
        /// The bond lost.
        bond: Amount,
        /// What was pruned, if anything was unproven.
        prune: Option<Prune>,
    },
}

/// Why a call was refused (not an error of the caller: a rule).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum BondedRefusal {
    /// The prover has no bond posted.
    NotBonded,
    /// A quote above the whole value, or a kickback above the quote.
    BadQuote,
    /// Not in the first `quote_slots` slots after the epoch, or a quote
    /// was already accepted, or the epoch has no block.
    NoQuoteNow,
    /// Only the chosen prover may prove, the whole epoch, once, after the
    /// one before is proven, by the end of the next epoch.
    NotChosen,
}

/// The chosen prover of an epoch and what it was promised.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The quote.
    pub quote: Quote,
    /// The proposer who accepted it.
    pub by: SequencerId,
}

/// What proving an epoch paid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BondedPayout {
    /// The epoch.
    pub epoch: Epoch,
    /// Its blocks.
    pub blocks: u64,
    /// Its value: minted rewards plus fees minus burnt fees.
    pub value: Amount,
    /// The prover.
    pub prover_id: ProverId,
    /// What the prover was paid.
    pub prover: Amount,
    /// What each proposer was credited (the accepting proposer's kickback
    /// last, if any).
    pub sequencers: Vec<(SequencerId, Amount)>,
    /// The kickback the prover paid the accepting proposer, out of its fee.
    pub kickback: Amount,
}

/// The bonded design's state machine.
#[derive(Clone, Debug)]
pub struct Bonded {
    params: BondedParams,
    chain: Chain,
    distributor: Amount,
    books: BondedBooks,
    bonds: BTreeMap<ProverId, Amount>,
    accepted: BTreeMap<Epoch, Accepted>,
    slot: Option<Slot>,
}

impl Bonded {
    /// A chain at genesis.
    pub fn new(params: BondedParams) -> Result<Bonded, ProtocolError> {
        if params.epoch_duration == 0 {
            return Err(ProtocolError::ZeroParam("epoch_duration"));
        }
        Ok(Bonded {
            params,
            chain: Chain::default(),
            distributor: params.distributor_funding,
            books: BondedBooks::default(),
            bonds: BTreeMap::new(),
            accepted: BTreeMap::new(),
            slot: None,
        })
    }

    /// The books.
    pub fn books(&self) -> &BondedBooks {
        &self.books
    }

    /// The highest proven block.
    pub fn proven_tip(&self) -> BlockNumber {
        self.chain.proven_tip()
    }

    /// The highest block.
    pub fn pending_tip(&self) -> BlockNumber {
        self.chain.pending_tip()
    }

    /// The quote accepted for an epoch, if any.
    pub fn accepted(&self, epoch: Epoch) -> Option<Accepted> {
        self.accepted.get(&epoch).copied()
    }

    /// Whether a prover has a bond posted.
    pub fn is_bonded(&self, prover: ProverId) -> bool {
        self.bonds.contains_key(&prover)
    }

    fn epoch_of(&self, slot: Slot) -> Epoch {
        slot / self.params.epoch_duration
    }

    /// Posts `prover`'s bond.
    pub fn post_bond(&mut self, prover: ProverId) -> Result<(), ProtocolError> {
        if !self.bonds.contains_key(&prover) {
            self.books.bonded = add(self.books.bonded, self.params.bond, "bonds")?;
            self.bonds.insert(prover, self.params.bond);
        }
        Ok(())
    }

    /// Takes `prover`'s bond back (it leaves the market).
    pub fn withdraw_bond(&mut self, prover: ProverId) {
        if let Some(bond) = self.bonds.remove(&prover) {
            self.books.bonded -= bond;
        }
    }

    /// The checkpoint reward minted per proven block from now (governance
    /// changed it).
    pub fn set_checkpoint_reward(&mut self, reward: Amount) {
        self.params.checkpoint_reward = reward;
    }

    /// Starts a slot: the quote deadline of the previous epoch and the
    /// proving deadline of the one before.
    pub fn begin_slot(&mut self, slot: Slot) -> Result<Vec<BondedEvent>, ProtocolError> {
        self.slot = Some(slot);
        let ed = self.params.epoch_duration;
        let mut events = Vec::new();
        let (epoch, in_epoch) = (slot / ed, slot % ed);
        // No quote for the previous epoch after its quote slots.
        if in_epoch == self.params.quote_slots.min(ed - 1)
            && let Some(n) = epoch.checked_sub(1)
            && !self.accepted.contains_key(&n)
            && self
                .chain
                .first(n)
                .is_some_and(|f| f > self.chain.proven_tip())
            && let Some((first_block, last_block)) = self.chain.prune()
        {
            events.push(BondedEvent::NoQuote {
                epoch: n,
                prune: Prune {
                    slot,
                    first_block,
                    last_block,
                },
            });
        }
        // The chosen prover of two epochs ago had until now.
        if in_epoch == 0
            && let Some(n) = epoch.checked_sub(2)
            && let Some(acc) = self.accepted.remove(&n)
            && self
                .chain
                .first(n)
                .is_some_and(|f| f > self.chain.proven_tip())
        {
            let bond = self.bonds.remove(&acc.quote.prover).unwrap_or(0);
            self.books.bonded -= bond;
            self.books.slashed = add(self.books.slashed, bond, "slashed bonds")?;
            let prune = self.chain.prune().map(|(first_block, last_block)| Prune {
                slot,
                first_block,
                last_block,
            });
            events.push(BondedEvent::Slashed {
                epoch: n,
                prover: acc.quote.prover,
                bond,
                prune,
            });
        }
        self.accepted.retain(|&e, _| e + 2 >= epoch);
        Ok(events)
    }

    /// Builds the next block in the current slot.
    pub fn add_block(&mut self, input: BlockInput) -> Result<BlockNumber, ProtocolError> {
        check_block(&input)?;
        let epoch = self.epoch_of(input.slot);
        Ok(self.chain.push(epoch, input))
    }

    /// The proposer of the current slot accepts a quote for the previous
    /// epoch.
    pub fn accept(&mut self, quote: Quote, by: SequencerId) -> Result<(), BondedRefusal> {
        let slot = self.slot.ok_or(BondedRefusal::NoQuoteNow)?;
        let (epoch, in_epoch) = (self.epoch_of(slot), slot % self.params.epoch_duration);
        let n = epoch.checked_sub(1).ok_or(BondedRefusal::NoQuoteNow)?;
        if in_epoch >= self.params.quote_slots
            || self.accepted.contains_key(&n)
            || self.chain.first(n).is_none()
        {
            return Err(BondedRefusal::NoQuoteNow);
        }
        if !self.bonds.contains_key(&quote.prover) {
            return Err(BondedRefusal::NotBonded);
        }
        if quote.ppm > PPM || quote.kickback_ppm > quote.ppm {
            return Err(BondedRefusal::BadQuote);
        }
        self.accepted.insert(n, Accepted { quote, by });
        Ok(())
    }

    /// The chosen prover proves the whole of `epoch`: it is paid its quote
    /// of the epoch's value and the proposers the rest.
    pub fn prove(
        &mut self,
        prover: ProverId,
        epoch: Epoch,
    ) -> Result<Result<BondedPayout, BondedRefusal>, ProtocolError> {
        let Some(acc) = self.accepted.get(&epoch).copied() else {
            return Ok(Err(BondedRefusal::NotChosen));
        };
        let current = self.slot.map_or(0, |s| self.epoch_of(s));
        let Some(first) = self.chain.first(epoch) else {
            return Ok(Err(BondedRefusal::NotChosen));
        };
        let proven = self.chain.proven_tip();
        if acc.quote.prover != prover
            || current > epoch + 1
            || first - 1 > proven
            || first <= proven
        {
            return Ok(Err(BondedRefusal::NotChosen));
        }
        // The epoch's last block: the newest held block of the epoch.
        let mut last = first;
        while let Lookup::Held(b) = self.chain.lookup(last + 1) {
            if b.epoch != epoch {
                break;
            }
            last += 1;
        }
        let mut payout = BondedPayout {
            epoch,
            blocks: last - first + 1,
            value: 0,
            prover_id: prover,
            prover: 0,
            sequencers: Vec::new(),
            kickback: 0,
        };
        let mut books = self.books;
        for number in first..=last {
            let b = self.chain.held(number).input;
            let minted = self.params.checkpoint_reward.min(self.distributor);
            self.distributor -= minted;
            let protocol_fee = b.protocol_fee_per_mana * b.mana_used as Amount;
            let value = add(minted, b.fee - protocol_fee, "block value")?;
            let to_prover = mul(value, acc.quote.ppm as Amount, "value * ppm")? / PPM as Amount;
            books.minted = add(books.minted, minted, "minted")?;
            books.fees = add(books.fees, b.fee, "fees")?;
            books.burnt = add(books.burnt, protocol_fee, "burnt")?;
            books.paid_provers = add(books.paid_provers, to_prover, "paid to provers")?;
            books.paid_sequencers = add(
                books.paid_sequencers,
                value - to_prover,
                "paid to sequencers",
            )?;
            payout.value = add(payout.value, value, "epoch value")?;
            payout.prover += to_prover;
            payout.sequencers.push((b.proposer, value - to_prover));
        }
        // The kickback, out of the prover's fee, to the accepting proposer.
        let kickback = (mul(
            payout.value,
            acc.quote.kickback_ppm as Amount,
            "value * ppm",
        )? / PPM as Amount)
            .min(payout.prover);
        if kickback > 0 {
            payout.prover -= kickback;
            payout.kickback = kickback;
            payout.sequencers.push((acc.by, kickback));
            books.paid_provers -= kickback;
            books.paid_sequencers = add(books.paid_sequencers, kickback, "paid to sequencers")?;
            books.kickbacks = add(books.kickbacks, kickback, "kickbacks")?;
        }
        self.books = books;
        self.chain.prove_to(last);
        Ok(Ok(payout))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED: u64 = 4;

    fn params() -> BondedParams {
        BondedParams {
            epoch_duration: ED,
            quote_slots: 2,
            checkpoint_reward: 1000,
            distributor_funding: 1_000_000,
            bond: 5000,
        }
    }

    fn block(slot: Slot) -> BlockInput {
        BlockInput {
            slot,
            proposer: SequencerId((slot % 2) as u32),
            mana_used: 100,
            fee: 500,
            prover_cost_per_mana: 1,
            protocol_fee_per_mana: 2,
        }
    }

    /// Slots `from..to`, each with a block.
    fn run(b: &mut Bonded, from: Slot, to: Slot) -> Vec<BondedEvent> {
        let mut events = Vec::new();
        for s in from..to {
            events.extend(b.begin_slot(s).unwrap());
            b.add_block(block(s)).unwrap();
        }
        events
    }

    #[test]
    fn the_chosen_prover_is_paid_its_quote_of_the_epochs_value() {
        let mut b = Bonded::new(params()).unwrap();
        b.post_bond(ProverId(7)).unwrap();
        run(&mut b, 0, 5);
        // Slot 4: epoch 1's first slot; accept a quote of 2000 bps.
        b.accept(
            Quote {
                prover: ProverId(7),
                ppm: 200000,
                kickback_ppm: 0,
            },
            SequencerId(0),
        )
        .unwrap();
        // Another quote for the same epoch is refused.
        assert_eq!(
            b.accept(
                Quote {
                    prover: ProverId(7),
                    ppm: 100,
                    kickback_ppm: 0
                },
                SequencerId(0)
            ),
            Err(BondedRefusal::NoQuoteNow)
        );
        let p = b.prove(ProverId(7), 0).unwrap().unwrap();
        // Once proven, neither a second quote nor a second proof pays again.
        assert_eq!(
            b.accept(
                Quote {
                    prover: ProverId(7),
                    ppm: 900000,
                    kickback_ppm: 0
                },
                SequencerId(1)
            ),
            Err(BondedRefusal::NoQuoteNow)
        );
        assert_eq!(
            b.prove(ProverId(7), 0).unwrap(),
            Err(BondedRefusal::NotChosen)
        );
        // 4 blocks, each worth 1000 + 500 - 200 = 1300; 20% to the prover.
        assert_eq!(p.blocks, 4);
        assert_eq!(p.value, 5200);
        assert_eq!(p.prover, 1040);
        assert_eq!(b.books().paid_sequencers, 4160);
        assert!(b.books().balanced());
        assert_eq!(b.proven_tip(), 4);
    }

    #[test]
    fn a_kickback_moves_part_of_the_fee_to_the_accepting_proposer() {
        let mut b = Bonded::new(params()).unwrap();
        b.post_bond(ProverId(7)).unwrap();
        run(&mut b, 0, 5);
        let quote = |ppm, kickback_ppm| Quote {
            prover: ProverId(7),
            ppm,
            kickback_ppm,
        };
        // A kickback above the fee is refused.
        assert_eq!(
            b.accept(quote(100_000, 100_001), SequencerId(1)),
            Err(BondedRefusal::BadQuote)
        );
        b.accept(quote(1_000_000, 400_000), SequencerId(1)).unwrap();
        let p = b.prove(ProverId(7), 0).unwrap().unwrap();
        // The whole value, 5200, to the prover; 40% of it back to the
        // accepting proposer.
        assert_eq!(p.value, 5200);
        assert_eq!(p.kickback, 2080);
        assert_eq!(p.prover, 3120);
        assert_eq!(p.sequencers.last(), Some(&(SequencerId(1), 2080)));
        assert_eq!(b.books().kickbacks, 2080);
        assert_eq!(b.books().paid_sequencers, 2080);
        assert_eq!(b.books().paid_provers, 3120);
        assert!(b.books().balanced());
    }

    #[test]
    fn without_a_quote_the_epoch_and_the_first_quote_slots_blocks_are_pruned() {
        let mut b = Bonded::new(params()).unwrap();
        let events = run(&mut b, 0, 7);
        // At slot 6 (quote slots 4 and 5 passed): blocks 1..=6 pruned.
        assert_eq!(
            events,
            vec![BondedEvent::NoQuote {
                epoch: 0,
                prune: Prune {
                    slot: 6,
                    first_block: 1,
                    last_block: 6
                }
            }]
        );
        assert_eq!(b.pending_tip(), 1);
    }

    #[test]
    fn a_chosen_prover_that_fails_loses_its_bond_and_the_epoch_is_pruned() {
        let mut b = Bonded::new(params()).unwrap();
        b.post_bond(ProverId(3)).unwrap();
        run(&mut b, 0, 5);
        b.accept(
            Quote {
                prover: ProverId(3),
                ppm: 50000,
                kickback_ppm: 0,
            },
            SequencerId(1),
        )
        .unwrap();
        let events = run(&mut b, 5, 9);
        let slashed: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                BondedEvent::Slashed {
                    epoch,
                    prover,
                    bond,
                    prune,
                } => Some((*epoch, *prover, *bond, prune.is_some())),
                _ => None,
            })
            .collect();
        assert_eq!(slashed, vec![(0, ProverId(3), 5000, true)]);
        assert_eq!(b.books().slashed, 5000);
        assert_eq!(b.books().bonded, 0);
        assert!(!b.is_bonded(ProverId(3)));
        assert_eq!(b.proven_tip(), 0);
    }

    #[test]
    fn unbonded_and_unchosen_provers_are_refused() {
        let mut b = Bonded::new(params()).unwrap();
        run(&mut b, 0, 5);
        assert_eq!(
            b.accept(
                Quote {
                    prover: ProverId(1),
                    ppm: 10000,
                    kickback_ppm: 0
                },
                SequencerId(0)
            ),
            Err(BondedRefusal::NotBonded)
        );
        b.post_bond(ProverId(1)).unwrap();
        b.accept(
            Quote {
                prover: ProverId(1),
                ppm: 10000,
                kickback_ppm: 0,
            },
            SequencerId(0),
        )
        .unwrap();
        assert_eq!(
            b.prove(ProverId(2), 0).unwrap(),
            Err(BondedRefusal::NotChosen)
        );
    }
}
