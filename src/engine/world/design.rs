//! The seam between the engine and a proving design, beside the [`World`]
//! it lends the design: every choice that differs between designs (who may
//! prove an epoch, what a block mints, what is paid and when, bonds, what
//! ends an epoch) is a method of [`Design`]. The engine holds one design and
//! calls it at fixed points of each slot, through a [`World`] that lends the
//! design the parts of the simulation it may use; the engine itself names no
//! design. The defaults are the deployed rules'; the designs themselves
//! are in `src/design/`.

use crate::metrics::Summary;
use crate::protocol::fee_market::EpochOutcome;
use crate::protocol::{
    Amount, BlockInput, BlockNumber, Books, Epoch, EpochSettlement, Protocol, ProtocolError,
};
use crate::schema::ProverGroup;

use super::EngineError;
use super::host::World;

/// A proving design, as the engine drives it.
pub trait Design: Send {
    /// Its name in outputs and messages (the scenario's `mechanism`).
    fn name(&self) -> &'static str;

    /// Whether `settle` can replay its runs (a trace holds the protocol's
    /// blocks, proofs and governance changes): by default it can.
    fn replayable(&self) -> bool {
        true
    }

    /// Whether proofs of an epoch's prefix exist, so that a bridging
    /// transaction can be final before its epoch is (under a design without
    /// them, its sender waits for the whole epoch): by default they do.
    fn prefix_proofs(&self) -> bool {
        true
    }

    /// Before the first slot, with the genesis provers in place.
    fn start(&mut self, _world: &mut World<'_, '_, '_>) -> Result<(), EngineError> {
        Ok(())
    }

    /// A slot begins: deadlines, settlements and prunes (the prunes it
    /// reports through [`World::prune`]). By default the protocol's.
    fn begin_slot(&mut self, world: &mut World<'_, '_, '_>, slot: u64) -> Result<(), EngineError> {
        world.protocol_begin_slot(slot)
    }

    /// An epoch begins (the previous one is complete): whoever may prove it
    /// is asked; by default every active prover's strategy.
    fn epoch_start(&mut self, world: &mut World<'_, '_, '_>, _epoch: Epoch) {
        world.call_active(None, |s, ctx| s.on_epoch_start(ctx));
    }

    /// The proposer of the slot acts before it builds its block. By
    /// default its voting policy signals in governance.
    fn proposer_turn(
        &mut self,
        world: &mut World<'_, '_, '_>,
        proposer: usize,
    ) -> Result<(), EngineError> {
        world.signal(proposer);
        Ok(())
    }

    /// Adds a built block to the chain the design proves (by default the
    /// protocol's; a design may keep a chain of its own).
    fn add_block(
        &mut self,
        protocol: &mut Protocol,
        block: BlockInput,
    ) -> Result<BlockNumber, ProtocolError> {
        protocol.add_block(block)
    }

    /// Whether a block mints at most what the distributor holds beyond
    /// what the open epochs' blocks will draw (the deployed rule, the
    /// default); if not, it mints the checkpoint reward in force.
    fn distributor_limits_mint(&self) -> bool {
        true
    }

    /// The settlement of epoch `e`, whose window has closed (`None` if it
    /// paid nothing). By default the protocol's.
    fn settlement(&mut self, world: &mut World<'_, '_, '_>, e: Epoch) -> Option<EpochSettlement> {
        world.take_protocol_settlement(e)
    }

    /// The highest proven block (by default the protocol's).
    fn proven_tip(&self, protocol: &Protocol) -> BlockNumber {
        protocol.proven_tip()
    }

    /// Where every token went (by default the protocol's books).
    fn books(&self, protocol: &Protocol) -> Books {
        *protocol.books()
    }

    /// Capital the design holds at the end of a run, tokens (`None` if it
    /// holds none).
    fn capital_locked(&self) -> Option<f64> {
        None
    }

    /// A new prover's values, with what being in this design's market
    /// costs it beyond its hardware.
    fn add_market_costs(&self, _values: &mut ProverGroup) {}

    /// What being in this design's market would cost a prospective prover
    /// with these values per epoch, as capital beyond its hardware's, as it
    /// weighs entering against `rivals` provers (itself included) that
    /// would then compete.
    fn entry_capital_cost(&self, _values: &ProverGroup, _rivals: f64) -> f64 {
        0.0
    }

    /// A prover became active.
    fn prover_activated(
        &mut self,
        _world: &mut World<'_, '_, '_>,
        _prover: u32,
    ) -> Result<(), EngineError> {
        Ok(())
    }

    /// A prover left the market.
    fn prover_left(&mut self, _world: &World<'_, '_, '_>, _prover: u32) {}

    /// A prover's profit for a closed epoch, tokens, before slashing.
    fn prover_profit(&mut self, _prover: u32, _profit: f64) {}

    /// Governance changed the checkpoint reward.
    fn reward_changed(&mut self, _reward: Amount) {}

    /// Epoch `e`'s window closed and its row was written: what a public
    /// observer saw of it.
    fn epoch_closed(
        &mut self,
        _world: &mut World<'_, '_, '_>,
        _e: Epoch,
        _outcome: &EpochOutcome,
    ) -> Result<(), EngineError> {
        Ok(())
    }

    /// Whether a proof of epoch `e` credited to `prover` may reach the
    /// protocol now (a design with exclusive rights refuses the others').
    fn admits(&mut self, _world: &mut World<'_, '_, '_>, _prover: u32, _e: Epoch) -> bool {
        true
    }

    /// Writes what only this design has into the run's summary.
    fn report(&self, _summary: &mut Summary) {}
}
