//! The deployed prover node (docs/model.md section 13): it proves every
//! whole epoch in order and submits whatever rivals did, without looking at
//! rewards or costs; only its operator's market rule takes it out.

mod common;

use std::collections::BTreeMap;

use proversim::metrics::MemoryRecorder;

/// The baseline with one group of `strategy` provers in place of its own.
fn world(strategy: &str, count: u32, sets: &[&str]) -> proversim::scenario::Scenario {
    let mut s = common::scenario("baseline", sets);
    let mut g = s.provers[0].clone();
    g.name = strategy.to_string();
    g.strategy = proversim::scenario::KindName(strategy.to_string());
    g.own = Default::default();
    g.count = count;
    g.potential = 0;
    g.uptime = 1.0;
    g.vary = Default::default();
    s.provers = vec![g];
    // Each group's own keys as the loader writes them.
    let text = toml::to_string(&s).unwrap();
    proversim::scenario::parse("node.toml", &text, &[]).unwrap_or_else(|e| panic!("{e}"))
}

fn accepted(rec: &MemoryRecorder) -> usize {
    rec.submissions
        .iter()
        .filter(|r| r.status == "accepted")
        .count()
}

#[test]
fn nodes_prove_every_whole_epoch_and_join_rivals_at_the_same_length() {
    let s = world("node", 3, &["epochs=120"]);
    let (rec, r) = common::simulate(&s);
    assert_eq!(r.summary.liveness, 1.0);
    // Every node proves every epoch but the last (still open at the end).
    let proved = accepted(&rec);
    assert!(proved >= 3 * 118, "{proved}");
    // Never a prefix: each submission ends at its epoch's last block.
    let mut last: BTreeMap<u64, u64> = BTreeMap::new();
    for r in &rec.submissions {
        let e = last.entry(r.epoch).or_default();
        *e = (*e).max(r.end);
    }
    for r in &rec.submissions {
        assert_eq!(r.end, last[&r.epoch], "a prefix of epoch {}", r.epoch);
        assert_eq!(r.status, "accepted", "{r:?}");
    }
    // In order: each node's epochs rise one by one.
    let mut by_node: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for r in &rec.submissions {
        by_node
            .entry(r.prover.to_string())
            .or_default()
            .push(r.epoch);
    }
    assert_eq!(by_node.len(), 3);
    for epochs in by_node.values() {
        assert!(epochs.windows(2).all(|w| w[1] == w[0] + 1), "{epochs:?}");
    }
}

#[test]
fn nodes_prove_at_a_loss_until_their_operators_leave_where_honest_provers_stop() {
    // Nothing to earn: no reward, no prover fees.
    let sets = [
        "epochs=100",
        "rewards.checkpoint_reward=0",
        "rewards.proving_cost_per_mana=0",
    ];
    let (nodes, _) = common::simulate(&world("node", 4, &sets));
    let (honest, _) = common::simulate(&world("honest", 4, &sets));
    assert_eq!(accepted(&honest), 0);
    // Each node proves until it has lost `exit_after_losses` epochs in a
    // row (6 to 24 in the baseline), then its operator leaves.
    let proved = accepted(&nodes);
    assert!(proved >= 4 * 6, "{proved}");
    assert!(proved < 4 * 99, "{proved}");
    let exits = nodes.events.iter().filter(|e| e.kind == "exit").count();
    assert_eq!(exits, 4);
}

#[test]
fn a_node_key_on_another_strategy_is_refused() {
    let e = proversim::scenario::parse(
        "n.toml",
        "name = \"n\"\n[[provers]]\nname = \"h\"\nstrategy = \"honest\"\noptimistic = true\n",
        &[],
    )
    .unwrap_err();
    assert_eq!(e.problems[0].key, "provers[0].optimistic");
    assert!(
        e.problems[0]
            .message
            .contains("not a key of strategy \"honest\""),
        "{e}"
    );
}

#[test]
fn an_operator_runs_several_node_identities_each_with_its_own_proof() {
    let mut s = world("node", 3, &["epochs=120"]);
    s.provers[0].own =
        proversim::scenario::OwnKeys(vec![("identities".to_string(), toml::Value::Integer(2))]);
    let text = toml::to_string(&s).unwrap();
    let s = proversim::scenario::parse("operators.toml", &text, &[]).unwrap();
    let (rec, r) = common::simulate(&s);
    // Six identities, each proving every epoch but the last.
    let proved = accepted(&rec);
    assert!(proved >= 6 * 118, "{proved}");
    let net = &r.summary.network;
    assert_eq!(net.provers_per_day, 6.0);
    assert_eq!(net.operators_per_day, 3.0);
    // Concentration per owner counts each operator's two identities as one.
    assert!(r.summary.reward_hhi_by_owner > r.summary.reward_hhi * 1.5);
}

/// The node world with these own keys on its group.
fn operators(
    count: u32,
    sets: &[&str],
    own: &[(&str, toml::Value)],
) -> proversim::scenario::Scenario {
    let mut s = world("node", count, sets);
    s.provers[0].own = proversim::scenario::OwnKeys(
        own.iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    );
    let text = toml::to_string(&s).unwrap();
    proversim::scenario::parse("operators.toml", &text, &[]).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn an_operator_bundles_its_identities_proofs_into_one_l1_transaction() {
    let sets = [
        "epochs=120",
        "l1.proof_gas=1750000",
        "l1.bundled_proof_gas=1454545",
    ];
    let own = [
        ("identities", toml::Value::Integer(3)),
        ("bundle", toml::Value::Boolean(true)),
    ];
    let (bundled, b) = common::simulate(&operators(2, &sets, &own));
    let (alone, a) = common::simulate(&operators(2, &sets, &own[..1]));
    // The same proofs land either way.
    assert_eq!(accepted(&bundled), accepted(&alone));
    assert!(accepted(&bundled) >= 6 * 118);
    // Each operator's three proofs of an epoch ride in one transaction:
    // the first pays a lone proof's gas, the two others the bundled gas.
    let (nb, na) = (&b.summary.network, &a.summary.network);
    assert_eq!(nb.l1_gas_per_proof, (1_750_000.0 + 2.0 * 1_454_545.0) / 3.0);
    assert_eq!(na.l1_gas_per_proof, 1_750_000.0);
    assert!((nb.l1_transactions_per_day * 3.0 - na.l1_transactions_per_day).abs() < 1e-9);
    // ...and land together.
    let mut landed: BTreeMap<(u64, String), Vec<f64>> = BTreeMap::new();
    for r in &bundled.submissions {
        let operator = r.prover.to_string();
        let operator = operator.split('.').next().unwrap().to_string();
        landed
            .entry((r.epoch, operator))
            .or_default()
            .push(r.time_s);
    }
    for (k, times) in &landed {
        assert_eq!(times.len(), 3, "{k:?}");
        assert!(times.iter().all(|&t| t == times[0]), "{k:?}: {times:?}");
    }
}

#[test]
fn an_operator_adds_identities_while_one_more_pays_and_not_beyond() {
    let grow = [("max_identities", toml::Value::Integer(4))];
    let added = |rec: &MemoryRecorder| {
        rec.events
            .iter()
            .filter(|e| e.kind == "add_identity")
            .count()
    };
    // The baseline pays a proof about 14 times its cost: one operator
    // alone adds identities up to its most, and each proves.
    let (rich, r) = common::simulate(&operators(1, &["epochs=150"], &grow));
    assert_eq!(added(&rich), 3);
    let group = &r.summary.groups["node"];
    assert_eq!((group.identities_added, group.entries), (3, 3));
    assert_eq!(r.summary.network.operators_per_day, 1.0);
    let names: std::collections::BTreeSet<String> = rich
        .submissions
        .iter()
        .map(|r| r.prover.to_string())
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    // A proof that costs 3,000 tokens an epoch: the one operator is paid
    // the whole pool (32 blocks of 400 tokens, 30% to provers: 3,840) but a
    // second identity would split it and lose; it adds none.
    let (poor, _) = common::simulate(&operators(
        1,
        &["epochs=150", "provers.0.fixed_cost_per_epoch=3000"],
        &grow,
    ));
    assert_eq!(added(&poor), 0);
}

/// The node world with inclusion a market block by block, its base fee
/// fixed at 1 gwei and the going tip at `going` gwei.
fn bidding(spread: f64, going: f64, own: &[(&str, toml::Value)]) -> proversim::scenario::Scenario {
    let market = format!("l1.tips={{spread={spread:?}}}");
    let going = format!("l1.going_priority_fee_gwei={going:?}");
    let sets = [
        "epochs=40",
        "fees.l1_base_fee.volatility=0.0",
        &market,
        &going,
    ];
    operators(2, &sets, own)
}

/// Tokens one unit of gas costs at the fixed 1 gwei base fee and `tip`.
fn gas_price_tokens(s: &proversim::scenario::Scenario, tip: f64) -> f64 {
    (1.0 + tip) * 1e9 * proversim::base::units::tokens_per_wei(s.fees.fee_asset_per_eth)
}

#[test]
fn a_node_whose_fee_cap_leaves_no_tip_cancels_every_proof_and_pays_each_cancellation() {
    // Its fee cap is the base fee: it can pay no tip, and every block
    // asks one. Each transaction is replaced 3 times, then cancelled.
    let s = bidding(0.5, 0.01, &[("max_fee_gwei", toml::Value::Float(1.0))]);
    let (rec, r) = common::simulate(&s);
    assert_eq!(accepted(&rec), 0);
    let cancelled: Vec<_> = rec
        .submissions
        .iter()
        .filter(|row| row.status == "cancelled")
        .collect();
    assert_eq!(cancelled.len(), rec.submissions.len());
    // Nothing is proven, so the chain prunes, and the nodes prove its
    // epochs again as they come.
    assert!(cancelled.len() >= 20, "{}", cancelled.len());
    // A cancellation's gas at the base fee and no tip (the cap leaves
    // none), and nothing else.
    let each = 21_000.0 * gas_price_tokens(&s, 0.0);
    for row in &cancelled {
        assert_eq!(row.reason, "gave_up");
        assert!((row.gas_cost - each).abs() < 1e-15, "{row:?}");
    }
    let n = &r.summary.network;
    assert_eq!(n.l1_gas_per_proof, 0.0);
    let days = 40.0 * 32.0 * s.chain.slot_duration as f64 / 86_400.0;
    assert!((n.l1_transactions_per_day * days - cancelled.len() as f64).abs() < 1e-6);
}

#[test]
fn a_transaction_that_outwaits_its_window_is_dropped_unpaid() {
    // No tip fits under its cap and it never gives up: no block takes it
    // before the proof's window closes, and it costs nothing.
    let own = [
        ("max_fee_gwei", toml::Value::Float(1.0)),
        ("give_up_s", toml::Value::Float(86_000.0)),
    ];
    let (rec, r) = common::simulate(&bidding(0.5, 0.01, &own));
    assert!(!rec.submissions.is_empty());
    for row in &rec.submissions {
        assert_eq!((row.status, row.reason), ("dropped", "not_included"));
        assert_eq!(row.gas_cost, 0.0);
    }
    assert_eq!(r.summary.network.l1_transactions_per_day, 0.0);
    assert_eq!(r.summary.network.prover_l1_eth_per_day, 0.0);
}

#[test]
fn a_node_bids_from_the_going_tip_and_the_recent_blocks_tips() {
    let going = 0.5;
    // The tip each accepted proof paid, from its gas cost.
    let tips = |spread: f64| {
        let s = bidding(spread, going, &[]);
        let (rec, _) = common::simulate(&s);
        let proof_gas = s.l1.proof_gas as f64;
        let tips: Vec<f64> = rec
            .submissions
            .iter()
            .map(|row| {
                assert_eq!(row.status, "accepted", "{row:?}");
                row.gas_cost / proof_gas / gas_price_tokens(&s, 0.0) - 1.0
            })
            .collect();
        assert!(tips.len() >= 2 * 38, "{}", tips.len());
        tips
    };
    // Every block clears at the going tip: the node bids 1.2 times it and
    // the first block it reaches takes it.
    for t in tips(0.0) {
        assert!((t - 1.2 * going).abs() < 1e-9, "{t}");
    }
    // Spread out, the last 5 blocks' 75th percentile is above the going
    // tip most of the time, and a stalled bid is raised: every tip is at
    // least 1.2 times the going one, and on average well above.
    let spread = tips(1.0);
    assert!(
        spread.iter().all(|&t| t >= 1.2 * going - 1e-9),
        "{spread:?}"
    );
    let mean = spread.iter().sum::<f64>() / spread.len() as f64;
    assert!(mean > 1.5 * 1.2 * going, "{mean}");
}
