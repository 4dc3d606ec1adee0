//! Sequencers: stake-weighted proposer selection, missed slots, and the
//! decisions each one makes (its voting policy, and under bonded quotes
//! which quote it accepts).

use rand::RngExt;

use crate::base::random::{Stream, stream};
use crate::schema::SequencerGroup;

use super::quoting::{QuoteAcceptance, acceptance_for};
use super::registry::policy_for;
use super::voting::{Seat, Static, VotingPolicy};

/// One sequencer.
pub struct Sequencer {
    /// Its id in outputs.
    pub name: String,
    /// Its group's label.
    pub group: String,
    /// Relative weight in proposer selection.
    pub stake: f64,
    /// Probability of missing a slot it proposes in.
    pub miss_rate: f64,
    /// How it votes.
    pub policy: Box<dyn VotingPolicy>,
    /// Which quote it accepts under bonded quotes.
    pub acceptance: Box<dyn QuoteAcceptance>,
    rng: Stream,
}

/// Every sequencer and the proposer lottery.
pub struct Sequencers {
    /// The sequencers, by id.
    pub all: Vec<Sequencer>,
    cumulative: Vec<f64>,
    /// Whether the cumulative stakes are exactly 1, 2, 3, ...: then the
    /// lottery's draw falls in the slot of its whole part, and no search
    /// is needed (the same sequencer as the search finds).
    unit_stakes: bool,
    lottery: Stream,
}

impl Sequencers {
    /// Takes a sequencer's voting policy out, for a call that needs the
    /// whole world in view (a policy that never signals stands in).
    pub fn take_policy(&mut self, i: usize) -> Box<dyn VotingPolicy> {
        std::mem::replace(&mut self.all[i].policy, Box::new(Static))
    }

    /// What is public of sequencer `i` for its voting policy.
    pub fn seat(&self, i: usize) -> Seat {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        Seat {
            stake_share: if total > 0.0 {
                self.all[i].stake / total
            } else {
                0.0
            },
        }
    }

    /// Puts a sequencer's voting policy back.
    pub fn put_policy(&mut self, i: usize, policy: Box<dyn VotingPolicy>) {
        self.all[i].policy = policy;
    }

    /// The sequencers of a scenario's groups, each with its own stream.
    pub fn new(seed: u64, groups: &[SequencerGroup]) -> Sequencers {
        let mut all = Vec::new();
        for g in groups {
            for i in 0..g.count {
                let id = all.len() as u64;
                all.push(Sequencer {
                    name: format!("{}-{}", g.name, i + 1),
                    group: g.name.clone(),
                    stake: g.stake,
                    miss_rate: g.miss_rate,
                    policy: policy_for(g),
                    acceptance: acceptance_for(g.colluding),
                    rng: stream(seed, "sequencer", id),
                });
            }
        }
        let mut total = 0.0;
        let cumulative = all
            .iter()
            .map(|s| {
                total += s.stake;
                total
            })
            .collect::<Vec<f64>>();
        let unit_stakes = cumulative
            .iter()
            .enumerate()
            .all(|(k, &c)| c == (k + 1) as f64);
        Sequencers {
            all,
            cumulative,
            unit_stakes,
            lottery: stream(seed, "proposer", 0),
        }
    }

    /// The proposer of the next slot, drawn by stake.
    pub fn draw_proposer(&mut self) -> usize {
        let total = *self.cumulative.last().expect("at least one sequencer");
        let x = self.lottery.random::<f64>() * total;
        let slot = if self.unit_stakes {
            // The stakes at or below `x` are 1, ..., floor(x).
            x as usize
        } else {
            self.cumulative.partition_point(|&c| c <= x)
        };
        slot.min(self.all.len() - 1)
    }

    /// Whether sequencer `i` misses the slot it proposes in.
    pub fn misses(&mut self, i: usize) -> bool {
        let s = &mut self.all[i];
        s.miss_rate > 0.0 && s.rng.random::<f64>() < s.miss_rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposers_follow_stake() {
        let groups = [
            SequencerGroup {
                name: "big".into(),
                count: 1,
                stake: 3.0,
                ..SequencerGroup::default()
            },
            SequencerGroup {
                name: "small".into(),
                count: 1,
                stake: 1.0,
                ..SequencerGroup::default()
            },
        ];
        let mut s = Sequencers::new(3, &groups);
        let big = (0..40_000).filter(|_| s.draw_proposer() == 0).count();
        assert!((big as f64 / 40_000.0 - 0.75).abs() < 0.01, "{big}");
    }

    /// Equal unit stakes take the shortcut, and it draws the very
    /// sequencers the search over cumulative stakes draws.
    #[test]
    fn unit_stakes_draw_as_the_search_does() {
        let groups = [SequencerGroup {
            name: "seq".into(),
            count: 48,
            stake: 1.0,
            ..SequencerGroup::default()
        }];
        let mut fast = Sequencers::new(5, &groups);
        assert!(fast.unit_stakes);
        let mut searched = Sequencers::new(5, &groups);
        searched.unit_stakes = false;
        let mut seen = [0u32; 48];
        for _ in 0..100_000 {
            let i = fast.draw_proposer();
            assert_eq!(i, searched.draw_proposer());
            seen[i] += 1;
        }
        assert!(seen.iter().all(|&n| n > 1_800), "{seen:?}");
        let halves = [SequencerGroup {
            stake: 0.5,
            ..groups[0].clone()
        }];
        assert!(!Sequencers::new(5, &halves).unit_stakes);
    }
}
