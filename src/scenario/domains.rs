//! The one table of every numeric scenario key's domain: its type, its
//! range (every real is finite), and its unit. It is enforced on the merged
//! scenario, so on files, bases and `--set` alike; a test tries each key at
//! its bounds and just past them. Relations between keys (a quorum against
//! its round, a mean against a minimum: `l1.mean_inclusion_delay`) are
//! checked in `check`.

use toml::{Table, Value};

use crate::agents::registry;
use crate::schema::{ProverGroup, SequencerGroup};

pub(crate) use super::domain::number;
pub use super::domain::{Domain, Range};
use super::domain::{INF, found, int, needs, non_negative, part, positive, real};

/// The highest L1 price a scenario may start from or floor at, wei per gas:
/// a million gwei, a thousand times any price L1 has seen, and low enough
/// that every fee computed from it fits the integers it is settled in.
pub const MAX_WEI_PER_GAS: f64 = 1e15;

/// The largest multiplier of an L1 price spike.
pub const MAX_MULTIPLIER: f64 = 1e6;

/// The domain of every numeric key a scenario has whatever its groups'
/// strategies and policies (theirs are declared in their own files).
pub const DOMAINS: &[Domain] = &[
    int("epochs", 1, 100_000_000, "epochs"),
    needs(
        int("migration.epoch", 1, 100_000_000, "epochs"),
        "migration={epoch=10,to=\"v6\"}",
    ),
    int("chain.slot_duration", 1, 86_400, "seconds"),
    int("chain.epoch_duration", 1, 100_000, "slots"),
    int("chain.proof_submission_epochs", 1, 1_000, "epochs"),
    int("chain.mana_target", 1, i64::MAX, "mana"),
    int("rewards.sequencer_bps", 0, 10_000, "basis points"),
    int("governance.round_size", 1, i64::MAX, "slots"),
    int("l1.block_time", 1, 3_600, "seconds"),
    // An L1 transaction waits at most a day (longer ones would outlast any
    // proof window; their times would not fit the clock in milliseconds).
    real(
        "l1.min_inclusion_delay",
        0.0,
        false,
        86_400.0,
        false,
        "seconds",
    ),
    needs(
        real(
            "l1.mean_inclusion_delay",
            0.0,
            false,
            86_400.0,
            false,
            "seconds",
        ),
        "l1.min_inclusion_delay=0.0",
    ),
    non_negative("l1.going_priority_fee_gwei", "gwei"),
    needs(
        real(
            "l1.tips.spread",
            0.0,
            false,
            10.0,
            false,
            "(a standard deviation of a log)",
        ),
        "l1.tips={spread=0.5}",
    ),
    needs(
        int("l1.tips.cancel_gas", 0, 100_000_000, "gas"),
        "l1.tips={spread=0.5}",
    ),
    real(
        "demand.tps",
        0.0,
        false,
        100_000.0,
        false,
        "transactions per second",
    ),
    positive("demand.mana_mean", "mana"),
    real(
        "demand.burst.chance",
        0.0,
        false,
        1.0,
        false,
        "(a chance per epoch)",
    ),
    int("demand.burst.epochs", 1, 1_000_000, "epochs"),
    real(
        "demand.burst.multiplier",
        0.0,
        false,
        10_000.0,
        false,
        "(times demand.tps)",
    ),
    positive("demand.mana_shape", "(a gamma shape)"),
    real(
        "demand.max_congestion",
        1.0,
        false,
        INF,
        false,
        "(a multiplier)",
    ),
    real(
        "fees.l1_base_fee.start",
        0.0,
        true,
        MAX_WEI_PER_GAS,
        false,
        "wei",
    ),
    part("fees.l1_base_fee.volatility", "(per slot)"),
    part("fees.l1_base_fee.reversion", "(a part per slot)"),
    real(
        "fees.l1_base_fee.floor",
        0.0,
        true,
        MAX_WEI_PER_GAS,
        false,
        "wei",
    ),
    needs(
        non_negative("fees.l1_base_fee.jumps.per_day", "(spikes a day)"),
        "fees.l1_base_fee.jumps={per_day=1.0,mean_multiplier=2.0,mean_hours=1.0}",
    ),
    needs(
        real(
            "fees.l1_base_fee.jumps.mean_multiplier",
            1.0,
            false,
            MAX_MULTIPLIER,
            false,
            "(a multiplier)",
        ),
        "fees.l1_base_fee.jumps={per_day=1.0,mean_multiplier=2.0,mean_hours=1.0}",
    ),
    needs(
        positive("fees.l1_base_fee.jumps.mean_hours", "hours"),
        "fees.l1_base_fee.jumps={per_day=1.0,mean_multiplier=2.0,mean_hours=1.0}",
    ),
    real(
        "fees.blob_fee.start",
        0.0,
        true,
        MAX_WEI_PER_GAS,
        false,
        "wei",
    ),
    part("fees.blob_fee.volatility", "(per slot)"),
    part("fees.blob_fee.reversion", "(a part per slot)"),
    real(
        "fees.blob_fee.floor",
        0.0,
        true,
        MAX_WEI_PER_GAS,
        false,
        "wei",
    ),
    needs(
        non_negative("fees.blob_fee.jumps.per_day", "(spikes a day)"),
        "fees.blob_fee.jumps={per_day=1.0,mean_multiplier=2.0,mean_hours=1.0}",
    ),
    needs(
        real(
            "fees.blob_fee.jumps.mean_multiplier",
            1.0,
            false,
            MAX_MULTIPLIER,
            false,
            "(a multiplier)",
        ),
        "fees.blob_fee.jumps={per_day=1.0,mean_multiplier=2.0,mean_hours=1.0}",
    ),
    needs(
        positive("fees.blob_fee.jumps.mean_hours", "hours"),
        "fees.blob_fee.jumps={per_day=1.0,mean_multiplier=2.0,mean_hours=1.0}",
    ),
    int("fee_market.target_latency_s", 1, 31_536_000, "seconds"),
    int("fee_market.target_provers", 0, 100_000, "provers"),
    int("fee_market.max_step_bps", 0, 10_000, "basis points"),
    int("auction.reserve_bps", 0, 10_000, "basis points"),
    int("auction.exclusive_slots", 1, 100_000, "slots"),
    non_negative("bonded.capital_cost_per_year", "(a part of the bond)"),
    non_negative("bonded.quote_margin", "(a part of the cost)"),
    part("bonded.kickback_share", "(a part of the excess)"),
    non_negative("bonded.standby_cost_per_epoch", "tokens"),
    positive("sequencers[].stake", "(stake)"),
    part("sequencers[].miss_rate", "(a probability)"),
    positive("provers[].hardware_speedup", "(a factor)"),
    non_negative("provers[].overhead_seconds", "seconds"),
    non_negative("provers[].per_tx_seconds", "seconds"),
    non_negative("provers[].per_block_seconds", "seconds"),
    non_negative("provers[].hourly_price", "tokens per hour"),
    non_negative("provers[].fixed_cost_per_epoch", "tokens"),
    non_negative("provers[].priority_fee_gwei", "gwei"),
    positive("provers[].parallelism", "(provers in parallel)"),
    real(
        "provers[].min_margin",
        -1.0,
        true,
        INF,
        false,
        "(a part of the cost)",
    ),
    int("provers[].max_jobs", 1, 1_000, "jobs"),
    int("provers[].lookback_epochs", 1, 100_000, "epochs"),
    non_negative("provers[].capital_cost_per_epoch", "tokens"),
    non_negative("provers[].entry_cost", "tokens"),
    real(
        "provers[].discount_per_epoch",
        0.0,
        false,
        1.0,
        true,
        "(a part per epoch)",
    ),
    int("provers[].horizon_epochs", 0, 10_000, "epochs"),
    part("provers[].uptime", "(a probability)"),
    int("provers[].exit_after_losses", 1, 100_000, "epochs"),
];

/// The values at a key path with `[]` for every element of a list, and
/// their concrete paths.
fn values_at<'t>(t: &'t Table, key: &str) -> Vec<(String, &'t Value)> {
    let mut out = Vec::new();
    match key.split_once("[].") {
        Some((list, rest)) => {
            if let Some(Value::Array(a)) = t.get(list) {
                for (i, g) in a.iter().enumerate() {
                    if let Value::Table(g) = g {
                        for (k, v) in values_at(g, rest) {
                            out.push((format!("{list}[{i}].{k}"), v));
                        }
                    }
                }
            }
        }
        None => {
            let mut cur = Some(t);
            let parts: Vec<&str> = key.split('.').collect();
            for (i, p) in parts.iter().enumerate() {
                let Some(table) = cur else { break };
                match table.get(*p) {
                    Some(Value::Table(next)) if i + 1 < parts.len() => cur = Some(next),
                    Some(v) if i + 1 == parts.len() => out.push((key.to_string(), v)),
                    _ => break,
                }
            }
        }
    }
    out
}

/// Every value of the merged scenario outside its key's domain, as
/// `(key path, message)`. Keys left out take their defaults, which lie in
/// their domains; a distribution's parameters are checked by the
/// distribution.
pub fn check_domains(t: &Table) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let mut check = |key: String, d: &Domain, v: &Value| {
        if d.range.contains(v) == Some(false) {
            problems.push((
                key,
                format!("expected {}, found {}", d.range.describe(d.unit), found(v)),
            ));
        }
    };
    for d in DOMAINS {
        for (key, v) in values_at(t, d.key) {
            check(key, d, v);
        }
    }
    // A group's own keys by the domains its strategy or policy declares.
    let defaults = (ProverGroup::default(), SequencerGroup::default());
    let lists = [
        (
            "sequencers",
            "policy",
            defaults.1.policy.name(),
            policy_domains as DomainsOf,
        ),
        (
            "provers",
            "strategy",
            defaults.0.strategy.name(),
            strategy_domains,
        ),
    ];
    for (list, what, default, domains_of) in lists {
        let Some(Value::Array(groups)) = t.get(list) else {
            continue;
        };
        for (i, g) in groups.iter().enumerate() {
            let Value::Table(g) = g else { continue };
            let name = g.get(what).and_then(Value::as_str).unwrap_or(default);
            for d in domains_of(name) {
                let field = d.key.rsplit('.').next().unwrap_or(d.key);
                if let Some(v) = g.get(field) {
                    check(format!("{list}[{i}].{field}"), d, v);
                }
            }
        }
    }
    problems
}

/// The domains of a strategy's or policy's own keys, by its name.
type DomainsOf = fn(&str) -> &'static [Domain];

fn policy_domains(name: &str) -> &'static [Domain] {
    registry::policy(name).map_or(&[], |k| k.domains)
}

fn strategy_domains(name: &str) -> &'static [Domain] {
    registry::strategy(name).map_or(&[], |k| k.domains)
}

/// Every numeric key's domain: those every scenario has, then each
/// strategy's and each policy's own (a key two policies share appears once
/// for each, with what makes it apply).
pub fn all() -> impl Iterator<Item = &'static Domain> {
    let strategies = registry::STRATEGIES.iter().flat_map(|k| k.domains);
    let policies = registry::POLICIES.iter().flat_map(|k| k.domains);
    DOMAINS.iter().chain(policies).chain(strategies)
}
