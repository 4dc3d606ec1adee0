//! `sensitivity.parquet` of a Sobol' sweep: for every metric and key, the
//! first-order and total indices with their 95% bootstrap intervals, from
//! the cells' means over replicates, and whether the estimate says little
//! (a design too small for it).

use std::path::Path;

use crate::stats::sensitivity::sobol_indices;
use crate::storage::saved::{numbers, read_table};
use crate::storage::tables::TableFile;

use super::error::{SweepError, io};
use super::spec::{Layout, Sampler};

crate::metrics::columns::table! {
    /// One key's indices for one metric.
    SensitivityRow, SensitivityColumns {
        /// The metric.
        metric: String,
        /// The swept key.
        key: String,
        /// First-order Sobol' index: the share of the metric's variance the
        /// key explains alone.
        first_order: f64,
        /// Half-width of the first-order index's 95% bootstrap interval.
        first_order_conf: f64,
        /// Total Sobol' index: the share it explains with its interactions.
        total: f64,
        /// Half-width of the total index's 95% bootstrap interval.
        total_conf: f64,
        /// An interval wider than ±0.1, or an index outside [0, 1] beyond
        /// its interval: the design needs more samples for this one.
        unreliable: bool,
        /// Base samples the estimate rests on.
        samples: u64,
    }
}

/// How many indices `sensitivity.parquet` holds, and how many of them say
/// little.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Sensitivity {
    /// Rows written (metric and key).
    pub rows: u64,
    /// Rows whose estimate is unreliable.
    pub unreliable: u64,
}

impl Sensitivity {
    /// The warning a user should read, if any estimate is unreliable.
    pub fn warning(&self) -> Option<String> {
        (self.unreliable > 0).then(|| {
            format!(
                "{} of {} Sobol' index pairs are unreliable (a 95% bootstrap interval wider than ±0.1, or an index outside [0, 1] beyond its interval): the design is too small for them; raise `samples` (the `unreliable` column of sensitivity.parquet names them)",
                self.unreliable, self.rows
            )
        })
    }
}

/// Writes `<dir>/sensitivity.parquet` from `<dir>/sweep.parquet` when the
/// sweep is a Sobol' design (nothing otherwise). Metrics that do not vary,
/// or that some base sample lacks everywhere, have no row.
pub fn write_sensitivity(layout: &Layout, dir: &Path) -> Result<Sensitivity, SweepError> {
    if layout.sampler != Sampler::Sobol {
        return Ok(Sensitivity::default());
    }
    let path = dir.join("sweep.parquet");
    let df = read_table(&path)?;
    let k = layout.parameters.len();
    let cells = layout.cells() as usize;
    let cell_of = numbers(&df, "cell");
    let skip = ["run", "cell", "replicate", "seed", "status", "error"];
    let mut rows = SensitivityColumns::default();
    let mut unreliable = 0;
    for col in df.columns() {
        let name = col.name().as_str();
        if skip.contains(&name) || layout.parameters.iter().any(|p| p.key == name) {
            continue;
        }
        if !col.dtype().is_primitive_numeric() {
            continue;
        }
        // The mean over replicates of each cell (NaN: none ran).
        let xs = numbers(&df, name);
        let mut sum = vec![0.0; cells];
        let mut n = vec![0u32; cells];
        for (c, x) in cell_of.iter().zip(&xs) {
            if x.is_finite() {
                sum[*c as usize] += x;
                n[*c as usize] += 1;
            }
        }
        let means: Vec<f64> = sum
            .iter()
            .zip(&n)
            .map(|(s, &n)| if n > 0 { s / n as f64 } else { f64::NAN })
            .collect();
        let Some(indices) = sobol_indices(&means, k) else {
            continue;
        };
        let samples = means
            .chunks_exact(k + 2)
            .filter(|r| r.iter().all(|x| x.is_finite()))
            .count() as u64;
        for (p, ix) in layout.parameters.iter().zip(indices) {
            rows.push(SensitivityRow {
                metric: name.to_string(),
                key: p.key.clone(),
                first_order: ix.first,
                first_order_conf: ix.first_conf,
                total: ix.total,
                total_conf: ix.total_conf,
                unreliable: ix.unreliable(),
                samples,
            });
            unreliable += u64::from(ix.unreliable());
        }
    }
    let written = Sensitivity {
        rows: rows.len() as u64,
        unreliable,
    };
    let out = dir.join("sensitivity.parquet");
    let mut table = TableFile::new(dir, "sensitivity", false);
    table.write(rows.take_frame().map_err(|e| io(&out, e))?)?;
    table.finish()?;
    table.commit()?;
    Ok(written)
}
