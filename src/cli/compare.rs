//! `proversim compare`: two scenarios on the same seeds.

use std::path::PathBuf;
use std::time::Instant;

use proversim::api::{self, CompareSide, Source};
use proversim::compare::CompareOptions;

use super::args::{Quiet, Threads};
use super::progress::Progress;
use super::{Failure, Outcome};

/// The `compare` command's arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Scenario A (the reference).
    a: PathBuf,
    /// Scenario B (differences are B - A).
    b: PathBuf,
    /// Seeds per scenario.
    #[arg(long, default_value_t = 10)]
    replicates: u32,
    /// Base seed the replicates' seeds derive from (default: A's seed).
    #[arg(long)]
    seed: Option<u64>,
    /// Output folder (default: outputs/compare-<A>-vs-<B>).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Override a key in both scenarios. Repeatable.
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    set: Vec<String>,
    /// Override a key in A only. Repeatable.
    #[arg(long = "set-a", value_name = "KEY.PATH=VALUE")]
    set_a: Vec<String>,
    /// Override a key in B only. Repeatable.
    #[arg(long = "set-b", value_name = "KEY.PATH=VALUE")]
    set_b: Vec<String>,
    #[command(flatten)]
    threads: Threads,
    #[command(flatten)]
    quiet: Quiet,
}

/// Runs both scenarios, writes the comparison and prints its summary.
pub fn compare(args: Args) -> Outcome {
    let quiet = args.quiet.quiet;
    let (a, b) = api::load_pair(
        &CompareSide {
            source: Source::File(&args.a),
            overrides: &args.set_a,
        },
        &CompareSide {
            source: Source::File(&args.b),
            overrides: &args.set_b,
        },
        &args.set,
    )
    .map_err(|errors| Failure::problems(&errors))?;
    let out = args.out.unwrap_or_else(|| api::compare_out_dir(&a, &b));
    if !quiet {
        let (name_a, name_b) = proversim::compare::side_names(&a, &b);
        eprintln!(
            "{name_b} against {name_a}: {} replicates each on the same seeds, {} runs",
            args.replicates,
            2 * args.replicates as u64
        );
    }
    let bar = Progress::new(2 * args.replicates as u64, "runs", quiet);
    let progress = |done: u64, total: u64, failed: u64| bar.update(done, total, failed);
    let started = Instant::now();
    let result = api::compare(
        (a, b),
        (args.a.display().to_string(), args.b.display().to_string()),
        &CompareOptions {
            replicates: args.replicates,
            seed: args.seed,
            threads: args.threads.threads,
            progress: Some(&progress),
        },
        &out,
        &super::typed_command(),
    );
    bar.finish();
    let (c, metrics) = result.map_err(Failure::failed)?;
    if !quiet {
        println!("{}", proversim::compare::summary_text(&c, &metrics));
        println!(
            "{} runs in {:.1} s; {}/{{compare.parquet,compare.json,report.md}}",
            2 * c.seeds.len(),
            started.elapsed().as_secs_f64(),
            out.display()
        );
    }
    Ok(())
}
