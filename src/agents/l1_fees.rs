//! What the L1 shows a sender: the wait it expects for a fee, and when
//! inclusion is a market, block by block (`[l1.tips]`, docs/model.md
//! section 13 item 6), each L1 block's clearing tip, the chance that a
//! block takes a fee, and the percentile of recent tips a sender bids
//! from.

use rand_distr::{Distribution, StandardNormal};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::base::random::stream;
use crate::base::time::Time;
use crate::schema::TipMarket;

use super::{View, underpriced_wait};

/// Blocks an L1 transaction is expected to miss at most (a fee no block
/// takes waits as if this many did not).
pub const MAX_MISSED_BLOCKS: f64 = 7_200.0;

/// How a sender bids for L1 inclusion when inclusion is a market block by
/// block (docs/model.md section 13, item 6): a transaction still waiting
/// after `replace_after_ms` is replaced with its tip raised, at most
/// `max_replacements` times, and at `give_up_at` it is cancelled (a
/// replacement carrying nothing, whose gas the sender pays).
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Bidding {
    /// Milliseconds a transaction (or its last replacement) waits before
    /// it is replaced.
    pub replace_after_ms: u64,
    /// What each replacement multiplies the tip by.
    pub bump: f64,
    /// The most replacements.
    pub max_replacements: u32,
    /// When the sender gives up on it, ms since slot 0.
    pub give_up_at: Time,
    /// The highest fee cap, gwei per gas: base fee times 1.125 plus the
    /// tip, at most this.
    pub max_fee_gwei: f64,
}

/// What a sender reads of the L1 in a [`View`].
impl View<'_> {
    /// Mean seconds from sending an L1 transaction with this priority fee
    /// to its inclusion: the minimum, plus the exponential part, longer by
    /// the going rate over the fee when the fee is below it.
    /// Under the market block by block (`[l1.tips]`), the minimum plus
    /// the blocks missed before one takes the fee (a geometric wait).
    pub fn mean_inclusion_delay(&self, priority_fee_gwei: f64) -> f64 {
        let l1 = &self.scenario.l1;
        if let Some(market) = &l1.tips {
            let p = inclusion_chance(market, priority_fee_gwei, self.going_priority_gwei);
            let missed = ((1.0 - p) / p.max(1e-9)).min(MAX_MISSED_BLOCKS);
            return l1.min_inclusion_delay + missed * l1.block_time as f64;
        }
        l1.min_inclusion_delay
            + (l1.mean_inclusion_delay - l1.min_inclusion_delay)
                * underpriced_wait(priority_fee_gwei, self.going_priority_gwei)
    }

    /// The clearing tips of the last `n` L1 blocks, gwei per gas, against
    /// the going fee now (the fee history a sender reads); none unless
    /// inclusion is a market block by block.
    pub fn recent_tips(&self, n: u64) -> Vec<f64> {
        let l1 = &self.scenario.l1;
        let Some(market) = &l1.tips else {
            return Vec::new();
        };
        let last = self.now / (l1.block_time * 1000);
        (last.saturating_sub(n.saturating_sub(1))..=last)
            .map(|b| clearing_tip(self.scenario.seed, market, self.going_priority_gwei, b))
            .collect()
    }

    /// The L1 base fee now, gwei per gas.
    pub fn base_fee_gwei(&self) -> f64 {
        if self.wei_to_tokens > 0.0 {
            self.gas_price_tokens / self.wei_to_tokens / 1e9
        } else {
            0.0
        }
    }
}

/// The clearing tip of L1 block `b`, gwei per gas: the going priority fee
/// times a lognormal factor of median 1. The factor is the block's own
/// draw, from the run's seed and the block's number, so that every reader
/// at any time sees the same block alike.
pub fn clearing_tip(seed: u64, market: &TipMarket, going: f64, b: u64) -> f64 {
    if market.spread == 0.0 {
        return going;
    }
    let z: f64 = StandardNormal.sample(&mut stream(seed, "l1-tip", b));
    going * (market.spread * z).exp()
}

/// The chance that one L1 block takes a transaction paying `fee` (gwei)
/// when the going priority fee is `going`: that the block's clearing tip
/// is at most the fee.
pub fn inclusion_chance(market: &TipMarket, fee: f64, going: f64) -> f64 {
    if going <= 0.0 || fee >= going && market.spread == 0.0 {
        return 1.0;
    }
    if fee <= 0.0 || market.spread == 0.0 {
        return 0.0;
    }
    Normal::standard().cdf((fee / going).ln() / market.spread)
}

/// The `p`th percentile (0 to 100, nearest rank) of `tips`; `None` if
/// there are none.
pub fn percentile(tips: &mut [f64], p: f64) -> Option<f64> {
    if tips.is_empty() {
        return None;
    }
    tips.sort_by(f64::total_cmp);
    let rank = (p.clamp(0.0, 100.0) / 100.0 * tips.len() as f64).ceil() as usize;
    Some(tips[rank.clamp(1, tips.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clearing_tips_are_the_blocks_own_and_centred_on_the_going_fee() {
        let m = TipMarket::default();
        assert_eq!(clearing_tip(7, &m, 2.0, 100), clearing_tip(7, &m, 2.0, 100));
        assert_ne!(clearing_tip(7, &m, 2.0, 100), clearing_tip(7, &m, 2.0, 101));
        // The median of the draws is the going fee; the share a fee of
        // 1.2 times the going one meets is the normal's at ln 1.2 / 0.5.
        let n = 20_000;
        let met = (0..n)
            .filter(|&b| clearing_tip(3, &m, 2.0, b) <= 2.4)
            .count() as f64
            / n as f64;
        let predicted = inclusion_chance(&m, 2.4, 2.0);
        assert!((predicted - 0.6422).abs() < 1e-3, "{predicted}");
        assert!((met - predicted).abs() < 0.01, "{met} against {predicted}");
        let below = (0..n)
            .filter(|&b| clearing_tip(3, &m, 2.0, b) <= 2.0)
            .count();
        assert!((below as f64 / n as f64 - 0.5).abs() < 0.01);
    }

    #[test]
    fn without_spread_every_block_clears_at_the_going_fee() {
        let m = TipMarket {
            spread: 0.0,
            ..TipMarket::default()
        };
        assert_eq!(clearing_tip(1, &m, 3.0, 9), 3.0);
        assert_eq!(inclusion_chance(&m, 3.0, 3.0), 1.0);
        assert_eq!(inclusion_chance(&m, 2.9, 3.0), 0.0);
    }

    #[test]
    fn percentile_is_by_nearest_rank() {
        let mut five = [5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(percentile(&mut five, 75.0), Some(4.0));
        assert_eq!(percentile(&mut five, 100.0), Some(5.0));
        assert_eq!(percentile(&mut five, 0.0), Some(1.0));
        assert_eq!(percentile(&mut [], 75.0), None);
    }
}
