//! Pools, fees, claims, dust and the books (docs/model.md section 3).

use super::arith::{Overflow, add, mul_div};
use super::{Amount, BlockNumber, Epoch, ProverId, SequencerId};

/// What crediting one newly proven block paid.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct BlockCredit {
    /// The block.
    pub block: BlockNumber,
    /// Its epoch.
    pub epoch: Epoch,
    /// Its proposer.
    pub proposer: SequencerId,
    /// The proposer's part of the minted checkpoint reward (`seq_per_block`).
    pub sequencer_reward: Amount,
    /// The total fee its transactions paid.
    pub fee: Amount,
    /// The congestion fee, burnt.
    pub protocol_fee: Amount,
    /// The fee that went into the epoch's prover pool.
    pub prover_fee: Amount,
    /// What the proposer was credited: reward plus the fee left after the
    /// protocol and prover fees.
    pub earned: Amount,
}

/// One prover's claim on a settled epoch.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct Payout {
    /// The prover, registered at the epoch's longest length.
    pub prover: ProverId,
    /// Its shares at that registration.
    pub shares: Amount,
    /// `pool * shares / summed_shares`, floored.
    pub amount: Amount,
}

/// An epoch whose window closed, paid out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochSettlement {
    /// The epoch.
    pub epoch: Epoch,
    /// Its longest accepted proof, in blocks.
    pub longest: u64,
    /// Its prover pool.
    pub pool: Amount,
    /// The rounding remainder, never paid.
    pub dust: Amount,
    /// The provers at the longest length, by id.
    pub payouts: Vec<Payout>,
}

/// Where every token went. After every slot
/// `minted + fees = paid_sequencers + paid_provers + burnt + dust + unsettled
/// + returned`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Books {
    /// Checkpoint rewards taken from the distributor.
    pub minted: Amount,
    /// Fees of proven blocks.
    pub fees: Amount,
    /// Protocol (congestion) fees of proven blocks.
    pub burnt: Amount,
    /// Credited to proposers of proven blocks.
    pub paid_sequencers: Amount,
    /// Paid to provers by settled epochs.
    pub paid_provers: Amount,
    /// Rounding remainders of settled epochs.
    pub dust: Amount,
    /// The pools of epochs not yet settled.
    pub unsettled: Amount,
    /// Pools a design did not pay out and gave back to the distributor (an
    /// auction's winner paid less than its epoch's pool).
    pub returned: Amount,
}

/// The books do not balance: what came in differs from what went out.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the books do not balance: {0:?}")]
pub struct Imbalance(pub Box<Books>);

/// A sum of amounts that cannot overflow: `(carries, low)` of a 256-bit sum.
fn wide_sum(parts: &[Amount]) -> (u128, u128) {
    parts.iter().fold((0, 0), |(hi, lo), &x| {
        let (lo, carry) = lo.overflowing_add(x);
        (hi + carry as u128, lo)
    })
}

impl Books {
    /// Checks that every token is accounted for.
    pub fn check(&self) -> Result<(), Imbalance> {
        let inflow = wide_sum(&[self.minted, self.fees]);
        let outflow = wide_sum(&[
            self.paid_sequencers,
            self.paid_provers,
            self.burnt,
            self.dust,
            self.unsettled,
            self.returned,
        ]);
        if inflow == outflow {
            Ok(())
        } else {
            Err(Imbalance(Box::new(*self)))
        }
    }
}

/// Splits a pool among registrations by shares: each is paid
/// `pool * shares / summed` (multiply exactly first, then floor). Returns the
/// payouts and the dust.
pub(crate) fn split_pool(
    pool: Amount,
    summed: Amount,
    registrations: impl Iterator<Item = (ProverId, Amount)>,
) -> Result<(Vec<Payout>, Amount), Overflow> {
    let mut paid: Amount = 0;
    let mut payouts = Vec::with_capacity(registrations.size_hint().0);
    for (prover, shares) in registrations {
        let amount = mul_div(pool, shares, summed, "pool * shares / summed_shares")?;
        paid = add(paid, amount, "epoch payouts")?;
        payouts.push(Payout {
            prover,
            shares,
            amount,
        });
    }
    Ok((payouts, pool - paid))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_floors_and_keeps_dust() {
        let regs = [(ProverId(0), 1), (ProverId(1), 1), (ProverId(2), 1)];
        let (payouts, dust) = split_pool(100, 3, regs.into_iter()).unwrap();
        assert_eq!(
            payouts.iter().map(|p| p.amount).collect::<Vec<_>>(),
            vec![33, 33, 33]
        );
        assert_eq!(dust, 1);
        let regs = [(ProverId(0), 100_000), (ProverId(1), 1_000_000)];
        let (payouts, dust) = split_pool(1_000, 1_100_000, regs.into_iter()).unwrap();
        // 1000*100000/1100000 = 90.9 -> 90; 1000*1e6/1.1e6 = 909.09 -> 909.
        assert_eq!(payouts[0].amount, 90);
        assert_eq!(payouts[1].amount, 909);
        assert_eq!(dust, 1);
    }

    #[test]
    fn books_check_sees_a_missing_unit_even_near_u128_max() {
        let mut b = Books {
            minted: u128::MAX,
            fees: 5,
            paid_sequencers: u128::MAX,
            burnt: 5,
            ..Books::default()
        };
        assert!(b.check().is_ok());
        b.burnt = 4;
        assert!(b.check().is_err());
    }
}
