//! Every settlement rule of docs/model.md sections 2–6, on small hand-computed
//! traces. Unless a test says otherwise: epochs of 4 slots, one block per
//! slot (so epoch e holds blocks 4e+1 ..= 4e+4), 1000 minted per proven
//! block with 70% to its proposer, and blocks whose fee of 500 burns 200 and
//! puts 100 in the pool. A whole epoch proven at once thus has a pool of
//! 4000 - 2800 + 400 = 1600.

mod common;

use common::*;

#[test]
fn seed_example_only_the_longer_proof_is_paid() {
    // Alice proves k+1..k+2 (blocks 1-2), Bob later k+1..k+5 (blocks 1-4,
    // the whole epoch): only Bob is paid.
    let mut ev = blocks(0..8);
    ev.push(E::P(2, "alice", 2));
    ev.push(E::P(5, "bob", 4));
    let r = settle(&P::default(), FLAT, &ev);
    assert_eq!(statuses(&r), ["accepted:2", "accepted:4"]);
    assert_eq!(payouts(&r, 0), [("bob".to_string(), 1600)]);
    assert_eq!(prover(&r, "alice").2, 0);
    assert_eq!(prover(&r, "bob").2, 1600);
    // Alice's 2 blocks: R = 2000, seq_per_block = 700, pool 600 + 200; Bob's
    // 2 more: the same. Nothing lost.
    assert_eq!(epoch(&r, 0)["pool"], "1600");
    assert_eq!(epoch(&r, 0)["dust"], "0");
}

#[test]
fn ties_at_the_longest_length_split_by_shares_with_dust() {
    // Three provers at the full length, flat: 1600 / 3 = 533 each, dust 1.
    let mut ev = blocks(0..8);
    ev.push(E::P(4, "carol", 4));
    ev.push(E::P(5, "alice", 4));
    ev.push(E::P(6, "bob", 4));
    let r = settle(&P::default(), FLAT, &ev);
    assert_eq!(
        payouts(&r, 0),
        [
            ("alice".to_string(), 533),
            ("bob".to_string(), 533),
            ("carol".to_string(), 533)
        ]
    );
    assert_eq!(epoch(&r, 0)["dust"], "1");
    assert_eq!(book(&r, "dust"), 1);
}

#[test]
fn a_prefix_proof_after_a_longer_one_is_accepted_but_unpaid() {
    let mut ev = blocks(0..8);
    ev.push(E::P(4, "bob", 4));
    ev.push(E::P(5, "alice", 2));
    let r = settle(&P::default(), FLAT, &ev);
    assert_eq!(statuses(&r), ["accepted:4", "accepted:2"]);
    assert_eq!(epoch(&r, 0)["longest"], 4);
    assert_eq!(payouts(&r, 0), [("bob".to_string(), 1600)]);
    // The shorter proof credited nothing: 4 blocks minted once.
    assert_eq!(book(&r, "minted"), 4000);
}

#[test]
fn each_rejection_reason() {
    let mut ev = blocks(0..12);
    ev.extend([
        E::P(1, "a", 0),  // no_such_block: block 0 never exists
        E::P(1, "a", 9),  // no_such_block: not built yet
        E::P(5, "a", 6),  // not_on_proven: epoch 1 waits for epoch 0
        E::P(5, "a", 4),  // accepted
        E::P(5, "a", 4),  // duplicate
        E::P(6, "b", 4),  // accepted (another prover)
        E::P(7, "a", 3),  // accepted: another length
        E::P(8, "a", 2),  // window_closed: epoch 0 closed at epoch 2
        E::P(9, "a", 8),  // accepted: epoch 1 in epoch 2
        E::P(9, "a", 99), // no_such_block comes before everything else
    ]);
    let r = settle(&P::default(), FLAT, &ev);
    assert_eq!(
        statuses(&r),
        [
            "no_such_block",
            "no_such_block",
            "not_on_proven",
            "accepted:4",
            "duplicate",
            "accepted:4",
            "accepted:3",
            "window_closed",
            "accepted:4",
            "no_such_block"
        ]
    );
}

#[test]
fn window_closed_is_checked_before_not_on_proven() {
    // Epoch 0 is never proven; in epoch 2 (slot 8) it is pruned, so build
    // nothing there and submit for block 2 in slot 7 (epoch 1, open) and
    // block 6 (epoch 1) in slot 7: not on proven.
    let p = P {
        end_slot: 20,
        ..P::default()
    };
    let mut ev = blocks(0..8);
    ev.push(E::P(7, "a", 6));
    let r = settle(&p, FLAT, &ev);
    assert_eq!(statuses(&r), ["not_on_proven"]);
    // After the prune at slot 8 block 6 no longer exists.
    let mut ev = blocks(0..8);
    ev.push(E::P(9, "a", 6));
    let r = settle(&p, FLAT, &ev);
    assert_eq!(statuses(&r), ["no_such_block"]);
    assert_eq!(r["prunes"][0]["first_block"], 1);
    assert_eq!(r["prunes"][0]["last_block"], 8);
    assert_eq!(r["prunes"][0]["slot"], 8);
}

#[test]
fn prune_after_a_partial_proof_reuses_block_numbers() {
    // Epoch 0: blocks 1-4; alice proves blocks 1-2 only. Epoch 1: blocks 5-8
    // wait on epoch 0. At slot 8 (epoch 2) epoch 0's window is closed with
    // block 3 unproven: blocks 3..=8 are pruned, the proven tip stays at 2
    // (mid-epoch). The block built in slot 9 is number 3 again, in epoch 2.
    let p = P {
        end_slot: 24,
        ..P::default()
    };
    let mut ev = blocks(0..8);
    ev.push(E::P(1, "alice", 2));
    ev.extend([E::B(9), E::B(10), E::B(11)]);
    ev.push(E::P(12, "bob", 5)); // blocks 3..=5 of epoch 2 (slots 9-11)
    let r = settle(&p, FLAT, &ev);
    assert_eq!(statuses(&r), ["accepted:2", "accepted:3"]);
    assert_eq!(r["prunes"].as_array().unwrap().len(), 1);
    assert_eq!(r["prunes"][0]["slot"], 8);
    assert_eq!(r["prunes"][0]["first_block"], 3);
    assert_eq!(r["prunes"][0]["last_block"], 8);
    // Epoch 0 settles with its 2 proven blocks: R = 2000, seq 1400,
    // pool = 600 + 200 = 800, paid to alice.
    assert_eq!(payouts(&r, 0), [("alice".to_string(), 800)]);
    // Epoch 2 holds blocks 3, 4, 5: R = 3000, seq 2100, pool = 900 + 300.
    assert_eq!(epoch(&r, 2)["longest"], 3);
    assert_eq!(payouts(&r, 2), [("bob".to_string(), 1200)]);
    // Pruned blocks mint nothing and pay no fee: 5 blocks proven in all.
    assert_eq!(book(&r, "minted"), 5000);
    assert_eq!(book(&r, "fees"), 2500);
}

#[test]
fn the_distributor_running_dry_still_credits_blocks() {
    let p = P {
        distributor_funding: 1500,
        ..P::default()
    };
    let mut ev = blocks(0..8);
    ev.push(E::P(2, "alice", 2)); // R = min(2000, 1500) = 1500
    ev.push(E::P(5, "bob", 4)); // R = 0
    ev.push(E::P(9, "bob", 8)); // R = 0
    let r = settle(&p, FLAT, &ev);
    // First proof: seq = 1050, seq_per_block = 525, pool = 1500 - 1050 +
    // 200 fees = 650. Second: pool += 200. Epoch 0: 850 to bob.
    assert_eq!(epoch(&r, 0)["pool"], "850");
    assert_eq!(payouts(&r, 0), [("bob".to_string(), 850)]);
    // Epoch 1 (open at end_slot 40? it settles at slot 12): fees only.
    assert_eq!(payouts(&r, 1), [("bob".to_string(), 400)]);
    assert_eq!(book(&r, "minted"), 1500);
    assert_eq!(book(&r, "fees"), 4000);
    // Proposers keep 500 - 200 - 100 = 200 of each fee: 2 * (525 + 200) +
    // 6 * 200.
    assert_eq!(book(&r, "paid_sequencers"), 1450 + 1200);
}

#[test]
fn sequencer_rounding_dust_goes_to_the_pool() {
    // 3 blocks, reward 1001, 3333 bps: R = 3003, seq = 3003*3333/10000 =
    // 1000 (1000.9 floored), seq_per_block = 333, and the 1 left over goes
    // to the pool: pool = 3003 - 999 + 3 * 100 = 2304.
    let p = P {
        checkpoint_reward: 1001,
        sequencer_bps: 3333,
        ..P::default()
    };
    let mut ev = blocks(0..3);
    ev.push(E::P(5, "a", 3));
    let r = settle(&p, FLAT, &ev);
    assert_eq!(epoch(&r, 0)["pool"], "2304");
    assert_eq!(r["sequencers"][0]["earned"], (3 * (333 + 200)).to_string());
}

#[test]
fn prover_fee_is_capped_by_what_is_left_after_the_protocol_fee() {
    // A block with fee 500, protocol fee 4*100 = 400: the prover asks
    // 2*100 = 200 but only 100 is left, so the proposer keeps 0 of the fee.
    let p = P {
        checkpoint_reward: 0,
        ..P::default()
    };
    let ev = [E::Bx(0, "s", 100, 500, 2, 4), E::P(4, "a", 1)];
    let r = settle(&p, FLAT, &ev);
    assert_eq!(epoch(&r, 0)["pool"], "100");
    assert_eq!(book(&r, "burnt"), 400);
    assert_eq!(r["sequencers"][0]["earned"], "0");
}

#[test]
fn epoch_zero_gets_no_bump_and_records_bump_once_per_epoch() {
    let mut ev = blocks(0..8);
    ev.push(E::P(3, "alice", 4)); // current epoch 0: no bump
    ev.push(E::P(3, "bob", 2)); // no bump
    ev.push(E::P(4, "bob", 3)); // epoch 1: bump to 10
    ev.push(E::P(5, "bob", 1)); // epoch 1 again: no second bump
    let r = settle(&P::default(), QUAD, &ev);
    assert_eq!(prover(&r, "alice"), (0, 0, 1600));
    assert_eq!(prover(&r, "bob"), (10, 1, 0));
    let subs = r["submissions"].as_array().unwrap();
    let sh: Vec<&str> = subs.iter().map(|s| s["shares"].as_str().unwrap()).collect();
    assert_eq!(sh, ["100", "100", "600", "600"]);
}

#[test]
fn quadratic_payouts_by_hand() {
    // QUAD: curve(10) = 600, curve(15) = 775, decay 5 per epoch.
    // Alice proves epoch 0 in epoch 1: (0,0) -> bump to (10, 1), 600 shares;
    // alone, she takes the 1600 pool. She proves epoch 1 in epoch 2:
    // decay(10, 1) = 5, bump to 15: 775 shares. Bob, new, proves epoch 1 in
    // epoch 2: decay(0, 2) = 0, bump to 10: 600 shares.
    // Epoch 1: alice 1600*775/1375 = 901, bob 1600*600/1375 = 698, dust 1.
    let mut ev = blocks(0..12);
    ev.push(E::P(4, "alice", 4));
    ev.push(E::P(8, "alice", 8));
    ev.push(E::P(9, "bob", 8));
    let r = settle(&P::default(), QUAD, &ev);
    assert_eq!(payouts(&r, 0), [("alice".to_string(), 1600)]);
    assert_eq!(
        shares(&r, 1),
        [("alice".to_string(), 775), ("bob".to_string(), 600)]
    );
    assert_eq!(
        payouts(&r, 1),
        [("alice".to_string(), 901), ("bob".to_string(), 698)]
    );
    assert_eq!(epoch(&r, 1)["dust"], "1");
    assert_eq!(prover(&r, "alice"), (15, 2, 2501));
}

#[test]
fn deployed_quadratic_constants_by_default() {
    // No [booster] keys: the deployed curve. A first bump gives score
    // 125000, still on the floor: shares = minimum = 100000.
    let mut ev = blocks(0..8);
    ev.push(E::P(4, "alice", 4));
    let r = settle(&P::default(), "", &ev);
    assert_eq!(shares(&r, 0), [("alice".to_string(), 100_000)]);
    assert_eq!(prover(&r, "alice"), (125_000, 1, 1600));
}

/// Alice proves epochs 0-3 in epochs 1-4 (streak 4), carol proves epochs 4
/// and 5, and in epoch 7 alice and bob (new) both prove epoch 6. With
/// `max_streak = 5`, `base = 100`, growth 2x: w = 100, 200, ..., 3200.
/// Alice's gap is 3 epochs (2 missed); bob's first bump gives streak 1.
fn exponential_trace(decay: &str) -> serde_json::Value {
    let p = P {
        end_slot: 40,
        ..P::default()
    };
    let mut ev = blocks(0..32);
    for e in 0..4 {
        ev.push(E::P(4 * e + 4, "alice", 4 * e + 4));
    }
    ev.push(E::P(20, "carol", 20));
    ev.push(E::P(24, "carol", 24));
    ev.push(E::P(28, "alice", 28));
    ev.push(E::P(29, "bob", 28));
    let booster = format!(
        "rule = \"exponential\"\nmax_streak = 5\nbase = 100\ngrowth_ppm = 2000000\n{decay}"
    );
    settle(&p, &booster, &ev)
}

#[test]
fn exponential_reset_decay_by_hand() {
    // Two misses reset alice to 0; bumped to 1: 200 shares, as bob.
    let r = exponential_trace("decay = \"reset\"");
    assert_eq!(shares(&r, 0), [("alice".to_string(), 200)]);
    assert_eq!(shares(&r, 3), [("alice".to_string(), 1600)]);
    assert_eq!(
        shares(&r, 6),
        [("alice".to_string(), 200), ("bob".to_string(), 200)]
    );
    assert_eq!(
        payouts(&r, 6),
        [("alice".to_string(), 800), ("bob".to_string(), 800)]
    );
    assert_eq!(prover(&r, "alice").0, 1);
}

#[test]
fn exponential_linear_decay_by_hand() {
    // 4 - 2 misses = 2, bumped to 3: 800 shares against bob's 200:
    // 1600*800/1000 = 1280 and 320.
    let r = exponential_trace("decay = \"linear\"\nper_missed_epoch = 1");
    assert_eq!(
        shares(&r, 6),
        [("alice".to_string(), 800), ("bob".to_string(), 200)]
    );
    assert_eq!(
        payouts(&r, 6),
        [("alice".to_string(), 1280), ("bob".to_string(), 320)]
    );
}

#[test]
fn exponential_geometric_decay_by_hand() {
    // 4 * 0.6 = 2.4 -> 2, 2 * 0.6 = 1.2 -> 1, bumped to 2: 400 shares.
    // 1600*400/600 = 1066, 1600*200/600 = 533, dust 1.
    let r = exponential_trace("decay = \"geometric\"\nkeep_ppm = 600000");
    assert_eq!(
        shares(&r, 6),
        [("alice".to_string(), 400), ("bob".to_string(), 200)]
    );
    assert_eq!(
        payouts(&r, 6),
        [("alice".to_string(), 1066), ("bob".to_string(), 533)]
    );
    assert_eq!(epoch(&r, 6)["dust"], "1");
}

#[test]
fn full_epoch_upgrade_replaces_shares_once() {
    // score_on = full_epoch. Alice proves all of epoch 0 in epoch 0 (not
    // full: e = c): shares read, no bump (curve(0) = 100). In epoch 1 the
    // same proof is full: she may register once more, bumped to 10: 600
    // shares replace 100. A third time is a duplicate.
    let booster = format!("{QUAD}\nscore_on = \"full_epoch\"");
    let mut ev = blocks(0..8);
    ev.push(E::P(3, "alice", 4));
    ev.push(E::P(3, "bob", 4));
    ev.push(E::P(4, "alice", 4));
    ev.push(E::P(5, "alice", 4));
    let r = settle(&P::default(), &booster, &ev);
    assert_eq!(
        statuses(&r),
        ["accepted:4", "accepted:4", "accepted:4", "duplicate"]
    );
    assert_eq!(r["submissions"][2]["shares"], "600");
    assert_eq!(
        shares(&r, 0),
        [("alice".to_string(), 600), ("bob".to_string(), 100)]
    );
    // 1600 * 600 / 700 = 1371, 1600 * 100 / 700 = 228, dust 1.
    assert_eq!(
        payouts(&r, 0),
        [("alice".to_string(), 1371), ("bob".to_string(), 228)]
    );
    assert_eq!(prover(&r, "alice"), (10, 1, 1371));
    assert_eq!(prover(&r, "bob"), (0, 0, 228));
}

#[test]
fn any_proof_refuses_the_second_registration() {
    let mut ev = blocks(0..8);
    ev.push(E::P(3, "alice", 4));
    ev.push(E::P(4, "alice", 4));
    let r = settle(&P::default(), QUAD, &ev);
    assert_eq!(statuses(&r), ["accepted:4", "duplicate"]);
}

#[test]
fn full_epoch_partial_proofs_only_read_shares() {
    // A partial proof in epoch 1 of epoch 0 is not full: no bump.
    let booster = format!("{QUAD}\nscore_on = \"full_epoch\"");
    let mut ev = blocks(0..8);
    ev.push(E::P(4, "alice", 2));
    ev.push(E::P(5, "alice", 4));
    let r = settle(&P::default(), &booster, &ev);
    let subs = r["submissions"].as_array().unwrap();
    assert_eq!(subs[0]["shares"], "100");
    assert_eq!(subs[1]["shares"], "600");
    assert_eq!(prover(&r, "alice"), (10, 1, 1600));
}

#[test]
fn a_new_booster_starts_every_record_empty() {
    // Alice reaches (10, 1). In epoch 2 a flat booster is set: every record
    // is (0, 0), the empty storage of a new booster contract, also bob's,
    // who was never seen. Bob's first proof in epoch 2 bumps: (0, 2).
    let mut ev = blocks(0..12);
    ev.push(E::P(4, "alice", 4));
    ev.push(E::S(8, "booster = { rule = \"flat\" }"));
    ev.push(E::P(9, "bob", 8));
    let p = P {
        end_slot: 20,
        ..P::default()
    };
    let r = settle(&p, QUAD, &ev);
    assert_eq!(prover(&r, "alice"), (0, 0, 1600));
    assert_eq!(prover(&r, "bob"), (0, 2, 1600));
    assert_eq!(shares(&r, 1), [("bob".to_string(), 1)]);
}

#[test]
fn a_submission_in_the_epoch_of_a_new_booster_is_bumped() {
    // Bob proves epochs 0-5, each in the next epoch, so the chain stays.
    // Alice proves epoch 4 in epoch 5: (0, 0) -> (10, 5). A new booster
    // (the same QUAD constants) is set at slot 28, the start of epoch 7:
    // her record is (0, 0) again. She proves epoch 6 in epoch 7: the record
    // is older than epoch 7, so it is bumped to (10, 7) and she registers
    // curve(10) = 600 shares. Read as (0, 7), it would not be bumped: 100.
    // Bob proves epoch 6 after the set: (0, 0) -> (10, 7), 600 shares too.
    let mut ev = blocks(0..32);
    for k in 0..6 {
        ev.push(E::P(4 * (k + 1), "bob", 4 * k + 4));
    }
    ev.push(E::P(21, "alice", 20));
    let booster = QUAD.replace('\n', ", ");
    let set = format!("booster = {{ {booster} }}");
    ev.push(E::S(28, &set));
    ev.push(E::P(29, "alice", 28));
    ev.push(E::P(30, "bob", 28));
    let r = settle(&P::default(), QUAD, &ev);
    let subs = r["submissions"].as_array().unwrap();
    let alice: Vec<&str> = subs
        .iter()
        .filter(|s| s["prover"] == "alice")
        .map(|s| s["shares"].as_str().unwrap())
        .collect();
    assert_eq!(alice, ["600", "600"]);
    let (value, time, _) = prover(&r, "alice");
    assert_eq!((value, time), (10, 7));
    assert_eq!(prover(&r, "bob").0, 10);
    assert_eq!(
        shares(&r, 6),
        [("alice".to_string(), 600), ("bob".to_string(), 600)]
    );
    assert_eq!(
        payouts(&r, 6),
        [("alice".to_string(), 800), ("bob".to_string(), 800)]
    );
}

#[test]
fn products_beyond_u128_settle_exactly() {
    // 10^37 minted per block, 3 * 10^38 in the distributor. Epoch 1's pool
    // is 4e37 - 2.8e37 + 400 = 12e36 + 400; alice registers 775 shares and
    // bob 600 (as in `quadratic_payouts_by_hand`), so pool * 775 ~ 9.3e39
    // is past u128 (3.4e38), yet every payout fits:
    // alice floor((12e36 + 400) * 775 / 1375), bob the same with 600.
    let p = P {
        checkpoint_reward: 10u128.pow(37),
        distributor_funding: 3 * 10u128.pow(38),
        end_slot: 20,
        ..P::default()
    };
    let mut ev = blocks(0..12);
    ev.push(E::P(4, "alice", 4));
    ev.push(E::P(8, "alice", 8));
    ev.push(E::P(9, "bob", 8));
    let r = settle(&p, QUAD, &ev);
    assert_eq!(
        epoch(&r, 1)["pool"],
        "12000000000000000000000000000000000400"
    );
    assert_eq!(
        payouts(&r, 1),
        [
            (
                "alice".to_string(),
                6_763_636_363_636_363_636_363_636_363_636_363_861
            ),
            (
                "bob".to_string(),
                5_236_363_636_363_636_363_636_363_636_363_636_538
            )
        ]
    );
    assert_eq!(epoch(&r, 1)["dust"], "1");
}

#[test]
fn a_reward_product_past_u128_is_bounded_by_the_distributor() {
    // 2 * 2e38 leaves u128, but R = min(product, balance) is the whole
    // distributor (u128::MAX); seq = floor(R * 7000 / 10000) exactly, and
    // the pool gets R - 2 * floor(seq / 2) plus two prover fees of 10.
    let text = std::fs::read_to_string("tests/data/big-reward.toml").unwrap();
    let r: serde_json::Value = serde_json::from_str(&settle_text(&text)).unwrap();
    assert_eq!(book(&r, "minted"), u128::MAX);
    assert_eq!(
        epoch(&r, 0)["pool"],
        "102084710076281539039012382229530463457"
    );
    assert_eq!(
        payouts(&r, 0),
        [(
            "a".to_string(),
            102_084_710_076_281_539_039_012_382_229_530_463_457
        )]
    );
}

#[test]
fn set_changes_rewards_from_its_slot_and_tops_up() {
    // Epoch 0 is proven at reward 1000; then the reward goes to 2000 with
    // 50% to sequencers and the distributor, nearly empty, is topped up.
    let p = P {
        distributor_funding: 4000,
        end_slot: 20,
        ..P::default()
    };
    let mut ev = blocks(0..8);
    ev.push(E::P(4, "alice", 4));
    ev.push(E::S(
        6,
        "checkpoint_reward = \"2000\"\nsequencer_bps = 5000\ndistributor_top_up = 8000",
    ));
    ev.push(E::P(9, "alice", 8));
    let r = settle(&p, FLAT, &ev);
    // Epoch 1: R = 8000, seq = 4000, pool = 4000 + 400.
    assert_eq!(epoch(&r, 1)["pool"], "4400");
    assert_eq!(book(&r, "minted"), 12_000);
}

#[test]
fn unsettled_epochs_show_zero_amounts_and_their_shares() {
    let p = P {
        end_slot: 7,
        ..P::default()
    };
    let mut ev = blocks(0..8);
    ev.push(E::P(4, "alice", 4));
    let r = settle(&p, QUAD, &ev);
    let e = epoch(&r, 0);
    assert_eq!(e["settled"], false);
    assert_eq!(e["dust"], "0");
    assert_eq!(e["payouts"][0]["amount"], "0");
    assert_eq!(e["payouts"][0]["shares"], "600");
    assert_eq!(book(&r, "unsettled"), 1600);
    assert_eq!(prover(&r, "alice").2, 0);
}

#[test]
fn events_after_end_slot_are_not_replayed() {
    let p = P {
        end_slot: 5,
        ..P::default()
    };
    let mut ev = blocks(0..8);
    ev.push(E::P(4, "alice", 4));
    ev.push(E::P(6, "bob", 4));
    let r = settle(&p, FLAT, &ev);
    assert_eq!(r["submissions"].as_array().unwrap().len(), 1);
    assert_eq!(r["sequencers"][0]["sequencer"], "seq");
    assert!(
        r["provers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["prover"] != "bob")
    );
}

#[test]
fn ids_sort_by_bytes() {
    let mut ev = blocks(0..8);
    for (i, who) in ["p9", "alice", "Zed", "p10"].iter().enumerate() {
        ev.push(E::P(4 + i as u64, who, 4));
    }
    let r = settle(&P::default(), FLAT, &ev);
    let names: Vec<_> = r["provers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["prover"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["Zed", "alice", "p10", "p9"]);
}

#[test]
fn proposers_whose_blocks_were_all_pruned_earned_zero() {
    let ev = [E::Bx(0, "ghost", 100, 500, 1, 2)];
    let r = settle(&P::default(), FLAT, &ev);
    assert_eq!(r["sequencers"][0]["sequencer"], "ghost");
    assert_eq!(r["sequencers"][0]["earned"], "0");
    assert_eq!(r["prunes"][0]["slot"], 8);
}

#[test]
fn longer_submission_windows_delay_settlement_and_prunes() {
    let p = P {
        proof_submission_epochs: 2,
        end_slot: 11,
        ..P::default()
    };
    let mut ev = blocks(0..12);
    ev.push(E::P(11, "alice", 4)); // epoch 0 proven in epoch 2: still open
    let r = settle(&p, FLAT, &ev);
    assert_eq!(statuses(&r), ["accepted:4"]);
    assert_eq!(epoch(&r, 0)["settled"], false);
    assert!(r["prunes"].as_array().unwrap().is_empty());
    let r = settle(&P { end_slot: 12, ..p }, FLAT, &ev);
    assert_eq!(epoch(&r, 0)["settled"], true);
    // Epoch 1's window closes at slot 16; nothing pruned yet at 12.
    assert!(r["prunes"].as_array().unwrap().is_empty());
}
