//! Simulated time.

/// Milliseconds since slot 0 started.
pub type Time = u64;
