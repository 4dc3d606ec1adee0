//! Charts and reports: every chart is drawn, non-empty and a valid PNG and
//! SVG, for a run and a sweep; report.md embeds every chart it names and
//! lists every parameter changed.

use std::path::Path;

use proversim::output::charts::{Drawn, draw_run, draw_sweep, files};
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
    run_sweep(
        &sweep,
        &SweepOptions {
            out: out.clone(),
            threads: 2,
            shard: None,
            resume: false,
            keep_runs: false,
            progress: None,
        },
    )
    .unwrap();
    let metrics = vec!["reward_hhi".to_string(), "liveness".to_string()];
    let drawn = draw_sweep(&out, &metrics).unwrap();
    assert_eq!(drawn.len(), 4);
    check_files(&out, &drawn);
    let report = write_report(&out, &proversim::scenario::Scenario::default(), None).unwrap();
    assert!(report.contains("mean ± 95% interval"));
    assert!(report.contains("| `booster.increment` |"));
    for d in &drawn {
        assert!(report.contains(&format!("charts/{}.png", d.stem)));
    }
}
