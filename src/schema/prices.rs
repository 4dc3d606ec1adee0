//! The L1 side of a scenario: the prices the fee model reads (a walk or a
//! replayed series, with scheduled spikes and random jumps) and the L1 that
//! carries proof submissions.

use serde::{Deserialize, Serialize};

use crate::base::amount;
use crate::protocol::Amount;

/// How an L1 price moves: a mean-reverting random walk in log space, one
/// step per slot (an Ornstein–Uhlenbeck process around `start`; volatility
/// 0 keeps the price constant).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PricePath {
    /// The price at genesis, wei per gas.
    pub start: f64,
    /// Standard deviation of the log change per slot.
    pub volatility: f64,
    /// The part of the log distance to `start` closed per slot (0: a pure
    /// random walk, which wanders without bound over long runs).
    pub reversion: f64,
    /// The lowest the price goes, wei per gas.
    pub floor: f64,
    /// Scheduled spikes: from `start_epoch`, for `epochs`, the price is
    /// `multiplier` times the walk's.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub spikes: Vec<Spike>,
    /// Random spikes: a jump process on top of the walk or the series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jumps: Option<Jumps>,
    /// A CSV file of `time_s,wei` rows (with that header), relative to the
    /// scenario file, replayed instead of the walk: from each row's time
    /// on, the price is its value. It is read when the scenario is loaded;
    /// the scenario as run carries its rows in `series`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series_csv: Option<String>,
    /// A replayed series as `[time_s, wei]` points in time order (the
    /// first at time 0), instead of the walk; empty: the walk.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub series: Vec<[f64; 2]>,
}

/// Random spikes of an L1 price: they start as a Poisson process, each
/// multiplies the price by `1 +` an exponential draw of mean
/// `mean_multiplier - 1` and lasts an exponential time of mean
/// `mean_hours`. Overlapping spikes multiply.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Jumps {
    /// How many spikes start per day, on average.
    pub per_day: f64,
    /// The mean multiplier of a spike (at least 1).
    pub mean_multiplier: f64,
    /// How long a spike lasts on average, hours.
    pub mean_hours: f64,
}

/// A spike of an L1 price.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Spike {
    /// The first epoch of the spike.
    pub start_epoch: u64,
    /// How many epochs it lasts.
    pub epochs: u64,
    /// What it multiplies the price by.
    pub multiplier: f64,
}

impl PricePath {
    /// What the scheduled spikes multiply the price by in epoch `e`.
    pub fn spike_at(&self, e: u64) -> f64 {
        self.spikes
            .iter()
            .filter(|s| e >= s.start_epoch && e < s.start_epoch + s.epochs)
            .map(|s| s.multiplier)
            .product()
    }
}

/// Reads a replayed price series: a CSV with the header `time_s,wei` and
/// one row per change, times in increasing order from 0. The error names
/// the file, the line and what was expected there.
pub fn read_series(path: &std::path::Path) -> Result<Vec<[f64; 2]>, String> {
    let file = path.display();
    let text = crate::base::files::read_text(path, crate::base::files::SERIES_LIMIT)
        .map_err(|e| format!("cannot read {file}: {e}"))?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    match lines.next() {
        Some((_, h)) if h.split(',').map(str::trim).eq(["time_s", "wei"]) => {}
        // The line is not echoed: a wrong path may name any file, and the
        // message travels into tables and logs.
        Some((i, _)) => {
            return Err(format!(
                "{file}:{}: expected the header `time_s,wei`; is this the price series meant?",
                i + 1
            ));
        }
        None => {
            return Err(format!(
                "{file}: expected a header `time_s,wei` and rows, found nothing"
            ));
        }
    }
    let mut out: Vec<[f64; 2]> = Vec::new();
    for (i, line) in lines {
        let at = format!("{file}:{}", i + 1);
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let [t, w] = cells[..] else {
            return Err(format!(
                "{at}: expected two values `time_s,wei`, found {} values",
                cells.len()
            ));
        };
        let num = |s: &str, what: &str| -> Result<f64, String> {
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| {
                    format!(
                        "{at}: expected {what} as a non-negative number, found `{}`",
                        crate::text::clip(s, 40)
                    )
                })
        };
        let (t, w) = (num(t, "time_s")?, num(w, "wei")?);
        match out.last() {
            None if t != 0.0 => {
                return Err(format!(
                    "{at}: expected the first row at time_s 0, found {t}"
                ));
            }
            Some(&[prev, _]) if t <= prev => {
                return Err(format!(
                    "{at}: expected times in increasing order, found {t} after {prev}"
                ));
            }
            _ => {}
        }
        if w <= 0.0 {
            return Err(format!("{at}: expected a positive wei, found {w}"));
        }
        out.push([t, w]);
    }
    if out.is_empty() {
        return Err(format!(
            "{file}: expected at least one row after the header"
        ));
    }
    Ok(out)
}

impl Default for PricePath {
    fn default() -> Self {
        PricePath {
            start: 1e9,
            volatility: 0.0,
            reversion: 0.001,
            floor: 1.0,
            spikes: Vec::new(),
            jumps: None,
            series_csv: None,
            series: Vec::new(),
        }
    }
}

/// The exogenous L1 prices of the fee model (docs/model.md section 3).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct FeeConfig {
    /// L1 base fee, wei per gas.
    pub l1_base_fee: PricePath,
    /// Blob fee, wei per blob gas.
    pub blob_fee: PricePath,
    /// Fee-asset units per ETH, scaled by 10^9.
    #[serde(with = "amount")]
    #[schemars(with = "amount::Schema")]
    pub fee_asset_per_eth: Amount,
}

impl Default for FeeConfig {
    fn default() -> Self {
        FeeConfig {
            l1_base_fee: PricePath::default(),
            blob_fee: PricePath {
                start: 1.0,
                ..PricePath::default()
            },
            // 1 ETH = 10,000 fee-asset tokens (both with 18 decimals).
            fee_asset_per_eth: 10_000 * 1_000_000_000,
        }
    }
}

/// The L1 that carries proof submissions.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct L1Config {
    /// Seconds per L1 block.
    pub block_time: u64,
    /// The shortest inclusion delay, seconds.
    pub min_inclusion_delay: f64,
    /// The mean inclusion delay, seconds (the part above the minimum is
    /// exponential).
    pub mean_inclusion_delay: f64,
    /// Gas a proof submission uses.
    pub proof_gas: u64,
    /// Gas of each further proof that rides in the same L1 transaction as
    /// another (an operator bundling its identities' proofs); `proof_gas`
    /// when not set. The first proof of a bundle pays `proof_gas`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bundled_proof_gas: Option<u64>,
    /// The priority fee L1 builders expect at the genesis base fee, gwei
    /// per gas (it scales with the base fee's spikes). A transaction paying
    /// `p` below the going rate `g` waits `g / p` times as long above the
    /// minimum inclusion delay.
    pub going_priority_fee_gwei: f64,
    /// A market for inclusion, block by block, instead of a drawn delay:
    /// each L1 block takes the transactions whose priority fee is at
    /// least its clearing tip. Unset: the drawn delay above.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tips: Option<TipMarket>,
}

/// Inclusion block by block (docs/model.md section 13, item 6): each L1
/// block has a clearing tip, the going priority fee times a lognormal draw
/// of its own (median 1); a transaction enters the first block, from the
/// first it can reach (`min_inclusion_delay` after it is sent), whose
/// clearing tip its priority fee meets. The recent blocks' clearing tips
/// are the distribution of recent tips senders read.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct TipMarket {
    /// Standard deviation of the log of a block's clearing tip around the
    /// going priority fee.
    pub spread: f64,
    /// Gas of a cancellation (a transaction replacing a stalled one with
    /// nothing, which its sender pays).
    pub cancel_gas: u64,
}

impl Default for TipMarket {
    fn default() -> Self {
        TipMarket {
            spread: 0.5,
            cancel_gas: 21_000,
        }
    }
}

impl Default for L1Config {
    fn default() -> Self {
        L1Config {
            block_time: 12,
            min_inclusion_delay: 12.0,
            mean_inclusion_delay: 24.0,
            proof_gas: 500_000,
            bundled_proof_gas: None,
            going_priority_fee_gwei: 1.0,
            tips: None,
        }
    }
}

impl L1Config {
    /// Gas of a proof that joins another's L1 transaction.
    pub fn gas_in_bundle(&self) -> u64 {
        self.bundled_proof_gas.unwrap_or(self.proof_gas)
    }
}
