//! A 100-cell sweep of the baseline world (10 × 10 booster constants, one
//! replicate of 300 epochs each) with 1 and then 2 threads: cells per
//! second, the speed-up, peak memory, and what keeping every summary
//! field costs a run.
//!
//! `cargo bench --bench sweep`

use std::path::Path;
use std::time::Instant;

use proversim::cost::calibrate::peak_rss_mib;

use proversim::sweep::{SweepOptions, parse, run_sweep};

const SWEEP: &str = r#"
epochs = 300

[sweep]
base = "baseline.toml"
replicates = 1
seed = 5

[[sweep.parameter]]
key = "booster.increment"
start = 50000
stop = 500000
count = 10

[[sweep.parameter]]
key = "booster.decay_per_epoch"
start = 20000
stop = 200000
count = 10
"#;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let sweep = parse("bench-sweep.toml", SWEEP, &dir).expect("the bench sweep parses");
    assert_eq!(sweep.cells(), 100);
    let t = Instant::now();
    let invalid = proversim::sweep::invalid_cells(&sweep, None);
    println!(
        "checking the 100 cells' scenarios: {:.1} ms ({} invalid)",
        t.elapsed().as_secs_f64() * 1e3,
        invalid.len()
    );
    let tmp = std::env::temp_dir().join("proversim-bench-sweep");
    let mut rates = Vec::new();
    for threads in [1, 2] {
        let out = tmp.join(format!("t{threads}"));
        let _ = std::fs::remove_dir_all(&out);
        let t = Instant::now();
        let r = run_sweep(&sweep, &SweepOptions::new(&out, threads)).expect("the sweep runs");
        let secs = t.elapsed().as_secs_f64();
        let rate = r.runs as f64 / secs;
        rates.push(rate);
        println!(
            "{threads} thread(s): {} cells in {secs:.2} s = {rate:.1} cells/s; peak RSS so far {:.1} MB",
            r.runs,
            peak_rss_mib()
        );
    }
    println!("speed-up with 2 threads: {:.2}x", rates[1] / rates[0]);
    // What keeping every summary field costs a run: one run of a cell
    // against flattening its summary into the sweep's metrics.
    let mut sc = sweep.scenario(0).expect("cell 0");
    sc.seed = sweep.seed_of(0, 0);
    let t = Instant::now();
    let r = proversim::simulate(
        &sc,
        &mut proversim::metrics::NullRecorder,
        Default::default(),
    )
    .expect("the run");
    let run_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let reps = 1000;
    let mut fields = 0;
    for _ in 0..reps {
        fields = proversim::sweep::Metrics::from(&r.summary).0.len();
    }
    let flat_s = t.elapsed().as_secs_f64() / reps as f64;
    println!(
        "every metric ({fields} fields) per run: {:.1} us, {:.2}% of a run's {:.1} ms",
        flat_s * 1e6,
        100.0 * flat_s / run_s,
        run_s * 1e3
    );
    let a = std::fs::read(tmp.join("t1/sweep.parquet")).expect("written");
    let b = std::fs::read(tmp.join("t2/sweep.parquet")).expect("written");
    println!("1-thread and 2-thread tables identical: {}", a == b);
    let _ = std::fs::remove_dir_all(&tmp);
}
