//! The per-epoch figures a comparison keeps of each run, for its charts
//! over time: a few numbers per epoch, not the run's tables.

use crate::metrics::{EpochRow, EventRow, ProverRow, Recorder, SubmissionRow};

/// One epoch of one run.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EpochSeries {
    /// The epoch.
    pub epoch: u64,
    /// Provers active at its close.
    pub active_provers: u64,
    /// Blocks proven over blocks built (1 when none were built).
    pub liveness: f64,
    /// Its prover pool, tokens.
    pub pool: f64,
    /// Provers paid.
    pub provers_paid: u64,
    /// Seconds from its end until fully proven, if it was.
    pub full_proof_latency_s: Option<f64>,
}

/// Keeps the epoch series and nothing else.
#[derive(Debug, Default)]
pub struct SeriesRecorder {
    /// The epochs, in order.
    pub epochs: Vec<EpochSeries>,
}

impl Recorder for SeriesRecorder {
    fn keeps_rows(&self) -> bool {
        false
    }
    fn epoch(&mut self, r: EpochRow) {
        self.epochs.push(EpochSeries {
            epoch: r.epoch,
            active_provers: r.active_provers,
            liveness: if r.blocks_built == 0 {
                1.0
            } else {
                r.blocks_proven as f64 / r.blocks_built as f64
            },
            pool: r.pool,
            provers_paid: r.provers_paid,
            full_proof_latency_s: r.full_proof_latency_s,
        });
    }
    fn prover(&mut self, _: ProverRow) {}
    fn submission(&mut self, _: SubmissionRow) {}
    fn event(&mut self, _: EventRow) {}
}
