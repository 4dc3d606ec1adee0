//! The previous design's decisions (docs/model.md section 9): what a bonded
//! prover quotes for an epoch, whether it delivers, and which quote a
//! proposer accepts. The engine collects the quotes and carries out the
//! acceptance; a prover's quote is its strategy's (see
//! [`super::ProverStrategy::quote`]).

use rand::RngExt;

use crate::base::random::Stream;
use crate::base::time::Time;
use crate::protocol::legacy::PPM;
use crate::schema::ProverGroup;

use super::ProverCtx;
use super::jobs::hardware_cost_by;

/// An epoch to quote for, as provers see it.
#[derive(Copy, Clone, Debug)]
pub struct QuoteRequest {
    /// Its transactions still on the chain.
    pub txs: u64,
    /// Its blocks still on the chain.
    pub blocks: u64,
    /// What its blocks are worth proven, tokens.
    pub value: f64,
    /// The bond a chosen prover loses if it fails, tokens.
    pub bond: f64,
    /// When the chosen prover's proof must have landed (ms).
    pub deadline: Time,
    /// The markup provers put on their cost, as a part of it.
    pub margin: f64,
    /// The part of a kickback quote's excess over its honest quote that a
    /// colluding prover pays back to the proposer who accepts it.
    pub kickback_share: f64,
}

/// A prover's quote.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// Its fee, parts per million of the epoch's value.
    pub ppm: u64,
    /// What it pays back to the accepting proposer, parts per million of
    /// the epoch's value.
    pub kickback_ppm: u64,
}

/// A priced quote and what it covers: the prover's cost to prove the epoch
/// and its expected slashing, in tokens.
#[derive(Copy, Clone, Debug)]
pub struct Priced {
    /// The quote.
    pub offer: Offer,
    /// Cost plus expected slashing, tokens.
    pub cost: f64,
}

/// How a chosen prover guards an epoch against its own downtime: what it
/// expects that to cost (the standby machine it holds, if any, and the
/// bond it still expects to lose), whether it holds one, and so its chance
/// of delivering.
#[derive(Copy, Clone, Debug, PartialEq)]
pub struct Reliability {
    /// The standby machine's cost plus the expected loss of the bond,
    /// tokens.
    pub expected_cost: f64,
    /// Whether it holds a standby machine for the epoch.
    pub standby: bool,
    /// What it spends on the standby machine, tokens (0 without one).
    pub standby_spent: f64,
    /// Its chance of being up to deliver: its uptime, or with a standby
    /// the chance that not both machines are down.
    pub up: f64,
}

/// The cheaper of the two ways to face its own downtime: alone, it loses
/// the bond with its chance of being down, `1 - uptime`; with a standby
/// machine (`standby_cost` tokens an epoch, if one can be bought) it loses
/// it only if both are down, `(1 - uptime)^2`.
pub fn reliability(uptime: f64, bond: f64, standby_cost: Option<f64>) -> Reliability {
    let down = 1.0 - uptime;
    let alone = down * bond;
    match standby_cost {
        Some(c) if c + down * down * bond < alone => Reliability {
            expected_cost: c + down * down * bond,
            standby: true,
            standby_spent: c,
            up: 1.0 - down * down,
        },
        _ => Reliability {
            expected_cost: alone,
            standby: false,
            standby_spent: 0.0,
            up: uptime,
        },
    }
}

/// A bonded prover's honest quote: its cost to prove the epoch (hardware,
/// fixed, gas), plus what its own downtime is expected to cost it (the
/// bond it expects to lose, or a standby machine and the smaller loss, the
/// cheaper: [`reliability`]), marked up by its own draw around the margin
/// (quotes in a market differ), in parts per million of the epoch's value.
/// None if its proof could not land by the deadline.
pub fn priced_quote(ctx: &mut ProverCtx<'_, '_>, req: &QuoteRequest) -> Option<Priced> {
    let view = ctx.view;
    let g = ctx.me.group;
    let standby = view.scenario.bonded.standby_cost_per_epoch;
    let cost = hardware_cost_by(ctx, req.txs, req.blocks, req.deadline)?
        + view.submission_cost(g.priority_fee_gwei)
        + reliability(g.uptime, req.bond, standby).expected_cost;
    let markup = req.margin * (0.5 + ctx.rng.random::<f64>());
    let ppm = (PPM as f64 * cost * (1.0 + markup) / req.value)
        .ceil()
        .clamp(1.0, PPM as f64) as u64;
    Some(Priced {
        offer: Offer {
            ppm,
            kickback_ppm: 0,
        },
        cost,
    })
}

/// Whether a chosen prover will be up to deliver its proof, and what it
/// spends on a standby machine for the epoch (it holds one when that is
/// the cheaper guard: [`reliability`]; then it fails only if both
/// machines are down).
pub fn delivers(
    g: &ProverGroup,
    bond: f64,
    standby_cost: Option<f64>,
    rng: &mut Stream,
) -> (bool, f64) {
    let r = reliability(g.uptime, bond, standby_cost);
    (rng.random::<f64>() < r.up, r.standby_spent)
}

/// A quote on offer: the offer, its prover, and a seeded draw that breaks
/// ties (never the order of provers in the file).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct OnOffer {
    /// The offer.
    pub offer: Offer,
    /// The prover's index.
    pub prover: u32,
    /// The tie-breaking draw.
    pub tie: u64,
}

/// Which quote a proposer accepts.
pub trait QuoteAcceptance: Send {
    /// The accepted quote among those on offer, sorted lowest first (ties
    /// in the order of their draws).
    fn choose(&self, quotes: &[OnOffer]) -> Option<OnOffer>;
}

/// Accepts the lowest quote.
#[derive(Debug)]
pub struct Lowest;

impl QuoteAcceptance for Lowest {
    fn choose(&self, quotes: &[OnOffer]) -> Option<OnOffer> {
        quotes.first().copied()
    }
}

/// A colluding proposer: accepts the quote that pays it most (the largest
/// kickback, the lowest quote among equals); without a kickback on offer,
/// the lowest.
#[derive(Debug)]
pub struct PaysMost;

impl QuoteAcceptance for PaysMost {
    fn choose(&self, quotes: &[OnOffer]) -> Option<OnOffer> {
        let best = quotes.iter().map(|q| q.offer.kickback_ppm).max()?;
        quotes
            .iter()
            .find(|q| q.offer.kickback_ppm == best)
            .copied()
    }
}

/// The acceptance of a sequencer group.
pub fn acceptance_for(colluding: bool) -> Box<dyn QuoteAcceptance> {
    if colluding {
        Box::new(PaysMost)
    } else {
        Box::new(Lowest)
    }
}
