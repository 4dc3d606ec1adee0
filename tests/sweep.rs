//! Sweeps: shards merge to the whole, thread counts do not matter, resumes
//! equal uninterrupted runs, failures become rows, seeds are recorded, and
//! bad sweep files say what is wrong.

use std::path::{Path, PathBuf};
use std::process::Command;

use proversim::sweep::{Sweep, SweepOptions, load, merge, parse, run_sweep};

/// A small sweep over the baseline world: 2 x 3 cells, 2 replicates, 6
/// epochs each.
const SMALL: &str = r#"
epochs = 6

[[provers]]
name = "honest"
count = 3
potential = 2

[sweep]
base = "baseline.toml"
replicates = 2
seed = 11

[[sweep.parameter]]
key = "booster.increment"
values = [100000, 200000]

[[sweep.parameter]]
key = "rewards.sequencer_bps"
start = 5000
stop = 9000
step = 2000
"#;

fn scenarios() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

fn small() -> Sweep {
    parse("small.toml", SMALL, &scenarios()).unwrap()
}

fn opts(out: &Path, threads: usize) -> SweepOptions<'static> {
    SweepOptions {
        out: out.to_path_buf(),
        threads,
        shard: None,
        resume: false,
        keep_runs: false,
        progress: None,
    }
}

fn table(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("sweep.parquet")).unwrap()
}

#[test]
fn one_thread_equals_two_and_shards_merge_to_the_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    assert_eq!(s.cells(), 6);
    assert_eq!(s.runs(), 12);
    let one = tmp.path().join("one");
    let two = tmp.path().join("two");
    let r = run_sweep(&s, &opts(&one, 1)).unwrap();
    assert_eq!((r.runs, r.ran, r.failed), (12, 12, 0));
    run_sweep(&s, &opts(&two, 2)).unwrap();
    assert_eq!(table(&one), table(&two));
    let mut shard_dirs = Vec::new();
    for i in 0..3 {
        let d = tmp.path().join(format!("shard-{i}"));
        let r = run_sweep(
            &s,
            &SweepOptions {
                shard: Some((i, 3)),
                ..opts(&d, 2)
            },
        )
        .unwrap();
        assert_eq!(r.runs, 4);
        shard_dirs.push(d);
    }
    let merged = tmp.path().join("merged");
    // Shards in any order.
    shard_dirs.reverse();
    assert_eq!(merge(&shard_dirs, &merged).unwrap(), 12);
    assert_eq!(table(&merged), table(&one));
    // A missing shard is an error, not a short table.
    let err = merge(&shard_dirs[..2], &tmp.path().join("short")).unwrap_err();
    assert!(err.to_string().contains("missing shards"), "{err}");
}

#[test]
fn resume_after_an_interruption_equals_an_uninterrupted_sweep() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    let whole = tmp.path().join("whole");
    run_sweep(&s, &opts(&whole, 2)).unwrap();
    // Interrupted: 5 runs done and a sixth killed mid-line.
    let cut = tmp.path().join("cut");
    std::fs::create_dir_all(&cut).unwrap();
    std::fs::copy(whole.join("sweep.json"), cut.join("sweep.json")).unwrap();
    let journal = std::fs::read_to_string(whole.join("runs.jsonl")).unwrap();
    let lines: Vec<&str> = journal.lines().collect();
    let mut partial = lines[..5].join("\n") + "\n";
    partial.push_str(&lines[5][..lines[5].len() / 2]);
    std::fs::write(cut.join("runs.jsonl"), partial).unwrap();
    // Without --resume the folder is refused.
    assert!(run_sweep(&s, &opts(&cut, 2)).is_err());
    let r = run_sweep(
        &s,
        &SweepOptions {
            resume: true,
            ..opts(&cut, 1)
        },
    )
    .unwrap();
    assert_eq!(r.ran, 7);
    assert_eq!(table(&cut), table(&whole));
}

#[test]
fn a_sweep_killed_with_sigkill_resumes_to_the_same_table() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("kill.toml");
    let text = SMALL
        .replace("epochs = 6", "epochs = 200")
        .replace(
            "base = \"baseline.toml\"",
            &format!("base = {:?}", scenarios().join("baseline.toml")),
        )
        .replace("replicates = 2", "replicates = 6");
    std::fs::write(&file, text).unwrap();
    let bin = env!("CARGO_BIN_EXE_proversim");
    let whole = tmp.path().join("whole");
    let ok = Command::new(bin)
        .args(["sweep", "-q", "--threads", "2", "--out"])
        .arg(&whole)
        .arg(&file)
        .status()
        .unwrap();
    assert!(ok.success());
    let killed = tmp.path().join("killed");
    let mut child = Command::new(bin)
        .args(["sweep", "-q", "--threads", "1", "--out"])
        .arg(&killed)
        .arg(&file)
        .spawn()
        .unwrap();
    // Kill it once a few runs are in its journal.
    let journal = killed.join("runs.jsonl");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let n = std::fs::read_to_string(&journal)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        if n >= 3 || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let done_before = std::fs::read_to_string(&journal).unwrap().lines().count();
    assert!(done_before < 36, "the sweep finished before it was killed");
    let ok = Command::new(bin)
        .args(["sweep", "-q", "--resume", "--threads", "2", "--out"])
        .arg(&killed)
        .arg(&file)
        .status()
        .unwrap();
    assert!(ok.success());
    assert_eq!(table(&killed), table(&whole));
}

#[test]
fn a_failing_cell_becomes_an_error_row_and_seeds_are_recorded() {
    let tmp = tempfile::tempdir().unwrap();
    let text = SMALL.replace(
        "key = \"booster.increment\"\nvalues = [100000, 200000]",
        "key = \"booster.minimum\"\nvalues = [0, 100000]",
    );
    let s = parse("fail.toml", &text, &scenarios()).unwrap();
    let out = tmp.path().join("fail");
    let r = run_sweep(&s, &opts(&out, 2)).unwrap();
    assert_eq!(r.failed, 6);
    assert_eq!(r.invalid_cells.len(), 3);
    let journal = std::fs::read_to_string(out.join("runs.jsonl")).unwrap();
    let lines: Vec<proversim::sweep::exec::RunLine> = journal
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 12);
    let errors: Vec<_> = lines.iter().filter(|l| l.error.is_some()).collect();
    assert_eq!(errors.len(), 6);
    assert!(errors.iter().all(|l| l.cell < 3 && l.metrics.is_none()));
    assert!(
        errors[0]
            .error
            .as_ref()
            .unwrap()
            .contains("key 'booster.minimum'")
    );
    let mut seeds: Vec<u64> = lines.iter().map(|l| l.seed).collect();
    for l in &lines {
        assert_eq!(l.seed, s.seed_of(l.cell, l.replicate));
    }
    seeds.sort();
    seeds.dedup();
    assert_eq!(seeds.len(), 12, "seeds must be distinct per run");
    assert!(out.join("sweep.parquet").exists());
}

#[test]
fn bad_sweep_files_give_clear_errors() {
    let bad = |from: &str, to: &str| {
        let text = SMALL.replace(from, to);
        parse("bad.toml", &text, &scenarios())
            .map(|_| ())
            .unwrap_err()
            .to_string()
    };
    let e = bad("key = \"booster.increment\"", "key = \"booster.incremnt\"");
    assert!(
        e.contains("bad.toml:") && e.contains("unknown field `incremnt`"),
        "{e}"
    );
    let zipped = SMALL
        .replace(
            "values = [100000, 200000]",
            "values = [100000, 200000]\nzip = \"g\"",
        )
        .replace("step = 2000", "step = 2000\nzip = \"g\"");
    let e = parse("bad.toml", &zipped, &scenarios())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("zip group \"g\"") && e.contains("the same number"),
        "{e}"
    );
    let e = bad("start = 5000\nstop = 9000", "start = 9000\nstop = 5000");
    assert!(e.contains("the range yields no values"), "{e}");
    let e = bad("values = [100000, 200000]", "values = []");
    assert!(e.contains("an empty list of values"), "{e}");
    let e = bad("values = [100000, 200000]", "values = [\"many\"]");
    assert!(
        e.contains("booster.increment") && e.contains("\"many\""),
        "{e}"
    );
    let e = bad("replicates = 2", "replicate = 2");
    assert!(e.contains("unknown field `replicate`"), "{e}");
    let e = load(Path::new("no-such-sweep.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("cannot read the file"), "{e}");
}

#[test]
fn shipped_sweeps_load() {
    for f in ["streak-decay-sweep.toml", "streak-exponential-sweep.toml"] {
        let s = load(&scenarios().join(f)).unwrap();
        assert_eq!(s.layout.replicates, 10);
        assert!(s.cells() >= 12);
        assert!(proversim::sweep::invalid_cells(&s, None).is_empty(), "{f}");
    }
}

#[test]
fn the_slurm_script_runs_shards_and_merges_them_to_the_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("s.toml");
    let text = SMALL.replace(
        "base = \"baseline.toml\"",
        &format!("base = {:?}", scenarios().join("baseline.toml")),
    );
    std::fs::write(&file, text).unwrap();
    let bin = env!("CARGO_BIN_EXE_proversim");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/slurm/sweep.sbatch");
    let whole = tmp.path().join("whole");
    assert!(
        Command::new(bin)
            .args(["sweep", "-q", "--out"])
            .arg(&whole)
            .arg(&file)
            .status()
            .unwrap()
            .success()
    );
    let out = tmp.path().join("cluster");
    // The script as Slurm runs it: an array task (with its index) or the
    // merge job (without).
    let sbatch = |task: Option<&str>| {
        let mut cmd = Command::new("bash");
        cmd.arg(&script)
            .arg(&file)
            .arg(&out)
            .arg("3")
            .env("PROVERSIM_BIN", bin)
            .env("SLURM_CPUS_PER_TASK", "1");
        match task {
            Some(t) => cmd.env("SLURM_ARRAY_TASK_ID", t),
            None => cmd.env_remove("SLURM_ARRAY_TASK_ID"),
        };
        assert!(cmd.status().unwrap().success(), "task {task:?}");
    };
    for task in ["2", "0", "1"] {
        sbatch(Some(task));
    }
    sbatch(None);
    assert_eq!(table(&out), table(&whole));
}
