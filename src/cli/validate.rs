//! `proversim validate`: checks scenario and sweep files without running
//! them and lists every problem.

use std::path::PathBuf;

use proversim::api::{self, Checked, Source};

use super::{Failure, Outcome};

/// The `validate` command's arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// Checks each file, printing `ok` or its problems; exit code 2 if any
/// file has one.
pub fn validate(args: Args) -> Outcome {
    let mut bad = false;
    for f in &args.files {
        match api::validate(Source::File(f), &[]) {
            Ok(Checked::Scenario(s)) => {
                println!(
                    "{}: ok ({}, protocol {}, {} epochs)",
                    f.display(),
                    s.name,
                    s.protocol.name(),
                    s.epochs
                )
            }
            Ok(Checked::Sweep { sweep, invalid }) => {
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
                bad |= !invalid.is_empty();
            }
            Err(e) => {
                bad = true;
                for p in &e.problems {
                    eprintln!("error: {p}");
                }
            }
        }
    }
    if bad {
        Err(Failure::reported(2))
    } else {
        Ok(())
    }
}
