//! A comparison's observations (its scenarios' `[[observed]]` tables) set
//! beside each side's simulated mean with its 95% interval over the
//! replicates: for a world built on data, how near it comes, and which
//! rows were fitted rather than predicted.

use std::fmt::Write as _;

use serde::Serialize;

use super::Comparison;
use crate::output::markdown::{Table, code, fmt};
use crate::schema::Observation;
use crate::stats::interval::{Interval, t_interval};

/// One observation and what each side simulated.
#[derive(Clone, Debug, Serialize)]
pub struct ObservedRow {
    /// The observation as the scenario states it.
    #[serde(flatten)]
    pub observation: Observation,
    /// A's mean over its replicates, with its interval.
    pub a: Option<Interval>,
    /// B's.
    pub b: Option<Interval>,
}

/// The observations of A's scenario (else B's), each with both sides'
/// simulated means.
pub fn observed(c: &Comparison) -> Vec<ObservedRow> {
    let list = if c.a.scenario.observed.is_empty() {
        &c.b.scenario.observed
    } else {
        &c.a.scenario.observed
    };
    let side = |runs: &[super::Outcome], metric: &str| {
        let xs: Vec<f64> = runs
            .iter()
            .filter_map(|o| o.result.as_ref().ok().and_then(|m| m.get(metric)))
            .collect();
        t_interval(&xs)
    };
    list.iter()
        .map(|o| ObservedRow {
            observation: o.clone(),
            a: side(&c.runs_a, &o.metric),
            b: side(&c.runs_b, &o.metric),
        })
        .collect()
}

fn shown(i: &Option<Interval>, o: &Observation) -> String {
    match i {
        None => "not reported".to_string(),
        Some(i) => format!(
            "{} [{}, {}]{}",
            fmt(Some(i.mean)),
            fmt(Some(i.low)),
            fmt(Some(i.high)),
            o.mark(i.mean)
        ),
    }
}

/// The report's section, empty when neither scenario observes anything.
pub fn section(c: &Comparison, rows: &[ObservedRow]) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut o = String::new();
    let _ = writeln!(o, "\n## Observed against simulated\n");
    let mut t = Table::new([
        "metric", "observed", &c.a.name, &c.b.name, "fitted", "source",
    ]);
    for r in rows {
        let ob = &r.observation;
        t.row([
            code(&ob.metric),
            ob.stated(),
            shown(&r.a, ob),
            shown(&r.b, ob),
            ob.fitted_word().to_string(),
            ob.source.clone(),
        ]);
    }
    o.push_str(&t.finish());
    let _ = writeln!(
        o,
        "\nEach side's mean over its replicates with its Student-t 95% interval; ✓ or ✗: the mean lies inside or outside the band the scenario claims. A fitted row was used to set what nobody observed, so it is reproduced by construction; the others are predictions."
    );
    o
}
