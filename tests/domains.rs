//! Every numeric key of the domain table, tried at its bounds (accepted)
//! and just past them (refused, naming the key), through `--set` on the
//! baseline scenario: the table is what the loader enforces.

use std::path::Path;

use proversim::scenario::domains::{Range, all};

/// Whether loading the baseline with these overrides names `key` in a
/// problem.
fn refuses(key: &str, overrides: &[String]) -> bool {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    match proversim::scenario::load(&path, overrides) {
        Ok(_) => false,
        Err(e) => e.problems.iter().any(|p| p.key == key),
    }
}

fn real(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        "inf".into()
    } else {
        format!("{x:?}")
    }
}

#[test]
fn every_key_is_accepted_at_its_bounds_and_refused_past_them() {
    let mut tried = 0;
    for d in all() {
        // The first group stands for every group.
        let problem_key = d.key.replace("[]", "[0]");
        let set_key = d.key.replace("[]", ".0");
        let (ok, bad): (Vec<String>, Vec<String>) = match d.range {
            Range::Int(min, max) => {
                let mut ok = vec![min.to_string()];
                let mut bad = vec![(min - 1).to_string()];
                if max < i64::MAX {
                    ok.push(max.to_string());
                    bad.push((max + 1).to_string());
                }
                (ok, bad)
            }
            Range::Real {
                min,
                min_open,
                max,
                max_open,
            } => {
                let eps = |x: f64| 1e-6 * x.abs().max(1.0);
                let mut ok = Vec::new();
                let mut bad = vec![real(f64::NAN)];
                if min_open {
                    ok.push(real(min + eps(min)));
                    bad.push(real(min));
                } else {
                    ok.push(real(min));
                    bad.push(real(min - eps(min)));
                }
                if max.is_infinite() {
                    bad.push(real(f64::INFINITY));
                } else if max_open {
                    ok.push(real(max - eps(max)));
                    bad.push(real(max));
                } else {
                    ok.push(real(max));
                    bad.push(real(max + eps(max)));
                }
                (ok, bad)
            }
        };
        let with = |v: &str| -> Vec<String> {
            d.needs
                .iter()
                .map(|n| n.to_string())
                .chain(std::iter::once(format!("{set_key}={v}")))
                .collect()
        };
        for v in &ok {
            assert!(
                !refuses(&problem_key, &with(v)),
                "{} = {v} is in its domain but was refused",
                d.key
            );
            tried += 1;
        }
        for v in &bad {
            assert!(
                refuses(&problem_key, &with(v)),
                "{} = {v} is outside its domain but was accepted",
                d.key
            );
            tried += 1;
        }
    }
    assert!(tried > 200, "{tried}");
}

#[test]
fn a_file_value_outside_its_domain_names_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("x.toml");
    std::fs::write(
        &f,
        "name = \"x\"\nepochs = 10\n\n[[provers]]\nname = \"a\"\nuptime = nan\n",
    )
    .unwrap();
    let e = proversim::scenario::load(&f, &[]).unwrap_err().to_string();
    assert!(e.contains("x.toml:6:1: key 'provers[0].uptime'"), "{e}");
    assert!(
        e.contains("expected a number from 0 to 1 (a probability), found nan"),
        "{e}"
    );
}
