//! The native half of the `proversim` Python package: each function loads
//! its input with the library's own loaders, does the library's own work
//! into a folder the Python side gives it (the same files the command line
//! writes), and turns the library's errors into `proversim.ScenarioError`
//! or `proversim.TraceError`. No model logic lives here.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use proversim::api::{self, Checked, CompareSide, RunRequest, SettleFormat, Source};
use proversim::compare::CompareOptions;
use proversim::engine::EngineError;
use proversim::run::RunError;
use proversim::scenario::ScenarioError;
use proversim::sweep::SweepOptions;
use proversim::trace::{Place, TraceError};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// The name a scenario given as a dict has in messages.
const DICT_NAME: &str = "<dict>";

/// `proversim.ScenarioError` for the library's error: its message is the
/// command line's, and each problem is a dict.
fn scenario_error(py: Python<'_>, e: &ScenarioError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let problems = PyList::empty(py);
        for p in &e.problems {
            let d = PyDict::new(py);
            d.set_item("origin", p.origin.to_string())?;
            d.set_item("file", &p.origin.source)?;
            d.set_item("line", p.origin.place.map(|(l, _)| l))?;
            d.set_item("column", p.origin.place.map(|(_, c)| c))?;
            d.set_item("key", (!p.key.is_empty()).then_some(&p.key))?;
            d.set_item("message", &p.message)?;
            problems.append(d)?;
        }
        let class = py.import("proversim.errors")?.getattr("ScenarioError")?;
        Ok(PyErr::from_value(class.call1((e.to_string(), problems))?))
    };
    build().unwrap_or_else(|err| err)
}

/// `proversim.TraceError` for the library's error: the file, the line and
/// column of a syntax error, the event (from 1) and its slot, and the key.
fn trace_error(py: Python<'_>, e: &TraceError) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let (line, column) = match e.place {
            Place::Line { line, column } => (Some(line), Some(column)),
            _ => (None, None),
        };
        let (event, slot) = match e.place {
            Place::Event { index, slot } => (Some(index), slot),
            Place::Slot(slot) => (None, Some(slot)),
            _ => (None, None),
        };
        let class = py.import("proversim.errors")?.getattr("TraceError")?;
        let err = class.call1((
            e.to_string(),
            &e.file,
            line,
            column,
            e.key.clone(),
            event,
            slot,
        ))?;
        Ok(PyErr::from_value(err))
    };
    build().unwrap_or_else(|err| err)
}

/// A run that failed: `proversim.ScenarioError` with the key when the
/// scenario cannot be simulated, `RuntimeError` otherwise.
fn run_error(py: Python<'_>, file: &str, e: &RunError) -> PyErr {
    match e {
        RunError::Engine(EngineError::Scenario { key, message }) => {
            let problem = proversim::scenario::Problem {
                origin: file.into(),
                key: key.clone().unwrap_or_default(),
                message: message.clone(),
            };
            scenario_error(
                py,
                &ScenarioError {
                    problems: vec![problem],
                },
            )
        }
        other => PyRuntimeError::new_err(other.to_string()),
    }
}

/// Work's progress as the library reports it, read by the Python thread.
#[derive(Default)]
struct Progress {
    done: AtomicU64,
    total: AtomicU64,
}

impl Progress {
    fn set(&self, done: u64, total: u64) {
        self.total.store(total, Ordering::Relaxed);
        self.done.store(done, Ordering::Relaxed);
    }
}

/// Runs `work` on a thread of its own while this thread, without holding
/// the GIL between checks, reports its progress to `callback(done, total)`
/// and watches for Ctrl-C: on an interrupt it asks the library to stop,
/// waits for it and raises `KeyboardInterrupt`.
fn drive<T: Send>(
    py: Python<'_>,
    callback: Option<Py<PyAny>>,
    work: impl FnOnce(&Progress) -> T + Send,
) -> PyResult<T> {
    proversim::interrupt::clear();
    let progress = Progress::default();
    std::thread::scope(|s| {
        let handle = s.spawn(|| work(&progress));
        let mut shown = (u64::MAX, u64::MAX);
        let mut interrupted = None;
        loop {
            let finished = handle.is_finished();
            let now = (
                progress.done.load(Ordering::Relaxed),
                progress.total.load(Ordering::Relaxed),
            );
            if let Some(cb) = &callback
                && now != shown
                && now.1 > 0
            {
                shown = now;
                cb.call1(py, now)?;
            }
            if finished {
                break;
            }
            if interrupted.is_none()
                && let Err(e) = py.check_signals()
            {
                proversim::interrupt::request();
                interrupted = Some(e);
            }
            py.detach(|| std::thread::sleep(Duration::from_millis(20)));
        }
        let out = handle
            .join()
            .map_err(|_| PyRuntimeError::new_err("the simulation thread panicked"))?;
        match interrupted {
            Some(e) => Err(e),
            None => Ok(out),
        }
    })
}

/// Where a scenario or sweep comes from: a file, or TOML text whose
/// `base` and files are relative to `dir`.
fn source<'a>(path: Option<&'a str>, text: Option<&'a str>, dir: &'a str) -> Source<'a> {
    match path {
        Some(p) => Source::File(Path::new(p)),
        None => Source::Text {
            name: DICT_NAME,
            text: text.unwrap_or(""),
            dir: Path::new(dir),
        },
    }
}

/// The TOML text of a document given as JSON (a dict from Python).
#[pyfunction]
fn dict_to_toml(json: &str) -> PyResult<String> {
    let value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let toml_value: toml::Value = serde_json::from_value(value)
        .map_err(|e| PyValueError::new_err(format!("not a TOML document: {e}")))?;
    match toml_value {
        toml::Value::Table(t) => {
            toml::to_string(&t).map_err(|e| PyValueError::new_err(e.to_string()))
        }
        _ => Err(PyValueError::new_err("a scenario is a dict of keys")),
    }
}

/// Runs a scenario into `out` (its tables and `summary.json`, as
/// `proversim run` writes them); returns the summary's JSON and the
/// replay trace's text when asked.
#[pyfunction]
#[pyo3(signature = (path, text, dir, seed, set, trace, out, progress=None))]
#[allow(clippy::too_many_arguments)]
fn run(
    py: Python<'_>,
    path: Option<&str>,
    text: Option<&str>,
    dir: &str,
    seed: Option<u64>,
    set: Vec<String>,
    trace: bool,
    out: &str,
    progress: Option<Py<PyAny>>,
) -> PyResult<(String, Option<String>)> {
    let scenario = api::load_scenario(source(path, text, dir), &set, seed)
        .map_err(|e| scenario_error(py, &e))?;
    let out = PathBuf::from(out);
    let trace_path = trace.then(|| out.join("trace.toml"));
    let epochs = scenario.epochs;
    let result = drive(py, progress, |p| {
        let mut tick = |e: u64| p.set(e, epochs);
        let request = RunRequest {
            out: &out,
            csv: false,
            trace: trace_path.as_deref(),
            charts: false,
        };
        api::run(&scenario, &request, Some(&mut tick))
    })?;
    let result = result.map_err(|e| run_error(py, path.unwrap_or(DICT_NAME), &e))?;
    let summary = serde_json::to_string_pretty(&result.summary)
        .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
    Ok((summary, result.trace))
}

/// Runs a sweep file (or TOML text) into `out`; returns (runs, ran,
/// failed). `out/sweep.parquet` holds its table.
#[pyfunction]
#[pyo3(signature = (path, text, dir, set, threads, out, progress=None))]
#[allow(clippy::too_many_arguments)]
fn sweep(
    py: Python<'_>,
    path: Option<&str>,
    text: Option<&str>,
    dir: &str,
    set: Vec<String>,
    threads: usize,
    out: &str,
    progress: Option<Py<PyAny>>,
) -> PyResult<(u64, u64, u64)> {
    let sweep =
        api::load_sweep_with(source(path, text, dir), &set).map_err(|e| scenario_error(py, &e))?;
    let result = drive(py, progress, |p| {
        let tick = |done: u64, total: u64, _failed: u64| p.set(done, total);
        let options = SweepOptions {
            progress: Some(&tick),
            ..SweepOptions::new(out, threads)
        };
        api::sweep(&sweep, &options, false)
    })?;
    let r = result.map_err(PyRuntimeError::new_err)?;
    Ok((r.runs, r.ran, r.failed))
}

/// Compares two scenarios on the same seeds into `out`
/// (`compare.parquet`, `compare.json`, charts and report, as
/// `proversim compare` writes them).
#[pyfunction]
#[pyo3(signature = (a, b, dir, replicates, seed, set, set_a, set_b, threads, out, progress=None))]
#[allow(clippy::too_many_arguments)]
fn compare(
    py: Python<'_>,
    a: (Option<String>, Option<String>),
    b: (Option<String>, Option<String>),
    dir: &str,
    replicates: u32,
    seed: Option<u64>,
    set: Vec<String>,
    set_a: Vec<String>,
    set_b: Vec<String>,
    threads: usize,
    out: &str,
    progress: Option<Py<PyAny>>,
) -> PyResult<()> {
    let ((path_a, text_a), (path_b, text_b)) = (a, b);
    let pair = api::load_pair(
        &CompareSide {
            source: source(path_a.as_deref(), text_a.as_deref(), dir),
            overrides: &set_a,
        },
        &CompareSide {
            source: source(path_b.as_deref(), text_b.as_deref(), dir),
            overrides: &set_b,
        },
        &set,
    )
    .map_err(|errors| scenario_error(py, &errors[0]))?;
    let file = |p: Option<String>| p.unwrap_or(DICT_NAME.into());
    let files = (file(path_a), file(path_b));
    let result = drive(py, progress, |p| {
        let tick = |done: u64, total: u64, _failed: u64| p.set(done, total);
        let options = CompareOptions {
            replicates,
            seed,
            threads,
            progress: Some(&tick),
        };
        api::compare(
            pair,
            files,
            &options,
            Path::new(out),
            "proversim.compare(...)",
        )
    })?;
    result.map(|_| ()).map_err(PyRuntimeError::new_err)
}

/// Settles a trace (a file, or TOML text); returns the `settle` command's
/// JSON.
#[pyfunction]
#[pyo3(signature = (path, text))]
fn settle(py: Python<'_>, path: Option<&str>, text: Option<&str>) -> PyResult<String> {
    let source = match path {
        Some(p) => Source::File(Path::new(p)),
        None => Source::Text {
            name: "<text>",
            text: text.unwrap_or(""),
            dir: Path::new("."),
        },
    };
    api::settle(source, SettleFormat::Json).map_err(|e| trace_error(py, &e))
}

/// Checks a scenario or sweep (a file, or TOML text); raises
/// `ScenarioError` listing every problem. Returns how many scenarios it
/// checked (a sweep's cells).
#[pyfunction]
#[pyo3(signature = (path, text, dir, set))]
fn validate(
    py: Python<'_>,
    path: Option<&str>,
    text: Option<&str>,
    dir: &str,
    set: Vec<String>,
) -> PyResult<u64> {
    let (sweep, invalid) = match api::validate(source(path, text, dir), &set) {
        Ok(Checked::Scenario(_)) => return Ok(1),
        Ok(Checked::Sweep { sweep, invalid }) => (sweep, invalid),
        Err(e) => return Err(scenario_error(py, &e)),
    };
    if let Some((cell, why)) = invalid.first() {
        let e = ScenarioError {
            problems: vec![proversim::scenario::Problem {
                origin: path.unwrap_or(DICT_NAME).into(),
                key: String::new(),
                message: format!(
                    "cell {cell} ({}) is a combination the model rejects: {why} ({} such cells)",
                    sweep.layout.describe(*cell),
                    invalid.len()
                ),
            }],
        };
        return Err(scenario_error(py, &e));
    }
    Ok(sweep.cells())
}

/// A booster's figures and chart lines, as JSON, from a scenario's
/// `[booster]` table given as TOML text; a bad constant raises
/// `ValueError` naming its key.
#[pyfunction]
fn booster(text: &str) -> PyResult<String> {
    api::booster_lines(text)
        .map(|v| v.to_string())
        .map_err(|e| match e {
            api::BoosterFailure::Key { key, message } if key.is_empty() => {
                PyValueError::new_err(format!("booster: {message}"))
            }
            api::BoosterFailure::Key { key, message } => {
                PyValueError::new_err(format!("booster.{key}: {message}"))
            }
            api::BoosterFailure::Scenario(e) => PyValueError::new_err(e.to_string()),
        })
}

/// The `p` quantile of Student's t with `df` degrees of freedom (the
/// library's own, as its intervals use).
#[pyfunction]
#[pyo3(signature = (df, p=0.975))]
fn t_quantile(df: u64, p: f64) -> PyResult<f64> {
    if df == 0 || !(0.0 < p && p < 1.0) {
        return Err(PyValueError::new_err(format!(
            "expected df >= 1 and 0 < p < 1, found df={df}, p={p}"
        )));
    }
    Ok(proversim::stats::interval::t_quantile(df as usize, p))
}

/// The native module.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(dict_to_toml, m)?)?;
    m.add_function(wrap_pyfunction!(run, m)?)?;
    m.add_function(wrap_pyfunction!(sweep, m)?)?;
    m.add_function(wrap_pyfunction!(compare, m)?)?;
    m.add_function(wrap_pyfunction!(settle, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(booster, m)?)?;
    m.add_function(wrap_pyfunction!(t_quantile, m)?)?;
    Ok(())
}
