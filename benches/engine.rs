//! Simulates one year of the baseline (about 13,700 epochs at 1 TPS with 20
//! provers) and prints wall time, engine events per second and peak memory;
//! then the baseline as shipped (its distributor runs dry after about 6,250
//! epochs and provers leave and re-enter) at 16k, 32k and 64k epochs, to
//! show that run time grows linearly with epochs; then ten years with every
//! table streamed to disk, for memory.
//!
//! `cargo bench --bench engine` (add `-- --quick` to skip the ten years,
//! `-- --linear` to run only the growth check).

use std::path::Path;
use std::time::Instant;

use proversim::cost::calibrate::peak_rss_mib;

use proversim::engine::RunOptions;
use proversim::metrics::NullRecorder;
use proversim::simulate as run;

/// Time per epoch of the shipped baseline at growing lengths.
fn linear_growth() {
    let s = proversim::scenario::load(Path::new("scenarios/baseline.toml"), &[])
        .expect("the baseline scenario loads");
    let mut per_epoch = Vec::new();
    for epochs in [16_000u64, 32_000, 64_000] {
        let s = proversim::scenario::Scenario {
            epochs,
            ..s.clone()
        };
        let t = Instant::now();
        let r = run(&s, &mut NullRecorder, RunOptions::default()).expect("runs");
        let secs = t.elapsed().as_secs_f64();
        let us = secs / epochs as f64 * 1e6;
        per_epoch.push(us);
        println!(
            "baseline as shipped, {epochs} epochs: {secs:.3} s = {us:.1} us per epoch; {} events; active provers at the end {}",
            r.summary.engine_events, r.summary.active_provers.last
        );
    }
    let (lo, hi) = per_epoch
        .iter()
        .fold((f64::MAX, 0.0f64), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    println!(
        "time per epoch from 16k to 64k epochs: max/min = {:.2} (linear growth: close to 1)",
        hi / lo
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    if std::env::args().any(|a| a == "--linear") {
        linear_growth();
        return;
    }
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
    linear_growth();
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
