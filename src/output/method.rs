//! The method section of a report, from the scenario's own values: the
//! design and its rules, the protocol version, rewards and demand, every
//! group of sequencers and provers with each value as the group gives it
//! (a number, or the distribution its agents draw from), and where the
//! proving times come from.

use std::fmt::Write as _;

use crate::schema::dist::Dist;
use crate::schema::{ProverGroup, Scenario};

/// Keys the provers' line shows in place (drawn or not).
const SHOWN: [&str; 7] = [
    "overhead_seconds",
    "per_tx_seconds",
    "per_block_seconds",
    "parallelism",
    "hourly_price",
    "fixed_cost_per_epoch",
    "uptime",
];

/// A group's value of `key`: the number, or the distribution its agents
/// draw it from.
fn drawn(g: &ProverGroup, key: &str, value: f64, decimals: usize) -> String {
    match g.vary.get(key) {
        Some(d) => describe(d),
        None => format!("{value:.decimals$}"),
    }
}

/// A distribution in words, its parameters as short as they are exact
/// enough.
fn describe(d: &Dist) -> String {
    let n = super::plot::format_value;
    match *d {
        Dist::Lognormal { median, sigma } => {
            format!(
                "a lognormal (median {}, σ of the log {})",
                n(median),
                n(sigma)
            )
        }
        Dist::Uniform { min, max } => format!("a uniform from {} to {}", n(min), n(max)),
        Dist::Normal { mean, sd, min } => match min {
            Some(lo) => format!(
                "a normal (mean {}, sd {}, at least {})",
                n(mean),
                n(sd),
                n(lo)
            ),
            None => format!("a normal (mean {}, sd {})", n(mean), n(sd)),
        },
    }
}

/// The method section, generated from the scenario.
pub fn method(sc: &Scenario) -> String {
    let c = &sc.chain;
    let days = sc.epochs as f64 * c.epoch_duration as f64 * c.slot_duration as f64
        / crate::base::units::SECONDS_PER_DAY;
    let mut m = String::new();
    if sc.mechanism == crate::schema::Mechanism::BondedQuotes {
        let q = &sc.bonded;
        let _ = writeln!(
            m,
            "The run simulated {} epochs of {} slots of {} s ({days:.1} days) under the previous design: provers post a bond of {:.0} tokens; \
             at the end of each epoch every bonded prover quotes a fee, and in each of the first {} slots of the next epoch its proposer may accept one \
             (honest proposers the lowest, colluding ones the quote that pays them most); the accepted prover must prove the epoch by the end of the next \
             or lose its bond; an epoch with no accepted quote is pruned. Bridgers wait for the whole epoch's proof. Rewards, fees and books are settled \
             in integers by the exact rules.",
            sc.epochs,
            c.epoch_duration,
            c.slot_duration,
            q.bond as f64 / 1e18,
            q.quote_slots
        );
    } else {
        let _ = writeln!(
            m,
            "The run simulated {} epochs of {} slots of {} s ({days:.1} days), with proofs of an epoch accepted during it and the {} epoch(s) after it. \
             Every epoch was settled by the exact rules of the permissionless design in integers: supersession (only the longest proof is paid), \
             the consistency booster, the sequencers' share of the checkpoint reward, the prover and protocol fees per block, dust, and pruning of \
             unproven blocks when their window closes.",
            sc.epochs, c.epoch_duration, c.slot_duration, c.proof_submission_epochs
        );
        let _ = match sc.mechanism {
            crate::schema::Mechanism::FeeMarket => {
                let f = &sc.fee_market();
                writeln!(
                    m,
                    "\nUnder the fee market, governance did not set the reward: after each epoch settled, a controller moved the checkpoint reward \
                     by at most {} basis points toward a whole proof {} s after the epoch's end and at least {} paid provers (up in proportion \
                     to the delay, by the whole step for an epoch not proven whole; down in proportion to the earliness when enough provers \
                     were paid), within {:.1} and {:.1} tokens (docs/model.md section 14).",
                    f.max_step_bps,
                    f.target_latency_s,
                    f.target_provers,
                    f.min_reward as f64 / 1e18,
                    f.max_reward as f64 / 1e18
                )
            }
            crate::schema::Mechanism::Auction => {
                let a = &sc.auction();
                let reserve = match a.reserve {
                    Some(r) => format!("{:.1} tokens (at most the pool)", r as f64 / 1e18),
                    None => format!(
                        "{:.2}% of the epoch's prover pool",
                        a.reserve_bps as f64 / 100.0
                    ),
                };
                writeln!(
                    m,
                    "\nUnder the auction, at the end of each epoch every active prover could post a sealed bid for proving it whole (its cost, its \
                     chance of failing times the bond, and what it would expect from the fallback pool); bids above the reserve, {reserve}, were void. \
                     The lowest bid won the exclusive right to prove the epoch for {} slots and was paid the second-lowest bid (the reserve when it \
                     bid alone), the rest of the pool going back to the distributor; a winner whose proof missed the window lost its bond of {:.0} \
                     tokens, and the epoch opened to anyone under the permissionless rules with the whole pool. No proof of an epoch was accepted \
                     before its auction, so bridgers waited for the whole epoch (docs/model.md section 14).",
                    a.exclusive_slots,
                    a.bond as f64 / 1e18
                )
            }
            _ => Ok(()),
        };
    }
    let b = &sc.booster;
    let rule = match b.to_config().map(|c| c.rule) {
        _ if sc.mechanism == crate::schema::Mechanism::BondedQuotes => {
            "none (the previous design pays the accepted prover its quote)".to_string()
        }
        Ok(crate::protocol::Rule::Flat) => "flat (one share each)".to_string(),
        Ok(crate::protocol::Rule::Quadratic(q)) => format!(
            "quadratic (increment {}, max score {}, a {}, minimum {}, k {}, decay {} per epoch)",
            q.increment, q.max_score, q.a, q.minimum, q.k, q.decay_per_epoch
        ),
        Ok(crate::protocol::Rule::Exponential(x)) => format!(
            "exponential (streak up to {}, base {}, growth {}× per step, {} decay)",
            x.max_streak,
            x.base,
            x.growth_ppm as f64 / 1e6,
            x.decay.name()
        ),
        Err(_) => "invalid".into(),
    };
    let overrides = if sc.protocol_overrides.is_empty() {
        "none".to_string()
    } else {
        sc.protocol_overrides
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        m,
        "\nRules: protocol {} (docs/model.md section 12); keys set apart from its defaults: {overrides}.",
        sc.protocol.name()
    );
    let _ = writeln!(
        m,
        "\nRewards: {:.1} tokens minted per proven block, {}% of it to the block's proposer; the booster: {rule}, scoring on {}. \
         Transactions arrive as a Poisson process at {} per second with gamma-distributed mana (mean {}); fees per mana follow the rollup's fee \
         library from L1 prices (base fee {:.2} gwei to start, volatility {} per slot).",
        sc.rewards.checkpoint_reward as f64 / 1e18,
        sc.rewards.sequencer_bps as f64 / 100.0,
        match b.score_on {
            crate::schema::ScoreOnName::AnyProof => "every accepted proof",
            crate::schema::ScoreOnName::FullEpoch => "full-epoch proofs only",
        },
        sc.demand.tps,
        sc.demand.mana_mean,
        sc.fees.l1_base_fee.start / 1e9,
        sc.fees.l1_base_fee.volatility
    );
    let _ = writeln!(m, "\nSequencers:");
    for g in &sc.sequencers {
        let _ = writeln!(
            m,
            "- {} × `{}` (stake {} each, missing {:.1}% of slots), voting `{}`",
            g.count,
            g.name,
            g.stake,
            100.0 * g.miss_rate,
            g.policy.name()
        );
    }
    let _ = writeln!(m, "\nProvers:");
    for g in &sc.provers {
        let _ = writeln!(
            m,
            "- {} × `{}` playing `{}`{}{}: a proof takes {} s + {} s per transaction{} over {} in parallel, at {} tokens per hour plus {} per epoch; up {} of epochs",
            g.count,
            g.name,
            g.strategy.name(),
            if g.potential > 0 {
                format!(", {} more may enter", g.potential)
            } else {
                String::new()
            },
            if g.start_epoch > 0 {
                format!(", from epoch {}", g.start_epoch)
            } else {
                String::new()
            },
            drawn(g, "overhead_seconds", g.overhead_seconds, 0),
            drawn(g, "per_tx_seconds", g.per_tx_seconds, 3),
            if g.per_block_seconds > 0.0 || g.vary.contains_key("per_block_seconds") {
                format!(
                    " + {} s per block",
                    drawn(g, "per_block_seconds", g.per_block_seconds, 1)
                )
            } else {
                String::new()
            },
            drawn(g, "parallelism", g.parallelism, 0),
            drawn(g, "hourly_price", g.hourly_price, 1),
            drawn(g, "fixed_cost_per_epoch", g.fixed_cost_per_epoch, 1),
            match g.vary.get("uptime") {
                Some(d) => format!("a share drawn from {}", describe(d)),
                None => format!("{:.0}%", 100.0 * g.uptime),
            }
        );
        // Every other key the group draws per agent.
        for (key, d) in &g.vary {
            if !SHOWN.contains(&key.as_str()) {
                let _ = writeln!(m, "  - `{key}` drawn per agent from {}", describe(d));
            }
        }
    }
    if let Some(cost) = &sc.cost {
        let fit = match (cost.overhead_seconds, cost.per_constraint_seconds) {
            (Some(o), Some(p)) => format!(": {o:.3} s per proof plus {p:.3e} s per constraint"),
            _ => String::new(),
        };
        let file = cost
            .calibration
            .as_ref()
            .map_or(String::new(), |f| format!(" (`{f}`)"));
        let _ = writeln!(
            m,
            "\nProving times are calibrated, by the fit of a Groth16 prover timed at several sizes{file}{fit} (`proversim calibrate`), at {} constraints per transaction and {} per block, divided by each group's hardware speed-up.",
            cost.constraints_per_tx, cost.constraints_per_block
        );
    }
    let _ = writeln!(
        m,
        "\nProof submissions are L1 transactions with an inclusion delay of at least {} s (mean {} s); an L1 block orders them by priority fee. \
         Governance rounds last {} slots, a payload needs {} signals and executes {} s after its round.",
        sc.l1.min_inclusion_delay,
        sc.l1.mean_inclusion_delay,
        sc.governance.round_size,
        sc.governance.quorum,
        sc.governance.execution_delay
    );
    m
}
