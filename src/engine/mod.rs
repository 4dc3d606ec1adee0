//! The discrete-event engine: a clock in milliseconds, an event queue with
//! stable ties, seeded random streams, the fee model, and the simulation
//! that drives agents and the protocol.

pub mod fees;
pub mod queue;
pub mod rng;
mod world;

pub use world::{EngineError, RunOptions, RunResult, run};
