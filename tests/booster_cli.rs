//! The `booster` command: figures for a scenario's booster or constants on
//! the command line, computed by the rules, and constants for targets.

use std::process::Command;

use serde_json::Value;

fn booster(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_proversim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("booster")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn azip5_figures_from_its_scenario_and_from_constants_agree() {
    let (code, out, _) = booster(&["scenarios/azip5.toml", "--format", "json"]);
    assert_eq!(code, Some(0));
    let f: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(f["zero_to_max_epochs"], 191);
    assert_eq!(f["one_miss_share"], 0.756951);
    assert_eq!(f["two_miss_share"], 0.013951);
    assert_eq!(f["recovery_epochs"], 71);
    assert_eq!(f["breakeven_cycle_epochs"], 73);
    let (_, again, _) = booster(&[
        "--increment",
        "101400",
        "--max-score",
        "367500",
        "--a",
        "250000",
        "--minimum",
        "10000",
        "--format",
        "json",
    ]);
    assert_eq!(out, again);
}

#[test]
fn the_deployed_newcomer_reaches_99_percent_after_584_epochs() {
    let (code, out, _) = booster(&["--format", "json"]);
    assert_eq!(code, Some(0));
    let f: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(f["zero_to_99pct_epochs"], 584);
    assert_eq!(f["zero_to_max_epochs"], 596);
    let (_, table, _) = booster(&[]);
    assert!(table.contains("epochs to recover from 1 miss"), "{table}");
}

#[test]
fn targets_find_the_azip5_neighbourhood_or_say_none_meet() {
    let (code, out, _) = booster(&[
        "--minimum",
        "10000",
        "--target",
        "one_miss_share>=0.75,recovery_epochs<=72,zero_to_max_epochs<=200,breakeven_coverage<=0.99",
        "--candidates",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(code, Some(0), "{out}");
    let r: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(r["meets"], true);
    let best = &r["candidates"][0];
    let gain = best["increment"].as_f64().unwrap() - 100_000.0;
    // AZIP-5 gains 1,400 an epoch at 100,000 decay, a = 250,000.
    assert!((700.0..2_800.0).contains(&gain), "{best}");
    let a = best["a"].as_f64().unwrap();
    assert!((125_000.0..500_000.0).contains(&a), "{best}");
    assert!(best["figures"]["one_miss_share"].as_f64().unwrap() >= 0.75);
    assert!(best["figures"]["recovery_epochs"].as_u64().unwrap() <= 72);
    // Contradictory targets: nothing meets them, exit 1, said plainly.
    let (code, out, _) = booster(&[
        "--target",
        "zero_to_max_epochs>=500,zero_to_max_epochs<=100",
    ]);
    assert_eq!(code, Some(1));
    assert!(
        out.starts_with("no constants within the contracts' bounds meet"),
        "{out}"
    );
}

#[test]
fn bad_constants_and_targets_are_clear_errors() {
    let (code, _, err) = booster(&["--k", "0"]);
    assert_eq!(code, Some(2));
    assert!(err.starts_with("error: --k: "), "{err}");
    let (code, _, err) = booster(&["--target", "speed>=3"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown figure 'speed'"), "{err}");
    let (code, _, err) = booster(&["scenarios/missing.toml"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("missing.toml"), "{err}");
    // The search keeps at most 50 candidates: more is refused at once
    // (a count past any integer once overflowed, a large one ran for long).
    for many in ["51", "18446744073709551615", "0"] {
        let (code, _, err) = booster(&["--target", "recovery_epochs<=80", "--candidates", many]);
        assert_eq!(code, Some(2), "{many}");
        assert!(err.contains("--candidates"), "{err}");
    }
}
