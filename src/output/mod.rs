//! Writing a run's outputs: streamed tables and the summary.

pub mod run_files;
pub mod tables;

pub use run_files::RunFiles;
