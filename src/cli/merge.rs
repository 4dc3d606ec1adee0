//! `proversim merge`: joins the shard folders of a sweep.

use std::path::PathBuf;

use super::{Failure, Outcome};

/// The `merge` command's arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The shard folders (each written by `sweep --shard I/N`).
    #[arg(required = true)]
    shards: Vec<PathBuf>,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
}

/// Merges the shards into one `sweep.parquet`.
pub fn merge(args: Args) -> Outcome {
    let (rows, sensitivity) =
        proversim::sweep::merge(&args.shards, &args.out).map_err(Failure::failed)?;
    println!(
        "{rows} runs merged into {}",
        args.out.join("sweep.parquet").display()
    );
    if let Some(w) = sensitivity.warning() {
        eprintln!("warning: {w}");
    }
    Ok(())
}
