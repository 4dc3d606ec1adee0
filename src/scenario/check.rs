//! The checks that serde and the domain table (`domains`) cannot make:
//! relations between keys, limits on the whole scenario, each group's
//! strategy or policy keys, and a booster that works.

use crate::protocol::Booster;

use super::Scenario;
use super::domains::{MAX_MULTIPLIER, MAX_WEI_PER_GAS, number};

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
    for (i, o) in s.observed.iter().enumerate() {
        let known = crate::metrics::flat::known(&o.metric);
        let hint = crate::metrics::flat::suggest(&o.metric)
            .map_or_else(String::new, |m| format!(" (did you mean {m:?}?)"));
        need(
            known,
            &format!("observed[{i}].metric"),
            format!("expected a summary metric, found {:?}{hint}", o.metric),
        );
        need(
            o.value.is_finite()
                && o.low.is_none_or(f64::is_finite)
                && o.high.is_none_or(f64::is_finite),
            &format!("observed[{i}].value"),
            "expected finite numbers".to_string(),
        );
        if let (Some(l), Some(h)) = (o.low, o.high) {
            need(
                l <= h,
                &format!("observed[{i}].low"),
                format!("expected at most high ({h}), found {l}"),
            );
        }
    }
    if let Some(m) = &s.migration {
        need(
            m.to != s.protocol,
            "migration.to",
            format!(
                "expected a version other than the one the scenario runs ({}), found {}",
                s.protocol.name(),
                m.to.name()
            ),
        );
        need(
            s.mechanism != crate::schema::Mechanism::BondedQuotes,
            "migration",
            "expected a design on the rollup's contracts; the bonded design has no version to migrate"
                .to_string(),
        );
    }
    let c = &s.chain;
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
        need(
            bq.prover_capital >= bq.bond,
            "bonded.prover_capital",
            format!(
                "expected at least bonded.bond ({}) so that a prover can post its bond, found {}",
                bq.bond, bq.prover_capital
            ),
        );
    }
    match s.mechanism {
        super::Mechanism::FeeMarket => {
            let f = &s.fee_market();
            need(
                f.min_reward <= f.max_reward,
                "fee_market.min_reward",
                format!(
                    "expected at most fee_market.max_reward ({}), found {}",
                    f.max_reward, f.min_reward
                ),
            );
            let r = s.rewards.checkpoint_reward;
            need(
                f.min_reward > f.max_reward || (f.min_reward..=f.max_reward).contains(&r),
                "rewards.checkpoint_reward",
                format!(
                    "expected the controller's starting reward within fee_market.min_reward ({}) \
                     and fee_market.max_reward ({}), found {r}",
                    f.min_reward, f.max_reward
                ),
            );
        }
        super::Mechanism::Auction => {
            let a = &s.auction();
            let window = c.proof_submission_epochs.saturating_mul(c.epoch_duration);
            need(
                a.exclusive_slots < window,
                "auction.exclusive_slots",
                format!(
                    "expected fewer than the proof window of proof_submission_epochs * \
                     epoch_duration ({window}) slots, so that the fallback pool has time, found {}",
                    a.exclusive_slots
                ),
            );
            need(
                a.reserve.is_none() || a.reserve_bps == 10_000,
                "auction.reserve",
                format!(
                    "expected either auction.reserve (an amount) or auction.reserve_bps (a part \
                     of the pool), found both (reserve_bps = {})",
                    a.reserve_bps
                ),
            );
        }
        _ => {}
    }
    for (name, path) in [
        ("fees.l1_base_fee", &s.fees.l1_base_fee),
        ("fees.blob_fee", &s.fees.blob_fee),
    ] {
        need(
            path.series.is_empty() || path.volatility == 0.0,
            &format!("{name}.volatility"),
            format!(
                "expected 0 with a replayed series (the series replaces the walk), found {}",
                path.volatility
            ),
        );
        if let Some(first) = path.series.first() {
            let ordered = path.series.windows(2).all(|w| w[1][0] > w[0][0]);
            let positive = path
                .series
                .iter()
                .all(|p| p[0].is_finite() && p[1] > 0.0 && p[1] <= MAX_WEI_PER_GAS);
            need(
                first[0] == 0.0 && ordered && positive,
                &format!("{name}.series"),
                format!(
                    "expected [time_s, wei] points with wei above 0 and at most {MAX_WEI_PER_GAS:e}, the first at time 0 and times increasing"
                ),
            );
        }
        for (i, spike) in path.spikes.iter().enumerate() {
            need(
                spike.multiplier > 0.0 && spike.multiplier <= MAX_MULTIPLIER && spike.epochs >= 1,
                &format!("{name}.spikes[{i}]"),
                format!(
                    "expected a multiplier above 0 and at most {MAX_MULTIPLIER:e}, and at least 1 epoch; found multiplier {} for {} epochs",
                    number(spike.multiplier),
                    spike.epochs
                ),
            );
        }
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
    let d = &s.demand;
    need(
        d.mana_mean.is_finite() && d.mana_mean > 0.0 && d.mana_mean <= 2.0 * c.mana_target as f64,
        "demand.mana_mean",
        format!(
            "expected a positive mean no larger than a block's limit (2 * mana_target = {}), found {}",
            2 * c.mana_target,
            d.mana_mean
        ),
    );
    let l1 = &s.l1;
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
    let mut sequencer_names = std::collections::BTreeSet::new();
    for (i, g) in s.sequencers.iter().enumerate() {
        let k = |f: &str| format!("sequencers[{i}].{f}");
        // Sequencers are named after their group: two groups of one name
        // would mix their rows.
        need(
            sequencer_names.insert(g.name.clone()),
            &k("name"),
            format!(
                "expected a name used by no other sequencer group, found {:?}",
                g.name
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
        need(
            !g.name.is_empty() && names.insert(g.name.clone()),
            &k("name"),
            format!(
                "expected a non-empty name used by no other group, found {:?}",
                g.name
            ),
        );
    }
    p
}
