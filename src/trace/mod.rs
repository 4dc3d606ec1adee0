//! Replay traces: a fixed history of blocks, proofs and governance payloads
//! replayed through the protocol (the `settle` command, docs/model.md section 11).

mod chunks;
mod names;
pub mod parse;
mod reader;
pub mod replay;
pub mod report;
pub mod synthetic;
pub mod writer;

pub use names::Names;
pub use parse::{Place, Trace, TraceError, TraceEvent, TraceEventKind, load, parse};
pub use replay::{Replay, replay};
pub use writer::{TraceHeader, TraceWriter};
