//! Protocol versions (docs/model.md section 12): each version's defaults lie
//! under the keys a file writes, `--set protocol=...` switches a shipped
//! scenario, the keys set apart from the defaults are named as run, and
//! v6's gas stipend is part of what a prover pays.

mod common;

use proversim::protocol::booster::Quadratic;
use proversim::protocol::{Rule, ScoreOn, Version};

/// A scenario of a few lines, loaded as a file would be.
fn parse(text: &str, sets: &[&str]) -> proversim::scenario::Scenario {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    proversim::scenario::parse("versions.toml", text, &sets).unwrap_or_else(|e| panic!("{e}"))
}

fn quadratic(s: &proversim::scenario::Scenario) -> Quadratic {
    match s.booster.to_config().unwrap().rule {
        Rule::Quadratic(q) => q,
        other => panic!("not quadratic: {other:?}"),
    }
}

const TOKEN: u128 = 1_000_000_000_000_000_000;

#[test]
fn a_file_that_names_no_version_runs_v5_as_deployed() {
    let s = parse("name = \"bare\"\nepochs = 10\n", &[]);
    assert_eq!(s.protocol, Version::V5);
    assert_eq!(s.rewards.checkpoint_reward, 500 * TOKEN);
    assert_eq!(s.rewards.sequencer_bps, 7_000);
    assert_eq!(s.rewards.proving_cost_per_mana, 12_500_000);
    assert_eq!(quadratic(&s), Quadratic::AZIP5);
    assert_eq!(s.booster.to_config().unwrap().score_on, ScoreOn::AnyProof);
    assert!(s.protocol_overrides.is_empty());
}

#[test]
fn v4_is_the_contracts_4_1_2() {
    let s = parse("name = \"bare\"\nepochs = 10\n", &["protocol=v4"]);
    assert_eq!(s.rewards.checkpoint_reward, 500 * TOKEN);
    assert_eq!(s.rewards.proving_cost_per_mana, 25_000_000);
    assert_eq!(quadratic(&s), Quadratic::DEPLOYED);
    assert!(s.protocol_overrides.is_empty());
}

#[test]
fn v6_on_a_shipped_scenario_keeps_what_the_file_writes() {
    let s = common::scenario("baseline", &["protocol=v6"]);
    assert_eq!(s.protocol, Version::V6);
    assert_eq!(s.rewards.sequencer_bps, 9_000);
    assert_eq!(s.booster.to_config().unwrap().score_on, ScoreOn::FullEpoch);
    // The baseline writes its reward: it stays, and is named.
    assert_eq!(s.rewards.checkpoint_reward, 400 * TOKEN);
    assert_eq!(s.protocol_overrides, ["rewards.checkpoint_reward"]);
    // A key written after the version overrides it too.
    let s = common::scenario("baseline", &["protocol=v6", "rewards.sequencer_bps=8000"]);
    assert_eq!(s.rewards.sequencer_bps, 8_000);
    assert_eq!(
        s.protocol_overrides,
        ["rewards.checkpoint_reward", "rewards.sequencer_bps"]
    );
}

#[test]
fn the_scenario_as_run_names_its_version() {
    let s = common::scenario("baseline", &["protocol=v6"]);
    let text = toml::to_string(&s).unwrap();
    assert!(text.contains("protocol = \"v6\""), "{text}");
    assert!(
        text.contains("protocol_overrides = [\"rewards.checkpoint_reward\"]"),
        "{text}"
    );
    // Read back, the scenario as run is the same scenario.
    let again = proversim::scenario::parse("as-run.toml", &text, &[]).unwrap();
    assert_eq!(again, s);
}

#[test]
fn from_v5_a_policy_that_votes_for_a_booster_is_refused() {
    let text =
        "name = \"x\"\nepochs = 10\n[[sequencers]]\nname = \"o\"\npolicy = \"open_market\"\n";
    let sets: Vec<String> = vec![];
    let e = proversim::scenario::parse("v.toml", text, &sets).unwrap_err();
    assert_eq!(e.problems[0].key, "sequencers[0].policy");
    assert!(e.problems[0].message.contains("under v5"), "{e}");
    // Under v4 the same file runs.
    parse(text, &["protocol=v4"]);
}

#[test]
fn the_v6_stipend_is_paid_on_every_submission() {
    // v6 but for its stipend: the same split and scoring as v5.
    let like_v5 = [
        "epochs=200",
        "rewards.sequencer_bps=7000",
        "booster.score_on=any_proof",
    ];
    let v5 = common::scenario("baseline", &[&["protocol=v5"], &like_v5[..]].concat());
    let v6 = common::scenario("baseline", &[&["protocol=v6"], &like_v5[..]].concat());
    let (_, a) = common::simulate(&v5);
    let (_, b) = common::simulate(&v6);
    let (gas5, gas6) = (
        a.summary.proof_gas_paid_by_provers,
        b.summary.proof_gas_paid_by_provers,
    );
    let accepted = |r: &proversim::engine::RunResult| -> u64 {
        r.summary.strategies.values().map(|s| s.accepted).sum()
    };
    assert!(accepted(&a) > 0 && accepted(&b) > 0);
    // Per submission: a proof of 500,000 gas, and under v6 a stipend of at
    // least 200,000 and at most 200,000 + 32 * 100,000 on top.
    let per5 = gas5 / accepted(&a) as f64;
    let per6 = gas6 / accepted(&b) as f64;
    assert!(per6 > per5 * 1.35, "{per5} {per6}");
    assert!(per6 < per5 * 7.9, "{per5} {per6}");
}
