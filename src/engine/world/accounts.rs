//! Per prover per open epoch: what it spent and how many submissions it
//! made, until the epoch's window closes and its rows are written.

use std::collections::BTreeMap;

use crate::protocol::Epoch;

/// One prover's account for one epoch.
#[derive(Copy, Clone, Debug, Default)]
pub(super) struct ProverEpoch {
    pub submissions: u64,
    pub cost: f64,
    /// Proof jobs it started for the epoch.
    pub jobs: u32,
    /// Bonds it lost (the previous design), tokens.
    pub slashed: f64,
}

/// The accounts of open epochs, by (epoch, prover).
#[derive(Default)]
pub(super) struct Accounts {
    open: BTreeMap<(Epoch, u32), ProverEpoch>,
}

impl Accounts {
    /// `prover` spent `cost` tokens on epoch `epoch`.
    pub fn cost(&mut self, epoch: Epoch, prover: u32, cost: f64) {
        self.open.entry((epoch, prover)).or_default().cost += cost;
    }

    /// `prover` starts a proof job for epoch `epoch` costing `cost`, whose
    /// `fixed` part is paid once per epoch proved: a further job for the
    /// same epoch is charged without it.
    pub fn job(&mut self, epoch: Epoch, prover: u32, cost: f64, fixed: f64) {
        let a = self.open.entry((epoch, prover)).or_default();
        a.cost += if a.jobs == 0 { cost } else { cost - fixed };
        a.jobs += 1;
    }

    /// `prover` lost a bond of `tokens` in epoch `epoch`.
    pub fn slashed(&mut self, epoch: Epoch, prover: u32, tokens: f64) {
        self.open.entry((epoch, prover)).or_default().slashed += tokens;
    }

    /// `prover` made one more submission for epoch `epoch`.
    pub fn submission(&mut self, epoch: Epoch, prover: u32) {
        self.open.entry((epoch, prover)).or_default().submissions += 1;
    }

    /// Takes the accounts of epoch `e`, by prover, dropping any of earlier
    /// epochs (epochs close in order).
    pub fn close(&mut self, e: Epoch) -> BTreeMap<u32, ProverEpoch> {
        let later = self.open.split_off(&(e + 1, 0));
        let closed = std::mem::replace(&mut self.open, later);
        closed
            .into_iter()
            .filter(|((epoch, _), _)| *epoch == e)
            .map(|((_, p), a)| (p, a))
            .collect()
    }
}
