//! Proof acceptance, registrations and supersession (docs/model.md section 2).

use super::{Amount, Epoch, ProverId};

/// Why a submission was rejected; checked in this order.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RejectReason {
    /// `end` is not a block on the pending chain.
    NoSuchBlock,
    /// The window of the epoch of block `end` has closed.
    WindowClosed,
    /// An earlier block is not yet proven.
    NotOnProven,
    /// The prover is already registered at this length for this epoch.
    Duplicate,
}

impl RejectReason {
    /// Every reason, in check order.
    pub const ALL: [RejectReason; 4] = [
        RejectReason::NoSuchBlock,
        RejectReason::WindowClosed,
        RejectReason::NotOnProven,
        RejectReason::Duplicate,
    ];

    /// The name used in outputs.
    pub fn name(self) -> &'static str {
        match self {
            RejectReason::NoSuchBlock => "no_such_block",
            RejectReason::WindowClosed => "window_closed",
            RejectReason::NotOnProven => "not_on_proven",
            RejectReason::Duplicate => "duplicate",
        }
    }
}

/// An accepted submission.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Accepted {
    /// The epoch proven.
    pub epoch: Epoch,
    /// `end - first(epoch) + 1`.
    pub length: u64,
    /// The shares registered.
    pub shares: Amount,
    /// Whether it was a full-epoch proof.
    pub full: bool,
    /// Whether it replaced the prover's non-full registration at the same
    /// length (the one-time `full_epoch` upgrade).
    pub upgrade: bool,
    /// How many blocks it newly proved (0 if not longer than the longest).
    pub added: u64,
}

/// What became of a submission.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SubmissionOutcome {
    /// Registered; it moved the proven tip and may be paid.
    Accepted(Accepted),
    /// Not registered, for this reason.
    Rejected(RejectReason),
}

/// A registration at `(epoch, length, prover)`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Registration {
    pub shares: Amount,
    pub full: bool,
}

/// The registrations at one length of one epoch.
#[derive(Clone, Debug, Default)]
pub(crate) struct LengthBook {
    pub summed: Amount,
    pub by_prover: Registrations,
}

/// Registrations by prover, in id order: a sorted list, since an epoch has
/// tens of provers at most and a list is cheaper than a tree there.
#[derive(Clone, Debug, Default)]
pub(crate) struct Registrations(Vec<(ProverId, Registration)>);

impl Registrations {
    /// `prover`'s registration, if any.
    pub fn get(&self, prover: &ProverId) -> Option<&Registration> {
        self.0
            .binary_search_by_key(prover, |(p, _)| *p)
            .ok()
            .map(|i| &self.0[i].1)
    }

    /// Registers `prover` (replacing its registration, which is returned).
    pub fn insert(&mut self, prover: ProverId, r: Registration) -> Option<Registration> {
        match self.0.binary_search_by_key(&prover, |(p, _)| *p) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, r)),
            Err(i) => {
                if self.0.capacity() == 0 {
                    // Room for an epoch's provers at once, rather than
                    // growing through 4, 8, 16 and 32 while they submit.
                    self.0.reserve(32);
                }
                self.0.insert(i, (prover, r));
                None
            }
        }
    }

    /// Every registration, in prover id order.
    pub fn iter(&self) -> impl Iterator<Item = (&ProverId, &Registration)> {
        self.0.iter().map(|(p, r)| (p, r))
    }
}

/// What an epoch with an accepted submission holds until it settles.
#[derive(Clone, Debug)]
pub(crate) struct EpochBook {
    pub epoch: Epoch,
    pub longest: u64,
    pub pool: Amount,
    /// The registrations at each length, by ascending length: a short
    /// list (an epoch's proofs come at a few lengths), cheaper than a tree.
    lengths: Vec<(u64, LengthBook)>,
}

impl EpochBook {
    pub fn new(epoch: Epoch) -> EpochBook {
        EpochBook {
            epoch,
            longest: 0,
            pool: 0,
            lengths: Vec::new(),
        }
    }

    /// Where `length` is in the list (`Err`: where it would go).
    fn find(&self, length: u64) -> Result<usize, usize> {
        self.lengths.binary_search_by_key(&length, |(l, _)| *l)
    }

    /// The registrations at `length`, if any.
    fn at(&self, length: u64) -> Option<&LengthBook> {
        self.find(length).ok().map(|i| &self.lengths[i].1)
    }

    /// The registrations at `length`, created empty if there are none.
    pub fn at_mut(&mut self, length: u64) -> &mut LengthBook {
        let i = self.find(length).unwrap_or_else(|i| {
            self.lengths.insert(i, (length, LengthBook::default()));
            i
        });
        &mut self.lengths[i].1
    }

    pub fn registration(&self, length: u64, prover: ProverId) -> Option<Registration> {
        self.at(length)
            .and_then(|l| l.by_prover.get(&prover))
            .copied()
    }

    /// The registrations at the longest length: the only ones paid.
    pub fn longest_book(&self) -> Option<&LengthBook> {
        self.at(self.longest)
    }
}
