//! Analytic figures, computed exactly from the rules without simulating:
//! a booster's ramp, miss cascade, recovery and break-even coverage, and a
//! search for constants that meet stated targets.

pub mod booster;
pub mod target;

pub use booster::BoosterFigures;
