//! Run folders on disk: typed tables streamed to Parquet and CSV, atomic
//! writes, the lock that keeps two writers apart, a run's files and the
//! marked switch that moves them into place, the list of the files written,
//! and reading saved tables back.

pub mod commit;
mod fault;
pub mod kind;
pub mod lock;
pub mod run_files;
pub mod saved;
pub mod tables;
pub mod written;

pub use run_files::RunFiles;
pub use tables::OutputError;
