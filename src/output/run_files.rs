//! A run's output folder: `epochs`, `provers`, `submissions`, `events`,
//! `bridging` and `agents` tables (Parquet, and CSV with `--csv`) streamed in row groups,
//! and `summary.json`. Everything is written under temporary names and renamed
//! into place only when the run has succeeded, so a failed run leaves the
//! previous outputs whole.

use std::path::{Path, PathBuf};

use crate::metrics::rows::{
    AgentColumns, BridgeColumns, EpochColumns, EventColumns, ProverColumns, SubmissionColumns,
};
use crate::metrics::{
    AgentRow, BridgeRow, EpochRow, EventRow, ProverRow, Recorder, SubmissionRow, Summary,
};

use super::tables::{OutputError, ROW_GROUP, TableFile, write_atomic};

/// Streams a run's rows to its output folder.
pub struct RunFiles {
    dir: PathBuf,
    epochs: (EpochColumns, TableFile),
    provers: (ProverColumns, TableFile),
    submissions: (SubmissionColumns, TableFile),
    events: (EventColumns, TableFile),
    bridging: (BridgeColumns, TableFile),
    agents: (AgentColumns, TableFile),
    error: Option<OutputError>,
}

macro_rules! flush {
    ($self:ident, $field:ident, $force:expr) => {{
        let (buf, file) = &mut $self.$field;
        if $self.error.is_none() && ($force || buf.len() >= ROW_GROUP) {
            let mut rows = std::mem::take(buf);
            let result = file.write_with(rows.len(), move || rows.take_frame());
            if let Err(e) = result {
                $self.error = Some(e);
            }
        }
    }};
}

impl RunFiles {
    /// Output into `dir` (created if missing), with CSV copies if `csv`.
    pub fn create(dir: &Path, csv: bool) -> Result<RunFiles, OutputError> {
        std::fs::create_dir_all(dir).map_err(|e| OutputError {
            path: dir.to_path_buf(),
            message: format!("cannot create the output folder: {e}"),
        })?;
        Ok(RunFiles {
            dir: dir.to_path_buf(),
            epochs: (EpochColumns::default(), TableFile::new(dir, "epochs", csv)),
            provers: (
                ProverColumns::default(),
                TableFile::new(dir, "provers", csv),
            ),
            submissions: (
                SubmissionColumns::default(),
                TableFile::new(dir, "submissions", csv),
            ),
            events: (EventColumns::default(), TableFile::new(dir, "events", csv)),
            bridging: (
                BridgeColumns::default(),
                TableFile::new(dir, "bridging", csv),
            ),
            agents: (AgentColumns::default(), TableFile::new(dir, "agents", csv)),
            error: None,
        })
    }

    /// Writes what is buffered and the summary, then moves every file into
    /// place. On error nothing is moved and the temporary files are removed.
    pub fn finish(mut self, summary: &Summary, extra: &[(&str, &[u8])]) -> Result<(), OutputError> {
        flush!(self, epochs, true);
        flush!(self, provers, true);
        flush!(self, submissions, true);
        flush!(self, events, true);
        flush!(self, bridging, true);
        flush!(self, agents, true);
        let mut result = match self.error.take() {
            Some(e) => Err(e),
            None => Ok(()),
        };
        for f in self.files_mut() {
            if result.is_ok() {
                result = f.finish();
            }
        }
        if result.is_err() {
            self.abandon();
            return result;
        }
        for f in self.files_mut() {
            f.commit()?;
        }
        let json = serde_json::to_string_pretty(summary).expect("a summary serializes") + "\n";
        write_atomic(&self.dir.join("summary.json"), json.as_bytes())?;
        for (name, bytes) in extra {
            write_atomic(&self.dir.join(name), bytes)?;
        }
        Ok(())
    }

    fn files_mut(&mut self) -> [&mut TableFile; 6] {
        [
            &mut self.epochs.1,
            &mut self.provers.1,
            &mut self.submissions.1,
            &mut self.events.1,
            &mut self.bridging.1,
            &mut self.agents.1,
        ]
    }

    /// Removes the temporary files of a run that failed.
    pub fn abandon(&mut self) {
        for f in self.files_mut() {
            f.abandon();
        }
    }
}

impl Recorder for RunFiles {
    fn epoch(&mut self, row: EpochRow) {
        self.epochs.0.push(row);
        flush!(self, epochs, false);
    }
    fn prover(&mut self, row: ProverRow) {
        self.provers.0.push(row);
        flush!(self, provers, false);
    }
    fn submission(&mut self, row: SubmissionRow) {
        self.submissions.0.push(row);
        flush!(self, submissions, false);
    }
    fn event(&mut self, row: EventRow) {
        self.events.0.push(row);
        flush!(self, events, false);
    }
    fn bridge(&mut self, row: BridgeRow) {
        self.bridging.0.push(row);
        flush!(self, bridging, false);
    }
    fn agent(&mut self, row: AgentRow) {
        self.agents.0.push(row);
        flush!(self, agents, false);
    }
}
