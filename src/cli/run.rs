//! `proversim run`: simulates a scenario into a folder.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use proversim::api::{self, RunRequest, Source};

use super::args::Quiet;
use super::{Failure, Outcome};

/// The `run` command's arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
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
    #[command(flatten)]
    quiet: Quiet,
    /// Do not draw the charts (they go to <out>/charts/ by default).
    #[arg(long)]
    no_charts: bool,
}

/// Runs the scenario, showing a bar on a terminal once it takes a second,
/// and prints the summary.
pub fn run(args: Args) -> Outcome {
    let quiet = args.quiet.quiet;
    let scenario = api::load_scenario(Source::File(&args.scenario), &args.set, args.seed)
        .map_err(|e| Failure::problems([&e]))?;
    let out = args
        .out
        .unwrap_or_else(|| proversim::run::default_out_dir(&scenario));
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
    // In a log (not a terminal), plain lines as `sweep` writes them.
    let log = super::progress::Progress::plain(scenario.epochs, "epochs", quiet);
    let mut line = |epoch: u64| log.update(epoch.min(scenario.epochs), scenario.epochs, 0);
    let progress: Option<&mut dyn FnMut(u64)> = if quiet {
        None
    } else if std::io::stderr().is_terminal() {
        Some(&mut tick)
    } else {
        Some(&mut line)
    };
    let charts = !args.no_charts;
    let request = RunRequest {
        out: &out,
        csv: args.csv,
        trace: args.trace.as_deref(),
        charts,
    };
    let result = api::run(&scenario, &request, progress);
    bar.finish_and_clear();
    if result.is_ok() {
        log.update(scenario.epochs, scenario.epochs, 0);
    }
    let r = result.map_err(|e| Failure::failed(format!("{}: {e}", args.scenario.display())))?;
    if !quiet {
        if charts {
            println!("charts: {}/charts/", out.display());
        }
        println!(
            "{} (seed {}, protocol {}): {} epochs in {:.2} s\n{}",
            scenario.name,
            scenario.seed,
            scenario.protocol.name(),
            scenario.epochs,
            started.elapsed().as_secs_f64(),
            proversim::run::summary_text(&r.summary, &out)
        );
        if let Some(t) = &args.trace {
            println!("trace: {}", t.display());
        }
    }
    Ok(())
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
