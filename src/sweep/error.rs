//! Why a sweep could not go on.

use std::path::Path;

use crate::storage::tables::OutputError;

/// Why a sweep could not go on.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// Writing or reading a file failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The folder holds something else.
    #[error("{0}")]
    Folder(String),
    /// The sweep was asked to stop; the runs done are in its journal and
    /// it resumes from there.
    #[error("interrupted: the runs done are kept; resume to finish")]
    Interrupted,
}

/// A file of the sweep that could not be read or written.
pub(super) fn io(path: &Path, e: impl std::fmt::Display) -> SweepError {
    SweepError::Output(crate::storage::saved::oerr(path, e))
}
