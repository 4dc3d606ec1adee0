//! Parameter sweeps: grids of scenario keys × replicates, run in parallel,
//! resumable, shardable across machines, merged into one table.

mod assemble;
mod error;
pub mod exec;
pub mod sensitivity;
pub mod spec;
mod values;

pub use values::file_schema;

pub use exec::{
    Manifest, Metrics, SweepError, SweepOptions, SweepReport, assemble, invalid_cells, merge,
    run_sweep,
};
pub use sensitivity::write_sensitivity;
pub use spec::{Layout, Sampler, Seeds, Sweep, load, load_with, parse, parse_with, replicate_seed};
