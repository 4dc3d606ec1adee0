//! Output folders are never mixed or left half-written: one writer at a
//! time (the others fail at once and say who holds the folder), a rerun
//! replaces the earlier run's outputs whole, and an interrupted run leaves
//! no temporary files.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_proversim")
}

fn baseline() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml")
}

fn tables(dir: &Path) -> Vec<(String, Vec<u8>)> {
    ["epochs.parquet", "provers.parquet", "summary.json"]
        .iter()
        .map(|f| {
            (
                f.to_string(),
                std::fs::read(dir.join(f)).unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn three_runs_into_one_folder_never_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let shared = tmp.path().join("shared");
    let run = |seed: u64, out: &Path| {
        Command::new(bin())
            .args(["run", "-q", "--no-charts", "--set", "epochs=300", "--seed"])
            .arg(seed.to_string())
            .arg("--out")
            .arg(out)
            .arg(baseline())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children: Vec<_> = (1..=3).map(|s| (s, run(s, &shared))).collect();
    let mut winners = Vec::new();
    for (seed, child) in children {
        let o = child.wait_with_output().unwrap();
        if o.status.success() {
            winners.push(seed);
        } else {
            // Refused at once, naming the holder, or saying that it is
            // between taking the lock and naming itself (or the reverse).
            let e = String::from_utf8_lossy(&o.stderr);
            assert!(
                e.contains("in use by another proversim (pid ")
                    || e.contains(
                        "in use by another proversim (one that is starting or finishing)"
                    ),
                "{e}"
            );
        }
    }
    assert!(!winners.is_empty());
    // The folder equals the solo run of a run that succeeded.
    let matches = winners.iter().any(|&w| {
        let dir = tmp.path().join(format!("solo-{w}"));
        run(w, &dir).wait().unwrap();
        tables(&dir) == tables(&shared)
    });
    assert!(matches, "the shared folder matches none of the runs");
    let leftovers: Vec<_> = std::fs::read_dir(&shared)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn two_sweeps_into_one_folder_never_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::write(
        &file,
        format!(
            "epochs = 60\n[sweep]\nbase = \"{}\"\nreplicates = 4\n[[sweep.parameter]]\nkey = \"rewards.sequencer_bps\"\nvalues = [5000, 6000, 7000, 8000]\n",
            baseline().display()
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let spawn = || {
        Command::new(bin())
            .args(["sweep", "-q", "--threads", "1"])
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    let ok = outs.iter().filter(|o| o.status.success()).count();
    assert_eq!(ok, 1, "exactly one sweep writes the folder");
    let loser = outs.iter().find(|o| !o.status.success()).unwrap();
    let e = String::from_utf8_lossy(&loser.stderr);
    assert!(
        e.contains("in use by another proversim") || e.contains("already holds a sweep"),
        "{e}"
    );
    let journal = std::fs::read_to_string(out.join("runs.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 16);
}

#[test]
fn a_rerun_replaces_the_earlier_outputs_and_a_sweep_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("r");
    let run = |extra: &[&str]| {
        Command::new(bin())
            .args(["run", "-q", "--set", "epochs=5", "--out"])
            .arg(&out)
            .args(extra)
            .arg(baseline())
            .output()
            .unwrap()
    };
    assert!(run(&["--csv"]).status.success());
    assert!(
        Command::new(bin())
            .arg("report")
            .arg(&out)
            .output()
            .unwrap()
            .status
            .success()
    );
    assert!(out.join("epochs.csv").exists() && out.join("report.md").exists());
    assert!(out.join("charts/liveness.png").exists());
    assert!(run(&["--no-charts"]).status.success());
    assert!(!out.join("epochs.csv").exists());
    assert!(!out.join("report.md").exists());
    assert!(!out.join("charts").exists());
    assert!(out.join("epochs.parquet").exists());
    // Written aside under private names, the outputs are still readable by
    // others once in place.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join("epochs.parquet"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o044, 0o044, "mode {mode:o}");
    }
    std::fs::write(out.join("runs.jsonl"), "").unwrap();
    let o = run(&[]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("holds a sweep"));
}

#[test]
fn a_run_into_a_folder_it_never_wrote_keeps_the_users_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("mine");
    std::fs::create_dir_all(out.join("charts")).unwrap();
    for f in ["report.md", "notes.csv", "epochs.csv", "charts/figure.png"] {
        std::fs::write(out.join(f), "the user's own").unwrap();
    }
    let o = Command::new(bin())
        .args([
            "run",
            "scenarios/baseline.toml",
            "--set",
            "epochs=3",
            "--no-charts",
            "-q",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in ["report.md", "notes.csv", "epochs.csv", "charts/figure.png"] {
        assert_eq!(
            std::fs::read_to_string(out.join(f)).unwrap(),
            "the user's own",
            "{f}"
        );
    }
    assert!(out.join("summary.json").exists());
}

#[test]
fn a_rerun_removes_only_what_proversim_wrote() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let run = |extra: &[&str]| {
        let o = Command::new(bin())
            .args(["run", "-q", "--set", "epochs=5", "--out"])
            .arg(&out)
            .args(extra)
            .arg(baseline())
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&["--csv"]);
    let report = Command::new(bin())
        .arg("report")
        .arg(&out)
        .output()
        .unwrap();
    assert!(report.status.success());
    let listed = std::fs::read_to_string(out.join(".proversim-files")).unwrap();
    for f in [
        "epochs.csv",
        "report.md",
        "report.html",
        "charts/liveness.png",
        "summary.json",
    ] {
        assert!(
            listed.contains(&format!("\"{f}\"")),
            "{f} not listed: {listed}"
        );
    }
    // The user's own files, beside proversim's and among its charts.
    let own = [
        "notes.md",
        "my-epochs.csv",
        "charts/mine.png",
        "charts/notes.txt",
    ];
    for f in own {
        std::fs::write(out.join(f), "the user's own").unwrap();
    }
    run(&["--no-charts"]);
    for f in [
        "epochs.csv",
        "report.md",
        "report.html",
        "charts/liveness.png",
    ] {
        assert!(!out.join(f).exists(), "{f} is the earlier run's");
    }
    for f in own {
        assert_eq!(
            std::fs::read_to_string(out.join(f)).unwrap(),
            "the user's own",
            "{f}"
        );
    }
    let listed = std::fs::read_to_string(out.join(".proversim-files")).unwrap();
    assert!(
        !listed.contains("report.md") && !listed.contains("charts/"),
        "{listed}"
    );
    // A folder from before the list: the names an earlier run writes are
    // taken as proversim's, and its charts go; other files stay.
    run(&["--csv"]);
    std::fs::remove_file(out.join(".proversim-files")).unwrap();
    run(&["--no-charts"]);
    assert!(!out.join("epochs.csv").exists() && !out.join("charts/liveness.png").exists());
    assert!(out.join("notes.md").exists() && out.join("charts/notes.txt").exists());
}

#[test]
fn an_interrupted_run_leaves_no_temporary_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("long");
    let mut child = Command::new(bin())
        .args([
            "run",
            "-q",
            "--no-charts",
            "--set",
            "epochs=200000",
            "--out",
        ])
        .arg(&out)
        .arg(baseline())
        .spawn()
        .unwrap();
    // Wait until its tables are being written.
    let partial = |dir: &Path| {
        std::fs::read_dir(dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .any(|e| e.file_name().to_string_lossy().contains(".partial"))
            })
            .unwrap_or(false)
    };
    let start = std::time::Instant::now();
    while !partial(&out) && start.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(partial(&out), "the run never started writing");
    send_signal(child.id(), 15);
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(128 + 15));
    assert!(!partial(&out), "temporary files left behind");
    assert!(!out.join("epochs.parquet").exists());
}

/// Sends `signal` to process `pid`.
fn send_signal(pid: u32, signal: i32) {
    let ok = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status()
        .unwrap();
    assert!(ok.success());
}

/// Every file a run writes, by name, with its bytes (charts aside: they
/// are drawn after the switch).
fn run_files(dir: &Path, csv: bool) -> Vec<(String, Vec<u8>)> {
    let mut names: Vec<String> = ["summary.json", "scenario.toml", ".proversim-files"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for t in proversim::storage::run_files::RUN_TABLES {
        names.push(format!("{t}.parquet"));
        if csv {
            names.push(format!("{t}.csv"));
        }
    }
    names
        .into_iter()
        .map(|n| {
            let bytes = std::fs::read(dir.join(&n)).unwrap_or_default();
            (n, bytes)
        })
        .collect()
}

fn run_into(dir: &Path, seed: u64, csv: bool, fault: Option<u64>) -> std::process::Output {
    let mut c = Command::new(bin());
    c.args(["run", "-q", "--no-charts", "--set", "epochs=30", "--seed"])
        .arg(seed.to_string())
        .arg("--out")
        .arg(dir)
        .arg(baseline());
    if csv {
        c.arg("--csv");
    }
    if let Some(k) = fault {
        c.env("PROVERSIM_FAULT_COMMIT_STEP", k.to_string());
    }
    c.output().unwrap()
}

#[test]
fn a_run_killed_at_any_step_of_its_switch_is_refused_then_replaced_whole() {
    let tmp = tempfile::tempdir().unwrap();
    for csv in [false, true] {
        // What a clean run of seed 2 writes.
        let clean = tmp.path().join(format!("clean-{csv}"));
        assert!(run_into(&clean, 2, csv, None).status.success());
        let expected = run_files(&clean, csv);
        // Marker, then 6 tables (and 6 CSV copies), the summary, the
        // scenario and the list of written files: a kill before the first
        // rename and after each.
        let steps = if csv { 16 } else { 10 };
        for step in 0..steps {
            let dir = tmp.path().join(format!("killed-{csv}-{step}"));
            assert!(run_into(&dir, 1, csv, None).status.success());
            let killed = run_into(&dir, 2, csv, Some(step));
            assert!(!killed.status.success(), "step {step}: not stopped");
            // The folder says it is not whole, and readers refuse it.
            assert!(dir.join(".proversim-committing").is_file(), "step {step}");
            for command in ["report", "chart"] {
                let o = Command::new(bin()).arg(command).arg(&dir).output().unwrap();
                assert!(!o.status.success(), "{command} read a half-switched folder");
                let err = String::from_utf8_lossy(&o.stderr);
                assert!(
                    err.contains("stopped while its files were being moved"),
                    "{err}"
                );
            }
            // The next run replaces it whole, byte for byte a clean run's.
            assert!(run_into(&dir, 2, csv, None).status.success());
            assert!(!dir.join(".proversim-committing").exists());
            assert_eq!(run_files(&dir, csv), expected, "step {step}, csv {csv}");
            let leftovers: Vec<_> = std::fs::read_dir(&dir)
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".partial") || n.ends_with(".csv") && !csv)
                .collect();
            assert!(leftovers.is_empty(), "{leftovers:?}");
        }
        // Past the last step nothing stops: the switch completes.
        let dir = tmp.path().join(format!("whole-{csv}"));
        assert!(run_into(&dir, 2, csv, Some(steps)).status.success());
        assert_eq!(run_files(&dir, csv), expected);
    }
}

#[test]
fn a_sweep_killed_while_moving_its_table_is_refused_then_resumed_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let sweep = Path::new(env!("CARGO_MANIFEST_DIR")).join("notebooks/streak-decay-small.toml");
    let run = |dir: &Path, fault: Option<u64>, resume: bool| {
        let mut c = Command::new(bin());
        c.args([
            "sweep",
            "-q",
            "--set",
            "epochs=10",
            "--threads",
            "2",
            "--out",
        ])
        .arg(dir)
        .arg(&sweep);
        if resume {
            c.arg("--resume");
        }
        if let Some(k) = fault {
            c.env("PROVERSIM_FAULT_COMMIT_STEP", k.to_string());
        }
        c.output().unwrap()
    };
    let clean = tmp.path().join("clean");
    assert!(run(&clean, None, false).status.success());
    let expected = std::fs::read(clean.join("sweep.parquet")).unwrap();
    // Before the table's rename, and after it (the marker not yet gone).
    for step in [0, 1] {
        let dir = tmp.path().join(format!("killed-{step}"));
        assert!(!run(&dir, Some(step), false).status.success());
        assert!(dir.join(".proversim-committing").is_file());
        let o = Command::new(bin())
            .arg("report")
            .arg(&dir)
            .output()
            .unwrap();
        assert!(!o.status.success());
        assert!(String::from_utf8_lossy(&o.stderr).contains("stopped while"));
        // Every run is in the journal: --resume only moves the table again.
        assert!(run(&dir, None, true).status.success());
        assert!(!dir.join(".proversim-committing").exists());
        assert_eq!(std::fs::read(dir.join("sweep.parquet")).unwrap(), expected);
    }
}
