//! `proversim schema`: the JSON Schema of scenario or sweep files, derived
//! from the types that load them (so it cannot drift from the loader).

use std::io::Write;

use super::{Failure, Outcome};

/// Which file the schema describes.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FileKind {
    /// A scenario file (`run`, `validate`, a sweep's base).
    Scenario,
    /// A sweep file: a scenario's keys and a `[sweep]` table.
    Sweep,
}

/// The `schema` command's arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The file kind: scenario or sweep.
    #[arg(value_enum, default_value = "scenario")]
    kind: FileKind,
}

/// Prints the schema, pretty, to standard output.
pub fn schema(args: Args) -> Outcome {
    let schema = match args.kind {
        FileKind::Scenario => proversim::scenario::json_schema::schema(),
        FileKind::Sweep => proversim::sweep::file_schema(),
    };
    let text = serde_json::to_string_pretty(&schema).map_err(Failure::failed)?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| Failure::failed(format!("cannot write the schema: {e}")))
}
