//! Turning journals into `sweep.parquet`: one row per run in run order,
//! every swept parameter and every metric the runs report a typed column
//! (the catalog's first, in its order, then the rest by name), whatever the
//! number of threads, shards or interruptions.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use toml::Value;

use crate::metrics::catalog::{METRICS, Metric, Unit};
use crate::storage::tables::{ROW_GROUP, TableFile};

use super::error::{SweepError, io};
use super::exec::RunLine;
use super::spec::Layout;

/// A parameter's column: integers, numbers, booleans or text, whichever
/// holds all its values.
enum ParamColumn {
    Int(Vec<i64>),
    Float(Vec<f64>),
    Bool(Vec<bool>),
    Text(Vec<String>),
}

impl ParamColumn {
    fn for_values(values: &[Value]) -> ParamColumn {
        if values.iter().all(|v| matches!(v, Value::Integer(_))) {
            ParamColumn::Int(Vec::new())
        } else if values
            .iter()
            .all(|v| matches!(v, Value::Integer(_) | Value::Float(_)))
        {
            ParamColumn::Float(Vec::new())
        } else if values.iter().all(|v| matches!(v, Value::Boolean(_))) {
            ParamColumn::Bool(Vec::new())
        } else {
            ParamColumn::Text(Vec::new())
        }
    }

    fn push(&mut self, v: &Value) {
        match (self, v) {
            (ParamColumn::Int(c), Value::Integer(i)) => c.push(*i),
            (ParamColumn::Float(c), Value::Integer(i)) => c.push(*i as f64),
            (ParamColumn::Float(c), Value::Float(x)) => c.push(*x),
            (ParamColumn::Bool(c), Value::Boolean(b)) => c.push(*b),
            (ParamColumn::Text(c), Value::String(s)) => c.push(s.clone()),
            (ParamColumn::Text(c), v) => c.push(v.to_string()),
            _ => unreachable!("a column holds all its parameter's values"),
        }
    }

    fn take(&mut self, name: &str) -> Column {
        match self {
            ParamColumn::Int(c) => Column::new(name.into(), std::mem::take(c)),
            ParamColumn::Float(c) => Column::new(name.into(), std::mem::take(c)),
            ParamColumn::Bool(c) => Column::new(name.into(), std::mem::take(c)),
            ParamColumn::Text(c) => Column::new(name.into(), std::mem::take(c)),
        }
    }
}

crate::metrics::columns::table! {
    /// The fixed columns of a sweep row (the metrics follow, one column
    /// each, in the order of [`METRICS`]).
    SweepRow, SweepColumns {
        /// The run index.
        run: u64,
        /// The cell.
        cell: u64,
        /// The replicate.
        replicate: u32,
        /// The run's seed.
        seed: u64,
        /// `ok` or `error`.
        status: String,
        /// The error, if any.
        error: String,
    }
}

impl From<&RunLine> for SweepRow {
    fn from(l: &RunLine) -> Self {
        SweepRow {
            run: l.run,
            cell: l.cell,
            replicate: l.replicate,
            seed: l.seed,
            status: if l.error.is_some() { "error" } else { "ok" }.to_string(),
            error: l.error.clone().unwrap_or_default(),
        }
    }
}

/// A metric's column: counts as integers, the rest as numbers.
enum MetricColumn {
    Count(Vec<Option<u64>>),
    Real(Vec<Option<f64>>),
}

impl MetricColumn {
    fn for_metric(m: Option<&Metric>) -> MetricColumn {
        match m.map(|m| m.unit) {
            Some(Unit::Count) => MetricColumn::Count(Vec::new()),
            _ => MetricColumn::Real(Vec::new()),
        }
    }

    fn push(&mut self, v: Option<f64>) {
        match self {
            MetricColumn::Count(c) => c.push(v.map(|x| x as u64)),
            MetricColumn::Real(c) => c.push(v),
        }
    }

    fn take(&mut self, name: &str) -> Column {
        match self {
            MetricColumn::Count(c) => Column::new(name.into(), std::mem::take(c)),
            MetricColumn::Real(c) => Column::new(name.into(), std::mem::take(c)),
        }
    }
}

/// Writes `sweep.parquet` from journals, one row per run in run order,
/// with every swept parameter as its own column. With `complete`, every run
/// of the sweep must be present. Reads the journals twice and keeps only
/// an index in memory (8 bytes per run).
pub fn assemble(
    sweep: &Layout,
    journals: &[PathBuf],
    out: &Path,
    complete: bool,
) -> Result<u64, SweepError> {
    let runs = sweep.runs();
    // (journal, offset) of each run's line; u64::MAX: absent.
    let mut at = vec![(u32::MAX, u64::MAX); runs as usize];
    let mut names: BTreeSet<String> = BTreeSet::new();
    for (j, path) in journals.iter().enumerate() {
        let mut reader = BufReader::new(File::open(path).map_err(|e| io(path, e))?);
        let mut offset = 0u64;
        let mut line = String::new();
        loop {
            line.clear();
            let n = reader.read_line(&mut line).map_err(|e| io(path, e))?;
            if n == 0 || !line.ends_with('\n') {
                break;
            }
            // A torn line is no record (`read_journal` skips it alike).
            let Ok(r) = serde_json::from_str::<RunLine>(&line) else {
                offset += n as u64;
                continue;
            };
            if r.run < runs && at[r.run as usize].0 == u32::MAX {
                at[r.run as usize] = (j as u32, offset);
                if let Some(m) = &r.metrics {
                    for k in m.0.keys() {
                        if !names.contains(k) {
                            names.insert(k.clone());
                        }
                    }
                }
            }
            offset += n as u64;
        }
    }
    if complete && let Some(missing) = at.iter().position(|a| a.0 == u32::MAX) {
        return Err(SweepError::Folder(format!(
            "run {missing} (cell {}, replicate {}) is in none of the shards; merge needs every shard complete",
            missing as u64 / sweep.replicates as u64,
            missing as u64 % sweep.replicates as u64
        )));
    }
    let dir = out.parent().unwrap_or(Path::new("."));
    let name = out
        .file_stem()
        .map_or("sweep".to_string(), |s| s.to_string_lossy().to_string());
    let mut table = TableFile::new(dir, &name, false);
    let mut fixed = SweepColumns::default();
    let metric_names = crate::metrics::flat::table_order(&names);
    let mut metric_cols: Vec<MetricColumn> = metric_names
        .iter()
        .map(|n| MetricColumn::for_metric(METRICS.iter().find(|m| m.key == n.as_str())))
        .collect();
    let mut params: Vec<ParamColumn> = sweep
        .parameters
        .iter()
        .map(|p| ParamColumn::for_values(&p.values))
        .collect();
    let mut readers: Vec<BufReader<File>> = journals
        .iter()
        .map(|p| File::open(p).map(BufReader::new).map_err(|e| io(p, e)))
        .collect::<Result<_, _>>()?;
    let mut written = 0u64;
    let flush = |fixed: &mut SweepColumns,
                 params: &mut Vec<ParamColumn>,
                 metric_cols: &mut Vec<MetricColumn>,
                 table: &mut TableFile|
     -> Result<(), SweepError> {
        let mut df = fixed.take_frame().map_err(|e| io(out, e))?;
        for (m, col) in metric_names.iter().zip(metric_cols.iter_mut()) {
            df.with_column(col.take(m)).map_err(|e| io(out, e))?;
        }
        for (p, col) in sweep.parameters.iter().zip(params.iter_mut()) {
            let c = col.take(&p.key);
            df.with_column(c).map_err(|e| io(out, e))?;
        }
        // Parameters right after the replicate's seed.
        let mut order: Vec<String> = ["run", "cell", "replicate", "seed"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        order.extend(sweep.parameters.iter().map(|p| p.key.clone()));
        for c in df.get_column_names() {
            if !order.iter().any(|o| o.as_str() == c.as_str()) {
                order.push(c.to_string());
            }
        }
        let df = df.select(order).map_err(|e| io(out, e))?;
        table.write(df)?;
        Ok(())
    };
    let mut line = String::new();
    for (run, &(j, offset)) in at.iter().enumerate() {
        if j == u32::MAX {
            continue;
        }
        let reader = &mut readers[j as usize];
        reader
            .seek(SeekFrom::Start(offset))
            .map_err(|e| io(&journals[j as usize], e))?;
        line.clear();
        reader
            .read_line(&mut line)
            .map_err(|e| io(&journals[j as usize], e))?;
        let r: RunLine = serde_json::from_str(&line).map_err(|e| io(&journals[j as usize], e))?;
        debug_assert_eq!(r.run, run as u64);
        fixed.push(SweepRow::from(&r));
        for (m, col) in metric_names.iter().zip(metric_cols.iter_mut()) {
            col.push(r.metrics.as_ref().and_then(|x| x.get(m)));
        }
        for (col, v) in params.iter_mut().zip(sweep.cell_values(r.cell)) {
            col.push(v);
        }
        written += 1;
        if fixed.len() >= ROW_GROUP {
            flush(&mut fixed, &mut params, &mut metric_cols, &mut table)?;
        }
    }
    if !fixed.is_empty() || written == 0 {
        flush(&mut fixed, &mut params, &mut metric_cols, &mut table)?;
    }
    table.finish()?;
    table.commit()?;
    Ok(written)
}
