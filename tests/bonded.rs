//! The previous design, bonded quotes, in the engine: honest sequencers
//! take the lowest quote, colluding ones a higher one for a kickback, a
//! prover that fails loses its bond and the epoch is pruned, no quote prunes
//! the stated blocks, and the books balance in both designs.

use std::path::Path;

use proversim::engine::{RunOptions, RunResult, run};
use proversim::metrics::MemoryRecorder;
use proversim::scenario::Scenario;

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

#[test]
fn colluding_sequencers_accept_higher_quotes_for_kickbacks() {
    let (honest_rec, _) = simulate(&scenario(&[RELIABLE]));
    let (rec, r) = simulate(&scenario(&[
        RELIABLE,
        "sequencers=[{name=\"seq\", count=48, miss_rate=0.0, colluding=true}]",
    ]));
    let mean = |rec: &MemoryRecorder| {
        let (_, a) = quotes(rec);
        a.iter().map(|x| x.1).sum::<f64>() / a.len() as f64
    };
    assert!(
        mean(&rec) > mean(&honest_rec) * 1.1,
        "{} vs {}",
        mean(&rec),
        mean(&honest_rec)
    );
    assert!(r.summary.kickbacks > 0.0);
    assert!(rec.events.iter().any(|e| e.kind == "kickback"));
    let (lowest, accepted) = quotes(&rec);
    assert!(
        accepted
            .iter()
            .any(|(e, bps)| *bps > lowest.iter().find(|(x, _)| x == e).unwrap().1)
    );
}

#[test]
fn a_prover_that_fails_loses_its_bond_and_the_epoch_is_pruned() {
    let (rec, r) = simulate(&scenario(&["provers=[{name=\"p\", count=3, uptime=0.0}]"]));
    let slashes = rec.events.iter().filter(|e| e.kind == "slashed").count();
    assert!(slashes >= 10, "{slashes} slashes");
    let bonds = slashes as f64 * 100_000.0;
    assert!(
        (r.summary.slashed - bonds).abs() < 1e-6 * bonds,
        "{}",
        r.summary.slashed
    );
    assert!(rec.events.iter().filter(|e| e.kind == "prune").count() >= slashes);
    assert!(r.summary.liveness < 0.1);
    assert_eq!(r.summary.prover_rewards, 0.0);
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
