//! Charts of a sampled sweep (`lhs`, `sobol`), whose cells do not form a
//! grid: each metric against each key in ten bins of the key's range (the
//! key's main effect, mean and Student-t 95% interval per bin), and for a
//! Sobol' design a heatmap of the total sensitivity indices.

use std::path::Path;

use polars::prelude::DataFrame;

use super::plot::{Chart, Drawn, Kind, Series, draw};
use crate::stats::t_interval;
use crate::storage::saved::{numbers, read_table, texts};
use crate::storage::tables::OutputError;
use crate::sweep::Layout;

/// Bins of a key's range in a main-effect chart.
const BINS: usize = 10;

fn value_of(v: &toml::Value) -> f64 {
    v.as_float()
        .or(v.as_integer().map(|i| i as f64))
        .unwrap_or(f64::NAN)
}

/// The mean of a metric in each of [`BINS`] bins of a key's sampled values.
fn main_effect(xs: &[f64], ys: &[f64]) -> Series {
    let lo = xs.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let width = (hi - lo) / BINS as f64;
    let mut bins = vec![Vec::new(); BINS];
    for (x, y) in xs.iter().zip(ys) {
        if x.is_finite() && y.is_finite() && width > 0.0 {
            let b = (((x - lo) / width) as usize).min(BINS - 1);
            bins[b].push(*y);
        }
    }
    let mut points = Vec::new();
    let mut band = Vec::new();
    for (b, ys) in bins.iter().enumerate() {
        if let Some(ci) = t_interval(ys) {
            let mid = lo + (b as f64 + 0.5) * width;
            points.push((mid, ci.mean));
            band.push((mid, ci.low, ci.high));
        }
    }
    Series {
        name: String::new(),
        points,
        band,
    }
}

/// Draws the charts of a sampled sweep into `<dir>/charts/`.
pub fn draw_sampled(
    dir: &Path,
    layout: &Layout,
    df: &DataFrame,
    metrics: &[String],
) -> Result<Vec<Drawn>, OutputError> {
    let out = dir.join("charts");
    let cells = numbers(df, "cell");
    let mut drawn = Vec::new();
    for metric in metrics {
        let ys = numbers(df, metric);
        if ys.is_empty() {
            return Err(OutputError {
                path: dir.join("sweep.parquet"),
                message: format!("no metric column {metric:?}"),
            });
        }
        for p in &layout.parameters {
            let xs: Vec<f64> = cells
                .iter()
                .map(|c| value_of(&p.values[*c as usize]))
                .collect();
            let stem = format!("effect-{metric}-{}", p.key.replace(['.', '[', ']'], "_"));
            draw(
                &Chart {
                    title: format!("{metric} against {}", p.key),
                    x_label: format!("{} ({BINS} bins of its sampled range)", p.key),
                    y_label: metric.clone(),
                    kind: Kind::Lines {
                        series: vec![main_effect(&xs, &ys)],
                        marks: vec![],
                    },
                },
                &out.join(&stem),
            )?;
            drawn.push(Drawn {
                stem,
                caption: format!(
                    "Mean {metric} over the runs whose {} falls in each tenth of its range, with a 95% interval band.",
                    p.key
                ),
            });
        }
    }
    if let Ok(s) = read_table(&dir.join("sensitivity.parquet")) {
        let (names, keys, total) = (texts(&s, "metric"), texts(&s, "key"), numbers(&s, "total"));
        let xs: Vec<String> = layout.parameters.iter().map(|p| p.key.clone()).collect();
        // The charted metrics and the incomes, those with indices.
        let mut ys: Vec<String> = metrics.to_vec();
        for extra in [
            "top1_share",
            "prover_profit",
            "sequencer_income",
            "cost_per_proven_tx",
        ] {
            if !ys.iter().any(|m| m == extra) {
                ys.push(extra.to_string());
            }
        }
        ys.retain(|m| names.contains(m));
        if ys.is_empty() {
            return Ok(drawn);
        }
        let values = ys
            .iter()
            .map(|m| {
                xs.iter()
                    .map(|k| {
                        (0..s.height())
                            .find(|&i| names[i] == *m && keys[i] == *k)
                            .map(|i| total[i])
                    })
                    .collect()
            })
            .collect();
        let stem = "sensitivity".to_string();
        draw(
            &Chart {
                title: "Total Sobol' indices".into(),
                x_label: "key".into(),
                y_label: "metric".into(),
                kind: Kind::Heatmap { xs, ys, values },
            },
            &out.join(&stem),
        )?;
        drawn.push(Drawn {
            stem,
            caption: "The share of each metric's variance each key explains with its interactions (total Sobol' index).".into(),
        });
    }
    Ok(drawn)
}
