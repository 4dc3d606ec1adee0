//! `proversim report`: writes `report.md` for a run or sweep folder (a
//! comparison's folder has the report `compare` wrote).

use std::path::PathBuf;

use proversim::api::{self, Source};

use super::{Failure, Outcome};

/// The `report` command's arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A run or sweep folder (for a comparison's folder, the report
    /// `compare` wrote there).
    dir: PathBuf,
    /// Another run or sweep folder to put side by side.
    #[arg(long)]
    compare: Option<PathBuf>,
    /// The baseline scenario parameters are compared with (default:
    /// the baseline compiled into this binary, scenarios/baseline.toml
    /// as shipped).
    #[arg(long)]
    baseline: Option<PathBuf>,
}

/// Writes the report and prints its path.
pub fn report(args: Args) -> Outcome {
    if let Some(path) = super::chart::comparison_output(&args.dir, "report.md")? {
        println!("{}", path.display());
        return Ok(());
    }
    let baseline = match &args.baseline {
        Some(path) => api::load_scenario(Source::File(path), &[], None),
        None => proversim::scenario::builtin::baseline(),
    }
    .map_err(|e| Failure::problems([&e]))?;
    proversim::output::report::write_report(&args.dir, &baseline, args.compare.as_deref())
        .map_err(Failure::failed)?;
    println!("{}", args.dir.join("report.md").display());
    println!("{}", args.dir.join("report.html").display());
    Ok(())
}
