//! Recorders that turn what happens in a run into rows, and the run's
//! summary.

pub mod catalog;
pub mod columns;
pub mod designs;
pub mod flat;
pub mod groups;
pub mod name;
pub mod network;
mod owners;
pub mod rows;
pub mod summary;

pub use groups::ProverEpoch;
pub use rows::{AgentRow, BridgeRow, EpochRow, EventRow, ProverRow, SubmissionRow};
pub use summary::{MigrationSummary, Summary, SummaryAcc};

/// Where a run's rows go.
pub trait Recorder {
    /// An epoch closed.
    fn epoch(&mut self, row: EpochRow);
    /// A prover's epoch closed.
    fn prover(&mut self, row: ProverRow);
    /// A submission landed.
    fn submission(&mut self, row: SubmissionRow);
    /// Something happened.
    fn event(&mut self, row: EventRow);
    /// A bridging transaction was proven.
    fn bridge(&mut self, _row: BridgeRow) {}
    /// A prover agent was created, with its own values.
    fn agent(&mut self, _row: AgentRow) {}
    /// Whether rows are kept at all (when not, the engine skips building
    /// them and keeps only the summary).
    fn keeps_rows(&self) -> bool {
        true
    }
}

/// Keeps nothing (sweeps keep only summaries).
#[derive(Debug, Default)]
pub struct NullRecorder;

impl Recorder for NullRecorder {
    fn keeps_rows(&self) -> bool {
        false
    }
    fn epoch(&mut self, _: EpochRow) {}
    fn prover(&mut self, _: ProverRow) {}
    fn submission(&mut self, _: SubmissionRow) {}
    fn event(&mut self, _: EventRow) {}
}

/// Keeps every row in memory (tests and small runs).
#[derive(Debug, Default)]
pub struct MemoryRecorder {
    /// Epoch rows.
    pub epochs: Vec<EpochRow>,
    /// Prover rows.
    pub provers: Vec<ProverRow>,
    /// Submission rows.
    pub submissions: Vec<SubmissionRow>,
    /// Event rows.
    pub events: Vec<EventRow>,
    /// Bridging rows.
    pub bridges: Vec<BridgeRow>,
    /// Agent rows.
    pub agents: Vec<AgentRow>,
}

impl Recorder for MemoryRecorder {
    fn epoch(&mut self, row: EpochRow) {
        self.epochs.push(row);
    }
    fn prover(&mut self, row: ProverRow) {
        self.provers.push(row);
    }
    fn submission(&mut self, row: SubmissionRow) {
        self.submissions.push(row);
    }
    fn event(&mut self, row: EventRow) {
        self.events.push(row);
    }
    fn bridge(&mut self, row: BridgeRow) {
        self.bridges.push(row);
    }
    fn agent(&mut self, row: AgentRow) {
        self.agents.push(row);
    }
}
