//! A run's output folder: `epochs`, `provers`, `submissions`, `events`,
//! `bridging` and `agents` tables (Parquet, and CSV with `--csv`) streamed in row groups,
//! and `summary.json`. Everything is written under temporary names and renamed
//! into place only when the run has succeeded, so a failed run leaves the
//! previous outputs whole.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender};

use crate::metrics::rows::{
    AgentColumns, BridgeColumns, EpochColumns, EventColumns, ProverColumns, SubmissionColumns,
};
use crate::metrics::{
    AgentRow, BridgeRow, EpochRow, EventRow, ProverRow, Recorder, SubmissionRow, Summary,
};

use super::tables::{OutputError, ROW_GROUP, RowGroupBuffer, TableFile, write_atomic};

/// Streams a run's rows to its output folder.
pub struct RunFiles {
    dir: PathBuf,
    epochs: Gathering<EpochColumns>,
    provers: Gathering<ProverColumns>,
    submissions: Gathering<SubmissionColumns>,
    events: Gathering<EventColumns>,
    bridging: Gathering<BridgeColumns>,
    agents: Gathering<AgentColumns>,
    error: Option<OutputError>,
}

/// How many emptied buffers of a table wait at most to be filled again.
const SPARE_BUFFERS: usize = 1;

/// A table's rows being gathered, and the buffers its writing thread has
/// copied and emptied, handed back: a long run fills the same memory again
/// rather than fresh memory (grown, copied and faulted in) for every row
/// group.
struct Gathering<B> {
    rows: B,
    file: TableFile,
    back: SyncSender<B>,
    spare: Receiver<B>,
}

impl<B: RowGroupBuffer> Gathering<B> {
    fn new(dir: &Path, name: &str, csv: bool) -> Gathering<B> {
        let (back, spare) = std::sync::mpsc::sync_channel(SPARE_BUFFERS);
        Gathering {
            rows: B::with_room(ROW_GROUP),
            file: TableFile::new(dir, name, csv),
            back,
            spare,
        }
    }
}

macro_rules! flush {
    ($self:ident, $field:ident, $force:expr) => {{
        let g = &mut $self.$field;
        if $self.error.is_none() && ($force || g.rows.len() >= ROW_GROUP) {
            let next = if $force {
                Default::default()
            } else {
                g.spare
                    .try_recv()
                    .unwrap_or_else(|_| RowGroupBuffer::with_room(ROW_GROUP))
            };
            let mut rows = std::mem::replace(&mut g.rows, next);
            let back = g.back.clone();
            let result = g.file.write_with(rows.len(), move || {
                let frame = rows.frame();
                rows.clear();
                // Dropped instead if enough are waiting already.
                let _ = back.try_send(rows);
                frame
            });
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
            epochs: Gathering::new(dir, "epochs", csv),
            provers: Gathering::new(dir, "provers", csv),
            submissions: Gathering::new(dir, "submissions", csv),
            events: Gathering::new(dir, "events", csv),
            bridging: Gathering::new(dir, "bridging", csv),
            agents: Gathering::new(dir, "agents", csv),
            error: None,
        })
    }

    /// Writes what is buffered and the summary, then moves every file into
    /// place. On error nothing is moved and the temporary files are removed.
    pub fn finish(self, summary: &Summary, extra: &[(&str, &[u8])]) -> Result<(), OutputError> {
        self.finish_replacing(summary, extra, false)
    }

    /// As [`RunFiles::finish`], for a folder that may hold an earlier run
    /// (`earlier_run`): inside the marked switch (see `storage::commit`),
    /// the files proversim wrote for it that this run does not replace are
    /// removed (its CSV copies, charts and report), so that a reader never
    /// meets a mix of the two, and the folder's list of written files
    /// (`storage::written`) becomes this run's.
    pub fn finish_replacing(
        mut self,
        summary: &Summary,
        extra: &[(&str, &[u8])],
        earlier_run: bool,
    ) -> Result<(), OutputError> {
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
        let json = serde_json::to_string_pretty(summary).expect("a summary serializes") + "\n";
        let moving: Vec<String> = self
            .files_mut()
            .iter()
            .flat_map(|f| f.names())
            .chain(["summary.json".to_string()])
            .chain(extra.iter().map(|(name, _)| name.to_string()))
            .collect();
        // What proversim wrote here before: its list, else (a folder from
        // before the list) the names an earlier run writes; and what a
        // switch stopped half-way was moving.
        let mut earlier = super::written::read(&self.dir).unwrap_or_else(|| {
            if earlier_run {
                legacy_files(&self.dir)
            } else {
                Default::default()
            }
        });
        earlier.extend(super::commit::moving(&self.dir));
        let keep: BTreeSet<String> = moving.iter().cloned().collect();
        let switch = super::commit::Switch::begin(&self.dir, &moving)?;
        super::written::remove_others(&self.dir, &earlier, &keep)?;
        for f in self.files_mut() {
            f.commit()?;
        }
        write_atomic(&self.dir.join("summary.json"), json.as_bytes())?;
        for (name, bytes) in extra {
            write_atomic(&self.dir.join(name), bytes)?;
        }
        super::written::write(&self.dir, keep)?;
        switch.end()
    }

    fn files_mut(&mut self) -> [&mut TableFile; 6] {
        [
            &mut self.epochs.file,
            &mut self.provers.file,
            &mut self.submissions.file,
            &mut self.events.file,
            &mut self.bridging.file,
            &mut self.agents.file,
        ]
    }

    /// Removes the temporary files of a run that failed.
    pub fn abandon(&mut self) {
        for f in self.files_mut() {
            f.abandon();
        }
    }
}

/// The tables a run writes.
pub const RUN_TABLES: [&str; 6] = [
    "epochs",
    "provers",
    "submissions",
    "events",
    "bridging",
    "agents",
];

/// What a run wrote into `dir` before runs kept a list: the tables' CSV
/// copies, the report and the charts' PNG and SVG files.
fn legacy_files(dir: &Path) -> BTreeSet<String> {
    let mut files: BTreeSet<String> = RUN_TABLES
        .iter()
        .map(|t| format!("{t}.csv"))
        .chain(["report.md".into(), "report.html".into()])
        .collect();
    if let Ok(entries) = std::fs::read_dir(dir.join("charts")) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".png") || name.ends_with(".svg") {
                files.insert(format!("charts/{name}"));
            }
        }
    }
    files
}

impl Recorder for RunFiles {
    fn epoch(&mut self, row: EpochRow) {
        self.epochs.rows.push(row);
        flush!(self, epochs, false);
    }
    fn prover(&mut self, row: ProverRow) {
        self.provers.rows.push(row);
        flush!(self, provers, false);
    }
    fn submission(&mut self, row: SubmissionRow) {
        self.submissions.rows.push(row);
        flush!(self, submissions, false);
    }
    fn event(&mut self, row: EventRow) {
        self.events.rows.push(row);
        flush!(self, events, false);
    }
    fn bridge(&mut self, row: BridgeRow) {
        self.bridging.rows.push(row);
        flush!(self, bridging, false);
    }
    fn agent(&mut self, row: AgentRow) {
        self.agents.rows.push(row);
        flush!(self, agents, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::*;

    /// Rows streamed over several row groups (each buffer copied, emptied
    /// and handed back to be filled again) come back whole and in order.
    #[test]
    fn rows_over_several_groups_come_back_in_order() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut files = RunFiles::create(dir.path(), false).expect("creates");
        let n = 3 * ROW_GROUP + 17;
        for i in 0..n {
            files.event(EventRow {
                time_s: i as f64 / 2.0,
                slot: i as u64,
                kind: "entry".into(),
                subject: format!("prover-{}", i % 7),
                value: (i % 3) as f64,
                detail: format!("row {i}"),
            });
        }
        files.finish(&Summary::default(), &[]).expect("finishes");
        let file = std::fs::File::open(dir.path().join("events.parquet")).expect("written");
        let df = ParquetReader::new(file).finish().expect("reads");
        assert_eq!(df.height(), n);
        let slots: Vec<u64> = df
            .column("slot")
            .and_then(|c| c.u64().cloned())
            .expect("a slot column")
            .into_no_null_iter()
            .collect();
        assert!(slots.iter().enumerate().all(|(i, &s)| s == i as u64));
        let details = df.column("detail").expect("a detail column");
        let details = details.str().expect("text");
        for i in [0, ROW_GROUP - 1, ROW_GROUP, 2 * ROW_GROUP + 3, n - 1] {
            assert_eq!(details.get(i), Some(format!("row {i}").as_str()));
        }
        let subjects = df.column("subject").expect("a subject column");
        assert_eq!(
            subjects.str().expect("text").get(n - 1),
            Some(format!("prover-{}", (n - 1) % 7).as_str())
        );
    }
}
