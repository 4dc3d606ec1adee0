//! The `proversim` command line: parses arguments and calls the library.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use clap::{Parser, Subcommand, ValueEnum};

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
    /// One JSON object, as SPEC section 11 states it.
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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Settle { trace, format } => settle(&trace, format),
        Command::Run {
            scenario,
            seed,
            out,
            set,
            csv,
            trace,
            quiet,
        } => run(&scenario, seed, out, &set, csv, trace.as_deref(), quiet),
        Command::Validate { files } => validate(&files),
    }
}

fn run(
    path: &Path,
    seed: Option<u64>,
    out: Option<PathBuf>,
    overrides: &[String],
    csv: bool,
    trace: Option<&Path>,
    quiet: bool,
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
    match result {
        Ok(r) => {
            if !quiet {
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

fn validate(files: &[PathBuf]) -> ExitCode {
    let mut bad = false;
    for f in files {
        match proversim::scenario::load(f, &[]) {
            Ok(s) => println!("{}: ok ({}, {} epochs)", f.display(), s.name, s.epochs),
            Err(e) => {
                bad = true;
                for p in &e.problems {
                    eprintln!("error: {p}");
                }
            }
        }
    }
    if bad {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
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
