//! The headline job, scaled down: a streak-decay sweep of year-long runs of
//! the baseline world with free entry (400 cells x 10 replicates in the
//! full job). Prints, for the targets of the performance work:
//! - engine events per second over one simulated year;
//! - the whole-process time of `proversim run` for one year, with tables;
//! - 40 year-long runs swept on 1 and on 2 threads, the speed-up, and the
//!   time 4,000 runs would take on 2 threads;
//! - peak memory after sweeps of 20 and of 40 runs (flat if a sweep keeps
//!   nothing per run).
//!
//! `cargo bench --bench headline` (add `-- --quick` for 8-run sweeps).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use proversim::cost::calibrate::peak_rss_mib;
use proversim::engine::{RunOptions, run};
use proversim::metrics::NullRecorder;
use proversim::sweep::{SweepOptions, parse, run_sweep};

/// One simulated year of 32-slot epochs of 72 s.
const YEAR_EPOCHS: u64 = 365 * 24 * 3600 / (72 * 32);

/// The world of every run: the baseline with free entry (10 provers at
/// first, up to 20) and a distributor that does not run dry in a year.
fn world(epochs: u64) -> String {
    format!(
        "base = \"{base}\"\nname = \"headline\"\nepochs = {epochs}\n\n\
         [rewards]\ndistributor_funding = \"1000000000000000000000000000000\"\n\n\
         [[provers]]\nname = \"honest\"\ncount = 10\npotential = 20\n",
        base = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios/baseline.toml")
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
    let r = run_sweep(
        &sweep,
        &SweepOptions {
            out: out.to_path_buf(),
            threads,
            shard: None,
            resume: false,
            keep_runs: false,
            epochs_table: false,
            progress: None,
        },
    )
    .expect("the sweep runs");
    assert_eq!(r.failed, 0);
    (t.elapsed().as_secs_f64(), r.runs)
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let tmp = tempfile::tempdir().expect("a temporary folder");

    let scenario =
        proversim::scenario::parse_in("headline.toml", &world(YEAR_EPOCHS), Path::new("."), &[])
            .expect("the headline world parses");
    let t = Instant::now();
    let r = run(&scenario, &mut NullRecorder, RunOptions::default()).expect("runs");
    let secs = t.elapsed().as_secs_f64();
    println!(
        "one year ({YEAR_EPOCHS} epochs), engine only: {} events in {secs:.3} s = {:.2} M events/s (target >= 5); {:.1} active provers on average",
        r.summary.engine_events,
        r.summary.engine_events as f64 / secs / 1e6,
        r.summary.active_provers.mean
    );

    let file = tmp.path().join("year.toml");
    std::fs::write(&file, world(YEAR_EPOCHS)).expect("writes the scenario");
    let mut best = f64::MAX;
    for _ in 0..3 {
        let t = Instant::now();
        let status = Command::new(env!("CARGO_BIN_EXE_proversim"))
            .args(["run", "--quiet", "--no-charts", "--out"])
            .arg(tmp.path().join("year-run"))
            .arg(&file)
            .status()
            .expect("the binary runs");
        assert!(status.success());
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "one year as a whole process with tables (`proversim run --no-charts`), best of 3: {best:.3} s (target <= 0.25)"
    );

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
