//! Charts of a booster alone, computed with the protocol's own booster
//! functions: its curve, and a newcomer's ramp against an incumbent.

use super::plot::{Chart, Kind, Series};
use crate::protocol::{ActivityRecord, Booster, Rule};

/// The booster's curve (shares against score) and a newcomer's shares per
/// epoch against an incumbent's, both proving every epoch.
pub fn booster_charts(booster: &Booster) -> Vec<(&'static str, String, Chart)> {
    let top = match booster.config().rule {
        Rule::Flat => 10,
        Rule::Quadratic(q) => q.max_score,
        Rule::Exponential(x) => x.max_streak,
    };
    let step = (top / 400).max(1);
    let curve: Vec<(f64, f64)> = (0..=top / step)
        .map(|i| {
            let v = i * step;
            (v as f64, booster.curve(v).map_or(f64::NAN, |s| s as f64))
        })
        .collect();
    let rule = booster.config().rule.name();
    let mut out = vec![(
        "booster-curve",
        format!("Shares a submission registers against the prover's score ({rule} rule)."),
        Chart {
            title: format!("Booster curve ({rule})"),
            x_label: if matches!(booster.config().rule, Rule::Exponential(_)) {
                "streak (epochs)".into()
            } else {
                "score".into()
            },
            y_label: "shares".into(),
            kind: Kind::Lines {
                series: vec![Series::new("", curve)],
                marks: vec![],
            },
        },
    )];
    // An incumbent proving every epoch since long ago; a newcomer from 0.
    let mut incumbent = ActivityRecord::default();
    let mut epoch = 0u64;
    for _ in 0..20_000 {
        epoch += 1;
        incumbent = booster
            .score(incumbent, epoch, true)
            .map_or(incumbent, |(_, r)| r);
    }
    let start = epoch;
    let mut newcomer = ActivityRecord {
        value: 0,
        time: start,
    };
    let mut pts_new = Vec::new();
    let mut pts_inc = Vec::new();
    let mut parity = None;
    for t in 1..=4000u64 {
        let c = start + t;
        let (sn, rn) = booster.score(newcomer, c, true).unwrap_or((0, newcomer));
        let (si, ri) = booster.score(incumbent, c, true).unwrap_or((0, incumbent));
        newcomer = rn;
        incumbent = ri;
        pts_new.push((t as f64, sn as f64));
        pts_inc.push((t as f64, si as f64));
        if parity.is_none() && sn as f64 >= 0.99 * si as f64 {
            parity = Some(t);
        }
        if parity.is_some_and(|p| t >= p + p / 5 + 10) {
            break;
        }
    }
    let marks = parity
        .map(|p| vec![(p as f64, format!(" parity after {p} epochs"))])
        .unwrap_or_default();
    out.push((
        "booster-newcomer",
        match parity {
            Some(p) => format!(
                "A newcomer's shares per epoch against an incumbent's, both proving every epoch: parity after {p} epochs ({:.1} days).",
                p as f64 * 38.4 / 60.0 / 24.0
            ),
            None => "A newcomer's shares per epoch against an incumbent's, both proving every epoch: no parity within 4000 epochs.".into(),
        },
        Chart {
            title: "Newcomer against incumbent".into(),
            x_label: "epochs since the newcomer's first proof".into(),
            y_label: "shares per submission".into(),
            kind: Kind::Lines {
                series: vec![Series::new("incumbent", pts_inc), Series::new("newcomer", pts_new)],
                marks,
            },
        },
    ));
    out
}

/// A prover at the maximum that misses 1, 2 or 3 consecutive epochs, then
/// proves every epoch: its shares per epoch, one line each.
pub fn miss_cascade(booster: &Booster) -> Vec<(&'static str, String, Chart)> {
    // At the maximum: proving long enough from an empty record.
    let mut at_max = ActivityRecord::default();
    for epoch in 1..=20_000u64 {
        at_max = booster
            .score(at_max, epoch, true)
            .map_or(at_max, |(_, r)| r);
    }
    let start = at_max.time;
    let mut series = Vec::new();
    for misses in 1..=3u64 {
        let mut r = at_max;
        let mut pts = vec![(0.0, booster.curve(r.value).map_or(0.0, |s| s as f64))];
        for t in 1..=300u64 {
            if t <= misses {
                pts.push((t as f64, 0.0));
                continue;
            }
            let (s, next) = booster.score(r, start + t, true).unwrap_or((0, r));
            r = next;
            pts.push((t as f64, s as f64));
        }
        series.push(Series::new(
            format!("{misses} missed epoch{}", if misses > 1 { "s" } else { "" }),
            pts,
        ));
    }
    vec![(
        "booster-misses",
        "A prover at the maximum misses 1, 2 or 3 epochs in a row, then proves every epoch: its shares per epoch.".into(),
        Chart {
            title: "Missed epochs and recovery".into(),
            x_label: "epochs since its last proof at the maximum".into(),
            y_label: "shares per submission".into(),
            kind: Kind::Lines {
                series,
                marks: vec![],
            },
        },
    )]
}
