//! `report.md`: what a run or sweep simulated and what came out, for a
//! governance proposal: how to reproduce it, the parameters that differ from
//! the baseline, key metrics (with 95% intervals over replicates where there
//! are any), the charts, and a method section generated from the scenario.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value as Json;
use toml::Value;

use super::charts::is_sweep;
use super::markdown::{Table, charts_section, code, fmt};
pub use super::method::method;
use super::plot::Drawn;
use super::provenance::provenance;
use crate::figures::BoosterFigures;
use crate::metrics::catalog::METRICS;
use crate::protocol::Booster;
use crate::schema::Scenario;
use crate::storage::saved::oerr;
use crate::storage::tables::OutputError;

use crate::scenario::paths::flatten_toml as flatten;

/// Every key whose value differs between two scenarios: `(key, this,
/// baseline)`, with `-` where a key is absent.
pub fn differences(this: &Scenario, baseline: &Scenario) -> Vec<(String, String, String)> {
    let flat = |s: &Scenario| {
        let mut m = BTreeMap::new();
        let mut s = s.clone();
        s.booster = s.booster.normalized();
        if let Ok(v) = Value::try_from(&s) {
            flatten("", &v, &mut m);
        }
        m
    };
    let (a, b) = (flat(this), flat(baseline));
    let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        // The overrides of the version follow from the keys that differ.
        .filter(|k| {
            !matches!(k.as_str(), "name" | "description") && !k.starts_with("protocol_overrides")
        })
        .filter_map(|k| {
            let (x, y) = (a.get(k), b.get(k));
            (x != y).then(|| {
                (
                    k.clone(),
                    x.cloned().unwrap_or_else(|| "-".into()),
                    y.cloned().unwrap_or_else(|| "-".into()),
                )
            })
        })
        .collect()
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn num(j: &Json, path: &[&str]) -> Option<f64> {
    let mut v = j;
    for p in path {
        v = v.get(*p)?;
    }
    v.as_f64()
}

/// The key metrics of a run, as (label, value) rows: every metric of the
/// catalog, then the users' fees from the books.
fn run_metrics(s: &Json) -> Vec<(String, Option<f64>)> {
    // A figure of another design than the one that ran is left out.
    let mut rows: Vec<(String, Option<f64>)> = METRICS
        .iter()
        .map(|m| (m, num(s, m.json)))
        .filter(|(m, v)| !(m.design_figure() && v.is_none()))
        .map(|(m, v)| (m.heading(), v))
        .collect();
    rows.push((
        "fees paid by users (tokens)".to_string(),
        s.get("books")
            .and_then(|b| b.get("fees"))
            .and_then(|f| f.as_str())
            .and_then(|f| f.parse::<f64>().ok())
            .map(|f| f / 1e18),
    ));
    rows
}

/// Writes `<dir>/report.md` and `report.html` for a run or sweep folder
/// (drawing its charts), with `baseline` for the differences and `compare`
/// side by side.
pub fn write_report(
    dir: &Path,
    baseline: &Scenario,
    compare: Option<&Path>,
) -> Result<String, OutputError> {
    let _lock = crate::storage::lock::lock_folder(dir)?;
    crate::storage::commit::check_whole(dir)?;
    let drawn = super::charts::draw_dir_unlocked(dir, &[])?;
    let text = if is_sweep(dir) {
        super::sweep_report::sweep_report(dir, &drawn, compare)?
    } else {
        run_report(dir, baseline, &drawn, compare)?
    };
    let title = text.lines().next().unwrap_or("").trim_start_matches("# ");
    super::html::write_reports(dir, &text, title)?;
    Ok(text)
}

/// A metric of a run's `summary.json` by the name sweeps and comparisons
/// give it.
fn summary_metric(summary: &Json, name: &str) -> Option<f64> {
    let path: Vec<&str> = match METRICS.iter().find(|m| m.key == name) {
        Some(m) => m.json.to_vec(),
        None => name.split('.').collect(),
    };
    num(summary, &path)
}

/// The scenario's observations beside this run's figures.
fn observed_section(sc: &Scenario, summary: &Json) -> String {
    if sc.observed.is_empty() {
        return String::new();
    }
    let mut t = Table::new(["metric", "observed", "this run", "fitted", "source"]);
    for ob in &sc.observed {
        let x = summary_metric(summary, &ob.metric);
        t.row([
            code(&ob.metric),
            ob.stated(),
            format!("{}{}", fmt(x), x.map_or("", |x| ob.mark(x))),
            ob.fitted_word().to_string(),
            ob.source.clone(),
        ]);
    }
    format!(
        "\n## Observed against simulated\n\n{}\n> **One run:** a mean with its interval over replicates comes from `proversim compare` of the scenario with itself (its report has the same table). ✓ or ✗: this run lies inside or outside the band the scenario claims; a fitted row reproduces by construction.\n",
        t.finish()
    )
}

fn read_json(path: &Path) -> Result<Json, OutputError> {
    let t = crate::base::files::read_text(path, crate::base::files::TEXT_LIMIT)
        .map_err(|e| oerr(path, e))?;
    serde_json::from_str(&t).map_err(|e| oerr(path, e))
}

fn run_report(
    dir: &Path,
    baseline: &Scenario,
    drawn: &[Drawn],
    compare: Option<&Path>,
) -> Result<String, OutputError> {
    let sc_path = dir.join("scenario.toml");
    let sc_text = crate::base::files::read_text(&sc_path, crate::base::files::TEXT_LIMIT)
        .map_err(|e| oerr(&sc_path, e))?;
    let sc: Scenario = toml::from_str(&sc_text).map_err(|e| oerr(&sc_path, e))?;
    let summary = read_json(&dir.join("summary.json"))?;
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n\n{}\n", sc.name, sc.description);
    let _ = writeln!(o, "## Reproduce\n");
    let _ = writeln!(o, "- {}", provenance());
    let _ = writeln!(o, "- seed {}", sc.seed);
    let _ = writeln!(
        o,
        "- scenario as run: `scenario.toml`, SHA-256 `{}`",
        sha256_hex(sc_text.as_bytes())
    );
    let _ = writeln!(
        o,
        "- `proversim run scenario.toml --seed {}`, in this folder, gives these outputs byte for byte\n",
        sc.seed
    );
    let _ = writeln!(
        o,
        "## Parameters that differ from the baseline (`{}`)\n",
        baseline.name
    );
    let diffs = differences(&sc, baseline);
    if diffs.is_empty() {
        let _ = writeln!(o, "None: this is the baseline.\n");
    } else {
        let mut t = Table::new(["parameter", "this run", "baseline"]);
        for (k, a, b) in &diffs {
            t.row([code(k), a.clone(), b.clone()]);
        }
        o.push_str(&t.finish());
        o.push('\n');
    }
    let other = match compare {
        Some(p) => Some((p, read_json(&p.join("summary.json"))?)),
        None => None,
    };
    let _ = writeln!(o, "## Key metrics\n");
    match &other {
        None => {
            let mut t = Table::new(["metric", "value"]);
            for (k, v) in run_metrics(&summary) {
                t.row([k, fmt(v)]);
            }
            o.push_str(&t.finish());
        }
        Some((p, s2)) => {
            let name = s2
                .get("scenario")
                .and_then(|n| n.as_str())
                .map_or_else(|| p.display().to_string(), str::to_string);
            let mut t = Table::new(["metric", &sc.name, &name, "difference"]);
            for ((k, a), (_, b)) in run_metrics(&summary).into_iter().zip(run_metrics(s2)) {
                let d = a.zip(b).map(|(a, b)| a - b);
                t.row([k, fmt(a), fmt(b), fmt(d)]);
            }
            o.push_str(&t.finish());
            let _ = writeln!(
                o,
                "\n> **One seed each:** these differences are one pair of runs, not an estimate; no claim rests on them. `proversim compare` runs both on the same seeds and gives each difference with its paired interval, Holm's adjustment, and the pairs a claim would need.\n"
            );
        }
    }
    o.push_str(&observed_section(&sc, &summary));
    if let Some(strategies) = summary.get("strategies").and_then(|s| s.as_object()) {
        let mut t = Table::new([
            "strategy",
            "provers",
            "share of rewards",
            "rewards",
            "costs",
            "profit",
        ]);
        for (name, s) in strategies {
            t.row([
                name.clone(),
                fmt(num(s, &["provers"])),
                format!("{:.2}%", 100.0 * num(s, &["reward_share"]).unwrap_or(0.0)),
                fmt(num(s, &["rewards"])),
                fmt(num(s, &["costs"])),
                fmt(num(s, &["profit"])),
            ]);
        }
        o.push('\n');
        o.push_str(&t.finish());
    }
    if let Some(groups) = summary.get("groups").and_then(|s| s.as_object()) {
        o.push('\n');
        o.push_str(&groups_table(groups));
    }
    if let Some(n) = summary.get("newcomers").and_then(|s| s.as_object())
        && !n.is_empty()
    {
        let mut t = Table::new([
            "newcomer group",
            "arrived at epoch",
            "epochs to parity",
            "earned until parity",
            "an incumbent, same epochs",
        ]);
        for (name, s) in n {
            t.row([
                name.clone(),
                fmt(num(s, &["start_epoch"])),
                fmt(num(s, &["epochs_to_parity"])),
                fmt(num(s, &["earned_until_parity"])),
                fmt(num(s, &["incumbent_earned_same_epochs"])),
            ]);
        }
        o.push('\n');
        o.push_str(&t.finish());
    }
    let balanced = summary
        .get("books")
        .and_then(|b| b.get("balanced"))
        .and_then(|b| b.as_bool())
        .unwrap_or(false);
    let _ = writeln!(
        o,
        "\nThe books {}: minted + fees = paid to sequencers + paid to provers + burnt + dust + unsettled, to the unit.",
        if balanced {
            "balance"
        } else {
            "DO NOT balance"
        }
    );
    booster_section(&mut o, &sc, compare);
    charts_section(&mut o, drawn);
    let _ = writeln!(
        o,
        "## Method\n\n{}\nThe model is described in `docs/model.md`.",
        method(&sc)
    );
    Ok(o)
}

/// The figures of a scenario's booster (exactly from the rules), or `None`
/// for the bonded design, which has none.
fn booster_figures(sc: &Scenario) -> Option<BoosterFigures> {
    if sc.mechanism == crate::schema::Mechanism::BondedQuotes {
        return None;
    }
    let booster = Booster::new(sc.booster.to_config().ok()?).ok()?;
    Some(BoosterFigures::of(&booster))
}

/// The booster's figures, beside the compared run's under `--compare`.
fn booster_section(o: &mut String, sc: &Scenario, compare: Option<&Path>) {
    let Some(mine) = booster_figures(sc) else {
        return;
    };
    let theirs = compare
        .and_then(|p| std::fs::read_to_string(p.join("scenario.toml")).ok())
        .and_then(|t| toml::from_str::<Scenario>(&t).ok())
        .and_then(|s| booster_figures(&s));
    let _ = writeln!(
        o,
        "\n## The booster\n\nIts figures, computed exactly by its rules (`proversim booster` gives them for any constants):\n"
    );
    match theirs {
        None => {
            let mut t = Table::new(["figure", "value"]);
            for (k, v) in mine.rows() {
                t.row([k.to_string(), v]);
            }
            o.push_str(&t.finish());
        }
        Some(t) => {
            let mut table = Table::new(["figure", "this run", "compared"]);
            for ((k, a), (_, b)) in mine.rows().into_iter().zip(t.rows()) {
                table.row([k.to_string(), a, b]);
            }
            o.push_str(&table.finish());
        }
    }
}

/// Each prover group's results: its share, what its provers proved and
/// lost to longer proofs, their mean booster score, profit, entries and
/// exits.
fn groups_table(groups: &serde_json::Map<String, Json>) -> String {
    let mut t = Table::new([
        "group",
        "strategy",
        "provers",
        "share of rewards",
        "epochs proved",
        "epochs superseded",
        "mean score",
        "profit",
        "entries",
        "exits",
    ]);
    for (name, g) in groups {
        t.row([
            name.clone(),
            g.get("strategy")
                .and_then(Json::as_str)
                .unwrap_or("")
                .to_string(),
            fmt(num(g, &["provers"])),
            format!("{:.2}%", 100.0 * num(g, &["reward_share"]).unwrap_or(0.0)),
            fmt(num(g, &["epochs_proved"])),
            fmt(num(g, &["epochs_superseded"])),
            fmt(num(g, &["mean_score"])),
            fmt(num(g, &["profit"])),
            fmt(num(g, &["entries"])),
            fmt(num(g, &["exits"])),
        ]);
    }
    t.finish()
}
