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
    let r = run_sweep(&s, &SweepOptions::new(&one, 1)).unwrap();
    assert_eq!((r.runs, r.ran, r.failed), (12, 12, 0));
    run_sweep(&s, &SweepOptions::new(&two, 2)).unwrap();
    assert_eq!(table(&one), table(&two));
    let mut shard_dirs = Vec::new();
    for i in 0..3 {
        let d = tmp.path().join(format!("shard-{i}"));
        let r = run_sweep(
            &s,
            &SweepOptions {
                shard: Some((i, 3)),
                ..SweepOptions::new(&d, 2)
            },
        )
        .unwrap();
        assert_eq!(r.runs, 4);
        shard_dirs.push(d);
    }
    let merged = tmp.path().join("merged");
    // Shards in any order.
    shard_dirs.reverse();
    assert_eq!(merge(&shard_dirs, &merged).unwrap().0, 12);
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
    run_sweep(&s, &SweepOptions::new(&whole, 2)).unwrap();
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
    assert!(run_sweep(&s, &SweepOptions::new(&cut, 2)).is_err());
    let r = run_sweep(
        &s,
        &SweepOptions {
            resume: true,
            ..SweepOptions::new(&cut, 1)
        },
    )
    .unwrap();
    assert_eq!(r.ran, 7);
    assert_eq!(table(&cut), table(&whole));
}

#[test]
fn a_journal_torn_in_its_middle_resumes_to_the_same_table() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    let whole = tmp.path().join("whole");
    run_sweep(&s, &SweepOptions::new(&whole, 2)).unwrap();
    // A write that failed half way (a full disk), then more lines once
    // space returned: the torn half joins the next line.
    let torn = tmp.path().join("torn");
    std::fs::create_dir_all(&torn).unwrap();
    std::fs::copy(whole.join("sweep.json"), torn.join("sweep.json")).unwrap();
    let journal = std::fs::read_to_string(whole.join("runs.jsonl")).unwrap();
    let lines: Vec<&str> = journal.lines().collect();
    let mut text = lines[..3].join("\n") + "\n";
    text.push_str(&lines[3][..lines[3].len() / 2]);
    text.push_str(&(lines[4..8].join("\n") + "\n"));
    std::fs::write(torn.join("runs.jsonl"), text).unwrap();
    let r = run_sweep(
        &s,
        &SweepOptions {
            resume: true,
            ..SweepOptions::new(&torn, 2)
        },
    )
    .unwrap();
    // Runs 3 and 4 (the torn one and the one it swallowed) and 8.. again.
    assert_eq!(r.ran, 12 - 6);
    assert_eq!(table(&torn), table(&whole));
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
    let r = run_sweep(&s, &SweepOptions::new(&out, 2)).unwrap();
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
    for l in &lines {
        assert_eq!(l.seed, s.seed_of(l.cell, l.replicate));
        // Paired seeds: a replicate has one seed in every cell, that of
        // the same replicate of `compare` from the same base.
        assert_eq!(
            l.seed,
            proversim::sweep::replicate_seed(s.seed, l.replicate)
        );
    }
    assert!(out.join("sweep.parquet").exists());
}

#[test]
fn independent_seeds_differ_per_run_and_paired_ones_per_replicate() {
    let distinct = |s: &Sweep| {
        let mut seeds: Vec<u64> = (0..s.cells())
            .flat_map(|c| (0..s.layout.replicates).map(move |r| (c, r)))
            .map(|(c, r)| s.seed_of(c, r))
            .collect();
        seeds.sort();
        seeds.dedup();
        seeds.len()
    };
    assert_eq!(distinct(&small()), 2);
    let text = SMALL.replace("seed = 11", "seed = 11\nseeds = \"independent\"");
    let s = parse("ind.toml", &text, &scenarios()).unwrap();
    assert_eq!(distinct(&s), 12);
    assert_ne!(s.fingerprint, small().fingerprint);
}

/// Every numeric field of a run's summary, by dotted name.
fn summary_fields(s: &Sweep, cell: u64, replicate: u32) -> Vec<String> {
    let mut sc = s.scenario(cell).unwrap();
    sc.seed = s.seed_of(cell, replicate);
    let r = proversim::simulate(
        &sc,
        &mut proversim::metrics::NullRecorder,
        Default::default(),
    )
    .unwrap();
    proversim::sweep::Metrics::from(&r.summary)
        .0
        .into_keys()
        .collect()
}

/// Runs `s` into `out` and reads back its table and column names.
fn swept(s: &Sweep, out: &Path) -> (polars::prelude::DataFrame, Vec<String>) {
    run_sweep(s, &SweepOptions::new(out, 2)).unwrap();
    let df = proversim::storage::saved::read_table(&out.join("sweep.parquet")).unwrap();
    let names = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    (df, names)
}

#[test]
fn the_sweep_table_has_a_column_for_every_numeric_summary_field() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small();
    let (df, names) = swept(&s, &tmp.path().join("all"));
    let fields = summary_fields(&s, 0, 0);
    assert!(fields.len() > 30, "{fields:?}");
    for f in &fields {
        assert!(names.contains(f), "no column {f} in {names:?}");
    }
    for f in ["strategies.honest.reward_share", "books.minted", "liveness"] {
        assert!(names.contains(&f.to_string()), "{f}");
    }
    // The row equals the run: the same value in the table and the summary.
    let mut sc = s.scenario(0).unwrap();
    sc.seed = s.seed_of(0, 0);
    let r = proversim::simulate(
        &sc,
        &mut proversim::metrics::NullRecorder,
        Default::default(),
    )
    .unwrap();
    let share = proversim::storage::saved::numbers(&df, "strategies.honest.reward_share")[0];
    assert_eq!(share, r.summary.strategies["honest"].reward_share);

    // A subset keeps only what it names.
    let text = SMALL.replace(
        "seed = 11",
        "seed = 11\nmetrics = [\"liveness\", \"strategies.honest.profit\"]",
    );
    let sub = parse("sub.toml", &text, &scenarios()).unwrap();
    let (_, names) = swept(&sub, &tmp.path().join("sub"));
    assert_eq!(
        names[names.len() - 2..],
        [
            "liveness".to_string(),
            "strategies.honest.profit".to_string()
        ]
    );
    let text = SMALL.replace("seed = 11", "seed = 11\nmetrics = [\"livenes\"]");
    let e = parse("typo.toml", &text, &scenarios())
        .unwrap_err()
        .to_string();
    assert!(e.contains("did you mean 'liveness'"), "{e}");
}

const SAMPLED: &str = r#"
epochs = 4

[[provers]]
name = "honest"
count = 3

[sweep]
base = "baseline.toml"
sampler = "lhs"
samples = 16
seed = 3

[[sweep.parameter]]
key = "rewards.sequencer_bps"
min = 2000
max = 9000

[[sweep.parameter]]
key = "booster.decay_per_epoch"
min = 10000
max = 200000
scale = "log"
"#;

#[test]
fn a_latin_hypercube_puts_one_value_in_every_stratum() {
    let s = parse("lhs.toml", SAMPLED, &scenarios()).unwrap();
    assert_eq!(s.cells(), 16);
    let bps: Vec<i64> = s.layout.parameters[0]
        .values
        .iter()
        .map(|v| v.as_integer().unwrap())
        .collect();
    let mut strata: Vec<i64> = bps.iter().map(|b| (b - 2000) * 16 / 7001).collect();
    strata.sort();
    assert_eq!(strata, (0..16).collect::<Vec<_>>(), "{bps:?}");
    let decay: Vec<f64> = s.layout.parameters[1]
        .values
        .iter()
        .map(|v| v.as_integer().unwrap() as f64)
        .collect();
    let (lo, hi) = (10000f64.ln(), 200000f64.ln());
    let mut strata: Vec<i64> = decay
        .iter()
        .map(|d| ((d.ln() - lo) / (hi - lo) * 16.0).floor() as i64)
        .collect();
    strata.sort();
    strata.dedup();
    assert!(strata.len() >= 15, "{decay:?}");
    assert!(proversim::sweep::invalid_cells(&s, None).is_empty());
}

#[test]
fn a_sobol_sweep_writes_sensitivity_indices() {
    let tmp = tempfile::tempdir().unwrap();
    let text = SAMPLED
        .replace("sampler = \"lhs\"", "sampler = \"sobol\"")
        .replace("samples = 16", "samples = 8");
    let s = parse("sobol.toml", &text, &scenarios()).unwrap();
    assert_eq!(s.cells(), 8 * 4);
    let out = tmp.path().join("sobol");
    run_sweep(&s, &SweepOptions::new(&out, 2)).unwrap();
    let df = proversim::storage::saved::read_table(&out.join("sensitivity.parquet")).unwrap();
    let keys = proversim::storage::saved::texts(&df, "key");
    let metrics = proversim::storage::saved::texts(&df, "metric");
    assert!(keys.iter().any(|k| k == "rewards.sequencer_bps"));
    // The proposers' income moves with their share of the reward.
    let at = metrics
        .iter()
        .zip(&keys)
        .position(|(m, k)| m == "sequencer_income" && k == "rewards.sequencer_bps")
        .expect("a row for sequencer income");
    let total = proversim::storage::saved::numbers(&df, "total")[at];
    assert!(total > 0.5, "total index {total}");
    // The booster's decay does not touch it.
    let at = metrics
        .iter()
        .zip(&keys)
        .position(|(m, k)| m == "sequencer_income" && k == "booster.decay_per_epoch")
        .expect("a row for the decay");
    let total = proversim::storage::saved::numbers(&df, "total")[at];
    assert!(total.abs() < 0.05, "total index {total}");
    // Each index has its bootstrap interval; eight base samples are too few
    // for most, and the table says which.
    let conf = proversim::storage::saved::numbers(&df, "total_conf");
    assert!(conf.iter().all(|c| c.is_finite() && *c >= 0.0), "{conf:?}");
    let unreliable = proversim::storage::saved::numbers(&df, "unreliable");
    assert!(unreliable.contains(&1.0));
    let report = run_sweep(&s, &SweepOptions::new(tmp.path().join("again"), 2)).unwrap();
    let warning = report.sensitivity.warning().expect("a small design warns");
    assert!(warning.contains("raise `samples`"), "{warning}");
    assert_eq!(report.sensitivity.rows, df.height() as u64);
}

#[test]
fn a_key_swept_twice_and_bad_samplers_are_refused_before_running() {
    let twice = SMALL.replace(
        "key = \"rewards.sequencer_bps\"",
        "key = \"booster.increment\"",
    );
    let refused = |text: &str, expect: &[&str]| {
        let e = parse("bad.toml", text, &scenarios())
            .unwrap_err()
            .to_string();
        assert!(expect.iter().all(|x| e.contains(x)), "{e}");
    };
    refused(&twice, &["swept twice"]);
    refused(
        &SMALL.replace("seed = 11", "seed = 11\nsamples = 4"),
        &["`samples` is for sampler"],
    );
    refused(
        &SAMPLED.replace("max = 9000", "max = 1000"),
        &["`min` < `max`"],
    );
    refused(
        &SAMPLED.replace("min = 2000\nmax = 9000", "values = [1, 2]"),
        &["draws from `min` and `max`"],
    );
    refused(
        &SMALL.replace("replicates = 2", "replicates = 4294967295"),
        &["sweep.replicates", "expected 1 to"],
    );
    // Ranges too long to build are refused before a value is made: a
    // count, a linear step and a log factor.
    refused(
        &SMALL.replace("step = 2000", "count = 4294967295"),
        &["`count` = 4294967295", "at most 1000000 values"],
    );
    refused(
        &SMALL.replace("step = 2000", "step = 0.000001"),
        &["a range gives at most 1000000"],
    );
    refused(
        &SMALL.replace("step = 2000", "step = 1.000000001\nscale = \"log\""),
        &["a range gives at most 1000000"],
    );
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

#[test]
fn the_epochs_table_is_a_hive_partitioned_dataset_of_every_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("ep");
    let mut o = SweepOptions::new(&out, 2);
    o.epochs_table = true;
    run_sweep(&small(), &o).unwrap();
    for cell in 0..6 {
        for rep in 0..2 {
            let part = out.join(format!("epochs/cell={cell}/replicate={rep}/part.parquet"));
            let df = proversim::storage::saved::read_table(&part).unwrap();
            assert_eq!(df.height(), 6, "{}", part.display());
            assert!(df.column("active_provers").is_ok());
        }
    }
}

#[test]
fn validate_checks_sweep_files_and_lists_every_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_proversim");
    let ok = Command::new(bin)
        .arg("validate")
        .arg(scenarios().join("streak-decay-sweep.toml"))
        .output()
        .unwrap();
    assert!(ok.status.success());
    assert!(String::from_utf8_lossy(&ok.stdout).contains("sweep: 16 cells x 10 replicates"));
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        "epochs = -3\n\n[booster]\nincremnt = 5\n\n[[provers]]\nname = \"x\"\nstrategy = \"honset\"\n",
    )
    .unwrap();
    let o = Command::new(bin)
        .arg("validate")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 3, "{e}");
    assert!(lines[0].contains("bad.toml:1:1: key 'epochs'"), "{e}");
    assert!(
        lines[1].contains("bad.toml:4:1: key 'booster.incremnt'")
            && lines[1].contains("did you mean `increment`?"),
        "{e}"
    );
    assert!(lines[2].contains("did you mean `honest`?"), "{e}");
    // A grid with a cell the model rejects.
    let sweep = tmp.path().join("grid.toml");
    std::fs::write(
        &sweep,
        format!(
            "[sweep]\nbase = \"{}\"\n\n[[sweep.parameter]]\nkey = \"booster.minimum\"\nvalues = [0, 100000]\n",
            scenarios().join("baseline.toml").display()
        ),
    )
    .unwrap();
    let o = Command::new(bin)
        .arg("validate")
        .arg(&sweep)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("cell 0 (booster.minimum=0)"), "{e}");
}

#[test]
fn a_sweep_logs_plain_progress_lines_when_stderr_is_not_a_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("small.toml");
    std::fs::write(
        &file,
        SMALL.replace(
            "base = \"baseline.toml\"",
            &format!("base = \"{}\"", scenarios().join("baseline.toml").display()),
        ),
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_proversim"))
        .arg("sweep")
        .arg(&file)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .env("PROVERSIM_PROGRESS_SECS", "0")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let log = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = log
        .lines()
        .filter(|l| l.starts_with("progress: "))
        .collect();
    // A line per run reported in order (workers may finish out of order),
    // the last one for the whole sweep.
    assert!(lines.len() >= 2, "{log}");
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("progress: 12/12 runs done, 0 failed"),
        "{log}"
    );
    assert!(lines[0].contains("ETA"), "{log}");
}

#[test]
fn a_sweep_row_equals_the_run_of_its_seed_for_nested_and_calibrated_bases() {
    // sybil.toml and governance.toml have a base of their own (the
    // baseline, which takes its proving times from the calibration).
    for base in ["sybil.toml", "governance.toml"] {
        let tmp = tempfile::tempdir().unwrap();
        let text = format!(
            "epochs = 30\n\n[sweep]\nbase = \"{base}\"\nreplicates = 2\nseed = 9\n\n[[sweep.parameter]]\nkey = \"rewards.sequencer_bps\"\nvalues = [6000, 8000]\n"
        );
        let s = parse("nested.toml", &text, &scenarios()).unwrap();
        let out = tmp.path().join("n");
        run_sweep(&s, &SweepOptions::new(&out, 2)).unwrap();
        let journal = std::fs::read_to_string(out.join("runs.jsonl")).unwrap();
        for line in journal.lines() {
            let l: proversim::sweep::exec::RunLine = serde_json::from_str(line).unwrap();
            let bps = [6000, 8000][l.cell as usize];
            let mut sc = proversim::scenario::load(
                &scenarios().join(base),
                &[
                    "epochs=30".to_string(),
                    format!("rewards.sequencer_bps={bps}"),
                ],
            )
            .unwrap();
            sc.seed = l.seed;
            assert!(
                sc.provers.iter().all(|g| g.per_tx_seconds > 0.0),
                "{base}: calibrated"
            );
            let r = proversim::simulate(
                &sc,
                &mut proversim::metrics::NullRecorder,
                Default::default(),
            )
            .unwrap();
            assert_eq!(
                l.metrics.unwrap(),
                proversim::sweep::Metrics::from(&r.summary),
                "{base}, cell {}, replicate {}",
                l.cell,
                l.replicate
            );
        }
    }
}

#[test]
fn a_sweep_keeping_a_few_metrics_charts_and_reports_those() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("few.toml");
    let text = SMALL.replace(
        "base = \"baseline.toml\"",
        &format!(
            "base = {:?}\nmetrics = [\"prunes\", \"inflation_per_year\"]",
            scenarios().join("baseline.toml")
        ),
    );
    std::fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    let bin = env!("CARGO_BIN_EXE_proversim");
    let status = Command::new(bin)
        .args(["sweep", "-q", "--out"])
        .arg(&out)
        .arg(&file)
        .status()
        .unwrap();
    assert!(status.success());
    let status = Command::new(bin).arg("report").arg(&out).status().unwrap();
    assert!(status.success());
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    let header = report.lines().find(|l| l.starts_with("| cell |")).unwrap();
    assert!(
        header.contains("prunes") && header.contains("inflation_per_year"),
        "{header}"
    );
    assert!(!header.contains("reward_hhi"), "{header}");
}

#[test]
fn a_sweep_takes_overrides_on_its_base_and_records_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_proversim"))
        .arg("sweep")
        .arg(scenarios().join("streak-decay-sweep.toml"))
        .args(["--set", "epochs=50", "--threads", "2", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).unwrap()).unwrap();
    let overrides = manifest["overrides"].as_array().unwrap();
    assert!(
        overrides.iter().any(|o| o[0] == "epochs" && o[1] == "50"),
        "{overrides:?}"
    );
    // Every run simulated 50 epochs of 32 slots.
    let journal = std::fs::read_to_string(out.join("runs.jsonl")).unwrap();
    let mut runs = 0;
    for line in journal.lines() {
        let run: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(run["metrics"]["epochs"], 50.0, "{line}");
        runs += 1;
    }
    assert_eq!(runs, 160);
    // A bad override is refused with its origin, before anything runs.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_proversim"))
        .arg("sweep")
        .arg(scenarios().join("streak-decay-sweep.toml"))
        .args(["--set", "epoch=50", "--out"])
        .arg(tmp.path().join("bad"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--set epoch=50") && err.contains("epochs"),
        "{err}"
    );
    assert!(!tmp.path().join("bad").join("sweep.parquet").exists());
}

/// Each cell's mean of `metric` over its replicates, from a sweep's journal.
fn cell_means(dir: &std::path::Path, metric: &str) -> Vec<f64> {
    let journal = std::fs::read_to_string(dir.join("runs.jsonl")).unwrap();
    let mut cells: std::collections::BTreeMap<u64, Vec<f64>> = Default::default();
    for line in journal.lines() {
        let run: serde_json::Value = serde_json::from_str(line).unwrap();
        let v = run["metrics"][metric].as_f64().unwrap();
        cells
            .entry(run["cell"].as_u64().unwrap())
            .or_default()
            .push(v);
    }
    cells
        .values()
        .map(|v| v.iter().sum::<f64>() / v.len() as f64)
        .collect()
}

#[test]
fn the_streak_sweeps_show_what_their_constants_do() {
    let tmp = tempfile::tempdir().unwrap();
    for (file, cells) in [
        ("streak-decay-sweep.toml", 16),
        ("streak-exponential-sweep.toml", 12),
    ] {
        let out = tmp.path().join(file);
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_proversim"))
            .arg("sweep")
            .arg(scenarios().join(file))
            .args(["--threads", "2", "--quiet", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // Across cells, the provers who stay and the top share move by at
        // least a tenth of their mean.
        for metric in ["active_provers_mean_second_half", "top1_share"] {
            let means = cell_means(&out, metric);
            assert_eq!(means.len(), cells);
            let (lo, hi) = means
                .iter()
                .fold((f64::MAX, f64::MIN), |(l, h), &x| (l.min(x), h.max(x)));
            let mean = means.iter().sum::<f64>() / means.len() as f64;
            assert!((hi - lo) / mean >= 0.1, "{file} {metric}: {means:?}");
        }
    }
    // The decay rule matters at steep growth: geometric keeps fewer
    // provers than reset (cells 9, 10, 11 are growth 2.0 with reset,
    // linear, geometric).
    let provers = cell_means(
        &tmp.path().join("streak-exponential-sweep.toml"),
        "active_provers_mean_second_half",
    );
    assert!(
        provers[11] < provers[10] && provers[10] < provers[9],
        "{provers:?}"
    );
}

#[test]
fn token_amounts_sweep_in_tokens_or_units_and_run_exact() {
    let lhs = SAMPLED.replace(
        "key = \"rewards.sequencer_bps\"\nmin = 2000\nmax = 9000",
        "key = \"rewards.checkpoint_reward\"\nunit = \"tokens\"\nmin = 50.0\nmax = 800.0\nscale = \"log\"",
    );
    let s = parse("lhs.toml", &lhs, &scenarios()).unwrap();
    let amounts: Vec<u128> = s.layout.parameters[0]
        .values
        .iter()
        .map(|v| v.as_str().expect("an amount").parse().unwrap())
        .collect();
    assert_eq!(amounts.len(), 16);
    let token = 1_000_000_000_000_000_000u128;
    assert!(
        amounts
            .iter()
            .all(|&a| (50 * token..=800 * token).contains(&a)),
        "{amounts:?}"
    );
    // A Latin hypercube on a log scale: one value in each of 16 strata.
    let mut strata: Vec<usize> = amounts
        .iter()
        .map(|&a| ((a as f64 / 50e18).ln() / (16f64).ln() * 16.0) as usize)
        .collect();
    strata.sort();
    strata.dedup();
    assert_eq!(strata.len(), 16, "{amounts:?}");
    let tmp = tempfile::tempdir().unwrap();
    let r = run_sweep(&s, &SweepOptions::new(tmp.path().join("lhs"), 2)).unwrap();
    assert_eq!((r.runs, r.failed), (16, 0));
    // A grid in tokens is exact; in smallest units, a real is rounded.
    let grid = SMALL.replace(
        "key = \"rewards.sequencer_bps\"",
        "key = \"rewards.checkpoint_reward\"\nunit = \"tokens\"",
    );
    let s = parse("grid.toml", &grid, &scenarios()).unwrap();
    let amounts: Vec<u128> = s.layout.parameters[1]
        .values
        .iter()
        .map(|v| v.as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(amounts, [5000 * token, 7000 * token, 9000 * token]);
    let units = SAMPLED.replace(
        "key = \"rewards.sequencer_bps\"\nmin = 2000\nmax = 9000",
        "key = \"rewards.checkpoint_reward\"\nmin = 5e19\nmax = 8e20",
    );
    let s = parse("units.toml", &units, &scenarios()).unwrap();
    assert!(s.layout.parameters[0].values.iter().all(|v| {
        v.as_str()
            .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
    }));
    // Tokens on a key that is not an amount are refused, naming the key.
    let wrong = SAMPLED.replace(
        "key = \"rewards.sequencer_bps\"",
        "key = \"rewards.sequencer_bps\"\nunit = \"tokens\"",
    );
    let e = parse("wrong.toml", &wrong, &scenarios())
        .unwrap_err()
        .to_string();
    assert!(e.contains("rewards.sequencer_bps"), "{e}");
}

#[test]
fn a_distributions_parameters_sweep_like_any_key() {
    // The baseline's provers draw their hourly price from a lognormal: its
    // median and spread are keys a sweep varies.
    let text = SAMPLED
        .replace(
            "key = \"rewards.sequencer_bps\"\nmin = 2000\nmax = 9000",
            "key = \"provers.0.hourly_price.median\"\nmin = 20.0\nmax = 2000.0\nscale = \"log\"",
        )
        .replace(
            "key = \"booster.decay_per_epoch\"\nmin = 10000\nmax = 200000",
            "key = \"provers.0.hourly_price.sigma\"\nmin = 0.05\nmax = 0.8",
        )
        .replace("[[provers]]\nname = \"honest\"\ncount = 3\n", "");
    let s = parse("dist.toml", &text, &scenarios()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("dist");
    let r = run_sweep(&s, &SweepOptions::new(&out, 2)).unwrap();
    assert_eq!((r.runs, r.failed), (16, 0));
    // Each cell's runs drew their prices from that cell's distribution:
    // their costs follow the median.
    let df = proversim::storage::saved::read_table(&out.join("sweep.parquet")).unwrap();
    let medians = proversim::storage::saved::numbers(&df, "provers[0].hourly_price.median");
    let costs = proversim::storage::saved::numbers(&df, "prover_costs");
    let (lo, hi): (Vec<_>, Vec<_>) = medians.iter().zip(&costs).partition(|(m, _)| **m < 200.0);
    let mean = |v: &[(&f64, &f64)]| v.iter().map(|p| *p.1).sum::<f64>() / v.len() as f64;
    assert!(mean(&hi) > mean(&lo), "{medians:?} {costs:?}");
}

#[test]
fn the_reward_sweep_header_holds_on_its_ten_replicates() {
    let s = load(&scenarios().join("reward-sweep.toml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("rewards");
    let r = run_sweep(&s, &SweepOptions::new(&out, 2)).unwrap();
    assert_eq!((r.runs, r.failed), (50, 0));
    let df = proversim::storage::saved::read_table(&out.join("sweep.parquet")).unwrap();
    let rewards = proversim::storage::saved::texts(&df, "rewards.checkpoint_reward");
    let live = proversim::storage::saved::numbers(&df, "liveness");
    let provers = proversim::storage::saved::numbers(&df, "active_provers_mean");
    assert!(live.iter().all(|&l| l == 1.0), "{live:?}");
    let mean_at = |tokens: u128| {
        let at = (tokens * 1_000_000_000_000_000_000).to_string();
        let xs: Vec<f64> = (0..df.height())
            .filter(|&i| rewards[i] == at)
            .map(|i| provers[i])
            .collect();
        assert_eq!(xs.len(), 10);
        xs.iter().sum::<f64>() / 10.0
    };
    // 16.4 provers at 1 token, 24.1 at 25, 64.9 at 100, 156.4 at 400.
    for (tokens, expect) in [(1, 16.4), (25, 24.1), (100, 64.9), (400, 156.4)] {
        let m = mean_at(tokens);
        assert!((m - expect).abs() < 0.05, "{tokens} tokens: {m}");
    }
}

#[test]
fn the_azip30_gas_sweep_header_holds_on_its_ten_replicates() {
    let s = load(&scenarios().join("azip30-gas-sweep.toml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("gas");
    let r = run_sweep(&s, &SweepOptions::new(&out, 2)).unwrap();
    assert_eq!((r.runs, r.failed), (160, 0));
    let df = proversim::storage::saved::read_table(&out.join("sweep.parquet")).unwrap();
    let protocol = proversim::storage::saved::texts(&df, "protocol");
    let base_fee = proversim::storage::saved::numbers(&df, "fees.l1_base_fee.start");
    let fees = proversim::storage::saved::texts(&df, "rewards.proving_cost_per_mana");
    let live = proversim::storage::saved::numbers(&df, "liveness");
    let mean_at = |version: &str, gwei: f64, with_fees: bool| {
        let xs: Vec<f64> = (0..df.height())
            .filter(|&i| {
                protocol[i] == version
                    && (base_fee[i] - gwei * 1e9).abs() < 1.0
                    && (fees[i] != "0") == with_fees
            })
            .map(|i| live[i])
            .collect();
        assert_eq!(xs.len(), 10);
        xs.iter().sum::<f64>() / 10.0
    };
    for (version, gwei, with_fees, expect) in [
        ("v5", 1.0, true, 0.9984),
        ("v5", 10.0, true, 0.884),
        ("v5", 10.0, false, 0.8668),
        ("v6", 1.0, true, 0.9304),
        ("v6", 3.0, true, 0.7133),
        ("v6", 10.0, false, 0.209),
    ] {
        let m = mean_at(version, gwei, with_fees);
        assert!(
            (m - expect).abs() < 5e-4,
            "{version} at {gwei} gwei, fees {with_fees}: {m}"
        );
    }
}
