//! The ground floor every other module may stand on: simulated time, the
//! seeded random streams, units (tokens, years), exact numeric
//! conversions and amounts as files write them. It imports nothing of the crate.

pub mod amount;
pub mod files;
pub mod numeric;
pub mod random;
pub mod time;
pub mod units;
