//! Paired experiments: both scenarios run on the same seeds, every
//! interval in `compare.json` is the paired Student-t interval of the
//! differences in `compare.parquet`, and the report names the scenarios.

use std::path::{Path, PathBuf};
use std::process::Command;

use proversim::compare::{CompareOptions, Side, compare, side_names, write_outputs};
use proversim::storage::saved::{numbers, read_table, texts};

fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn side(file: &str, sets: &[&str], name: Option<String>) -> Side {
    let path = scenarios().join(file);
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let scenario = proversim::scenario::load(&path, &sets).unwrap();
    Side {
        name: name.unwrap_or_else(|| scenario.name.clone()),
        file: path.display().to_string(),
        scenario,
    }
}

/// The 97.5% quantile of Student's t with 7 degrees of freedom, from the
/// printed tables.
const T_7: f64 = 2.364_624;

#[test]
fn azip5_against_baseline_on_eight_paired_seeds() {
    let tmp = tempfile::tempdir().unwrap();
    let short = ["epochs=150"];
    let a = side("baseline.toml", &short, None);
    let b = side("azip5.toml", &short, None);
    let c = compare(
        a,
        b,
        &CompareOptions {
            replicates: 8,
            seed: Some(5),
            threads: 2,
            progress: None,
        },
    )
    .unwrap();
    let out = tmp.path().join("cmp");
    write_outputs(&c, &out, "proversim compare baseline.toml azip5.toml").unwrap();

    let df = read_table(&out.join("compare.parquet")).unwrap();
    assert_eq!(df.height(), 16);
    let scen = texts(&df, "scenario");
    let seeds: Vec<u64> = df
        .column("seed")
        .unwrap()
        .u64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let reps = numbers(&df, "replicate");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("compare.json")).unwrap()).unwrap();
    assert_eq!(json["a"], "baseline");
    assert_eq!(json["b"], "azip5");
    assert_eq!(json["replicates"], 8);
    // The same seeds for both scenarios, replicate by replicate.
    let json_seeds: Vec<u64> = json["seeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect();
    for (r, &seed) in json_seeds.iter().enumerate() {
        let of = |name: &str| {
            (0..16)
                .find(|&i| scen[i] == name && reps[i] == r as f64)
                .unwrap()
        };
        assert_eq!(seeds[of("baseline")], seeds[of("azip5")]);
        assert_eq!(seeds[of("baseline")], seed);
    }
    let mut distinct = json_seeds.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 8);

    // Every interval recomputed from the table.
    let metrics = json["metrics"].as_object().unwrap();
    assert!(metrics.contains_key("liveness") && metrics.contains_key("reward_hhi"));
    assert!(metrics.keys().any(|k| k.starts_with("strategies.")));
    let mut checked = 0;
    for (name, m) in metrics {
        let col = numbers(&df, name);
        let (mut a, mut b) = (vec![f64::NAN; 8], vec![f64::NAN; 8]);
        for i in 0..16 {
            let r = reps[i] as usize;
            if scen[i] == "baseline" {
                a[r] = col[i];
            } else {
                b[r] = col[i];
            }
        }
        let d: Vec<f64> = a
            .iter()
            .zip(&b)
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|(x, y)| y - x)
            .collect();
        assert_eq!(m["n"].as_u64().unwrap() as usize, d.len(), "{name}");
        if d.len() != 8 {
            continue;
        }
        let mean = d.iter().sum::<f64>() / 8.0;
        let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 7.0).sqrt();
        let half = T_7 * sd / 8f64.sqrt();
        let close = |x: &serde_json::Value, y: f64| {
            let x = x.as_f64().unwrap();
            (x - y).abs() <= 1e-6 * (1.0 + y.abs())
        };
        assert!(close(&m["diff_mean"], mean), "{name}: {m}");
        assert!(
            close(&m["diff_ci_low"], mean - half),
            "{name}: {m} vs {}",
            mean - half
        );
        assert!(close(&m["diff_ci_high"], mean + half), "{name}: {m}");
        checked += 1;
    }
    assert!(checked > 20, "{checked}");

    // The booster keys differ; the report names the scenarios.
    let diffs = json["differences"].as_array().unwrap();
    assert!(
        diffs
            .iter()
            .any(|d| d["key"].as_str().unwrap().starts_with("booster.")),
        "{diffs:?}"
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.starts_with("# azip5 against baseline"), "{report}");
    assert!(report.contains("| metric | baseline | azip5 |"));
    assert!(out.join("charts/active_provers.png").exists());
    let epochs = read_table(&out.join("epochs.parquet")).unwrap();
    assert_eq!(epochs.height(), 16 * 150);

    // Holm's adjustment over every metric: each adjusted p-value at least
    // its own, at most 1, and at least the smaller ones' adjusted values.
    assert!(json["adjustment"].as_str().unwrap().starts_with("holm"));
    let mut ps: Vec<(f64, f64)> = metrics
        .values()
        .filter_map(|m| Some((m["p_value"].as_f64()?, m["p_holm"].as_f64()?)))
        .collect();
    assert!(ps.len() > 20);
    ps.sort_by(|x, y| x.0.total_cmp(&y.0));
    let m = ps.len() as f64;
    for (i, w) in ps.iter().enumerate() {
        assert!(w.1 >= w.0.min(1.0) - 1e-12 && w.1 <= 1.0, "{w:?}");
        assert!(
            w.1 + 1e-12 >= (w.0 * (m - i as f64)).min(1.0),
            "{w:?} at {i}"
        );
    }
    // Metrics by effect size, largest first.
    let order: Vec<f64> = json["by_effect_size"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            metrics[k.as_str().unwrap()]["effect_size"]
                .as_f64()
                .map_or(-1.0, f64::abs)
        })
        .collect();
    assert_eq!(order.len(), metrics.len());
    assert!(order.windows(2).all(|w| w[0] >= w[1]), "{order:?}");
    // Per prover group: AZIP-5's constants take the intermittent provers'
    // share, and the report shows it with its paired interval.
    let share = &metrics["groups.intermittent.reward_share"];
    assert!(share["diff_ci_high"].as_f64().unwrap() < 0.0, "{share}");
    assert_eq!(share["p_holm"].as_f64().map(|p| p < 0.05), Some(true));
    assert!(report.contains("### Per prover group"));
    assert!(
        report.contains("| `groups.intermittent.reward_share` |"),
        "{report}"
    );
    assert!(report.contains("p (Holm)"));
}

#[test]
fn a_scenario_against_itself_differs_by_nothing() {
    let a = side("baseline.toml", &["epochs=40"], None);
    let b = side("baseline.toml", &["epochs=40"], None);
    let (na, nb) = side_names(&a.scenario, &b.scenario);
    assert_eq!((na.as_str(), nb.as_str()), ("baseline (A)", "baseline (B)"));
    let c = compare(
        Side { name: na, ..a },
        Side { name: nb, ..b },
        &CompareOptions {
            replicates: 3,
            seed: None,
            threads: 1,
            progress: None,
        },
    )
    .unwrap();
    let d = proversim::compare::diffs(&c);
    for (name, m) in &d {
        assert_eq!(m.diff_mean, 0.0, "{name}");
        assert_eq!((m.diff_ci_low, m.diff_ci_high), (0.0, 0.0), "{name}");
    }
    assert!(d.len() > 20);
}

#[test]
fn the_command_writes_its_outputs_and_rejects_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_proversim");
    let out = tmp.path().join("c");
    let o = Command::new(bin)
        .args(["compare"])
        .arg(scenarios().join("baseline.toml"))
        .arg(scenarios().join("baseline.toml"))
        .args([
            "--replicates",
            "3",
            "--set",
            "epochs=30",
            "--set-b",
            "rewards.sequencer_bps=5000",
            "--out",
        ])
        .arg(&out)
        .env("PROVERSIM_PROGRESS_SECS", "0")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    // Not a terminal: plain progress lines.
    assert!(stderr.contains("progress: 6/6 runs done"), "{stderr}");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("warning: only 3 replicates"), "{stdout}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("compare.json")).unwrap()).unwrap();
    assert_eq!(json["differences"][0]["key"], "rewards.sequencer_bps");
    assert!(
        json["metrics"]["sequencer_income"]["diff_mean"]
            .as_f64()
            .unwrap()
            < 0.0
    );
    // `report` and `chart` on the comparison's folder give what `compare`
    // wrote there.
    for (command, expect) in [("report", "report.md"), ("chart", "active_provers.png")] {
        let o = Command::new(bin).arg(command).arg(&out).output().unwrap();
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            o.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(stdout.contains(expect), "{command}: {stdout}");
    }

    let o = Command::new(bin)
        .args(["compare", "no-such.toml"])
        .arg(scenarios().join("baseline.toml"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no-such.toml"));
    let o = Command::new(bin)
        .arg("compare")
        .arg(scenarios().join("baseline.toml"))
        .arg(scenarios().join("baseline.toml"))
        .args(["--replicates", "1", "--out"])
        .arg(tmp.path().join("one"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("at least 2"));
}

#[test]
fn the_azip5_header_holds_on_its_twenty_pairs() {
    let c = compare(
        side("baseline.toml", &[], None),
        side("azip5.toml", &[], None),
        &CompareOptions {
            replicates: 20,
            seed: None,
            threads: 2,
            progress: None,
        },
    )
    .unwrap();
    let m = proversim::compare::diffs(&c);
    let share = &m["groups.intermittent.reward_share"];
    // 4.63% → 0.35%, −4.28 points [−4.31, −4.25].
    assert!((share.a_mean - 0.0463).abs() < 5e-5, "{share:?}");
    assert!((share.b_mean - 0.0035).abs() < 5e-5, "{share:?}");
    assert!((share.diff_ci_low + 0.0431).abs() < 5e-5, "{share:?}");
    assert!((share.diff_ci_high + 0.0425).abs() < 5e-5, "{share:?}");
    assert!(share.differs());
    let hhi = &m["reward_hhi"];
    assert!(
        (hhi.diff_mean - 0.0051).abs() < 5e-5 && hhi.differs(),
        "{hhi:?}"
    );
    assert_eq!(m["liveness"].b_mean, 1.0);
    let proved = &m["groups.intermittent.epochs_proved"];
    assert!((proved.a_mean - 4986.0).abs() < 1.0 && (proved.b_mean - 161.4).abs() < 0.1);
}

#[test]
fn the_redundancy_header_holds_on_its_ten_pairs() {
    let c = compare(
        side("redundancy.toml", &[], None),
        side(
            "redundancy.toml",
            &["booster.rule=flat"],
            Some("flat".into()),
        ),
        &CompareOptions {
            replicates: 10,
            seed: None,
            threads: 2,
            progress: None,
        },
    )
    .unwrap();
    let m = proversim::compare::diffs(&c);
    let r = &m["redundancy"];
    // 149.6 under the booster, 210.3 under the flat rule, +60.7 [58.2, 63.3].
    assert!(
        (r.a_mean - 149.6).abs() < 0.05 && (r.b_mean - 210.3).abs() < 0.05,
        "{r:?}"
    );
    assert!(
        (r.diff_ci_low - 58.2).abs() < 0.05 && (r.diff_ci_high - 63.3).abs() < 0.05,
        "{r:?}"
    );
    assert!(r.differs());
    let costs = &m["prover_costs"];
    assert!((costs.diff_mean - 0.95e6).abs() < 0.01e6, "{costs:?}");
    assert_eq!(m["user_fees"].diff_mean, 0.0);
}
