//! Writing a run's outputs: streamed tables, the summary, charts and the
//! report.

pub mod booster_charts;
pub mod charts;
pub mod design_charts;
pub mod governance_chart;
pub mod html;
pub mod markdown;
pub mod method;
pub mod plot;
pub mod provenance;
pub mod prover_bins;
pub mod report;
pub mod sweep_report;
