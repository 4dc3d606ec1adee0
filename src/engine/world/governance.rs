//! Governance in the engine: proposers' signals (their voting policies
//! decide), rounds that close and pass payloads, and the delayed execution
//! of what passed.

use std::collections::VecDeque;

use crate::base::units::tokens;
use crate::protocol::{Payload, Rounds, Slot};
use crate::schema::Scenario;

use super::{Engine, EngineError, Event};

/// The state of governance.
pub(super) struct Governance {
    rounds: Rounds,
    /// Payloads that passed, by index, waiting for or past execution.
    payloads: Vec<Payload>,
    /// How many of them have executed (they execute in order).
    executed: usize,
    /// Slots of recent prunes (policies look at the last round's).
    pub recent_prunes: VecDeque<Slot>,
    /// The last closed round's signals, by payload (public on chain).
    pub last_tally: Vec<(Payload, u64)>,
}

impl Governance {
    pub fn new(sc: &Scenario) -> Governance {
        Governance {
            rounds: Rounds::new(sc.governance.round_size, sc.governance.quorum),
            payloads: Vec::new(),
            executed: 0,
            recent_prunes: VecDeque::new(),
            last_tally: Vec::new(),
        }
    }

    /// Payloads that passed and await execution, oldest first.
    pub fn pending(&self) -> &[Payload] {
        &self.payloads[self.executed.min(self.payloads.len())..]
    }

    /// A prune at `slot`; prunes older than a round are forgotten.
    pub fn note_prune(&mut self, slot: Slot, round_size: u64) {
        self.recent_prunes.push_back(slot);
        while self
            .recent_prunes
            .front()
            .is_some_and(|&s| s + round_size <= slot)
        {
            self.recent_prunes.pop_front();
        }
    }
}

impl Engine<'_, '_> {
    /// The proposer's voting policy signals for a payload, if it wants one.
    pub(super) fn signal(&mut self, proposer: usize) {
        if !self.sequencers.all[proposer].policy.ever_signals() {
            return;
        }
        let mut policy = self.sequencers.take_policy(proposer);
        let seat = self.sequencers.seat(proposer);
        let payload = policy.signal(&self.view(), &seat);
        self.sequencers.put_policy(proposer, policy);
        if let Some(payload) = payload {
            self.governance.rounds.signal(payload);
        }
    }

    /// Closes the governance round that ended at this slot, if any.
    pub(super) fn close_round(&mut self, slot: Slot) {
        let Some(result) = self.governance.rounds.advance(slot) else {
            return;
        };
        for (payload, count) in &result.tally {
            self.event(
                "signals",
                describe_payload(payload),
                *count as f64,
                format!(
                    "round {}: {count} signals (quorum {})",
                    result.round, self.sc.governance.quorum
                ),
            );
        }
        self.governance.last_tally.clone_from(&result.tally);
        if let Some(payload) = result.passed {
            let i = self.governance.payloads.len();
            let at = self
                .now
                .saturating_add(self.sc.governance.execution_delay.saturating_mul(1000));
            self.event(
                "passed",
                describe_payload(&payload),
                i as f64,
                format!("executes at {:.0} s", at as f64 / 1000.0),
            );
            self.governance.payloads.push(payload);
            self.queue.push(at, Event::Execute(i));
        }
    }

    /// Carries out a payload that passed.
    pub(super) fn execute(&mut self, i: usize) -> Result<(), EngineError> {
        let payload = self.governance.payloads[i].clone();
        self.governance.executed = self.governance.executed.max(i + 1);
        self.protocol
            .apply(&payload)
            .map_err(|e| self.protocol_err(e))?;
        let reward = self.protocol.params().checkpoint_reward;
        self.design_mut().reward_changed(reward);
        if let Some(trace) = &mut self.trace {
            trace.set(self.slot, &payload);
        }
        self.acc.executed();
        self.event(
            "executed",
            describe_payload(&payload),
            i as f64,
            "payload executed".into(),
        );
        Ok(())
    }
}

/// A payload in words, for events.
fn describe_payload(p: &Payload) -> String {
    let mut parts = Vec::new();
    if let Some(r) = p.checkpoint_reward {
        parts.push(format!("checkpoint_reward={:.3} tokens", tokens(r)));
    }
    if let Some(b) = p.sequencer_bps {
        parts.push(format!("sequencer_bps={b}"));
    }
    if let Some(c) = p.proving_cost_per_mana {
        parts.push(format!("proving_cost_per_mana={c}"));
    }
    if let Some(t) = p.distributor_top_up {
        parts.push(format!("distributor_top_up={:.3} tokens", tokens(t)));
    }
    if p.booster.is_some() {
        parts.push("a new booster".into());
    }
    parts.join(", ")
}
