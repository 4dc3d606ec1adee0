//! The deployed design (`mechanism = "permissionless"`, docs/model.md
//! sections 2-5): anyone may prove; every active prover's strategy is
//! asked at each epoch's start; proposers signal in governance; the
//! protocol settles the longest proof's provers at the window's close.

use crate::engine::{Design, World};
use crate::protocol::Epoch;

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

    fn epoch_start(&mut self, world: &mut World<'_, '_, '_>, _epoch: Epoch) {
        for p in world.live() {
            if world.is_active(p) {
                world.call_prover(p, |s, ctx| s.on_epoch_start(ctx));
            }
        }
    }
}
