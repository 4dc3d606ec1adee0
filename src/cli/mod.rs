//! The command line: one module per command, each with its arguments and
//! its function over the library's facade ([`proversim::api`]); the
//! argument groups several commands share; and one path from a failure to
//! its message and exit code.

mod args;
mod booster;
mod calibrate;
mod chart;
mod compare;
mod completions;
mod merge;
mod progress;
mod report;
mod run;
mod schema;
mod settle;
mod sweep;
mod validate;

use clap::{Parser, Subcommand};

/// A simulator of prover incentives in a ZK rollup with a permissionless
/// proving market: supersession, streak boosters, governance, and the
/// agents who play them.
#[derive(Parser, Debug)]
#[command(name = "proversim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Simulate a scenario and write its tables, summary and (with
    /// --trace) a replay trace.
    ///
    /// Outputs go to outputs/<scenario name>/ unless --out says otherwise:
    /// epochs, provers, submissions and events as Parquet (and CSV with
    /// --csv), and summary.json. Same scenario and seed: identical bytes.
    Run(run::Args),
    /// Write report.md for a run or sweep folder: how to reproduce it, the
    /// parameters that differ from the baseline, key metrics (95% intervals
    /// over replicates for sweeps), the charts, and a method section.
    Report(report::Args),
    /// Redraw the charts of a run or sweep folder from its saved tables,
    /// as PNG and SVG under <DIR>/charts/.
    Chart(chart::Args),
    /// Run a parameter sweep: every cell of a grid of scenario keys, each
    /// with several replicates, in parallel on every core.
    ///
    /// Writes <out>/sweep.parquet (one row per run: the swept keys, the
    /// replicate, its seed and the summary metrics; failed runs are error
    /// rows), runs.jsonl (the journal that --resume continues from) and
    /// sweep.json. With --shard I/N only the cells with cell % N == I run;
    /// `proversim merge` joins the shards into the same table the whole
    /// sweep would give.
    Sweep(sweep::Args),
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
    Compare(compare::Args),
    /// Join the shard folders of a sweep into one sweep.parquet, identical
    /// to the one the unsharded sweep writes.
    Merge(merge::Args),
    /// Time a real Groth16 prover (arkworks, BN254) on circuits of growing
    /// size and fit the cost model's line to it.
    ///
    /// For each size: setup once, then --repeat proofs (median and spread),
    /// each verified. Fits prove_seconds = overhead + per_constraint x
    /// constraints by least squares and writes a calibration TOML with the
    /// fit, every point, the machine and the software, to a new file
    /// (calibrations/local.toml unless --out; an existing file only with
    /// --replace). Scenarios use it with [cost] calibration = "<path>".
    Calibrate(calibrate::Args),
    /// Check scenario files without running them; every problem is listed
    /// with its file, line and column, key and what was expected.
    Validate(validate::Args),
    /// Replay a trace of blocks, proofs and governance changes through the
    /// exact rules and print who earns what.
    ///
    /// Each slot from 0 to `end_slot` runs the prune check, settles every
    /// epoch whose window closed, then applies the slot's events in file
    /// order. Errors in the trace name the file, the event and the key, and
    /// exit with code 2.
    Settle(settle::Args),
    /// A booster's figures, exactly from the rules, without simulating:
    /// epochs from zero to the maximum share (and to 50/90/99% of it), the
    /// share after 1, 2 and 3 missed epochs, epochs to recover from one
    /// miss, the break-even coverage, what a prover earns at 50/78/90%
    /// coverage, and a newcomer's first 100 and 500 epochs against an
    /// incumbent's. With --target, searches quadratic constants that meet
    /// targets on these figures, e.g.
    /// --target "one_miss_share>=0.7,recovery_epochs<=80".
    Booster(booster::Args),
    /// Print a shell's completion script.
    ///
    /// bash: `proversim completions bash > ~/.local/share/bash-completion/completions/proversim`;
    /// zsh: `proversim completions zsh > ~/.zfunc/_proversim` (with `~/.zfunc` in `fpath`);
    /// fish: `proversim completions fish > ~/.config/fish/completions/proversim.fish`;
    /// PowerShell: `proversim completions powershell | Out-String | Invoke-Expression`.
    Completions(completions::Args),
    /// Print the JSON Schema of scenario files (or of sweep files) for
    /// editors and validators: keys, types, defaults, ranges with units,
    /// and each strategy's and policy's own keys.
    ///
    /// The shipped copies are `schemas/scenario.json` and
    /// `schemas/sweep.json`; a file names its schema on its first line,
    /// `#:schema ../schemas/scenario.json`, which taplo and VS Code's TOML
    /// extensions read. The loader checks more (relations between keys):
    /// `proversim validate` has the last word.
    Schema(schema::Args),
}

/// Why a command failed: what to tell the user, and the exit code (2 for
/// bad input, 1 for work that failed).
pub struct Failure {
    /// The exit code.
    pub code: u8,
    /// The messages, each printed after `error: `.
    pub messages: Vec<String>,
}

impl Failure {
    /// Bad input (a file, a flag): exit code 2.
    pub fn input(message: impl std::fmt::Display) -> Failure {
        Failure {
            code: 2,
            messages: vec![message.to_string()],
        }
    }

    /// Work that failed: exit code 1.
    pub fn failed(message: impl std::fmt::Display) -> Failure {
        Failure {
            code: 1,
            messages: vec![message.to_string()],
        }
    }

    /// Scenarios or sweeps that do not load: each problem, exit code 2.
    pub fn problems<'a>(
        errors: impl IntoIterator<Item = &'a proversim::scenario::ScenarioError>,
    ) -> Failure {
        Failure {
            code: 2,
            messages: errors
                .into_iter()
                .flat_map(|e| e.problems.iter().map(|p| p.to_string()))
                .collect(),
        }
    }

    /// Problems already printed: only the exit code is left to give.
    pub fn reported(code: u8) -> Failure {
        Failure {
            code,
            messages: Vec::new(),
        }
    }
}

/// What a command gives back to `main`.
pub type Outcome = Result<(), Failure>;

impl Cli {
    /// Carries out the command.
    pub fn execute(self) -> Outcome {
        match self.command {
            Command::Run(a) => run::run(a),
            Command::Report(a) => report::report(a),
            Command::Chart(a) => chart::chart(a),
            Command::Sweep(a) => sweep::sweep(a),
            Command::Compare(a) => compare::compare(a),
            Command::Merge(a) => merge::merge(a),
            Command::Calibrate(a) => calibrate::calibrate(a),
            Command::Validate(a) => validate::validate(a),
            Command::Settle(a) => settle::settle(a),
            Command::Booster(a) => booster::booster(a),
            Command::Completions(a) => completions::completions(a),
            Command::Schema(a) => schema::schema(a),
        }
    }
}

/// The command line as typed, for a record of what was run: the program
/// as `proversim` (not the local path of the binary), each argument quoted
/// where a shell would need it.
fn typed_command() -> String {
    std::iter::once("proversim".to_string())
        .chain(std::env::args().skip(1).map(|a| shell_word(&a)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `word` as a POSIX shell reads it back.
fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}
