//! The one table of every numeric scenario key's domain: its type, its
//! range (every real is finite), and its unit. It is enforced on the merged
//! scenario, so on files, bases and `--set` alike; a test tries each key at
//! its bounds and just past them. Relations between keys (a quorum against
//! its round, a mean against a minimum: `l1.mean_inclusion_delay`) are
//! checked in `check`.

use toml::{Table, Value};

/// A key's range.
#[derive(Copy, Clone, Debug, PartialEq)]
pub enum Range {
    /// An integer from `min` to `max`, both included.
    Int(i64, i64),
    /// A finite real from `min` to `max`; `open` ends are excluded.
    Real {
        /// The lower end.
        min: f64,
        /// Whether the lower end is excluded.
        min_open: bool,
        /// The upper end (infinite: none).
        max: f64,
        /// Whether the upper end is excluded.
        max_open: bool,
    },
}

/// One key's domain.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Domain {
    /// The key path; `[]` stands for every group of a list.
    pub key: &'static str,
    /// Its range.
    pub range: Range,
    /// Its unit, for messages.
    pub unit: &'static str,
    /// What this key needs to apply (a group's strategy or policy, or the
    /// table it belongs to), as a `--set` override
    /// (`provers.0.strategy=supersede`).
    pub needs: Option<&'static str>,
}

const INF: f64 = f64::INFINITY;

/// The highest L1 price a scenario may start from or floor at, wei per gas:
/// a million gwei, a thousand times any price L1 has seen, and low enough
/// that every fee computed from it fits the integers it is settled in.
pub const MAX_WEI_PER_GAS: f64 = 1e15;

/// The largest multiplier of an L1 price spike.
pub const MAX_MULTIPLIER: f64 = 1e6;

const fn int(key: &'static str, min: i64, max: i64, unit: &'static str) -> Domain {
    Domain {
        key,
        range: Range::Int(min, max),
        unit,
        needs: None,
    }
}

const fn real(
    key: &'static str,
    min: f64,
    min_open: bool,
    max: f64,
    max_open: bool,
    unit: &'static str,
) -> Domain {
    Domain {
        key,
        range: Range::Real {
            min,
            min_open,
            max,
            max_open,
        },
        unit,
        needs: None,
    }
}

/// A non-negative finite real.
const fn non_negative(key: &'static str, unit: &'static str) -> Domain {
    real(key, 0.0, false, INF, false, unit)
}

/// A positive finite real.
const fn positive(key: &'static str, unit: &'static str) -> Domain {
    real(key, 0.0, true, INF, false, unit)
}

/// A part from 0 to 1.
const fn part(key: &'static str, unit: &'static str) -> Domain {
    real(key, 0.0, false, 1.0, false, unit)
}

const fn needs(mut d: Domain, context: &'static str) -> Domain {
    d.needs = Some(context);
    d
}

/// Every numeric key's domain.
pub const DOMAINS: &[Domain] = &[
    int("epochs", 1, 100_000_000, "epochs"),
    int("chain.slot_duration", 1, 86_400, "seconds"),
    int("chain.epoch_duration", 1, 100_000, "slots"),
    int("chain.proof_submission_epochs", 1, 1_000, "epochs"),
    int("chain.mana_target", 1, i64::MAX, "mana"),
    int("rewards.sequencer_bps", 0, 10_000, "basis points"),
    int("governance.round_size", 1, i64::MAX, "slots"),
    int("l1.block_time", 1, 3_600, "seconds"),
    non_negative("l1.min_inclusion_delay", "seconds"),
    non_negative("l1.going_priority_fee_gwei", "gwei"),
    real(
        "demand.tps",
        0.0,
        false,
        100_000.0,
        false,
        "transactions per second",
    ),
    positive("demand.mana_mean", "mana"),
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
    non_negative("bonded.capital_cost_per_year", "(a part of the bond)"),
    non_negative("bonded.quote_margin", "(a part of the cost)"),
    part("bonded.kickback_share", "(a part of the excess)"),
    positive("sequencers[].stake", "(stake)"),
    part("sequencers[].miss_rate", "(a probability)"),
    needs(
        non_negative("sequencers[].max_latency_s", "seconds"),
        "sequencers.0.policy=liveness",
    ),
    needs(
        int("sequencers[].top_up_epochs", 1, 1_000_000, "epochs"),
        "sequencers.0.policy=liveness",
    ),
    needs(
        positive(
            "sequencers[].max_inflation",
            "(a part of the supply per year)",
        ),
        "sequencers.0.policy=liveness",
    ),
    needs(
        real("sequencers[].max_hhi", 0.0, true, 1.0, false, "(an HHI)"),
        "sequencers.0.policy=open_market",
    ),
    needs(
        int("sequencers[].ramp_epochs", 1, 1_000_000, "epochs"),
        "sequencers.0.policy=open_market",
    ),
    needs(
        real("sequencers[].change_pct", 0.0, true, 100.0, true, "percent"),
        "sequencers.0.policy=liveness",
    ),
    needs(
        real(
            "sequencers[].max_margin",
            -1.0,
            true,
            INF,
            false,
            "(a part of the cost)",
        ),
        "sequencers.0.policy=profit",
    ),
    needs(
        positive("sequencers[].reference_cost", "tokens"),
        "sequencers.0.policy=profit",
    ),
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
    needs(
        int("provers[].prefix_every_slots", 1, 100_000, "slots"),
        "provers.0.strategy=partial",
    ),
    needs(
        non_negative("provers[].copy_fee_bump_gwei", "gwei"),
        "provers.0.strategy=copy",
    ),
    needs(
        int("provers[].identities", 1, 1_000, "identities"),
        "provers.0.strategy=sybil",
    ),
    needs(
        non_negative("provers[].extra_identity_cost", "tokens"),
        "provers.0.strategy=sybil",
    ),
    needs(
        real(
            "provers[].bridges_per_hour",
            0.0,
            false,
            100_000.0,
            false,
            "per hour",
        ),
        "provers.0.strategy=bridger",
    ),
    needs(
        non_negative("provers[].bridge_value", "tokens"),
        "provers.0.strategy=bridger",
    ),
    needs(
        non_negative("provers[].wait_cost_per_hour", "tokens per hour"),
        "provers.0.strategy=bridger",
    ),
];

/// A bound or a value in a message: in full, unless it is so large or so
/// small that scientific notation reads better (and stays short).
pub(crate) fn number(x: f64) -> String {
    if !x.is_finite() {
        // As TOML spells them.
        return toml::Value::Float(x).to_string();
    }
    if scientific(x) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Whether a finite number reads better in scientific notation.
fn scientific(x: f64) -> bool {
    x != 0.0 && (x.abs() >= 1e15 || x.abs() < 1e-9)
}

/// A value found in a file, as a message shows it (as TOML writes it, but
/// for numbers that read better in scientific notation).
fn found(v: &Value) -> String {
    match v {
        Value::Float(x) if scientific(*x) && x.is_finite() => number(*x),
        other => other.to_string(),
    }
}

impl Range {
    /// The range in words.
    pub fn describe(&self, unit: &str) -> String {
        let unit = if unit.is_empty() {
            String::new()
        } else {
            format!(" {unit}")
        };
        match *self {
            Range::Int(min, i64::MAX) => format!("an integer of at least {min}{unit}"),
            Range::Int(min, max) => format!("an integer from {min} to {max}{unit}"),
            Range::Real {
                min,
                min_open,
                max,
                max_open,
            } => {
                let (min, max) = (number(min), number(max));
                match (min_open, max == "inf", max_open) {
                    (false, true, _) => format!("a number of at least {min}{unit}"),
                    (true, true, _) => format!("a number above {min}{unit}"),
                    (false, false, false) => format!("a number from {min} to {max}{unit}"),
                    (true, false, true) => format!("a number above {min} and below {max}{unit}"),
                    (false, false, true) => {
                        format!("a number from {min} up to (not including) {max}{unit}")
                    }
                    (true, false, false) => format!("a number above {min} and at most {max}{unit}"),
                }
            }
        }
    }

    /// Whether `v` lies in the range (`None`: not a number, which the
    /// schema reports).
    pub fn contains(&self, v: &Value) -> Option<bool> {
        match (*self, v) {
            (Range::Int(min, max), Value::Integer(i)) => Some((min..=max).contains(i)),
            (Range::Int(..), _) => None,
            (r @ Range::Real { .. }, Value::Integer(i)) => r.contains(&Value::Float(*i as f64)),
            (
                Range::Real {
                    min,
                    min_open,
                    max,
                    max_open,
                },
                Value::Float(x),
            ) => Some(
                x.is_finite()
                    && if min_open { *x > min } else { *x >= min }
                    && if max_open { *x < max } else { *x <= max },
            ),
            _ => None,
        }
    }
}

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
    for d in DOMAINS {
        for (key, v) in values_at(t, d.key) {
            if d.range.contains(v) == Some(false) {
                problems.push((
                    key,
                    format!("expected {}, found {}", d.range.describe(d.unit), found(v)),
                ));
            }
        }
    }
    problems
}
