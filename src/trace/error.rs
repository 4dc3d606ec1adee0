//! What is wrong with a trace, and where.

use std::fmt;

use crate::protocol::Slot;

/// Where in a trace an error lies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Place {
    /// The file as a whole (unreadable, not TOML, a bad top-level key).
    File,
    /// A line and column of the file (a TOML syntax error).
    Line {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A top-level table, `[params]` or `[booster]`.
    Table(&'static str),
    /// An event, 1-based, with its slot when that is known.
    Event {
        /// The event's position in `[[events]]`, from 1.
        index: usize,
        /// Its slot, if it could be read.
        slot: Option<Slot>,
    },
    /// A slot start during the replay (settlement or prune).
    Slot(Slot),
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::File => Ok(()),
            Place::Line { line, column } => write!(f, "line {line}, column {column}"),
            Place::Table(t) => write!(f, "[{t}]"),
            Place::Event {
                index,
                slot: Some(s),
            } => write!(f, "event {index} (slot {s})"),
            Place::Event { index, slot: None } => write!(f, "event {index}"),
            Place::Slot(s) => write!(f, "slot {s}"),
        }
    }
}

/// A trace that cannot be read or replayed: the file, the place, the key,
/// and what was expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct TraceError {
    /// The file as named by the user.
    pub file: String,
    /// Where in it.
    pub place: Place,
    /// The key at fault, as a dotted path inside its table.
    pub key: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.place != Place::File {
            write!(f, ": {}", self.place)?;
        }
        if let Some(key) = &self.key {
            write!(f, ": key '{key}'")?;
        }
        write!(f, ": {}", self.message)
    }
}
