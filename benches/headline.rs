//! The performance targets, measured. The reference world is the
//! baseline scenario (48 sequencers, 20 provers, no entry) run for a year;
//! the headline job is a streak-decay sweep of year-long runs of the
//! baseline with free entry (up to 30 provers; 400 cells x 10 replicates in
//! the full job). Prints:
//! - engine events per second over one simulated year of the baseline, and
//!   of the headline world;
//! - the whole-process time of `proversim run` for one year, with tables,
//!   of both, and of the mainnet world (`mainnet-v5.toml`) as shipped and
//!   with its distributor funded for the year;
//! - 40 year-long runs of the headline world swept on 1 and on 2 threads,
//!   the speed-up, and the time 4,000 runs would take on 2 threads;
//! - peak memory after sweeps of 20 and of 40 runs (flat if a sweep keeps
//!   nothing per run).
//!
//! Both worlds fund the distributor for the whole year, so that no figure
//! comes from a run whose rewards stop part way.
//!
//! `cargo bench --bench headline` (add `-- --quick` for 8-run sweeps).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use proversim::cost::calibrate::peak_rss_mib;
use proversim::engine::RunOptions;
use proversim::metrics::NullRecorder;
use proversim::simulate as run;
use proversim::sweep::{SweepOptions, parse, run_sweep};

/// One simulated year of 32-slot epochs of 72 s.
const YEAR_EPOCHS: u64 = 365 * 24 * 3600 / (72 * 32);

/// The baseline scenario for `epochs` epochs, with a distributor that does
/// not run dry in a year, and `extra` scenario text.
fn baseline(name: &str, epochs: u64, extra: &str) -> String {
    format!(
        "base = \"{base}\"\nname = \"{name}\"\nepochs = {epochs}\n\n\
         [rewards]\ndistributor_funding = \"1000000000000000000000000000000\"\n\n{extra}",
        base = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/baseline.toml")
            .display()
    )
}

/// The world of every run of the headline sweep: the baseline with free
/// entry (10 more provers at first, up to 20 more).
fn world(epochs: u64) -> String {
    baseline(
        "headline",
        epochs,
        "[[provers]]\nname = \"honest\"\ncount = 10\npotential = 20\n",
    )
}

/// The mainnet world (`scenarios/mainnet-v5.toml`) for `epochs` epochs:
/// as shipped, its distributor (v5's default funding) runs dry after about
/// 136 days and the market shrinks to the fees; `funded`, it mints all
/// year and the market stays whole.
fn mainnet(epochs: u64, funded: bool) -> String {
    let funding = if funded {
        "[rewards]\ndistributor_funding = \"1000000000000000000000000000000\"\n"
    } else {
        ""
    };
    format!(
        "base = \"{base}\"\nepochs = {epochs}\n\n{funding}",
        base = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/mainnet-v5.toml")
            .display()
    )
}

/// A sweep of `increments x decays` cells and `replicates` replicates.
fn sweep_text(increments: usize, decays: usize, replicates: u32) -> String {
    let list = |xs: Vec<u64>| {
        xs.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let inc = list((0..increments).map(|i| 62_500 * (i as u64 + 1)).collect());
    let dec = list((0..decays).map(|i| 50_000 * (i as u64 + 1)).collect());
    let world = world(YEAR_EPOCHS);
    let (top, base) = world.split_once('\n').expect("a base line");
    format!(
        "{base}\n[sweep]\n{top}\nreplicates = {replicates}\nseed = 2024\n\n\
         [[sweep.parameter]]\nkey = \"booster.increment\"\nvalues = [{inc}]\n\n\
         [[sweep.parameter]]\nkey = \"booster.decay_per_epoch\"\nvalues = [{dec}]\n"
    )
}

fn timed_sweep(text: &str, threads: usize, out: &Path) -> (f64, u64) {
    let sweep = parse("headline.toml", text, Path::new(".")).expect("the headline sweep parses");
    let _ = std::fs::remove_dir_all(out);
    let t = Instant::now();
    let r = run_sweep(&sweep, &SweepOptions::new(out, threads)).expect("the sweep runs");
    assert_eq!(r.failed, 0);
    (t.elapsed().as_secs_f64(), r.runs)
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let tmp = tempfile::tempdir().expect("a temporary folder");

    for (what, text, target) in [
        (
            "the baseline",
            baseline("baseline-year", YEAR_EPOCHS, ""),
            " (target >= 5)",
        ),
        ("the headline world", world(YEAR_EPOCHS), ""),
        ("mainnet-v5 as shipped", mainnet(YEAR_EPOCHS, false), ""),
        (
            "mainnet-v5 with its distributor funded",
            mainnet(YEAR_EPOCHS, true),
            "",
        ),
    ] {
        let scenario = proversim::scenario::parse_in("year.toml", &text, Path::new("."), &[])
            .expect("the world parses");
        let mut best = f64::MAX;
        let mut last = None;
        for _ in 0..3 {
            let t = Instant::now();
            let r = run(&scenario, &mut NullRecorder, RunOptions::default()).expect("runs");
            best = best.min(t.elapsed().as_secs_f64());
            last = Some(r.summary);
        }
        let summary = last.expect("three runs");
        println!(
            "one year ({YEAR_EPOCHS} epochs) of {what}, engine only, best of 3: {} events in {best:.3} s = {:.2} M events/s{target}; {:.1} active provers on average",
            summary.engine_events,
            summary.engine_events as f64 / best / 1e6,
            summary.active_provers.mean
        );
    }

    for (what, text, target) in [
        (
            "the baseline",
            baseline("baseline-year", YEAR_EPOCHS, ""),
            " (target <= 0.25)",
        ),
        ("the headline world", world(YEAR_EPOCHS), ""),
        (
            "mainnet-v5 as shipped",
            mainnet(YEAR_EPOCHS, false),
            " (target < 1)",
        ),
        (
            "mainnet-v5 with its distributor funded",
            mainnet(YEAR_EPOCHS, true),
            " (target < 1)",
        ),
    ] {
        let file = tmp.path().join("year.toml");
        std::fs::write(&file, text).expect("writes the scenario");
        let mut best = f64::MAX;
        for _ in 0..5 {
            let out = tmp.path().join("year-run");
            let _ = std::fs::remove_dir_all(&out);
            let t = Instant::now();
            let status = Command::new(env!("CARGO_BIN_EXE_proversim"))
                .args(["run", "--quiet", "--no-charts", "--out"])
                .arg(&out)
                .arg(&file)
                .status()
                .expect("the binary runs");
            assert!(status.success());
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "one year of {what} as a whole process with tables (`proversim run --no-charts`), best of 5: {best:.3} s{target}"
        );
    }

    let (cells, reps) = if quick { ((2, 2), 2) } else { ((5, 4), 2) };
    let half = sweep_text(cells.0, cells.1, reps / 2);
    let full = sweep_text(cells.0, cells.1, reps);
    let (secs_half, runs_half) = timed_sweep(&half, 2, &tmp.path().join("half"));
    let rss_half = peak_rss_mib();
    let (one, runs) = timed_sweep(&full, 1, &tmp.path().join("t1"));
    let (two, _) = timed_sweep(&full, 2, &tmp.path().join("t2"));
    let rss_full = peak_rss_mib();
    println!(
        "{runs_half} year-long runs on 2 threads: {secs_half:.2} s; peak RSS {rss_half:.1} MB"
    );
    println!("{runs} year-long runs: {one:.2} s on 1 thread, {two:.2} s on 2 threads");
    println!(
        "speed-up from 1 to 2 threads: {:.2}x (target >= 1.8)",
        one / two
    );
    println!(
        "4,000 runs on 2 threads, extrapolated: {:.0} s (target <= 600)",
        two / runs as f64 * 4000.0
    );
    println!(
        "peak RSS after {runs} runs: {rss_full:.1} MB, after {runs_half}: {rss_half:.1} MB (flat if close)"
    );
}
