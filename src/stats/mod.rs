//! The statistics experiments report with: Student-t intervals over
//! replicates, paired differences and their tests adjusted for many
//! metrics, space-filling samples and Sobol' sensitivity indices.

pub mod interval;
pub mod sampling;
pub mod sensitivity;
pub mod significance;

pub use interval::{Interval, paired_interval, t_interval};
