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
//! The kill tests stop a switch at each of its steps (`storage::fault`).

use std::path::{Path, PathBuf};

use super::fault;
use super::tables::{OutputError, write_atomic};

/// The marker's name in a run's folder.
pub const MARKER: &str = ".proversim-committing";

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
        fault::switch_begun();
        Ok(Switch { marker })
    }

    /// The switch is done: every file is in place.
    pub fn end(self) -> Result<(), OutputError> {
        fault::switch_ended();
        std::fs::remove_file(&self.marker).map_err(|e| OutputError {
            path: self.marker.clone(),
            message: format!("cannot remove the marker of a finished switch: {e}"),
        })
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
