//! Fault injection for the kill tests: with `PROVERSIM_FAULT_COMMIT_STEP=K`
//! in the environment, the process aborts right after the K-th rename of a
//! marked switch (from 0: before the first), as a kill there would leave
//! it. Without the variable nothing happens.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Whether a switch is under way in this process, and its renames so far.
static SWITCHING: AtomicBool = AtomicBool::new(false);
static RENAMES: AtomicU64 = AtomicU64::new(0);

/// A switch has begun (its marker is written): step 0.
pub(super) fn switch_begun() {
    RENAMES.store(0, Ordering::SeqCst);
    SWITCHING.store(true, Ordering::SeqCst);
    fault(0);
}

/// The switch is over: renames no longer count.
pub(super) fn switch_ended() {
    SWITCHING.store(false, Ordering::SeqCst);
}

/// One rename into place happened (called after every one).
pub(super) fn renamed() {
    if SWITCHING.load(Ordering::SeqCst) {
        fault(RENAMES.fetch_add(1, Ordering::SeqCst) + 1);
    }
}

/// Aborts at step `step` when the environment asks for it.
fn fault(step: u64) {
    let at = std::env::var("PROVERSIM_FAULT_COMMIT_STEP")
        .ok()
        .and_then(|s| s.parse::<u64>().ok());
    if at == Some(step) {
        std::process::abort();
    }
}
