//! The discrete-event engine: an event queue with stable ties, and the
//! simulation that drives agents and the protocol (time, random streams and
//! units are in [`crate::base`], the fee rules in [`crate::protocol::fees`]).

pub mod queue;
mod world;

pub use world::{Design, EngineError, RunOptions, RunResult, World, genesis_params, run};
