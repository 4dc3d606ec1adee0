//! Charts and reports: every chart is drawn, non-empty and a valid PNG and
//! SVG, for a run and a sweep; report.md embeds every chart it names and
//! lists every parameter changed.

use std::path::Path;
use std::process::Command;

use proversim::output::charts::{draw_run, draw_sweep};
use proversim::output::plot::{Drawn, files};
use proversim::output::report::{differences, write_report};
use proversim::sweep::{SweepOptions, parse, run_sweep};

fn scenarios() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn check_files(dir: &Path, drawn: &[Drawn]) {
    for d in drawn {
        let [png, svg] = files(dir, d);
        let png = std::fs::read(&png).unwrap();
        assert!(png.len() > 5_000, "{} is nearly empty", d.stem);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{} is not a PNG", d.stem);
        let svg = std::fs::read_to_string(&svg).unwrap();
        assert!(
            svg.contains("<svg") && svg.trim_end().ends_with("</svg>"),
            "{}",
            d.stem
        );
        assert!(svg.len() > 2_000);
    }
}

#[test]
fn a_run_draws_every_chart_and_reports_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let s = proversim::scenario::load(
        &scenarios().join("bridging.toml"),
        &[
            "epochs=30".to_string(),
            "booster.increment=200000".to_string(),
        ],
    )
    .unwrap();
    proversim::run::run_to_dir(&s, &out, false, None, None).unwrap();
    let drawn = draw_run(&out).unwrap();
    let stems: Vec<&str> = drawn.iter().map(|d| d.stem.as_str()).collect();
    for stem in [
        "active-provers",
        "reward-share-strategy",
        "reward-share-top",
        "booster-curve",
        "booster-newcomer",
        "liveness",
        "proof-latency",
        "income",
        "bridging-latency",
    ] {
        assert!(stems.contains(&stem), "no {stem} in {stems:?}");
    }
    check_files(&out, &drawn);
    let baseline = proversim::scenario::load(&scenarios().join("baseline.toml"), &[]).unwrap();
    let report = write_report(&out, &baseline, None).unwrap();
    assert_eq!(
        std::fs::read_to_string(out.join("report.md")).unwrap(),
        report
    );
    for d in &drawn {
        assert!(
            report.contains(&format!("](charts/{}.png)", d.stem)),
            "{}",
            d.stem
        );
    }
    // Every embedded chart exists.
    for line in report.lines().filter(|l| l.starts_with("![")) {
        let target = &line[line.find("](").unwrap() + 2..line.len() - 1];
        assert!(out.join(target).exists(), "{target}");
    }
    let diffs = differences(&s, &baseline);
    assert!(diffs.iter().any(|(k, _, _)| k == "booster.increment"));
    assert!(diffs.iter().any(|(k, _, _)| k == "epochs"));
    for (k, a, b) in &diffs {
        assert!(report.contains(&format!("| `{k}` | {a} | {b} |")), "{k}");
    }
    assert!(report.contains("## Method") && report.contains("SHA-256"));
}

#[test]
fn a_sweep_draws_heatmaps_and_bands_and_reports_intervals() {
    let tmp = tempfile::tempdir().unwrap();
    let text = r#"
epochs = 8
[[provers]]
name = "honest"
count = 3
[sweep]
base = "baseline.toml"
replicates = 3
seed = 4
[[sweep.parameter]]
key = "booster.increment"
values = [100000, 200000]
[[sweep.parameter]]
key = "booster.decay"
values = [50000, 100000]
"#
    .replace("booster.decay\"", "booster.decay_per_epoch\"");
    let sweep = parse("s.toml", &text, &scenarios()).unwrap();
    let out = tmp.path().join("sweep");
    run_sweep(&sweep, &SweepOptions::new(&out, 2)).unwrap();
    let metrics = vec!["reward_hhi".to_string(), "liveness".to_string()];
    let drawn = draw_sweep(&out, &metrics).unwrap();
    assert_eq!(drawn.len(), 4);
    check_files(&out, &drawn);
    let report = write_report(&out, &proversim::scenario::Scenario::default(), None).unwrap();
    assert!(report.contains("mean ± Student-t 95% interval over 3 replicates"));
    assert!(report.contains("**Warning:** 3 replicates per cell"));
    assert!(report.contains("| `booster.increment` |"));
    // What the sweep file sets on its base is listed.
    assert!(report.contains("| `epochs` | 8 |"), "{report}");
    for d in &drawn {
        assert!(report.contains(&format!("charts/{}.png", d.stem)));
    }
    // Another sweep of the same keys is joined on their values, whatever
    // the order of its cells.
    let reordered = text
        .replace("values = [100000, 200000]", "values = [200000, 100000]")
        .replace("seed = 4", "seed = 5");
    let other = tmp.path().join("other");
    let mut o = SweepOptions::new(&other, 2);
    run_sweep(&parse("other.toml", &reordered, &scenarios()).unwrap(), &o).unwrap();
    let both = write_report(
        &out,
        &proversim::scenario::Scenario::default(),
        Some(&other),
    )
    .unwrap();
    assert!(both.contains("liveness (other) |"), "{both}");
    let row = |r: &str, cell: &str| {
        r.lines()
            .find(|l| l.starts_with(&format!("| {cell} |")))
            .unwrap()
            .to_string()
    };
    // Cell 0 here (increment 100000, decay 50000) is cell 2 there: its
    // concentration (the third metric) beside ours is theirs of cell 2.
    let alone = write_report(&other, &proversim::scenario::Scenario::default(), None).unwrap();
    let cols = |l: String| {
        l.split('|')
            .map(|c| c.trim().to_string())
            .collect::<Vec<_>>()
    };
    let mine = cols(row(&both, "0"));
    let theirs = cols(row(&alone, "2"));
    assert_eq!(&mine[1..4], ["0", "100000", "50000"]);
    assert_eq!(&theirs[1..4], ["2", "100000", "50000"]);
    assert_eq!(mine[4 + 2 * 2 + 1], theirs[4 + 2], "{both}\n{alone}");
    // Sweeps of other keys are refused.
    let different = text
        .replace("booster.decay_per_epoch\"", "booster.a\"")
        .replace("[50000, 100000]", "[1000, 2000]");
    o.out = tmp.path().join("different");
    run_sweep(&parse("d.toml", &different, &scenarios()).unwrap(), &o).unwrap();
    let e = write_report(
        &out,
        &proversim::scenario::Scenario::default(),
        Some(&o.out),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("cannot be compared") && e.contains("booster.a"),
        "{e}"
    );
}

#[test]
fn a_missing_baseline_is_an_error_and_the_default_is_built_in() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_proversim");
    let dir = tmp.path().join("run");
    run_cli("azip5.toml", 5, &dir, &["--no-charts"]);
    let o = Command::new(bin)
        .arg("report")
        .arg(&dir)
        .args(["--baseline", "/no/such/baseline.toml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/no/such/baseline.toml"));
    // From another folder, without scenarios/: the compiled-in baseline.
    let o = Command::new(bin)
        .current_dir(tmp.path())
        .arg("report")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        report.contains("differ from the baseline (`baseline`)"),
        "{report}"
    );
    assert!(report.contains("`booster.increment`"), "{report}");
}

#[test]
fn a_governed_run_charts_its_values_and_marks_its_payloads() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("gov");
    run_cli("governance.toml", 70, &dir, &[]);
    let epochs = proversim::storage::saved::read_table(&dir.join("epochs.parquet")).unwrap();
    let reward = proversim::storage::saved::numbers(&epochs, "checkpoint_reward");
    // The first payload executed within the run and raised the reward.
    assert!(
        reward.last().unwrap() > reward.first().unwrap(),
        "{reward:?}"
    );
    let (chart, caption, _) = proversim::output::governance_chart::governed_values(&dir, &epochs)
        .unwrap()
        .unwrap();
    assert_eq!(chart, "governance");
    assert!(caption.contains("marked"));
    assert!(dir.join("charts/governance.png").exists());
    // A run where nothing is governed has no such chart.
    let plain = tmp.path().join("plain");
    run_cli("baseline.toml", 5, &plain, &[]);
    assert!(!plain.join("charts/governance.png").exists());
}

/// Runs a shipped scenario for `epochs` epochs into `out` with the command
/// line, and checks that it succeeded.
fn run_cli(scenario: &str, epochs: u64, out: &Path, extra: &[&str]) {
    let o = Command::new(env!("CARGO_BIN_EXE_proversim"))
        .args(["run", "-q", "--set", &format!("epochs={epochs}"), "--out"])
        .arg(out)
        .args(extra)
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("scenarios")
                .join(scenario),
        )
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_run_into_a_log_writes_plain_progress_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_proversim"))
        .args(["run", "--no-charts", "--set", "epochs=40", "--out"])
        .arg(tmp.path().join("run"))
        .arg(scenarios().join("baseline.toml"))
        .env("PROVERSIM_PROGRESS_SECS", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    // Not a terminal: lines, never a bar's carriage returns, never past the
    // total, and the last one at the end.
    assert!(!stderr.contains('\r'), "{stderr:?}");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("progress: "))
        .collect();
    assert!(lines.len() > 1, "{stderr}");
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("progress: 40/40 epochs done"),
        "{stderr}"
    );
    assert!(!stderr.contains("failed"), "{stderr}");
    // Quiet: nothing.
    let o = Command::new(env!("CARGO_BIN_EXE_proversim"))
        .args(["run", "-q", "--no-charts", "--set", "epochs=40", "--out"])
        .arg(tmp.path().join("quiet"))
        .arg(scenarios().join("baseline.toml"))
        .env("PROVERSIM_PROGRESS_SECS", "0")
        .output()
        .unwrap();
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn report_writes_a_self_contained_html_page_beside_the_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run");
    run_cli("baseline.toml", 20, &dir, &[]);
    let o = Command::new(env!("CARGO_BIN_EXE_proversim"))
        .arg("report")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("report.html"));
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Every chart the Markdown links is inlined: nothing to fetch.
    let charts = md.matches("](charts/").count();
    assert!(charts > 3, "{charts}");
    assert_eq!(html.matches("src=\"data:image/png;base64,").count(), charts);
    assert!(!html.contains("src=\"charts/"));
    assert!(html.contains("<meta name=\"viewport\""));
    // Provenance: the version and the commit; the command from the folder.
    assert!(md.contains("(commit "), "{md}");
    assert!(md.contains("`proversim run scenario.toml --seed"), "{md}");
    // The method states the group's drawn price and the calibrated times.
    assert!(md.contains("lognormal (median"), "{md}");
    assert!(
        md.contains("Proving times are calibrated, by the fit of a Groth16 prover"),
        "{md}"
    );
}

#[test]
fn observations_sit_beside_a_runs_figures_and_each_sides_interval() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mainnet");
    run_cli("mainnet-v5.toml", 40, &out, &["--no-charts"]);
    let o = Command::new(env!("CARGO_BIN_EXE_proversim"))
        .arg("report")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    let section = report
        .split("## Observed against simulated")
        .nth(1)
        .expect("an observed section");
    // Every observation of the file is a row, with this run's figure.
    for metric in [
        "network.proofs_per_epoch.mean",
        "network.provers_per_day",
        "network.l1_gas_per_proof",
        "network.prover_l1_eth_per_day",
        "network.l1_transactions_per_day",
    ] {
        assert!(section.contains(&format!("`{metric}`")), "{metric}");
    }
    // Gas per proof is a prediction (proofs alone and in bundles), inside
    // its band.
    let gas_row = section
        .lines()
        .find(|l| l.contains("`network.l1_gas_per_proof`"))
        .expect("a gas row");
    assert!(
        gas_row.contains("| 1.65M (band 1.4M to 1.9M) |") && gas_row.contains(" ✓ | no |"),
        "{gas_row}"
    );
    // A comparison gives each side's mean and interval, in its report and
    // its compare.json.
    let cmp = tmp.path().join("cmp");
    let o = Command::new(env!("CARGO_BIN_EXE_proversim"))
        .args(["compare", "-q", "--replicates", "3", "--set", "epochs=40"])
        .args(["--set-b", "protocol=v6", "--out"])
        .arg(&cmp)
        .arg(scenarios().join("mainnet-v5.toml"))
        .arg(scenarios().join("mainnet-v5.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cmp.join("compare.json")).unwrap()).unwrap();
    let rows = json["observed"].as_array().expect("observed rows");
    assert_eq!(rows.len(), 6);
    let gas = rows
        .iter()
        .find(|r| r["metric"] == "network.l1_gas_per_proof")
        .unwrap();
    assert_eq!(gas["value"], 1_650_000.0);
    assert_eq!(gas["fitted"], false);
    // Between a proof in a bundle (1.45 M) and one alone (1.75 M).
    let mean = gas["a"]["mean"].as_f64().unwrap();
    assert!((1_454_545.0..1_750_000.0).contains(&mean), "{mean}");
    assert_eq!(gas["a"]["n"], 3);
    let transactions = rows
        .iter()
        .find(|r| r["metric"] == "network.l1_transactions_per_day")
        .unwrap();
    assert_eq!(transactions["fitted"], true);
    let md = std::fs::read_to_string(cmp.join("report.md")).unwrap();
    assert!(md.contains("## Observed against simulated"));
}
