//! The reverse auction (`mechanism = "auction"`, docs/model.md section
//! 14): at the end of each epoch every willing prover posts a sealed bid
//! for proving it whole; the lowest wins the exclusive right to prove it
//! for `exclusive_slots` and, if its proof lands in time, is paid the
//! second-lowest bid (or the reserve when it bid alone), the rest of the
//! pool going back to the distributor; if not, it loses its bond and the
//! epoch opens to anyone under the permissionless rules with the whole
//! pool. The rules are `protocol::auction`; bids, and what a winner and a
//! fallback prover do, are the agents' (`agents::bidding`).

use std::collections::BTreeMap;

use rand::RngExt;

use crate::agents::Clearing;
use crate::agents::bidding::BidRequest;
use crate::base::random::stream;
use crate::base::units::{UNITS_PER_TOKEN, tokens};
use crate::engine::{Design, EngineError, World};
use crate::metrics::Summary;
use crate::metrics::designs::AuctionAcc;
use crate::protocol::auction::{Bid, clear, reserve, winner_settlement};
use crate::protocol::{Amount, Books, Epoch, EpochSettlement, Protocol, Slot};
use crate::schema::{AuctionConfig, ProverGroup, Scenario};

/// Where an epoch stands in its auction.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Stage {
    /// Its winner alone may prove it until slot `until`.
    Exclusive {
        winner: u32,
        price: Amount,
        until: Slot,
    },
    /// Its winner proved it in the window: it alone is paid, the price.
    Delivered { winner: u32, price: Amount },
    /// Anyone may prove it (nobody bid, or the winner missed its window).
    Open,
}

/// The auction's state.
pub struct Auction {
    config: AuctionConfig,
    /// Epochs auctioned and not yet settled.
    stages: BTreeMap<Epoch, Stage>,
    /// Pools given back to the distributor so far.
    returned: Amount,
    acc: AuctionAcc,
}

/// Tokens as smallest units, rounded up (a bid never falls below its
/// price in tokens).
fn units(t: f64) -> Amount {
    (t * UNITS_PER_TOKEN).ceil().clamp(0.0, Amount::MAX as f64) as Amount
}

impl Auction {
    /// The design with a scenario's constants.
    pub fn new(sc: &Scenario) -> Auction {
        Auction {
            config: sc.auction(),
            stages: BTreeMap::new(),
            returned: 0,
            acc: AuctionAcc::default(),
        }
    }

    /// Every active prover but `except` is asked whether it proves epoch
    /// `e`, which is now open to anyone.
    fn fall_back(w: &mut World<'_, '_, '_>, e: Epoch, except: Option<u32>) {
        w.call_active(except, |s, ctx| s.on_fallback(ctx, e));
    }

    /// Auctions epoch `e`, which has just ended.
    fn auction(&mut self, w: &mut World<'_, '_, '_>, e: Epoch) {
        let Some(info) = w.epoch_info(e) else {
            return;
        };
        let (txs, blocks, pool) = (info.live_txs, info.live_blocks(), info.pool_estimate);
        if blocks == 0 {
            self.stages.insert(e, Stage::Open);
            return;
        }
        let reserve = reserve(
            units(pool.max(0.0)),
            self.config.reserve_bps,
            self.config.reserve,
        );
        let ed = w.scenario().chain.epoch_duration;
        let until = (e + 1) * ed + self.config.exclusive_slots;
        let req = BidRequest {
            epoch: e,
            txs,
            blocks,
            pool,
            reserve: tokens(reserve),
            bond: tokens(self.config.bond),
            deadline: w.view().slot_time(until),
            forfeit_rate: self.acc.forfeit_rate(),
        };
        let mut order = stream(w.scenario().seed, "auction-order", e);
        let mut bids: Vec<(u32, Bid)> = Vec::new();
        for p in w.live() {
            if !w.is_active(p) {
                continue;
            }
            let tie = order.random::<u64>();
            let mut offer = None;
            w.call_prover(p, |s, ctx| offer = s.bid(ctx, &req));
            if let Some(b) = offer {
                let bid = Bid {
                    prover: w.prover_id(p),
                    amount: units(b),
                    tie,
                };
                let name = w.prover_name(p);
                w.event("bid", name, b, format!("to prove epoch {e} whole"));
                bids.push((p, bid));
            }
        }
        let sealed: Vec<Bid> = bids.iter().map(|(_, b)| *b).collect();
        let Some(c) = clear(&sealed, reserve) else {
            self.acc.auctioned(0, None);
            self.stages.insert(e, Stage::Open);
            w.event(
                "fallback",
                format!("epoch {e}"),
                0.0,
                format!(
                    "no bid at or below the reserve ({:.3} tokens): open to anyone",
                    tokens(reserve)
                ),
            );
            Self::fall_back(w, e, None);
            return;
        };
        let winner = bids
            .iter()
            .find(|(_, b)| b.prover == c.winner)
            .map(|(p, _)| *p)
            .expect("the winner bid");
        self.acc
            .auctioned(c.bids, Some((tokens(c.winning_bid), tokens(c.price))));
        self.stages.insert(
            e,
            Stage::Exclusive {
                winner,
                price: c.price,
                until,
            },
        );
        if let Some(info) = w.epoch_info_mut(e) {
            info.clearing = Some(Clearing::second_price(
                c.winner,
                tokens(c.winning_bid),
                tokens(c.price),
            ));
        }
        let name = w.prover_name(winner);
        let paid_as = if c.bids > 1 { "second bid" } else { "reserve" };
        w.event(
            "auction_won",
            name,
            tokens(c.price),
            format!(
                "epoch {e}: {} bids, lowest {:.3} tokens; paid the {paid_as}, {:.3} tokens, \
                 if its proof lands by slot {until}",
                c.bids,
                tokens(c.winning_bid),
                tokens(c.price)
            ),
        );
        w.call_prover(winner, |s, ctx| {
            s.on_auction_won(ctx, e);
        });
    }

    /// Windows that end at `slot`: a winner who proved the epoch whole keeps
    /// it; one who did not loses its bond, and the epoch falls back.
    fn windows(&mut self, w: &mut World<'_, '_, '_>, slot: Slot) {
        let due: Vec<(Epoch, u32, Amount)> = self
            .stages
            .iter()
            .filter_map(|(&e, s)| match *s {
                Stage::Exclusive {
                    winner,
                    price,
                    until,
                } if until <= slot => Some((e, winner, price)),
                _ => None,
            })
            .collect();
        for (e, winner, price) in due {
            let id = w.prover_id(winner);
            let delivered = w.epoch_info(e).is_some_and(|i| {
                let blocks = i.live_blocks();
                blocks > 0 && w.view().protocol.registered(e, blocks, id)
            });
            if delivered {
                self.stages.insert(e, Stage::Delivered { winner, price });
                continue;
            }
            let bond = tokens(self.config.bond);
            self.stages.insert(e, Stage::Open);
            self.acc.forfeit(bond);
            w.summary().slashed(bond);
            w.slashed(e, winner, bond);
            let name = w.prover_name(winner);
            w.event(
                "forfeit",
                name,
                bond,
                format!("did not prove epoch {e} by slot {slot}; bond lost"),
            );
            w.event(
                "fallback",
                format!("epoch {e}"),
                1.0,
                "its winner missed the window: open to anyone".into(),
            );
            Self::fall_back(w, e, Some(winner));
        }
    }
}

impl Design for Auction {
    fn name(&self) -> &'static str {
        "auction"
    }

    fn replayable(&self) -> bool {
        false
    }

    /// No proof of an epoch before its auction: bridgers wait for the whole
    /// epoch.
    fn prefix_proofs(&self) -> bool {
        false
    }

    fn begin_slot(&mut self, w: &mut World<'_, '_, '_>, slot: u64) -> Result<(), EngineError> {
        w.protocol_begin_slot(slot)?;
        self.windows(w, slot);
        Ok(())
    }

    /// The epoch that ended goes to auction.
    fn epoch_start(&mut self, w: &mut World<'_, '_, '_>, epoch: Epoch) {
        if let Some(e) = epoch.checked_sub(1) {
            self.auction(w, e);
        }
    }

    /// A winner who delivered is paid the price; otherwise the
    /// permissionless settlement stands.
    fn settlement(&mut self, w: &mut World<'_, '_, '_>, e: Epoch) -> Option<EpochSettlement> {
        let s = w.take_protocol_settlement(e)?;
        let Some(Stage::Delivered { winner, price }) = self.stages.remove(&e) else {
            return Some(s);
        };
        let (paid, returned) = winner_settlement(s, w.prover_id(winner), price);
        self.returned += returned;
        let to_winner = paid.pool - paid.dust;
        self.acc.paid(tokens(to_winner), tokens(returned));
        let name = w.prover_name(winner);
        w.event(
            "auction_paid",
            name,
            tokens(to_winner),
            format!(
                "epoch {e}: paid its price; {:.3} tokens of the pool back to the distributor",
                tokens(returned)
            ),
        );
        Some(paid)
    }

    /// The protocol's books, with what winners were not paid moved from the
    /// provers' pay to the distributor.
    fn books(&self, protocol: &Protocol) -> Books {
        let mut b = *protocol.books();
        b.paid_provers -= self.returned;
        b.returned = self.returned;
        b
    }

    /// The bond it expects to lose: its chance of failing an epoch it wins,
    /// winning one in as many as would then bid.
    fn entry_capital_cost(&self, values: &ProverGroup, rivals: f64) -> f64 {
        (1.0 - values.uptime) * tokens(self.config.bond) / rivals
    }

    /// Only the winner may prove an auctioned epoch in its window (and
    /// after, if it delivered); nobody may prove an epoch before its
    /// auction.
    fn admits(&mut self, _w: &mut World<'_, '_, '_>, prover: u32, e: Epoch) -> bool {
        match self.stages.get(&e) {
            None => false,
            Some(Stage::Exclusive { winner, .. } | Stage::Delivered { winner, .. }) => {
                *winner == prover
            }
            Some(Stage::Open) => true,
        }
    }

    fn report(&self, summary: &mut Summary) {
        summary.auction = Some(self.acc.summary());
    }
}
