//! The library's front door: loading a scenario or a sweep, running,
//! sweeping, comparing, settling a trace and a booster's figures, each as
//! one call. The command line and the Python binding both stand on it, so
//! neither repeats the other's plumbing; each only presents the results
//! and the errors in its own way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::compare::{CompareOptions, Comparison, MetricDiff, Side, side_names};
use crate::engine::RunResult;
use crate::protocol::Booster;
use crate::run::RunError;
use crate::scenario::{BoosterSpec, Scenario, ScenarioError};
use crate::sweep::{Sweep, SweepOptions, SweepReport};
use crate::trace::{Trace, TraceError};

/// Where a scenario, a sweep or a trace comes from.
#[derive(Copy, Clone, Debug)]
pub enum Source<'a> {
    /// A file.
    File(&'a Path),
    /// TOML text, called `name` in messages, whose relative paths (a
    /// `base`, a calibration) are taken from `dir`.
    Text {
        /// Its name in messages.
        name: &'a str,
        /// The TOML.
        text: &'a str,
        /// The folder its relative paths start from.
        dir: &'a Path,
    },
}

impl Source<'_> {
    /// Whether it holds a sweep (a `[sweep]` table). A file that cannot be
    /// read is not one: loading it as a scenario reports why.
    pub fn is_sweep(&self) -> bool {
        let text = match self {
            Source::File(p) => {
                crate::base::files::read_text(p, crate::base::files::TEXT_LIMIT).unwrap_or_default()
            }
            Source::Text { text, .. } => text.to_string(),
        };
        text.parse::<toml::Table>()
            .is_ok_and(|t| t.contains_key("sweep"))
    }
}

/// Loads a scenario with `--set` overrides and, if given, another seed.
pub fn load_scenario(
    source: Source<'_>,
    overrides: &[String],
    seed: Option<u64>,
) -> Result<Scenario, ScenarioError> {
    let mut scenario = match source {
        Source::File(p) => crate::scenario::load(p, overrides),
        Source::Text { name, text, dir } => crate::scenario::parse_in(name, text, dir, overrides),
    }?;
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    Ok(scenario)
}

/// Loads a sweep.
pub fn load_sweep(source: Source<'_>) -> Result<Sweep, ScenarioError> {
    load_sweep_with(source, &[])
}

/// Loads a sweep with `key.path=value` overrides set on its base scenario
/// before the grid (checked as a scenario's are).
pub fn load_sweep_with(source: Source<'_>, overrides: &[String]) -> Result<Sweep, ScenarioError> {
    match source {
        Source::File(p) => crate::sweep::load_with(p, overrides),
        Source::Text { name, text, dir } => crate::sweep::parse_with(name, text, dir, overrides),
    }
}

/// Loads a trace for `settle`.
pub fn load_trace(source: Source<'_>) -> Result<Trace, TraceError> {
    match source {
        Source::File(p) => crate::trace::load(p),
        Source::Text { name, text, .. } => crate::trace::parse(name, text),
    }
}

/// What `validate` found in a file.
pub enum Checked {
    /// A scenario that loads.
    Scenario(Box<Scenario>),
    /// A sweep that loads, with the cells the model rejects (cell, why).
    Sweep {
        /// The sweep.
        sweep: Box<Sweep>,
        /// Its cells the model rejects, with why.
        invalid: Vec<(u64, String)>,
    },
}

/// Checks a scenario or a sweep (every cell of it) without running it.
pub fn validate(source: Source<'_>, overrides: &[String]) -> Result<Checked, ScenarioError> {
    if source.is_sweep() {
        let sweep = load_sweep_with(source, overrides)?;
        let invalid = crate::sweep::invalid_cells(&sweep, None);
        return Ok(Checked::Sweep {
            sweep: Box::new(sweep),
            invalid,
        });
    }
    load_scenario(source, overrides, None).map(|s| Checked::Scenario(Box::new(s)))
}

/// How to run a scenario into a folder.
pub struct RunRequest<'a> {
    /// The output folder.
    pub out: &'a Path,
    /// Also write every table as CSV.
    pub csv: bool,
    /// Also write a replay trace here.
    pub trace: Option<&'a Path>,
    /// Draw the charts into `<out>/charts/`.
    pub charts: bool,
}

/// Runs a scenario into a folder (its tables, summary and, when asked, its
/// trace and charts), reporting each epoch as it begins.
pub fn run(
    scenario: &Scenario,
    request: &RunRequest<'_>,
    progress: Option<&mut dyn FnMut(u64)>,
) -> Result<RunResult, RunError> {
    let result =
        crate::run::run_to_dir(scenario, request.out, request.csv, request.trace, progress)?;
    if request.charts {
        crate::output::charts::draw_run(request.out)?;
    }
    Ok(result)
}

/// Runs a sweep into its folder, and draws its charts when asked, unless
/// it is one shard of several (a shard's charts wait for the merge) or
/// every run failed.
pub fn sweep(
    sweep: &Sweep,
    options: &SweepOptions<'_>,
    charts: bool,
) -> Result<SweepReport, String> {
    let report = crate::sweep::run_sweep(sweep, options).map_err(|e| e.to_string())?;
    // A sweep whose every run failed has no metric to draw: its error rows
    // are the result, and the failures are reported as such.
    let drawable = report.failed < report.runs;
    if charts && drawable && options.shard.is_none() {
        crate::output::charts::draw_dir(&options.out, &[]).map_err(|e| e.to_string())?;
    }
    Ok(report)
}

/// One side of a comparison: where its scenario comes from and the
/// overrides that apply to it alone.
pub struct CompareSide<'a> {
    /// The scenario.
    pub source: Source<'a>,
    /// Overrides of this side only.
    pub overrides: &'a [String],
}

/// The two scenarios of a comparison, loaded, with the overrides of both
/// and of each side: every problem of both is reported.
pub fn load_pair(
    a: &CompareSide<'_>,
    b: &CompareSide<'_>,
    both: &[String],
) -> Result<(Scenario, Scenario), Vec<ScenarioError>> {
    let load = |side: &CompareSide<'_>| {
        let sets: Vec<String> = both.iter().chain(side.overrides).cloned().collect();
        load_scenario(side.source, &sets, None)
    };
    match (load(a), load(b)) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (ra, rb) => Err([ra.err(), rb.err()].into_iter().flatten().collect()),
    }
}

/// Compares two loaded scenarios on the same seeds and writes every output
/// into `out`; `command` is recorded in the report. Returns the comparison
/// and the metrics it found.
pub fn compare(
    (a, b): (Scenario, Scenario),
    (file_a, file_b): (String, String),
    options: &CompareOptions<'_>,
    out: &Path,
    command: &str,
) -> Result<(Comparison, BTreeMap<String, MetricDiff>), String> {
    let (name_a, name_b) = side_names(&a, &b);
    let c = crate::compare::compare(
        Side {
            name: name_a,
            file: file_a,
            scenario: a,
        },
        Side {
            name: name_b,
            file: file_b,
            scenario: b,
        },
        options,
    )
    .map_err(|e| e.to_string())?;
    let metrics = crate::compare::write_outputs(&c, out, command).map_err(|e| e.to_string())?;
    Ok((c, metrics))
}

/// The folder a comparison writes to by default.
pub fn compare_out_dir(a: &Scenario, b: &Scenario) -> PathBuf {
    crate::compare::default_out_dir(a, b)
}

/// How `settle` prints its results.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum SettleFormat {
    /// Tables for people.
    Table,
    /// One JSON object (docs/model.md section 11).
    Json,
}

/// Replays a trace through the exact rules: who earns what, as text.
pub fn settle(source: Source<'_>, format: SettleFormat) -> Result<String, TraceError> {
    let trace = load_trace(source)?;
    let replay = crate::trace::replay(&trace)?;
    let report = crate::trace::report::Report::new(&trace, &replay);
    Ok(match format {
        SettleFormat::Json => report.to_json(),
        SettleFormat::Table => report.to_table(),
    })
}

/// The booster a scenario configures (the deployed one without a scenario),
/// with `adjust` applied to its specification: the error names the key.
pub fn booster(
    scenario: Option<&Path>,
    adjust: impl FnOnce(&mut BoosterSpec),
) -> Result<Booster, BoosterFailure> {
    let mut spec = match scenario {
        Some(path) => {
            load_scenario(Source::File(path), &[], None)
                .map_err(BoosterFailure::Scenario)?
                .booster
        }
        None => BoosterSpec::default(),
    };
    adjust(&mut spec);
    booster_of(&spec)
}

/// The booster a specification describes: the error names the key.
fn booster_of(spec: &BoosterSpec) -> Result<Booster, BoosterFailure> {
    let config = spec
        .to_config()
        .map_err(|(key, message)| BoosterFailure::Key {
            key: key.to_string(),
            message,
        })?;
    Booster::new(config).map_err(|e| BoosterFailure::Key {
        key: e.key(&config.rule).to_string(),
        message: e.to_string(),
    })
}

/// A booster written as a scenario's `[booster]` table (TOML text; the
/// deployed booster where it sets nothing): its figures, and the lines of
/// the charts `booster --chart` draws, one row a point (`chart`, `series`,
/// `x`, `y`), computed by the protocol's own booster functions; and the
/// constants as run (defaults filled in).
pub fn booster_lines(table: &str) -> Result<serde_json::Value, BoosterFailure> {
    let de = toml::de::Deserializer::parse(table).map_err(|e| BoosterFailure::Key {
        key: String::new(),
        message: e.message().to_string(),
    })?;
    let spec: BoosterSpec = serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        BoosterFailure::Key {
            key: if key == "." { String::new() } else { key },
            message: e.into_inner().message().to_string(),
        }
    })?;
    let booster = booster_of(&spec)?;
    let figures = crate::figures::BoosterFigures::of(&booster);
    let mut rows = Vec::new();
    let charts = crate::output::booster_charts::booster_charts(&booster)
        .into_iter()
        .chain(crate::output::booster_charts::miss_cascade(&booster));
    for (stem, _, chart) in charts {
        if let crate::output::plot::Kind::Lines { series, .. } = chart.kind {
            for line in series {
                for (x, y) in line.points {
                    rows.push(serde_json::json!({
                        "chart": stem, "series": line.name, "x": x, "y": y,
                    }));
                }
            }
        }
    }
    let constants = match booster.config().rule {
        crate::protocol::Rule::Flat => serde_json::json!({ "rule": "flat" }),
        crate::protocol::Rule::Quadratic(q) => serde_json::json!({
            "rule": "quadratic", "increment": q.increment, "max_score": q.max_score,
            "a": q.a, "minimum": q.minimum, "k": q.k, "decay_per_epoch": q.decay_per_epoch,
        }),
        crate::protocol::Rule::Exponential(x) => serde_json::json!({
            "rule": "exponential", "max_streak": x.max_streak, "base": x.base,
            "growth_ppm": x.growth_ppm, "decay": x.decay.name(),
        }),
    };
    Ok(serde_json::json!({ "constants": constants, "figures": figures, "lines": rows }))
}

/// Why a booster could not be made.
#[derive(Debug)]
pub enum BoosterFailure {
    /// The scenario does not load.
    Scenario(ScenarioError),
    /// A constant is out of its bounds.
    Key {
        /// The booster key at fault.
        key: String,
        /// What is wrong.
        message: String,
    },
}
