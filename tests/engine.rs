//! The engine end to end: determinism, the replay trace reproducing every
//! payout, the books, the honest world's sanity, and bad scenario files.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use proversim::engine::RunOptions;
use proversim::metrics::MemoryRecorder;
use proversim::scenario::{ProverGroup, RuleName, Scenario};
use proversim::simulate as run;
mod common;

/// A short run of the baseline world.
fn small(epochs: u64) -> Scenario {
    let mut s = proversim::scenario::load(Path::new("scenarios/baseline.toml"), &[]).unwrap();
    s.epochs = epochs;
    s
}

fn run_mem(s: &Scenario) -> (MemoryRecorder, proversim::engine::RunResult) {
    let mut rec = MemoryRecorder::default();
    let r = run(s, &mut rec, RunOptions::default()).unwrap();
    (rec, r)
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        // The folder's lock file is the only hidden one.
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let s = small(40);
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let c = tmp.path().join("c");
    proversim::run::run_to_dir(&s, &a, true, None, None).unwrap();
    proversim::run::run_to_dir(&s, &b, true, None, None).unwrap();
    let mut other = s.clone();
    other.seed += 1;
    proversim::run::run_to_dir(&other, &c, false, None, None).unwrap();
    let (fa, fb, fc) = (files(&a), files(&b), files(&c));
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        [
            "agents.csv",
            "agents.parquet",
            "bridging.csv",
            "bridging.parquet",
            "epochs.csv",
            "epochs.parquet",
            "events.csv",
            "events.parquet",
            "provers.csv",
            "provers.parquet",
            "scenario.toml",
            "submissions.csv",
            "submissions.parquet",
            "summary.json"
        ]
    );
    assert_eq!(fa, fb);
    assert_ne!(fa["epochs.parquet"], fc["epochs.parquet"]);
    assert_ne!(fa["summary.json"], fc["summary.json"]);
}

#[test]
fn the_replay_trace_reproduces_every_payout() {
    let mut s = small(30);
    // Price swings, misses and a second group make the history varied.
    s.fees.l1_base_fee.volatility = 0.05;
    s.sequencers[0].miss_rate = 0.2;
    s.provers.push(ProverGroup {
        name: "slow".into(),
        count: 3,
        parallelism: 1.0,
        ..ProverGroup::default()
    });
    let mut rec = MemoryRecorder::default();
    let r = run(
        &s,
        &mut rec,
        RunOptions {
            trace: true,
            progress: None,
        },
    )
    .unwrap();
    let payouts = common::replay_matches_run(&rec, &r);
    assert!(payouts > 300, "{payouts} payouts");
    assert!(r.summary.books.balanced);
}

#[test]
fn rewards_far_above_costs_prove_every_epoch() {
    let (rec, r) = run_mem(&small(50));
    assert_eq!(r.summary.prunes, 0);
    assert_eq!(r.summary.liveness, 1.0);
    assert!(
        rec.epochs
            .iter()
            .all(|e| e.settled && e.blocks_proven == e.blocks_built)
    );
    assert!(r.summary.books.balanced);
    assert_eq!(r.summary.active_provers.last, 20);
}

#[test]
fn rewards_far_below_costs_make_provers_leave_and_the_chain_prune() {
    let mut s = small(80);
    s.provers[0].count = 20;
    s.provers.truncate(1);
    s.rewards.checkpoint_reward = 0;
    s.rewards.proving_cost_per_mana = 0;
    s.provers[0].hourly_price = 1e6;
    s.provers[0].exit_after_losses = 3;
    // Sitting out is not a loss: with no capital cost they stay, idle, and
    // the chain prunes.
    let (rec, r) = run_mem(&s);
    assert_eq!(rec.events.iter().filter(|e| e.kind == "exit").count(), 0);
    assert_eq!(r.summary.prover_costs, 0.0);
    assert!(r.summary.liveness < 0.1, "liveness {}", r.summary.liveness);
    // What the prunes cost users: a transaction sent back waits from its
    // pruned block to the next block, which is at least a slot and at most
    // the span a prune removes (two epochs when the window is one epoch)
    // plus a slot. Those still waiting at the end are not counted, so at
    // most as many were re-included as were sent back.
    let slot_s = s.chain.slot_duration as f64;
    let span_s =
        (s.chain.proof_submission_epochs + 1) as f64 * s.chain.epoch_duration as f64 * slot_s;
    let added = r
        .summary
        .prune_added_latency_s
        .expect("prunes delayed transactions");
    assert!(
        added >= slot_s && added <= span_s + slot_s,
        "added {added} s"
    );
    let reincluded = r.summary.prune_delay_tx_hours * 3600.0 / added;
    assert!(reincluded <= r.summary.txs_delayed_by_prunes as f64 + 0.5);
    assert!(reincluded > 0.5 * r.summary.txs_delayed_by_prunes as f64);
    // Idle hardware that costs money is a loss: they leave.
    s.provers[0].capital_cost_per_epoch = 1.0;
    let (rec, r) = run_mem(&s);
    assert_eq!(rec.events.iter().filter(|e| e.kind == "exit").count(), 20);
    assert_eq!(r.summary.groups[&s.provers[0].name].exits, 20);
    assert_eq!(r.summary.active_provers.last, 0);
    assert!(r.summary.prunes > 10, "{} prunes", r.summary.prunes);
    assert!(r.summary.liveness < 0.1, "liveness {}", r.summary.liveness);
    assert!(r.summary.books.balanced);
}

#[test]
fn one_prover_under_the_flat_rule_takes_the_whole_pool() {
    let mut s = small(20);
    s.booster.rule = RuleName::Flat;
    s.provers.truncate(1);
    s.provers[0].count = 1;
    let (rec, _) = run_mem(&s);
    let paid: Vec<_> = rec.provers.iter().filter(|p| p.paid).collect();
    assert_eq!(paid.len(), 20);
    for e in &rec.epochs {
        assert_eq!(e.provers_paid, 1);
        assert_eq!(e.dust_units, 0);
        let p = paid.iter().find(|p| p.epoch == e.epoch).unwrap();
        assert_eq!(p.reward_units, e.pool_units);
    }
}

#[test]
fn memory_stays_flat_over_a_long_run() {
    let s = small(600);
    let mut rec = proversim::metrics::NullRecorder;
    let r = run(&s, &mut rec, RunOptions::default()).unwrap();
    // The protocol holds at most the blocks of the open windows.
    assert!(r.max_held_blocks <= 3 * 32, "{}", r.max_held_blocks);
}

#[test]
fn bad_scenarios_give_their_errors_and_exit_2() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/bad-scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        n += 1;
        let expected = std::fs::read_to_string(path.with_extension("err")).unwrap();
        for cmd in ["validate", "run"] {
            let out = Command::new(env!("CARGO_BIN_EXE_proversim"))
                .current_dir(&dir)
                .arg(cmd)
                .arg(path.file_name().unwrap())
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{cmd} {}", path.display());
            assert_eq!(
                String::from_utf8(out.stderr).unwrap(),
                expected,
                "{cmd} {}",
                path.display()
            );
        }
    }
    assert!(n >= 20, "only {n} bad scenarios");
}

#[test]
fn set_overrides_are_checked_like_the_file() {
    let out = Command::new(env!("CARGO_BIN_EXE_proversim"))
        .args([
            "run",
            "scenarios/baseline.toml",
            "--set",
            "provers.0.count=-2",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: --set provers.0.count=-2: key 'provers[0].count': invalid value: integer `-2`, expected a non-negative integer\n"
    );
    let out = Command::new(env!("CARGO_BIN_EXE_proversim"))
        .args(["run", "--set", "booster.rulez=flat"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("key 'booster.rulez': unknown field `rulez`")
    );
}

#[test]
fn a_failed_run_leaves_earlier_outputs_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let s = small(5);
    proversim::run::run_to_dir(&s, &out, false, None, None).unwrap();
    let before = files(&out);
    let mut bad = s.clone();
    // Fees of 10^33 per mana: the books' sum of fees leaves u128 once a
    // few blocks are proven, well into the run.
    bad.rewards.proving_cost_per_mana = 10u128.pow(33);
    let err = proversim::run::run_to_dir(&bad, &out, false, None, None).unwrap_err();
    assert!(
        err.to_string().contains("fees leaves the u128 range"),
        "{err}"
    );
    assert_eq!(files(&out), before);
}

#[test]
fn the_summary_is_the_same_with_or_without_rows_and_adds_up() {
    let s = small(40);
    let (rec, with_rows) = run_mem(&s);
    let without = run(
        &s,
        &mut proversim::metrics::NullRecorder,
        RunOptions::default(),
    )
    .unwrap();
    assert_eq!(with_rows.summary, without.summary);
    let rewards: f64 = rec.provers.iter().map(|p| p.reward).sum();
    let costs: f64 = rec.provers.iter().map(|p| p.cost).sum();
    assert!((rewards - with_rows.summary.prover_rewards).abs() < 1e-6 * rewards);
    assert!((costs - with_rows.summary.prover_costs).abs() < 1e-6 * costs);
    let accepted = rec
        .submissions
        .iter()
        .filter(|s| s.status == "accepted")
        .count() as u64;
    assert_eq!(with_rows.summary.strategies["honest"].accepted, accepted);
    let built: u64 = rec.epochs.iter().map(|e| e.blocks_built).sum();
    assert_eq!(built, with_rows.summary.blocks_built);
    // Per group: the provers table, grouped, gives every figure.
    let groups = &with_rows.summary.groups;
    assert_eq!(groups.len(), s.provers.len());
    let share: f64 = groups.values().map(|g| g.reward_share).sum();
    assert!((share - 1.0).abs() < 1e-9, "shares sum to {share}");
    for g in &s.provers {
        let summary = &groups[&g.name];
        let rows: Vec<_> = rec
            .provers
            .iter()
            .filter(|p| p.group == g.name.as_str())
            .collect();
        let rewards: f64 = rows.iter().map(|p| p.reward).sum();
        assert!(
            (summary.rewards - rewards).abs() <= 1e-6 * rewards.max(1.0),
            "{}",
            g.name
        );
        let paid = rows.iter().filter(|p| p.reward_units > 0).count() as u64;
        assert_eq!(summary.epochs_proved, paid, "{}", g.name);
        let unpaid = rows
            .iter()
            .filter(|p| p.submissions > 0 && p.reward_units == 0)
            .count();
        assert_eq!(summary.epochs_superseded, unpaid as u64, "{}", g.name);
        assert_eq!(summary.strategy, g.strategy.name());
        assert!(summary.profit < summary.rewards + 1e-9);
    }
}

#[test]
fn entries_and_superseded_proofs_count_per_group() {
    // Free entry: every entrant is an "entry" event of its group.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/free-entry.toml");
    let s = proversim::scenario::load(&path, &["epochs=120".to_string()]).unwrap();
    let (rec, r) = run_mem(&s);
    let entries = rec.events.iter().filter(|e| e.kind == "entry").count() as u64;
    assert!(entries > 0);
    assert_eq!(
        r.summary.groups.values().map(|g| g.entries).sum::<u64>(),
        entries
    );
    // Sniping that pays: partial provers that do not complete the epoch
    // see their prefix proofs superseded by the sniper's whole one.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sniping-pays.toml");
    let s = proversim::scenario::load(&path, &["epochs=60".to_string()]).unwrap();
    let (_, r) = run_mem(&s);
    let superseded: u64 = r.summary.groups.values().map(|g| g.epochs_superseded).sum();
    assert!(superseded > 0, "{:?}", r.summary.groups);
}
