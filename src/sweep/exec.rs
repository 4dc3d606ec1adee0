//! Running a sweep: runs in parallel on a rayon pool, each result appended
//! to a journal (`runs.jsonl`) the moment it is known, so that an
//! interrupted sweep resumes where it stopped; then the journal is turned
//! into `sweep.parquet`, row by row in run order, so the table is the same
//! whatever the number of threads, shards or interruptions.

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::design::simulate as run;
use crate::engine::RunOptions;
use crate::metrics::catalog::METRICS;
use crate::metrics::flat::flatten;
use crate::metrics::{NullRecorder, Summary};
use crate::schema::Mechanism;
use crate::storage::commit::Switch;
use crate::storage::saved::oerr;
use crate::storage::tables::{OutputError, write_atomic};

pub use super::assemble::assemble;
use super::spec::{Layout, Sweep};

/// The summary metrics a sweep keeps per run, by key: every metric of
/// [`METRICS`] (`None` where a run does not define it, and left out if it
/// is a figure of another design) and every other
/// numeric field of the summary under its dotted name, or the subset a
/// sweep names.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Metrics(pub BTreeMap<String, Option<f64>>);

impl From<&Summary> for Metrics {
    fn from(s: &Summary) -> Self {
        // A figure of another design than the one that ran is left out,
        // so that a sweep of one design has no column that is never set.
        let mut all: BTreeMap<String, Option<f64>> = METRICS
            .iter()
            .map(|m| (m, (m.of)(s)))
            .filter(|(m, v)| !(m.design_figure() && v.is_none()))
            .map(|(m, v)| (m.key.to_string(), v))
            .collect();
        all.extend(flatten(s).into_iter().map(|(k, v)| (k, Some(v))));
        Metrics(all)
    }
}

impl Metrics {
    /// The metrics of a run, or only those `names` lists.
    pub fn of(s: &Summary, names: Option<&[String]>) -> Metrics {
        let mut all = Metrics::from(s);
        if let Some(names) = names {
            all.0.retain(|k, _| names.contains(k));
            for n in names {
                all.0.entry(n.clone()).or_insert(None);
            }
        }
        all
    }

    /// The value of a metric, if the run has it.
    pub fn get(&self, key: &str) -> Option<f64> {
        self.0.get(key).copied().flatten()
    }
}

/// One run's line in the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunLine {
    /// The run's index: `cell * replicates + replicate`.
    pub run: u64,
    /// Its cell.
    pub cell: u64,
    /// Its replicate.
    pub replicate: u32,
    /// Its seed.
    pub seed: u64,
    /// Why it failed, if it did.
    pub error: Option<String>,
    /// Its metrics, if it ran.
    pub metrics: Option<Metrics>,
}

/// What a sweep folder holds besides the journal: enough to check that a
/// resume or a merge belongs to the same sweep.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The sweep file.
    pub file: String,
    /// The sweep's fingerprint.
    pub fingerprint: String,
    /// Cells.
    pub cells: u64,
    /// Replicates per cell.
    pub replicates: u32,
    /// Base seed.
    pub seed: u64,
    /// `(index, count)` when this folder holds one shard.
    pub shard: Option<(u64, u64)>,
    /// The swept keys, their values and the replicates.
    pub layout: Layout,
    /// The keys the sweep file sets on top of its base, `(key, value)`.
    #[serde(default)]
    pub overrides: Vec<(String, String)>,
    /// The design its cells simulate, by its name in scenario files.
    #[serde(default, deserialize_with = "mechanism_by_any_name")]
    pub mechanism: Mechanism,
}

/// A design by its name in scenario files, or as folders written before
/// the name was (`"BondedQuotes"`) spelt it.
fn mechanism_by_any_name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Mechanism, D::Error> {
    let name = String::deserialize(d)?;
    let snake = match name.as_str() {
        "Permissionless" => "permissionless",
        "BondedQuotes" => "bonded_quotes",
        other => other,
    };
    Mechanism::deserialize(serde::de::value::StrDeserializer::<D::Error>::new(snake))
}

impl Manifest {
    /// The manifest of a sweep folder (`sweep.json`).
    pub fn read(dir: &Path) -> Result<Manifest, OutputError> {
        let path = dir.join("sweep.json");
        crate::base::files::read_text(&path, crate::base::files::TEXT_LIMIT)
            .map_err(|e| oerr(&path, e))
            .and_then(|t| serde_json::from_str(&t).map_err(|e| oerr(&path, e)))
    }
}

pub use super::error::SweepError;
use super::error::io;

/// How to run a sweep.
pub struct SweepOptions<'a> {
    /// Output folder.
    pub out: PathBuf,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Run only cells with `cell % count == index`.
    pub shard: Option<(u64, u64)>,
    /// Continue a sweep found in `out`.
    pub resume: bool,
    /// Keep every run's tables under `out/runs/`.
    pub keep_runs: bool,
    /// Write every run's epochs to `out/epochs/cell=C/replicate=R/part.parquet`
    /// (a Hive-partitioned dataset polars and pyarrow read whole).
    pub epochs_table: bool,
    /// Called after each run with (done, total, failed).
    pub progress: Option<&'a (dyn Fn(u64, u64, u64) + Sync)>,
}

impl SweepOptions<'_> {
    /// Every run of the sweep into `out` on `threads` threads (0: one per
    /// core): a fresh folder, no per-run tables, no progress.
    pub fn new(out: impl Into<PathBuf>, threads: usize) -> Self {
        SweepOptions {
            out: out.into(),
            threads,
            shard: None,
            resume: false,
            keep_runs: false,
            epochs_table: false,
            progress: None,
        }
    }
}

/// What a sweep did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepReport {
    /// Runs in this sweep (or shard).
    pub runs: u64,
    /// Runs carried out now (the rest were done before a resume).
    pub ran: u64,
    /// Runs that failed (error rows), in all.
    pub failed: u64,
    /// Cells the model rejects, listed before running: (cell, reason).
    pub invalid_cells: Vec<(u64, String)>,
    /// A Sobol' design's indices: how many, and how many say little.
    pub sensitivity: super::sensitivity::Sensitivity,
}

/// The cells this sweep (or shard) runs.
fn my_cells(sweep: &Sweep, shard: Option<(u64, u64)>) -> impl Iterator<Item = u64> + '_ {
    (0..sweep.cells()).filter(move |c| shard.is_none_or(|(i, n)| c % n == i))
}

/// Cells whose scenario the model rejects, with the reason: found before
/// any run starts; they become error rows.
pub fn invalid_cells(sweep: &Sweep, shard: Option<(u64, u64)>) -> Vec<(u64, String)> {
    let cells: Vec<u64> = my_cells(sweep, shard).collect();
    cells
        .par_iter()
        .filter_map(|&c| sweep.scenario(c).err().map(|e| (c, e)))
        .collect()
}

/// Reads a journal: the runs done, and the journal cut back to its last
/// whole line (a run killed mid-write leaves half a line).
fn read_journal(path: &Path, runs: u64) -> Result<(Vec<bool>, u64), SweepError> {
    let mut done = vec![false; runs as usize];
    let mut failed = 0;
    let text = crate::base::files::read_text(path, crate::base::files::TRACE_LIMIT)
        .map_err(|e| io(path, e))?;
    let whole = text.rfind('\n').map_or(0, |i| i + 1);
    if whole < text.len() {
        let f = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| io(path, e))?;
        f.set_len(whole as u64).map_err(|e| io(path, e))?;
    }
    for line in text[..whole].lines() {
        // A line torn by a write that failed (a full disk) and joined to a
        // later one is no record: its runs are run again.
        let Ok(r) = serde_json::from_str::<RunLine>(line) else {
            continue;
        };
        if (r.run as usize) < done.len() && !done[r.run as usize] {
            done[r.run as usize] = true;
            failed += r.error.is_some() as u64;
        }
    }
    Ok((done, failed))
}

fn manifest_of(sweep: &Sweep, shard: Option<(u64, u64)>) -> Manifest {
    Manifest {
        file: sweep.file.clone(),
        fingerprint: sweep.fingerprint.clone(),
        cells: sweep.cells(),
        replicates: sweep.layout.replicates,
        seed: sweep.seed,
        shard,
        layout: sweep.layout.clone(),
        overrides: sweep.overrides.clone(),
        mechanism: sweep.mechanism,
    }
}

/// Runs a sweep (or one shard of it) into `opts.out`: `runs.jsonl` as runs
/// finish, then `sweep.parquet` and `sweep.json`.
pub fn run_sweep(sweep: &Sweep, opts: &SweepOptions<'_>) -> Result<SweepReport, SweepError> {
    let out = &opts.out;
    let _lock = crate::storage::lock::lock_folder(out)?;
    crate::storage::kind::refuse_other_kind(out, crate::storage::kind::FolderKind::Sweep)?;
    crate::storage::tables::remove_leftovers(out);
    let journal = out.join("runs.jsonl");
    let manifest_path = out.join("sweep.json");
    let manifest = manifest_of(sweep, opts.shard);
    let runs_total = sweep.runs();
    let (done, mut failed) = if journal.exists() {
        let old = Manifest::read(out).ok();
        if !opts.resume {
            return Err(SweepError::Folder(format!(
                "{} already holds a sweep; pass --resume to continue it, or choose another --out",
                out.display()
            )));
        }
        // The same sweep, whichever way its file's path is spelt
        // (`./sweep/x.toml` or `sweep/x.toml`): all but the path must agree.
        let same = old.is_some_and(|o| {
            o == Manifest {
                file: o.file.clone(),
                ..manifest.clone()
            }
        });
        if !same {
            return Err(SweepError::Folder(format!(
                "{} holds a different sweep (another file, parameters, seed or shard); it cannot be resumed with this one",
                out.display()
            )));
        }
        read_journal(&journal, runs_total)?
    } else {
        (vec![false; runs_total as usize], 0)
    };
    let json = serde_json::to_string_pretty(&manifest).expect("a manifest serializes") + "\n";
    write_atomic(&manifest_path, json.as_bytes())?;

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| SweepError::Folder(format!("cannot start worker threads: {e}")))?;
    let invalid = pool.install(|| invalid_cells(sweep, opts.shard));
    let todo: Vec<u64> = my_cells(sweep, opts.shard)
        .flat_map(|c| {
            let reps = sweep.layout.replicates as u64;
            (0..reps).map(move |r| c * reps + r)
        })
        .filter(|&r| !done[r as usize])
        .collect();
    let mine = my_cells(sweep, opts.shard).count() as u64 * sweep.layout.replicates as u64;
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&journal)
        .map_err(|e| io(&journal, e))?;
    let file = Mutex::new(file);
    let finished = AtomicU64::new(mine - todo.len() as u64);
    let failures = AtomicU64::new(failed);
    let write_error: Mutex<Option<SweepError>> = Mutex::new(None);
    pool.install(|| {
        todo.par_iter().for_each(|&run_index| {
            if crate::interrupt::requested() {
                return;
            }
            let line = run_one(sweep, run_index, opts);
            // A run cut short is not a result: it is run again on resume.
            if crate::interrupt::requested() {
                return;
            }
            if line.error.is_some() {
                failures.fetch_add(1, Ordering::Relaxed);
            }
            let text = serde_json::to_string(&line).expect("a run line serializes") + "\n";
            if let Err(e) = file
                .lock()
                .expect("the journal lock")
                .write_all(text.as_bytes())
            {
                write_error
                    .lock()
                    .expect("the error lock")
                    .get_or_insert(io(&journal, e));
            }
            let n = finished.fetch_add(1, Ordering::Relaxed) + 1;
            if let Some(p) = opts.progress {
                p(n, mine, failures.load(Ordering::Relaxed));
            }
        })
    });
    if let Some(e) = write_error.into_inner().expect("the error lock") {
        return Err(e);
    }
    if crate::interrupt::requested() {
        return Err(SweepError::Interrupted);
    }
    failed = failures.load(Ordering::Relaxed);
    // The table and its indices move into place together (a reader never
    // meets one sweep's table beside another's indices).
    let switch = Switch::begin(out, &finished_names())?;
    assemble(&sweep.layout, &[journal], &out.join("sweep.parquet"), false)?;
    let sensitivity = if opts.shard.is_none() {
        super::write_sensitivity(&sweep.layout, out)?
    } else {
        Default::default()
    };
    switch.end()?;
    Ok(SweepReport {
        runs: mine,
        ran: todo.len() as u64,
        failed,
        invalid_cells: invalid,
        sensitivity,
    })
}

/// Carries out one run of a sweep.
fn run_one(sweep: &Sweep, run_index: u64, opts: &SweepOptions<'_>) -> RunLine {
    let reps = sweep.layout.replicates as u64;
    let (cell, replicate) = (run_index / reps, (run_index % reps) as u32);
    let seed = sweep.seed_of(cell, replicate);
    let mut line = RunLine {
        run: run_index,
        cell,
        replicate,
        seed,
        error: None,
        metrics: None,
    };
    let mut scenario = match sweep.scenario(cell) {
        Ok(s) => s,
        Err(e) => {
            line.error = Some(e);
            return line;
        }
    };
    scenario.seed = seed;
    let result = if opts.epochs_table && !opts.keep_runs {
        let mut rec = EpochsOnly::default();
        run(&scenario, &mut rec, RunOptions::default())
            .map_err(|e| e.to_string())
            .and_then(|r| {
                write_epochs_part(&opts.out, cell, replicate, rec.rows)
                    .map(|_| r)
                    .map_err(|e| e.to_string())
            })
    } else if opts.keep_runs {
        let dir = opts
            .out
            .join("runs")
            .join(format!("cell-{cell:06}-rep-{replicate:03}"));
        crate::run::run_to_dir(&scenario, &dir, false, None, None)
            .map_err(|e| e.to_string())
            .and_then(|r| {
                if opts.epochs_table {
                    let part = epochs_part_dir(&opts.out, cell, replicate);
                    std::fs::create_dir_all(&part)
                        .and_then(|_| {
                            std::fs::copy(dir.join("epochs.parquet"), part.join("part.parquet"))
                        })
                        .map_err(|e| format!("{}: {e}", part.display()))?;
                }
                Ok(r)
            })
    } else {
        run(&scenario, &mut NullRecorder, RunOptions::default()).map_err(|e| e.to_string())
    };
    match result {
        Ok(r) => line.metrics = Some(Metrics::of(&r.summary, sweep.layout.metrics.as_deref())),
        Err(e) => line.error = Some(e),
    }
    line
}

/// Keeps the epoch rows of a run and nothing else.
#[derive(Default)]
struct EpochsOnly {
    rows: crate::metrics::rows::EpochColumns,
}

impl crate::metrics::Recorder for EpochsOnly {
    fn keeps_rows(&self) -> bool {
        false
    }
    fn epoch(&mut self, row: crate::metrics::EpochRow) {
        self.rows.push(row);
    }
    fn prover(&mut self, _: crate::metrics::ProverRow) {}
    fn submission(&mut self, _: crate::metrics::SubmissionRow) {}
    fn event(&mut self, _: crate::metrics::EventRow) {}
}

/// The folder of one run's part of the epochs dataset.
fn epochs_part_dir(out: &Path, cell: u64, replicate: u32) -> PathBuf {
    out.join("epochs")
        .join(format!("cell={cell}"))
        .join(format!("replicate={replicate}"))
}

/// Writes one run's epochs as a part of the sweep's epochs dataset.
fn write_epochs_part(
    out: &Path,
    cell: u64,
    replicate: u32,
    mut rows: crate::metrics::rows::EpochColumns,
) -> Result<(), OutputError> {
    let dir = epochs_part_dir(out, cell, replicate);
    std::fs::create_dir_all(&dir).map_err(|e| OutputError {
        path: dir.clone(),
        message: e.to_string(),
    })?;
    let frame = rows.take_frame().map_err(|e| OutputError {
        path: dir.clone(),
        message: e.to_string(),
    })?;
    let mut table = crate::storage::tables::TableFile::new(&dir, "part", false);
    table.write(frame)?;
    table.finish()?;
    table.commit()
}

/// Joins shard folders into one sweep folder: checks that they are shards
/// of the same sweep and all there, then writes `sweep.parquet` exactly as
/// the unsharded sweep would.
pub fn merge(
    shards: &[PathBuf],
    out: &Path,
) -> Result<(u64, super::sensitivity::Sensitivity), SweepError> {
    let mut seen = Vec::new();
    let mut count = None;
    let mut first: Option<Manifest> = None;
    for dir in shards {
        let m = Manifest::read(dir)?;
        if let Some(f) = &first
            && f.fingerprint != m.fingerprint
        {
            return Err(SweepError::Folder(format!(
                "{} is a shard of another sweep than {} (their fingerprints differ)",
                dir.display(),
                shards[0].display()
            )));
        }
        let (i, n) = m.shard.unwrap_or((0, 1));
        if count.is_some_and(|c| c != n) {
            return Err(SweepError::Folder(format!(
                "{} is shard {i}/{n}, but other shards split the sweep differently",
                dir.display()
            )));
        }
        count = Some(n);
        if seen.contains(&i) {
            return Err(SweepError::Folder(format!("shard {i}/{n} is given twice")));
        }
        seen.push(i);
        first.get_or_insert(m);
    }
    let Some(manifest) = first else {
        return Err(SweepError::Folder("no shard folders given".into()));
    };
    if let Some(n) = count
        && seen.len() as u64 != n
    {
        let missing: Vec<String> = (0..n)
            .filter(|i| !seen.contains(i))
            .map(|i| format!("{i}/{n}"))
            .collect();
        return Err(SweepError::Folder(format!(
            "missing shards: {}",
            missing.join(", ")
        )));
    }
    let _lock = crate::storage::lock::lock_folder(out)?;
    let journals: Vec<PathBuf> = shards.iter().map(|d| d.join("runs.jsonl")).collect();
    let switch = Switch::begin(out, &finished_names())?;
    let rows = assemble(
        &manifest.layout,
        &journals,
        &out.join("sweep.parquet"),
        true,
    )?;
    let sensitivity = super::write_sensitivity(&manifest.layout, out)?;
    let manifest = Manifest {
        shard: None,
        ..manifest
    };
    let json = serde_json::to_string_pretty(&manifest).expect("a manifest serializes") + "\n";
    write_atomic(&out.join("sweep.json"), json.as_bytes())?;
    switch.end()?;
    Ok((rows, sensitivity))
}

/// The files a finished sweep moves into place.
fn finished_names() -> Vec<String> {
    ["sweep.parquet", "sensitivity.parquet", "sweep.json"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Named {
        #[serde(deserialize_with = "mechanism_by_any_name")]
        mechanism: Mechanism,
    }

    fn read(text: &str) -> Result<Mechanism, serde_json::Error> {
        serde_json::from_str::<Named>(text).map(|n| n.mechanism)
    }

    #[test]
    fn a_manifest_names_its_design_as_scenarios_do_and_reads_older_names() {
        assert_eq!(
            read(r#"{"mechanism": "bonded_quotes"}"#).unwrap(),
            Mechanism::BondedQuotes
        );
        assert_eq!(
            read(r#"{"mechanism": "BondedQuotes"}"#).unwrap(),
            Mechanism::BondedQuotes
        );
        assert_eq!(
            read(r#"{"mechanism": "Permissionless"}"#).unwrap(),
            Mechanism::Permissionless
        );
        assert!(read(r#"{"mechanism": "lottery"}"#).is_err());
        assert_eq!(
            read(r#"{"mechanism": "auction"}"#).unwrap(),
            Mechanism::Auction
        );
        let json = serde_json::to_string(&Mechanism::BondedQuotes).unwrap();
        assert_eq!(json, r#""bonded_quotes""#);
    }
}
