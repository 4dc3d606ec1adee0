//! The statistics experiments report with: Student-t intervals over
//! replicates, paired differences, space-filling samples and Sobol'
//! sensitivity indices.

pub mod interval;
pub mod sampling;
pub mod sensitivity;

pub use interval::{Interval, paired_interval, t_interval};
