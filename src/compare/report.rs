//! A comparison's outputs: `compare.parquet` (one row per scenario and
//! replicate), `epochs.parquet` (the per-epoch series of every run),
//! `compare.json` (paired intervals per metric, the seeds, the scenario
//! differences), the overlaid charts, `report.md` and `report.html`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use polars::prelude::*;
use serde::Serialize;

use super::charts::draw_charts;
use super::metrics::{MetricDiff, by_effect_size, diffs, metric_names};
use super::{Comparison, Outcome};
use crate::metrics::catalog::METRICS;
use crate::output::markdown::{Table, charts_section, code};
use crate::output::plot::{Drawn, format_value};
use crate::output::report::differences;
use crate::stats::interval::FEW_REPLICATES;
use crate::storage::tables::{OutputError, TableFile, write_atomic};

pub(super) fn oerr(path: &Path, e: impl std::fmt::Display) -> OutputError {
    OutputError {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

#[derive(Serialize)]
struct Difference {
    key: String,
    a: String,
    b: String,
}

#[derive(Serialize)]
struct CompareJson<'a> {
    a: &'a str,
    b: &'a str,
    a_file: &'a str,
    b_file: &'a str,
    replicates: usize,
    base_seed: u64,
    seeds: &'a [u64],
    failed_runs: usize,
    /// How the tests are adjusted for the number of metrics.
    adjustment: &'static str,
    metrics: &'a BTreeMap<String, MetricDiff>,
    /// Metric names by the size of their effect, largest first.
    by_effect_size: Vec<&'a str>,
    differences: Vec<Difference>,
    /// The scenarios' observations beside each side's simulated mean
    /// (absent when they observe nothing).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    observed: &'a [super::ObservedRow],
}

fn write_runs_table(c: &Comparison, names: &[String], dir: &Path) -> Result<(), OutputError> {
    let rows: Vec<(&str, usize, &Outcome)> = c
        .runs_a
        .iter()
        .enumerate()
        .map(|(r, o)| (c.a.name.as_str(), r, o))
        .chain(
            c.runs_b
                .iter()
                .enumerate()
                .map(|(r, o)| (c.b.name.as_str(), r, o)),
        )
        .collect();
    let path = dir.join("compare.parquet");
    let mut cols = vec![
        Column::new(
            "scenario".into(),
            rows.iter().map(|r| r.0.to_string()).collect::<Vec<_>>(),
        ),
        Column::new(
            "replicate".into(),
            rows.iter().map(|r| r.1 as u32).collect::<Vec<_>>(),
        ),
        Column::new(
            "seed".into(),
            rows.iter().map(|r| r.2.seed).collect::<Vec<_>>(),
        ),
        Column::new(
            "status".into(),
            rows.iter()
                .map(|r| if r.2.result.is_ok() { "ok" } else { "error" })
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "error".into(),
            rows.iter()
                .map(|r| r.2.result.as_ref().err().cloned().unwrap_or_default())
                .collect::<Vec<_>>(),
        ),
    ];
    for n in names {
        let v: Vec<Option<f64>> = rows
            .iter()
            .map(|r| r.2.result.as_ref().ok().and_then(|m| m.get(n)))
            .collect();
        cols.push(Column::new(n.as_str().into(), v));
    }
    let df = DataFrame::new_infer_height(cols).map_err(|e| oerr(&path, e))?;
    let mut t = TableFile::new(dir, "compare", false);
    t.write(df)?;
    t.finish()?;
    t.commit()
}

fn write_epochs_table(c: &Comparison, dir: &Path) -> Result<(), OutputError> {
    let path = dir.join("epochs.parquet");
    let (mut sc, mut rep, mut ep, mut act, mut live, mut pool, mut paid, mut lat) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
    );
    for (name, runs) in [(&c.a.name, &c.runs_a), (&c.b.name, &c.runs_b)] {
        for (r, o) in runs.iter().enumerate() {
            for e in &o.series {
                sc.push(name.clone());
                rep.push(r as u32);
                ep.push(e.epoch);
                act.push(e.active_provers);
                live.push(e.liveness);
                pool.push(e.pool);
                paid.push(e.provers_paid);
                lat.push(e.full_proof_latency_s);
            }
        }
    }
    let df = DataFrame::new_infer_height(vec![
        Column::new("scenario".into(), sc),
        Column::new("replicate".into(), rep),
        Column::new("epoch".into(), ep),
        Column::new("active_provers".into(), act),
        Column::new("liveness".into(), live),
        Column::new("pool".into(), pool),
        Column::new("provers_paid".into(), paid),
        Column::new("full_proof_latency_s".into(), lat),
    ])
    .map_err(|e| oerr(&path, e))?;
    let mut t = TableFile::new(dir, "epochs", false);
    t.write(df)?;
    t.finish()?;
    t.commit()
}

fn show(metric: &str, v: f64) -> String {
    match METRICS.iter().find(|m| m.key == metric) {
        Some(m) => m.show(Some(v)),
        // The books are in smallest units.
        None if metric.starts_with("books.") => format!(
            "{} tokens",
            format_value(v / crate::base::units::UNITS_PER_TOKEN)
        ),
        None => format_value(v),
    }
}

fn label(metric: &str) -> String {
    METRICS
        .iter()
        .find(|m| m.key == metric)
        .map_or(format!("`{metric}`"), |m| m.heading())
}

fn metric_row(t: &mut Table, name: &str, d: &MetricDiff) {
    let verdict = match (d.differs(), d.pairs_needed) {
        (true, _) => "yes".to_string(),
        (false, Some(n)) => format!("no (~{n} pairs)"),
        (false, None) => "no".to_string(),
    };
    t.row([
        label(name),
        show(name, d.a_mean),
        show(name, d.b_mean),
        format_value(d.diff_mean),
        format!(
            "[{}, {}]",
            format_value(d.diff_ci_low),
            format_value(d.diff_ci_high)
        ),
        d.p_holm.map_or("–".to_string(), format_p),
        verdict,
    ]);
}

/// A p-value as a reader takes it in: small ones as a bound.
fn format_p(p: f64) -> String {
    if p < 0.001 {
        "<0.001".to_string()
    } else {
        format!("{p:.3}")
    }
}

/// Each prover group's share, epochs proved, mean score and profit, with
/// their paired intervals: what the change does to each kind of prover.
fn groups_section(o: &mut String, metrics: &BTreeMap<String, MetricDiff>, header: [&str; 7]) {
    let rows: Vec<(&String, &MetricDiff)> = metrics
        .iter()
        .filter(|(k, _)| {
            k.starts_with("groups.")
                && ["reward_share", "epochs_proved", "mean_score", "profit"]
                    .iter()
                    .any(|f| k.ends_with(&format!(".{f}")))
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(o, "\n### Per prover group\n");
    let mut t = Table::new(header);
    for (k, d) in rows {
        metric_row(&mut t, k, d);
    }
    o.push_str(&t.finish());
}

fn report_md(
    c: &Comparison,
    metrics: &BTreeMap<String, MetricDiff>,
    diff: &[(String, String, String)],
    drawn: &[Drawn],
    observed: &[super::ObservedRow],
    command: &str,
) -> String {
    let n = c.seeds.len();
    let failed = c
        .runs_a
        .iter()
        .chain(&c.runs_b)
        .filter(|o| o.result.is_err())
        .count();
    let mut o = String::new();
    let _ = writeln!(o, "# {} against {}\n", c.b.name, c.a.name);
    let _ = writeln!(
        o,
        "{n} replicates of each scenario on the same seeds (common random numbers); every difference is B − A = {} − {}, with a paired Student-t 95% interval.\n",
        c.b.name, c.a.name
    );
    if n < FEW_REPLICATES {
        let _ = writeln!(
            o,
            "> **Warning:** only {n} replicates; intervals this wide say little. Use at least {FEW_REPLICATES}.\n"
        );
    }
    if failed > 0 {
        let _ = writeln!(
            o,
            "> **Warning:** {failed} runs failed (see `compare.parquet`); their pairs count in no interval.\n"
        );
    }
    let _ = writeln!(o, "## Reproduce\n");
    let _ = writeln!(o, "- {}", crate::output::provenance::provenance());
    let _ = writeln!(o, "- `{command}`");
    let shown: Vec<String> = c.seeds.iter().take(8).map(|s| s.to_string()).collect();
    let _ = writeln!(
        o,
        "- base seed {}; replicate seeds {}{} (the seeds replicates 0, 1, ... have in a sweep with paired seeds and this base)\n",
        c.base_seed,
        shown.join(", "),
        if n > 8 { ", ..." } else { "" }
    );
    let _ = writeln!(o, "## What differs\n");
    if diff.is_empty() {
        let _ = writeln!(o, "The two scenarios are the same but for their names.\n");
    } else {
        let mut t = Table::new(["key", &c.a.name, &c.b.name]);
        for (k, a, b) in diff {
            t.row([code(k), a.clone(), b.clone()]);
        }
        o.push_str(&t.finish());
        o.push('\n');
    }
    let _ = writeln!(o, "## Results\n");
    let header = [
        "metric",
        &c.a.name,
        &c.b.name,
        "B − A",
        "95% interval",
        "p (Holm)",
        "differs",
    ];
    let mut t = Table::new(header);
    for m in METRICS {
        if let Some(d) = metrics.get(m.key) {
            metric_row(&mut t, m.key, d);
        }
    }
    o.push_str(&t.finish());
    groups_section(&mut o, metrics, header);
    o.push_str(&super::observed::section(c, observed));
    let others: Vec<(&str, &MetricDiff)> = by_effect_size(metrics)
        .into_iter()
        .filter(|k| !METRICS.iter().any(|m| m.key == *k))
        .map(|k| (k, &metrics[k]))
        .collect();
    if !others.is_empty() {
        let _ = writeln!(
            o,
            "\n<details><summary>Every other metric ({}), largest effect first</summary>\n",
            others.len()
        );
        let mut t = Table::new(header);
        for (k, d) in others {
            metric_row(&mut t, k, d);
        }
        o.push_str(&t.finish());
        let _ = writeln!(o, "\n</details>");
    }
    let _ = writeln!(
        o,
        "\n\"differs\": the paired t-test's p-value, adjusted by Holm's method over all {} metrics of this comparison (so that the chance of any false \"yes\" in the whole report is at most 5%), is below 0.05. Where a metric does not differ, \"~N pairs\" is how many replicates a test would need to detect the effect seen here with 80% power. Tables: `compare.parquet` (every metric of every run), `epochs.parquet` (per-epoch series), `compare.json` (these intervals and tests).",
        metrics.len()
    );
    charts_section(&mut o, drawn);
    let _ = writeln!(
        o,
        "## Method\n\nReplicate r of both scenarios runs with the same seed, so both meet the same random draws where their agents and events coincide (common random numbers) and the variation between seeds largely cancels in the difference. For each metric the interval is mean(d) ± t(0.975, n − 1) · sd(d) / √n over the n pairs d = B − A where both runs define it. Bands in the charts are the same interval for each scenario's mean over replicates, per bin of epochs. The model is described in `docs/model.md`."
    );
    // Another design than the deployed one, or two designs: say what each
    // side ran.
    let (a, b) = (&c.a.scenario, &c.b.scenario);
    let deployed = crate::schema::Mechanism::Permissionless;
    if a.mechanism != b.mechanism || a.mechanism != deployed {
        for side in [&c.a, &c.b] {
            let _ = writeln!(
                o,
                "\n### {} ({})\n\n{}",
                side.name,
                side.scenario.mechanism.name(),
                crate::output::report::method(&side.scenario).trim_end()
            );
        }
    }
    o
}

/// Writes every output of a comparison into `dir`.
pub fn write_outputs(
    c: &Comparison,
    dir: &Path,
    command: &str,
) -> Result<BTreeMap<String, MetricDiff>, OutputError> {
    let _lock = crate::storage::lock::lock_folder(dir)?;
    crate::storage::kind::refuse_other_kind(dir, crate::storage::kind::FolderKind::Compare)?;
    crate::storage::tables::remove_leftovers(dir);
    let names = metric_names(c);
    write_runs_table(c, &names, dir)?;
    write_epochs_table(c, dir)?;
    let metrics = diffs(c);
    let diff = differences(&c.b.scenario, &c.a.scenario);
    // `differences` gives (key, this = B, baseline = A).
    let diff: Vec<(String, String, String)> = diff
        .into_iter()
        .filter(|(k, _, _)| k != "name" && k != "seed")
        .map(|(k, b, a)| (k, a, b))
        .collect();
    let observed = super::observed(c);
    let json = CompareJson {
        a: &c.a.name,
        b: &c.b.name,
        a_file: &c.a.file,
        b_file: &c.b.file,
        replicates: c.seeds.len(),
        base_seed: c.base_seed,
        seeds: &c.seeds,
        failed_runs: c
            .runs_a
            .iter()
            .chain(&c.runs_b)
            .filter(|o| o.result.is_err())
            .count(),
        adjustment: "holm (family-wise 5% over every metric)",
        metrics: &metrics,
        by_effect_size: by_effect_size(&metrics),
        differences: diff
            .iter()
            .map(|(k, a, b)| Difference {
                key: k.clone(),
                a: a.clone(),
                b: b.clone(),
            })
            .collect(),
        observed: &observed,
    };
    let text = serde_json::to_string_pretty(&json).expect("a comparison serializes") + "\n";
    write_atomic(&dir.join("compare.json"), text.as_bytes())?;
    let drawn = draw_charts(c, dir)?;
    crate::output::plot::list_drawn(dir, &drawn)?;
    let report = report_md(c, &metrics, &diff, &drawn, &observed, command);
    let title = format!("{} against {}", c.b.name, c.a.name);
    crate::output::html::write_reports(dir, &report, &title)?;
    Ok(metrics)
}

/// The headline metrics of a comparison, for the terminal.
pub fn summary_text(c: &Comparison, metrics: &BTreeMap<String, MetricDiff>) -> String {
    use comfy_table::{CellAlignment, Table, presets::UTF8_FULL_CONDENSED};
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED);
    t.set_header(vec![
        "metric".to_string(),
        c.a.name.clone(),
        c.b.name.clone(),
        "B - A [95% interval]".to_string(),
    ]);
    for m in METRICS {
        let Some(d) = metrics.get(m.key) else {
            continue;
        };
        if m.quiet_when_zero && d.a_mean == 0.0 && d.b_mean == 0.0 {
            continue;
        }
        t.add_row(vec![
            m.label.to_string(),
            m.show(Some(d.a_mean)),
            m.show(Some(d.b_mean)),
            format!(
                "{} [{}, {}]{}",
                format_value(d.diff_mean),
                format_value(d.diff_ci_low),
                format_value(d.diff_ci_high),
                if d.differs() { " *" } else { "" }
            ),
        ]);
    }
    for i in 1..4 {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    let n = c.seeds.len();
    let warn = if n < FEW_REPLICATES {
        format!(
            "\nwarning: only {n} replicates; use at least {FEW_REPLICATES} for intervals that say much"
        )
    } else {
        String::new()
    };
    format!(
        "{t}\n{n} paired replicates; * differs after Holm's adjustment over all {} metrics; every metric is in compare.json{warn}",
        metrics.len()
    )
}
