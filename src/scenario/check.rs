//! The checks that serde cannot make: ranges, relations between keys, each
//! group's strategy or policy keys, and a booster that works.

use crate::protocol::Booster;

use super::{PolicyParams, Scenario, StrategyParams};

/// The most prover agents a scenario may have (counts and potential
/// entrants of every group), and the most sequencers: beyond them a run
/// would exhaust memory rather than answer.
pub const MAX_AGENTS: u64 = 100_000;

/// The ranges of a `[cost]` table.
pub fn check_cost(c: &crate::cost::CostConfig) -> Vec<(String, String)> {
    let mut p = Vec::new();
    for (key, v) in [
        ("cost.constraints_per_tx", Some(c.constraints_per_tx)),
        ("cost.constraints_per_block", Some(c.constraints_per_block)),
        ("cost.overhead_seconds", c.overhead_seconds),
        ("cost.per_constraint_seconds", c.per_constraint_seconds),
    ] {
        if let Some(v) = v
            && !(v.is_finite() && v >= 0.0)
        {
            p.push((
                key.to_string(),
                format!("expected a non-negative number, found {v}"),
            ));
        }
    }
    p
}

/// The checks that serde cannot make: ranges, relations between keys, and a
/// booster that works. Returns `(key path, message)` for every problem.
pub fn check(s: &Scenario) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = Vec::new();
    let mut need = |ok: bool, key: &str, msg: String| {
        if !ok {
            p.push((key.to_string(), msg));
        }
    };
    need(
        !s.name.is_empty()
            && s.name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            && !s.name.starts_with('.'),
        "name",
        format!(
            "expected a non-empty name of letters, digits, '-', '_' or '.' (it names the output folder), found {:?}",
            s.name
        ),
    );
    need(
        (1..=100_000_000).contains(&s.epochs),
        "epochs",
        format!("expected 1 to 100000000 epochs, found {}", s.epochs),
    );
    let c = &s.chain;
    for (key, v, max, unit) in [
        ("chain.slot_duration", c.slot_duration, 86_400, "seconds"),
        ("chain.epoch_duration", c.epoch_duration, 100_000, "slots"),
        (
            "chain.proof_submission_epochs",
            c.proof_submission_epochs,
            1_000,
            "epochs",
        ),
    ] {
        need(
            v <= max,
            key,
            format!("expected at most {max} {unit}, found {v}"),
        );
    }
    let provers: u64 = s
        .provers
        .iter()
        .map(|g| g.count as u64 + g.potential as u64)
        .sum();
    need(
        provers <= MAX_AGENTS,
        "provers",
        format!(
            "expected at most {MAX_AGENTS} prover agents (counts and potential entrants), found {provers}"
        ),
    );
    let sequencers: u64 = s.sequencers.iter().map(|g| g.count as u64).sum();
    need(
        sequencers <= MAX_AGENTS,
        "sequencers",
        format!("expected at most {MAX_AGENTS} sequencers, found {sequencers}"),
    );
    need(
        s.demand.tps <= 100_000.0,
        "demand.tps",
        format!(
            "expected at most 100000 transactions per second, found {}",
            s.demand.tps
        ),
    );
    for (key, v) in [
        ("chain.slot_duration", c.slot_duration),
        ("chain.epoch_duration", c.epoch_duration),
        ("chain.proof_submission_epochs", c.proof_submission_epochs),
        ("chain.mana_target", c.mana_target),
        ("l1.block_time", s.l1.block_time),
        ("governance.round_size", s.governance.round_size),
    ] {
        need(
            v >= 1,
            key,
            format!("expected a positive integer, found {v}"),
        );
    }
    need(
        s.rewards.sequencer_bps <= 10_000,
        "rewards.sequencer_bps",
        format!(
            "expected at most 10000 (basis points), found {}",
            s.rewards.sequencer_bps
        ),
    );
    match s.booster.to_config() {
        Err((key, msg)) => need(false, &format!("booster.{key}"), msg),
        Ok(config) => {
            if let Err(e) = Booster::new(config) {
                need(
                    false,
                    &format!("booster.{}", e.key(&config.rule)),
                    e.to_string(),
                );
            }
        }
    }
    // The bonded design's constants matter only when it runs.
    if s.mechanism == super::Mechanism::BondedQuotes {
        let bq = &s.bonded;
        need(
            bq.quote_slots >= 1 && bq.quote_slots < c.epoch_duration.max(2),
            "bonded.quote_slots",
            format!(
                "expected at least 1 and fewer than epoch_duration ({}), found {}",
                c.epoch_duration, bq.quote_slots
            ),
        );
        for (key, v) in [
            ("bonded.capital_cost_per_year", bq.capital_cost_per_year),
            ("bonded.quote_margin", bq.quote_margin),
        ] {
            need(
                v.is_finite() && v >= 0.0,
                key,
                format!("expected a non-negative number, found {v}"),
            );
        }
        need(
            (0.0..=1.0).contains(&bq.kickback_share),
            "bonded.kickback_share",
            format!(
                "expected a part between 0 and 1, found {}",
                bq.kickback_share
            ),
        );
    }
    let g = &s.governance;
    need(
        g.quorum * 2 > g.round_size && g.quorum <= g.round_size,
        "governance.quorum",
        format!(
            "expected more than half of round_size ({}) and at most round_size, found {}",
            g.round_size, g.quorum
        ),
    );
    for (key, path) in [
        ("fees.l1_base_fee", &s.fees.l1_base_fee),
        ("fees.blob_fee", &s.fees.blob_fee),
    ] {
        need(
            path.start.is_finite() && path.start > 0.0,
            &format!("{key}.start"),
            format!("expected a positive price in wei, found {}", path.start),
        );
        need(
            path.volatility.is_finite() && path.volatility >= 0.0,
            &format!("{key}.volatility"),
            format!("expected a non-negative number, found {}", path.volatility),
        );
        need(
            (0.0..=1.0).contains(&path.reversion),
            &format!("{key}.reversion"),
            format!(
                "expected a number between 0 and 1, found {}",
                path.reversion
            ),
        );
        need(
            path.floor.is_finite() && path.floor > 0.0,
            &format!("{key}.floor"),
            format!("expected a positive price in wei, found {}", path.floor),
        );
    }
    let d = &s.demand;
    need(
        d.tps.is_finite() && d.tps >= 0.0,
        "demand.tps",
        format!("expected a non-negative rate, found {}", d.tps),
    );
    need(
        d.mana_mean.is_finite() && d.mana_mean > 0.0 && d.mana_mean <= 2.0 * c.mana_target as f64,
        "demand.mana_mean",
        format!(
            "expected a positive mean no larger than a block's limit (2 * mana_target = {}), found {}",
            2 * c.mana_target,
            d.mana_mean
        ),
    );
    need(
        d.max_congestion.is_finite() && d.max_congestion >= 1.0,
        "demand.max_congestion",
        format!(
            "expected a multiplier of at least 1, found {}",
            d.max_congestion
        ),
    );
    need(
        d.mana_shape.is_finite() && d.mana_shape > 0.0,
        "demand.mana_shape",
        format!("expected a positive shape, found {}", d.mana_shape),
    );
    let l1 = &s.l1;
    need(
        l1.min_inclusion_delay.is_finite() && l1.min_inclusion_delay >= 0.0,
        "l1.min_inclusion_delay",
        format!(
            "expected a non-negative number of seconds, found {}",
            l1.min_inclusion_delay
        ),
    );
    need(
        l1.mean_inclusion_delay.is_finite() && l1.mean_inclusion_delay >= l1.min_inclusion_delay,
        "l1.mean_inclusion_delay",
        format!(
            "expected at least min_inclusion_delay ({}), found {}",
            l1.min_inclusion_delay, l1.mean_inclusion_delay
        ),
    );
    need(
        !s.sequencers.is_empty() && s.sequencers.iter().map(|g| g.count as u64).sum::<u64>() >= 1,
        "sequencers",
        "expected at least one sequencer".into(),
    );
    for (i, g) in s.sequencers.iter().enumerate() {
        let k = |f: &str| format!("sequencers[{i}].{f}");
        let own = g.policy.keys();
        for key in g.policy_keys_set() {
            need(
                own.contains(&key),
                &k(key),
                super::strategy::foreign_key_message("policy", g.policy.name(), own),
            );
        }
        check_policy(&g.params(), &k, &mut need);
        need(
            g.stake.is_finite() && g.stake > 0.0,
            &k("stake"),
            format!("expected a positive stake, found {}", g.stake),
        );
        need(
            (0.0..=1.0).contains(&g.miss_rate),
            &k("miss_rate"),
            format!(
                "expected a probability between 0 and 1, found {}",
                g.miss_rate
            ),
        );
    }
    let mut names = std::collections::BTreeSet::new();
    for (i, g) in s.provers.iter().enumerate() {
        let k = |f: &str| format!("provers[{i}].{f}");
        for (key, d) in &g.vary {
            if !super::dist::VARIABLE_KEYS.contains(&key.as_str()) {
                need(
                    false,
                    &k(key),
                    format!(
                        "cannot be a distribution; keys that can: {}",
                        super::dist::VARIABLE_KEYS.join(", ")
                    ),
                );
            } else if let Some((f, m)) = d.problem() {
                need(false, &k(&format!("{key}.{f}")), m);
            }
        }
        let own = g.strategy.keys();
        for key in g.strategy_keys_set() {
            need(
                own.contains(&key),
                &k(key),
                super::strategy::foreign_key_message("strategy", g.strategy.name(), own),
            );
        }
        check_strategy(&g.params(), &k, &mut need);
        need(
            !g.name.is_empty() && names.insert(g.name.clone()),
            &k("name"),
            format!(
                "expected a non-empty name used by no other group, found {:?}",
                g.name
            ),
        );
        need(
            g.hardware_speedup.is_finite() && g.hardware_speedup > 0.0,
            &k("hardware_speedup"),
            format!("expected a positive number, found {}", g.hardware_speedup),
        );
        for (f, v) in [
            ("overhead_seconds", g.overhead_seconds),
            ("per_tx_seconds", g.per_tx_seconds),
            ("per_block_seconds", g.per_block_seconds),
            ("hourly_price", g.hourly_price),
            ("fixed_cost_per_epoch", g.fixed_cost_per_epoch),
            ("priority_fee_gwei", g.priority_fee_gwei),
        ] {
            need(
                v.is_finite() && v >= 0.0,
                &k(f),
                format!("expected a non-negative number, found {v}"),
            );
        }
        need(
            g.parallelism.is_finite() && g.parallelism > 0.0,
            &k("parallelism"),
            format!("expected a positive number, found {}", g.parallelism),
        );
        need(
            g.min_margin.is_finite() && g.min_margin > -1.0,
            &k("min_margin"),
            format!("expected a number above -1, found {}", g.min_margin),
        );
        need(
            g.max_jobs >= 1,
            &k("max_jobs"),
            "expected at least 1, found 0".into(),
        );
        need(
            g.lookback_epochs >= 1,
            &k("lookback_epochs"),
            "expected at least 1, found 0".into(),
        );
        for (f, v) in [
            ("capital_cost_per_epoch", g.capital_cost_per_epoch),
            ("entry_cost", g.entry_cost),
        ] {
            need(
                v.is_finite() && v >= 0.0,
                &k(f),
                format!("expected a non-negative number of tokens, found {v}"),
            );
        }
        need(
            g.discount_per_epoch.is_finite() && (0.0..1.0).contains(&g.discount_per_epoch),
            &k("discount_per_epoch"),
            format!(
                "expected a part from 0 up to (not including) 1, found {}",
                g.discount_per_epoch
            ),
        );
        need(
            g.horizon_epochs <= 10_000,
            &k("horizon_epochs"),
            format!("expected at most 10000 epochs, found {}", g.horizon_epochs),
        );
        need(
            (0.0..=1.0).contains(&g.uptime),
            &k("uptime"),
            format!("expected a probability between 0 and 1, found {}", g.uptime),
        );
        need(
            g.exit_after_losses >= 1,
            &k("exit_after_losses"),
            "expected at least 1, found 0".into(),
        );
    }
    p
}

/// Ranges of a strategy's own keys.
fn check_strategy(
    params: &StrategyParams,
    k: &dyn Fn(&str) -> String,
    need: &mut dyn FnMut(bool, &str, String),
) {
    let non_negative = |v: f64| v.is_finite() && v >= 0.0;
    match *params {
        StrategyParams::Partial(p) => need(
            p.prefix_every_slots >= 1,
            &k("prefix_every_slots"),
            "expected at least 1 slot, found 0".into(),
        ),
        StrategyParams::Supersede(p) | StrategyParams::Late(p) => need(
            p.hold_slots >= 1,
            &k("hold_slots"),
            "expected at least 1 slot, found 0".into(),
        ),
        StrategyParams::Copy(p) => need(
            non_negative(p.copy_fee_bump_gwei),
            &k("copy_fee_bump_gwei"),
            format!(
                "expected a non-negative number, found {}",
                p.copy_fee_bump_gwei
            ),
        ),
        StrategyParams::Sybil(p) => {
            need(
                (1..=1000).contains(&p.identities),
                &k("identities"),
                format!("expected 1 to 1000 identities, found {}", p.identities),
            );
            need(
                non_negative(p.extra_identity_cost),
                &k("extra_identity_cost"),
                format!(
                    "expected a non-negative number, found {}",
                    p.extra_identity_cost
                ),
            );
        }
        StrategyParams::Bridger(p) => {
            need(
                p.bridges_per_hour <= 100_000.0,
                &k("bridges_per_hour"),
                format!(
                    "expected at most 100000 bridging transactions per hour, found {}",
                    p.bridges_per_hour
                ),
            );
            for (f, v) in [
                ("bridges_per_hour", p.bridges_per_hour),
                ("bridge_value", p.bridge_value),
                ("wait_cost_per_hour", p.wait_cost_per_hour),
            ] {
                need(
                    non_negative(v),
                    &k(f),
                    format!("expected a non-negative number, found {v}"),
                );
            }
        }
        StrategyParams::Honest | StrategyParams::Strike(_) => {}
    }
}

/// Ranges of a voting policy's own keys.
fn check_policy(
    params: &PolicyParams,
    k: &dyn Fn(&str) -> String,
    need: &mut dyn FnMut(bool, &str, String),
) {
    let change = |need: &mut dyn FnMut(bool, &str, String), v: f64| {
        need(
            v.is_finite() && v > 0.0 && v < 100.0,
            &k("change_pct"),
            format!("expected a percentage above 0 and below 100, found {v}"),
        )
    };
    match *params {
        PolicyParams::Liveness(p) => {
            need(
                p.max_latency_s.is_finite() && p.max_latency_s >= 0.0,
                &k("max_latency_s"),
                format!(
                    "expected a non-negative number of seconds, found {}",
                    p.max_latency_s
                ),
            );
            change(need, p.change_pct);
        }
        PolicyParams::Profit(p) => {
            need(
                p.max_margin.is_finite() && p.max_margin > -1.0,
                &k("max_margin"),
                format!("expected a number above -1, found {}", p.max_margin),
            );
            need(
                p.reference_cost.is_finite() && p.reference_cost > 0.0,
                &k("reference_cost"),
                format!(
                    "expected a positive number of tokens, found {}",
                    p.reference_cost
                ),
            );
            change(need, p.change_pct);
        }
        PolicyParams::Static | PolicyParams::Cartel(_) => {}
    }
}
