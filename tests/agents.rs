//! Provers that think ahead (docs/model.md section 7): they keep proving through a
//! miss because they value their streak, never start a job that cannot land,
//! enter one by one where one more would still profit, and do not leave in
//! herds.

mod common;

use common::{scenario, simulate};

#[test]
fn under_azip5_one_miss_costs_a_quarter_of_the_share_and_71_epochs() {
    // AZIP-5: increment 101,400, max 367,500, a 250,000, k 1,000,000,
    // decay 100,000. At the maximum, one epoch down: the next bump finds
    // 367,500 - 2 x 100,000 = 167,500, bumps to 268,900, and the curve
    // gives 1e6 - 250,000 x 98,600^2 / 1e10 = 756,951 shares (75.7%); then
    // +1,400 an epoch takes ceil(98,600 / 1,400) = 71 epochs back to k.
    // Five provers always up keep the chain proven; the one watched is up
    // 99% of epochs.
    let mut s = scenario("azip5", &["epochs=1500"]);
    s.rewards.distributor_funding = 10u128.pow(30);
    s.provers.truncate(1);
    s.provers[0].count = 5;
    let mut watched = s.provers[0].clone();
    watched.name = "watched".into();
    watched.count = 1;
    watched.uptime = 0.99;
    s.provers.push(watched);
    let (rec, _) = simulate(&s);
    let rows: Vec<_> = rec
        .provers
        .iter()
        .filter(|r| r.group == "watched")
        .collect();
    // An epoch it missed, after reaching the maximum, with 80 proven
    // epochs after it.
    let proved = |i: usize| rows[i].submissions > 0;
    let miss = (1..rows.len() - 80)
        .find(|&i| !proved(i) && rows[i - 1].shares == 1e6 && (i + 1..i + 81).all(proved))
        .expect("an isolated miss at full score");
    assert_eq!(rows[miss + 1].shares, 756_951.0);
    let back = (miss + 1..rows.len())
        .find(|&i| rows[i].shares == 1e6)
        .unwrap();
    assert_eq!(back - (miss + 1), 71);
    // It kept proving: only its downtime is missing.
    let missed = rows.iter().filter(|r| r.submissions == 0).count();
    assert!(missed < rows.len() / 50, "{missed} epochs missed");
}

#[test]
fn slow_hardware_starts_no_job_that_cannot_land() {
    // 2,304 transactions x 48 s / 16 = 6,912 s per epoch against a window
    // of 2,304 s: no proof could land, so none is started, nothing is
    // spent, and nobody enters.
    let s = scenario(
        "baseline",
        &[
            "epochs=60",
            "provers.0.per_tx_seconds=48.0",
            "provers.1.per_tx_seconds=48.0",
            "provers.0.potential=20",
        ],
    );
    let (rec, r) = simulate(&s);
    assert!(rec.submissions.is_empty());
    assert_eq!(r.summary.prover_costs, 0.0);
    assert!(!rec.events.iter().any(|e| e.kind == "decide_entry"));
    assert_eq!(r.summary.blocks_proven, 0);
}

#[test]
fn free_entry_with_two_costs_admits_the_marginal_entrants() {
    // Flat rule, pool P = 3,840 tokens an epoch. 60 cheap provers cost 30
    // an epoch (600 s at 60/h, plus 19 fixed, plus 1 of capital), 40 dear
    // ones 100 (+70 fixed). The marginal-entrant count is the largest n
    // with P / n >= the n-th lowest cost: 60 cheap provers earn 64 each,
    // and a 61st (a dear one) would earn 63 < 100.
    let s = scenario("free-entry-heterogeneous", &[]);
    let group = |name: &str| s.provers.iter().find(|g| g.name == name).unwrap();
    assert_eq!(group("cheap").count + group("cheap").potential, 60);
    assert_eq!(group("dear").count + group("dear").potential, 40);
    let pool = 32.0 * 400.0 * 0.3;
    let costs = [30.0; 60].iter().chain([100.0; 40].iter()).copied();
    let predicted = costs
        .enumerate()
        .filter(|&(i, c)| pool / (i + 1) as f64 >= c)
        .map(|(i, _)| i + 1)
        .max()
        .unwrap() as f64;
    assert_eq!(predicted, 60.0);
    let (_, r) = simulate(&s);
    let mean = r.summary.active_provers.mean_second_half;
    assert!(
        (mean - predicted).abs() <= (0.05 * predicted).max(1.0),
        "long-run mean {mean}, predicted {predicted}"
    );
}

#[test]
fn free_entry_on_the_baseline_brings_no_herd() {
    let s = scenario("baseline", &["provers.0.potential=300"]);
    let (rec, r) = simulate(&s);
    assert!(
        r.summary.liveness >= 0.999,
        "liveness {}",
        r.summary.liveness
    );
    assert_eq!(r.summary.prunes, 0);
    // No epoch in which more than 10% of the active provers leave.
    let mut exits = std::collections::BTreeMap::<u64, u64>::new();
    for e in rec.events.iter().filter(|e| e.kind == "exit") {
        *exits.entry(e.slot / 32).or_default() += 1;
    }
    for (epoch, n) in exits {
        let active = rec.epochs[(epoch as usize).saturating_sub(2)].active_provers;
        assert!(
            n as f64 <= 0.1 * active as f64,
            "{n} exits in epoch {epoch} of {active} active"
        );
    }
}

#[test]
fn a_prover_that_skipped_an_epoch_comes_back_for_it_as_the_fallback() {
    // Eight provers whose cost is about a quarter of the pool skip epochs
    // that do not pay when split; one that skipped comes back within the
    // window for an epoch still unproven, whose whole pool it would take.
    let (rec, with) = simulate(&scenario("fallback", &["epochs=300"]));
    let (_, without) = simulate(&scenario(
        "fallback",
        &["epochs=300", "provers.0.fallback_after_slots=0"],
    ));
    assert_eq!(with.summary.prunes, 0);
    assert!(without.summary.prunes > 0, "no prune without fallback");
    // Some epochs were proven only after the fallback slots had come.
    let fallback_s = 8.0 * 72.0;
    assert!(
        rec.epochs
            .iter()
            .any(|e| e.full_proof_latency_s.is_some_and(|l| l > fallback_s))
    );
}
