//! The fee model of docs/model.md section 3: per-mana prices from L1 prices, in
//! integers, as the rollup's fee library computes them.

use crate::protocol::Amount;

/// `fake_exponential(factor, numerator, denominator)` of EIP-4844: an
/// integer approximation of `factor * e^(numerator / denominator)`.
/// Saturates at `u128::MAX` rather than wrapping.
pub fn fake_exponential(factor: u128, numerator: u128, denominator: u128) -> u128 {
    let mut i: u128 = 1;
    let mut output: u128 = 0;
    let Some(mut accum) = factor.checked_mul(denominator) else {
        return u128::MAX;
    };
    while accum > 0 {
        output = output.saturating_add(accum);
        let Some(next) = accum.checked_mul(numerator) else {
            return u128::MAX;
        };
        accum = div(next, denominator * i);
        i += 1;
    }
    div(output, denominator)
}

/// Both operands as `u64`, if both fit: the fast paths below work on
/// them (128-bit division is a slow library call, and 64-bit operands
/// multiply in one widening instruction), and give the same integers.
fn narrow(a: u128, b: u128) -> Option<(u64, u64)> {
    Some((u64::try_from(a).ok()?, u64::try_from(b).ok()?))
}

/// `a / b` (this runs for every block).
fn div(a: u128, b: u128) -> u128 {
    match narrow(a, b) {
        Some((a, b)) => u128::from(a / b),
        None => a / b,
    }
}

/// `ceil(a / b)`, from the quotient and the remainder of one division.
fn div_ceil(a: u128, b: u128) -> u128 {
    match narrow(a, b) {
        Some((a, b)) => u128::from(a.div_ceil(b)),
        None => a.div_ceil(b),
    }
}

/// `a.saturating_mul(b)` (two 64-bit operands cannot overflow it).
pub fn mul_sat(a: u128, b: u128) -> u128 {
    match narrow(a, b) {
        Some((a, b)) => u128::from(a) * u128::from(b),
        None => a.saturating_mul(b),
    }
}

/// The L1 prices in force at a block, in wei per gas, and the fee asset's
/// price.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct L1Prices {
    /// L1 base fee, wei per gas.
    pub l1_base_fee: u128,
    /// Blob fee, wei per blob gas.
    pub blob_fee: u128,
    /// Fee-asset units per ETH, scaled by 10^9.
    pub fee_asset_per_eth: u128,
}

/// The per-mana prices a block's transactions pay, in fee-asset units.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Default)]
pub struct ManaPrices {
    /// For the sequencer's L1 costs.
    pub sequencer: Amount,
    /// For proving (L1 verification plus the governance proving price).
    pub prover: Amount,
    /// The congestion part, burnt.
    pub protocol: Amount,
}

impl ManaPrices {
    /// What one unit of mana pays in all.
    pub fn total(&self) -> Amount {
        self.sequencer
            .saturating_add(self.prover)
            .saturating_add(self.protocol)
    }
}

/// `ceil(x * fee_asset_per_eth / 10^9)`: wei to fee-asset units.
pub fn to_fee_asset(x: u128, fee_asset_per_eth: u128) -> u128 {
    // A price that is a whole number of fee-asset units per gwei (every
    // shipped one is) divides exactly: `x` times that number is the same
    // integer, without a 128-bit division. Two 64-bit operands cannot
    // saturate the product, so the shortcut holds wherever it is taken.
    if let Some((x, per_eth)) = narrow(x, fee_asset_per_eth)
        && per_eth.is_multiple_of(1_000_000_000)
    {
        return u128::from(x) * u128::from(per_eth / 1_000_000_000);
    }
    div_ceil(mul_sat(x, fee_asset_per_eth), 1_000_000_000)
}

/// The congestion multiplier (scaled by 10^9) for a block's excess mana.
pub fn congestion_multiplier(excess_mana: u128, mana_target: u128) -> u128 {
    if excess_mana == 0 {
        return 1_000_000_000;
    }
    let denominator = (mana_target * 854_700_854 / 100_000_000).max(1);
    fake_exponential(1_000_000_000, excess_mana, denominator)
}

/// The per-mana prices of a block (docs/model.md section 3), each computed in wei
/// and converted to the fee asset, at the block's congestion multiplier
/// ([`congestion_multiplier`], which the block builder also needs).
pub fn mana_prices(
    l1: &L1Prices,
    mana_target: u64,
    epoch_duration: u64,
    proving_cost_per_mana: Amount,
    congestion: u128,
) -> ManaPrices {
    let (sequencer_wei, prover_wei) =
        narrow_wei_prices(l1, mana_target, epoch_duration, proving_cost_per_mana).unwrap_or_else(
            || wide_wei_prices(l1, mana_target, epoch_duration, proving_cost_per_mana),
        );
    // Saturating: absurd prices stay absurd (and fail the books' checked
    // sums with a clear error) instead of wrapping.
    let total = sequencer_wei.saturating_add(prover_wei);
    // At a multiplier of at most 1 (no excess mana) the congestion part is
    // zero: the product over 10^9 is at most `total`.
    let protocol_wei = if congestion <= 1_000_000_000 {
        0
    } else {
        div(mul_sat(total, congestion), 1_000_000_000).saturating_sub(total)
    };
    ManaPrices {
        sequencer: to_fee_asset(sequencer_wei, l1.fee_asset_per_eth),
        prover: to_fee_asset(prover_wei, l1.fee_asset_per_eth),
        protocol: to_fee_asset(protocol_wei, l1.fee_asset_per_eth),
    }
}

/// The sequencer's and the prover's prices per mana in wei, in 128 bits.
fn wide_wei_prices(
    l1: &L1Prices,
    mana_target: u64,
    epoch_duration: u64,
    proving_cost_per_mana: Amount,
) -> (u128, u128) {
    let target = mana_target as u128;
    let sequencer_wei = div_ceil(
        mul_sat(300_000, l1.l1_base_fee).saturating_add(mul_sat(3 << 17, l1.blob_fee)),
        target,
    );
    let prover_wei = div_ceil(
        div_ceil(mul_sat(1_000_000, l1.l1_base_fee), epoch_duration as u128),
        target,
    )
    .saturating_add(proving_cost_per_mana);
    (sequencer_wei, prover_wei)
}

/// [`wide_wei_prices`] in 64 bits, where every operand and every step
/// fits (they do at any real L1 price): the same integers, or `None`.
fn narrow_wei_prices(
    l1: &L1Prices,
    mana_target: u64,
    epoch_duration: u64,
    proving_cost_per_mana: Amount,
) -> Option<(u128, u128)> {
    let (base_fee, blob_fee) = narrow(l1.l1_base_fee, l1.blob_fee)?;
    let proving = u64::try_from(proving_cost_per_mana).ok()?;
    let sequencer = 300_000u64
        .checked_mul(base_fee)?
        .checked_add((3u64 << 17).checked_mul(blob_fee)?)?
        .div_ceil(mana_target);
    let prover = 1_000_000u64
        .checked_mul(base_fee)?
        .div_ceil(epoch_duration)
        .div_ceil(mana_target)
        .checked_add(proving)?;
    Some((u128::from(sequencer), u128::from(prover)))
}

/// A block's excess mana from its parent's: `max(0, excess + used - target)`.
pub fn next_excess(parent_excess: u128, parent_used: u128, mana_target: u64) -> u128 {
    (parent_excess + parent_used).saturating_sub(mana_target as u128)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_paths_give_the_plain_arithmetic() {
        let mut random = crate::base::numeric::xorshift(100_000).map(|x| x >> (x % 128) as u32);
        let edges = [0, 1, u64::MAX as u128, u64::MAX as u128 + 1, u128::MAX];
        for i in 0..50_000 {
            let (a, b) = if i < 25 {
                (edges[i % 5], edges[i / 5])
            } else {
                (
                    random.next().expect("enough"),
                    random.next().expect("enough"),
                )
            };
            assert_eq!(mul_sat(a, b), a.saturating_mul(b), "{a} * {b}");
            // Prices in whole units per gwei take the shortcut; others not.
            for per_eth in [b, b / 1_000_000_000 * 1_000_000_000] {
                assert_eq!(
                    to_fee_asset(a, per_eth),
                    a.saturating_mul(per_eth).div_ceil(1_000_000_000),
                    "{a} at {per_eth}"
                );
            }
            if let Some(q) = a.checked_div(b) {
                assert_eq!(div_ceil(a, b), q + u128::from(q * b < a), "{a} / {b}");
                assert_eq!(div(a, b), q);
            }
        }
    }

    /// The 64-bit prices are the 128-bit ones wherever they are taken,
    /// and give way to them where a step would not fit.
    #[test]
    fn narrow_prices_are_the_wide_ones() {
        let mut random = crate::base::numeric::xorshift(60_000).map(|x| x >> (x % 128) as u32);
        let mut taken = 0;
        for _ in 0..10_000 {
            let mut next = || random.next().expect("enough");
            let l1 = L1Prices {
                l1_base_fee: next(),
                blob_fee: next(),
                fee_asset_per_eth: 1,
            };
            let target = (next() as u64).max(1);
            let ed = (next() as u64).max(1);
            let proving = next();
            if let Some(narrow) = narrow_wei_prices(&l1, target, ed, proving) {
                let wide = wide_wei_prices(&l1, target, ed, proving);
                assert_eq!(narrow, wide, "{l1:?} {target} {ed} {proving}");
                taken += 1;
            }
        }
        assert!(taken > 100, "{taken} taken");
        let real = L1Prices {
            l1_base_fee: 30_000_000_000,
            blob_fee: 1,
            fee_asset_per_eth: 1,
        };
        assert!(narrow_wei_prices(&real, 100_000_000, 32, 25_000_000).is_some());
    }

    #[test]
    fn fake_exponential_matches_eip_4844() {
        // Values of the EIP's reference code (Python), computed independently.
        assert_eq!(fake_exponential(1, 0, 1), 1);
        assert_eq!(fake_exponential(38493, 0, 1000), 38493);
        assert_eq!(fake_exponential(1, 2, 1), 6); // e^2 = 7.39, truncated series
        assert_eq!(fake_exponential(1, 4, 2), 6);
        assert_eq!(fake_exponential(1, 3, 1), 16);
        assert_eq!(fake_exponential(1, 6, 2), 18);
        assert_eq!(fake_exponential(1, 8, 2), 50);
        assert_eq!(fake_exponential(1, 10, 2), 143);
        assert_eq!(fake_exponential(2, 5, 2), 23);
        assert_eq!(fake_exponential(10, 50, 10), 1482);
    }

    #[test]
    fn prices_by_hand() {
        let l1 = L1Prices {
            l1_base_fee: 1_000_000_000,
            blob_fee: 1,
            fee_asset_per_eth: 1_000_000_000, // 1:1
        };
        let p = mana_prices(
            &l1,
            75_000_000,
            32,
            25_000_000,
            congestion_multiplier(0, 75_000_000),
        );
        // sequencer: ceil((3e14 + 393216) / 7.5e7) = ceil(4000000.005) = 4000001
        assert_eq!(p.sequencer, 4_000_001);
        // prover: ceil(ceil(1e15 / 32) / 7.5e7) + 25e6 = ceil(31250000000000/7.5e7)
        // = ceil(416666.67) = 416667; + 25e6
        assert_eq!(p.prover, 25_416_667);
        // No excess: multiplier 1e9, no congestion fee.
        assert_eq!(p.protocol, 0);
        // Some excess: the congestion fee appears.
        let q = mana_prices(
            &l1,
            75_000_000,
            32,
            25_000_000,
            congestion_multiplier(75_000_000, 75_000_000),
        );
        assert!(q.protocol > 0);
        assert_eq!(
            congestion_multiplier(0, 75_000_000),
            fake_exponential(1_000_000_000, 0, 641_025_640)
        );
        assert_eq!(div_ceil(10, 3), 4);
        assert_eq!(div_ceil(9, 3), 3);
        assert_eq!(div(u128::MAX, 1 << 64), u64::MAX as u128);
        assert_eq!(next_excess(0, 100, 75), 25);
        assert_eq!(next_excess(0, 50, 75), 0);
    }

    #[test]
    fn absurd_prices_saturate_instead_of_overflowing() {
        let l1 = L1Prices {
            l1_base_fee: u128::MAX / 2,
            blob_fee: u128::MAX / 2,
            fee_asset_per_eth: u128::MAX,
        };
        // Every wei price saturates; its conversion divides the saturated
        // product by 10^9.
        let p = mana_prices(&l1, 1, 32, u128::MAX, u128::MAX);
        let saturated = u128::MAX.div_ceil(1_000_000_000);
        assert_eq!((p.sequencer, p.prover), (saturated, saturated));
    }
}
