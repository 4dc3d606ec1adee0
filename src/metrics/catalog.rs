//! The one list of a run's headline metrics: each metric's key (its column
//! in `sweep.parquet` and its place in `summary.json`), its label for
//! people, its unit, and how to read it from a [`Summary`]. Sweeps, reports
//! and the terminal summary all read this list.

use super::Summary;

/// How a metric is counted and shown.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A whole number of things.
    Count,
    /// A part of a whole, 0..1 (shown as a percentage).
    Share,
    /// A plain number (an index, a mean count).
    Number,
    /// Tokens.
    Tokens,
    /// Seconds.
    Seconds,
}

/// One headline metric.
pub struct Metric {
    /// Its key: the sweep column, and its path in `summary.json` joined by
    /// dots where it is nested.
    pub key: &'static str,
    /// Its path in `summary.json`.
    pub json: &'static [&'static str],
    /// What it is, for people.
    pub label: &'static str,
    /// Its unit.
    pub unit: Unit,
    /// Its value in a summary (`None`: not defined for this run).
    pub of: fn(&Summary) -> Option<f64>,
    /// Whether the terminal shows it only when it is not 0 (figures of
    /// one design or one kind of agent).
    pub quiet_when_zero: bool,
}

impl Metric {
    /// Whether it is a figure of one design (it lives under that design's
    /// table of the summary), undefined in runs of the others.
    pub fn design_figure(&self) -> bool {
        matches!(self.json.first(), Some(&("fee_market" | "auction")))
    }

    /// The label with its unit, for table headings.
    pub fn heading(&self) -> String {
        match self.unit {
            Unit::Tokens => format!("{} (tokens)", self.label),
            Unit::Seconds => format!("{} (s)", self.label),
            _ => self.label.to_string(),
        }
    }

    /// The value formatted for the terminal.
    pub fn show(&self, v: Option<f64>) -> String {
        let Some(v) = v else {
            return "-".into();
        };
        use crate::base::units::grouped;
        match self.unit {
            Unit::Count if v.fract() == 0.0 => grouped(v, 0),
            Unit::Count => grouped(v, 2),
            Unit::Share => format!("{:.2}%", 100.0 * v),
            Unit::Number if v.abs() >= 10.0 => grouped(v, 2),
            Unit::Number => format!("{v:.4}"),
            Unit::Tokens if v.abs() < 10.0 => format!("{v:.4} tokens"),
            Unit::Tokens => format!("{} tokens", grouped(v, 1)),
            // Past ten minutes, minutes read better.
            Unit::Seconds if v.abs() >= 600.0 => format!("{:.1} min", v / 60.0),
            Unit::Seconds => format!("{v:.0} s"),
        }
    }
}

/// Every headline metric, in the order tables show them.
pub const METRICS: &[Metric] = &[
    Metric {
        key: "liveness",
        json: &["liveness"],
        label: "liveness (blocks proven / built)",
        unit: Unit::Share,
        of: |s| Some(s.liveness),
        quiet_when_zero: false,
    },
    Metric {
        key: "blocks_built",
        json: &["blocks_built"],
        label: "blocks built",
        unit: Unit::Count,
        of: |s| Some(s.blocks_built as f64),
        quiet_when_zero: false,
    },
    Metric {
        key: "blocks_pruned",
        json: &["blocks_pruned"],
        label: "blocks pruned",
        unit: Unit::Count,
        of: |s| Some(s.blocks_pruned as f64),
        quiet_when_zero: false,
    },
    Metric {
        key: "prunes",
        json: &["prunes"],
        label: "prunes",
        unit: Unit::Count,
        of: |s| Some(s.prunes as f64),
        quiet_when_zero: false,
    },
    Metric {
        key: "active_provers_mean",
        json: &["active_provers", "mean"],
        label: "active provers, mean",
        unit: Unit::Number,
        of: |s| Some(s.active_provers.mean),
        quiet_when_zero: false,
    },
    Metric {
        key: "active_provers_mean_second_half",
        json: &["active_provers", "mean_second_half"],
        label: "active provers, mean of the second half",
        unit: Unit::Number,
        of: |s| Some(s.active_provers.mean_second_half),
        quiet_when_zero: false,
    },
    Metric {
        key: "active_provers_last",
        json: &["active_provers", "last"],
        label: "active provers at the end",
        unit: Unit::Count,
        of: |s| Some(s.active_provers.last as f64),
        quiet_when_zero: false,
    },
    Metric {
        key: "reward_hhi",
        json: &["reward_hhi"],
        label: "reward concentration (HHI)",
        unit: Unit::Number,
        of: |s| Some(s.reward_hhi),
        quiet_when_zero: false,
    },
    Metric {
        key: "top1_share",
        json: &["top1_share"],
        label: "top prover's share of rewards",
        unit: Unit::Share,
        of: |s| Some(s.top1_share),
        quiet_when_zero: false,
    },
    Metric {
        key: "reward_hhi_by_owner",
        json: &["reward_hhi_by_owner"],
        label: "reward concentration per owner (HHI)",
        unit: Unit::Number,
        of: |s| Some(s.reward_hhi_by_owner),
        quiet_when_zero: false,
    },
    Metric {
        key: "top1_share_by_owner",
        json: &["top1_share_by_owner"],
        label: "top owner's share of rewards",
        unit: Unit::Share,
        of: |s| Some(s.top1_share_by_owner),
        quiet_when_zero: false,
    },
    Metric {
        key: "cost_per_proven_tx",
        json: &["cost_per_proven_tx"],
        label: "prover cost per proven transaction",
        unit: Unit::Tokens,
        of: |s| s.cost_per_proven_tx,
        quiet_when_zero: false,
    },
    Metric {
        key: "prover_rewards",
        json: &["prover_rewards"],
        label: "prover rewards",
        unit: Unit::Tokens,
        of: |s| Some(s.prover_rewards),
        quiet_when_zero: false,
    },
    Metric {
        key: "prover_costs",
        json: &["prover_costs"],
        label: "prover costs",
        unit: Unit::Tokens,
        of: |s| Some(s.prover_costs),
        quiet_when_zero: false,
    },
    Metric {
        key: "prover_profit",
        json: &["prover_profit"],
        label: "prover profit",
        unit: Unit::Tokens,
        of: |s| Some(s.prover_profit),
        quiet_when_zero: false,
    },
    Metric {
        key: "user_fees",
        json: &["user_fees"],
        label: "fees users paid",
        unit: Unit::Tokens,
        of: |s| Some(s.user_fees),
        quiet_when_zero: false,
    },
    Metric {
        key: "paid_for_proving",
        json: &["paid_for_proving"],
        label: "paid for proving (with kickbacks)",
        unit: Unit::Tokens,
        of: |s| Some(s.paid_for_proving),
        quiet_when_zero: false,
    },
    Metric {
        key: "redundancy",
        json: &["redundancy"],
        label: "proving cost over the cheapest full proof",
        unit: Unit::Number,
        of: |s| s.redundancy,
        quiet_when_zero: false,
    },
    Metric {
        key: "inflation_per_year",
        json: &["inflation_per_year"],
        label: "minted per year over the token supply",
        unit: Unit::Share,
        of: |s| Some(s.inflation_per_year),
        quiet_when_zero: false,
    },
    Metric {
        key: "txs_delayed_by_prunes",
        json: &["txs_delayed_by_prunes"],
        label: "transactions delayed by prunes",
        unit: Unit::Count,
        of: |s| Some(s.txs_delayed_by_prunes as f64),
        quiet_when_zero: true,
    },
    Metric {
        key: "prune_added_latency_s",
        json: &["prune_added_latency_s"],
        label: "delay a prune added to a transaction",
        unit: Unit::Seconds,
        of: |s| s.prune_added_latency_s,
        quiet_when_zero: true,
    },
    Metric {
        key: "distributor_dry_epoch",
        json: &["distributor_dry_epoch"],
        label: "epoch the distributor ran dry",
        unit: Unit::Count,
        of: |s| s.distributor_dry_epoch.map(|e| e as f64),
        quiet_when_zero: false,
    },
    Metric {
        key: "sequencer_income",
        json: &["sequencer_income"],
        label: "sequencer income",
        unit: Unit::Tokens,
        of: |s| Some(s.sequencer_income),
        quiet_when_zero: false,
    },
    Metric {
        key: "mean_full_proof_latency_s",
        json: &["mean_full_proof_latency_s"],
        label: "mean seconds from an epoch's end to its full proof",
        unit: Unit::Seconds,
        of: |s| s.mean_full_proof_latency_s,
        quiet_when_zero: false,
    },
    Metric {
        key: "bridging_mean_latency_s",
        json: &["bridging", "mean_latency_s"],
        label: "bridging: mean latency",
        unit: Unit::Seconds,
        of: |s| s.bridging.as_ref().map(|b| b.mean_latency_s),
        quiet_when_zero: false,
    },
    Metric {
        key: "payloads_executed",
        json: &["payloads_executed"],
        label: "governance payloads executed",
        unit: Unit::Count,
        of: |s| Some(s.payloads_executed as f64),
        quiet_when_zero: true,
    },
    Metric {
        key: "kickbacks",
        json: &["kickbacks"],
        label: "kickbacks to sequencers",
        unit: Unit::Tokens,
        of: |s| Some(s.kickbacks),
        quiet_when_zero: true,
    },
    Metric {
        key: "slashed",
        json: &["slashed"],
        label: "bonds slashed",
        unit: Unit::Tokens,
        of: |s| Some(s.slashed),
        quiet_when_zero: true,
    },
    Metric {
        key: "capital_locked",
        json: &["capital_locked"],
        label: "capital locked in bonds",
        unit: Unit::Tokens,
        of: |s| Some(s.capital_locked),
        quiet_when_zero: true,
    },
    Metric {
        key: "fee_market_reward_mean",
        json: &["fee_market", "reward_mean"],
        label: "fee market: mean checkpoint reward",
        unit: Unit::Tokens,
        of: |s| s.fee_market.as_ref().map(|f| f.reward_mean),
        quiet_when_zero: true,
    },
    Metric {
        key: "fee_market_reward_end",
        json: &["fee_market", "reward_end"],
        label: "fee market: checkpoint reward at the end",
        unit: Unit::Tokens,
        of: |s| s.fee_market.as_ref().map(|f| f.reward_end),
        quiet_when_zero: true,
    },
    Metric {
        key: "auction_mean_price",
        json: &["auction", "mean_price"],
        label: "auction: mean price paid to a winner",
        unit: Unit::Tokens,
        of: |s| s.auction.as_ref().map(|a| a.mean_price),
        quiet_when_zero: true,
    },
    Metric {
        key: "auction_mean_bids",
        json: &["auction", "mean_bids"],
        label: "auction: bids per epoch",
        unit: Unit::Number,
        of: |s| s.auction.as_ref().map(|a| a.mean_bids),
        quiet_when_zero: true,
    },
    Metric {
        key: "auction_forfeit_rate",
        json: &["auction", "forfeit_rate"],
        label: "auction: winners who lost their bond",
        unit: Unit::Share,
        of: |s| s.auction.as_ref().map(|a| a.forfeit_rate),
        quiet_when_zero: true,
    },
    Metric {
        key: "auction_fallback_rate",
        json: &["auction", "fallback_rate"],
        label: "auction: epochs that fell back to the pool",
        unit: Unit::Share,
        of: |s| s.auction.as_ref().map(|a| a.fallback_rate),
        quiet_when_zero: true,
    },
    Metric {
        key: "auction_returned",
        json: &["auction", "returned"],
        label: "auction: pools returned to the distributor",
        unit: Unit::Tokens,
        of: |s| s.auction.as_ref().map(|a| a.returned),
        quiet_when_zero: true,
    },
];

/// The metric of a key.
pub fn metric(key: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_paths_are_in_the_summary_json() {
        let s = Summary {
            bridging: Some(super::super::summary::BridgingSummary::default()),
            fee_market: Some(Default::default()),
            auction: Some(Default::default()),
            cost_per_proven_tx: Some(1.0),
            mean_full_proof_latency_s: Some(1.0),
            redundancy: Some(2.0),
            distributor_dry_epoch: Some(3),
            prune_added_latency_s: Some(4.0),
            ..Summary::default()
        };
        let json = serde_json::to_value(&s).unwrap();
        for (i, m) in METRICS.iter().enumerate() {
            assert!(METRICS[..i].iter().all(|o| o.key != m.key), "{}", m.key);
            let mut v = &json;
            for k in m.json {
                v = v
                    .get(k)
                    .unwrap_or_else(|| panic!("{} not in summary.json", m.key));
            }
            assert!(v.is_number(), "{}", m.key);
            assert_eq!(v.as_f64(), (m.of)(&s), "{}", m.key);
        }
    }
}
