//! Units, each defined once: tokens and their smallest units, and years.

use crate::base::numeric::to_f64;

/// Smallest units per token.
pub const UNITS_PER_TOKEN: f64 = 1e18;

/// Seconds in a day.
pub const SECONDS_PER_DAY: f64 = 86_400.0;

/// Seconds in a year as inflation per year counts it (a Julian year of
/// 365.25 days; summary and voting policies alike).
pub const SECONDS_PER_YEAR: f64 = 365.25 * SECONDS_PER_DAY;

/// Hours in a year as a capital cost per year is charged (365 days: a yearly
/// rate on capital accrues over the days of a calendar year).
pub const HOURS_PER_RATE_YEAR: f64 = 365.0 * 24.0;

/// An amount in tokens, for decisions and reports (never for settlement).
pub fn tokens(units: u128) -> f64 {
    to_f64(units) / UNITS_PER_TOKEN
}

/// Tokens per wei of ETH at a fee-asset price (`fee_asset_per_eth`, fee-asset
/// units per ETH scaled by 10^9).
pub fn tokens_per_wei(fee_asset_per_eth: u128) -> f64 {
    to_f64(fee_asset_per_eth) / 1e9 / UNITS_PER_TOKEN
}
