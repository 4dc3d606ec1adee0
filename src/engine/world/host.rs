//! What the engine lends a design ([`super::design::Design`]) while
//! it acts: the scenario and the clock, events, prunes, the protocol, the
//! provers and their strategies, the sequencers, the open epochs, the
//! per-epoch accounts, the summary and the L1. A design changes the world
//! only through these.

use crate::agents::sequencer::Sequencer;
use crate::agents::{EpochInfo, ProverCtx, ProverStrategy, View};
use crate::base::random::Stream;
use crate::base::time::Time;
use crate::metrics::SummaryAcc;
use crate::metrics::name::Name;
use crate::protocol::{
    Amount, BlockNumber, Epoch, EpochSettlement, Payload, ProtocolError, ProverId, Prune, Slot,
};
use crate::schema::{ProverGroup, Scenario};

use super::provers::Phase;
use super::{Engine, EngineError};

/// The simulation as a design sees it while it acts.
pub struct World<'e, 's, 'r>(pub(super) &'e mut Engine<'s, 'r>);

impl World<'_, '_, '_> {
    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        self.0.sc
    }

    /// Now, in milliseconds since slot 0.
    pub fn now(&self) -> Time {
        self.0.now
    }

    /// The slot in progress.
    pub fn slot(&self) -> Slot {
        self.0.slot
    }

    /// Milliseconds per slot.
    pub fn slot_ms(&self) -> u64 {
        self.0.slot_ms
    }

    /// The world as agents see it now.
    pub fn view(&self) -> View<'_> {
        self.0.view()
    }

    /// Records an event row.
    pub fn event(&mut self, kind: &str, subject: impl Into<String>, value: f64, detail: String) {
        self.0.event(kind, subject, value, detail);
    }

    /// The pending chain is cut back: the engine carries the prune out
    /// after the slot's start.
    pub fn prune(&mut self, p: Prune) {
        self.0.sink.prunes.push(p);
    }

    /// The protocol's slot start: settlements, prunes and
    /// credits go to the engine.
    pub fn protocol_begin_slot(&mut self, slot: Slot) -> Result<(), EngineError> {
        let e = &mut *self.0;
        e.protocol
            .begin_slot(slot, &mut e.sink)
            .map_err(|error| e.protocol_err(error))
    }

    /// A call the protocol refused in this slot, as the run's error.
    pub fn protocol_err(&self, error: ProtocolError) -> EngineError {
        self.0.protocol_err(error)
    }

    /// The protocol's settlement of epoch `e`, if it paid.
    pub fn take_protocol_settlement(&mut self, e: Epoch) -> Option<EpochSettlement> {
        let settlements = &mut self.0.sink.settlements;
        settlements
            .iter()
            .position(|s| s.epoch == e)
            .map(|i| settlements.swap_remove(i))
    }

    /// The proposer's voting policy signals for a payload, if it wants one.
    pub fn signal(&mut self, proposer: usize) {
        self.0.signal(proposer);
    }

    /// A sequencer.
    pub fn sequencer(&self, i: usize) -> &Sequencer {
        &self.0.sequencers.all[i]
    }

    /// Provers not exited, ascending.
    pub fn live(&self) -> Vec<u32> {
        self.0.live.clone()
    }

    /// Whether a prover is active (not entering, not exited).
    pub fn is_active(&self, prover: u32) -> bool {
        self.0.provers[prover as usize].phase == Phase::Active
    }

    /// Whether an active prover that has just lost what it staked still
    /// expects staying to pay, by its market rule: its own decision to put
    /// up a new stake.
    pub fn stays_after_loss(&self, prover: u32) -> bool {
        let w = &self.0;
        let agent = &w.provers[prover as usize];
        w.rules[agent.group].stays_after_loss(&w.view(), agent.id, &agent.values)
    }

    /// A prover's protocol id.
    pub fn prover_id(&self, prover: u32) -> ProverId {
        self.0.provers[prover as usize].id
    }

    /// A prover's name.
    pub fn prover_name(&self, prover: u32) -> Name {
        self.0.provers[prover as usize].name
    }

    /// A prover's own values.
    pub fn prover_values(&self, prover: u32) -> &ProverGroup {
        &self.0.provers[prover as usize].values
    }

    /// A prover's own values and its random stream.
    pub fn prover_mut(&mut self, prover: u32) -> (&ProverGroup, &mut Stream) {
        let agent = &mut self.0.provers[prover as usize];
        (&agent.values, &mut agent.rng)
    }

    /// Calls a prover's strategy with a fresh view, then carries out what
    /// it asked for.
    pub fn call_prover(
        &mut self,
        prover: u32,
        f: impl FnOnce(&mut dyn ProverStrategy, &mut ProverCtx<'_, '_>),
    ) {
        self.0.call_prover(prover, f);
    }

    /// Calls every active prover's strategy but `except`'s, in id order,
    /// each with a fresh view, carrying out what each asked for.
    pub fn call_active(
        &mut self,
        except: Option<u32>,
        mut f: impl FnMut(&mut dyn ProverStrategy, &mut ProverCtx<'_, '_>),
    ) {
        for p in self.live() {
            if self.is_active(p) && Some(p) != except {
                self.call_prover(p, &mut f);
            }
        }
    }

    /// A prover leaves the market and its place is open to a newcomer of
    /// its group (what the design holds of it, the design releases).
    pub fn retire(&mut self, prover: u32) {
        self.0.retire(prover);
    }

    /// The summary being accumulated.
    pub fn summary(&mut self) -> &mut SummaryAcc {
        &mut self.0.acc
    }

    /// Charges a prover a cost in its books of epoch `e`, tokens.
    pub fn charge(&mut self, e: Epoch, prover: u32, cost: f64) {
        self.0.accounts.cost(e, prover, cost);
    }

    /// A prover lost a bond, in its books of epoch `e` (or of the oldest
    /// epoch still open, if `e`'s window closed), tokens.
    pub fn slashed(&mut self, e: Epoch, prover: u32, tokens: f64) {
        let open = (self.0.slot / self.0.ed).saturating_sub(self.0.pse + 1);
        self.0.accounts.slashed(e.max(open), prover, tokens);
    }

    /// A prover's proof of epoch `e` landed.
    pub fn submitted(&mut self, e: Epoch, prover: u32) {
        self.0.accounts.submission(e, prover);
    }

    /// An open epoch's record.
    pub fn epoch_info(&self, e: Epoch) -> Option<&EpochInfo> {
        self.0.epochs.iter().find(|i| i.epoch == e)
    }

    /// An open epoch's record, to change.
    pub fn epoch_info_mut(&mut self, e: Epoch) -> Option<&mut EpochInfo> {
        self.0.info_mut(e)
    }

    /// Bridging transactions that a proof by `prover` made final: those
    /// in blocks up to the design's proven tip `tip`.
    pub fn bridges_proven(&mut self, prover: u32, tip: BlockNumber) {
        self.0.bridges_proven(prover, tip);
    }

    /// Sets the checkpoint reward, as a governance payload would (a trace
    /// records it as one).
    pub fn set_checkpoint_reward(&mut self, reward: Amount) -> Result<(), EngineError> {
        let e = &mut *self.0;
        let payload = Payload {
            checkpoint_reward: Some(reward),
            ..Payload::default()
        };
        e.protocol
            .apply(&payload)
            .map_err(|error| e.protocol_err(error))?;
        if let Some(trace) = &mut e.trace {
            trace.set(e.slot, &payload);
        }
        Ok(())
    }

    /// Seconds an L1 transaction with this priority fee, sent at `sent`
    /// (ms), waits for inclusion: a draw, or under the market block by
    /// block the wait for the first block whose clearing tip it meets (at
    /// most a day).
    pub fn inclusion_delay(&mut self, priority_fee_gwei: f64, sent: Time) -> f64 {
        self.0.inclusion_delay_from(priority_fee_gwei, sent)
    }
}
