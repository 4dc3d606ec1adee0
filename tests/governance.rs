//! Governance levers beyond the reward: a liveness majority under an
//! inflation limit raises what users pay for proving, and open-market
//! voters replace the booster with a shorter ramp when a concentrated
//! market costs them blocks.

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
fn open_market_voters_gain_nothing_from_a_concentrated_market_that_proves_every_epoch() {
    // Five reliable incumbents prove every epoch while entrants ramp: the
    // rewards concentrate, but a shorter ramp would save the sequencers no
    // block, and none signals for it.
    let (rec, r) = simulate(&scenario("open-market", &["epochs=200"]));
    assert!(rec.events.iter().all(|e| e.kind != "signals"));
    assert_eq!(r.summary.payloads_executed, 0);
    assert_eq!(r.summary.liveness, 1.0);
}

#[test]
fn open_market_voters_shorten_the_ramp_when_few_unreliable_provers_miss_epochs() {
    // Five incumbents up half the time and no entrant: about one epoch in
    // thirty goes unproven, which ten provers as reliable would prove.
    let (rec, r) = simulate(&scenario(
        "open-market",
        &[
            "epochs=200",
            "provers.0.uptime=0.5",
            "provers.1.potential=0",
        ],
    ));
    assert!(r.summary.liveness < 1.0);
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

#[test]
fn sequencers_whose_holdings_dilution_outweighs_their_part_raise_nothing() {
    // A raise of 5 tokens a block pays a sequencer of 48 its part, 70% of
    // it over 48, on each block; it dilutes 200 M tokens held (2% of the
    // supply) by 2% of every token minted: more than the part. At the
    // mainnet stake's 200,000 tokens the raises pass as the header says.
    let (_, held) = simulate(&scenario(
        "governance",
        &["epochs=400", "sequencers.0.holdings=200000000.0"],
    ));
    assert_eq!(held.summary.payloads_executed, 0);
    let (_, staked) = simulate(&scenario("governance", &["epochs=400"]));
    assert!(staked.summary.payloads_executed >= 1);
    assert!(held.summary.liveness < staked.summary.liveness);
}

#[test]
fn colluding_sequencers_follow_a_strike_only_while_its_demand_pays_them() {
    // The same dilution turns the cartel's followers away: its demand never
    // passes, and it proves again after the first tally shows it.
    let (rec, r) = simulate(&scenario("strike", &["sequencers.0.holdings=200000000.0"]));
    assert!(rec.events.iter().all(|e| e.kind != "passed"));
    assert_eq!(r.summary.payloads_executed, 0);
    let (_, followed) = simulate(&scenario("strike", &[]));
    assert_eq!(followed.summary.payloads_executed, 1);
}

#[test]
fn profit_voters_take_a_larger_part_until_the_provers_pool_falls_below_theirs() {
    // With no epoch unproven, a sequencer holds the provers' cost equally
    // likely anywhere below the smallest pool proven; a rise that moves a
    // part of the pool to the sequencers pays it while the pool exceeds
    // the sequencers' part (it loses that part of its blocks' worth with
    // that chance), and not once the pool is well below it.
    let (rec, r) = simulate(&scenario(
        "baseline",
        &[
            "sequencers.0.policy=profit",
            "rewards.sequencer_bps=2000",
            "governance.round_size=300",
            "governance.quorum=160",
            "governance.execution_delay=86400",
            "epochs=600",
        ],
    ));
    let executed: Vec<&str> = rec
        .events
        .iter()
        .filter(|e| e.kind == "executed")
        .map(|e| e.subject.as_str())
        .collect();
    assert!(executed.len() >= 2, "{executed:?}");
    assert_eq!(executed[..2], ["sequencer_bps=4000", "sequencer_bps=5500"]);
    let last = rec.epochs.last().unwrap();
    assert!(last.sequencer_bps < 7_750, "{}", last.sequencer_bps);
    let tail = &rec.epochs[rec.epochs.len() - 100..];
    let pool: f64 = tail.iter().map(|e| e.pool).sum();
    let part: f64 = tail.iter().map(|e| e.sequencer_income).sum();
    assert!(pool < part, "{pool} against {part}");
    assert_eq!(r.summary.liveness, 1.0);
}
