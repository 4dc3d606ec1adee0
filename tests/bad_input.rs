//! Bad input gives a short, clear error that names where and what, and
//! leaks nothing of a file it should not have read; a sweep whose every run
//! fails still ends as its error rows say.

use std::path::Path;
use std::process::{Command, Output};

fn proversim(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_proversim"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Three epochs of the baseline run into `dir/out`, which must succeed.
fn run_baseline_into(dir: &Path, out: &str) {
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let args = [
        "run",
        scenario.to_str().unwrap(),
        "--set",
        "epochs=3",
        "--no-charts",
        "-q",
    ];
    let o = proversim(dir, &[&args[..], &["--out", out]].concat());
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `validate s.toml` in a folder of these files (`s.toml` among them):
/// it must exit 2; what it printed.
fn refused(files: &[(&str, &str)]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    let o = proversim(tmp.path(), &["validate", "s.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    stderr(&o)
}

#[test]
fn a_series_that_is_not_one_is_refused_without_echoing_its_lines() {
    let e = refused(&[
        ("secret.csv", "root:x:0:0:root:/root:/bin/bash\n"),
        (
            "s.toml",
            "name = \"s\"\nepochs = 5\n[fees.l1_base_fee]\nvolatility = 0.0\nseries_csv = \"secret.csv\"\n",
        ),
    ]);
    assert!(
        e.contains("secret.csv:1: expected the header `time_s,wei`"),
        "{e}"
    );
    assert!(!e.contains("root"), "{e}");
}

#[test]
fn an_override_of_a_list_the_file_does_not_write_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("s.toml"), "name = \"s\"\nepochs = 5\n").unwrap();
    let o = proversim(
        tmp.path(),
        &[
            "run",
            "s.toml",
            "--set",
            "provers.0.count=3",
            "--no-charts",
            "-q",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(e.contains("--set provers.0.count=3"), "{e}");
    assert!(e.contains("'provers' is not written in the file"), "{e}");
}

#[test]
fn a_huge_key_gives_a_message_of_a_line() {
    let key = "k".repeat(1 << 20);
    let e = refused(&[("s.toml", &format!("name = \"s\"\n{key} = 1\n"))]);
    assert!(e.len() < 10_000, "{} bytes", e.len());
    assert!(
        e.contains("s.toml:2:1") && e.contains("bytes in all"),
        "{}",
        &e[..300]
    );
}

#[test]
fn a_sweep_whose_every_run_fails_ends_as_its_error_rows_say() {
    let tmp = tempfile::tempdir().unwrap();
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    std::fs::write(
        tmp.path().join("w.toml"),
        format!(
            "epochs = 3\n[sweep]\nbase = \"{}\"\nreplicates = 1\n\n[[sweep.parameter]]\nkey = \"provers.0.uptime\"\nvalues = [2.0, 3.0]\n",
            scenarios.join("baseline.toml").display()
        ),
    )
    .unwrap();
    let o = proversim(tmp.path(), &["sweep", "w.toml", "-q", "--out", "a"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("2 of 2 runs failed"), "{}", stderr(&o));
    let o = proversim(
        tmp.path(),
        &["sweep", "w.toml", "-q", "--out", "b", "--allow-failures"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(tmp.path().join("b/sweep.parquet").exists());
}

#[test]
fn a_sweep_resumes_whichever_way_its_path_is_spelt() {
    let tmp = tempfile::tempdir().unwrap();
    let scenarios = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    std::fs::create_dir(tmp.path().join("sweeps")).unwrap();
    std::fs::write(
        tmp.path().join("sweeps/x.toml"),
        format!(
            "epochs = 3\n[sweep]\nbase = \"{}\"\nreplicates = 1\n\n[[sweep.parameter]]\nkey = \"rewards.sequencer_bps\"\nvalues = [6000, 7000]\n",
            scenarios.join("baseline.toml").display()
        ),
    )
    .unwrap();
    let o = proversim(tmp.path(), &["sweep", "sweeps/x.toml", "-q", "--out", "o"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = proversim(
        tmp.path(),
        &["sweep", "./sweeps/x.toml", "-q", "--out", "o", "--resume"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn two_sequencer_groups_of_one_name_are_refused() {
    let e = refused(&[(
        "s.toml",
        "name = \"s\"\nepochs = 5\n[[sequencers]]\nname = \"a\"\ncount = 2\n[[sequencers]]\nname = \"a\"\ncount = 3\n",
    )]);
    assert!(
        e.contains("sequencers[1].name") && e.contains("no other sequencer group"),
        "{e}"
    );
}

#[test]
fn sweep_values_that_are_no_numbers_are_refused_before_running() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let sweep = |parameter: &str, extra: &str| {
        format!(
            "epochs = 3\n[sweep]\nbase = \"{}\"\nreplicates = 1\n{extra}\n[[sweep.parameter]]\nkey = \"provers.0.hourly_price\"\n{parameter}\n",
            base.display()
        )
    };
    let refused = |text: String, expect: &str| {
        let e = proversim::sweep::parse("w.toml", &text, Path::new("."))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(e.contains(expect), "{e}");
    };
    refused(sweep("values = [nan]", ""), "nan and inf cannot be swept");
    refused(
        sweep("values = [1.0, inf]", ""),
        "nan and inf cannot be swept",
    );
    refused(
        sweep(
            "min = -1.7e308\nmax = 1.7e308",
            "sampler = \"lhs\"\nsamples = 4",
        ),
        "a finite distance apart",
    );
}

#[test]
fn a_killed_writers_temporary_files_are_cleaned_at_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    std::fs::create_dir_all(out.join("charts")).unwrap();
    for f in [
        ".epochs.parquet.a1b2c3.partial",
        "charts/.liveness.png.x9y8z7.partial.png",
    ] {
        std::fs::write(out.join(f), "half").unwrap();
    }
    std::fs::write(out.join(".keep-me"), "the user's").unwrap();
    run_baseline_into(tmp.path(), "o");
    assert!(!out.join(".epochs.parquet.a1b2c3.partial").exists());
    assert!(!out.join("charts/.liveness.png.x9y8z7.partial.png").exists());
    assert!(out.join(".keep-me").exists());
}

#[test]
fn charts_of_a_table_of_another_shape_are_refused_with_what_it_lacks() {
    let tmp = tempfile::tempdir().unwrap();
    run_baseline_into(tmp.path(), "o");
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::copy(
        tmp.path().join("o/provers.parquet"),
        other.join("epochs.parquet"),
    )
    .unwrap();
    let o = proversim(tmp.path(), &["chart", "other"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("not a run's epochs table: it has no column"),
        "{}",
        stderr(&o)
    );
    assert!(!other.join("charts").exists());
}
