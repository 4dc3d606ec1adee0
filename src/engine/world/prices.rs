//! One L1 price as the engine moves it each slot: a mean-reverting walk or
//! a replayed series, times the scheduled spikes and the random jumps in
//! force (docs/model.md section 3).

use rand::RngExt;
use rand_distr::{Distribution, Exp, StandardNormal};

use crate::base::numeric::{round, to_u128};
use crate::base::random::{Stream, stream};
use crate::protocol::Epoch;
use crate::scenario::domains::MAX_WEI_PER_GAS;
use crate::schema::PricePath;

/// A random spike in force: its multiplier and when it ends, ms.
#[derive(Copy, Clone, Debug)]
struct Jump {
    multiplier: f64,
    ends: u64,
}

/// The random jump process of one price, on its own stream so that a
/// scenario without jumps draws exactly as before.
struct JumpProcess {
    /// The chance a spike starts in one slot.
    per_slot: f64,
    /// The excess over 1 of a spike's multiplier.
    excess: Exp<f64>,
    /// A spike's duration, ms.
    duration: Exp<f64>,
    rng: Stream,
    live: Vec<Jump>,
}

/// One L1 price: its moving state (its constants stay in the scenario's
/// [`PricePath`], which every step reads).
pub(super) struct PriceProcess {
    value: f64,
    /// The walk's centre, `ln(start)`.
    log_mean: f64,
    /// The index of the replayed series' point in force.
    at: usize,
    /// The series' first price, which `stress` measures against.
    series_start: Option<f64>,
    /// What scheduled spikes and random jumps multiply the price by now.
    multiplier: f64,
    jumps: Option<JumpProcess>,
}

impl PriceProcess {
    /// The price of `p` at genesis; `index` tells the prices' jump streams
    /// apart.
    pub fn new(p: &PricePath, seed: u64, index: u64, slot_ms: u64) -> PriceProcess {
        let jumps = p.jumps.as_ref().map(|j| JumpProcess {
            per_slot: (j.per_day * slot_ms as f64 / 86_400_000.0).min(1.0),
            excess: Exp::new(1.0 / (j.mean_multiplier - 1.0).max(1e-12)).expect("positive rate"),
            duration: Exp::new(1.0 / (j.mean_hours * 3.6e6)).expect("positive rate"),
            rng: stream(seed, "price-jumps", index),
            live: Vec::new(),
        });
        let series_start = p.series.first().map(|s| s[1]);
        PriceProcess {
            value: series_start.unwrap_or(p.start),
            log_mean: p.start.ln(),
            at: 0,
            series_start,
            multiplier: 1.0,
            jumps,
        }
    }

    /// One slot's step at time `now` (ms) in epoch `epoch`; the walk draws
    /// from the shared fee stream `rng`.
    pub fn step(&mut self, p: &PricePath, now: u64, epoch: Epoch, rng: &mut Stream) {
        if !p.series.is_empty() {
            let secs = now as f64 / 1000.0;
            while p.series.get(self.at + 1).is_some_and(|s| s[0] <= secs) {
                self.at += 1;
            }
            self.value = p.series[self.at][1];
        } else if p.volatility > 0.0 {
            let z: f64 = StandardNormal.sample(rng);
            let log = self.value.ln();
            let next = log + p.reversion * (self.log_mean - log) + p.volatility * z;
            self.value = next.exp().max(p.floor);
        }
        let mut multiplier = p.spike_at(epoch);
        if let Some(j) = &mut self.jumps {
            j.live.retain(|l| l.ends > now);
            if j.rng.random::<f64>() < j.per_slot {
                let jump = Jump {
                    multiplier: 1.0 + j.excess.sample(&mut j.rng),
                    ends: now.saturating_add(j.duration.sample(&mut j.rng).round() as u64),
                };
                j.live.push(jump);
            }
            multiplier *= j.live.iter().map(|l| l.multiplier).product::<f64>();
        }
        self.multiplier = multiplier;
    }

    /// The price now, wei per gas.
    pub fn level(&self) -> f64 {
        self.value * self.multiplier
    }

    /// The price now in whole wei, at most [`MAX_WEI_PER_GAS`] (a walk
    /// without reversion, or spikes on spikes, may wander past any bound;
    /// the fees computed from the price must fit their integers).
    pub fn wei(&self) -> u128 {
        to_u128(round(self.level()).clamp(0.0, MAX_WEI_PER_GAS))
    }

    /// How far spikes and jumps (and a replayed series, against its first
    /// point) have raised the price: what the going priority fee scales by.
    pub fn stress(&self) -> f64 {
        match self.series_start {
            Some(first) => self.level() / first,
            None => self.multiplier,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Jumps;

    fn path() -> PricePath {
        PricePath {
            start: 10.0,
            ..PricePath::default()
        }
    }

    #[test]
    fn a_series_is_replayed_as_steps() {
        let p = PricePath {
            series: vec![[0.0, 5.0], [60.0, 50.0], [120.0, 7.0]],
            ..path()
        };
        let mut x = PriceProcess::new(&p, 1, 0, 36_000);
        let mut rng = stream(1, "fees", 0);
        let mut at = |ms| {
            x.step(&p, ms, 0, &mut rng);
            (x.wei(), x.stress())
        };
        assert_eq!(at(0), (5, 1.0));
        assert_eq!(at(59_999), (5, 1.0));
        assert_eq!(at(60_000), (50, 10.0));
        assert_eq!(at(500_000), (7, 1.4));
    }

    #[test]
    fn jumps_start_at_their_rate_and_last_their_mean() {
        // One spike a day on average, of mean multiplier 3, lasting 2 hours:
        // over 2,000 days the price is raised about 2/24 of the time, by a
        // mean of 3 when a single spike is in force.
        let p = PricePath {
            jumps: Some(Jumps {
                per_day: 1.0,
                mean_multiplier: 3.0,
                mean_hours: 2.0,
            }),
            ..path()
        };
        let slot_ms = 36_000;
        let mut x = PriceProcess::new(&p, 7, 0, slot_ms);
        let mut rng = stream(7, "fees", 0);
        let slots = 2_000 * 86_400_000 / slot_ms;
        let (mut raised, mut starts, mut was) = (0u64, 0u64, false);
        for s in 0..slots {
            x.step(&p, s * slot_ms, 0, &mut rng);
            let up = x.stress() > 1.0;
            raised += up as u64;
            starts += (up && !was) as u64;
            was = up;
        }
        let share = raised as f64 / slots as f64;
        // Overlaps make the raised share 1 - exp(-rate * duration).
        let expected = 1.0 - (-2.0f64 / 24.0).exp();
        assert!(
            (share - expected).abs() < 0.01,
            "raised {share} against {expected}"
        );
        assert!((1_700..2_000).contains(&starts), "{starts} spells");
    }
}
