//! Inclusion as a market, block by block (`[l1.tips]`, docs/model.md
//! section 13 item 6): what becomes of a transaction sent now, with its
//! sender's replacements and cancellation, from the clearing tips of the
//! L1 blocks ahead.

use crate::agents::Bidding;
use crate::agents::l1_fees::clearing_tip;
use crate::base::numeric::round;
use crate::base::time::Time;
use crate::schema::TipMarket;

/// What an entry of an L1 block is.
#[derive(Copy, Clone, Debug, PartialEq)]
pub(super) enum TxKind {
    /// A proof submission.
    Proof,
    /// The cancellation of a stalled submission (its sender pays its gas).
    Cancel,
    /// A submission no block took before its window closed: it leaves the
    /// mempool unmined at this block.
    Dropped,
}

/// What becomes of a transaction sent under the market block by block.
#[derive(Copy, Clone, Debug, PartialEq)]
pub(super) enum Fate {
    /// It lands in this L1 block with this (its last) tip.
    Lands(u64, f64),
    /// Its sender gives up: the cancellation lands in this block with this
    /// tip.
    Cancelled(u64, f64),
    /// No block takes it before its proof's window closes (this block).
    Dropped(u64),
}

impl Fate {
    /// What stands in an L1 block for this fate, the block, and the tip
    /// paid (`fee` if nothing is).
    pub fn entry(self, fee: f64) -> (TxKind, u64, f64) {
        match self {
            Fate::Lands(b, tip) => (TxKind::Proof, b, tip),
            Fate::Cancelled(b, tip) => (TxKind::Cancel, b, tip),
            Fate::Dropped(b) => (TxKind::Dropped, b, fee),
        }
    }
}

/// The L1 block (of `block_ms` milliseconds) a transaction sent at `now`
/// (ms) reaches after `delay_s` seconds: the one whose time is then or
/// next, and never the block in progress.
pub(super) fn block_after(now: u64, delay_s: f64, block_ms: u64) -> u64 {
    let at = now.saturating_add(round(delay_s * 1000.0) as u64);
    at.div_ceil(block_ms).max(now / block_ms + 1)
}

/// The L1's market for inclusion block by block.
pub(super) struct TipInclusion {
    /// The run's seed, which draws each block's clearing tip.
    pub seed: u64,
    /// The market's constants.
    pub market: TipMarket,
    /// Milliseconds per L1 block.
    pub block_ms: u64,
    /// The shortest inclusion delay, seconds.
    pub min_delay: f64,
}

impl TipInclusion {
    /// The first L1 block a transaction sent at `now` (ms) can reach.
    pub fn first_block(&self, now: u64) -> u64 {
        block_after(now, self.min_delay, self.block_ms)
    }

    /// What becomes of a transaction sent at `now` paying `fee` (gwei)
    /// under the market block by block, with the going fee and base fee
    /// (gwei) of that moment: from the first block it can reach, each
    /// block takes it if the tip it pays meets the block's clearing tip.
    /// With `bidding`, a transaction still waiting `replace_after_ms`
    /// after the block before the first it can reach is replaced with its
    /// tip raised (and so on), and after the sender's give-up time it is
    /// cancelled; its fee
    /// cap (base fee times 1.125 plus the tip, at most the sender's
    /// highest) bounds the tip it pays. Nothing lands once the proof's
    /// window has closed (`expires`).
    pub fn fate(
        &self,
        now: u64,
        (fee, going, base): (f64, f64, f64),
        bidding: Option<&Bidding>,
        expires: Time,
    ) -> Fate {
        let mut tip = fee;
        let mut replaced = 0;
        let mut b = self.first_block(now);
        // Its wait for inclusion starts one block before the first it can
        // reach: the minimum delay is not a stall.
        let waits_from = (b - 1) * self.block_ms;
        let mut next_replacement = bidding.map_or(u64::MAX, |bid| {
            waits_from.saturating_add(bid.replace_after_ms)
        });
        let cap_of = |tip: f64, bid: &Bidding| (base * 1.125 + tip).min(bid.max_fee_gwei);
        loop {
            let at = b * self.block_ms;
            if at >= expires {
                return Fate::Dropped(b);
            }
            if let Some(bid) = bidding {
                if at > bid.give_up_at {
                    let cancel_tip = tip * bid.bump;
                    return Fate::Cancelled(
                        b,
                        cancel_tip.min(cap_of(cancel_tip, bid) - base).max(0.0),
                    );
                }
                while replaced < bid.max_replacements && next_replacement < at {
                    tip *= bid.bump;
                    replaced += 1;
                    next_replacement = next_replacement.saturating_add(bid.replace_after_ms);
                }
            }
            let paid = bidding.map_or(tip, |bid| tip.min(cap_of(tip, bid) - base));
            if paid >= clearing_tip(self.seed, &self.market, going, b) && paid >= 0.0 {
                return Fate::Lands(b, paid);
            }
            b += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn market(spread: f64) -> TipInclusion {
        TipInclusion {
            seed: 11,
            market: TipMarket {
                spread,
                ..TipMarket::default()
            },
            block_ms: 12_000,
            min_delay: 12.0,
        }
    }

    fn node(give_up_at: Time, max_fee_gwei: f64) -> Bidding {
        Bidding {
            replace_after_ms: 12_000,
            bump: 1.5,
            max_replacements: 3,
            give_up_at,
            max_fee_gwei,
        }
    }

    const NEVER: Time = Time::MAX;

    #[test]
    fn a_fee_at_the_going_rate_takes_the_first_block_it_can_reach() {
        let l1 = market(0.0);
        // Sent at 5 s: 12 s later is 17 s, in the block of 24 s (block 2).
        assert_eq!(l1.first_block(5_000), 2);
        assert_eq!(
            l1.fate(5_000, (1.2, 1.0, 10.0), None, NEVER),
            Fate::Lands(2, 1.2)
        );
    }

    #[test]
    fn a_stalled_transaction_is_replaced_with_its_tip_raised_by_half() {
        let l1 = market(0.0);
        let bid = node(125_000, 2_000.0);
        // 0.5 misses block 2 (24 s), its first; its wait started at 12 s,
        // so it is replaced at 24 s (0.75, misses block 3) and at 36 s
        // (1.125), and meets the going 1.0 in block 4 (48 s).
        assert_eq!(
            l1.fate(5_000, (0.5, 1.0, 10.0), Some(&bid), NEVER),
            Fate::Lands(4, 1.125)
        );
    }

    #[test]
    fn after_three_replacements_it_waits_then_cancels_at_its_give_up_time() {
        let l1 = market(0.0);
        let bid = node(125_000, 2_000.0);
        // 0.1, 0.15, 0.225, 0.3375: never the going 1.0. The first block
        // after 125 s is block 11 (132 s); the cancellation raises the tip
        // once more.
        let fate = l1.fate(5_000, (0.1, 1.0, 10.0), Some(&bid), NEVER);
        let Fate::Cancelled(b, tip) = fate else {
            panic!("{fate:?}")
        };
        assert_eq!(b, 11);
        assert!((tip - 0.50625).abs() < 1e-12, "{tip}");
    }

    #[test]
    fn the_fee_cap_bounds_the_tip_paid() {
        let l1 = market(0.0);
        // Base fee 100, highest cap 100.5: it pays at most 0.5 of tip,
        // below the going 1.0, however it raises its bid.
        let bid = node(125_000, 100.5);
        assert_eq!(
            l1.fate(5_000, (1.2, 1.0, 100.0), Some(&bid), NEVER),
            Fate::Cancelled(11, 0.5)
        );
        // With room under the cap it pays its tip.
        let bid = node(125_000, 2_000.0);
        assert_eq!(
            l1.fate(5_000, (1.2, 1.0, 100.0), Some(&bid), NEVER),
            Fate::Lands(2, 1.2)
        );
    }

    #[test]
    fn a_fee_no_block_takes_is_dropped_when_its_window_closes() {
        let l1 = market(0.0);
        assert_eq!(
            l1.fate(5_000, (0.5, 1.0, 10.0), None, 60_000),
            Fate::Dropped(5)
        );
    }

    #[test]
    fn it_lands_in_the_first_block_whose_clearing_tip_it_meets() {
        let l1 = market(0.8);
        for sent in (0..200_000).step_by(7_000) {
            let Fate::Lands(b, tip) = l1.fate(sent, (1.0, 1.0, 10.0), None, NEVER) else {
                panic!("a fee at the going rate lands")
            };
            assert_eq!(tip, 1.0);
            let first = l1.first_block(sent);
            assert!(clearing_tip(11, &l1.market, 1.0, b) <= 1.0);
            for missed in first..b {
                assert!(clearing_tip(11, &l1.market, 1.0, missed) > 1.0);
            }
        }
    }
}
