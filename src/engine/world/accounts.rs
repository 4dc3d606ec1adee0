//! Per prover per open epoch: what it spent and how many submissions it
//! made, until the epoch's window closes and its rows are written.

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

/// One epoch's accounts, by prover id (ids are dense): `None` for a prover
/// that has none.
#[derive(Default)]
pub(super) struct EpochAccounts(Vec<Option<ProverEpoch>>);

impl EpochAccounts {
    /// The provers with an account and their accounts, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &ProverEpoch)> {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(i, a)| a.as_ref().map(|a| (i as u32, a)))
    }

    /// Prover `i`'s account, if it has one.
    pub fn get(&self, i: u32) -> Option<ProverEpoch> {
        self.0.get(i as usize).copied().flatten()
    }

    fn entry(&mut self, prover: u32) -> &mut ProverEpoch {
        let i = prover as usize;
        if self.0.len() <= i {
            self.0.resize(i + 1, None);
        }
        self.0[i].get_or_insert_default()
    }
}

/// The accounts of open epochs, oldest first (only a few epochs are open
/// at once, so a scan of a plain list finds one).
#[derive(Default)]
pub(super) struct Accounts {
    open: Vec<(Epoch, EpochAccounts)>,
    /// Emptied accounts, kept for their memory.
    spare: Vec<EpochAccounts>,
}

impl Accounts {
    fn entry(&mut self, epoch: Epoch, prover: u32) -> &mut ProverEpoch {
        let pos = match self.open.iter().position(|(e, _)| *e >= epoch) {
            Some(p) if self.open[p].0 == epoch => p,
            found => {
                let p = found.unwrap_or(self.open.len());
                let fresh = self.spare.pop().unwrap_or_default();
                self.open.insert(p, (epoch, fresh));
                p
            }
        };
        self.open[pos].1.entry(prover)
    }

    /// `prover` spent `cost` tokens on epoch `epoch`.
    pub fn cost(&mut self, epoch: Epoch, prover: u32, cost: f64) {
        self.entry(epoch, prover).cost += cost;
    }

    /// `prover` starts a proof job for epoch `epoch` costing `cost`, whose
    /// `fixed` part is paid once per epoch proved: a further job for the
    /// same epoch is charged without it.
    pub fn job(&mut self, epoch: Epoch, prover: u32, cost: f64, fixed: f64) {
        let a = self.entry(epoch, prover);
        a.cost += if a.jobs == 0 { cost } else { cost - fixed };
        a.jobs += 1;
    }

    /// `prover` lost a bond of `tokens` in epoch `epoch`.
    pub fn slashed(&mut self, epoch: Epoch, prover: u32, tokens: f64) {
        self.entry(epoch, prover).slashed += tokens;
    }

    /// `prover` made one more submission for epoch `epoch`.
    pub fn submission(&mut self, epoch: Epoch, prover: u32) {
        self.entry(epoch, prover).submissions += 1;
    }

    /// Takes the accounts of epoch `e`, dropping any of earlier epochs
    /// (epochs close in order). Hand them back with [`Accounts::recycle`].
    pub fn close(&mut self, e: Epoch) -> EpochAccounts {
        let mut closed = EpochAccounts::default();
        let done = self.open.partition_point(|(epoch, _)| *epoch <= e);
        for (epoch, accounts) in self.open.drain(..done) {
            if epoch == e {
                closed = accounts;
            } else {
                keep_memory(&mut self.spare, accounts);
            }
        }
        closed
    }

    /// Keeps a closed epoch's accounts' memory for a later epoch.
    pub fn recycle(&mut self, accounts: EpochAccounts) {
        keep_memory(&mut self.spare, accounts);
    }
}

/// Empties `accounts` into `spare`, keeping their memory.
fn keep_memory(spare: &mut Vec<EpochAccounts>, mut accounts: EpochAccounts) {
    accounts.0.clear();
    spare.push(accounts);
}
