//! Switching a run's folder from its old run to its new one as one step a
//! reader can trust. A run's files move into place by several renames (a
//! table and its CSV copy each, then the summary and the scenario); a
//! process killed between two of them would leave new tables beside an old
//! summary. So the switch is bracketed by a marker file,
//! `.proversim-committing`, written before the first rename and removed
//! after the last: while it exists, the folder's files may come from two
//! runs, and every reader (`report`, `chart`) refuses the folder, saying
//! so. The next run into the folder replaces every run file whole and
//! removes the marker.
//!
//! Fault injection for the kill tests: with `PROVERSIM_FAULT_COMMIT_STEP=K`
//! in the environment the process aborts right after the K-th rename of a
//! switch (from 0: before the first), as a kill there would leave it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::tables::{OutputError, write_atomic};

/// The marker's name in a run's folder.
pub const MARKER: &str = ".proversim-committing";

/// Whether a switch is under way in this process, and its renames so far.
static SWITCHING: AtomicBool = AtomicBool::new(false);
static RENAMES: AtomicU64 = AtomicU64::new(0);

/// A switch under way: the marker exists until [`Switch::end`].
#[must_use = "a switch ends with `end`, which removes the marker"]
pub struct Switch {
    marker: PathBuf,
}

impl Switch {
    /// Writes the marker into `dir`, naming the files about to move.
    pub fn begin(dir: &Path, files: &[String]) -> Result<Switch, OutputError> {
        let marker = dir.join(MARKER);
        let text = serde_json::to_string_pretty(&serde_json::json!({ "moving": files }))
            .expect("a list of names serializes")
            + "\n";
        write_atomic(&marker, text.as_bytes())?;
        RENAMES.store(0, Ordering::SeqCst);
        SWITCHING.store(true, Ordering::SeqCst);
        fault(0);
        Ok(Switch { marker })
    }

    /// The switch is done: every file is in place.
    pub fn end(self) -> Result<(), OutputError> {
        SWITCHING.store(false, Ordering::SeqCst);
        std::fs::remove_file(&self.marker).map_err(|e| OutputError {
            path: self.marker.clone(),
            message: format!("cannot remove the marker of a finished switch: {e}"),
        })
    }
}

/// One rename of a switch happened (called after every rename into place).
pub(super) fn renamed() {
    if SWITCHING.load(Ordering::SeqCst) {
        fault(RENAMES.fetch_add(1, Ordering::SeqCst) + 1);
    }
}

/// Aborts at step `step` when the environment asks for it.
fn fault(step: u64) {
    let at = std::env::var("PROVERSIM_FAULT_COMMIT_STEP")
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    if at == Some(step) {
        std::process::abort();
    }
}

/// Whether `dir` holds a run that was stopped in the middle of its switch.
pub fn interrupted(dir: &Path) -> bool {
    dir.join(MARKER).is_file()
}

/// The files an interrupted switch in `dir` was moving (none if there is
/// no marker, or it cannot be read).
pub fn moving(dir: &Path) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Marker {
        moving: Vec<String>,
    }
    crate::base::files::read_text(&dir.join(MARKER), crate::base::files::TEXT_LIMIT)
        .ok()
        .and_then(|text| serde_json::from_str::<Marker>(&text).ok())
        .map_or_else(Vec::new, |m| m.moving)
}

/// Refuses a folder whose run was stopped in the middle of its switch: its
/// files may come from two runs.
pub fn check_whole(dir: &Path) -> Result<(), OutputError> {
    if interrupted(dir) {
        return Err(OutputError {
            path: dir.to_path_buf(),
            message: format!(
                "holds a run stopped while its files were being moved into place ({MARKER} is still there): its tables and summary may come from two runs; run the scenario into this folder again, which replaces them whole"
            ),
        });
    }
    Ok(())
}
