//! The `auction` design's rules (docs/model.md section 14): a sealed-bid
//! reverse auction for each epoch, cleared at the second price, and the
//! winner's settlement. Integer-exact, like the rest of the protocol.

use super::arith::mul_div;
use super::rewards::{EpochSettlement, Payout};
use super::{Amount, ProverId};

/// One sealed bid: tokens for proving an epoch whole.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Bid {
    /// The bidder.
    pub prover: ProverId,
    /// Its price, smallest units.
    pub amount: Amount,
    /// A seeded draw that orders equal bids.
    pub tie: u64,
}

/// An auction's result.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Cleared {
    /// The lowest bidder.
    pub winner: ProverId,
    /// Its bid.
    pub winning_bid: Amount,
    /// What it is paid if it delivers: the second-lowest valid bid, or the
    /// reserve when it bid alone.
    pub price: Amount,
    /// Valid bids.
    pub bids: usize,
}

/// The reserve of an epoch whose pool (if proven whole) is `pool`: the
/// amount `fixed` if one is set, at most the pool; otherwise `bps` basis
/// points of the pool, floored.
pub fn reserve(pool: Amount, bps: u64, fixed: Option<Amount>) -> Amount {
    match fixed {
        Some(r) => r.min(pool),
        // At most 10,000 bps of a u128 pool: the quotient fits.
        None => mul_div(pool, bps as Amount, 10_000, "pool * reserve_bps").unwrap_or(pool),
    }
}

/// Clears an auction: bids above `reserve` are void; the lowest valid bid
/// wins (equal bids ordered by their draw) and is paid the second-lowest
/// valid bid, or the reserve when it is the only one. `None` if no bid is
/// valid.
pub fn clear(bids: &[Bid], reserve: Amount) -> Option<Cleared> {
    let mut valid: Vec<&Bid> = bids.iter().filter(|b| b.amount <= reserve).collect();
    valid.sort_by_key(|b| (b.amount, b.tie));
    let first = valid.first()?;
    Some(Cleared {
        winner: first.prover,
        winning_bid: first.amount,
        price: valid.get(1).map_or(reserve, |b| b.amount),
        bids: valid.len(),
    })
}

/// The settlement of an epoch its winner proved in its exclusive window:
/// the winner alone is paid the auction's price, at most the pool; what
/// the pool held beyond that goes back to the distributor (returned). The
/// settlement's `pool` is then what was paid.
pub fn winner_settlement(
    s: EpochSettlement,
    winner: ProverId,
    price: Amount,
) -> (EpochSettlement, Amount) {
    let held = s.pool;
    let paid = price.min(held);
    let shares = s
        .payouts
        .iter()
        .find(|p| p.prover == winner)
        .map_or(1, |p| p.shares);
    let settlement = EpochSettlement {
        epoch: s.epoch,
        longest: s.longest,
        pool: paid,
        dust: 0,
        payouts: vec![Payout {
            prover: winner,
            shares,
            amount: paid,
        }],
    };
    (settlement, held - paid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bid(p: u32, amount: Amount, tie: u64) -> Bid {
        Bid {
            prover: ProverId(p),
            amount,
            tie,
        }
    }

    #[test]
    fn the_reserve_is_a_part_of_the_pool_or_an_amount_no_larger() {
        assert_eq!(reserve(4_800, 10_000, None), 4_800);
        assert_eq!(reserve(4_801, 500, None), 240);
        assert_eq!(reserve(Amount::MAX, 10_000, None), Amount::MAX);
        assert_eq!(reserve(4_800, 500, Some(1_000)), 1_000);
        assert_eq!(reserve(4_800, 10_000, Some(9_000)), 4_800);
    }

    #[test]
    fn a_lone_bidder_is_paid_the_reserve() {
        let c = clear(&[bid(4, 300, 0)], 1_000).unwrap();
        assert_eq!(
            (c.winner, c.winning_bid, c.price, c.bids),
            (ProverId(4), 300, 1_000, 1)
        );
    }

    #[test]
    fn the_lowest_wins_at_the_second_price() {
        let c = clear(&[bid(1, 700, 0), bid(2, 300, 0), bid(3, 500, 0)], 1_000).unwrap();
        assert_eq!((c.winner, c.price, c.bids), (ProverId(2), 500, 3));
    }

    #[test]
    fn bids_above_the_reserve_are_void() {
        let c = clear(&[bid(1, 1_001, 0), bid(2, 900, 0)], 1_000).unwrap();
        assert_eq!((c.winner, c.price, c.bids), (ProverId(2), 1_000, 1));
        assert_eq!(clear(&[bid(1, 1_001, 0)], 1_000), None);
        assert_eq!(clear(&[], 1_000), None);
    }

    #[test]
    fn equal_bids_are_ordered_by_the_draw_and_pay_their_equal() {
        let c = clear(&[bid(1, 500, 9), bid(2, 500, 3)], 1_000).unwrap();
        assert_eq!((c.winner, c.price), (ProverId(2), 500));
    }

    #[test]
    fn the_winner_is_paid_the_price_and_the_rest_returns() {
        let s = EpochSettlement {
            epoch: 7,
            longest: 32,
            pool: 4_800,
            dust: 0,
            payouts: vec![Payout {
                prover: ProverId(2),
                shares: 100_000,
                amount: 4_800,
            }],
        };
        let (paid, returned) = winner_settlement(s.clone(), ProverId(2), 1_500);
        assert_eq!((paid.pool, returned), (1_500, 3_300));
        assert_eq!(paid.payouts[0].amount, 1_500);
        assert_eq!(paid.payouts[0].shares, 100_000);
        // A price above what the pool held pays the pool.
        let (paid, returned) = winner_settlement(s, ProverId(2), 9_000);
        assert_eq!((paid.pool, returned), (4_800, 0));
    }
}
