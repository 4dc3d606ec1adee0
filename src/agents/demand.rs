//! Transaction demand and the mempool. Transactions are kept in batches
//! (a count and their total mana) rather than one by one: a batch's mana is
//! a single gamma draw (the sum of `n` gamma variables of shape `k` is a
//! gamma of shape `n k`), which keeps a year at 1 TPS cheap.

use std::collections::VecDeque;

use rand::RngExt;
use rand_distr::{Distribution, Gamma, Poisson};

use crate::base::random::Stream;
use crate::base::time::Time;
use crate::schema::Burst;

/// A bridging transaction: who sent it and when.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct BridgeTag {
    /// Its id, unique in the run.
    pub id: u64,
    /// Who sent it (a prover index).
    pub sender: u32,
    /// When it was submitted (kept through prunes).
    pub submitted: Time,
}

/// Transactions that arrived together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TxBatch {
    /// How many transactions.
    pub count: u64,
    /// Their total mana.
    pub mana: u64,
    /// When the first of them arrived.
    pub arrived: Time,
    /// A bridging transaction (then `count` is 1).
    pub bridge: Option<BridgeTag>,
    /// When the block that held them was built, if it was pruned: the
    /// delay from then to their next inclusion is what the prune cost them.
    pub pruned_from: Option<Time>,
}

/// Poisson arrivals with gamma-distributed mana per transaction.
pub struct Demand {
    rate_per_ms: f64,
    shape: f64,
    scale: f64,
    last: Time,
    rng: Stream,
    /// The arrival count's law for the last interval's length and rate
    /// multiplier (slots are all alike, so it is made once rather than
    /// every slot).
    count_law: Option<((u64, u64), Poisson<f64>)>,
    /// Bursts, with their own stream (so that a scenario without them
    /// draws as before), and the epoch the current burst ends.
    bursts: Option<(Burst, Stream)>,
    burst_until: Option<u64>,
}

impl Demand {
    /// Demand at `tps` transactions per second, mana per transaction gamma
    /// with this mean and shape.
    pub fn new(tps: f64, mana_mean: f64, mana_shape: f64, rng: Stream) -> Demand {
        Demand {
            rate_per_ms: tps / 1000.0,
            shape: mana_shape,
            scale: mana_mean / mana_shape,
            last: 0,
            rng,
            count_law: None,
            bursts: None,
            burst_until: None,
        }
    }

    /// The same demand with bursts, drawn from `rng`.
    pub fn with_bursts(mut self, burst: Option<Burst>, rng: Stream) -> Demand {
        self.bursts = burst.map(|b| (b, rng));
        self
    }

    /// Epoch `epoch` begins: a burst ends, or one begins with its chance
    /// (if none is under way). Returns the burst that begins, if one does.
    pub fn epoch_started(&mut self, epoch: u64) -> Option<Burst> {
        let (burst, rng) = self.bursts.as_mut()?;
        if self.burst_until.is_some_and(|until| epoch < until) {
            return None;
        }
        self.burst_until = None;
        if rng.random::<f64>() >= burst.chance {
            return None;
        }
        self.burst_until = Some(epoch + burst.epochs as u64);
        Some(*burst)
    }

    /// How many times as fast transactions arrive now: the burst's
    /// multiplier during one, 1 otherwise.
    fn multiplier(&self) -> f64 {
        match (&self.bursts, self.burst_until) {
            (Some((burst, _)), Some(_)) => burst.multiplier,
            _ => 1.0,
        }
    }

    /// The transactions that arrived since the last call.
    pub fn arrivals(&mut self, now: Time) -> Option<TxBatch> {
        let interval = now.saturating_sub(self.last);
        let multiplier = self.multiplier();
        let lambda = self.rate_per_ms * multiplier * interval as f64;
        let arrived = self.last;
        self.last = now;
        if lambda <= 0.0 {
            return None;
        }
        let key = (interval, multiplier.to_bits());
        let law = match self.count_law {
            Some((k, law)) if k == key => law,
            _ => match Poisson::new(lambda) {
                Ok(law) => {
                    self.count_law = Some((key, law));
                    law
                }
                Err(_) => return None,
            },
        };
        let count = law.sample(&mut self.rng) as u64;
        if count == 0 {
            return None;
        }
        let mana = Gamma::new(self.shape * count as f64, self.scale)
            .map(|g| g.sample(&mut self.rng))
            .unwrap_or(0.0);
        let mana = crate::base::numeric::round(mana).max(count as f64) as u64;
        Some(TxBatch {
            count,
            mana,
            arrived,
            bridge: None,
            pruned_from: None,
        })
    }
}

/// Waiting transactions, oldest first.
#[derive(Clone, Debug, Default)]
pub struct Mempool {
    batches: VecDeque<TxBatch>,
}

impl Mempool {
    /// Adds newly arrived transactions.
    pub fn push(&mut self, batch: TxBatch) {
        self.batches.push_back(batch);
    }

    /// Puts the transactions of pruned blocks back at the front, in their
    /// original order.
    pub fn return_front(&mut self, batches: impl DoubleEndedIterator<Item = TxBatch>) {
        for b in batches.rev() {
            self.batches.push_front(b);
        }
    }

    /// Takes transactions, oldest first, up to `limit` mana. A batch that
    /// does not fit is split, its mana shared in proportion to its count.
    /// They are added to `taken`, whose memory the caller reuses.
    pub fn fill(&mut self, limit: u64, taken: &mut Vec<TxBatch>) {
        let mut room = limit;
        while let Some(front) = self.batches.front_mut() {
            if front.mana <= room {
                room -= front.mana;
                taken.push(self.batches.pop_front().expect("front exists"));
                continue;
            }
            let count = (front.count as u128 * room as u128 / front.mana.max(1) as u128) as u64;
            if count > 0 {
                let mana = (front.mana as u128 * count as u128 / front.count as u128) as u64;
                front.count -= count;
                front.mana -= mana;
                taken.push(TxBatch {
                    count,
                    mana,
                    arrived: front.arrived,
                    bridge: None,
                    pruned_from: front.pruned_from,
                });
            }
            break;
        }
    }

    /// Transactions waiting.
    pub fn len(&self) -> u64 {
        self.batches.iter().map(|b| b.count).sum()
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.batches.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(count: u64, mana: u64) -> TxBatch {
        TxBatch {
            count,
            mana,
            arrived: 0,
            bridge: None,
            pruned_from: None,
        }
    }

    #[test]
    fn a_burst_lasts_its_epochs_at_its_rate_and_then_demand_returns() {
        let rng = |n| crate::base::random::stream(1, "d", n);
        let burst = Burst {
            chance: 1.0,
            epochs: 3,
            multiplier: 5.0,
        };
        let mut calm = Demand::new(2.0, 1000.0, 2.0, rng(0));
        let mut bursty = Demand::new(2.0, 1000.0, 2.0, rng(0)).with_bursts(Some(burst), rng(1));
        // Certain to start, it starts at epoch 0 and again once it ends.
        let started: Vec<bool> = (0..7).map(|e| bursty.epoch_started(e).is_some()).collect();
        assert_eq!(started, [true, false, false, true, false, false, true]);
        assert_eq!(calm.epoch_started(0), None);
        // Five times the transactions, to within a few percent.
        let count = |d: &mut Demand| -> u64 {
            (1..=2_000u64)
                .filter_map(|s| d.arrivals(s * 72_000))
                .map(|b| b.count)
                .sum()
        };
        let (c, b) = (count(&mut calm) as f64, count(&mut bursty) as f64);
        assert!((b / c - 5.0).abs() < 0.1, "{b} against {c}");
        // Without bursts the draws are those of plain demand.
        let mut plain = Demand::new(2.0, 1000.0, 2.0, rng(0));
        let mut none = Demand::new(2.0, 1000.0, 2.0, rng(0)).with_bursts(None, rng(1));
        for s in 1..100u64 {
            assert_eq!(none.epoch_started(s), None);
            assert_eq!(plain.arrivals(s * 72_000), none.arrivals(s * 72_000));
        }
    }

    #[test]
    fn fill_splits_the_batch_that_does_not_fit() {
        let mut m = Mempool::default();
        m.push(b(10, 100));
        m.push(b(10, 1000));
        let mut taken = Vec::new();
        m.fill(600, &mut taken);
        assert_eq!(taken, vec![b(10, 100), b(5, 500)]);
        assert_eq!(m.len(), 5);
        m.return_front(vec![b(1, 1), b(2, 2)].into_iter());
        taken.clear();
        m.fill(3, &mut taken);
        assert_eq!(taken, vec![b(1, 1), b(2, 2)]);
    }

    #[test]
    fn demand_is_about_its_rate() {
        let mut d = Demand::new(2.0, 1000.0, 2.0, crate::base::random::stream(1, "d", 0));
        let mut count = 0;
        let mut mana = 0;
        for s in 1..=1000 {
            if let Some(batch) = d.arrivals(s * 72_000) {
                count += batch.count;
                mana += batch.mana;
            }
        }
        let expected = 2.0 * 72.0 * 1000.0;
        assert!((count as f64 - expected).abs() < 0.02 * expected, "{count}");
        let per_tx = mana as f64 / count as f64;
        assert!((per_tx - 1000.0).abs() < 20.0, "{per_tx}");
    }
}
