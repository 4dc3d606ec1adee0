//! The previous design (`mechanism = "bonded_quotes"`, docs/model.md
//! section 9): every prover posts a bond from its funds and quotes each
//! finished epoch; a proposer among the first `quote_slots` of the next
//! epoch accepts one (honest: the lowest; colluding: the one that pays it
//! most); the chosen prover proves the whole epoch or loses its bond, and
//! posts a new one if it can afford it (it leaves otherwise). Block
//! building, demand, fees, entry and exit, and outputs are the engine's;
//! the rules are `protocol::legacy`; quotes, their acceptance and delivery
//! are the agents' decisions (`agents::quoting`, each strategy's `quote`).

use std::collections::BTreeMap;

use rand::RngExt;

use crate::agents::Clearing;
use crate::agents::quoting::{OnOffer, QuoteRequest, delivers, reliability};
use crate::base::random::stream;
use crate::base::time::Time;
use crate::base::units::{HOURS_PER_RATE_YEAR, tokens};
use crate::cost::{prefix_cost, prefix_seconds};
use crate::engine::{Design, EngineError, World};
use crate::protocol::legacy::{Bonded, BondedEvent, BondedParams, BondedPayout, PPM, Quote};
use crate::protocol::{
    Amount, BlockInput, BlockNumber, Books, Epoch, EpochSettlement, Payout, Protocol,
    ProtocolError, SequencerId,
};
use crate::schema::{ProverGroup, Scenario};

/// The bonded-quotes design's state.
pub struct BondedQuotes {
    /// The rules.
    machine: Bonded,
    /// The epoch quotes were collected for, and the quotes, lowest first.
    quotes: Option<(Epoch, Vec<OnOffer>)>,
    /// Each prover's funds for bonds beyond the bond it has posted, tokens.
    funds: BTreeMap<u32, f64>,
    /// Chosen provers' proofs: epoch, prover, when it lands, whether the
    /// prover will fail to deliver.
    pending: Vec<(Epoch, u32, Time, bool)>,
    /// Proven epochs' payouts, until their rows are written.
    payouts: Vec<BondedPayout>,
    /// What each bonded prover's capital costs per epoch, tokens.
    capital_cost_per_epoch: f64,
    /// The bond, tokens.
    bond: f64,
    /// What a standby machine costs for an epoch, tokens, if one can be
    /// bought.
    standby_cost: Option<f64>,
}

impl BondedQuotes {
    /// The design with a scenario's constants.
    pub fn new(sc: &Scenario) -> Result<BondedQuotes, EngineError> {
        let b = &sc.bonded;
        let machine = Bonded::new(BondedParams {
            epoch_duration: sc.chain.epoch_duration,
            quote_slots: b.quote_slots,
            checkpoint_reward: sc.rewards.checkpoint_reward,
            distributor_funding: sc.rewards.distributor_funding,
            bond: b.bond,
        })
        .map_err(|e| EngineError::scenario(None, e))?;
        let epoch_hours = (sc.chain.epoch_duration * sc.chain.slot_duration) as f64 / 3600.0;
        Ok(BondedQuotes {
            machine,
            quotes: None,
            funds: BTreeMap::new(),
            pending: Vec::new(),
            payouts: Vec::new(),
            capital_cost_per_epoch: tokens(b.bond) * b.capital_cost_per_year * epoch_hours
                / HOURS_PER_RATE_YEAR,
            bond: tokens(b.bond),
            standby_cost: b.standby_cost_per_epoch,
        })
    }

    /// A bonded prover posts a new bond from its funds, or leaves the
    /// market if it cannot afford one.
    fn repost_bond(&mut self, w: &mut World<'_, '_, '_>, prover: u32) -> Result<(), EngineError> {
        let bond = self.bond;
        let id = w.prover_id(prover);
        let funds = self.funds.entry(prover).or_insert(0.0);
        if *funds >= bond {
            *funds -= bond;
            self.machine.post_bond(id).map_err(|e| w.protocol_err(e))?;
            return Ok(());
        }
        let have = *funds;
        self.leave(
            w,
            prover,
            format!("cannot afford a new bond ({have:.0} of {bond:.0} tokens)"),
        );
        Ok(())
    }

    /// A bonded prover leaves the market, its funds with it, saying why.
    fn leave(&mut self, w: &mut World<'_, '_, '_>, prover: u32, why: String) {
        let have = self.funds.get(&prover).copied().unwrap_or(0.0);
        let name = w.prover_name(prover);
        w.retire(prover);
        self.machine.withdraw_bond(w.prover_id(prover));
        w.event("exit", name, have, why);
    }

    /// A prover becoming active posts its first bond from its capital.
    fn first_bond(&mut self, w: &mut World<'_, '_, '_>, prover: u32) -> Result<(), EngineError> {
        let capital = tokens(w.scenario().bonded.prover_capital);
        self.funds.insert(prover, capital);
        self.repost_bond(w, prover)
    }

    /// Deadlines of this slot: an epoch nobody was chosen for, a chosen
    /// prover that did not deliver.
    fn deadlines(&mut self, w: &mut World<'_, '_, '_>, slot: u64) -> Result<(), EngineError> {
        let events = self
            .machine
            .begin_slot(slot)
            .map_err(|e| w.protocol_err(e))?;
        for ev in events {
            match ev {
                BondedEvent::NoQuote { epoch, prune } => {
                    w.event(
                        "no_quote",
                        format!("epoch {epoch}"),
                        (prune.last_block - prune.first_block + 1) as f64,
                        format!(
                            "no quote accepted in time: blocks {}..={} pruned",
                            prune.first_block, prune.last_block
                        ),
                    );
                    w.prune(prune);
                }
                BondedEvent::Slashed {
                    epoch,
                    prover,
                    bond,
                    prune,
                } => {
                    let name = w.prover_name(prover.0);
                    w.summary().slashed(tokens(bond));
                    // A loss in the prover's books of that epoch (or of the
                    // oldest still open, if its window closed first).
                    w.slashed(epoch, prover.0, tokens(bond));
                    w.event(
                        "slashed",
                        name,
                        tokens(bond),
                        format!("did not prove epoch {epoch} in time; bond lost"),
                    );
                    if let Some(p) = prune {
                        w.prune(p);
                    }
                    // It posts a new bond to stay eligible, if it can and
                    // if staying still pays it (its own decision).
                    if w.is_active(prover.0) {
                        let affordable = self.funds.get(&prover.0).is_some_and(|&f| f >= self.bond);
                        if !affordable || w.stays_after_loss(prover.0) {
                            self.repost_bond(w, prover.0)?;
                        } else {
                            self.leave(
                                w,
                                prover.0,
                                "lost its bond, and the quotes it could win no longer pay a new one"
                                    .to_string(),
                            );
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Chosen provers' proofs that have landed by now.
    fn deliveries(&mut self, w: &mut World<'_, '_, '_>) -> Result<(), EngineError> {
        let now = w.now();
        let (due, later): (Vec<_>, Vec<_>) = self.pending.drain(..).partition(|p| p.2 <= now);
        self.pending = later;
        for (epoch, prover, _, fails) in due {
            if fails {
                continue;
            }
            let id = w.prover_id(prover);
            let proved = self
                .machine
                .prove(id, epoch)
                .map_err(|e| w.protocol_err(e))?;
            let Ok(payout) = proved else {
                continue;
            };
            let income: f64 = payout.sequencers.iter().map(|(_, a)| tokens(*a)).sum();
            let kickback = tokens(payout.kickback);
            self.payouts.push(payout);
            if kickback > 0.0 {
                w.summary().kickback(kickback);
                let name = w.prover_name(prover);
                w.event(
                    "kickback",
                    name,
                    kickback,
                    format!("paid to the proposer who accepted its quote for epoch {epoch}"),
                );
            }
            w.summary().sequencer_credit(income);
            if let Some(info) = w.epoch_info_mut(epoch) {
                info.sequencer_income += income;
                info.first_proof.get_or_insert(now);
                info.full_proof.get_or_insert(now);
                info.submissions += 1;
            }
            w.submitted(epoch, prover);
            w.bridges_proven(prover, self.machine.proven_tip());
        }
        Ok(())
    }
}

impl Design for BondedQuotes {
    fn name(&self) -> &'static str {
        "bonded_quotes"
    }

    fn replayable(&self) -> bool {
        false
    }

    fn prefix_proofs(&self) -> bool {
        false
    }

    /// Every prover active at the start posts its bond.
    fn start(&mut self, w: &mut World<'_, '_, '_>) -> Result<(), EngineError> {
        for p in w.live() {
            if w.is_active(p) {
                self.first_bond(w, p)?;
            }
        }
        Ok(())
    }

    /// Deadlines (no quote, a chosen prover that failed), then the chosen
    /// provers' proofs that have landed.
    fn begin_slot(&mut self, w: &mut World<'_, '_, '_>, slot: u64) -> Result<(), EngineError> {
        self.deadlines(w, slot)?;
        self.deliveries(w)
    }

    /// Every active bonded prover quotes the epoch that ended (its strategy
    /// prices the quote); a seeded draw orders equal quotes.
    fn epoch_start(&mut self, w: &mut World<'_, '_, '_>, epoch: Epoch) {
        let Some(e) = epoch.checked_sub(1) else {
            return;
        };
        let Some(info) = w.epoch_info(e) else {
            return;
        };
        let sc = w.scenario();
        let ed = sc.chain.epoch_duration;
        let req = QuoteRequest {
            txs: info.live_txs,
            blocks: info.live_blocks(),
            value: info.value,
            bond: tokens(sc.bonded.bond),
            deadline: ((e + 2) * ed - sc.bonded.quote_slots.min(ed)) * w.slot_ms(),
            margin: sc.bonded.quote_margin,
            kickback_share: sc.bonded.kickback_share,
        };
        if req.blocks == 0 || req.value <= 0.0 {
            return;
        }
        let mut order = stream(sc.seed, "quote-order", e);
        let mut quotes: Vec<OnOffer> = Vec::new();
        for i in w.live() {
            if !w.is_active(i) || !self.machine.is_bonded(w.prover_id(i)) {
                continue;
            }
            let mut offer = None;
            w.call_prover(i, |s, ctx| offer = s.quote(ctx, &req));
            let tie = order.random::<u64>();
            if let Some(offer) = offer {
                quotes.push(OnOffer {
                    offer,
                    prover: i,
                    tie,
                });
            }
        }
        quotes.sort_by_key(|q| (q.offer.ppm, q.tie));
        if let (Some(lo), Some(hi)) = (quotes.first(), quotes.last()) {
            w.event(
                "quotes",
                format!("epoch {e}"),
                lo.offer.ppm as f64,
                format!(
                    "{} quotes from {} to {} ppm of {:.1} tokens",
                    quotes.len(),
                    lo.offer.ppm,
                    hi.offer.ppm,
                    req.value
                ),
            );
        }
        self.quotes = Some((e, quotes));
    }

    /// The proposer of a slot among the first `quote_slots` of an epoch
    /// accepts a quote for the previous one, if none is accepted yet.
    fn proposer_turn(
        &mut self,
        w: &mut World<'_, '_, '_>,
        proposer: usize,
    ) -> Result<(), EngineError> {
        let Some((e, quotes)) = self.quotes.clone() else {
            return Ok(());
        };
        if quotes.is_empty() || self.machine.accepted(e).is_some() {
            return Ok(());
        }
        let lowest = quotes[0].offer.ppm;
        let Some(chosen) = w.sequencer(proposer).acceptance.choose(&quotes) else {
            return Ok(());
        };
        let quote = Quote {
            prover: w.prover_id(chosen.prover),
            ppm: chosen.offer.ppm,
            kickback_ppm: chosen.offer.kickback_ppm,
        };
        if self
            .machine
            .accept(quote, SequencerId(proposer as u32))
            .is_err()
        {
            return Ok(());
        }
        // The sale is public: entrants and incumbents value the market by
        // it (a first-price sale, quotes marked up around the margin).
        let margin = w.scenario().bonded.quote_margin;
        if let Some(info) = w.epoch_info_mut(e) {
            let of_value = |ppm: u64| ppm as f64 / PPM as f64 * info.value;
            info.clearing = Some(Clearing::first_price(
                quote.prover,
                of_value(lowest),
                of_value(quote.ppm),
                margin,
            ));
        }
        let seq_name = w.sequencer(proposer).name.clone();
        let prover_name = w.prover_name(chosen.prover);
        w.event(
            "quote_accepted",
            prover_name,
            quote.ppm as f64,
            format!(
                "{seq_name} accepted {} ppm for epoch {e} (lowest {lowest} ppm; kickback {} ppm)",
                quote.ppm, quote.kickback_ppm
            ),
        );
        // Provers who offered a kickback learn whether it was taken.
        for q in quotes.iter().filter(|q| q.offer.kickback_ppm > 0) {
            let taken = q.prover == chosen.prover;
            w.call_prover(q.prover, |s, ctx| s.on_quote_outcome(ctx, taken));
        }
        let (txs, blocks) = w
            .epoch_info(e)
            .map_or((0, 0), |i| (i.live_txs, i.live_blocks()));
        // The chosen prover proves now; it lands after its job and the L1.
        let prover = chosen.prover;
        let group = w.prover_values(prover);
        let (seconds, fee) = (prefix_seconds(group, txs, blocks), group.priority_fee_gwei);
        let cost = prefix_cost(group, seconds) + w.view().submission_cost(fee);
        let sent = w.now() + (seconds * 1000.0).round() as Time;
        let delay = w.inclusion_delay(fee, sent);
        let (bond, standby) = (self.bond, self.standby_cost);
        let (values, rng) = w.prover_mut(prover);
        let (delivered, standby_spent) = delivers(values, bond, standby, rng);
        let fails = !delivered;
        // A standby machine is paid for whether or not it is needed.
        w.charge(e, prover, cost + standby_spent);
        let at = w.now() + ((seconds + delay) * 1000.0).round() as Time;
        self.pending.push((e, prover, at, fails));
        Ok(())
    }

    fn add_block(
        &mut self,
        _protocol: &mut Protocol,
        block: BlockInput,
    ) -> Result<BlockNumber, ProtocolError> {
        self.machine.add_block(block)
    }

    /// A proven block mints the reward in force: the design has no
    /// distributor that runs dry.
    fn distributor_limits_mint(&self) -> bool {
        false
    }

    /// An epoch's payout as a settlement with one paid prover.
    fn settlement(&mut self, _w: &mut World<'_, '_, '_>, e: Epoch) -> Option<EpochSettlement> {
        let i = self.payouts.iter().position(|p| p.epoch == e)?;
        let p = self.payouts.swap_remove(i);
        Some(EpochSettlement {
            epoch: e,
            longest: p.blocks,
            pool: p.prover,
            dust: 0,
            payouts: vec![Payout {
                prover: p.prover_id,
                shares: 1,
                amount: p.prover,
            }],
        })
    }

    fn proven_tip(&self, _protocol: &Protocol) -> BlockNumber {
        self.machine.proven_tip()
    }

    /// The books in the permissionless shape (no dust, nothing unsettled).
    fn books(&self, _protocol: &Protocol) -> Books {
        let b = self.machine.books();
        Books {
            minted: b.minted,
            fees: b.fees,
            burnt: b.burnt,
            paid_sequencers: b.paid_sequencers,
            paid_provers: b.paid_provers,
            dust: 0,
            unsettled: 0,
            returned: 0,
        }
    }

    fn capital_locked(&self) -> Option<f64> {
        Some(tokens(self.machine.books().bonded))
    }

    /// Its bond's capital is a cost of being in the market, like its
    /// hardware's.
    fn add_market_costs(&self, values: &mut ProverGroup) {
        values.capital_cost_per_epoch += self.capital_cost_per_epoch;
    }

    /// Its bond's capital, and the bond it expects to lose: its own chance
    /// of failing an epoch it wins, winning one in as many as would then
    /// quote.
    fn entry_capital_cost(&self, values: &ProverGroup, rivals: f64) -> f64 {
        let downtime = reliability(values.uptime, self.bond, self.standby_cost);
        self.capital_cost_per_epoch + downtime.expected_cost / rivals
    }

    fn prover_activated(
        &mut self,
        w: &mut World<'_, '_, '_>,
        prover: u32,
    ) -> Result<(), EngineError> {
        self.first_bond(w, prover)
    }

    /// Its bond is returned.
    fn prover_left(&mut self, w: &World<'_, '_, '_>, prover: u32) {
        self.machine.withdraw_bond(w.prover_id(prover));
    }

    /// The profit adds to its funds for bonds.
    fn prover_profit(&mut self, prover: u32, profit: f64) {
        *self.funds.entry(prover).or_insert(0.0) += profit;
    }

    /// The previous design mints the reward in force too.
    fn reward_changed(&mut self, reward: Amount) {
        self.machine.set_checkpoint_reward(reward);
    }
}
