//! Property tests over random traces: the books balance, each settled
//! epoch's payouts plus dust equal its pool, superseded provers are paid
//! nothing, replays are deterministic, and the whole report equals that of
//! an independent naive implementation of the specification.

mod common;
mod reference;

use std::collections::{BTreeMap, BTreeSet};

use common::{E, P, trace_text};
use proptest::prelude::*;
use proversim::protocol::SubmissionOutcome;
use proversim::trace::report::Report;
use proversim::trace::{parse, replay};

const PROVERS: [&str; 4] = ["ann", "Bo", "cy", "p10"];

/// A `set`: reward, sequencer bps, top-up, booster (index in BOOSTERS).
type SetPlan = (Option<u128>, Option<u64>, Option<u128>, Option<usize>);

/// One slot of a random trace.
#[derive(Clone, Debug)]
struct SlotPlan {
    block: Option<(u64, u128, u128, u128)>, // mana, fee over the protocol fee, pc, pf
    proofs: Vec<(usize, u64)>,              // prover, how far back from the newest block
    set: Option<SetPlan>,
}

fn slot_plan() -> impl Strategy<Value = SlotPlan> {
    (
        prop::option::weighted(0.8, (0u64..200, 0u128..600, 0u128..5, 0u128..3)),
        prop::collection::vec((0usize..4, 0u64..6), 0..3),
        prop::option::weighted(
            0.04,
            (
                prop::option::of(0u128..3000),
                prop::option::of(0u64..=10_000),
                prop::option::of(0u128..5000),
                prop::option::of(0usize..BOOSTERS.len()),
            ),
        ),
    )
        .prop_map(|(block, proofs, set)| SlotPlan { block, proofs, set })
}

const BOOSTERS: [&str; 8] = [
    "rule = \"flat\"",
    "rule = \"quadratic\"",
    "rule = \"quadratic\"\nincrement = 10\nmax_score = 30\na = 10000000000\nminimum = 100\nk = 1000\ndecay_per_epoch = 5",
    "rule = \"quadratic\"\nincrement = 101400\nmax_score = 367500\na = 250000\nminimum = 10000\nscore_on = \"full_epoch\"",
    "rule = \"exponential\"\nmax_streak = 4\nbase = 7\ngrowth_ppm = 1500000\ndecay = \"reset\"",
    "rule = \"exponential\"\nmax_streak = 6\nbase = 1000\ngrowth_ppm = 1300000\ndecay = \"linear\"\nper_missed_epoch = 2",
    "rule = \"exponential\"\nmax_streak = 5\nbase = 50\ngrowth_ppm = 2000000\ndecay = \"geometric\"\nkeep_ppm = 500000\nscore_on = \"full_epoch\"",
    "rule = \"flat\"\nscore_on = \"full_epoch\"",
];

fn inline(booster: &str) -> String {
    format!("{{ {} }}", booster.replace('\n', ", "))
}

#[allow(clippy::too_many_arguments)]
fn build(
    ed: u64,
    pse: u64,
    reward: u128,
    bps: u64,
    funding: u128,
    booster: usize,
    tail: u64,
    plan: &[SlotPlan],
) -> String {
    let p = P {
        epoch_duration: ed,
        proof_submission_epochs: pse,
        checkpoint_reward: reward,
        sequencer_bps: bps,
        distributor_funding: funding,
        end_slot: plan.len() as u64 + tail,
    };
    let mut events = Vec::new();
    let mut built = 0u64;
    let mut sets = Vec::new();
    for (slot, s) in plan.iter().enumerate() {
        let slot = slot as u64;
        if let Some((mana, extra, pc, pf)) = s.block {
            built += 1;
            let who = if slot.is_multiple_of(3) {
                "seq-b"
            } else {
                "seq-a"
            };
            events.push(E::Bx(slot, who, mana, pf * mana as u128 + extra, pc, pf));
        }
        for &(who, back) in &s.proofs {
            // Ends near the newest block built; after prunes numbers are
            // reused, so some land on missing blocks, as intended.
            events.push(E::P(slot, PROVERS[who], built.saturating_sub(back)));
        }
        if let Some((r, b, t, boost)) = &s.set {
            let mut lines = Vec::new();
            if let Some(r) = r {
                lines.push(format!("checkpoint_reward = \"{r}\""));
            }
            if let Some(b) = b {
                lines.push(format!("sequencer_bps = {b}"));
            }
            if let Some(t) = t {
                lines.push(format!("distributor_top_up = {t}"));
            }
            if let Some(i) = boost {
                lines.push(format!("booster = {}", inline(BOOSTERS[*i])));
            }
            sets.push((slot, lines.join("\n")));
        }
    }
    let set_events: Vec<E> = sets.iter().map(|(s, l)| E::S(*s, l)).collect();
    events.extend(set_events);
    trace_text(&p, BOOSTERS[booster], &events)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn replay_matches_the_reference_and_keeps_every_invariant(
        ed in 1u64..6,
        pse in 1u64..3,
        reward in 0u128..3000,
        bps in 0u64..=10_000,
        funding in prop_oneof![0u128..5000, Just(1_000_000_000u128)],
        booster in 0usize..BOOSTERS.len(),
        tail in 0u64..16,
        plan in prop::collection::vec(slot_plan(), 0..70),
    ) {
        let text = build(ed, pse, reward, bps, funding, booster, tail, &plan);
        let trace = parse("random.toml", &text).expect("generated traces are valid");
        let first = replay(&trace).expect("replays");
        let second = replay(&trace).expect("replays");
        let json = Report::new(&trace, &first).to_json();
        // Deterministic.
        prop_assert_eq!(&json, &Report::new(&trace, &second).to_json());
        // The books balance.
        prop_assert!(first.books.check().is_ok());
        // Payouts plus dust equal the pool.
        for s in &first.settled {
            let paid: u128 = s.payouts.iter().map(|p| p.amount).sum();
            prop_assert_eq!(paid + s.dust, s.pool);
        }
        // Only provers at the longest accepted length of an epoch are paid.
        let mut longest: BTreeMap<u64, u64> = BTreeMap::new();
        let mut at: BTreeMap<(u64, u64), BTreeSet<u32>> = BTreeMap::new();
        for sub in &first.submissions {
            if let SubmissionOutcome::Accepted(a) = sub.outcome {
                let l = longest.entry(a.epoch).or_default();
                *l = (*l).max(a.length);
                at.entry((a.epoch, a.length)).or_default().insert(sub.prover.0);
            }
        }
        for s in &first.settled {
            prop_assert_eq!(s.longest, longest[&s.epoch]);
            let paid: BTreeSet<u32> = s.payouts.iter().map(|p| p.prover.0).collect();
            prop_assert_eq!(&paid, &at[&(s.epoch, s.longest)]);
        }
        // The same numbers as the naive reference.
        let ours: serde_json::Value = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(ours, reference::settle(&trace), "trace:\n{}", text);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    /// Any edit of a valid trace loads and replays or fails with an error
    /// that names the file; nothing panics.
    #[test]
    fn mangled_traces_never_panic(
        plan in prop::collection::vec(slot_plan(), 1..20),
        edits in prop::collection::vec((any::<prop::sample::Index>(), prop_oneof![
            Just(""), Just("-"), Just("\""), Just("9999999999999999999999"), Just("0"),
            Just("["), Just("]"), Just("="), Just("\n"), Just("x"), Just("1.5"),
        ]), 1..4),
    ) {
        let mut text = build(2, 1, 100, 5000, 10_000, 2, 5, &plan);
        for (at, with) in edits {
            let mut i = at.index(text.len());
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            text.replace_range(i..(i + 1).min(text.len()), with);
        }
        match parse("mangled.toml", &text) {
            Ok(trace) => {
                if let Err(e) = replay(&trace) {
                    prop_assert!(e.to_string().starts_with("mangled.toml: "));
                }
            }
            Err(e) => prop_assert!(e.to_string().starts_with("mangled.toml"), "{}", e),
        }
    }
}
