//! `proversim calibrate`: times a real Groth16 prover and fits the cost
//! model's line.

use std::path::PathBuf;

use super::progress::Progress;
use super::{Failure, Outcome};

/// The `calibrate` command's arguments.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Circuit sizes in constraints: a list (1024,4096), powers
    /// (2^10,2^12) or a range of powers (2^10..2^16).
    #[arg(long, default_value = "2^10..2^16")]
    sizes: String,
    /// Proofs timed per size (at least 1).
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..))]
    repeat: u32,
    /// Where to write the calibration (a new file: an existing one, such
    /// as the shipped calibrations/default.toml that every shipped
    /// scenario reads, is replaced only with --replace).
    #[arg(long, default_value = "calibrations/local.toml")]
    out: PathBuf,
    /// Overwrite --out if it exists.
    #[arg(long)]
    replace: bool,
}

/// Times each size, prints a table and the fit, and writes the calibration.
pub fn calibrate(args: Args) -> Outcome {
    let sizes = proversim::cost::parse_sizes(&args.sizes)
        .map_err(|e| Failure::input(format!("--sizes: {e}")))?;
    let out = &args.out;
    // Refused before any timing: a calibration measured on a busy machine
    // would silently slow every scenario that reads the file.
    if out.exists() && !args.replace {
        return Err(Failure::input(format!(
            "--out {}: the file exists; pass --replace to overwrite it, or --out another file",
            out.display()
        )));
    }
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
    let result =
        proversim::cost::run_calibration(&sizes, args.repeat, &super::typed_command(), |p| {
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
    let calibration = result.map_err(Failure::failed)?;
    if let Some(dir) = out.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::failed(format!("{}: {e}", dir.display())))?;
    }
    proversim::storage::tables::write_atomic(out, calibration.to_toml().as_bytes())
        .map_err(Failure::failed)?;
    let f = calibration.fit;
    println!(
        "{table}\nfit: prove_seconds = {:.4} + {:.3e} x constraints (r2 = {:.4})\nmachine: {}, {} cores, {} GiB\nwritten to {}\n\
         to use it, name it in a scenario's [cost] table: calibration = \"<its path from the scenario's folder>\" \
         (or --set cost.calibration=...); the shipped scenarios read calibrations/default.toml",
        f.overhead_seconds,
        f.per_constraint_seconds,
        f.r_squared,
        calibration.machine.cpu,
        calibration.machine.cores,
        calibration.machine.memory_gib,
        out.display()
    );
    Ok(())
}
