//! The `proversim` command line: parses arguments and calls the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

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
    }
}

fn settle(path: &std::path::Path, format: Format) -> ExitCode {
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
