//! Reading a folder's saved outputs back: its Parquet tables, their columns
//! and a sweep's manifest, for charts and reports.

use std::fs::File;
use std::path::Path;

use polars::prelude::*;

use super::tables::OutputError;

/// An error about a file.
pub(crate) fn oerr(path: &Path, e: impl std::fmt::Display) -> OutputError {
    OutputError {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Reads a Parquet table.
pub fn read_table(path: &Path) -> Result<DataFrame, OutputError> {
    let file = File::open(path).map_err(|e| oerr(path, e))?;
    ParquetReader::new(file).finish().map_err(|e| oerr(path, e))
}

/// A column as numbers (missing values as NaN).
pub fn numbers(df: &DataFrame, name: &str) -> Vec<f64> {
    df.column(name)
        .ok()
        .and_then(|c| c.cast(&DataType::Float64).ok())
        .and_then(|c| {
            c.f64()
                .ok()
                .map(|ca| ca.iter().map(|v| v.unwrap_or(f64::NAN)).collect())
        })
        .unwrap_or_default()
}

/// A column as text.
pub fn texts(df: &DataFrame, name: &str) -> Vec<String> {
    df.column(name)
        .ok()
        .and_then(|c| c.cast(&DataType::String).ok())
        .and_then(|c| {
            c.str()
                .ok()
                .map(|ca| ca.iter().map(|v| v.unwrap_or("").to_string()).collect())
        })
        .unwrap_or_default()
}
