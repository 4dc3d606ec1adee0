//! The deployed design (`mechanism = "permissionless"`, docs/model.md
//! sections 2-5): anyone may prove; every active prover's strategy is
//! asked at each epoch's start; proposers signal in governance; the
//! protocol settles the longest proof's provers at the window's close.

use crate::engine::{Design, EngineError, World};
use crate::protocol::{
    BlockInput, BlockNumber, Books, Epoch, EpochSettlement, Protocol, ProtocolError,
};

/// The permissionless design: the protocol's own rules, nothing added.
#[derive(Debug, Default)]
pub struct Permissionless;

impl Design for Permissionless {
    fn name(&self) -> &'static str {
        "permissionless"
    }

    fn replayable(&self) -> bool {
        true
    }

    fn prefix_proofs(&self) -> bool {
        true
    }

    fn begin_slot(&mut self, world: &mut World<'_, '_, '_>, slot: u64) -> Result<(), EngineError> {
        world.protocol_begin_slot(slot)
    }

    fn epoch_start(&mut self, world: &mut World<'_, '_, '_>, _epoch: Epoch) {
        for p in world.live() {
            if world.is_active(p) {
                world.call_prover(p, |s, ctx| s.on_epoch_start(ctx));
            }
        }
    }

    fn proposer_turn(
        &mut self,
        world: &mut World<'_, '_, '_>,
        proposer: usize,
    ) -> Result<(), EngineError> {
        world.signal(proposer);
        Ok(())
    }

    fn add_block(
        &mut self,
        protocol: &mut Protocol,
        block: BlockInput,
    ) -> Result<BlockNumber, ProtocolError> {
        protocol.add_block(block)
    }

    fn distributor_limits_mint(&self) -> bool {
        true
    }

    fn settlement(&mut self, world: &mut World<'_, '_, '_>, e: Epoch) -> Option<EpochSettlement> {
        world.take_protocol_settlement(e)
    }

    fn proven_tip(&self, protocol: &Protocol) -> BlockNumber {
        protocol.proven_tip()
    }

    fn books(&self, protocol: &Protocol) -> Books {
        *protocol.books()
    }
}
