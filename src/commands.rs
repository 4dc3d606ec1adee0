//! The longer commands of the command line, `sweep` and `calibrate`: their
//! progress and messages around the library's work.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::print_problems;
use crate::progress::Progress;

/// The `sweep` command's options.
#[derive(clap::Args, Debug)]
pub struct SweepArgs {
    /// Worker threads (default: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Output folder (default: outputs/<sweep file name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run one shard: I/N runs the cells with cell % N == I.
    #[arg(long, value_name = "I/N", value_parser = crate::parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Continue the sweep found in the output folder, skipping runs done.
    #[arg(long)]
    pub resume: bool,
    /// Also keep every run's tables under <out>/runs/.
    #[arg(long)]
    pub keep_runs: bool,
    /// Also write every run's epochs as one Hive-partitioned dataset,
    /// <out>/epochs/cell=C/replicate=R/part.parquet, for bands over
    /// time (polars: pl.read_parquet("<out>/epochs/", hive_partitioning=True)).
    #[arg(long)]
    pub epochs_table: bool,
    /// Exit 0 even when some runs failed (they are error rows either
    /// way); by default a failed run makes the sweep exit 1.
    #[arg(long)]
    pub allow_failures: bool,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

pub fn sweep(file: &Path, args: SweepArgs) -> ExitCode {
    let SweepArgs {
        threads,
        out,
        shard,
        resume,
        keep_runs,
        epochs_table,
        allow_failures,
        quiet,
    } = args;
    let sweep = match proversim::sweep::load(file) {
        Ok(s) => s,
        Err(e) => {
            print_problems(&e);
            return ExitCode::from(2);
        }
    };
    let out = out.unwrap_or_else(|| {
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
    let result = proversim::sweep::run_sweep(
        &sweep,
        &proversim::sweep::SweepOptions {
            out: out.clone(),
            threads,
            shard,
            resume,
            keep_runs,
            epochs_table,
            progress: Some(&progress),
        },
    );
    bar.finish();
    // A whole sweep ends in its charts; a shard's wait for the merge.
    let result = result.map_err(|e| e.to_string()).and_then(|r| {
        if shard.is_none() {
            proversim::output::charts::draw_dir(&out, &[]).map_err(|e| e.to_string())?;
        }
        Ok(r)
    });
    match result {
        Ok(r) => {
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
            if r.failed > 0 && !allow_failures {
                eprintln!(
                    "error: {} of {} runs failed (their error rows are in {}); pass --allow-failures to exit 0 anyway",
                    r.failed,
                    r.runs,
                    out.join("sweep.parquet").display()
                );
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

pub fn calibrate(sizes: &str, repeat: u32, out: &Path) -> ExitCode {
    let sizes = match proversim::cost::parse_sizes(sizes) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: --sizes: {e}");
            return ExitCode::from(2);
        }
    };
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    let bar = Progress::new(sizes.len() as u64, "sizes", false);
    let mut proved = 0u64;
    let mut table = comfy_table::Table::new();
    table.load_style(comfy_table::presets::UTF8_FULL_CONDENSED);
    table.set_header(vec![
        "constraints",
        "setup s",
        "prove s (median)",
        "prove min-max s",
        "verify s",
        "peak RSS MiB",
    ]);
    let result = proversim::cost::run_calibration(&sizes, repeat, &command, |p| {
        proved += 1;
        bar.update(proved, sizes.len() as u64, 0);
        table.add_row(vec![
            p.constraints.to_string(),
            format!("{:.3}", p.setup_seconds),
            format!("{:.3}", p.prove_seconds),
            format!("{:.3}-{:.3}", p.prove_min_seconds, p.prove_max_seconds),
            format!("{:.4}", p.verify_seconds),
            format!("{:.0}", p.peak_rss_mib),
        ]);
    });
    bar.finish();
    let calibration = match result {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    if let Some(dir) = out.parent()
        && !dir.as_os_str().is_empty()
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("error: {}: {e}", dir.display());
        return ExitCode::from(1);
    }
    if let Err(e) = proversim::output::tables::write_atomic(out, calibration.to_toml().as_bytes()) {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    let f = calibration.fit;
    println!(
        "{table}\nfit: prove_seconds = {:.4} + {:.3e} x constraints (r2 = {:.4})\nmachine: {}, {} cores, {} GiB\nwritten to {}",
        f.overhead_seconds,
        f.per_constraint_seconds,
        f.r_squared,
        calibration.machine.cpu,
        calibration.machine.cores,
        calibration.machine.memory_gib,
        out.display()
    );
    ExitCode::SUCCESS
}

/// The `compare` command's options.
pub struct CompareArgs<'a> {
    pub a: &'a Path,
    pub b: &'a Path,
    pub replicates: u32,
    pub seed: Option<u64>,
    pub out: Option<PathBuf>,
    pub set: &'a [String],
    pub set_a: &'a [String],
    pub set_b: &'a [String],
    pub threads: usize,
    pub quiet: bool,
}

pub fn compare(args: CompareArgs<'_>) -> ExitCode {
    use proversim::compare::{CompareOptions, Side, side_names};
    let load = |file: &Path, own: &[String]| {
        let sets: Vec<String> = args.set.iter().chain(own).cloned().collect();
        proversim::scenario::load(file, &sets)
    };
    let (a, b) = match (load(args.a, args.set_a), load(args.b, args.set_b)) {
        (Ok(a), Ok(b)) => (a, b),
        (ra, rb) => {
            for e in [ra.err(), rb.err()].into_iter().flatten() {
                print_problems(&e);
            }
            return ExitCode::from(2);
        }
    };
    let (name_a, name_b) = side_names(&a, &b);
    let out = args
        .out
        .unwrap_or_else(|| proversim::compare::default_out_dir(&a, &b));
    let command = std::env::args().collect::<Vec<_>>().join(" ");
    if !args.quiet {
        eprintln!(
            "{name_b} against {name_a}: {} replicates each on the same seeds, {} runs",
            args.replicates,
            2 * args.replicates as u64
        );
    }
    let bar = Progress::new(2 * args.replicates as u64, "runs", args.quiet);
    let progress = |done: u64, total: u64, failed: u64| bar.update(done, total, failed);
    let started = Instant::now();
    let result = proversim::compare::compare(
        Side {
            name: name_a,
            file: args.a.display().to_string(),
            scenario: a,
        },
        Side {
            name: name_b,
            file: args.b.display().to_string(),
            scenario: b,
        },
        &CompareOptions {
            replicates: args.replicates,
            seed: args.seed,
            threads: args.threads,
            progress: Some(&progress),
        },
    );
    bar.finish();
    let written = result.map_err(|e| e.to_string()).and_then(|c| {
        proversim::compare::write_outputs(&c, &out, &command)
            .map(|m| (c, m))
            .map_err(|e| e.to_string())
    });
    match written {
        Ok((c, metrics)) => {
            if !args.quiet {
                println!("{}", proversim::compare::summary_text(&c, &metrics));
                println!(
                    "{} runs in {:.1} s; {}/{{compare.parquet,compare.json,report.md}}",
                    2 * c.seeds.len(),
                    started.elapsed().as_secs_f64(),
                    out.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
