//! A comparison's charts: each metric's band over the epochs for both
//! scenarios (the mean of the replicates with its interval), and the paired
//! difference, binned so that long runs stay readable.

use std::path::Path;

use super::report::oerr;
use super::{Comparison, Outcome};
use crate::output::plot::{Chart, Drawn, Kind, Series, draw};
use crate::stats::interval::t_interval;
use crate::storage::tables::OutputError;

/// A run's mean of `of` over epochs `lo..hi`, if it has any there.
fn bin_mean(
    o: &Outcome,
    (lo, hi): (u64, u64),
    of: fn(&super::EpochSeries) -> Option<f64>,
) -> Option<f64> {
    let xs: Vec<f64> = o
        .series
        .iter()
        .filter(|e| e.epoch >= lo && e.epoch < hi)
        .filter_map(of)
        .collect();
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// A series over bins of `per` epochs: the line is the mean of what `value`
/// gives for each bin (one value per replicate), the band its Student-t
/// 95% interval.
fn binned(name: &str, epochs: u64, per: u64, value: impl Fn((u64, u64)) -> Vec<f64>) -> Series {
    let bins = epochs.div_ceil(per) as usize;
    let mut points = Vec::with_capacity(bins);
    let mut band = Vec::with_capacity(bins);
    for b in 0..bins {
        let lo = b as u64 * per;
        let hi = (lo + per).min(epochs);
        if let Some(i) = t_interval(&value((lo, hi))) {
            points.push((lo as f64, i.mean));
            band.push((lo as f64, i.low, i.high));
        }
    }
    Series {
        name: name.to_string(),
        points,
        band,
    }
}

/// A side's series as a line (mean over replicates, in bins of epochs)
/// and a band (the 95% interval of that mean).
fn band_series(
    name: &str,
    runs: &[Outcome],
    per: u64,
    of: fn(&super::EpochSeries) -> Option<f64>,
) -> Series {
    let epochs = runs.iter().map(|o| o.series.len()).max().unwrap_or(0) as u64;
    binned(name, epochs, per, |bin| {
        runs.iter().filter_map(|o| bin_mean(o, bin, of)).collect()
    })
}

/// The paired difference B − A over time: per bin, the mean over
/// replicates of each pair's difference (the same seed on both sides),
/// with its paired 95% interval as the band.
fn difference_series(
    c: &Comparison,
    epochs: u64,
    per: u64,
    of: fn(&super::EpochSeries) -> Option<f64>,
) -> Series {
    binned(
        &format!("{} − {}", c.b.name, c.a.name),
        epochs,
        per,
        |bin| {
            c.runs_a
                .iter()
                .zip(&c.runs_b)
                .filter_map(|(a, b)| Some(bin_mean(b, bin, of)? - bin_mean(a, bin, of)?))
                .collect()
        },
    )
}

pub(super) fn draw_charts(c: &Comparison, dir: &Path) -> Result<Vec<Drawn>, OutputError> {
    let out = dir.join("charts");
    std::fs::create_dir_all(&out).map_err(|e| oerr(&out, e))?;
    let epochs = c
        .runs_a
        .iter()
        .chain(&c.runs_b)
        .map(|o| o.series.len())
        .max()
        .unwrap_or(0) as u64;
    let per = epochs.div_ceil(200).max(1);
    let x_label = if per > 1 {
        format!("epoch (mean over {per}-epoch bins)")
    } else {
        "epoch".to_string()
    };
    type Of = fn(&super::EpochSeries) -> Option<f64>;
    let charts: [(&str, &str, &str, Of); 5] = [
        ("active_provers", "Active provers", "provers", |e| {
            Some(e.active_provers as f64)
        }),
        (
            "liveness",
            "Liveness (blocks proven / built)",
            "share",
            |e| Some(e.liveness),
        ),
        ("pool", "Prover pool per epoch", "tokens", |e| Some(e.pool)),
        ("provers_paid", "Provers paid per epoch", "provers", |e| {
            Some(e.provers_paid as f64)
        }),
        ("full_proof_latency", "Time to full proof", "seconds", |e| {
            e.full_proof_latency_s
        }),
    ];
    let mut drawn = Vec::new();
    for (stem, title, unit, of) in charts {
        let chart = Chart {
            title: format!("{title}: {} and {}", c.a.name, c.b.name),
            x_label: x_label.clone(),
            y_label: unit.to_string(),
            kind: Kind::Lines {
                series: vec![
                    band_series(&c.a.name, &c.runs_a, per, of),
                    band_series(&c.b.name, &c.runs_b, per, of),
                ],
                marks: Vec::new(),
            },
        };
        draw(&chart, &out.join(stem))?;
        drawn.push(Drawn {
            stem: stem.to_string(),
            caption: format!(
                "{title}, mean over {} replicates per scenario with its 95% interval as a band",
                c.seeds.len()
            ),
        });
        // The difference itself, whose interval the two bands above do not
        // show: pairs share their seeds, so most of the noise cancels.
        let difference = difference_series(c, epochs, per, of);
        let zero = Series::new(
            "no difference",
            vec![(0.0, 0.0), (epochs.saturating_sub(1) as f64, 0.0)],
        );
        let chart = Chart {
            title: format!("{title}: {} − {}", c.b.name, c.a.name),
            x_label: x_label.clone(),
            y_label: format!("difference, {unit}"),
            kind: Kind::Lines {
                series: vec![difference, zero],
                marks: Vec::new(),
            },
        };
        let stem = format!("{stem}-difference");
        draw(&chart, &out.join(&stem))?;
        drawn.push(Drawn {
            stem,
            caption: format!(
                "{title}: the paired difference {} − {} over time, mean over {} pairs with its paired 95% interval as a band",
                c.b.name,
                c.a.name,
                c.seeds.len()
            ),
        });
    }
    Ok(drawn)
}
