//! The proving designs a scenario may run, each behind the engine's
//! [`Design`] seam: `permissionless` (the deployed rules), `bonded_quotes`
//! (the previous design), and `fee_market` and `auction` (two designs
//! proposed instead). A new design is a module here and one line in
//! [`for_scenario`].

mod auction;
mod bonded_quotes;
mod fee_market;
mod permissionless;

pub use auction::Auction;
pub use bonded_quotes::BondedQuotes;
pub use fee_market::FeeMarket;
pub use permissionless::Permissionless;

use crate::engine::{Design, EngineError, RunOptions, RunResult};
use crate::metrics::Recorder;
use crate::schema::{Mechanism, Scenario};

/// The design a scenario runs, ready for the engine.
pub fn for_scenario(sc: &Scenario) -> Result<Box<dyn Design>, EngineError> {
    Ok(match sc.mechanism {
        Mechanism::Permissionless => Box::new(Permissionless),
        Mechanism::BondedQuotes => Box::new(BondedQuotes::new(sc)?),
        Mechanism::FeeMarket => Box::new(FeeMarket::new(sc)?),
        Mechanism::Auction => Box::new(Auction::new(sc)),
    })
}

/// Runs a scenario under the design it names, sending rows to `recorder`.
pub fn simulate(
    sc: &Scenario,
    recorder: &mut dyn Recorder,
    opts: RunOptions<'_>,
) -> Result<RunResult, EngineError> {
    crate::engine::run(sc, for_scenario, recorder, opts)
}
