//! The `validate` command: checks scenario and sweep files without running
//! them and lists every problem.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::print_problems;

/// Whether a file is a sweep (it has a `[sweep]` table).
fn is_sweep_file(f: &Path) -> bool {
    std::fs::read_to_string(f)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .is_some_and(|t| t.contains_key("sweep"))
}

/// Checks a sweep file and every cell of it; whether all is well.
fn validate_sweep(f: &Path) -> bool {
    let sweep = match proversim::sweep::load(f) {
        Ok(s) => s,
        Err(e) => {
            print_problems(&e);
            return false;
        }
    };
    let invalid = proversim::sweep::invalid_cells(&sweep, None);
    for (cell, why) in &invalid {
        eprintln!(
            "error: {}: cell {cell} ({}): {why}",
            f.display(),
            sweep.layout.describe(*cell)
        );
    }
    if invalid.is_empty() {
        println!(
            "{}: ok (sweep: {} cells x {} replicates = {} runs)",
            f.display(),
            sweep.cells(),
            sweep.layout.replicates,
            sweep.runs()
        );
    }
    invalid.is_empty()
}

pub fn validate(files: &[PathBuf]) -> ExitCode {
    let mut bad = false;
    for f in files {
        if is_sweep_file(f) {
            bad |= !validate_sweep(f);
            continue;
        }
        match proversim::scenario::load(f, &[]) {
            Ok(s) => println!("{}: ok ({}, {} epochs)", f.display(), s.name, s.epochs),
            Err(e) => {
                bad = true;
                print_problems(&e);
            }
        }
    }
    if bad {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
