//! The previous design, bonded quotes, in the engine: honest sequencers
//! take the lowest quote, colluding ones a higher one for a kickback, a
//! prover that fails loses its bond and the epoch is pruned, no quote prunes
//! the stated blocks, and the books balance in both designs.

use std::path::Path;

use proversim::engine::{RunOptions, RunResult};
use proversim::metrics::MemoryRecorder;
use proversim::scenario::Scenario;
use proversim::simulate as run;

fn scenario(overrides: &[&str]) -> Scenario {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/legacy-vs-permissionless.toml");
    let mut all = vec![
        "epochs=60",
        "sequencers=[{name=\"seq\", count=48, miss_rate=0.0}]",
    ];
    all.extend_from_slice(overrides);
    let all: Vec<String> = all.iter().map(|s| s.to_string()).collect();
    proversim::scenario::load(&path, &all).unwrap_or_else(|e| panic!("{e}"))
}

fn simulate(s: &Scenario) -> (MemoryRecorder, RunResult) {
    let mut rec = MemoryRecorder::default();
    let r = run(s, &mut rec, RunOptions::default()).unwrap();
    assert!(r.summary.books.balanced, "{:?}", r.summary.books);
    (rec, r)
}

/// `(epoch, quote in bps)` pairs.
type EpochQuotes = Vec<(String, f64)>;

/// (epoch, lowest quote) and (epoch, accepted quote) from the events.
fn quotes(rec: &MemoryRecorder) -> (EpochQuotes, EpochQuotes) {
    let epoch_of = |detail: &str| {
        detail
            .split("for epoch ")
            .nth(1)
            .map(|r| r.split_whitespace().next().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    let lowest = rec
        .events
        .iter()
        .filter(|e| e.kind == "quotes")
        .map(|e| (e.subject.trim_start_matches("epoch ").to_string(), e.value))
        .collect();
    let accepted = rec
        .events
        .iter()
        .filter(|e| e.kind == "quote_accepted")
        .map(|e| (epoch_of(&e.detail), e.value))
        .collect();
    (lowest, accepted)
}

const RELIABLE: &str = "provers=[{name=\"p\", count=6}]";

#[test]
fn honest_sequencers_take_the_lowest_quote() {
    let (rec, r) = simulate(&scenario(&[RELIABLE]));
    let (lowest, accepted) = quotes(&rec);
    assert!(accepted.len() >= 55, "{} acceptances", accepted.len());
    for (epoch, bps) in &accepted {
        let low = lowest.iter().find(|(e, _)| e == epoch).unwrap().1;
        assert_eq!(*bps, low, "epoch {epoch}");
    }
    assert_eq!(r.summary.kickbacks, 0.0);
    assert_eq!(r.summary.slashed, 0.0);
    // One prover paid per proven epoch.
    assert!(
        rec.epochs
            .iter()
            .filter(|e| e.settled)
            .all(|e| e.provers_paid == 1)
    );
}

/// Reliable provers and three ready to pay kickbacks.
const WITH_KICKBACKS: &str =
    "provers=[{name=\"p\", count=6}, {name=\"k\", strategy=\"kickback\", count=3}]";
const COLLUDING: &str = "sequencers=[{name=\"seq\", count=48, miss_rate=0.0, colluding=true}]";

#[test]
fn colluding_sequencers_accept_the_quote_that_pays_them_most() {
    let (honest_rec, honest) = simulate(&scenario(&[WITH_KICKBACKS]));
    let (rec, r) = simulate(&scenario(&[WITH_KICKBACKS, COLLUDING]));
    // Honest proposers never take a kickback quote.
    let (lowest, accepted) = quotes(&honest_rec);
    for (epoch, ppm) in &accepted {
        assert_eq!(*ppm, lowest.iter().find(|(e, _)| e == epoch).unwrap().1);
    }
    assert_eq!(honest.summary.kickbacks, 0.0);
    // Colluding ones do, and the kickback is a real transfer: it leaves the
    // prover's reward and shows in the sequencers' income and the books.
    assert!(r.summary.kickbacks > 0.0);
    let kicks: f64 = rec
        .events
        .iter()
        .filter(|e| e.kind == "kickback")
        .map(|e| e.value)
        .sum();
    assert!((kicks - r.summary.kickbacks).abs() < 1e-6 * kicks);
    assert!(r.summary.strategies["kickback"].rewards > 0.0);
    assert!(
        (r.summary.paid_for_proving - r.summary.prover_rewards - r.summary.kickbacks).abs()
            < 1e-6 * r.summary.paid_for_proving
    );
    assert!(r.summary.paid_for_proving > 10.0 * honest.summary.paid_for_proving);
    assert!(r.summary.books.balanced);
    // One cartel: per owner, it is one prover.
    assert!(r.summary.reward_hhi_by_owner > r.summary.reward_hhi);
}

#[test]
fn prover_profit_is_rewards_less_costs_less_slashing() {
    for sets in [
        vec![WITH_KICKBACKS, COLLUDING],
        vec!["provers=[{name=\"p\", count=3, uptime=0.5}]"],
    ] {
        let (rec, r) = simulate(&scenario(&sets));
        let s = &r.summary;
        let (rewards, costs, slashed) = rec.provers.iter().fold((0.0, 0.0, 0.0), |a, p| {
            (a.0 + p.reward, a.1 + p.cost, a.2 + p.slashed)
        });
        assert!((s.prover_profit - (s.prover_rewards - s.prover_costs - s.slashed)).abs() < 1e-6);
        assert!((rewards - s.prover_rewards).abs() < 1e-6 * rewards.max(1.0));
        assert!((costs - s.prover_costs).abs() < 1e-6 * costs.max(1.0));
        assert!((slashed - s.slashed).abs() < 1e-6);
        // Rewards to the unit: the rows' units sum to the books.
        let units: u128 = rec.provers.iter().map(|p| p.reward_units).sum();
        assert_eq!(units.to_string(), s.books.paid_provers);
        assert!(s.books.balanced);
    }
}

#[test]
fn reordering_identical_provers_changes_no_conclusion() {
    // Identical provers (no drawn values) under honest sequencers: equal
    // quotes are ordered by a seeded draw, not by the file.
    let group = |name: &str| {
        format!("{{name=\"{name}\", count=4, hourly_price=40.0, exit_after_losses=100000}}")
    };
    let wins = |order: [&str; 2]| {
        let provers = format!("provers=[{}, {}]", group(order[0]), group(order[1]));
        let (rec, _) = simulate(&scenario(&["epochs=1000", &provers]));
        let mut by: std::collections::BTreeMap<String, u64> = Default::default();
        for e in rec.events.iter().filter(|e| e.kind == "quote_accepted") {
            *by.entry(e.subject.clone()).or_default() += 1;
        }
        by
    };
    for order in [["a", "b"], ["b", "a"]] {
        let by = wins(order);
        let total: u64 = by.values().sum();
        assert!(total >= 990, "{total} acceptances");
        let fair = total as f64 / 8.0;
        for (prover, n) in &by {
            assert!((*n as f64) < 2.0 * fair, "{prover} won {n} of {total}");
        }
        let group_a: u64 = by
            .iter()
            .filter(|(p, _)| p.starts_with("a-"))
            .map(|(_, n)| n)
            .sum();
        assert!(
            (group_a as f64 - total as f64 / 2.0).abs() < 0.1 * total as f64,
            "{group_a} of {total}"
        );
    }
}

#[test]
fn colluding_sequencers_raise_what_is_paid_for_proving_by_a_stated_interval() {
    use proversim::compare::{CompareOptions, Side, compare, diffs};
    let side = |name: &str, sets: &[&str]| Side {
        name: name.into(),
        file: "legacy-vs-permissionless.toml".into(),
        scenario: scenario(sets),
    };
    let c = compare(
        side("honest", &[WITH_KICKBACKS]),
        side("colluding", &[WITH_KICKBACKS, COLLUDING]),
        &CompareOptions {
            replicates: 5,
            seed: Some(2),
            threads: 2,
            progress: None,
        },
    )
    .unwrap();
    let d = diffs(&c);
    for metric in ["paid_for_proving", "kickbacks"] {
        assert!(d[metric].diff_ci_low > 0.0, "{metric}: {:?}", d[metric]);
    }
}

#[test]
fn a_slashed_prover_that_cannot_afford_a_new_bond_leaves() {
    // Never up: its quote prices a certain slashing, but with no other
    // prover it is still accepted, fails, and loses its bond; its funds
    // (1.5 bonds) do not cover a second one.
    let (rec, r) = simulate(&scenario(&["provers=[{name=\"p\", count=3, uptime=0.0}]"]));
    let slashes = rec.events.iter().filter(|e| e.kind == "slashed").count();
    assert_eq!(slashes, 3);
    assert!(
        (r.summary.slashed - 300_000.0).abs() < 1e-6,
        "{}",
        r.summary.slashed
    );
    let exits: Vec<_> = rec.events.iter().filter(|e| e.kind == "exit").collect();
    assert_eq!(exits.len(), 3);
    assert!(
        exits
            .iter()
            .all(|e| e.detail.contains("cannot afford a new bond"))
    );
    assert!(rec.events.iter().filter(|e| e.kind == "prune").count() >= slashes);
    assert_eq!(r.summary.prover_rewards, 0.0);
    assert!(r.summary.prover_profit < -300_000.0 + 1e-6);
    assert_eq!(r.summary.capital_locked, 0.0);
}

#[test]
fn without_quotes_the_epoch_and_the_first_quote_slots_blocks_are_pruned() {
    let (rec, r) = simulate(&scenario(&["provers=[]"]));
    let prunes: Vec<_> = rec.events.iter().filter(|e| e.kind == "prune").collect();
    assert!(!prunes.is_empty());
    let first = prunes[0];
    // At slot 13 of epoch 1: epoch 0's 32 blocks and epoch 1's first 13.
    assert_eq!(first.slot, 32 + 13);
    assert_eq!(first.value, 45.0);
    assert_eq!(r.summary.blocks_proven, 0);
}

#[test]
fn the_books_balance_in_both_designs() {
    for mechanism in ["permissionless", "bonded_quotes"] {
        let (_, r) = simulate(&scenario(&[&format!("mechanism={mechanism}")]));
        assert!(r.summary.books.balanced, "{mechanism}");
        assert!(r.summary.blocks_proven > 0, "{mechanism}");
    }
}

#[test]
fn bridgers_wait_for_the_whole_epoch_under_bonded_quotes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bridging.toml");
    let latency = |mechanism: &str| {
        let s = proversim::scenario::load(
            &path,
            &["epochs=60".to_string(), format!("mechanism={mechanism}")],
        )
        .unwrap();
        let (_, r) = simulate(&s);
        r.summary.bridging.unwrap().mean_latency_s
    };
    let (fast, slow) = (latency("permissionless"), latency("bonded_quotes"));
    assert!(
        slow > 3.0 * fast,
        "bonded {slow} s against permissionless {fast} s"
    );
}

#[test]
fn a_replay_trace_of_the_bonded_design_is_refused() {
    let s = scenario(&[]);
    let err = run(
        &s,
        &mut proversim::metrics::NullRecorder,
        RunOptions {
            trace: true,
            progress: None,
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("bonded_quotes"), "{err}");
}

#[test]
fn a_prover_that_can_buy_a_standby_machine_prices_the_cheaper_guard() {
    use proversim::agents::quoting::reliability;
    // Up 80% of epochs with a 100,000-token bond: alone it expects to lose
    // 20,000; a standby machine for 30 leaves 4% of epochs, 4,000.
    let alone = reliability(0.8, 100_000.0, None);
    assert!((alone.expected_cost - 20_000.0).abs() < 1e-6 && !alone.standby);
    let guarded = reliability(0.8, 100_000.0, Some(30.0));
    assert!((guarded.expected_cost - 4_030.0).abs() < 1e-6 && guarded.standby);
    // A standby dearer than the loss it saves is not bought.
    let dear = reliability(0.999, 100_000.0, Some(200.0));
    assert!((dear.expected_cost - 100.0).abs() < 1e-6 && !dear.standby);
}

#[test]
fn standby_machines_keep_bonded_epochs_at_low_uptime() {
    let compare = |standby: &[&str]| {
        let mut sets = vec!["epochs=200", "provers.0.uptime=0.8"];
        sets.extend_from_slice(standby);
        let (_, r) = simulate(&scenario(&sets));
        (r.summary.liveness, r.summary.slashed)
    };
    let (live_alone, slashed_alone) = compare(&[]);
    let (live_guarded, slashed_guarded) = compare(&["bonded.standby_cost_per_epoch=30"]);
    // Down 20% of epochs a chosen prover loses about one in five; with a
    // standby machine about one in 25.
    assert!(slashed_alone > 0.0, "{slashed_alone}");
    assert!(
        slashed_guarded < slashed_alone,
        "{slashed_guarded} {slashed_alone}"
    );
    assert!(live_guarded > live_alone, "{live_guarded} {live_alone}");
}

#[test]
fn a_slashed_prover_whose_wins_no_longer_pay_leaves_though_it_could_rebond() {
    // Never up, with funds for ten bonds: once the record of its sales
    // (won, never delivered) is there to read, it pays nothing, so it
    // does not put up another bond, by its own choice, long before its
    // funds run out.
    let (rec, r) = simulate(&scenario(&[
        "provers=[{name=\"p\", count=3, uptime=0.0}]",
        "bonded.prover_capital=1000000000000000000000000",
    ]));
    let slashes = rec.events.iter().filter(|e| e.kind == "slashed").count();
    assert!((3..=6).contains(&slashes), "{slashes} forfeits");
    let exits: Vec<_> = rec.events.iter().filter(|e| e.kind == "exit").collect();
    assert_eq!(exits.len(), 3);
    assert!(
        exits.iter().all(|e| e.detail.contains("no longer pay")),
        "{exits:?}"
    );
    assert_eq!(r.summary.capital_locked, 0.0);
}
