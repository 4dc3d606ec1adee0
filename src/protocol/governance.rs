//! Governance payloads (docs/model.md section 6): what an executed vote changes.

use super::{Amount, BoosterConfig};

/// An executed governance payload; each field it sets changes that
/// parameter from the slot it executes in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Payload {
    /// Tokens minted per proven block.
    pub checkpoint_reward: Option<Amount>,
    /// The sequencers' part of the checkpoint reward, in basis points.
    pub sequencer_bps: Option<u64>,
    /// The proving price per mana that fees charge (used by the fee model).
    pub proving_cost_per_mana: Option<Amount>,
    /// Tokens added to the distributor.
    pub distributor_top_up: Option<Amount>,
    /// A new booster; every activity record restarts at `(0, 0)`, the
    /// empty storage of a newly deployed booster.
    pub booster: Option<BoosterConfig>,
}

/// Signalling rounds (docs/model.md section 6): slots are grouped into rounds of
/// `round_size`; each slot's proposer may signal for one payload; a payload
/// with at least `quorum` signals in a round passes when the round ends.
#[derive(Clone, Debug)]
pub struct Rounds {
    round_size: u64,
    quorum: u64,
    round: u64,
    signals: Vec<(Payload, u64)>,
}

/// A round that ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundResult {
    /// The round's number (`slot / round_size`).
    pub round: u64,
    /// Every payload signalled, with its count, most signalled first (ties
    /// in order of first signal).
    pub tally: Vec<(Payload, u64)>,
    /// The payload that reached the quorum, if one did.
    pub passed: Option<Payload>,
}

impl Rounds {
    /// Rounds of `round_size` slots needing `quorum` signals.
    pub fn new(round_size: u64, quorum: u64) -> Rounds {
        Rounds {
            round_size: round_size.max(1),
            quorum,
            round: 0,
            signals: Vec::new(),
        }
    }

    /// The round a slot belongs to.
    pub fn round_of(&self, slot: u64) -> u64 {
        slot / self.round_size
    }

    /// The first slot after round `round`.
    pub fn end_slot(&self, round: u64) -> u64 {
        (round + 1) * self.round_size
    }

    /// Closes every round before the one `slot` belongs to; returns the
    /// results of rounds that had signals.
    #[inline]
    pub fn advance(&mut self, slot: u64) -> Option<RoundResult> {
        // Most slots fall in the current round: known without a division,
        // and inlined, so that the caller sees the `None` at once.
        let start = self.round * self.round_size;
        if slot.checked_sub(start).is_some_and(|d| d < self.round_size) {
            return None;
        }
        self.close_rounds(slot)
    }

    /// `advance` for a slot outside the current round.
    #[inline(never)]
    fn close_rounds(&mut self, slot: u64) -> Option<RoundResult> {
        let now = self.round_of(slot);
        if now == self.round {
            return None;
        }
        let round = self.round;
        self.round = now;
        let mut tally = std::mem::take(&mut self.signals);
        if tally.is_empty() {
            return None;
        }
        tally.sort_by_key(|t| std::cmp::Reverse(t.1));
        let passed = tally
            .first()
            .filter(|(_, n)| *n >= self.quorum)
            .map(|(p, _)| p.clone());
        Some(RoundResult {
            round,
            tally,
            passed,
        })
    }

    /// The proposer of `slot` signals for `payload` (call `advance` for the
    /// slot first).
    pub fn signal(&mut self, payload: Payload) {
        match self.signals.iter_mut().find(|(p, _)| *p == payload) {
            Some((_, n)) => *n += 1,
            None => self.signals.push((payload, 1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raise(to: u128) -> Payload {
        Payload {
            checkpoint_reward: Some(to),
            ..Payload::default()
        }
    }

    #[test]
    fn a_payload_passes_with_a_quorum_in_one_round() {
        let mut r = Rounds::new(10, 6);
        for slot in 0..10 {
            assert!(r.advance(slot).is_none());
            r.signal(raise(if slot < 6 { 5 } else { 7 }));
        }
        let result = r.advance(10).unwrap();
        assert_eq!(result.round, 0);
        assert_eq!(result.tally, vec![(raise(5), 6), (raise(7), 4)]);
        assert_eq!(result.passed, Some(raise(5)));
        // Signals do not carry over: 5 in round 1 and 5 in round 2 fail.
        for slot in 10..15 {
            r.advance(slot);
            r.signal(raise(9));
        }
        for slot in 20..25 {
            let res = r.advance(slot);
            if slot == 20 {
                assert_eq!(res.unwrap().passed, None);
            }
            r.signal(raise(9));
        }
        assert_eq!(r.advance(30).unwrap().passed, None);
    }
}
