//! The deployed design (`mechanism = "permissionless"`, docs/model.md
//! sections 2-5): anyone may prove; every active prover's strategy is
//! asked at each epoch's start; proposers signal in governance; the
//! protocol settles the longest proof's provers at the window's close.

use crate::engine::Design;

/// The permissionless design: the protocol's own rules, nothing added.
#[derive(Debug, Default)]
pub struct Permissionless;

impl Design for Permissionless {
    fn name(&self) -> &'static str {
        "permissionless"
    }
}
