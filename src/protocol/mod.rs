//! The exact rules of the permissionless proving design (docs/model.md sections 1–6).
//!
//! This module is a pure state machine: it is fed blocks, proof submissions,
//! governance payloads and slot starts, and it answers with outcomes and
//! observer callbacks. It knows nothing of agents, randomness, clocks or I/O,
//! and all its arithmetic is integer and checked: an amount that would leave
//! `u128` is an error, never a wrap.

mod arith;
pub mod auction;
pub mod booster;
pub mod chain;
pub mod fee_market;
pub mod fees;
pub mod governance;
pub mod legacy;
pub mod proofs;
pub mod rewards;
pub mod state;
pub mod version;

pub use arith::Overflow;
pub use booster::{ActivityRecord, Booster, BoosterConfig, BoosterError, Rule, ScoreOn};
pub use chain::{Block, BlockInput, Prune};
pub use governance::{Payload, RoundResult, Rounds};
pub use proofs::{Accepted, RejectReason, SubmissionOutcome};
pub use rewards::{BlockCredit, Books, EpochSettlement, Payout};
pub use state::{EpochView, Params, Protocol, ProtocolError};
pub use version::Version;

/// A token amount in the smallest unit.
pub type Amount = u128;
/// An L2 slot number; slot 0 starts at time 0.
pub type Slot = u64;
/// An epoch number: `slot / epoch_duration`.
pub type Epoch = u64;
/// A block number on the pending chain, from 1.
pub type BlockNumber = u64;

/// A prover, by a dense index that the caller allocates (names live outside
/// the protocol).
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProverId(pub u32);

/// A sequencer, by a dense index that the caller allocates.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SequencerId(pub u32);

/// Receives what the protocol does besides answering a call: credits of
/// newly proven blocks, epoch settlements and prunes. Every method has an
/// empty default so a recorder implements only what it keeps.
pub trait Observer {
    /// A block became proven and its proposer was credited.
    fn block_credited(&mut self, _credit: &BlockCredit) {}
    /// An epoch's window closed and its pool was paid out.
    fn epoch_settled(&mut self, _settlement: &EpochSettlement) {}
    /// The unproven part of the pending chain was cut back.
    fn pruned(&mut self, _prune: &Prune) {}
}

/// An observer that keeps nothing.
impl Observer for () {}
