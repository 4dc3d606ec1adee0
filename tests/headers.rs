//! The answers the strategy scenarios' headers state, each a mean over 10
//! paired replicates with its interval, hold: every figure is checked here
//! against the comparison the header names.

use std::collections::BTreeMap;
use std::path::Path;

use proversim::compare::{CompareOptions, MetricDiff, Side, compare, diffs};

fn side(file: &str, sets: &[&str]) -> Side {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(file);
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let scenario = proversim::scenario::load(&path, &sets).unwrap();
    Side {
        name: format!("{} {}", scenario.name, sets.join(" ")),
        file: path.display().to_string(),
        scenario,
    }
}

/// A against B on the 10 seeds derived from A's seed.
fn pairs(a: Side, b: Side) -> BTreeMap<String, MetricDiff> {
    let options = CompareOptions {
        replicates: 10,
        seed: None,
        threads: 2,
        progress: None,
    };
    diffs(&compare(a, b, &options).unwrap())
}

/// `x` is `expected` to within `tolerance`.
fn near(what: &str, x: f64, expected: f64, tolerance: f64) {
    assert!(
        (x - expected).abs() <= tolerance,
        "{what}: {x}, the header says {expected}"
    );
}

#[test]
fn copy_sniping_pays_only_without_the_binding() {
    let m = pairs(
        side("copy-sniping.toml", &[]),
        side("copy-sniping.toml", &["chain.proof_binds_prover=false"]),
    );
    near("copier's gas", m["groups.copier.costs"].a_mean, 19.9, 0.05);
    near(
        "copier's share",
        m["groups.copier.reward_share"].a_mean,
        0.0,
        0.0,
    );
    near("victim's gas", m["griefing.victim_gas"].a_mean, 9.9, 0.05);
    near(
        "victim's submissions",
        m["griefing.victim_submissions"].a_mean,
        1.0,
        0.0,
    );
    let share = &m["groups.copier.reward_share"];
    near("unbound share", share.b_mean, 1.0 / 6.0, 5e-4);
    let profit = &m["groups.copier.profit"];
    near("unbound profit", profit.b_mean, 189_858.0, 1.0);
    near("its interval", profit.diff_ci_low, 189_574.0, 1.0);
}

#[test]
fn the_sniper_plays_honest_against_provers_who_finish() {
    let m = pairs(
        side("sniping.toml", &[]),
        side("sniping.toml", &["provers.1.strategy=honest"]),
    );
    let share = &m["groups.sniper.reward_share"];
    near("sniper's share", share.a_mean, 0.2, 1e-9);
    near("no difference", share.diff_mean, 0.0, 0.0);
    near("rewards", m["groups.sniper.rewards"].a_mean, 235_056.0, 1.0);
    near("liveness", m["liveness"].a_mean, 1.0, 0.0);
}

#[test]
fn sniping_pays_against_provers_who_do_not_finish() {
    let m = pairs(
        side("sniping-pays.toml", &[]),
        side("sniping-pays.toml", &["provers.1.strategy=honest"]),
    );
    let share = &m["groups.sniper.reward_share"];
    near("sniper's share", share.a_mean, 0.879, 5e-4);
    near("honest share", share.b_mean, 0.2, 1e-9);
    assert!(share.differs());
    near("liveness", m["liveness"].a_mean, 0.981, 5e-4);
    near("prunes", m["prunes"].a_mean, 5.4, 0.05);
    let latency = &m["mean_full_proof_latency_s"];
    near("sniped latency", latency.a_mean, 1_976.0, 1.0);
    near("honest latency", latency.b_mean, 111.0, 1.0);
    // Its condition: a schedule that leaves more than two blocks removes it.
    let m = pairs(
        side("sniping-pays.toml", &["provers.0.prefix_every_slots=16"]),
        side(
            "sniping-pays.toml",
            &[
                "provers.0.prefix_every_slots=16",
                "provers.1.strategy=honest",
            ],
        ),
    );
    near(
        "no snipe",
        m["groups.sniper.reward_share"].diff_mean,
        0.0,
        0.0,
    );
}

#[test]
fn late_submission_gains_a_little_from_information() {
    let m = pairs(
        side("late.toml", &[]),
        side("late.toml", &["provers.1.strategy=honest"]),
    );
    let proved = &m["groups.slow.epochs_proved"];
    near("epochs joined late", proved.a_mean, 64.9, 0.05);
    near("epochs proved honest", proved.b_mean, 6.2, 0.05);
    let profit = &m["groups.slow.profit"];
    near("late profit", profit.a_mean, 1_939.5, 1.0);
    near("honest profit", profit.b_mean, -150.7, 1.0);
    let honest = &m["groups.honest.profit"];
    near("honest provers' loss", honest.diff_mean, 20_115.0, 1.0);
    near("its interval", honest.diff_ci_low, 18_446.0, 1.0);
    near("liveness", m["liveness"].a_mean, 1.0, 0.0);
}

#[test]
fn open_entry_defeats_the_strike_on_liveness() {
    let m = pairs(
        side("strike.toml", &[]),
        side("strike-open-entry.toml", &[]),
    );
    let live = &m["liveness"];
    near("closed", live.a_mean, 0.8936, 5e-5);
    near("open", live.b_mean, 0.9867, 5e-5);
    near("prunes", m["prunes"].b_mean, 2.0, 0.0);
    near(
        "cartel's part",
        m["groups.cartel.reward_share"].b_mean,
        0.2723,
        5e-5,
    );
    near("the rise", m["payloads_executed"].b_mean, 1.0, 0.0);
}

#[test]
fn bridgers_buy_fast_finality_when_their_time_is_dear() {
    let m = pairs(
        side("bridging.toml", &[]),
        side("bridging.toml", &["provers.1.wait_cost_per_hour=0.00001"]),
    );
    let own = &m["bridging.self_proved_share"];
    near("self-proved", own.a_mean, 0.923, 5e-4);
    near("self-proved when waiting is cheap", own.b_mean, 0.0, 0.0);
    let latency = &m["bridging_mean_latency_s"];
    near("latency", latency.a_mean, 82.0, 0.5);
    near("latency waiting", latency.b_mean, 1_331.0, 0.5);
    near(
        "proving cost",
        m["groups.bridger.costs"].a_mean,
        26_661.0,
        1.0,
    );
    near("net", m["groups.bridger.profit"].a_mean, -3_444.0, 1.0);
}
