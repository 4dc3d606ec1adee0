//! Writing a run's outputs: streamed tables, the summary, charts and the
//! report.

pub mod booster_charts;
pub mod charts;
pub mod columns;
pub mod design_charts;
pub mod governance_chart;
pub mod lock;
pub mod plot;
pub mod prover_bins;
pub mod report;
pub mod run_files;
pub mod sweep_report;
pub mod tables;

pub use run_files::RunFiles;
