//! A scenario's protocol version (docs/model.md section 12): the version's
//! defaults lie under every key the file writes, the keys whose values
//! differ from them are named as run, and a voting policy that would signal
//! for what the version's governance cannot change is refused.

use toml::{Table, Value};

use crate::agents::registry;
use crate::protocol::Version;
use crate::protocol::booster::Quadratic;
use crate::schema::{BoosterSpec, RuleName, Scenario};

use super::paths::merge_tables;

/// The version a merged scenario table names (v5 if none); `None` for a
/// value that is not a version (which the schema reports).
pub(crate) fn named(table: &Table) -> Option<Version> {
    match table.get("protocol") {
        None => Some(Version::CURRENT),
        Some(Value::String(s)) => Version::named(s),
        Some(_) => None,
    }
}

fn amount(x: u128) -> Value {
    Value::String(x.to_string())
}

fn int(x: u64) -> Value {
    Value::Integer(i64::try_from(x).unwrap_or(i64::MAX))
}

/// The quadratic constants as a scenario's `[booster]` writes them.
fn quadratic_keys(q: Quadratic) -> [(&'static str, u64); 6] {
    [
        ("increment", q.increment),
        ("max_score", q.max_score),
        ("a", q.a),
        ("minimum", q.minimum),
        ("k", q.k),
        ("decay_per_epoch", q.decay_per_epoch),
    ]
}

/// The scenario table with its version's defaults under every key it does
/// not write: the reward, its split, the proving cost per mana, which
/// submissions score, and (under the quadratic rule) the booster's
/// constants. A table whose version is not one is left as it is.
pub(crate) fn layer(table: Table) -> Table {
    let Some(version) = named(&table) else {
        return table;
    };
    let mut rewards = Table::new();
    rewards.insert(
        "checkpoint_reward".into(),
        amount(version.checkpoint_reward()),
    );
    rewards.insert("sequencer_bps".into(), int(version.sequencer_bps()));
    rewards.insert(
        "proving_cost_per_mana".into(),
        amount(version.proving_cost_per_mana()),
    );
    let mut booster = Table::new();
    if let Ok(score_on) = Value::try_from(BoosterSpec::of(&version.booster()).score_on) {
        booster.insert("score_on".into(), score_on);
    }
    let mut merged = Table::new();
    merged.insert("protocol".into(), Value::String(version.name().into()));
    merged.insert("rewards".into(), Value::Table(rewards));
    merged.insert("booster".into(), Value::Table(booster));
    merge_tables(&mut merged, table);
    // The quadratic constants apply to the quadratic rule only.
    if let Some(Value::Table(b)) = merged.get_mut("booster") {
        let quadratic = b
            .get("rule")
            .is_none_or(|r| r.as_str() == Some("quadratic"));
        if quadratic {
            for (k, v) in quadratic_keys(version.quadratic()) {
                b.entry(k).or_insert(int(v));
            }
        }
    }
    merged
}

/// The keys of a scenario as run whose values differ from its version's
/// defaults, in file order.
pub(crate) fn overrides(s: &Scenario) -> Vec<String> {
    let v = s.protocol;
    let r = &s.rewards;
    let deployed = BoosterSpec::of(&v.booster());
    let mut out: Vec<String> = [
        (
            "rewards.checkpoint_reward",
            r.checkpoint_reward != v.checkpoint_reward(),
        ),
        (
            "rewards.sequencer_bps",
            r.sequencer_bps != v.sequencer_bps(),
        ),
        (
            "rewards.proving_cost_per_mana",
            r.proving_cost_per_mana != v.proving_cost_per_mana(),
        ),
        ("booster.rule", s.booster.rule != deployed.rule),
        ("booster.score_on", s.booster.score_on != deployed.score_on),
    ]
    .into_iter()
    .filter(|&(_, differs)| differs)
    .map(|(k, _)| k.to_string())
    .collect();
    if s.booster.rule == RuleName::Quadratic {
        let b = &s.booster;
        let written = [
            b.increment,
            b.max_score,
            b.a,
            b.minimum,
            b.k,
            b.decay_per_epoch,
        ];
        for ((key, default), value) in quadratic_keys(v.quadratic()).into_iter().zip(written) {
            if value.is_some_and(|x| x != default) {
                out.push(format!("booster.{key}"));
            }
        }
    }
    out
}

/// Every sequencer group whose voting policy may signal for a change the
/// version's governance cannot make, as (key path, message).
pub(crate) fn governance_problems(s: &Scenario) -> Vec<(String, String)> {
    let v = s.protocol;
    s.sequencers
        .iter()
        .enumerate()
        .filter_map(|(i, g)| {
            let kind = registry::policy(g.policy.name())?;
            if s.mechanism == crate::schema::Mechanism::FeeMarket
                && kind.changes.contains(&"checkpoint_reward")
            {
                return Some((
                    format!("sequencers[{i}].policy"),
                    format!(
                        "policy \"{}\" signals for changes of the checkpoint_reward, which the \
                         controller sets under mechanism = \"fee_market\"; use another policy",
                        kind.name
                    ),
                ));
            }
            let refused = kind.changes.iter().find(|key| !v.governs(key))?;
            Some((
                format!("sequencers[{i}].policy"),
                format!(
                    "policy \"{}\" signals for changes of the {refused}, which governance cannot \
                     make under {} (protocol); use protocol = \"v4\" or another policy",
                    kind.name,
                    v.name()
                ),
            ))
        })
        .collect()
}
