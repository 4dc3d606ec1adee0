//! What only one design has to report: the fee market's controller path
//! and the auction's bids, prices, forfeits and fallbacks (docs/model.md
//! section 14). Each design fills its part at the end of a run; the
//! summary writes it only when that design ran.

use serde::Serialize;

/// The fee market's controller over a run, tokens per block.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct FeeMarketSummary {
    /// The checkpoint reward at genesis.
    pub reward_start: f64,
    /// The checkpoint reward at the end.
    pub reward_end: f64,
    /// The lowest the controller set.
    pub reward_min: f64,
    /// The highest the controller set.
    pub reward_max: f64,
    /// The mean over the controller's steps (the reward after each).
    pub reward_mean: f64,
    /// Steps that raised the reward (late or pruned epochs).
    pub steps_up: u64,
    /// Steps that lowered it (early epochs with enough provers).
    pub steps_down: u64,
    /// Epochs that held it.
    pub holds: u64,
}

/// Accumulates the controller's path.
#[derive(Clone, Debug, Default)]
pub struct FeeMarketAcc {
    summary: FeeMarketSummary,
    sum: f64,
    steps: u64,
}

impl FeeMarketAcc {
    /// Starts at the genesis reward, tokens.
    pub fn new(start: f64) -> FeeMarketAcc {
        FeeMarketAcc {
            summary: FeeMarketSummary {
                reward_start: start,
                reward_end: start,
                reward_min: start,
                reward_max: start,
                reward_mean: start,
                ..FeeMarketSummary::default()
            },
            sum: 0.0,
            steps: 0,
        }
    }

    /// A step to `reward` tokens, up (`Some(true)`), down or held (`None`).
    pub fn step(&mut self, reward: f64, up: Option<bool>) {
        let s = &mut self.summary;
        match up {
            Some(true) => s.steps_up += 1,
            Some(false) => s.steps_down += 1,
            None => s.holds += 1,
        }
        s.reward_end = reward;
        s.reward_min = s.reward_min.min(reward);
        s.reward_max = s.reward_max.max(reward);
        self.sum += reward;
        self.steps += 1;
    }

    /// The summary so far.
    pub fn summary(&self) -> FeeMarketSummary {
        let mut s = self.summary.clone();
        if self.steps > 0 {
            s.reward_mean = self.sum / self.steps as f64;
        }
        s
    }
}

/// The auction over a run.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct AuctionSummary {
    /// Epochs auctioned (with blocks to prove).
    pub epochs: u64,
    /// Epochs with a winner.
    pub won: u64,
    /// Epochs without a valid bid (open to anyone at once).
    pub no_bid: u64,
    /// Mean valid bids per auctioned epoch.
    pub mean_bids: f64,
    /// Mean winning bid, tokens.
    pub mean_winning_bid: f64,
    /// Mean price a winner was to be paid (the second bid or the reserve),
    /// tokens.
    pub mean_price: f64,
    /// Epochs whose winner lost its bond (its proof missed the window).
    pub forfeits: u64,
    /// Forfeits over epochs with a winner.
    pub forfeit_rate: f64,
    /// Epochs opened to the fallback pool (no bid, or a forfeit).
    pub fallbacks: u64,
    /// Fallbacks over epochs auctioned.
    pub fallback_rate: f64,
    /// Paid to winners who delivered, tokens.
    pub paid_to_winners: f64,
    /// Pools given back to the distributor, tokens.
    pub returned: f64,
    /// Bonds lost, tokens.
    pub bonds_forfeited: f64,
}

/// Accumulates the auction's figures.
#[derive(Clone, Debug, Default)]
pub struct AuctionAcc {
    summary: AuctionSummary,
    bids: u64,
    winning_bids: f64,
    prices: f64,
}

impl AuctionAcc {
    /// An epoch auctioned: its valid bids, and the winning bid and price
    /// if there was a winner, tokens.
    pub fn auctioned(&mut self, bids: usize, won: Option<(f64, f64)>) {
        let s = &mut self.summary;
        s.epochs += 1;
        self.bids += bids as u64;
        match won {
            Some((bid, price)) => {
                s.won += 1;
                self.winning_bids += bid;
                self.prices += price;
            }
            None => {
                s.no_bid += 1;
                s.fallbacks += 1;
            }
        }
    }

    /// A winner lost its bond of `bond` tokens; the epoch fell back.
    pub fn forfeit(&mut self, bond: f64) {
        self.summary.forfeits += 1;
        self.summary.fallbacks += 1;
        self.summary.bonds_forfeited += bond;
    }

    /// A winner who delivered was paid `paid` tokens and `returned` went
    /// back to the distributor.
    pub fn paid(&mut self, paid: f64, returned: f64) {
        self.summary.paid_to_winners += paid;
        self.summary.returned += returned;
    }

    /// The share of won epochs whose winner failed so far (0 before any).
    pub fn forfeit_rate(&self) -> f64 {
        let s = &self.summary;
        if s.won == 0 {
            0.0
        } else {
            s.forfeits as f64 / s.won as f64
        }
    }

    /// The summary so far.
    pub fn summary(&self) -> AuctionSummary {
        let mut s = self.summary.clone();
        let per = |x: f64, n: u64| if n > 0 { x / n as f64 } else { 0.0 };
        s.mean_bids = per(self.bids as f64, s.epochs);
        s.mean_winning_bid = per(self.winning_bids, s.won);
        s.mean_price = per(self.prices, s.won);
        s.forfeit_rate = self.forfeit_rate();
        s.fallback_rate = per(s.fallbacks as f64, s.epochs);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_controller_path_keeps_its_extremes_and_mean() {
        let mut a = FeeMarketAcc::new(400.0);
        a.step(450.0, Some(true));
        a.step(430.0, Some(false));
        a.step(430.0, None);
        let s = a.summary();
        assert_eq!(
            (s.reward_min, s.reward_max, s.reward_end),
            (400.0, 450.0, 430.0)
        );
        assert_eq!((s.steps_up, s.steps_down, s.holds), (1, 1, 1));
        assert!((s.reward_mean - 1310.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn the_auction_rates_count_over_their_own_denominators() {
        let mut a = AuctionAcc::default();
        a.auctioned(3, Some((10.0, 20.0)));
        a.auctioned(1, Some((30.0, 40.0)));
        a.auctioned(0, None);
        a.forfeit(5.0);
        let s = a.summary();
        assert_eq!(
            (s.epochs, s.won, s.no_bid, s.forfeits, s.fallbacks),
            (3, 2, 1, 1, 2)
        );
        assert_eq!((s.mean_winning_bid, s.mean_price), (20.0, 30.0));
        assert_eq!(s.forfeit_rate, 0.5);
        assert!((s.fallback_rate - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.mean_bids - 4.0 / 3.0).abs() < 1e-12);
    }
}
