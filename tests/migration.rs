//! A migration within a run (docs/model.md section 12): the canonical
//! rollup becomes another version at an epoch's start, every booster record
//! starts empty, payouts follow the new rules to the unit (the run's trace
//! replays them), and each active prover starts on the new version only if
//! its horizon's value there is positive.

mod common;

use std::collections::BTreeMap;

use proversim::protocol::booster::{ActivityRecord, Booster};
use proversim::protocol::{Payload, Version};

/// The epoch the rollup becomes v6 at: late enough that v5's records
/// (1,400 net a proven epoch) have grown past an empty one's shares.
const SWITCH: u64 = 200;

/// The baseline under v5 with its rollup becoming v6 at [`SWITCH`].
fn migrating(sets: &[&str]) -> proversim::scenario::Scenario {
    let mut all = vec![
        "protocol=v5",
        "epochs=230",
        "migration={epoch=200,to=\"v6\"}",
    ];
    all.extend_from_slice(sets);
    common::scenario("baseline", &all)
}

#[test]
fn records_restart_and_every_payout_follows_the_new_rules() {
    let s = migrating(&[]);
    let mut rec = proversim::metrics::MemoryRecorder::default();
    let options = proversim::engine::RunOptions {
        trace: true,
        progress: None,
    };
    let r = proversim::simulate(&s, &mut rec, options).unwrap();
    assert!(r.summary.books.balanced);
    // The trace names the migration, and `settle` on it pays every prover
    // of every epoch what the run paid.
    assert!(r.trace.as_ref().unwrap().contains("kind = \"migrate\""));
    assert!(common::replay_matches_run(&rec, &r) > 0);
    // Every prover's first proof accepted after the change registers the
    // shares of an empty record of v6's booster.
    let v6 = Booster::new(Version::V6.booster()).unwrap();
    let switch = SWITCH * s.chain.epoch_duration;
    let mut first: BTreeMap<String, f64> = BTreeMap::new();
    for row in rec.submissions.iter().filter(|r| r.status == "accepted") {
        if row.slot >= switch {
            first.entry(row.prover.to_string()).or_insert_with(|| {
                let epoch = row.slot / s.chain.epoch_duration;
                let (shares, _) = v6.score(ActivityRecord::default(), epoch, true).unwrap();
                assert_eq!(row.shares, shares as f64, "{row:?}");
                row.shares
            });
        }
    }
    assert!(first.len() >= 15, "{first:?}");
    // Before it, records had grown past an empty one's shares.
    let v5 = Booster::new(Version::V5.booster()).unwrap();
    let (fresh_v5, _) = v5
        .score(ActivityRecord::default(), SWITCH - 1, true)
        .unwrap();
    assert!(
        rec.submissions
            .iter()
            .any(|r| r.status == "accepted" && r.slot < switch && r.shares > fresh_v5 as f64)
    );
    let m = r.summary.migration.expect("a migration summary");
    assert_eq!((m.epoch, m.to.as_str()), (SWITCH, "v6"));
    // A third of v5's pool (about 1,340 tokens an epoch) pays about 16
    // provers of about 80 tokens an epoch each, not the 20 active: as each
    // would share it equally, 16 start (free entry), the rest leave.
    assert_eq!(m.provers_active, 20, "{m:?}");
    assert_eq!(m.provers_started, 16, "{m:?}");
    let declined = rec
        .events
        .iter()
        .filter(|e| e.kind == "decline_migration")
        .count();
    assert_eq!(declined, 4);
}

#[test]
fn the_protocol_takes_the_new_versions_constants_and_empty_records() {
    let s = common::scenario("baseline", &["protocol=v5"]);
    let mut p = proversim::protocol::Protocol::new(
        proversim::engine::genesis_params(&s),
        s.booster.to_config().unwrap(),
    )
    .unwrap();
    assert_eq!(p.params().sequencer_bps, 7_000);
    let generation = p.generation();
    p.migrate(Version::V6).unwrap();
    assert_eq!(p.params().version, Version::V6);
    assert_eq!(p.params().sequencer_bps, 9_000);
    assert_eq!(p.params().proving_cost_per_mana, 12_500_000);
    assert_eq!(*p.booster().config(), Version::V6.booster());
    assert_eq!(p.generation(), generation + 1);
    // v6 governance still may not touch the booster.
    let booster = Payload {
        booster: Some(Version::V4.booster()),
        ..Payload::default()
    };
    assert!(p.apply(&booster).is_err());
}

#[test]
fn a_migration_at_the_runs_end_does_not_happen() {
    let (_, r) = common::simulate(&common::scenario(
        "baseline",
        &["epochs=20", "migration={epoch=20,to=\"v6\"}"],
    ));
    assert!(r.summary.migration.is_none());
    assert_eq!(r.summary.protocol, "v4");
}

#[test]
fn the_provers_that_start_are_the_cheapest_and_the_rest_leave() {
    // Reliable provers' fixed costs spread from 0 to 300 tokens an epoch:
    // under v5's split all of them pay, under v6's a third of the pool
    // does not pay them all.
    let s = migrating(&[
        "provers.0.fixed_cost_per_epoch={dist=\"uniform\",min=0.0,max=300.0}",
        "provers.0.count=15",
    ]);
    let (rec, r) = common::simulate(&s);
    let m = r.summary.migration.expect("a migration summary");
    assert!(m.provers_started > 0, "{m:?}");
    assert!(m.provers_started < m.provers_active, "{m:?}");
    let declined: Vec<String> = rec
        .events
        .iter()
        .filter(|e| e.kind == "decline_migration")
        .map(|e| e.subject.to_string())
        .collect();
    assert_eq!(declined.len() as u32, m.provers_active - m.provers_started);
    // Within the group, every prover that declined costs more than every
    // one that started.
    let fixed: BTreeMap<String, f64> = rec
        .agents
        .iter()
        .filter(|a| a.group == "reliable")
        .map(|a| (a.prover.to_string(), a.fixed_cost_per_epoch))
        .collect();
    let out: Vec<f64> = declined
        .iter()
        .filter_map(|n| fixed.get(n).copied())
        .collect();
    assert!(!out.is_empty());
    let active_before: Vec<String> = rec
        .submissions
        .iter()
        .filter(|row| row.status == "accepted" && row.epoch == SWITCH - 2)
        .map(|row| row.prover.to_string())
        .collect();
    let stayed: Vec<f64> = active_before
        .iter()
        .filter(|n| !declined.contains(n))
        .filter_map(|n| fixed.get(n).copied())
        .collect();
    assert!(!stayed.is_empty());
    let cheapest_out = out.iter().copied().fold(f64::INFINITY, f64::min);
    let dearest_in = stayed.iter().copied().fold(0.0, f64::max);
    assert!(dearest_in <= cheapest_out, "{stayed:?} against {out:?}");
}

#[test]
fn a_migration_to_the_version_run_or_of_the_bonded_design_is_refused() {
    let bad = |sets: &[&str]| {
        let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
        proversim::scenario::load(&path, &sets)
            .unwrap_err()
            .to_string()
    };
    let same = bad(&["migration={epoch=10,to=\"v4\"}"]);
    assert!(
        same.contains("migration.to") && same.contains("v4"),
        "{same}"
    );
    let bonded = bad(&["mechanism=bonded_quotes", "migration={epoch=5,to=\"v6\"}"]);
    assert!(
        bonded.contains("migration") && bonded.contains("bonded"),
        "{bonded}"
    );
    let unknown = bad(&["migration={epoch=5,to=\"v7\"}"]);
    assert!(unknown.contains("migration.to"), "{unknown}");
}
