//! `proversim settle`: replays a trace and prints who earns what.

use std::io::Write;
use std::path::PathBuf;

use proversim::api::{self, SettleFormat, Source};

use super::args::Format;
use super::{Failure, Outcome};

/// The `settle` command's arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The trace file (TOML: [params], [booster], [[events]]).
    trace: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Settles the trace and prints the result; a bad trace is exit code 2.
pub fn settle(args: Args) -> Outcome {
    let format = match args.format {
        Format::Json => SettleFormat::Json,
        Format::Table => SettleFormat::Table,
    };
    let text = api::settle(Source::File(&args.trace), format).map_err(Failure::input)?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|_| Failure::reported(1))
}
