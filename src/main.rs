//! The `proversim` command line: parses arguments and calls the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use clap::{Parser, Subcommand, ValueEnum};

mod booster_cmd;
mod commands;
mod progress;
mod validate_cmd;
use commands::{calibrate, sweep};

/// A simulator of prover incentives in a ZK rollup with a permissionless
/// proving market: supersession, streak boosters, governance, and the
/// agents who play them.
#[derive(Parser, Debug)]
#[command(name = "proversim", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How `settle` prints its results.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Tables for people.
    Table,
    /// One JSON object, as docs/model.md section 11 states it.
    Json,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a scenario and write its tables, summary and (with
    /// --trace) a replay trace.
    ///
    /// Outputs go to outputs/<scenario name>/ unless --out says otherwise:
    /// epochs, provers, submissions and events as Parquet (and CSV with
    /// --csv), and summary.json. Same scenario and seed: identical bytes.
    Run {
        /// The scenario file.
        #[arg(default_value = "scenarios/baseline.toml")]
        scenario: PathBuf,
        /// Override the scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
        /// Output folder (default: outputs/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override any scenario key, e.g. --set booster.rule=flat or
        /// --set provers.0.count=30; checked like the file. Repeatable.
        #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
        set: Vec<String>,
        /// Also write every table as CSV.
        #[arg(long)]
        csv: bool,
        /// Also write the run's blocks, proofs and governance changes as a
        /// replay trace that `settle` reproduces.
        #[arg(long, value_name = "FILE")]
        trace: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// Do not draw the charts (they go to <out>/charts/ by default).
        #[arg(long)]
        no_charts: bool,
    },
    /// Write report.md for a run or sweep folder: how to reproduce it, the
    /// parameters that differ from the baseline, key metrics (95% intervals
    /// over replicates for sweeps), the charts, and a method section.
    Report {
        /// A run or sweep folder.
        dir: PathBuf,
        /// Another run or sweep folder to put side by side.
        #[arg(long)]
        compare: Option<PathBuf>,
        /// The baseline scenario parameters are compared with (default:
        /// the baseline compiled into this binary, scenarios/baseline.toml
        /// as shipped).
        #[arg(long)]
        baseline: Option<PathBuf>,
    },
    /// Redraw the charts of a run or sweep folder from its saved tables,
    /// as PNG and SVG under <DIR>/charts/.
    Chart {
        /// A run folder (epochs.parquet...) or a sweep folder (sweep.parquet).
        dir: PathBuf,
        /// Sweep metrics to chart (default: active_provers_mean, reward_hhi,
        /// liveness). Repeatable.
        #[arg(long)]
        metric: Vec<String>,
    },
    /// Run a parameter sweep: every cell of a grid of scenario keys, each
    /// with several replicates, in parallel on every core.
    ///
    /// Writes <out>/sweep.parquet (one row per run: the swept keys, the
    /// replicate, its seed and the summary metrics; failed runs are error
    /// rows), runs.jsonl (the journal that --resume continues from) and
    /// sweep.json. With --shard I/N only the cells with cell % N == I run;
    /// `proversim merge` joins the shards into the same table the whole
    /// sweep would give.
    Sweep {
        /// The sweep file (a scenario with a [sweep] table).
        file: PathBuf,
        #[command(flatten)]
        args: commands::SweepArgs,
    },
    /// Compare two scenarios on the same seeds: a paired experiment.
    ///
    /// Runs A and B on the same N seeds (common random numbers) and writes,
    /// into --out: compare.parquet (one row per scenario and replicate,
    /// every summary metric), epochs.parquet (per-epoch series of every
    /// run), compare.json (for every metric the two means and the mean of
    /// the paired differences B - A with its Student-t 95% interval, the
    /// seeds, every scenario key that differs), overlaid charts (mean and
    /// band over replicates, over time) and report.md. Compare a file with
    /// itself and --set-b to test one change.
    Compare {
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
        /// Worker threads (default: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Join the shard folders of a sweep into one sweep.parquet, identical
    /// to the one the unsharded sweep writes.
    Merge {
        /// The shard folders (each written by `sweep --shard I/N`).
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
    /// Time a real Groth16 prover (arkworks, BN254) on circuits of growing
    /// size and fit the cost model's line to it.
    ///
    /// For each size: setup once, then --repeat proofs (median and spread),
    /// each verified. Fits prove_seconds = overhead + per_constraint x
    /// constraints by least squares and writes a calibration TOML with the
    /// fit, every point, the machine and the software. Scenarios use it with
    /// [cost] calibration = "calibrations/default.toml".
    Calibrate {
        /// Circuit sizes in constraints: a list (1024,4096), powers
        /// (2^10,2^12) or a range of powers (2^10..2^16).
        #[arg(long, default_value = "2^10..2^16")]
        sizes: String,
        /// Proofs timed per size.
        #[arg(long, default_value_t = 3)]
        repeat: u32,
        /// Where to write the calibration.
        #[arg(long, default_value = "calibrations/default.toml")]
        out: PathBuf,
    },
    /// Check scenario files without running them; every problem is listed
    /// with its file, line and column, key and what was expected.
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Replay a trace of blocks, proofs and governance changes through the
    /// exact rules and print who earns what.
    ///
    /// Each slot from 0 to `end_slot` runs the prune check, settles every
    /// epoch whose window closed, then applies the slot's events in file
    /// order. Errors in the trace name the file, the event and the key, and
    /// exit with code 2.
    Settle {
        /// The trace file (TOML: [params], [booster], [[events]]).
        trace: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// A booster's figures, exactly from the rules, without simulating:
    /// epochs from zero to the maximum share (and to 50/90/99% of it), the
    /// share after 1, 2 and 3 missed epochs, epochs to recover from one
    /// miss, the break-even coverage, what a prover earns at 50/78/90%
    /// coverage, and a newcomer's first 100 and 500 epochs against an
    /// incumbent's. With --target, searches quadratic constants that meet
    /// targets on these figures, e.g.
    /// --target "one_miss_share>=0.7,recovery_epochs<=80".
    Booster {
        /// A scenario whose booster to use (default: the deployed one);
        /// constants given as options override it.
        scenario: Option<PathBuf>,
        #[command(flatten)]
        constants: booster_cmd::Constants,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Also draw the curve, the newcomer's ramp and the miss cascade
        /// (PNG and SVG) into this folder.
        #[arg(long)]
        chart: Option<PathBuf>,
        /// Targets on the figures, comma-separated: FIGURE>=VALUE or
        /// FIGURE<=VALUE (figures as named by --format json).
        #[arg(long)]
        target: Option<String>,
        /// With --target: search the decay per epoch too (the deployed
        /// booster fixes it at 100,000).
        #[arg(long)]
        free_decay: bool,
        /// With --target: how many candidates to print.
        #[arg(long, default_value_t = 5)]
        candidates: usize,
    },
}

fn main() -> ExitCode {
    // Output piped into `head` or a closed pager ends the process quietly,
    // as for any Unix tool, instead of failing on the broken pipe.
    #[cfg(unix)]
    // SAFETY: called first, before any thread starts; restores the default
    // disposition of one signal.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    remove_partials_on_signals();
    let cli = Cli::parse();
    match cli.command {
        Command::Settle { trace, format } => settle(&trace, format),
        Command::Booster {
            scenario,
            constants,
            format,
            chart,
            target,
            free_decay,
            candidates,
        } => booster_cmd::booster(booster_cmd::BoosterArgs {
            scenario: scenario.as_deref(),
            constants: &constants,
            format,
            chart: chart.as_deref(),
            target: target.as_deref(),
            free_decay,
            candidates,
        }),
        Command::Run {
            scenario,
            seed,
            out,
            set,
            csv,
            trace,
            quiet,
            no_charts,
        } => run(
            &scenario,
            seed,
            out,
            &set,
            csv,
            trace.as_deref(),
            quiet,
            !no_charts,
        ),
        Command::Chart { dir, metric } => chart(&dir, &metric),
        Command::Report {
            dir,
            compare,
            baseline,
        } => report(&dir, compare.as_deref(), baseline.as_deref()),
        Command::Validate { files } => validate_cmd::validate(&files),
        Command::Sweep { file, args } => sweep(&file, args),
        Command::Compare {
            a,
            b,
            replicates,
            seed,
            out,
            set,
            set_a,
            set_b,
            threads,
            quiet,
        } => commands::compare(commands::CompareArgs {
            a: &a,
            b: &b,
            replicates,
            seed,
            out,
            set: &set,
            set_a: &set_a,
            set_b: &set_b,
            threads,
            quiet,
        }),
        Command::Merge { shards, out } => merge(&shards, &out),
        Command::Calibrate { sizes, repeat, out } => calibrate(&sizes, repeat, &out),
    }
}

/// On Ctrl-C or a termination signal, removes the temporary files being
/// written before the process ends, so that no `.partial` file is left;
/// finished outputs and a sweep's journal (which resumes) are kept.
fn remove_partials_on_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else {
        return;
    };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            proversim::output::tables::remove_partials();
            std::process::exit(128 + signal);
        }
    });
}

/// Parses `I/N` with `I < N`.
fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("expected I/N (e.g. 0/4), found {s:?}"))?;
    let i: u64 = i
        .trim()
        .parse()
        .map_err(|_| format!("bad shard index {i:?}"))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| format!("bad shard count {n:?}"))?;
    if n == 0 || i >= n {
        return Err(format!("expected 0 <= I < N, found {i}/{n}"));
    }
    Ok((i, n))
}

fn print_problems(e: &proversim::scenario::ScenarioError) {
    for p in &e.problems {
        eprintln!("error: {p}");
    }
}

fn report(dir: &Path, compare: Option<&Path>, baseline: Option<&Path>) -> ExitCode {
    let baseline = match baseline {
        Some(path) => proversim::scenario::load(path, &[]),
        None => proversim::scenario::builtin::baseline(),
    };
    let baseline = match baseline {
        Ok(s) => s,
        Err(e) => {
            print_problems(&e);
            return ExitCode::from(2);
        }
    };
    match proversim::output::report::write_report(dir, &baseline, compare) {
        Ok(_) => {
            println!("{}", dir.join("report.md").display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn chart(dir: &Path, metrics: &[String]) -> ExitCode {
    match proversim::output::charts::draw_dir(dir, metrics) {
        Ok(drawn) => {
            for d in &drawn {
                println!(
                    "{}/charts/{}.{{png,svg}}: {}",
                    dir.display(),
                    d.stem,
                    d.caption
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

fn merge(shards: &[PathBuf], out: &Path) -> ExitCode {
    match proversim::sweep::merge(shards, out) {
        Ok(rows) => {
            println!(
                "{rows} runs merged into {}",
                out.join("sweep.parquet").display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn run(
    path: &Path,
    seed: Option<u64>,
    out: Option<PathBuf>,
    overrides: &[String],
    csv: bool,
    trace: Option<&Path>,
    quiet: bool,
    charts: bool,
) -> ExitCode {
    let mut scenario = match proversim::scenario::load(path, overrides) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}", e.to_string().replace('\n', "\nerror: "));
            return ExitCode::from(2);
        }
    };
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    let out = out.unwrap_or_else(|| proversim::run::default_out_dir(&scenario));
    let bar = progress_bar(scenario.epochs, quiet);
    let started = Instant::now();
    let mut shown = false;
    let mut tick = |epoch: u64| {
        if !shown && started.elapsed().as_secs_f64() > 1.0 {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            shown = true;
        }
        bar.set_position(epoch.min(bar.length().unwrap_or(u64::MAX)));
    };
    let progress: Option<&mut dyn FnMut(u64)> = if std::io::stderr().is_terminal() && !quiet {
        Some(&mut tick)
    } else {
        None
    };
    let result = proversim::run::run_to_dir(&scenario, &out, csv, trace, progress);
    bar.finish_and_clear();
    let result = result.map_err(|e| e.to_string()).and_then(|r| {
        if charts {
            proversim::output::charts::draw_run(&out).map_err(|e| e.to_string())?;
        }
        Ok(r)
    });
    match result {
        Ok(r) => {
            if !quiet {
                if charts {
                    println!("charts: {}/charts/", out.display());
                }
                println!(
                    "{} (seed {}): {} epochs in {:.2} s\n{}",
                    scenario.name,
                    scenario.seed,
                    scenario.epochs,
                    started.elapsed().as_secs_f64(),
                    proversim::run::summary_text(&r.summary, &out)
                );
                if let Some(t) = trace {
                    println!("trace: {}", t.display());
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            ExitCode::from(1)
        }
    }
}

/// A bar over epochs, drawn only once the run has taken a second.
fn progress_bar(epochs: u64, quiet: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(epochs), ProgressDrawTarget::hidden());
    if !quiet {
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} simulating [{bar:40}] epoch {pos}/{len} ({percent}%), {elapsed} elapsed, ETA {eta}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
    }
    bar
}

fn settle(path: &Path, format: Format) -> ExitCode {
    let result = proversim::trace::load(path).and_then(|trace| {
        let replay = proversim::trace::replay(&trace)?;
        let report = proversim::trace::report::Report::new(&trace, &replay);
        Ok(match format {
            Format::Json => report.to_json(),
            Format::Table => report.to_table(),
        })
    });
    match result {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            if out
                .write_all(text.as_bytes())
                .and_then(|_| out.flush())
                .is_err()
            {
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
