//! A second, deliberately naive implementation of docs/model.md sections 2–6 and 11,
//! written from the specification alone: every block kept forever, every
//! slot from 0 to `end_slot` visited, registrations in one flat map, the
//! booster curves recomputed by their definitions with no table. The
//! property tests replay random traces through both and compare the JSON.
//! Values in those traces are small, so this model does not check overflow.

// The formulas are written as docs/model.md states them, not as clippy would.
#![allow(
    clippy::int_plus_one,
    clippy::implicit_saturating_sub,
    clippy::type_complexity
)]

use std::collections::{BTreeMap, BTreeSet};

use ethnum::U256;
use proversim::protocol::booster::StreakDecay;
use proversim::protocol::{BoosterConfig, Rule, ScoreOn};
use proversim::trace::{Trace, TraceEventKind};
use serde_json::{Value, json};

struct Blk {
    epoch: u64,
    proposer: String,
    mana: u128,
    fee: u128,
    pc: u128,
    pf: u128,
}

fn curve(b: &BoosterConfig, v: u64) -> u128 {
    match b.rule {
        Rule::Flat => 1,
        Rule::Quadratic(q) => {
            if v >= q.max_score {
                return q.k as u128;
            }
            let t = (q.max_score - v) as u128;
            let rhs = q.a as u128 * t * t / 10_000_000_000;
            if rhs > q.k as u128 {
                q.minimum as u128
            } else {
                std::cmp::max(q.k as u128 - rhs, q.minimum as u128)
            }
        }
        Rule::Exponential(x) => {
            let mut w = x.base;
            for _ in 0..v.min(x.max_streak) {
                w = w * x.growth_ppm as u128 / 1_000_000;
            }
            w
        }
    }
}

fn decay(b: &BoosterConfig, v: u64, n: u64) -> u64 {
    match b.rule {
        Rule::Flat => v,
        Rule::Quadratic(q) => v - std::cmp::min(v, n * q.decay_per_epoch),
        Rule::Exponential(x) => {
            let misses = if n <= 1 { 0 } else { n - 1 };
            match x.decay {
                _ if misses == 0 => v,
                StreakDecay::Reset => 0,
                StreakDecay::Linear { per_missed_epoch } => {
                    v - std::cmp::min(v, per_missed_epoch * misses)
                }
                StreakDecay::Geometric { keep_ppm } => {
                    let mut s = v;
                    for _ in 0..misses {
                        s = s * keep_ppm / 1_000_000;
                    }
                    s
                }
            }
        }
    }
}

fn bump(b: &BoosterConfig, v: u64) -> u64 {
    match b.rule {
        Rule::Flat => v,
        Rule::Quadratic(q) => std::cmp::min(v + q.increment, q.max_score),
        Rule::Exponential(x) => std::cmp::min(v + 1, x.max_streak),
    }
}

/// The docs/model.md section 11 JSON of a trace, computed naively.
pub fn settle(trace: &Trace) -> Value {
    let p = trace.params;
    let (ed, pse) = (p.epoch_duration, p.proof_submission_epochs);
    let mut reward = p.checkpoint_reward;
    let mut bps = p.sequencer_bps as u128;
    let mut distributor = p.distributor_funding;
    let mut booster = trace.booster;
    let mut chain: Vec<Blk> = Vec::new();
    let mut proven: u64 = 0;
    let mut longest: BTreeMap<u64, u64> = BTreeMap::new();
    let mut pool: BTreeMap<u64, u128> = BTreeMap::new();
    // (epoch, length) -> prover -> (shares, full)
    let mut regs: BTreeMap<(u64, u64), BTreeMap<String, (u128, bool)>> = BTreeMap::new();
    let mut settled: BTreeMap<u64, (u128, Vec<(String, u128, u128)>)> = BTreeMap::new();
    let mut records: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let mut seq_earned: BTreeMap<String, u128> = BTreeMap::new();
    let mut prov_earned: BTreeMap<String, u128> = BTreeMap::new();
    let (mut minted, mut fees, mut burnt, mut paid_seq, mut paid_prov, mut dust_total) =
        (0u128, 0u128, 0u128, 0u128, 0u128, 0u128);
    let mut submissions = Vec::new();
    let mut prunes = Vec::new();
    let mut accepted_provers: BTreeSet<String> = BTreeSet::new();

    let mut events = trace.events.iter().peekable();
    for slot in 0..=trace.end_slot {
        let c = slot / ed;
        // Prune check.
        if chain.len() as u64 > proven {
            let e0 = chain[proven as usize].epoch;
            if c >= e0 + pse + 1 {
                prunes.push(json!({"slot": slot, "first_block": proven + 1,
                                   "last_block": chain.len()}));
                chain.truncate(proven as usize);
            }
        }
        // Settlements.
        for (&e, &l) in &longest {
            if c >= e + pse + 1 && !settled.contains_key(&e) {
                let pl = pool[&e];
                let rs = &regs[&(e, l)];
                let sum: u128 = rs.values().map(|r| r.0).sum();
                let mut pays = Vec::new();
                let mut paid = 0;
                for (name, &(sh, _)) in rs {
                    let amt = (U256::from(pl) * U256::from(sh) / U256::from(sum)).as_u128();
                    paid += amt;
                    *prov_earned.entry(name.clone()).or_default() += amt;
                    pays.push((name.clone(), sh, amt));
                }
                paid_prov += paid;
                dust_total += pl - paid;
                settled.insert(e, (pl - paid, pays));
            }
        }
        while let Some(ev) = events.next_if(|ev| ev.slot == slot) {
            match &ev.kind {
                TraceEventKind::Block(b) => {
                    let name = trace.sequencers.name(b.proposer.0).to_string();
                    seq_earned.entry(name.clone()).or_default();
                    chain.push(Blk {
                        epoch: c,
                        proposer: name,
                        mana: b.mana_used as u128,
                        fee: b.fee,
                        pc: b.prover_cost_per_mana,
                        pf: b.protocol_fee_per_mana,
                    });
                }
                TraceEventKind::Set(s) => {
                    if let Some(x) = s.checkpoint_reward {
                        reward = x;
                    }
                    if let Some(x) = s.sequencer_bps {
                        bps = x as u128;
                    }
                    if let Some(x) = s.distributor_top_up {
                        distributor += x;
                    }
                    if let Some(b) = s.booster {
                        // A newly deployed booster: empty storage.
                        booster = b;
                        records.clear();
                    }
                }
                TraceEventKind::Migrate(to) => {
                    // The new version's split and booster, with empty
                    // storage.
                    bps = to.sequencer_bps() as u128;
                    booster = to.booster();
                    records.clear();
                }
                TraceEventKind::Proof { prover, end } => {
                    let name = trace.provers.name(prover.0).to_string();
                    let end = *end;
                    let mut sub = json!({"slot": slot, "prover": name, "end": end});
                    let reject = |sub: &mut Value, why: &str| {
                        sub["status"] = json!("rejected");
                        sub["reason"] = json!(why);
                    };
                    if end == 0 || end > chain.len() as u64 {
                        reject(&mut sub, "no_such_block");
                        submissions.push(sub);
                        continue;
                    }
                    let e = chain[end as usize - 1].epoch;
                    if c >= e + pse + 1 {
                        reject(&mut sub, "window_closed");
                        submissions.push(sub);
                        continue;
                    }
                    let first = chain.iter().position(|b| b.epoch == e).unwrap() as u64 + 1;
                    if first - 1 > proven {
                        reject(&mut sub, "not_on_proven");
                        submissions.push(sub);
                        continue;
                    }
                    let l = end - first + 1;
                    let full =
                        e < c && (end as usize >= chain.len() || chain[end as usize].epoch > e);
                    let old = regs.get(&(e, l)).and_then(|m| m.get(&name)).copied();
                    if let Some((_, old_full)) = old
                        && !(booster.score_on == ScoreOn::FullEpoch && !old_full && full)
                    {
                        reject(&mut sub, "duplicate");
                        submissions.push(sub);
                        continue;
                    }
                    proven = proven.max(end);
                    let (v, t) = records.get(&name).copied().unwrap_or((0, 0));
                    let bumps = booster.score_on == ScoreOn::AnyProof || full;
                    let decayed = decay(&booster, v, c - t);
                    let shares = if bumps {
                        let (v, t) = if c != t {
                            (bump(&booster, decayed), c)
                        } else {
                            (v, t)
                        };
                        records.insert(name.clone(), (v, t));
                        curve(&booster, v)
                    } else {
                        records.insert(name.clone(), (v, t));
                        curve(&booster, decayed)
                    };
                    regs.entry((e, l))
                        .or_default()
                        .insert(name.clone(), (shares, full));
                    accepted_provers.insert(name.clone());
                    let lg = *longest.get(&e).unwrap_or(&0);
                    pool.entry(e).or_insert(0);
                    if l > lg {
                        let added = (l - lg) as u128;
                        // Products in 256 bits, as the contracts compute them.
                        let r = std::cmp::min(
                            U256::from(added) * U256::from(reward),
                            U256::from(distributor),
                        )
                        .as_u128();
                        distributor -= r;
                        minted += r;
                        let seq = (U256::from(r) * U256::from(bps) / 10_000).as_u128();
                        let spb = seq / added;
                        *pool.get_mut(&e).unwrap() += r - seq + (seq - spb * added);
                        for i in (first + lg)..=end {
                            let b = &chain[i as usize - 1];
                            let pfee = b.pf * b.mana;
                            let prover_fee = std::cmp::min(b.mana * b.pc, b.fee - pfee);
                            *pool.get_mut(&e).unwrap() += prover_fee;
                            let earned = spb + b.fee - pfee - prover_fee;
                            *seq_earned.get_mut(&b.proposer).unwrap() += earned;
                            paid_seq += earned;
                            fees += b.fee;
                            burnt += pfee;
                        }
                        longest.insert(e, l);
                    }
                    sub["status"] = json!("accepted");
                    sub["length"] = json!(l);
                    sub["shares"] = json!(shares.to_string());
                    submissions.push(sub);
                }
            }
        }
    }

    let sort = |v: &mut Vec<(String, Value)>| v.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let epochs: Vec<Value> = longest
        .iter()
        .map(|(&e, &l)| {
            let mut pays: Vec<(String, Value)> = match settled.get(&e) {
                Some((_, pays)) => pays
                    .iter()
                    .map(|(n, s, a)| {
                        (
                            n.clone(),
                            json!({"prover": n, "shares": s.to_string(), "amount": a.to_string()}),
                        )
                    })
                    .collect(),
                None => regs[&(e, l)]
                    .iter()
                    .map(|(n, (s, _))| {
                        (
                            n.clone(),
                            json!({"prover": n, "shares": s.to_string(), "amount": "0"}),
                        )
                    })
                    .collect(),
            };
            sort(&mut pays);
            json!({"epoch": e, "longest": l, "pool": pool[&e].to_string(),
                   "dust": settled.get(&e).map_or(0, |s| s.0).to_string(),
                   "settled": settled.contains_key(&e),
                   "payouts": pays.into_iter().map(|x| x.1).collect::<Vec<_>>()})
        })
        .collect();
    // Epochs whose accepted submissions never extended them do not exist:
    // any accepted submission has length >= 1 > 0, so `longest` has them all.
    let mut seqs: Vec<(String, Value)> = seq_earned
        .iter()
        .map(|(n, a)| (n.clone(), json!({"sequencer": n, "earned": a.to_string()})))
        .collect();
    sort(&mut seqs);
    let mut provs: Vec<(String, Value)> = accepted_provers
        .iter()
        .map(|n| {
            let (v, t) = records.get(n).copied().unwrap_or((0, 0));
            let earned = prov_earned.get(n).copied().unwrap_or(0);
            (
                n.clone(),
                json!({"prover": n, "value": v, "time": t, "earned": earned.to_string()}),
            )
        })
        .collect();
    sort(&mut provs);
    let unsettled: u128 = pool
        .iter()
        .filter(|(e, _)| !settled.contains_key(e))
        .map(|(_, p)| p)
        .sum();
    json!({
        "epochs": epochs,
        "sequencers": seqs.into_iter().map(|x| x.1).collect::<Vec<_>>(),
        "provers": provs.into_iter().map(|x| x.1).collect::<Vec<_>>(),
        "submissions": submissions,
        "prunes": prunes,
        "books": {"minted": minted.to_string(), "fees": fees.to_string(),
                  "burnt": burnt.to_string(), "paid_sequencers": paid_seq.to_string(),
                  "paid_provers": paid_prov.to_string(), "dust": dust_total.to_string(),
                  "unsettled": unsettled.to_string()},
    })
}
