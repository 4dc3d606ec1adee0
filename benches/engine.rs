//! Simulates one year of the baseline (about 13,700 epochs at 1 TPS with 20
//! provers) and prints wall time, engine events per second and peak memory;
//! then ten years with every table streamed to disk, for memory.
//!
//! `cargo bench --bench engine` (add `-- --quick` to skip the ten years).

use std::path::Path;
use std::time::Instant;

use proversim::cost::calibrate::peak_rss_mib;

use proversim::engine::{RunOptions, run};
use proversim::metrics::NullRecorder;

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let mut s = proversim::scenario::load(Path::new("scenarios/baseline.toml"), &[])
        .expect("the baseline scenario loads");
    let year_epochs = 365 * 24 * 3600 / (s.chain.slot_duration * s.chain.epoch_duration);
    s.epochs = year_epochs;
    // Governance keeps the distributor funded: the deployed balance alone
    // runs dry after about 6,250 epochs, and then provers leave.
    s.rewards.distributor_funding = u128::MAX / 4;
    for round in 0..3 {
        let t = Instant::now();
        let r = run(&s, &mut NullRecorder, RunOptions::default()).expect("runs");
        let secs = t.elapsed().as_secs_f64();
        println!(
            "one year, engine only (round {round}): {} epochs, {} events in {secs:.3} s = {:.2} M events/s; liveness {:.4}",
            year_epochs,
            r.summary.engine_events,
            r.summary.engine_events as f64 / secs / 1e6,
            r.summary.liveness
        );
    }
    let tmp = std::env::temp_dir().join("proversim-bench-engine");
    let t = Instant::now();
    let r = proversim::run::run_to_dir(&s, &tmp, false, None, None).expect("runs");
    let secs = t.elapsed().as_secs_f64();
    println!(
        "one year with tables: {secs:.3} s = {:.2} M events/s; peak RSS so far {:.1} MB",
        r.summary.engine_events as f64 / secs / 1e6,
        peak_rss_mib()
    );
    if !quick {
        s.epochs = 10 * year_epochs;
        let t = Instant::now();
        let r = proversim::run::run_to_dir(&s, &tmp, false, None, None).expect("runs");
        println!(
            "ten years with tables: {} epochs, {} events in {:.3} s; peak RSS {:.1} MB",
            s.epochs,
            r.summary.engine_events,
            t.elapsed().as_secs_f64(),
            peak_rss_mib()
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
