//! The calibration: a real Groth16 prover timed on small circuits, proofs
//! that verify and tampered ones that do not, and calibration files that
//! are read with clear errors.

use std::path::Path;

use ark_bn254::Fr;
use proversim::cost::calibrate::{SquaringChain, prove_and_check};
use proversim::cost::{Calibration, parse_sizes};

#[test]
fn proofs_verify_and_tampered_statements_do_not() {
    let circuit = SquaringChain {
        x: Fr::from(7u64),
        steps: 20,
    };
    assert!(prove_and_check(circuit, circuit.output(), 1).unwrap());
    let wrong = circuit.output() + Fr::from(1u64);
    assert!(!prove_and_check(circuit, wrong, 1).unwrap());
}

#[test]
fn the_shipped_calibration_is_valid_and_reaches_2_to_the_16() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("calibrations/default.toml");
    let c = Calibration::load(&path).unwrap();
    assert!(c.points.iter().any(|p| p.constraints >= 1 << 16));
    assert!(c.fit.per_constraint_seconds > 0.0 && c.fit.r_squared > 0.9);
}

#[test]
fn bad_calibration_files_give_clear_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad-calibrations");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        n += 1;
        let expected = std::fs::read_to_string(path.with_extension("err")).unwrap();
        let err = Calibration::load(&path).unwrap_err();
        let err = err.replace(&format!("{}/", dir.display()), "");
        assert_eq!(err, expected.trim_end(), "{}", path.display());
    }
    assert!(n >= 3);
    assert!(parse_sizes("2^40").is_err());
    // Sizes past what a machine can prove are refused before any setup
    // (2^29 and 2^30 once ran out of memory).
    let e = parse_sizes("2^29,2^30").unwrap_err();
    assert!(e.contains("expected 2^1 .. 2^20"), "{e}");
    assert!(parse_sizes("2^19,2^20").is_ok());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_proversim"))
        .args(["calibrate", "--repeat", "0", "--out", "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--repeat"));
    assert!(parse_sizes("1024").is_err(), "one size cannot fit a line");
    assert!(parse_sizes("2^12..2^10").is_err());
}

#[test]
fn a_scenario_takes_its_provers_times_from_a_calibration() {
    let text = r#"
name = "calibrated"
[cost]
calibration = "../calibrations/default.toml"
constraints_per_tx = 10000
constraints_per_block = 50000

[[provers]]
name = "fast"
hardware_speedup = 4.0
"#;
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let s = proversim::scenario::load::parse_in("calibrated.toml", text, &scenarios, &[]).unwrap();
    let c = Calibration::load(&scenarios.join("../calibrations/default.toml")).unwrap();
    let g = &s.provers[0];
    let expected = c.fit.per_constraint_seconds * 10_000.0 / 4.0;
    assert!((g.per_tx_seconds - expected).abs() < 1e-15);
    assert!((g.per_block_seconds - c.fit.per_constraint_seconds * 50_000.0 / 4.0).abs() < 1e-15);
    // The scenario as run carries the numbers.
    let cost = s.cost.as_ref().unwrap();
    assert_eq!(cost.calibration, None);
    assert_eq!(
        cost.per_constraint_seconds,
        Some(c.fit.per_constraint_seconds)
    );
    let bad = text.replace("../calibrations/default.toml", "nowhere.toml");
    let e = proversim::scenario::load::parse_in("calibrated.toml", &bad, &scenarios, &[])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("key 'cost.calibration'") && e.contains("cannot read the calibration"),
        "{e}"
    );
}

#[test]
fn calibrate_writes_a_new_file_and_replaces_one_only_when_asked() {
    let bin = env!("CARGO_BIN_EXE_proversim");
    let tmp = tempfile::tempdir().unwrap();
    // The shipped calibration, as every shipped scenario reads it.
    let shipped = tmp.path().join("calibrations/default.toml");
    std::fs::create_dir_all(shipped.parent().unwrap()).unwrap();
    const SHIPPED: &str = "# measured on the reference machine\n";
    std::fs::write(&shipped, SHIPPED).unwrap();
    let calibrate = |extra: &[&str]| {
        std::process::Command::new(bin)
            .current_dir(tmp.path())
            .args(["calibrate", "--sizes", "2^6,2^7", "--repeat", "1"])
            .args(extra)
            .output()
            .unwrap()
    };
    // By default: a new file beside it, and how to use it.
    let o = calibrate(&[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("written to calibrations/local.toml"),
        "{stdout}"
    );
    assert!(stdout.contains("[cost] table"), "{stdout}");
    assert!(tmp.path().join("calibrations/local.toml").exists());
    assert_eq!(std::fs::read_to_string(&shipped).unwrap(), SHIPPED);
    // An existing file is refused before anything is timed...
    let o = calibrate(&["--out", "calibrations/default.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--replace"));
    assert_eq!(std::fs::read_to_string(&shipped).unwrap(), SHIPPED);
    // ...and replaced when asked.
    let o = calibrate(&["--out", "calibrations/default.toml", "--replace"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(std::fs::read_to_string(&shipped).unwrap().contains("[fit]"));
}
