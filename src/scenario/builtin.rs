//! The baseline scenario compiled into the binary, so that a report
//! compares against the same baseline wherever it runs, with or without
//! the repository's `scenarios/` folder.

use super::{Scenario, ScenarioError, load};

/// The shipped `scenarios/baseline.toml`, as compiled in.
pub const BASELINE_TOML: &str = include_str!("../../scenarios/baseline.toml");
/// The calibration the baseline uses, as compiled in.
pub const CALIBRATION_TOML: &str = include_str!("../../calibrations/default.toml");

/// The compiled-in baseline scenario. It is loaded as a file would be, from
/// a private temporary copy of it and its calibration.
pub fn baseline() -> Result<Scenario, ScenarioError> {
    let fail = |e: std::io::Error| ScenarioError {
        problems: vec![super::Problem {
            origin: "the built-in baseline".into(),
            key: String::new(),
            message: format!("cannot stage it: {e}"),
        }],
    };
    let dir = tempfile::tempdir().map_err(fail)?;
    std::fs::create_dir_all(dir.path().join("scenarios")).map_err(fail)?;
    std::fs::create_dir_all(dir.path().join("calibrations")).map_err(fail)?;
    let path = dir.path().join("scenarios/baseline.toml");
    std::fs::write(&path, BASELINE_TOML).map_err(fail)?;
    std::fs::write(
        dir.path().join("calibrations/default.toml"),
        CALIBRATION_TOML,
    )
    .map_err(fail)?;
    load(&path, &[])
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_built_in_baseline_loads() {
        let b = super::baseline().unwrap();
        assert_eq!(b.name, "baseline");
    }
}
