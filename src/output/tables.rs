//! Typed tables streamed to Parquet (and CSV on request) with polars, in
//! row groups, under temporary names that are renamed into place only when
//! the whole run has succeeded.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

/// Rows buffered before a row group is written.
pub const ROW_GROUP: usize = 65_536;

/// Defines a row type and its columnar buffer.
#[macro_export]
macro_rules! table {
    ($(#[$m:meta])* $row:ident, $buf:ident { $($(#[$fm:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $row { $($(#[$fm])* pub $field: $ty),* }

        #[doc = concat!("Columns of [`", stringify!($row), "`] rows.")]
        #[derive(Clone, Debug, Default)]
        pub struct $buf { $(#[doc = stringify!($field)] pub $field: Vec<$ty>),* }

        impl $buf {
            /// Appends a row.
            pub fn push(&mut self, r: $row) {
                $(self.$field.push(r.$field);)*
            }

            /// Rows buffered.
            pub fn len(&self) -> usize {
                [$(self.$field.len()),*][0]
            }

            /// Whether no row is buffered.
            pub fn is_empty(&self) -> bool {
                self.len() == 0
            }

            /// The buffered rows as a frame; the buffer is left empty.
            pub fn take_frame(&mut self) -> polars::prelude::PolarsResult<polars::prelude::DataFrame> {
                polars::prelude::DataFrame::new_infer_height(vec![
                    $(polars::prelude::Column::new(
                        stringify!($field).into(),
                        std::mem::take(&mut self.$field),
                    )),*
                ])
            }
        }
    };
}

/// An error writing an output file.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct OutputError {
    /// The file.
    pub path: PathBuf,
    /// What went wrong.
    pub message: String,
}

fn out_err(path: &Path, e: impl std::fmt::Display) -> OutputError {
    OutputError {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// A temporary path beside `path` (same folder, so the rename is atomic).
pub fn temporary(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.partial"))
}

/// Writes `bytes` to `path` atomically: a temporary file, then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    let tmp = temporary(path);
    std::fs::write(&tmp, bytes).map_err(|e| out_err(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| out_err(path, e))
}

/// One table being streamed to disk.
pub struct TableFile {
    parquet: PathBuf,
    csv: Option<PathBuf>,
    writer: Option<polars::io::parquet::write::BatchedWriter<File>>,
    csv_file: Option<File>,
    rows: usize,
}

impl TableFile {
    /// A table that will land at `<dir>/<name>.parquet` (and `.csv`).
    pub fn new(dir: &Path, name: &str, csv: bool) -> TableFile {
        TableFile {
            parquet: dir.join(format!("{name}.parquet")),
            csv: csv.then(|| dir.join(format!("{name}.csv"))),
            writer: None,
            csv_file: None,
            rows: 0,
        }
    }

    /// Writes a batch of rows (an empty batch still fixes the schema).
    pub fn write(&mut self, mut df: DataFrame) -> Result<(), OutputError> {
        if self.writer.is_none() {
            let tmp = temporary(&self.parquet);
            let file = File::create(&tmp).map_err(|e| out_err(&tmp, e))?;
            let writer = ParquetWriter::new(file)
                .with_compression(ParquetCompression::Zstd(None))
                .batched(df.schema())
                .map_err(|e| out_err(&self.parquet, e))?;
            self.writer = Some(writer);
            if let Some(csv) = &self.csv {
                let tmp = temporary(csv);
                self.csv_file = Some(File::create(&tmp).map_err(|e| out_err(&tmp, e))?);
            }
        }
        if df.height() == 0 && self.rows > 0 {
            return Ok(());
        }
        let writer = self.writer.as_mut().expect("created above");
        writer
            .write_batch(&df)
            .map_err(|e| out_err(&self.parquet, e))?;
        if let (Some(file), Some(csv)) = (self.csv_file.as_mut(), &self.csv) {
            CsvWriter::new(file)
                .include_header(self.rows == 0)
                .finish(&mut df)
                .map_err(|e| out_err(csv, e))?;
        }
        self.rows += df.height();
        Ok(())
    }

    /// Closes the temporary files; `commit` renames them into place.
    pub fn finish(&mut self) -> Result<(), OutputError> {
        if let Some(w) = self.writer.take() {
            w.finish().map_err(|e| out_err(&self.parquet, e))?;
        }
        self.csv_file = None;
        Ok(())
    }

    /// Renames the finished files into place.
    pub fn commit(&self) -> Result<(), OutputError> {
        for path in std::iter::once(&self.parquet).chain(self.csv.iter()) {
            std::fs::rename(temporary(path), path).map_err(|e| out_err(path, e))?;
        }
        Ok(())
    }

    /// Removes the temporary files of a run that failed.
    pub fn abandon(&mut self) {
        self.writer = None;
        self.csv_file = None;
        for path in std::iter::once(&self.parquet).chain(self.csv.iter()) {
            let _ = std::fs::remove_file(temporary(path));
        }
    }

    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }
}
