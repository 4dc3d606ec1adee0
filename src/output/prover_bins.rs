//! The prover table of a run, summed into the bins of epochs its charts
//! draw, read in slices of rows: memory grows with provers and bins, not
//! with the table (a million-epoch run has tens of millions of rows).

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;

use polars::prelude::*;

use crate::storage::tables::OutputError;

/// Rows read at a time.
const SLICE: usize = 1 << 20;

/// The prover table in bins of `per` epochs.
#[derive(Debug, Default)]
pub struct ProverBins {
    /// Each population: a group, with its strategy when they differ.
    pub populations: Vec<String>,
    /// Rows (provers active or paying costs) per population and bin.
    pub rows: Vec<Vec<f64>>,
    /// Rewards per population and bin, tokens.
    pub rewards: Vec<Vec<f64>>,
    /// Rewards per bin, tokens.
    pub total: Vec<f64>,
    /// Per prover: its total reward and its rewards per bin.
    pub by_prover: BTreeMap<String, (f64, Vec<f64>)>,
}

fn err(path: &Path, e: impl std::fmt::Display) -> OutputError {
    OutputError {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Reads `path` (a `provers.parquet`) slice by slice into `bins` bins of
/// `per` epochs.
pub fn scan(path: &Path, per: u64, bins: usize) -> Result<ProverBins, OutputError> {
    let height = ParquetReader::new(File::open(path).map_err(|e| err(path, e))?)
        .num_rows()
        .map_err(|e| err(path, e))?;
    let mut out = ProverBins {
        total: vec![0.0; bins],
        ..ProverBins::default()
    };
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let columns = ["epoch", "group", "strategy", "prover", "reward"].map(String::from);
    let mut start = 0;
    while start < height {
        let file = File::open(path).map_err(|e| err(path, e))?;
        let df = ParquetReader::new(file)
            .with_columns(Some(columns.to_vec()))
            .with_slice(Some((start, SLICE)))
            .finish()
            .map_err(|e| err(path, e))?;
        start += SLICE;
        let col = |name: &str| df.column(name).map_err(|e| err(path, e));
        let epoch = col("epoch")?
            .cast(&DataType::UInt64)
            .map_err(|e| err(path, e))?;
        let epoch = epoch.u64().map_err(|e| err(path, e))?;
        let reward = col("reward")?
            .cast(&DataType::Float64)
            .map_err(|e| err(path, e))?;
        let reward = reward.f64().map_err(|e| err(path, e))?;
        let (group, strategy, prover) = (col("group")?, col("strategy")?, col("prover")?);
        let (group, strategy, prover) = (
            group.str().map_err(|e| err(path, e))?,
            strategy.str().map_err(|e| err(path, e))?,
            prover.str().map_err(|e| err(path, e))?,
        );
        let mut population = String::new();
        for i in 0..df.height() {
            let b = ((epoch.get(i).unwrap_or(0) / per) as usize).min(bins - 1);
            let r = reward.get(i).unwrap_or(0.0);
            let (g, s) = (group.get(i).unwrap_or(""), strategy.get(i).unwrap_or(""));
            population.clear();
            population.push_str(g);
            if g != s {
                population.push_str(" (");
                population.push_str(s);
                population.push(')');
            }
            let p = match index.get(population.as_str()) {
                Some(&p) => p,
                None => {
                    index.insert(population.clone(), out.populations.len());
                    out.populations.push(population.clone());
                    out.rows.push(vec![0.0; bins]);
                    out.rewards.push(vec![0.0; bins]);
                    out.populations.len() - 1
                }
            };
            out.rows[p][b] += 1.0;
            out.rewards[p][b] += r;
            out.total[b] += r;
            let name = prover.get(i).unwrap_or("");
            if !out.by_prover.contains_key(name) {
                out.by_prover
                    .insert(name.to_string(), (0.0, vec![0.0; bins]));
            }
            let e = out.by_prover.get_mut(name).expect("inserted above");
            e.0 += r;
            e.1[b] += r;
        }
    }
    // Populations in name order, as the charts' legends list them.
    let mut order: Vec<usize> = (0..out.populations.len()).collect();
    order.sort_by(|&a, &b| out.populations[a].cmp(&out.populations[b]));
    out.populations = order.iter().map(|&i| out.populations[i].clone()).collect();
    out.rows = order.iter().map(|&i| out.rows[i].clone()).collect();
    out.rewards = order.iter().map(|&i| out.rewards[i].clone()).collect();
    Ok(out)
}
