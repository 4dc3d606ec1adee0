//! Paired experiments: two scenarios run on the same seeds (common random
//! numbers), so that their difference in any metric is measured against
//! the variation between seeds that the pairing removes, with a Student-t
//! interval on the mean of the paired differences.
//!
//! Replicate `r` of both scenarios runs with the seed
//! [`replicate_seed`]`(base, r)`: the seed replicate `r` has in every cell
//! of a sweep with paired seeds and the same base.

mod charts;
mod metrics;
mod observed;
mod report;
mod series;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::design::simulate as run;
use crate::engine::RunOptions;
use crate::schema::Scenario;
use crate::storage::tables::OutputError;
use crate::sweep::{Metrics, replicate_seed};

pub use metrics::{MetricDiff, by_effect_size, diffs};
pub use observed::{ObservedRow, observed};
pub use report::{summary_text, write_outputs};
pub use series::{EpochSeries, SeriesRecorder};

/// One side of a comparison.
#[derive(Clone, Debug)]
pub struct Side {
    /// The name outputs show (the scenario's name, made distinct).
    pub name: String,
    /// Where it came from, for the report's reproduce line.
    pub file: String,
    /// The scenario, before its replicate's seed.
    pub scenario: Scenario,
}

/// One run of a comparison.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Its seed.
    pub seed: u64,
    /// Its metrics, or why it failed.
    pub result: Result<Metrics, String>,
    /// Its per-epoch series (empty when it failed).
    pub series: Vec<EpochSeries>,
}

/// A finished comparison: both sides' runs, replicate by replicate.
#[derive(Clone, Debug)]
pub struct Comparison {
    /// Scenario A (the reference).
    pub a: Side,
    /// Scenario B (differences are B − A).
    pub b: Side,
    /// The base seed.
    pub base_seed: u64,
    /// Replicate `r`'s seed, shared by both sides.
    pub seeds: Vec<u64>,
    /// A's runs, by replicate.
    pub runs_a: Vec<Outcome>,
    /// B's runs, by replicate.
    pub runs_b: Vec<Outcome>,
}

/// How to run a comparison.
pub struct CompareOptions<'a> {
    /// Replicates (seeds) per side.
    pub replicates: u32,
    /// The base seed (default: A's seed).
    pub seed: Option<u64>,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Called after each run with (done, total, failed).
    pub progress: Option<&'a (dyn Fn(u64, u64, u64) + Sync)>,
}

/// Why a comparison could not be made.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    /// An output could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// The request itself is wrong.
    #[error("{0}")]
    Invalid(String),
}

/// Names for the two sides: their scenarios' names, or `NAME (A)` and
/// `NAME (B)` when those are the same.
pub fn side_names(a: &Scenario, b: &Scenario) -> (String, String) {
    if a.name == b.name {
        (format!("{} (A)", a.name), format!("{} (B)", b.name))
    } else {
        (a.name.clone(), b.name.clone())
    }
}

fn run_side(scenario: &Scenario, seed: u64) -> Outcome {
    let mut sc = scenario.clone();
    sc.seed = seed;
    let mut rec = SeriesRecorder::default();
    let result = run(&sc, &mut rec, RunOptions::default())
        .map(|r| Metrics::from(&r.summary))
        .map_err(|e| e.to_string());
    let series = if result.is_ok() {
        rec.epochs
    } else {
        Vec::new()
    };
    Outcome {
        seed,
        result,
        series,
    }
}

/// Runs `a` and `b` on the same seeds, in parallel.
pub fn compare(a: Side, b: Side, opts: &CompareOptions<'_>) -> Result<Comparison, CompareError> {
    if opts.replicates < 2 {
        return Err(CompareError::Invalid(format!(
            "--replicates must be at least 2 for an interval, found {}",
            opts.replicates
        )));
    }
    if opts.replicates > crate::sweep::spec::MAX_REPLICATES {
        return Err(CompareError::Invalid(format!(
            "--replicates must be at most {}, found {}",
            crate::sweep::spec::MAX_REPLICATES,
            opts.replicates
        )));
    }
    let base_seed = opts.seed.unwrap_or(a.scenario.seed);
    let seeds: Vec<u64> = (0..opts.replicates)
        .map(|r| replicate_seed(base_seed, r))
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| CompareError::Invalid(format!("cannot start worker threads: {e}")))?;
    let total = 2 * seeds.len() as u64;
    let done = AtomicU64::new(0);
    let failed = AtomicU64::new(0);
    let jobs: Vec<(bool, u64)> = seeds
        .iter()
        .flat_map(|&s| [(false, s), (true, s)])
        .collect();
    let outcomes: Vec<Outcome> = pool.install(|| {
        jobs.par_iter()
            .map(|&(is_b, seed)| {
                let o = run_side(if is_b { &b.scenario } else { &a.scenario }, seed);
                if o.result.is_err() {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
                let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(p) = opts.progress {
                    p(n, total, failed.load(Ordering::Relaxed));
                }
                o
            })
            .collect()
    });
    let (mut runs_a, mut runs_b) = (Vec::new(), Vec::new());
    for (o, (is_b, _)) in outcomes.into_iter().zip(&jobs) {
        if *is_b {
            runs_b.push(o);
        } else {
            runs_a.push(o);
        }
    }
    Ok(Comparison {
        a,
        b,
        base_seed,
        seeds,
        runs_a,
        runs_b,
    })
}

/// The default output folder: `outputs/compare-<a>-vs-<b>`.
pub fn default_out_dir(a: &Scenario, b: &Scenario) -> PathBuf {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    Path::new("outputs").join(format!("compare-{}-vs-{}", clean(&a.name), clean(&b.name)))
}
