//! Replaying a trace through the protocol, slot by slot.

use crate::protocol::{
    ActivityRecord, Amount, BlockCredit, BlockNumber, Books, EpochSettlement, EpochView, Observer,
    Protocol, ProtocolError, ProverId, Prune, Slot, SubmissionOutcome,
};

use super::error::{Place, TraceError};
use super::parse::{Trace, TraceEventKind};

/// A submission as replayed.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct SubmissionRecord {
    /// The event it came from, from 1.
    pub index: usize,
    /// Its slot.
    pub slot: Slot,
    /// Who submitted it.
    pub prover: ProverId,
    /// The last block it proves.
    pub end: BlockNumber,
    /// Accepted or rejected.
    pub outcome: SubmissionOutcome,
}

/// Everything a replay produced, by id (names and ordering are the
/// report's business).
#[derive(Clone, Debug, Default)]
pub struct Replay {
    /// Epochs that settled, in order.
    pub settled: Vec<EpochSettlement>,
    /// Epochs with an accepted submission still open at `end_slot`.
    pub open: Vec<EpochView>,
    /// What each sequencer was credited, by id.
    pub sequencer_earned: Vec<Amount>,
    /// Which sequencers proposed a replayed block, by id.
    pub proposed: Vec<bool>,
    /// What each prover was paid by settled epochs, by id.
    pub prover_earned: Vec<Amount>,
    /// The activity record at `end_slot` of each prover with an accepted
    /// submission, by id.
    pub records: Vec<Option<ActivityRecord>>,
    /// Replayed submissions, in file order.
    pub submissions: Vec<SubmissionRecord>,
    /// Prunes, in order.
    pub prunes: Vec<Prune>,
    /// The books at `end_slot`.
    pub books: Books,
}

impl Observer for Replay {
    fn block_credited(&mut self, credit: &BlockCredit) {
        self.sequencer_earned[credit.proposer.0 as usize] += credit.earned;
    }

    fn epoch_settled(&mut self, settlement: &EpochSettlement) {
        for p in &settlement.payouts {
            self.prover_earned[p.prover.0 as usize] += p.amount;
        }
        self.settled.push(settlement.clone());
    }

    fn pruned(&mut self, prune: &Prune) {
        self.prunes.push(*prune);
    }
}

/// Drives a protocol through slot starts, beginning every slot at which
/// something is due (a prune or a settlement) and every slot asked for, and
/// checking the books after each.
struct Driver<'t> {
    trace: &'t Trace,
    protocol: Protocol,
    replay: Replay,
}

impl Driver<'_> {
    fn error(&self, place: Place, e: impl std::fmt::Display) -> TraceError {
        TraceError {
            file: self.trace.file.clone(),
            place,
            key: None,
            message: e.to_string(),
        }
    }

    fn begin(&mut self, slot: Slot) -> Result<(), TraceError> {
        self.protocol
            .begin_slot(slot, &mut self.replay)
            .map_err(|e| self.error(Place::Slot(slot), e))?;
        self.check_books(slot)
    }

    fn check_books(&self, slot: Slot) -> Result<(), TraceError> {
        self.protocol
            .books()
            .check()
            .map_err(|e| self.error(Place::Slot(slot), format!("internal error: {e}")))
    }

    /// Begins every due slot before `slot` (or through it, with
    /// `inclusive`).
    fn catch_up(&mut self, slot: Slot, inclusive: bool) -> Result<(), TraceError> {
        while let Some(due) = self.protocol.next_due_slot() {
            let before = if inclusive { due <= slot } else { due < slot };
            if !before || self.protocol.slot().is_some_and(|s| due <= s) {
                break;
            }
            self.begin(due)?;
        }
        Ok(())
    }
}

/// Replays a trace through `end_slot`: each slot's prune check, then the
/// settlement of every epoch whose window closed, then its events in file
/// order.
pub fn replay(trace: &Trace) -> Result<Replay, TraceError> {
    let protocol = Protocol::new(trace.params, trace.booster).map_err(|e| TraceError {
        file: trace.file.clone(),
        place: Place::Table("params"),
        key: None,
        message: e.to_string(),
    })?;
    let mut d = Driver {
        trace,
        protocol,
        replay: Replay {
            sequencer_earned: vec![0; trace.sequencers.len()],
            proposed: vec![false; trace.sequencers.len()],
            prover_earned: vec![0; trace.provers.len()],
            records: vec![None; trace.provers.len()],
            ..Replay::default()
        },
    };
    d.begin(0)?;
    for event in trace.events.iter().take_while(|e| e.slot <= trace.end_slot) {
        if d.protocol.slot() != Some(event.slot) {
            d.catch_up(event.slot, false)?;
            d.begin(event.slot)?;
        }
        let place = || Place::Event {
            index: event.index,
            slot: Some(event.slot),
        };
        let at = |e: ProtocolError| TraceError {
            file: trace.file.clone(),
            place: place(),
            key: None,
            message: e.to_string(),
        };
        match &event.kind {
            TraceEventKind::Block(input) => {
                d.protocol.add_block(*input).map_err(at)?;
                d.replay.proposed[input.proposer.0 as usize] = true;
            }
            TraceEventKind::Proof { prover, end } => {
                let outcome = d
                    .protocol
                    .submit_proof(*prover, *end, &mut d.replay)
                    .map_err(at)?;
                if let SubmissionOutcome::Accepted(_) = outcome {
                    d.replay.records[prover.0 as usize] = Some(ActivityRecord::default());
                }
                d.replay.submissions.push(SubmissionRecord {
                    index: event.index,
                    slot: event.slot,
                    prover: *prover,
                    end: *end,
                    outcome,
                });
            }
            TraceEventKind::Set(payload) => d.protocol.apply(payload).map_err(at)?,
            TraceEventKind::Migrate(to) => d.protocol.migrate(*to).map_err(at)?,
        }
        d.check_books(event.slot)?;
    }
    d.catch_up(trace.end_slot, true)?;
    let Driver {
        protocol,
        mut replay,
        ..
    } = d;
    for (id, record) in replay.records.iter_mut().enumerate() {
        if record.is_some() {
            *record = Some(protocol.record(ProverId(id as u32)));
        }
    }
    replay.open = protocol.open_epochs().collect();
    replay.books = *protocol.books();
    Ok(replay)
}
