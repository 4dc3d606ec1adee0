//! Replay traces: a fixed history of blocks, proofs and governance payloads
//! replayed through the protocol (the `settle` command, docs/model.md section 11).

mod chunks;
mod error;
mod fields;
mod names;
pub mod parse;
mod reader;
pub mod replay;
pub mod report;
pub mod synthetic;
pub mod writer;

pub use error::{Place, TraceError};
pub use names::Names;
pub use parse::{Trace, TraceEvent, TraceEventKind, load, parse};
pub use replay::{Replay, replay};
pub use writer::{TraceHeader, TraceWriter};
