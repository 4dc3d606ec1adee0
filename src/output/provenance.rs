//! Which program wrote a report, so that a reader can rebuild it.

/// The program that wrote a report: its version and the commit it was
/// built from.
pub fn provenance() -> String {
    format!(
        "proversim {} (commit {})",
        env!("CARGO_PKG_VERSION"),
        env!("PROVERSIM_COMMIT")
    )
}
