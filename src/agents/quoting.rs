//! The previous design's decisions (docs/model.md section 9): what a bonded prover
//! quotes for an epoch, whether it delivers, and which quote a proposer
//! accepts. The engine collects the quotes and carries out the acceptance.

use rand::RngExt;

use crate::cost::{prefix_cost, prefix_seconds};
use crate::engine::rng::Stream;
use crate::scenario::ProverGroup;

use super::View;

/// An epoch to quote for, as provers see it.
#[derive(Copy, Clone, Debug)]
pub struct QuoteRequest {
    /// Its transactions still on the chain.
    pub txs: u64,
    /// Its blocks still on the chain.
    pub blocks: u64,
    /// What its blocks are worth proven, tokens.
    pub value: f64,
    /// What holding the bond costs for an epoch, tokens.
    pub capital_cost: f64,
    /// The markup provers put on their cost, as a part of it.
    pub margin: f64,
}

/// A bonded prover's quote in basis points of the epoch's value: its cost
/// to prove it (hardware, fixed, gas and its bond's capital for the epoch),
/// marked up by its own draw around the margin, as quotes in a market
/// differ.
pub fn quote_bps(view: &View<'_>, g: &ProverGroup, req: &QuoteRequest, rng: &mut Stream) -> u64 {
    let cost = prefix_cost(g, prefix_seconds(g, req.txs, req.blocks))
        + view.submission_cost(g.priority_fee_gwei)
        + req.capital_cost;
    let markup = req.margin * (0.5 + rng.random::<f64>());
    (10_000.0 * cost * (1.0 + markup) / req.value)
        .ceil()
        .clamp(1.0, 10_000.0) as u64
}

/// Whether a chosen prover will be up to deliver its proof.
pub fn delivers(g: &ProverGroup, rng: &mut Stream) -> bool {
    rng.random::<f64>() < g.uptime
}

/// Which quote a proposer accepts.
pub trait QuoteAcceptance: Send {
    /// The accepted quote among `(bps, prover)` pairs sorted lowest first.
    fn choose(&self, quotes: &[(u64, u32)]) -> Option<(u64, u32)>;
    /// Whether it takes a kickback for accepting more than the lowest.
    fn takes_kickback(&self) -> bool;
}

/// Accepts the lowest quote.
#[derive(Debug)]
pub struct Lowest;

impl QuoteAcceptance for Lowest {
    fn choose(&self, quotes: &[(u64, u32)]) -> Option<(u64, u32)> {
        quotes.first().copied()
    }
    fn takes_kickback(&self) -> bool {
        false
    }
}

/// Accepts the highest quote, for a kickback from the prover.
#[derive(Debug)]
pub struct Highest;

impl QuoteAcceptance for Highest {
    fn choose(&self, quotes: &[(u64, u32)]) -> Option<(u64, u32)> {
        quotes.last().copied()
    }
    fn takes_kickback(&self) -> bool {
        true
    }
}

/// The acceptance of a sequencer group.
pub fn acceptance_for(colluding: bool) -> Box<dyn QuoteAcceptance> {
    if colluding {
        Box::new(Highest)
    } else {
        Box::new(Lowest)
    }
}
