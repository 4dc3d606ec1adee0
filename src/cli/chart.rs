//! `proversim chart`: redraws a folder's charts from its saved tables.

use std::path::PathBuf;

use super::{Failure, Outcome};

/// The `chart` command's arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A run folder (epochs.parquet...) or a sweep folder (sweep.parquet).
    dir: PathBuf,
    /// Sweep metrics to chart (default: active_provers_mean, reward_hhi,
    /// liveness). Repeatable.
    #[arg(long)]
    metric: Vec<String>,
}

/// Draws the charts and lists them.
pub fn chart(args: Args) -> Outcome {
    let drawn =
        proversim::output::charts::draw_dir(&args.dir, &args.metric).map_err(Failure::failed)?;
    for d in &drawn {
        println!(
            "{}/charts/{}.{{png,svg}}: {}",
            args.dir.display(),
            d.stem,
            d.caption
        );
    }
    Ok(())
}
