//! The `run` command's work: simulate a scenario and write its outputs.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use comfy_table::{CellAlignment, Table, presets::UTF8_FULL_CONDENSED};

use crate::engine::{EngineError, RunOptions, RunResult};
use crate::metrics::Summary;
use crate::metrics::catalog::METRICS;
use crate::schema::Scenario;
use crate::storage::RunFiles;
use crate::storage::tables::{OutputError, write_atomic};

/// Why a run did not produce its outputs.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The simulation stopped.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// An output could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// Where a run writes by default: `outputs/<scenario name>`.
pub fn default_out_dir(scenario: &Scenario) -> PathBuf {
    Path::new("outputs").join(&scenario.name)
}

/// Simulates `scenario` and writes its tables and summary under `out` (and
/// a replay trace at `trace`, if given). Nothing is moved into place unless
/// the whole run succeeds; then the folder holds this run's outputs and
/// nothing else proversim wrote (an earlier run's CSV copies, charts and
/// report are removed; files proversim did not write stay). The
/// folder is locked while the run writes: a second writer fails at once.
/// A sweep's folder is refused.
pub fn run_to_dir(
    scenario: &Scenario,
    out: &Path,
    csv: bool,
    trace: Option<&Path>,
    progress: Option<&mut dyn FnMut(u64)>,
) -> Result<RunResult, RunError> {
    let _lock = crate::storage::lock::lock_folder(out)?;
    use crate::storage::kind::{FolderKind, refuse_other_kind};
    // Only what proversim wrote is replaced: a folder that holds no run
    // keeps the files it has.
    // A run stopped in the middle of its switch counts as an earlier run:
    // every file it may have left is replaced or removed.
    let earlier_run =
        refuse_other_kind(out, FolderKind::Run)? || crate::storage::commit::interrupted(out);
    crate::storage::tables::remove_leftovers(out);
    let mut files = RunFiles::create(out, csv)?;
    let result = crate::design::simulate(
        scenario,
        &mut files,
        RunOptions {
            trace: trace.is_some(),
            progress,
        },
    );
    let result = match result {
        Ok(r) => r,
        Err(e) => {
            files.abandon();
            return Err(e.into());
        }
    };
    let scenario_toml = toml::to_string(scenario).unwrap_or_default();
    files.finish_replacing(
        &result.summary,
        &[("scenario.toml", scenario_toml.as_bytes())],
        earlier_run,
    )?;
    if let (Some(path), Some(text)) = (trace, &result.trace) {
        write_atomic(path, text.as_bytes())?;
    }
    Ok(result)
}

/// A short summary for the terminal.
pub fn summary_text(s: &Summary, out: &Path) -> String {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec!["metric", "value"]);
    let pct = |x: f64| format!("{:.2}%", 100.0 * x);
    let mut rows: Vec<(String, String)> = vec![("epochs".into(), s.epochs.to_string())];
    for m in METRICS {
        let v = (m.of)(s);
        if v.is_none() || (m.quiet_when_zero && v == Some(0.0)) {
            continue;
        }
        rows.push((m.label.to_string(), m.show(v)));
    }
    let books = if s.books.balanced {
        "balanced"
    } else {
        "NOT BALANCED"
    };
    rows.push(("books".into(), books.into()));
    for (k, v) in rows {
        t.add_row(vec![k, v]);
    }
    if let Some(c) = t.column_mut(1) {
        c.set_cell_alignment(CellAlignment::Right);
    }
    let mut out_text = String::new();
    let _ = writeln!(out_text, "{t}");
    if !s.strategies.is_empty() {
        let mut st = Table::new();
        st.load_style(UTF8_FULL_CONDENSED);
        use crate::base::units::grouped;
        st.set_header(vec![
            "strategy",
            "provers",
            "reward share",
            "rewards",
            "costs",
            "profit",
            "accepted",
            "rejected",
        ]);
        for (name, x) in &s.strategies {
            st.add_row(vec![
                name.clone(),
                x.provers.to_string(),
                pct(x.reward_share),
                grouped(x.rewards, 1),
                grouped(x.costs, 1),
                grouped(x.profit, 1),
                grouped(x.accepted as f64, 0),
                grouped(x.rejected as f64, 0),
            ]);
        }
        for i in 1..8 {
            if let Some(c) = st.column_mut(i) {
                c.set_cell_alignment(CellAlignment::Right);
            }
        }
        let _ = writeln!(out_text, "{st}");
    }
    let _ = writeln!(
        out_text,
        "outputs: {}/{{epochs,provers,submissions,events,bridging,agents}}.parquet, summary.json",
        out.display()
    );
    out_text
}
