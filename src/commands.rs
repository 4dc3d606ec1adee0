//! The longer commands of the command line, `sweep` and `calibrate`: their
//! progress and messages around the library's work.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::print_problems;

pub fn sweep(
    file: &Path,
    threads: usize,
    out: Option<PathBuf>,
    shard: Option<(u64, u64)>,
    resume: bool,
    keep_runs: bool,
    quiet: bool,
) -> ExitCode {
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
    let bar = ProgressBar::with_draw_target(
        Some(sweep.runs()),
        if quiet || !std::io::stderr().is_terminal() {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        },
    );
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{bar:40}] {pos}/{len} runs, {msg}, {elapsed} elapsed, ETA {eta}",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar.set_message("0 failed");
    let progress = |done: u64, total: u64, failed: u64| {
        bar.set_length(total);
        bar.set_position(done);
        bar.set_message(format!("{failed} failed"));
    };
    let started = Instant::now();
    let result = proversim::sweep::run_sweep(
        &sweep,
        &proversim::sweep::SweepOptions {
            out: out.clone(),
            threads,
            shard,
            resume,
            keep_runs,
            progress: Some(&progress),
        },
    );
    bar.finish_and_clear();
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
    let bar = ProgressBar::with_draw_target(
        Some(sizes.len() as u64),
        if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} proving [{bar:30}] {pos}/{len} sizes {msg} ({elapsed})",
        )
        .expect("a valid template")
        .progress_chars("=> "),
    );
    bar.set_message(format!("{} constraints", sizes[0]));
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
        bar.inc(1);
        if let Some(next) = sizes.iter().find(|&&s| s > p.constraints) {
            bar.set_message(format!("{next} constraints"));
        }
        table.add_row(vec![
            p.constraints.to_string(),
            format!("{:.3}", p.setup_seconds),
            format!("{:.3}", p.prove_seconds),
            format!("{:.3}-{:.3}", p.prove_min_seconds, p.prove_max_seconds),
            format!("{:.4}", p.verify_seconds),
            format!("{:.0}", p.peak_rss_mib),
        ]);
    });
    bar.finish_and_clear();
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
