//! The fee market and the auction (docs/model.md section 14) run on the
//! same agents, costs and worlds as the other two designs: the auction
//! pays the second price or the reserve and forfeits the bond of a winner
//! who fails, the fee market's reward keeps within its bounds and follows
//! the latency and provers it sees, and the books balance under every
//! design in every shipped scenario.

mod common;

use std::collections::BTreeMap;

use proversim::metrics::{EventRow, MemoryRecorder};
use proversim::scenario::Scenario;

const TOKEN: u128 = 1_000_000_000_000_000_000;

/// One group of honest provers with hand-set costs: (name, count, hourly
/// price in tokens, uptime).
type Group<'a> = (&'a str, u32, f64, f64);

/// The baseline with `groups` in place of its provers, no newcomers, and
/// `sets` on top.
fn world(groups: &[Group], sets: &[&str]) -> Scenario {
    let mut s = common::scenario("baseline", &["epochs=60"]);
    let template = s.provers[0].clone();
    s.provers = groups
        .iter()
        .map(|&(name, count, hourly, uptime)| {
            let mut g = template.clone();
            g.name = name.to_string();
            g.strategy = proversim::scenario::KindName("honest".into());
            g.own = Default::default();
            g.count = count;
            g.potential = 0;
            g.hourly_price = hourly;
            g.uptime = uptime;
            g.vary = Default::default();
            g
        })
        .collect();
    let text = toml::to_string(&s).unwrap();
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    proversim::scenario::parse("designs.toml", &text, &sets).unwrap_or_else(|e| panic!("{e}"))
}

fn events<'a>(rec: &'a MemoryRecorder, kind: &str) -> Vec<&'a EventRow> {
    rec.events.iter().filter(|e| e.kind == kind).collect()
}

/// The epoch an event's detail names ("epoch 12: ..." or "... epoch 12 ...").
fn epoch_of(detail: &str) -> u64 {
    let rest = &detail[detail.find("epoch ").expect("names an epoch") + 6..];
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().unwrap()
}

/// Tokens as the auction rounds a bid to smallest units (up).
fn units(t: f64) -> u128 {
    (t * 1e18).ceil() as u128
}

#[test]
fn a_lone_bidder_is_paid_the_reserve_and_the_rest_returns() {
    let s = world(
        &[("alone", 1, 40.0, 1.0)],
        &[
            "mechanism=auction",
            "auction.reserve=\"100000000000000000000\"",
        ],
    );
    let (rec, r) = common::simulate(&s);
    let won = events(&rec, "auction_won");
    assert!(won.len() >= 55, "{} auctions won", won.len());
    for e in &won {
        assert_eq!(e.subject, "alone-1");
        assert_eq!(e.value, 100.0, "{}", e.detail);
        assert!(e.detail.contains("paid the reserve"), "{}", e.detail);
    }
    // Every epoch it proved paid it exactly the reserve.
    let paid: Vec<_> = rec.provers.iter().filter(|p| p.paid).collect();
    assert!(paid.len() >= 55);
    for p in &paid {
        assert_eq!(p.reward_units, 100 * TOKEN, "epoch {}", p.epoch);
    }
    let a = r.summary.auction.as_ref().unwrap();
    assert_eq!(a.forfeits, 0);
    assert_eq!(a.mean_price, 100.0);
    // What the pools held beyond it went back, and the books say so.
    let returned: u128 = r.summary.books.returned.as_ref().unwrap().parse().unwrap();
    let pools: u128 = rec.epochs.iter().map(|e| e.pool_units).sum();
    assert_eq!(pools, paid.len() as u128 * 100 * TOKEN);
    assert!(returned > 0);
    assert!((a.returned - returned as f64 / 1e18).abs() < 1e-6 * a.returned);
    assert_eq!(r.summary.liveness, 1.0);
}

#[test]
fn the_lowest_bid_wins_and_is_paid_the_second_lowest() {
    let s = world(
        &[
            ("cheap", 1, 10.0, 1.0),
            ("middle", 1, 20.0, 1.0),
            ("dear", 1, 40.0, 1.0),
        ],
        &["mechanism=auction"],
    );
    let (rec, r) = common::simulate(&s);
    let mut bids: BTreeMap<u64, Vec<(f64, String)>> = BTreeMap::new();
    for b in events(&rec, "bid") {
        bids.entry(epoch_of(&b.detail))
            .or_default()
            .push((b.value, b.subject.clone()));
    }
    let won = events(&rec, "auction_won");
    assert!(won.len() >= 55);
    for w in &won {
        let e = epoch_of(&w.detail);
        let mut offered = bids[&e].clone();
        offered.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert_eq!(offered.len(), 3, "epoch {e}");
        // The cheapest prover bids lowest and wins.
        assert_eq!(offered[0].1, "cheap-1");
        assert_eq!(w.subject, "cheap-1");
        assert!(offered[0].0 < offered[1].0);
        // It is paid the second-lowest bid, to the unit.
        assert_eq!(units(w.value), units(offered[1].0), "epoch {e}");
        assert_eq!(offered[1].1, "middle-1");
    }
    // The payouts are those prices, exactly.
    let prices: BTreeMap<u64, u128> = won
        .iter()
        .map(|w| {
            let e = epoch_of(&w.detail);
            let mut v: Vec<f64> = bids[&e].iter().map(|b| b.0).collect();
            v.sort_by(f64::total_cmp);
            (e, units(v[1]))
        })
        .collect();
    let mut checked = 0;
    for p in rec.provers.iter().filter(|p| p.paid) {
        assert_eq!(p.prover.to_string(), "cheap-1");
        assert_eq!(p.reward_units, prices[&p.epoch], "epoch {}", p.epoch);
        checked += 1;
    }
    assert!(checked >= 55);
    assert_eq!(r.summary.auction.as_ref().unwrap().forfeit_rate, 0.0);
}

#[test]
fn a_winner_that_fails_loses_its_bond_and_the_fallback_pool_proves_the_epoch() {
    let s = world(
        &[("flaky", 1, 5.0, 0.5), ("steady", 3, 40.0, 1.0)],
        // A bond small enough that the flaky prover still bids lowest.
        &[
            "mechanism=auction",
            "epochs=120",
            "auction.bond=\"1000000000000000\"",
        ],
    );
    let (rec, r) = common::simulate(&s);
    let forfeits = events(&rec, "forfeit");
    assert!(forfeits.len() >= 10, "{} forfeits", forfeits.len());
    let bond = s.auction().bond as f64 / 1e18;
    let by_epoch: BTreeMap<u64, _> = rec.epochs.iter().map(|e| (e.epoch, e)).collect();
    let mut proven_by_others = 0;
    for f in &forfeits {
        assert_eq!(f.subject, "flaky-1");
        assert_eq!(f.value, bond);
        let e = epoch_of(&f.detail);
        // The flaky prover's books of that epoch carry the lost bond.
        let row = rec
            .provers
            .iter()
            .find(|p| p.epoch == e && p.prover == "flaky-1")
            .unwrap();
        assert_eq!(row.slashed, bond);
        // The fallback pool proved the epoch whole, and was paid for it.
        let Some(epoch) = by_epoch.get(&e) else {
            continue;
        };
        assert_eq!(
            epoch.blocks_proven,
            epoch.blocks_built - epoch.blocks_pruned
        );
        let others_paid = rec
            .provers
            .iter()
            .any(|p| p.epoch == e && p.paid && p.prover.to_string().starts_with("steady"));
        assert!(others_paid, "epoch {e}");
        proven_by_others += 1;
    }
    assert!(proven_by_others >= 10);
    let a = r.summary.auction.as_ref().unwrap();
    assert_eq!(a.forfeits as usize, forfeits.len());
    assert!((r.summary.slashed - bond * forfeits.len() as f64).abs() < 1e-12);
    // About half of the flaky prover's wins fail (its uptime), and
    // liveness holds.
    let flaky_wins = events(&rec, "auction_won")
        .iter()
        .filter(|w| w.subject == "flaky-1")
        .count();
    let failed = forfeits.len() as f64 / flaky_wins as f64;
    assert!((0.3..0.7).contains(&failed), "{failed}");
    assert!(a.forfeit_rate < failed);
    assert_eq!(r.summary.liveness, 1.0);
}

#[test]
fn nobody_else_may_prove_an_epoch_in_its_winners_window() {
    // Copiers resubmit the winner's proof from the mempool ahead of it,
    // credited to themselves, so they try.
    let mut s = world(
        &[("cheap", 1, 5.0, 1.0), ("copier", 2, 40.0, 1.0)],
        &["mechanism=auction", "chain.proof_binds_prover=false"],
    );
    s.provers[1].strategy = proversim::scenario::KindName("copy".into());
    let text = toml::to_string(&s).unwrap();
    let s = proversim::scenario::parse("designs.toml", &text, &[]).unwrap();
    let (rec, _) = common::simulate(&s);
    let refused = rec
        .submissions
        .iter()
        .filter(|r| r.reason == "exclusive_window")
        .count();
    assert!(refused > 0);
    for sub in rec.submissions.iter().filter(|r| r.status == "accepted") {
        let epoch_won_by = events(&rec, "auction_won")
            .into_iter()
            .find(|w| epoch_of(&w.detail) == sub.epoch)
            .map(|w| w.subject.clone());
        if let Some(winner) = epoch_won_by
            && events(&rec, "forfeit")
                .iter()
                .all(|f| epoch_of(&f.detail) != sub.epoch)
        {
            assert_eq!(sub.credited.to_string(), winner, "epoch {}", sub.epoch);
        }
    }
}

#[test]
fn the_fee_market_reward_rises_while_epochs_are_late_and_stays_within_its_bounds() {
    // A target nobody meets: every epoch is late.
    let s = world(
        &[("p", 4, 40.0, 1.0)],
        &[
            "mechanism=fee_market",
            "fee_market.target_latency_s=1",
            "fee_market.max_reward=\"600000000000000000000\"",
        ],
    );
    let (rec, r) = common::simulate(&s);
    let rewards: Vec<f64> = rec.epochs.iter().map(|e| e.checkpoint_reward).collect();
    assert!(rewards.windows(2).all(|w| w[1] >= w[0]), "{rewards:?}");
    assert!(rewards.iter().all(|&x| x <= 600.0));
    assert_eq!(*rewards.last().unwrap(), 600.0);
    let f = r.summary.fee_market.as_ref().unwrap();
    assert_eq!(f.reward_end, 600.0);
    assert_eq!(f.steps_down, 0);
    assert!(f.steps_up > 0);
    assert_eq!(
        events(&rec, "reward_step").len() as u64,
        f.steps_up + f.holds
    );
}

#[test]
fn the_fee_market_reward_falls_while_epochs_are_early_and_crowded() {
    let s = world(
        &[("p", 6, 40.0, 1.0)],
        &[
            "mechanism=fee_market",
            "fee_market.target_latency_s=2000",
            "fee_market.target_provers=2",
            "fee_market.min_reward=\"300000000000000000000\"",
        ],
    );
    let (rec, r) = common::simulate(&s);
    let rewards: Vec<f64> = rec.epochs.iter().map(|e| e.checkpoint_reward).collect();
    assert!(rewards.windows(2).all(|w| w[1] <= w[0]), "{rewards:?}");
    assert!(rewards.iter().all(|&x| x >= 300.0));
    let f = r.summary.fee_market.as_ref().unwrap();
    assert!(f.reward_end < f.reward_start);
    assert_eq!(f.steps_up, 0);
    // Each step is the documented integer rule applied to what the epoch
    // showed.
    for (a, b) in rec.epochs.iter().zip(rec.epochs.iter().skip(1)) {
        let Some(latency) = a.full_proof_latency_s else {
            continue;
        };
        if a.provers_paid < 2 {
            continue;
        }
        let before = a.checkpoint_reward;
        let dev = ((2000.0 - latency) / 2000.0).min(1.0);
        let expected = (before * (1.0 - 0.125 * dev)).max(300.0);
        assert!(
            (b.checkpoint_reward - expected).abs() < 1e-6 * before,
            "epoch {}: {} then {}, expected {expected}",
            a.epoch,
            before,
            b.checkpoint_reward
        );
    }
}

#[test]
fn a_fee_market_run_replays_exactly_from_its_trace() {
    let s = world(
        &[("p", 4, 40.0, 1.0)],
        &["mechanism=fee_market", "fee_market.target_latency_s=60"],
    );
    let mut rec = MemoryRecorder::default();
    let r = proversim::simulate(
        &s,
        &mut rec,
        proversim::engine::RunOptions {
            trace: true,
            progress: None,
        },
    )
    .unwrap();
    assert!(common::replay_matches_run(&rec, &r) > 100);
    assert!(
        events(&rec, "reward_step")
            .iter()
            .any(|e| e.detail.starts_with("up"))
    );
}

#[test]
fn the_books_balance_under_every_design_in_every_shipped_scenario() {
    let mut runs = 0;
    for path in common::shipped_scenarios() {
        for design in ["permissionless", "bonded_quotes", "fee_market", "auction"] {
            let sets = vec![format!("mechanism={design}"), "epochs=30".to_string()];
            let s = match proversim::scenario::load(&path, &sets) {
                Ok(s) => s,
                // A voting policy that sets the reward has no place in the
                // fee market: refused with a clear message.
                Err(e) if design == "fee_market" => {
                    assert!(e.to_string().contains("fee_market"), "{e}");
                    continue;
                }
                // The bonded design has no version to migrate.
                Err(e) if design == "bonded_quotes" && e.to_string().contains("migration") => {
                    continue;
                }
                Err(e) => panic!("{}: {e}", path.display()),
            };
            let (_, r) = common::simulate(&s);
            assert!(r.summary.books.balanced, "{} {design}", path.display());
            runs += 1;
        }
    }
    assert!(runs >= 90, "{runs} runs");
}

#[test]
fn the_designs_header_holds_at_its_seed() {
    let run = |design: &str| {
        let s = common::scenario("designs", &[&format!("mechanism={design}")]);
        common::simulate(&s).1.summary
    };
    let open = run("permissionless");
    let fee = run("fee_market");
    let auction = run("auction");
    let bridging = |s: &proversim::metrics::Summary| s.bridging.as_ref().unwrap().mean_latency_s;
    // No proof before the auction: bridgers wait for whole epochs.
    assert!(bridging(&auction) > bridging(&open) + 600.0);
    // One proof an epoch against every prover's, and a few winners.
    assert!(auction.redundancy.unwrap() < 3.0);
    assert!(open.redundancy.unwrap() > 20.0);
    assert!(auction.reward_hhi_by_owner > 3.0 * open.reward_hhi_by_owner);
    // The controller takes the reward down: far less minted.
    assert!(fee.inflation_per_year < open.inflation_per_year / 4.0);
    assert!(fee.fee_market.as_ref().unwrap().reward_mean < 100.0);
    // The auction pays less than the pools and returns the rest.
    assert!(auction.paid_for_proving < open.paid_for_proving / 2.0);
    assert!(auction.inflation_per_year < open.inflation_per_year);
    // Users pay the same fees whatever the design.
    for s in [&fee, &auction] {
        assert!((s.user_fees - open.user_fees).abs() < 0.01 * open.user_fees);
    }
}

#[test]
fn compare_runs_two_designs_on_the_same_seeds_and_the_report_names_the_design() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_proversim");
    let designs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/designs.toml");
    let out = tmp.path().join("c");
    let o = std::process::Command::new(bin)
        .arg("compare")
        .arg(&designs)
        .arg(&designs)
        .args([
            "--replicates",
            "3",
            "--set",
            "epochs=40",
            "--set-a",
            "mechanism=fee_market",
            "--set-b",
            "mechanism=auction",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("compare.json")).unwrap()).unwrap();
    let differences = json["differences"].as_array().unwrap();
    assert!(
        differences.iter().any(|d| d["key"] == "mechanism"),
        "{differences:?}"
    );
    assert_eq!(json["seeds"].as_array().unwrap().len(), 3);
    // Bridgers wait for whole epochs under the auction only.
    let bridging = &json["metrics"]["bridging_mean_latency_s"];
    assert!(
        bridging["diff_ci_low"].as_f64().unwrap() > 0.0,
        "{bridging}"
    );
    // Its report says what each side ran.
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("(fee_market)") && report.contains("Under the fee market"));
    assert!(report.contains("(auction)") && report.contains("Under the auction"));

    // A run's report says which design ran and how.
    let run = tmp.path().join("r");
    let o = std::process::Command::new(bin)
        .arg("run")
        .arg(&designs)
        .args([
            "--set",
            "epochs=30",
            "--set",
            "mechanism=auction",
            "--quiet",
            "--out",
        ])
        .arg(&run)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = std::process::Command::new(bin)
        .arg("report")
        .arg(&run)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let report = std::fs::read_to_string(run.join("report.md")).unwrap();
    assert!(report.contains("Under the auction"), "{report}");
    assert!(report.contains("auction: mean price paid to a winner"));
    assert!(!report.contains("fee market:"));
}
