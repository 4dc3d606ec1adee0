//! `sensitivity.parquet` of a Sobol' sweep: for every metric and key, the
//! first-order and total indices, from the cells' means over replicates.

use std::path::Path;

use crate::stats::sensitivity::sobol_indices;
use crate::storage::saved::{numbers, read_table};
use crate::storage::tables::TableFile;

use super::exec::{SweepError, io};
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
        /// Total Sobol' index: the share it explains with its interactions.
        total: f64,
        /// Base samples the estimate rests on.
        samples: u64,
    }
}

/// Writes `<dir>/sensitivity.parquet` from `<dir>/sweep.parquet` when the
/// sweep is a Sobol' design; returns the rows written (0 otherwise).
/// Metrics that do not vary, or that some base sample lacks everywhere,
/// have no row.
pub fn write_sensitivity(layout: &Layout, dir: &Path) -> Result<u64, SweepError> {
    if layout.sampler != Sampler::Sobol {
        return Ok(0);
    }
    let path = dir.join("sweep.parquet");
    let df = read_table(&path)?;
    let k = layout.parameters.len();
    let cells = layout.cells() as usize;
    let cell_of = numbers(&df, "cell");
    let skip = ["run", "cell", "replicate", "seed", "status", "error"];
    let mut rows = SensitivityColumns::default();
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
                total: ix.total,
                samples,
            });
        }
    }
    let written = rows.len() as u64;
    let out = dir.join("sensitivity.parquet");
    let mut table = TableFile::new(dir, "sensitivity", false);
    table.write(rows.take_frame().map_err(|e| io(&out, e))?)?;
    table.finish()?;
    table.commit()?;
    Ok(written)
}
