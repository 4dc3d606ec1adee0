//! A real calibration inside `cargo test`: Groth16 timed on circuits up to
//! 2^10 constraints. It has a test binary of its own, so that no other test
//! of the suite runs beside it and disturbs the timing.

use proversim::cost::{Calibration, parse_sizes, run_calibration};

#[test]
fn a_small_calibration_fits_a_line() {
    let sizes = parse_sizes("2^6..2^10").unwrap();
    assert_eq!(sizes, vec![64, 128, 256, 512, 1024]);
    // Timing is a measurement: a machine busy with something else can
    // spoil one, so up to three are made and the best must fit.
    let mut attempts = Vec::new();
    for _ in 0..3 {
        let mut seen = 0;
        let c = run_calibration(&sizes, 5, "test", |p| {
            seen += 1;
            assert!(p.prove_seconds > 0.0 && p.verify_seconds > 0.0);
            assert!(
                p.prove_min_seconds <= p.prove_seconds && p.prove_seconds <= p.prove_max_seconds
            );
        })
        .unwrap();
        assert_eq!(seen, 5);
        assert_eq!(c.points.len(), 5);
        assert!(c.software.arkworks.contains("ark-groth16 0.6"));
        // It round-trips through its file.
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("c.toml");
        std::fs::write(&path, c.to_toml()).unwrap();
        assert_eq!(Calibration::load(&path).unwrap(), c);
        let good = c.fit.per_constraint_seconds > 0.0 && c.fit.r_squared > 0.9;
        attempts.push(c.fit);
        if good {
            return;
        }
    }
    panic!("no calibration fitted a line: {attempts:?}");
}
