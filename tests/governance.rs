//! Governance levers beyond the reward: a liveness majority under an
//! inflation limit raises what users pay for proving, and open-market
//! voters replace the booster with a shorter ramp.

mod common;

use common::{scenario, simulate};
use proversim::protocol::Booster;
use proversim::protocol::booster::Quadratic;

fn curve(q: Quadratic, value: u64) -> u128 {
    let b = Booster::quadratic(q).unwrap();
    b.curve(value).unwrap()
}

#[test]
fn under_an_inflation_limit_liveness_voters_raise_the_proving_price_instead() {
    let s = scenario("inflation-limit", &["epochs=400"]);
    let (rec, r) = simulate(&s);
    let executed: Vec<_> = rec.events.iter().filter(|e| e.kind == "executed").collect();
    assert!(!executed.is_empty(), "no payload executed");
    // The first raise: 25% of what a block at the mana target pays the
    // provers' pool (their 30% of the 20-token reward plus the prover fee
    // of the proving cost in force), per mana, in wei.
    let provers_part = s.rewards.checkpoint_reward * 3 / 10;
    let target = s.chain.mana_target as u128;
    let rate = s.fees.fee_asset_per_eth;
    let now = s.rewards.proving_cost_per_mana;
    let fee_part = proversim::protocol::fees::to_fee_asset(now, rate) * target;
    let units = (provers_part + fee_part).div_ceil(4);
    let raise = (units * 1_000_000_000).div_ceil(target * rate);
    assert_eq!(s.rewards.sequencer_bps, 7_000);
    assert_eq!(
        executed[0].subject,
        format!("proving_cost_per_mana={}", now + raise)
    );
    // The reward never moves, so minting stays within the limit.
    assert!(
        executed
            .iter()
            .all(|e| e.subject.starts_with("proving_cost_per_mana="))
    );
    assert!(
        r.summary.inflation_per_year <= 0.001,
        "{}",
        r.summary.inflation_per_year
    );
    // Without the limit the same voters raise the reward.
    let (rec, _) = simulate(&scenario(
        "inflation-limit",
        &["epochs=400", "sequencers.0.max_inflation=1.0"],
    ));
    let first = rec.events.iter().find(|e| e.kind == "executed").unwrap();
    assert!(
        first.subject.starts_with("checkpoint_reward=25.000"),
        "{}",
        first.subject
    );
}

#[test]
fn open_market_voters_shorten_the_ramp_keeping_the_curve() {
    let (rec, r) = simulate(&scenario("open-market", &["epochs=200"]));
    let executed: Vec<_> = rec.events.iter().filter(|e| e.kind == "executed").collect();
    assert_eq!(
        executed.len(),
        1,
        "one booster, then the ramp is short enough"
    );
    assert_eq!(executed[0].subject, "a new booster");
    assert_eq!(r.summary.payloads_executed, 1);
    // The signalled curve: the deployed increment, floor and top, a ceiling
    // of 24 increments, and the steepness scaled by (120 / 24)^2, so that a
    // record at a fifth of the new ramp has the shares a record at a fifth
    // of the old one had.
    let d = Quadratic::DEPLOYED;
    let short = Quadratic {
        max_score: 24 * d.increment,
        a: 25_000,
        ..d
    };
    for step in 0..=24u64 {
        assert_eq!(
            curve(d, step * 5 * d.increment),
            curve(short, step * d.increment),
            "step {step}"
        );
    }
    // After it executes, incumbents' records restart: their shares fall to
    // the floor, as a newcomer's.
    let at = executed[0].slot / s_epoch();
    let incumbent_shares: Vec<f64> = rec
        .provers
        .iter()
        .filter(|p| p.group == "incumbent" && p.epoch == at + 1 && p.paid)
        .map(|p| p.shares)
        .collect();
    assert!(!incumbent_shares.is_empty());
    assert!(
        incumbent_shares
            .iter()
            .all(|&s| s <= (d.minimum + d.k) as f64 / 4.0),
        "{incumbent_shares:?}"
    );
}

fn s_epoch() -> u64 {
    scenario("open-market", &[]).chain.epoch_duration
}
