//! A request to stop long work early (Ctrl-C in a notebook): runs check
//! it at each epoch and stop with [`crate::engine::EngineError::Interrupted`];
//! sweeps start no further run and keep their journal, so they resume.

use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Asks the work in progress to stop.
pub fn request() {
    REQUESTED.store(true, Ordering::Relaxed);
}

/// Clears a request, before new work starts.
pub fn clear() {
    REQUESTED.store(false, Ordering::Relaxed);
}

/// Whether work should stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::Relaxed)
}
