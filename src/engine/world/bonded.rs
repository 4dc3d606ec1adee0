//! The previous design in the engine (`mechanism = "bonded_quotes"`): every
//! prover posts a bond from its funds and quotes each finished epoch; a
//! proposer among the first `quote_slots` of the next epoch accepts one
//! (honest: the lowest; colluding: the one that pays it most); the chosen
//! prover proves the whole epoch or loses its bond, and posts a new one if
//! it can afford it (it leaves otherwise). Block building, demand, fees,
//! entry and exit, and outputs are the engine's own; the rules are
//! `protocol::legacy`; quotes, their acceptance and delivery are the
//! agents' decisions (`agents::quoting`, each strategy's `quote`).

use std::collections::BTreeMap;

use rand::RngExt;

use super::{Engine, EngineError, Phase};
use crate::agents::quoting::{OnOffer, QuoteRequest, delivers};
use crate::base::random::stream;
use crate::base::time::Time;
use crate::base::units::tokens;
use crate::cost::{prefix_cost, prefix_seconds};
use crate::protocol::legacy::{Bonded, BondedEvent, BondedParams, BondedPayout, Quote};
use crate::protocol::{Books, Epoch, EpochSettlement, Payout, SequencerId};
use crate::scenario::{Mechanism, Scenario};

/// The bonded design's state inside the engine.
pub(crate) struct BondedMode {
    /// The rules.
    pub machine: Bonded,
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
    pub capital_cost_per_epoch: f64,
}

impl BondedMode {
    /// The bonded mode of a scenario, if it runs that design.
    pub fn for_scenario(sc: &Scenario) -> Result<Option<BondedMode>, EngineError> {
        if sc.mechanism != Mechanism::BondedQuotes {
            return Ok(None);
        }
        let b = &sc.bonded;
        let machine = Bonded::new(BondedParams {
            epoch_duration: sc.chain.epoch_duration,
            quote_slots: b.quote_slots,
            checkpoint_reward: sc.rewards.checkpoint_reward,
            distributor_funding: sc.rewards.distributor_funding,
            bond: b.bond,
        })
        .map_err(|e| EngineError::Scenario(e.to_string()))?;
        let epoch_hours = (sc.chain.epoch_duration * sc.chain.slot_duration) as f64 / 3600.0;
        Ok(Some(BondedMode {
            machine,
            quotes: None,
            funds: BTreeMap::new(),
            pending: Vec::new(),
            payouts: Vec::new(),
            capital_cost_per_epoch: tokens(b.bond) * b.capital_cost_per_year * epoch_hours
                / (365.0 * 24.0),
        }))
    }

    /// The books in the permissionless shape (no dust, nothing unsettled).
    pub fn books(&self) -> Books {
        let b = self.machine.books();
        Books {
            minted: b.minted,
            fees: b.fees,
            burnt: b.burnt,
            paid_sequencers: b.paid_sequencers,
            paid_provers: b.paid_provers,
            dust: 0,
            unsettled: 0,
        }
    }

    /// An epoch's payout as a settlement with one paid prover.
    pub fn settlement(&mut self, epoch: Epoch) -> Option<EpochSettlement> {
        let i = self.payouts.iter().position(|p| p.epoch == epoch)?;
        let p = self.payouts.swap_remove(i);
        Some(EpochSettlement {
            epoch,
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
}

impl Engine<'_, '_> {
    /// Every prover active at the start posts its bond.
    pub(super) fn post_bonds(&mut self) -> Result<(), EngineError> {
        if self.bonded.is_none() {
            return Ok(());
        }
        for p in self.live.clone() {
            if self.provers[p as usize].phase == Phase::Active {
                self.first_bond(p)?;
            }
        }
        Ok(())
    }

    /// A slot start: deadlines (no quote, a chosen prover that failed), then
    /// the chosen prover's proof if it has landed.
    pub(super) fn bonded_slot_start(&mut self, slot: u64) -> Result<(), EngineError> {
        let b = self.bonded.as_mut().expect("bonded mode");
        let events = b
            .machine
            .begin_slot(slot)
            .map_err(|e| EngineError::Protocol { slot, error: e })?;
        for ev in events {
            match ev {
                BondedEvent::NoQuote { epoch, prune } => {
                    self.event(
                        "no_quote",
                        format!("epoch {epoch}"),
                        (prune.last_block - prune.first_block + 1) as f64,
                        format!(
                            "no quote accepted in time: blocks {}..={} pruned",
                            prune.first_block, prune.last_block
                        ),
                    );
                    self.sink.prunes.push(prune);
                }
                BondedEvent::Slashed {
                    epoch,
                    prover,
                    bond,
                    prune,
                } => {
                    let name = self.provers[prover.0 as usize].name;
                    self.acc.slashed(tokens(bond));
                    // A loss in the prover's books of that epoch (or of the
                    // oldest still open, if its window closed first).
                    let open = (slot / self.ed).saturating_sub(self.pse + 1);
                    self.accounts
                        .slashed(epoch.max(open), prover.0, tokens(bond));
                    self.event(
                        "slashed",
                        name,
                        tokens(bond),
                        format!("did not prove epoch {epoch} in time; bond lost"),
                    );
                    if let Some(p) = prune {
                        self.sink.prunes.push(p);
                    }
                    // It posts a new bond to stay eligible, if it can.
                    if self.provers[prover.0 as usize].phase == Phase::Active {
                        self.repost_bond(prover.0)?;
                    }
                }
            }
        }
        let now = self.now;
        let b = self.bonded.as_mut().expect("bonded mode");
        let (due, later): (Vec<_>, Vec<_>) = b.pending.drain(..).partition(|p| p.2 <= now);
        b.pending = later;
        for (epoch, prover, _, fails) in due {
            if fails {
                continue;
            }
            let id = self.provers[prover as usize].id;
            let b = self.bonded.as_mut().expect("bonded mode");
            let proved = b
                .machine
                .prove(id, epoch)
                .map_err(|e| EngineError::Protocol { slot, error: e })?;
            let Ok(payout) = proved else {
                continue;
            };
            let income: f64 = payout.sequencers.iter().map(|(_, a)| tokens(*a)).sum();
            let kickback = tokens(payout.kickback);
            b.payouts.push(payout);
            if kickback > 0.0 {
                self.acc.kickback(kickback);
                let name = self.provers[prover as usize].name;
                self.event(
                    "kickback",
                    name,
                    kickback,
                    format!("paid to the proposer who accepted its quote for epoch {epoch}"),
                );
            }
            self.acc.sequencer_credit(income);
            if let Some(info) = self.info_mut(epoch) {
                info.sequencer_income += income;
                info.first_proof.get_or_insert(now);
                info.full_proof.get_or_insert(now);
                info.submissions += 1;
            }
            self.accounts.submission(epoch, prover);
            self.bridges_proven(prover);
        }
        Ok(())
    }

    /// At an epoch start, every active bonded prover quotes the epoch that
    /// ended (its strategy prices the quote); a seeded draw orders equal
    /// quotes.
    pub(super) fn collect_quotes(&mut self, epoch: Epoch) {
        let Some(e) = epoch.checked_sub(1) else {
            return;
        };
        let Some(info) = self.epochs.iter().find(|i| i.epoch == e) else {
            return;
        };
        let req = QuoteRequest {
            txs: info.live_txs,
            blocks: info.live_blocks(),
            value: info.value,
            bond: tokens(self.sc.bonded.bond),
            deadline: ((e + 2) * self.ed - self.sc.bonded.quote_slots.min(self.ed)) * self.slot_ms,
            margin: self.sc.bonded.quote_margin,
            kickback_share: self.sc.bonded.kickback_share,
        };
        if req.blocks == 0 || req.value <= 0.0 {
            return;
        }
        let mut order = stream(self.sc.seed, "quote-order", e);
        let mut quotes: Vec<OnOffer> = Vec::new();
        for i in self.live.clone() {
            let id = self.provers[i as usize].id;
            let bonded = self
                .bonded
                .as_ref()
                .is_some_and(|b| b.machine.is_bonded(id));
            if self.provers[i as usize].phase != Phase::Active || !bonded {
                continue;
            }
            let mut offer = None;
            self.call_prover(i, |s, ctx| offer = s.quote(ctx, &req));
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
            self.event(
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
        if let Some(b) = &mut self.bonded {
            b.quotes = Some((e, quotes));
        }
    }

    /// The proposer of a slot among the first `quote_slots` of an epoch
    /// accepts a quote for the previous one, if none is accepted yet.
    pub(super) fn offer_quote(&mut self, proposer: usize) -> Result<(), EngineError> {
        let Some(b) = &self.bonded else {
            return Ok(());
        };
        let Some((e, quotes)) = b.quotes.clone() else {
            return Ok(());
        };
        if quotes.is_empty() || b.machine.accepted(e).is_some() {
            return Ok(());
        }
        let lowest = quotes[0].offer.ppm;
        let Some(chosen) = self.sequencers.all[proposer].acceptance.choose(&quotes) else {
            return Ok(());
        };
        let id = self.provers[chosen.prover as usize].id;
        let quote = Quote {
            prover: id,
            ppm: chosen.offer.ppm,
            kickback_ppm: chosen.offer.kickback_ppm,
        };
        let b = self.bonded.as_mut().expect("bonded mode");
        if b.machine
            .accept(quote, SequencerId(proposer as u32))
            .is_err()
        {
            return Ok(());
        }
        let seq_name = self.sequencers.all[proposer].name.clone();
        let prover_name = self.provers[chosen.prover as usize].name;
        self.event(
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
            self.call_prover(q.prover, |s, ctx| s.on_quote_outcome(ctx, taken));
        }
        let (txs, blocks) = self
            .epochs
            .iter()
            .find(|i| i.epoch == e)
            .map_or((0, 0), |i| (i.live_txs, i.live_blocks()));
        // The chosen prover proves now; it lands after its job and the L1.
        let prover = chosen.prover;
        let group = &self.provers[prover as usize].values;
        let seconds = prefix_seconds(group, txs, blocks);
        let cost =
            prefix_cost(group, seconds) + self.view().submission_cost(group.priority_fee_gwei);
        self.accounts.cost(e, prover, cost);
        let going = self.blocks.going_priority_gwei();
        let fee = self.provers[prover as usize].values.priority_fee_gwei;
        let delay = self.l1.inclusion_delay(fee, going);
        let agent = &mut self.provers[prover as usize];
        let fails = !delivers(&agent.values, &mut agent.rng);
        let at = self.now + ((seconds + delay) * 1000.0).round() as Time;
        let b = self.bonded.as_mut().expect("bonded mode");
        b.pending.push((e, prover, at, fails));
        Ok(())
    }

    /// A bonded prover posts a new bond from its funds, or leaves the
    /// market if it cannot afford one.
    fn repost_bond(&mut self, prover: u32) -> Result<(), EngineError> {
        let bond = tokens(self.sc.bonded.bond);
        let id = self.provers[prover as usize].id;
        let b = self.bonded.as_mut().expect("bonded mode");
        let funds = b.funds.entry(prover).or_insert(0.0);
        if *funds >= bond {
            *funds -= bond;
            b.machine.post_bond(id).map_err(|e| EngineError::Protocol {
                slot: self.slot,
                error: e,
            })?;
            return Ok(());
        }
        let (have, name) = (*funds, self.provers[prover as usize].name);
        self.leave(prover);
        self.event(
            "exit",
            name,
            have,
            format!("cannot afford a new bond ({have:.0} of {bond:.0} tokens)"),
        );
        Ok(())
    }

    /// A prover becoming active under bonded quotes posts its first bond.
    pub(super) fn first_bond(&mut self, prover: u32) -> Result<(), EngineError> {
        let capital = tokens(self.sc.bonded.prover_capital);
        if let Some(b) = &mut self.bonded {
            b.funds.insert(prover, capital);
        }
        self.repost_bond(prover)
    }

    /// A prover's profit for an epoch adds to its funds for bonds.
    pub(super) fn bonded_profit(&mut self, prover: u32, profit: f64) {
        if let Some(b) = &mut self.bonded {
            *b.funds.entry(prover).or_insert(0.0) += profit;
        }
    }
}
