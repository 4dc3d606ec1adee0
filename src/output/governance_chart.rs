//! The governed values over a run (the checkpoint reward and the
//! sequencers' part of it) as step lines, with every payload that passed
//! and every one executed marked at its epoch.

use std::path::Path;

use polars::prelude::DataFrame;

use super::plot::{Chart, Kind, Series};
use crate::schema::Scenario;
use crate::storage::saved::{numbers, read_table, texts};
use crate::storage::tables::OutputError;

/// A value per epoch as a step line: a point where it starts, one on each
/// side of every change, and one at the end.
fn steps(epochs: &[f64], values: &[f64]) -> Vec<(f64, f64)> {
    let mut pts = Vec::new();
    for (i, (&e, &v)) in epochs.iter().zip(values).enumerate() {
        if i == 0 {
            pts.push((e, v));
        } else if v != values[i - 1] {
            pts.push((e, values[i - 1]));
            pts.push((e, v));
        }
    }
    if let (Some(&e), Some(&v)) = (epochs.last(), values.last()) {
        pts.push((e, v));
    }
    pts
}

/// The chart of governed values, when anything was governed: a payload
/// passed or a value changed. `(stem, caption, chart)`.
pub fn governed_values(
    dir: &Path,
    epochs: &DataFrame,
) -> Result<Option<(&'static str, String, Chart)>, OutputError> {
    let e = numbers(epochs, "epoch");
    let reward = numbers(epochs, "checkpoint_reward");
    let bps = numbers(epochs, "sequencer_bps");
    if reward.is_empty() {
        return Ok(None);
    }
    let epoch_duration = std::fs::read_to_string(dir.join("scenario.toml"))
        .ok()
        .and_then(|t| toml::from_str::<Scenario>(&t).ok())
        .map_or(32, |s| s.chain.epoch_duration) as f64;
    let mut marks = Vec::new();
    let events = dir.join("events.parquet");
    if events.exists() {
        let ev = read_table(&events)?;
        let (kinds, slots, values) = (
            texts(&ev, "kind"),
            numbers(&ev, "slot"),
            numbers(&ev, "value"),
        );
        for i in 0..ev.height() {
            let what = match kinds[i].as_str() {
                "passed" => "passed",
                "executed" => "executed",
                _ => continue,
            };
            marks.push((
                (slots[i] / epoch_duration).floor(),
                format!("#{} {what}", values[i] as u64),
            ));
        }
    }
    let changes = |xs: &[f64]| xs.windows(2).any(|w| w[0] != w[1]);
    if marks.is_empty() && !changes(&reward) && !changes(&bps) {
        return Ok(None);
    }
    let mut series = vec![Series::new(
        "checkpoint reward (tokens per block)",
        steps(&e, &reward),
    )];
    if changes(&bps) {
        let pct: Vec<f64> = bps.iter().map(|b| b / 100.0).collect();
        series.push(Series::new("sequencers' part (%)", steps(&e, &pct)));
    }
    Ok(Some((
        "governance",
        "The governed values over the run; each payload that passed and each one executed is marked at its epoch.".to_string(),
        Chart {
            title: "Governed values and payloads".into(),
            x_label: "epoch".into(),
            y_label: "value in force".into(),
            kind: Kind::Lines { series, marks },
        },
    )))
}
