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

#[test]
fn the_booster_delays_a_newcomer_without_locking_it_out() {
    let m = pairs(
        side("newcomer.toml", &[]),
        side("newcomer.toml", &["booster.rule=flat"]),
    );
    let parity = &m["newcomers.newcomer.epochs_to_parity"];
    near("epochs to parity", parity.a_mean, 582.0, 0.0);
    near("at once under the flat rule", parity.b_mean, 0.0, 0.0);
    let earned = &m["newcomers.newcomer.earned_until_parity"];
    near("earned until parity", earned.a_mean, 44_793.0, 1.0);
    let incumbent = &m["newcomers.newcomer.incumbent_earned_same_epochs"];
    near("an incumbent meanwhile", incumbent.a_mean, 223_897.0, 1.0);
    let share = &m["groups.newcomer.reward_share"];
    near("share", share.a_mean, 0.0208, 5e-5);
    near("flat share", share.b_mean, 0.0485, 5e-5);
}

#[test]
fn fallback_provers_keep_every_epoch() {
    let m = pairs(
        side("fallback.toml", &[]),
        side("fallback.toml", &["provers.0.fallback_after_slots=0"]),
    );
    let live = &m["liveness"];
    near("with fallback", live.a_mean, 1.0, 0.0);
    near("without", live.b_mean, 0.982, 5e-4);
    near("prunes without", m["prunes"].b_mean, 4.5, 0.0);
    near("latency", m["mean_full_proof_latency_s"].a_mean, 108.0, 0.5);
    near("largest prover", m["top1_share"].a_mean, 0.309, 5e-4);
}

#[test]
fn the_entry_cost_sets_how_many_enter() {
    let m = pairs(
        side("entry-barrier.toml", &["provers.1.entry_cost=0"]),
        side("entry-barrier.toml", &["provers.1.entry_cost=10000"]),
    );
    let entries = &m["groups.entrant.entries"];
    near("entries free", entries.a_mean, 254.7, 0.05);
    near("entries at 10,000", entries.b_mean, 57.2, 0.05);
    let active = &m["active_provers_mean"];
    near("active free", active.a_mean, 154.8, 0.05);
    near("active at 10,000", active.b_mean, 61.2, 0.05);
    near("HHI at 10,000", m["reward_hhi"].b_mean, 0.0161, 5e-5);
    let m = pairs(
        side("entry-barrier.toml", &[]),
        side("entry-barrier.toml", &["booster.rule=flat"]),
    );
    let active = &m["active_provers_mean"];
    near("the booster's barrier", active.diff_mean, 24.7, 0.05);
    assert!(active.differs());
}

#[test]
fn gas_spikes_cost_provers_not_liveness() {
    let m = pairs(
        side("gas-spike.toml", &[]),
        side("gas-spike.toml", &["fees.l1_base_fee.spikes=[]"]),
    );
    near("liveness", m["liveness"].a_mean, 1.0, 0.0);
    let gas = &m["proof_gas_paid_by_provers"];
    near("provers' gas", gas.a_mean, 356_894.0, 1.0);
    near("without the spike", gas.b_mean, 159_704.0, 1.0);
    near(
        "users' fees",
        m["proof_gas_paid_by_users"].a_mean,
        6_279.0,
        1.0,
    );
    let m = pairs(side("gas-replay.toml", &[]), side("gas-replay.toml", &[]));
    near("replayed liveness", m["liveness"].a_mean, 1.0, 0.0);
    near(
        "replayed gas",
        m["proof_gas_paid_by_provers"].a_mean,
        118_258.0,
        1.0,
    );
    let m = pairs(side("gas-jumps.toml", &[]), side("gas-jumps.toml", &[]));
    near("one prune in ten runs", m["prunes"].a_mean, 0.1, 0.0);
    near(
        "random spikes' gas",
        m["proof_gas_paid_by_provers"].a_mean,
        290_233.0,
        1.0,
    );
}

#[test]
fn the_exponential_rules_decay_sets_what_flaky_provers_lose() {
    let linear = side("exponential-streak.toml", &[]);
    for (change, share) in [
        ("booster.decay=reset", 0.1397),
        ("booster.decay=geometric", 0.1821),
        ("booster.rule=flat", 0.4066),
    ] {
        let m = pairs(linear.clone(), side("exponential-streak.toml", &[change]));
        let flaky = &m["groups.flaky.reward_share"];
        near("linear", flaky.a_mean, 0.2012, 5e-5);
        near(change, flaky.b_mean, share, 5e-5);
        assert!(flaky.differs(), "{change}");
    }
}

#[test]
fn a_strike_pays_only_while_its_followers_reach_the_quorum() {
    let m = pairs(
        side("strike.toml", &[]),
        side("strike.toml", &["provers.0.strategy=honest"]),
    );
    let profit = &m["groups.cartel.profit"];
    near("striking", profit.a_mean, 2.126e6, 1e3);
    near("proving", profit.b_mean, 1.137e6, 1e3);
    near("liveness", m["liveness"].a_mean, 0.8936, 5e-5);
    let few = ["sequencers.0.count=25", "sequencers.1.count=25"];
    let m = pairs(
        side("strike.toml", &few),
        side(
            "strike.toml",
            &[few[0], few[1], "provers.0.strategy=honest"],
        ),
    );
    let profit = &m["groups.cartel.profit"];
    near("without the quorum", profit.a_mean, 1.020e6, 1e3);
    near("what striking cost", profit.diff_mean, 117_376.0, 1.0);
    near("no rise", m["payloads_executed"].a_mean, 0.0, 0.0);
}

#[test]
fn the_baseline_market_as_deployed() {
    let m = pairs(side("baseline.toml", &[]), side("azip5.toml", &[]));
    near("liveness", m["liveness"].a_mean, 1.0, 0.0);
    near("provers", m["active_provers_mean"].a_mean, 20.0, 0.0);
    near("HHI", m["reward_hhi"].a_mean, 0.0610, 5e-5);
    near("largest", m["top1_share"].a_mean, 0.0636, 5e-5);
    near("profit", m["prover_profit"].a_mean, 7.27e6, 0.01e6);
    near("inflation", m["inflation_per_year"].a_mean, 0.0174, 5e-5);
    near("AZIP-5's HHI", m["reward_hhi"].diff_mean, 0.0052, 5e-5);
}

#[test]
fn a_standby_machine_keeps_bonded_epochs() {
    let uptime = "provers.0.uptime={ dist = \"uniform\", min = 0.8, max = 1.0 }";
    let m = pairs(
        side("designs.toml", &["mechanism=bonded_quotes", uptime]),
        side(
            "designs.toml",
            &[
                "mechanism=bonded_quotes",
                uptime,
                "bonded.standby_cost_per_epoch=30",
            ],
        ),
    );
    let live = &m["liveness"];
    near("alone", live.a_mean, 0.954, 5e-4);
    near("with a standby", live.b_mean, 0.9987, 5e-5);
    near("no bond lost", m["slashed"].b_mean, 0.0, 0.0);
    near("bonds lost alone", m["slashed"].a_mean, 1.38e6, 0.01e6);
    near(
        "paid for proving",
        m["paid_for_proving"].b_mean,
        78_911.0,
        1.0,
    );
}

#[test]
fn full_epoch_scoring_stops_the_score_keeping_proofs_and_costs_fast_finality() {
    let m = pairs(
        side("azip25.toml", &[]),
        side("azip25.toml", &["booster.score_on=full_epoch"]),
    );
    let small = &m["groups.small.epochs_superseded"];
    near("score-keeping proofs", small.a_mean, 290.2, 0.05);
    near("score-keeping proofs, full_epoch", small.b_mean, 0.0, 0.0);
    near(
        "small provers' score",
        m["groups.small.mean_score"].diff_mean,
        -10_779.5,
        1.0,
    );
    let fast = &m["groups.fast.reward_share"];
    near("fast provers' part", fast.a_mean, 0.2298, 5e-4);
    near("fast provers' part, full_epoch", fast.b_mean, 0.0969, 5e-4);
    near(
        "fast provers' profit",
        m["groups.fast.profit"].diff_mean,
        -286_528.0,
        1.0,
    );
    near(
        "bridging",
        m["bridging_mean_latency_s"].diff_mean,
        1.22,
        0.01,
    );
    near("entries", m["groups.prover.entries"].diff_mean, 2.2, 1e-9);
    near("liveness", m["liveness"].b_mean, 1.0, 0.0);
}

#[test]
fn a_third_of_the_operators_start_on_v6_and_the_window_stays_live() {
    let options = CompareOptions {
        replicates: 20,
        seed: None,
        threads: 2,
        progress: None,
    };
    let a = side("mainnet-v5.toml", &["epochs=1500"]);
    let b = side("azip30-migration.toml", &[]);
    let c = compare(a, b, &options).unwrap();
    // The migration's figures are B's alone: its mean over the replicates.
    let mean_b = |key: &str| {
        let xs: Vec<f64> = c
            .runs_b
            .iter()
            .map(|r| r.result.as_ref().unwrap().0[key].unwrap())
            .collect();
        xs.iter().sum::<f64>() / xs.len() as f64
    };
    near(
        "operators at the switch",
        mean_b("migration.operators_active"),
        39.15,
        0.05,
    );
    near(
        "operators that start",
        mean_b("migration.operators_started"),
        16.15,
        0.05,
    );
    near(
        "identities at the switch",
        mean_b("migration.provers_active"),
        47.3,
        0.05,
    );
    near(
        "identities that start",
        mean_b("migration.provers_started"),
        19.35,
        0.05,
    );
    let m = diffs(&c);
    let last = &m["network.operators_last_day"];
    near("operators on the last day, v6", last.b_mean, 14.4, 0.05);
    near("operators on the last day, v5", last.a_mean, 43.8, 0.05);
    near("their difference", last.diff_mean, -29.4, 0.05);
    near("liveness", m["liveness"].b_mean, 0.9997, 0.00005);
}

#[test]
fn sequencers_raise_the_reward_while_it_pays_them_more_than_it_dilutes() {
    let m = pairs(
        side("governance.toml", &[]),
        side("governance.toml", &["sequencers.0.holdings=200000000.0"]),
    );
    near("raises", m["payloads_executed"].a_mean, 3.7, 1e-9);
    near("no raise held", m["payloads_executed"].b_mean, 0.0, 0.0);
    near("liveness", m["liveness"].a_mean, 0.9385, 5e-5);
    near("liveness held", m["liveness"].b_mean, 0.3299, 5e-5);
    near("one prover", m["reward_hhi"].a_mean, 0.9665, 5e-5);
    let m = pairs(
        side("inflation-limit.toml", &[]),
        side("inflation-limit.toml", &["sequencers.0.max_inflation=1.0"]),
    );
    near("fee raises", m["payloads_executed"].a_mean, 3.0, 0.0);
    near("users pay", m["user_fees"].diff_mean, -208_463.0, 1.0);
    near("limited liveness", m["liveness"].a_mean, 0.9343, 5e-5);
    near("unlimited liveness", m["liveness"].b_mean, 0.9425, 5e-5);
}

#[test]
fn open_market_voters_see_nothing_to_gain_in_a_market_that_proves_every_epoch() {
    let m = pairs(
        side("open-market.toml", &[]),
        side("open-market.toml", &["sequencers.0.policy=static"]),
    );
    near("no vote", m["payloads_executed"].a_mean, 0.0, 0.0);
    near(
        "the same market",
        m["active_provers_mean"].diff_mean,
        0.0,
        0.0,
    );
    near("provers", m["active_provers_mean"].a_mean, 91.25, 0.01);
    let flaky = ["provers.0.uptime=0.5", "provers.1.potential=0"];
    let m = pairs(
        side("open-market.toml", &flaky),
        side(
            "open-market.toml",
            &[flaky[0], flaky[1], "sequencers.0.policy=static"],
        ),
    );
    near("a vote", m["payloads_executed"].a_mean, 1.0, 0.0);
    near("nobody to enter", m["liveness"].diff_mean, 0.0, 0.0);
    near("flaky liveness", m["liveness"].a_mean, 0.9373, 5e-5);
}

#[test]
fn followers_who_hold_much_more_than_they_stake_let_the_strike_fail() {
    let m = pairs(
        side("strike.toml", &["sequencers.0.holdings=200000000.0"]),
        side(
            "strike.toml",
            &[
                "sequencers.0.holdings=200000000.0",
                "provers.0.strategy=honest",
            ],
        ),
    );
    near("no rise", m["payloads_executed"].a_mean, 0.0, 0.0);
    near("withdrawn", m["groups.cartel.profit"].a_mean, 1.020e6, 1e3);
}
