//! Helpers shared by the integration tests: small traces written as code.
#![allow(dead_code)]

use proversim::trace::report::Report;
use proversim::trace::{parse, replay};
use serde_json::Value;

/// The `[params]` of a test trace.
pub struct P {
    pub epoch_duration: u64,
    pub proof_submission_epochs: u64,
    pub checkpoint_reward: u128,
    pub sequencer_bps: u64,
    pub distributor_funding: u128,
    pub end_slot: u64,
}

impl Default for P {
    /// Epochs of 4 slots, a window of one more epoch, 1000 minted per block
    /// of which 70% to the proposer.
    fn default() -> Self {
        P {
            epoch_duration: 4,
            proof_submission_epochs: 1,
            checkpoint_reward: 1000,
            sequencer_bps: 7000,
            distributor_funding: 1_000_000,
            end_slot: 40,
        }
    }
}

/// An event of a test trace.
pub enum E<'a> {
    /// A block in this slot by `seq`: 100 mana, fee 500, prover cost 1 per
    /// mana, protocol fee 2 per mana. Proven, it burns 200, puts 100 in the
    /// pool and credits its proposer 200 plus its part of the reward.
    B(u64),
    /// A block in this slot with (proposer, mana, fee, prover cost per mana,
    /// protocol fee per mana).
    Bx(u64, &'a str, u64, u128, u128, u128),
    /// A proof in this slot by this prover up to this block.
    P(u64, &'a str, u64),
    /// A `set` in this slot with these TOML lines.
    S(u64, &'a str),
}

/// Blocks in every slot of `slots`.
pub fn blocks(slots: std::ops::Range<u64>) -> Vec<E<'static>> {
    slots.map(E::B).collect()
}

/// The trace's TOML text.
pub fn trace_text(p: &P, booster: &str, events: &[E]) -> String {
    let mut s = format!(
        "[params]\nepoch_duration = {}\nproof_submission_epochs = {}\n\
         checkpoint_reward = \"{}\"\nsequencer_bps = {}\n\
         distributor_funding = \"{}\"\nend_slot = {}\n\n[booster]\n{booster}\n",
        p.epoch_duration,
        p.proof_submission_epochs,
        p.checkpoint_reward,
        p.sequencer_bps,
        p.distributor_funding,
        p.end_slot
    );
    let mut sorted: Vec<&E> = events.iter().collect();
    // Stable: same-slot events keep their order.
    sorted.sort_by_key(|e| match e {
        E::B(s) | E::Bx(s, ..) | E::P(s, ..) | E::S(s, ..) => *s,
    });
    for e in sorted {
        s.push_str("\n[[events]]\n");
        match e {
            E::B(slot) => s.push_str(&format!(
                "slot = {slot}\nkind = \"block\"\nproposer = \"seq\"\nmana_used = 100\n\
                 fee = \"500\"\nprover_cost_per_mana = \"1\"\nprotocol_fee_per_mana = \"2\"\n"
            )),
            E::Bx(slot, who, mana, fee, pc, pf) => s.push_str(&format!(
                "slot = {slot}\nkind = \"block\"\nproposer = \"{who}\"\nmana_used = {mana}\n\
                 fee = \"{fee}\"\nprover_cost_per_mana = \"{pc}\"\nprotocol_fee_per_mana = \"{pf}\"\n"
            )),
            E::P(slot, who, end) => s.push_str(&format!(
                "slot = {slot}\nkind = \"proof\"\nprover = \"{who}\"\nend = {end}\n"
            )),
            E::S(slot, lines) => s.push_str(&format!("slot = {slot}\nkind = \"set\"\n{lines}\n")),
        }
    }
    s
}

/// Replays a trace and returns its JSON report, parsed.
pub fn settle(p: &P, booster: &str, events: &[E]) -> Value {
    let text = trace_text(p, booster, events);
    let trace = parse("test.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    let replay = replay(&trace).unwrap_or_else(|e| panic!("{e}"));
    serde_json::from_str(&Report::new(&trace, &replay).to_json()).unwrap()
}

/// The JSON report of a trace given as text.
pub fn settle_text(text: &str) -> String {
    let trace = parse("test.toml", text).unwrap_or_else(|e| panic!("{e}"));
    let replay = replay(&trace).unwrap_or_else(|e| panic!("{e}"));
    Report::new(&trace, &replay).to_json()
}

/// `epochs[i]` of a report, by epoch number.
pub fn epoch(report: &Value, e: u64) -> &Value {
    report["epochs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["epoch"] == e)
        .unwrap_or_else(|| panic!("epoch {e} not in {report}"))
}

/// `(prover, field)` of an epoch's payouts, the field parsed as a number.
fn payout_field(report: &Value, e: u64, field: &str) -> Vec<(String, u128)> {
    epoch(report, e)["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["prover"].as_str().unwrap().to_string(),
                p[field].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect()
}

/// `(prover, amount)` of an epoch's payouts.
pub fn payouts(report: &Value, e: u64) -> Vec<(String, u128)> {
    payout_field(report, e, "amount")
}

/// `(prover, shares)` of an epoch's payouts.
pub fn shares(report: &Value, e: u64) -> Vec<(String, u128)> {
    payout_field(report, e, "shares")
}

/// The `status` or `reason` of every submission.
pub fn statuses(report: &Value) -> Vec<String> {
    report["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            if s["status"] == "accepted" {
                format!("accepted:{}", s["length"])
            } else {
                s["reason"].as_str().unwrap().to_string()
            }
        })
        .collect()
}

/// A book entry as a number.
pub fn book(report: &Value, key: &str) -> u128 {
    report["books"][key].as_str().unwrap().parse().unwrap()
}

/// A prover's `(value, time, earned)`.
pub fn prover(report: &Value, name: &str) -> (u64, u64, u128) {
    let p = report["provers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["prover"] == name)
        .unwrap_or_else(|| panic!("prover {name} not in {report}"));
    (
        p["value"].as_u64().unwrap(),
        p["time"].as_u64().unwrap(),
        p["earned"].as_str().unwrap().parse().unwrap(),
    )
}

pub const FLAT: &str = "rule = \"flat\"";

/// A quadratic curve with round numbers: `a = 10^10` makes
/// `rhs = (max_score - v)^2`; curve(0) = max(1000 - 900, 100) = 100,
/// curve(10) = 600, curve(15) = 775, curve(20) = 900, curve(30) = 1000.
pub const QUAD: &str = "rule = \"quadratic\"\nincrement = 10\nmax_score = 30\n\
                        a = 10000000000\nminimum = 100\nk = 1000\ndecay_per_epoch = 5";

/// A shipped scenario with `--set`-style overrides.
pub fn scenario(name: &str, overrides: &[&str]) -> proversim::scenario::Scenario {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"));
    let overrides: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    proversim::scenario::load(&path, &overrides).unwrap_or_else(|e| panic!("{e}"))
}

/// Every shipped scenario file that is not a sweep, in name order.
pub fn shipped_scenarios() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter(|p| !p.to_string_lossy().ends_with("-sweep.toml"))
        .collect();
    files.sort();
    files
}

/// Runs a scenario keeping every row; the books must balance.
pub fn simulate(
    s: &proversim::scenario::Scenario,
) -> (
    proversim::metrics::MemoryRecorder,
    proversim::engine::RunResult,
) {
    let mut rec = proversim::metrics::MemoryRecorder::default();
    let r = proversim::simulate(s, &mut rec, proversim::engine::RunOptions::default()).unwrap();
    assert!(r.summary.books.balanced);
    (rec, r)
}

/// Replays a run's trace with `settle`'s rules and checks that it pays
/// every prover of every epoch what the run paid, to the unit; returns how
/// many payouts it checked.
pub fn replay_matches_run(
    rec: &proversim::metrics::MemoryRecorder,
    r: &proversim::engine::RunResult,
) -> usize {
    use std::collections::BTreeMap;
    let trace = parse("run-trace.toml", r.trace.as_ref().expect("a trace")).unwrap();
    let replayed = replay(&trace).unwrap();
    let mut from_trace: BTreeMap<(u64, String), u128> = BTreeMap::new();
    for settlement in &replayed.settled {
        for p in &settlement.payouts {
            from_trace.insert(
                (settlement.epoch, trace.provers.name(p.prover.0).to_string()),
                p.amount,
            );
        }
    }
    let from_run: BTreeMap<(u64, String), u128> = rec
        .provers
        .iter()
        .filter(|p| p.paid)
        .map(|p| ((p.epoch, p.prover.to_string()), p.reward_units))
        .collect();
    assert_eq!(from_run, from_trace);
    assert_eq!(
        r.summary.books.paid_provers,
        replayed.books.paid_provers.to_string()
    );
    assert_eq!(r.summary.books.minted, replayed.books.minted.to_string());
    assert_eq!(r.summary.books.fees, replayed.books.fees.to_string());
    from_run.len()
}
