//! The charts of a run or a sweep, drawn from its saved tables, so that
//! `proversim chart DIR` redraws them at any time.

use std::collections::BTreeMap;
use std::path::Path;

use super::booster_charts::booster_charts;
use super::plot::{Chart, Drawn, Kind, Series, draw};
use crate::protocol::Booster;
use crate::schema::Scenario;
use crate::storage::saved::{numbers, oerr, read_table};
use crate::storage::tables::OutputError;
use crate::sweep::Manifest;

/// A line chart without marks.
fn line_chart(title: &str, x_label: &str, y_label: &str, series: Vec<Series>) -> Chart {
    Chart {
        title: title.into(),
        x_label: x_label.into(),
        y_label: y_label.into(),
        kind: Kind::Lines {
            series,
            marks: vec![],
        },
    }
}

/// Groups epochs into at most 200 bins: `(bin of each epoch, bin starts)`.
fn bins(epochs: u64) -> (u64, Vec<f64>) {
    let per = epochs.div_ceil(200).max(1);
    let starts = (0..epochs.div_ceil(per))
        .map(|b| (b * per) as f64)
        .collect();
    (per, starts)
}

/// The columns of a run's epochs table that its charts draw.
const RUN_EPOCH_COLUMNS: [&str; 7] = [
    "epoch",
    "blocks_built",
    "blocks_proven",
    "blocks_pruned",
    "full_proof_latency_s",
    "pool",
    "sequencer_income",
];

/// Draws every chart of a run folder into `<dir>/charts/`.
pub fn draw_run(dir: &Path) -> Result<Vec<Drawn>, OutputError> {
    let epochs_path = dir.join("epochs.parquet");
    let epochs = read_table(&epochs_path)?;
    // A table of another shape would draw empty charts: name what it lacks.
    for column in RUN_EPOCH_COLUMNS {
        if epochs.column(column).is_err() {
            return Err(oerr(
                &epochs_path,
                format!("not a run's epochs table: it has no column `{column}`"),
            ));
        }
    }
    let out = dir.join("charts");
    std::fs::create_dir_all(&out).map_err(|e| oerr(&out, e))?;
    let n = epochs.height() as u64;
    let (per, starts) = bins(n.max(1));
    let bin_of = |e: f64| (e as u64 / per) as usize;
    let scenario = std::fs::read_to_string(dir.join("scenario.toml"))
        .ok()
        .and_then(|text| toml::from_str::<Scenario>(&text).ok());
    // How long an epoch lasts in the scenario that ran (no caption if its
    // file cannot be read).
    let epoch_length = scenario.as_ref().map_or(String::new(), |sc| {
        let minutes = (sc.chain.epoch_duration * sc.chain.slot_duration) as f64 / 60.0;
        format!(
            "1 epoch = {} min",
            crate::output::plot::format_value(minutes)
        )
    });
    let x_label = match (per > 1, epoch_length.is_empty()) {
        (true, false) => format!("epoch (mean over {per}-epoch bins; {epoch_length})"),
        (true, true) => format!("epoch (mean over {per}-epoch bins)"),
        (false, false) => format!("epoch ({epoch_length})"),
        (false, true) => "epoch".to_string(),
    };
    let mut drawn = Vec::new();
    let mut emit = |stem: &str, caption: &str, chart: Chart| -> Result<(), OutputError> {
        draw(&chart, &out.join(stem))?;
        drawn.push(Drawn {
            stem: stem.to_string(),
            caption: caption.to_string(),
        });
        Ok(())
    };
    let nb = starts.len();
    let per_bin = |values: &[f64], epochs_col: &[f64]| -> Vec<(f64, f64)> {
        let mut sum = vec![0.0; nb];
        let mut cnt = vec![0.0; nb];
        for (v, e) in values.iter().zip(epochs_col) {
            if v.is_finite() {
                let b = bin_of(*e).min(nb - 1);
                sum[b] += v;
                cnt[b] += 1.0;
            }
        }
        starts
            .iter()
            .zip(sum.iter().zip(&cnt))
            .filter(|(_, (_, c))| **c > 0.0)
            .map(|(x, (s, c))| (*x, s / c))
            .collect()
    };
    let e_col = numbers(&epochs, "epoch");

    // Active provers, and shares of rewards, by population.
    let pb = super::prover_bins::scan(&dir.join("provers.parquet"), per, nb)?;
    let epochs_in = |b: usize| -> f64 {
        let lo = b as u64 * per;
        (lo + per).min(n.max(1)).saturating_sub(lo).max(1) as f64
    };
    let active: Vec<Series> = pb
        .populations
        .iter()
        .zip(&pb.rows)
        .map(|(name, rows)| {
            Series::new(
                name.clone(),
                starts
                    .iter()
                    .enumerate()
                    .map(|(b, x)| (*x, rows[b] / epochs_in(b)))
                    .collect(),
            )
        })
        .collect();
    emit(
        "active-provers",
        "Active provers over time, by group (strategy).",
        line_chart(
            "Active provers by group (strategy)",
            &x_label,
            "provers",
            active,
        ),
    )?;
    let shares = |names: &[String], sums: &[Vec<f64>]| -> Vec<Series> {
        names
            .iter()
            .zip(sums)
            .map(|(name, s)| {
                Series::new(
                    name.clone(),
                    starts
                        .iter()
                        .enumerate()
                        .map(|(b, x)| {
                            let t = pb.total[b];
                            (*x, if t > 0.0 { 100.0 * s[b] / t } else { 0.0 })
                        })
                        .collect(),
                )
            })
            .collect()
    };
    emit(
        "reward-share-strategy",
        "Each group's (strategy's) share of prover rewards over time (stacked).",
        Chart {
            title: "Share of prover rewards by group (strategy)".into(),
            x_label: x_label.clone(),
            y_label: "% of rewards".into(),
            kind: Kind::Stacked {
                series: shares(&pb.populations, &pb.rewards),
            },
        },
    )?;
    let mut ranked: Vec<(&String, &(f64, Vec<f64>))> = pb.by_prover.iter().collect();
    ranked.sort_by(|a, b| b.1.0.total_cmp(&a.1.0).then(a.0.cmp(b.0)));
    let mut top: Vec<String> = ranked.iter().take(5).map(|(n, _)| n.to_string()).collect();
    let mut sums: Vec<Vec<f64>> = ranked.iter().take(5).map(|(_, v)| v.1.clone()).collect();
    let others: Vec<f64> = (0..nb)
        .map(|b| pb.total[b] - sums.iter().map(|s| s[b]).sum::<f64>())
        .collect();
    top.push("all others".into());
    sums.push(others);
    emit(
        "reward-share-top",
        "The five best-paid provers' shares of prover rewards over time, and everyone else's (stacked).",
        Chart {
            title: "Share of prover rewards: top provers".into(),
            x_label: x_label.clone(),
            y_label: "% of rewards".into(),
            kind: Kind::Stacked {
                series: shares(&top, &sums),
            },
        },
    )?;
    // The booster.
    if let Some(sc) = &scenario
        && sc.mechanism != crate::schema::Mechanism::BondedQuotes
        && let Ok(config) = sc.booster.to_config()
        && let Ok(booster) = Booster::new(config)
    {
        for (stem, caption, chart) in booster_charts(&booster) {
            emit(stem, &caption, chart)?;
        }
    }

    // Liveness and latency.
    let built = numbers(&epochs, "blocks_built");
    let proven = numbers(&epochs, "blocks_proven");
    let pruned = numbers(&epochs, "blocks_pruned");
    emit(
        "liveness",
        "Blocks built, proven and pruned per epoch.",
        line_chart(
            "Liveness: blocks proven and pruned",
            &x_label,
            "blocks per epoch",
            vec![
                Series::new("built", per_bin(&built, &e_col)),
                Series::new("proven", per_bin(&proven, &e_col)),
                Series::new("pruned", per_bin(&pruned, &e_col)),
            ],
        ),
    )?;
    let latency: Vec<f64> = numbers(&epochs, "full_proof_latency_s")
        .iter()
        .map(|s| s / 60.0)
        .collect();
    emit(
        "proof-latency",
        "Minutes from an epoch's end until its last block was proven.",
        line_chart(
            "Proof latency",
            &x_label,
            "minutes after the epoch ended",
            vec![Series::new("full proof", per_bin(&latency, &e_col))],
        ),
    )?;

    // Incomes.
    let seq = numbers(&epochs, "sequencer_income");
    let pool = numbers(&epochs, "pool");
    emit(
        "income",
        "Sequencers' and provers' income per epoch.",
        line_chart(
            "Sequencer and prover income",
            &x_label,
            "tokens per epoch",
            vec![
                Series::new("sequencers", per_bin(&seq, &e_col)),
                Series::new("provers", per_bin(&pool, &e_col)),
            ],
        ),
    )?;

    if let Some((stem, caption, chart)) = super::governance_chart::governed_values(dir, &epochs)? {
        emit(stem, &caption, chart)?;
    }

    // Bridging latency.
    let bridging_path = dir.join("bridging.parquet");
    if bridging_path.exists() {
        let b = read_table(&bridging_path)?;
        if b.height() > 0 {
            let lat = numbers(&b, "latency_s");
            let own: Vec<bool> = b
                .column("self_proved")
                .ok()
                .and_then(|c| {
                    c.bool()
                        .ok()
                        .map(|ca| ca.iter().map(|v| v.unwrap_or(false)).collect())
                })
                .unwrap_or_default();
            let cdf = |want: bool| -> Vec<(f64, f64)> {
                let mut xs: Vec<f64> = lat
                    .iter()
                    .zip(&own)
                    .filter(|(_, o)| **o == want)
                    .map(|(l, _)| l / 60.0)
                    .collect();
                xs.sort_by(f64::total_cmp);
                let n = xs.len() as f64;
                xs.iter()
                    .enumerate()
                    .map(|(i, x)| (*x, 100.0 * (i + 1) as f64 / n))
                    .collect()
            };
            let mut series = Vec::new();
            for (want, name) in [
                (true, "proved by the bridger itself"),
                (false, "proved by provers"),
            ] {
                let pts = cdf(want);
                if !pts.is_empty() {
                    series.push(Series::new(format!("{name} ({})", pts.len()), pts));
                }
            }
            emit(
                "bridging-latency",
                "Distribution of bridging transactions' time from submission to proven, by who proved them.",
                line_chart(
                    "Bridging latency (cumulative)",
                    "minutes from submission to proven",
                    "% of bridging transactions",
                    series,
                ),
            )?;
        }
    }
    super::plot::list_drawn(dir, &drawn)?;
    Ok(drawn)
}

/// The metrics a sweep chart shows by default.
pub const DEFAULT_SWEEP_METRICS: [&str; 3] = ["active_provers_mean", "reward_hhi", "liveness"];

/// Draws a sweep folder's charts into `<dir>/charts/`: for each metric, a
/// heatmap over the first two swept keys (mean over replicates) and lines
/// over the first key with 95% interval bands.
pub fn draw_sweep(dir: &Path, metrics: &[String]) -> Result<Vec<Drawn>, OutputError> {
    let out = dir.join("charts");
    std::fs::create_dir_all(&out).map_err(|e| oerr(&out, e))?;
    let manifest = Manifest::read(dir)?;
    let df = read_table(&dir.join("sweep.parquet"))?;
    if manifest.layout.sampler != crate::sweep::Sampler::Grid {
        return super::design_charts::draw_sampled(dir, &manifest.layout, &df, metrics);
    }
    let params: Vec<&crate::sweep::spec::Parameter> = manifest.layout.parameters.iter().collect();
    let cells = numbers(&df, "cell");
    let mut drawn = Vec::new();
    for metric in metrics {
        let values = numbers(&df, metric);
        if values.is_empty() {
            return Err(oerr(
                &dir.join("sweep.parquet"),
                format!("no metric column {metric:?}"),
            ));
        }
        // Replicate values per (index of param 0, index of param 1).
        let mut groups: BTreeMap<(usize, usize), Vec<f64>> = BTreeMap::new();
        for (cell, v) in cells.iter().zip(&values) {
            if !v.is_finite() {
                continue;
            }
            let idx = manifest.layout.cell_indices(*cell as u64);
            let key = (idx[0], idx.get(1).copied().unwrap_or(0));
            groups.entry(key).or_default().push(*v);
        }
        let label = |p: &crate::sweep::spec::Parameter, i: usize| match &p.values[i] {
            toml::Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        let p0 = params[0];
        let numeric = p0
            .values
            .iter()
            .all(|v| v.as_integer().is_some() || v.as_float().is_some());
        let xval = |i: usize| {
            if numeric {
                p0.values[i]
                    .as_float()
                    .unwrap_or_else(|| p0.values[i].as_integer().unwrap_or(0) as f64)
            } else {
                i as f64
            }
        };
        if params.len() >= 2 {
            let p1 = params[1];
            let xs: Vec<String> = (0..p0.values.len()).map(|i| label(p0, i)).collect();
            let ys: Vec<String> = (0..p1.values.len()).map(|i| label(p1, i)).collect();
            let grid = (0..ys.len())
                .map(|r| {
                    (0..xs.len())
                        .map(|c| {
                            groups
                                .get(&(c, r))
                                .map(|v| v.iter().sum::<f64>() / v.len() as f64)
                        })
                        .collect()
                })
                .collect();
            let stem = format!("heatmap-{metric}");
            draw(
                &Chart {
                    title: format!("{metric}: mean over replicates"),
                    x_label: p0.key.clone(),
                    y_label: p1.key.clone(),
                    kind: Kind::Heatmap {
                        xs,
                        ys,
                        values: grid,
                    },
                },
                &out.join(&stem),
            )?;
            drawn.push(Drawn {
                stem,
                caption: format!(
                    "Mean {metric} over replicates for each {} and {}.",
                    p0.key, p1.key
                ),
            });
        }
        let lines_for = |other: Option<usize>| -> Series {
            let mut pts = Vec::new();
            let mut band = Vec::new();
            for i in 0..p0.values.len() {
                let vals: Vec<f64> = groups
                    .iter()
                    .filter(|((a, b), _)| *a == i && other.is_none_or(|o| *b == o))
                    .flat_map(|(_, v)| v.iter().copied())
                    .collect();
                if vals.is_empty() {
                    continue;
                }
                let Some(ci) = crate::stats::t_interval(&vals) else {
                    continue;
                };
                pts.push((xval(i), ci.mean));
                band.push((xval(i), ci.low, ci.high));
            }
            let name = match (other, params.get(1)) {
                (Some(o), Some(p1)) => format!("{} = {}", p1.key, label(p1, o)),
                _ => String::new(),
            };
            Series {
                name,
                points: pts,
                band,
            }
        };
        let series: Vec<Series> = match params.get(1) {
            Some(p1) if p1.values.len() <= 6 => {
                (0..p1.values.len()).map(|o| lines_for(Some(o))).collect()
            }
            _ => vec![lines_for(None)],
        };
        let stem = format!("line-{metric}");
        let x_label = if numeric {
            p0.key.clone()
        } else {
            format!(
                "{} ({})",
                p0.key,
                (0..p0.values.len())
                    .map(|i| format!("{i}: {}", label(p0, i)))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        draw(
            &Chart {
                title: format!("{metric} with 95% intervals over replicates"),
                x_label,
                y_label: metric.clone(),
                kind: Kind::Lines {
                    series,
                    marks: vec![],
                },
            },
            &out.join(&stem),
        )?;
        drawn.push(Drawn {
            stem,
            caption: format!(
                "Mean {metric} against {} with a 95% interval band over replicates.",
                p0.key
            ),
        });
    }
    Ok(drawn)
}

/// Whether a folder holds a sweep (rather than a run).
pub fn is_sweep(dir: &Path) -> bool {
    dir.join("sweep.parquet").exists()
}

/// Draws a folder's charts, whatever it holds, with the folder locked.
pub fn draw_dir(dir: &Path, metrics: &[String]) -> Result<Vec<Drawn>, OutputError> {
    let _lock = crate::storage::lock::lock_folder(dir)?;
    crate::storage::commit::check_whole(dir)?;
    draw_dir_unlocked(dir, metrics)
}

/// Draws a folder's charts; the caller holds its lock.
pub(crate) fn draw_dir_unlocked(dir: &Path, metrics: &[String]) -> Result<Vec<Drawn>, OutputError> {
    if is_sweep(dir) {
        let metrics: Vec<String> = if metrics.is_empty() {
            // The default metrics the sweep kept, or else its first three.
            let layout = Manifest::read(dir)?.layout;
            let kept: Vec<String> = crate::metrics::catalog::METRICS
                .iter()
                .map(|m| m.key.to_string())
                .filter(|k| layout.metrics.as_ref().is_none_or(|l| l.contains(k)))
                .collect();
            let defaults: Vec<String> = DEFAULT_SWEEP_METRICS
                .iter()
                .map(|s| s.to_string())
                .filter(|k| kept.contains(k))
                .collect();
            if defaults.is_empty() {
                kept.into_iter().take(3).collect()
            } else {
                defaults
            }
        } else {
            metrics.to_vec()
        };
        let drawn = draw_sweep(dir, &metrics)?;
        super::plot::list_drawn(dir, &drawn)?;
        Ok(drawn)
    } else if dir.join("epochs.parquet").exists() {
        draw_run(dir)
    } else {
        Err(oerr(
            dir,
            "neither a run folder (epochs.parquet) nor a sweep folder (sweep.parquet)",
        ))
    }
}
