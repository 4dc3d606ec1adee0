//! `proversim sweep`: runs every cell of a sweep, with progress.

use std::path::{Path, PathBuf};
use std::time::Instant;

use proversim::api::{self, Source};

use super::args::{Quiet, Threads, parse_shard};
use super::progress::Progress;
use super::{Failure, Outcome};

/// The `sweep` command's arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The sweep file (a scenario with a [sweep] table).
    file: PathBuf,
    #[command(flatten)]
    threads: Threads,
    /// Output folder (default: outputs/<sweep file name>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Override any key of the base scenario before the grid, e.g.
    /// --set epochs=50; checked like the file and recorded in sweep.json
    /// among the keys the sweep sets. Repeatable; --resume needs the same.
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    set: Vec<String>,
    /// Run one shard: I/N runs the cells with cell % N == I.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<(u64, u64)>,
    /// Continue the sweep found in the output folder, skipping runs done.
    #[arg(long)]
    resume: bool,
    /// Also keep every run's tables under <out>/runs/.
    #[arg(long)]
    keep_runs: bool,
    /// Also write every run's epochs as one Hive-partitioned dataset,
    /// <out>/epochs/cell=C/replicate=R/part.parquet, for bands over
    /// time (polars: pl.read_parquet("<out>/epochs/", hive_partitioning=True)).
    #[arg(long)]
    epochs_table: bool,
    /// Exit 0 even when some runs failed (they are error rows either
    /// way); by default a failed run makes the sweep exit 1.
    #[arg(long)]
    allow_failures: bool,
    #[command(flatten)]
    quiet: Quiet,
}

/// Runs the sweep; a failed run makes it exit 1 unless failures are
/// allowed.
pub fn sweep(args: Args) -> Outcome {
    let quiet = args.quiet.quiet;
    let file = &args.file;
    let shard = args.shard;
    let sweep =
        api::load_sweep_with(Source::File(file), &args.set).map_err(|e| Failure::problems([&e]))?;
    let out = args.out.unwrap_or_else(|| {
        let stem = file
            .file_stem()
            .map_or("sweep".into(), |s| s.to_string_lossy().to_string());
        Path::new("outputs").join(stem)
    });
    let invalid = proversim::sweep::invalid_cells(&sweep, shard);
    if !quiet {
        eprintln!(
            "{}: {} cells x {} replicates = {} runs{}",
            file.display(),
            sweep.cells(),
            sweep.layout.replicates,
            sweep.runs(),
            shard.map_or(String::new(), |(i, n)| format!(", shard {i}/{n}"))
        );
        if !invalid.is_empty() {
            eprintln!(
                "warning: {} cells are combinations the model rejects; they become error rows:",
                invalid.len()
            );
            for (cell, why) in invalid.iter().take(10) {
                eprintln!("  cell {cell} ({}): {why}", sweep.layout.describe(*cell));
            }
        }
    }
    let bar = Progress::new(sweep.runs(), "runs", quiet);
    let progress = |done: u64, total: u64, failed: u64| bar.update(done, total, failed);
    let started = Instant::now();
    let result = api::sweep(
        &sweep,
        &proversim::sweep::SweepOptions {
            out: out.clone(),
            threads: args.threads.threads,
            shard,
            resume: args.resume,
            keep_runs: args.keep_runs,
            epochs_table: args.epochs_table,
            progress: Some(&progress),
        },
        true,
    );
    bar.finish();
    let r = result.map_err(Failure::failed)?;
    if !quiet {
        println!(
            "{} runs ({} now, {} failed) in {:.1} s; {}",
            r.runs,
            r.ran,
            r.failed,
            started.elapsed().as_secs_f64(),
            out.join("sweep.parquet").display()
        );
    }
    if let Some(w) = r.sensitivity.warning() {
        eprintln!("warning: {w}");
    }
    if r.failed > 0 && !args.allow_failures {
        return Err(Failure::failed(format!(
            "{} of {} runs failed (their error rows are in {}); pass --allow-failures to exit 0 anyway",
            r.failed,
            r.runs,
            out.join("sweep.parquet").display()
        )));
    }
    Ok(())
}
