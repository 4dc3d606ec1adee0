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

/// `x` with `decimals` decimals and its thousands grouped by commas, as a
/// reader takes in a large figure (`1,234,567.8`).
pub fn grouped(x: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, x.abs());
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, format!(".{f}")),
        None => (text.as_str(), String::new()),
    };
    if !whole.bytes().all(|b| b.is_ascii_digit()) {
        // inf or NaN: as they are.
        return format!("{x:.decimals$}");
    }
    let mut out = String::with_capacity(text.len() + whole.len() / 3 + 1);
    if x.is_sign_negative() && x != 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push('-');
    }
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out + &fraction
}

#[cfg(test)]
mod tests {
    use super::grouped;

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(grouped(784_459.94, 1), "784,459.9");
        assert_eq!(grouped(12_670.0, 0), "12,670");
        assert_eq!(grouped(999.0, 0), "999");
        assert_eq!(grouped(-1_234_567.0, 0), "-1,234,567");
        assert_eq!(grouped(-0.04, 1), "0.0");
        assert_eq!(grouped(0.1234, 4), "0.1234");
        assert_eq!(grouped(f64::NAN, 1), "NaN");
    }
}
