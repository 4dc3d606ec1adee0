//! A sweep's `report.md`: how to reproduce it, what its file sets on top of
//! its base, what it varies, each cell's key metrics with Student-t 95%
//! intervals over its replicates (beside another sweep's, joined on the
//! swept values), the Sobol' indices of a sensitivity design, the charts
//! and the method.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use super::markdown::{Table, charts_section, code, fmt};
use super::plot::Drawn;
use crate::stats::interval::{FEW_REPLICATES, t_interval};
use crate::storage::saved::{numbers, oerr, read_table, texts};
use crate::storage::tables::OutputError;
use crate::sweep::spec::{Sampler, Seeds};
use crate::sweep::{Layout, Manifest};

/// The metrics a sweep's report tabulates.
const SWEEP_METRICS: [&str; 5] = [
    "liveness",
    "active_provers_mean",
    "reward_hhi",
    "top1_share",
    "prover_profit",
];

/// The metrics this sweep's report tabulates: those its file keeps (the
/// first six), or the usual five.
fn report_metrics(layout: &Layout) -> Vec<String> {
    match &layout.metrics {
        Some(kept) if !kept.is_empty() => kept.iter().take(6).cloned().collect(),
        _ => SWEEP_METRICS.iter().map(|m| m.to_string()).collect(),
    }
}

/// Cells shown in the report's table (the table file has them all).
const MAX_ROWS: usize = 60;

/// A cell's swept values, as text: the key that joins two sweeps.
type CellKey = Vec<String>;
/// Per metric, the values of a cell's replicates.
type CellValues = Vec<Vec<f64>>;

/// Each cell's swept values and, per metric, its replicates' values.
fn cell_stats(
    dir: &Path,
    layout: &Layout,
    metrics: &[String],
) -> Result<BTreeMap<u64, (CellKey, CellValues)>, OutputError> {
    let df = read_table(&dir.join("sweep.parquet"))?;
    let cells = numbers(&df, "cell");
    let cols: Vec<Vec<f64>> = metrics.iter().map(|m| numbers(&df, m)).collect();
    let mut by_cell: BTreeMap<u64, (CellKey, CellValues)> = BTreeMap::new();
    for (i, c) in cells.iter().enumerate() {
        let cell = *c as u64;
        let e = by_cell.entry(cell).or_insert_with(|| {
            let key = layout
                .cell_values(cell)
                .iter()
                .map(|v| v.to_string())
                .collect();
            (key, vec![Vec::new(); metrics.len()])
        });
        for (j, col) in cols.iter().enumerate() {
            if col.get(i).is_some_and(|x| x.is_finite()) {
                e.1[j].push(col[i]);
            }
        }
    }
    Ok(by_cell)
}

fn interval_text(xs: &[f64]) -> String {
    match t_interval(xs) {
        None => "-".to_string(),
        Some(i) if i.n < 2 => fmt(Some(i.mean)),
        Some(i) => format!("{} ± {}", fmt(Some(i.mean)), fmt(Some(i.half_width()))),
    }
}

fn sensitivity_section(o: &mut String, dir: &Path, shown: &[String]) {
    let Ok(df) = read_table(&dir.join("sensitivity.parquet")) else {
        return;
    };
    let (metrics, keys) = (texts(&df, "metric"), texts(&df, "key"));
    let (first, total) = (numbers(&df, "first_order"), numbers(&df, "total"));
    let (first_conf, total_conf) = (numbers(&df, "first_order_conf"), numbers(&df, "total_conf"));
    // Folders of earlier versions have no intervals: those cells show "?".
    let unreliable: Vec<bool> = numbers(&df, "unreliable")
        .iter()
        .map(|&x| x > 0.5)
        .collect();
    let samples = numbers(&df, "samples");
    let _ = writeln!(
        o,
        "## Sensitivity (Sobol' indices)\n\nThe share of each metric's variance over the design that a key explains alone (first order) and with its interactions (total), each ± the half-width of its 95% bootstrap interval ({} resamples of the base samples, as SALib computes it); every metric and key is in `sensitivity.parquet`.\n",
        crate::stats::sensitivity::RESAMPLES
    );
    let flagged = unreliable.iter().filter(|&&u| u).count();
    if flagged > 0 {
        let _ = writeln!(
            o,
            "> **Warning:** {flagged} of {} estimates are unreliable (marked *): an interval wider than ±{}, or an index outside [0, 1] beyond its interval. The design is too small for them; raise `samples`.\n",
            df.height(),
            crate::stats::sensitivity::WIDE
        );
    }
    let mut t = Table::new(["metric", "key", "first order", "total", "base samples"]);
    let pm = |x: f64, c: Option<&f64>| match c {
        Some(c) => format!("{x:.3} ± {c:.3}"),
        None => format!("{x:.3} ± ?"),
    };
    for i in 0..df.height() {
        if shown.contains(&metrics[i]) {
            let mark = if unreliable.get(i) == Some(&true) {
                " *"
            } else {
                ""
            };
            t.row([
                metrics[i].clone(),
                code(&keys[i]),
                pm(first[i], first_conf.get(i)) + mark,
                pm(total[i], total_conf.get(i)) + mark,
                samples[i].to_string(),
            ]);
        }
    }
    o.push_str(&t.finish());
    o.push('\n');
}

/// The report of the sweep folder `dir`, beside the sweep in `compare`
/// (which must sweep the same keys).
pub fn sweep_report(
    dir: &Path,
    drawn: &[Drawn],
    compare: Option<&Path>,
) -> Result<String, OutputError> {
    let manifest = Manifest::read(dir)?;
    let layout = &manifest.layout;
    let metrics = report_metrics(layout);
    let mine = cell_stats(dir, layout, &metrics)?;
    let theirs: Option<(String, BTreeMap<CellKey, CellValues>)> = match compare {
        None => None,
        Some(other) => {
            let m = Manifest::read(other)?;
            let keys = |l: &Layout| {
                l.parameters
                    .iter()
                    .map(|p| p.key.clone())
                    .collect::<Vec<_>>()
            };
            if keys(&m.layout) != keys(layout) {
                return Err(oerr(
                    &other.join("sweep.json"),
                    format!(
                        "cannot be compared with {}: it sweeps {:?}, this one {:?}; a comparison joins cells on the same keys' values",
                        dir.display(),
                        keys(&m.layout),
                        keys(layout)
                    ),
                ));
            }
            let stats = cell_stats(other, &m.layout, &metrics)?;
            Some((sweep_name(&m), stats.into_values().collect()))
        }
    };
    let n = layout.replicates as usize;
    let mut o = String::new();
    let _ = writeln!(o, "# Sweep: {}\n", sweep_name(&manifest));
    if n < FEW_REPLICATES {
        let _ = writeln!(
            o,
            "> **Warning:** {n} replicates per cell; intervals this wide say little. Use at least {FEW_REPLICATES}.\n"
        );
    }
    let _ = writeln!(o, "## Reproduce\n");
    let _ = writeln!(o, "- {}", super::provenance::provenance());
    let _ = writeln!(
        o,
        "- base seed {}; {}; each run's seed is recorded in `sweep.parquet`",
        manifest.seed,
        match layout.seeds {
            Seeds::Paired => "paired seeds: replicate r has the same seed in every cell",
            Seeds::Independent =>
                "independent seeds: derived from the base, the cell and the replicate",
        }
    );
    let _ = writeln!(o, "- sweep fingerprint `{}`", manifest.fingerprint);
    let _ = writeln!(
        o,
        "- `proversim sweep {}` gives the same `sweep.parquet` byte for byte\n",
        manifest.file
    );
    let _ = writeln!(o, "## What the sweep file sets on its base\n");
    let own: Vec<&(String, String)> = manifest
        .overrides
        .iter()
        .filter(|(k, _)| !k.starts_with("sweep."))
        .collect();
    if own.is_empty() {
        let _ = writeln!(
            o,
            "Nothing: the cells are the base with the swept values.\n"
        );
    } else {
        let mut t = Table::new(["key", "value"]);
        for (k, v) in own {
            t.row([code(k), v.to_string()]);
        }
        o.push_str(&t.finish());
        o.push('\n');
    }
    let _ = writeln!(o, "## Parameters swept\n");
    match layout.sampler {
        Sampler::Grid => {
            let mut t = Table::new(["parameter", "values"]);
            for p in &layout.parameters {
                let vals: Vec<String> = p.values.iter().map(|v| v.to_string()).collect();
                t.row([code(&p.key), vals.join(", ")]);
            }
            o.push_str(&t.finish());
        }
        sampler => {
            let _ = writeln!(
                o,
                "{} design.\n",
                if sampler == Sampler::Lhs {
                    "A Latin hypercube"
                } else {
                    "A Saltelli (Sobol') sensitivity"
                }
            );
            let mut t = Table::new(["parameter", "from", "to"]);
            for p in &layout.parameters {
                let xs: Vec<f64> = p
                    .values
                    .iter()
                    .filter_map(|v| v.as_float().or(v.as_integer().map(|i| i as f64)))
                    .collect();
                let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                t.row([code(&p.key), fmt(Some(lo)), fmt(Some(hi))]);
            }
            o.push_str(&t.finish());
        }
    }
    let _ = writeln!(
        o,
        "\n{} cells × {} replicates = {} runs.\n",
        layout.cells(),
        layout.replicates,
        layout.runs()
    );
    let _ = writeln!(
        o,
        "## Key metrics (mean ± Student-t 95% interval over {n} replicates)\n"
    );
    if let Some((name, _)) = &theirs {
        let _ = writeln!(
            o,
            "Beside each value, the same cell of `{name}`, joined on the swept values.\n"
        );
    }
    let mut header = vec!["cell".to_string()];
    for p in &layout.parameters {
        header.push(code(&p.key));
    }
    for m in &metrics {
        header.push(m.clone());
        if let Some((name, _)) = &theirs {
            header.push(format!("{m} ({name})"));
        }
    }
    let mut t = Table::new(header);
    let joined: Option<BTreeMap<&CellKey, &CellValues>> =
        theirs.as_ref().map(|(_, t)| t.iter().collect());
    for (cell, (key, values)) in mine.iter().take(MAX_ROWS) {
        let mut row = vec![cell.to_string()];
        for v in key {
            row.push(v.to_string());
        }
        for (j, xs) in values.iter().enumerate() {
            row.push(interval_text(xs));
            if let Some(t) = &joined {
                let other = t
                    .get(key)
                    .map(|v| interval_text(&v[j]))
                    .unwrap_or_else(|| "-".into());
                row.push(other);
            }
        }
        t.row(row);
    }
    o.push_str(&t.finish());
    if mine.len() > MAX_ROWS {
        let _ = writeln!(
            o,
            "\nThe first {MAX_ROWS} of {} cells; `sweep.parquet` has every run and every metric.",
            mine.len()
        );
    }
    o.push('\n');
    sensitivity_section(&mut o, dir, &metrics);
    charts_section(&mut o, drawn);
    let varied = layout.parameters.iter().any(|p| p.key == "mechanism");
    let design = match manifest.mechanism {
        _ if varied => {
            "the design each cell names (its `mechanism`: the permissionless design, the previous bonded quotes, the fee market or the auction; docs/model.md sections 2-6, 9 and 14)"
        }
        crate::schema::Mechanism::BondedQuotes => {
            "the previous design (bonded provers quoting a fee, the proposer accepting one, slashing of bonds for missed proofs)"
        }
        crate::schema::Mechanism::FeeMarket => {
            "the fee market (the permissionless rules, with the reward set each epoch by a controller toward a target latency and number of provers)"
        }
        crate::schema::Mechanism::Auction => {
            "the auction (sealed bids for each epoch, the lowest winning an exclusive window at the second price, a bond lost on failure, then a fallback pool under the permissionless rules)"
        }
        crate::schema::Mechanism::Permissionless => {
            "the permissionless design (supersession, the consistency booster, pruning)"
        }
    };
    let _ = writeln!(
        o,
        "## Method\n\nEach run simulates the base scenario with the cell's values under {design}, settled by the exact rules in integers; \
         failed runs are error rows and count in no mean. Intervals are mean ± t(0.975, n − 1) × standard deviation / √n over a cell's n replicates. \
         The model is described in `docs/model.md`."
    );
    Ok(o)
}

/// A sweep's name: its file's stem.
fn sweep_name(m: &Manifest) -> String {
    Path::new(&m.file)
        .file_stem()
        .map_or(m.file.clone(), |s| s.to_string_lossy().to_string())
}
