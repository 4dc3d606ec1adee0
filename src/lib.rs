//! proversim: a simulator of prover incentives in a ZK rollup whose proving
//! is a permissionless market.
//!
//! The library holds everything; the `proversim` binary only parses its
//! command line and calls it.
//!
//! - [`protocol`]: the exact, integer rules of the proving design (a pure
//!   state machine).
//! - [`trace`]: replay traces, the `settle` command's input, and its
//!   reports.

pub mod agents;
pub mod api;
pub mod base;
pub mod compare;
pub mod cost;
pub mod design;
pub mod engine;
pub mod figures;
pub mod interrupt;
pub mod metrics;
pub mod output;
pub mod protocol;
pub mod run;
pub mod scenario;
pub mod schema;
pub mod stats;
pub mod storage;
pub mod sweep;
pub mod text;
pub mod trace;

pub use design::simulate;
