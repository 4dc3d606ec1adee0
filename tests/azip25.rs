//! AZIP-25's question (`scenarios/azip25.toml`): provers short of compute
//! keep their score with the shortest proof of a burst epoch the chain
//! takes while any accepted proof bumps it, and stop once only full-epoch
//! proofs do.

mod common;

use std::collections::BTreeSet;

use proversim::metrics::MemoryRecorder;

/// The epochs of the run's bursts (each lasts 3 epochs).
fn burst_epochs(rec: &MemoryRecorder) -> BTreeSet<u64> {
    rec.events
        .iter()
        .filter(|e| e.kind == "burst")
        .flat_map(|e| {
            let start = e.slot / 32;
            start..start + 3
        })
        .collect()
}

/// The small provers' accepted proofs shorter than their epoch's longest:
/// (epoch, length).
fn short_proofs(rec: &MemoryRecorder) -> Vec<(u64, u64)> {
    let longest = |e: u64| {
        rec.submissions
            .iter()
            .filter(|r| r.epoch == e && r.status == "accepted")
            .map(|r| r.length)
            .max()
            .unwrap_or(0)
    };
    rec.submissions
        .iter()
        .filter(|r| r.strategy == "honest" && r.prover.to_string().starts_with("small"))
        .filter(|r| r.status == "accepted" && r.length < longest(r.epoch))
        .map(|r| (r.epoch, r.length))
        .collect()
}

#[test]
fn short_provers_keep_their_score_with_a_short_proof_only_while_it_counts() {
    let sets = ["epochs=200"];
    let (v5, r5) = common::simulate(&common::scenario("azip25", &sets));
    let bursts = burst_epochs(&v5);
    assert!(!bursts.is_empty());
    let short = short_proofs(&v5);
    assert!(short.len() >= 10, "{}", short.len());
    // Only in bursts, which they cannot prove whole, and as short as the
    // chain takes: the first block, or the longest proof before theirs.
    for (e, length) in &short {
        assert!(bursts.contains(e), "a short proof of calm epoch {e}");
        assert!(*length < 32, "{e}: {length}");
    }
    assert_eq!(r5.summary.liveness, 1.0);
    // Scored on full epochs only, they stop.
    let full = ["epochs=200", "booster.score_on=full_epoch"];
    let (v25, _) = common::simulate(&common::scenario("azip25", &full));
    assert_eq!(burst_epochs(&v25), bursts);
    assert!(short_proofs(&v25).is_empty());
}
