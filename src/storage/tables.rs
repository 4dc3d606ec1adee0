//! Typed tables streamed to Parquet (and CSV on request) with polars, in
//! row groups, under temporary names that are renamed into place only when
//! the whole run has succeeded.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

pub use crate::metrics::columns::RowGroupBuffer;

/// Rows buffered before a row group is written.
pub const ROW_GROUP: usize = 65_536;

/// Zstandard at level 1, its fastest: a run's tables are compressed while
/// it goes on, beside the simulation, and on its pages level 1 takes less
/// time than the default level 3 (one year of the baseline: 5% less CPU)
/// for files of the same size within 1%.
fn compression() -> ParquetCompression {
    ParquetCompression::Zstd(Some(
        polars_parquet::write::ZstdLevel::try_new(1).expect("1 is a zstd level"),
    ))
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

/// The temporary files being written now, so that a signal handler can
/// remove them before the process ends (a dropped one removes itself).
static PARTIALS: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Removes every temporary file being written (called when the process is
/// interrupted, so that no `.partial` file is left behind).
/// The list stays locked afterwards, so that no temporary file starts
/// between this and the process's end (a writer waits on the lock).
pub fn remove_partials() {
    let Ok(mut paths) = PARTIALS.lock() else {
        return;
    };
    for p in paths.drain(..) {
        let _ = std::fs::remove_file(p);
    }
    std::mem::forget(paths);
}

/// Removes what a writer killed before it could clean up left in `dir`:
/// its temporary files (`.NAME.XXXXXX.partial`, and `.partial.png` for
/// charts), there and in the folders a run or a sweep writes below it
/// (`charts/`, `epochs/cell=C/replicate=R/`, `runs/...`). Called by a
/// writer that holds the folder's lock, so no temporary file is in use.
pub fn remove_leftovers(dir: &Path) {
    fn walk(dir: &Path, depth: u32) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_file()
                && name.starts_with('.')
                && (name.ends_with(".partial") || name.ends_with(".partial.png"))
            {
                let _ = std::fs::remove_file(entry.path());
            } else if kind.is_dir() && depth > 0 {
                walk(&entry.path(), depth - 1);
            }
        }
    }
    // A run's folders nest at most four below it (runs/cell/replicate/..).
    walk(dir, 4);
}

/// A uniquely named temporary file beside `path` (same folder, so the
/// rename is atomic; unique, so that two writers never share one). It is
/// removed when dropped unless [`Partial::commit`] renames it into place.
pub struct Partial {
    path: Option<tempfile::TempPath>,
}

impl Partial {
    /// A new empty temporary file for `path`, and its handle.
    pub fn create(path: &Path) -> Result<(Partial, File), OutputError> {
        Partial::create_with_suffix(path, ".partial")
    }

    /// As [`Partial::create`], the temporary name ending in `suffix` (a
    /// writer that picks its format by extension needs the extension).
    pub fn create_with_suffix(path: &Path, suffix: &str) -> Result<(Partial, File), OutputError> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(suffix);
        // Outputs are for others to read too (a temporary file is private
        // by default); the umask still applies.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o644));
        }
        // Created and listed under the lock: a signal's clean-up sees every
        // temporary file that exists.
        let mut listed = PARTIALS.lock();
        let file = builder
            .tempfile_in(dir.unwrap_or(Path::new(".")))
            .map_err(|e| out_err(path, e))?;
        let (file, temp) = file.into_parts();
        if let Ok(p) = &mut listed {
            p.push(temp.to_path_buf());
        }
        Ok((Partial { path: Some(temp) }, file))
    }

    fn forget(&self) {
        if let (Some(temp), Ok(mut p)) = (&self.path, PARTIALS.lock()) {
            p.retain(|x| x.as_path() != &**temp);
        }
    }

    /// The temporary file's path.
    pub fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(""))
    }

    /// Renames the temporary file to `path`.
    pub fn commit(mut self, path: &Path) -> Result<(), OutputError> {
        self.forget();
        match self.path.take() {
            Some(temp) => {
                temp.persist(path).map_err(|e| out_err(path, e.error))?;
                super::fault::renamed();
                Ok(())
            }
            None => Ok(()),
        }
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        self.forget();
    }
}

/// Writes `bytes` to `path` atomically: a temporary file, then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    use std::io::Write;
    let (partial, mut file) = Partial::create(path)?;
    file.write_all(bytes)
        .and_then(|_| file.sync_data())
        .map_err(|e| out_err(path, e))?;
    drop(file);
    partial.commit(path)
}

/// One table being streamed to disk. Its frames are built, encoded and
/// written by a thread of its own, in the order they come, so that the
/// simulation goes on while Parquet compresses (the bytes are the same as
/// writing them in place); an error shows when the table is finished.
pub struct TableFile {
    parquet: PathBuf,
    csv: Option<PathBuf>,
    writer: Option<Writer>,
    /// The temporary files of the Parquet and CSV copies, once created.
    partials: Vec<Partial>,
    rows: usize,
}

/// The thread writing one table, and the way to it.
struct Writer {
    frames: std::sync::mpsc::SyncSender<Frame>,
    thread: std::thread::JoinHandle<Result<(), OutputError>>,
}

/// Frames waiting for the writing thread before the simulation waits too.
const QUEUED_FRAMES: usize = 2;

/// A frame to be built by the writing thread.
type Frame = Box<dyn FnOnce() -> PolarsResult<DataFrame> + Send>;

/// Lowers the calling thread's priority a little, so that a table writer
/// sharing a core with the simulation runs when the simulation waits
/// rather than preempting it (the writers have a queue to work off; the
/// simulation is the run's critical path).
fn yield_to_simulation() {
    #[cfg(target_os = "linux")]
    // SAFETY: `setpriority` only reads its arguments; on Linux `who = 0`
    // with `PRIO_PROCESS` is the calling thread. A failure leaves the
    // priority as it was, which is harmless.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 5);
    }
}

/// Builds and writes every frame that comes to Parquet (and CSV), then
/// closes it; the first frame fixes the schema.
fn write_frames(
    frames: std::sync::mpsc::Receiver<Frame>,
    file: File,
    parquet: PathBuf,
    csv: Option<(File, PathBuf)>,
) -> Result<(), OutputError> {
    let mut file = Some(file);
    let mut writer = None;
    let mut csv = csv;
    let mut header = true;
    for make in frames {
        let mut df = make().map_err(|e| out_err(&parquet, e))?;
        if let Some(file) = file.take() {
            writer = Some(
                ParquetWriter::new(file)
                    .with_compression(compression())
                    // Each table has a thread of its own already: columns
                    // encoded in parallel only make the threads contend.
                    .set_parallel(false)
                    .batched(df.schema())
                    .map_err(|e| out_err(&parquet, e))?,
            );
        }
        let writer = writer.as_mut().expect("made from the first frame");
        writer.write_batch(&df).map_err(|e| out_err(&parquet, e))?;
        if let Some((file, path)) = csv.as_mut() {
            CsvWriter::new(file)
                .include_header(header)
                .finish(&mut df)
                .map_err(|e| out_err(path, e))?;
        }
        header = false;
    }
    if let Some(writer) = writer {
        writer.finish().map_err(|e| out_err(&parquet, e))?;
    }
    Ok(())
}

impl TableFile {
    /// A table that will land at `<dir>/<name>.parquet` (and `.csv`).
    pub fn new(dir: &Path, name: &str, csv: bool) -> TableFile {
        TableFile {
            parquet: dir.join(format!("{name}.parquet")),
            csv: csv.then(|| dir.join(format!("{name}.csv"))),
            writer: None,
            partials: Vec::new(),
            rows: 0,
        }
    }

    /// Writes a batch of rows (an empty batch still fixes the schema).
    pub fn write(&mut self, df: DataFrame) -> Result<(), OutputError> {
        self.write_with(df.height(), move || Ok(df))
    }

    /// Writes a batch of `rows` rows whose frame `make` builds, on the
    /// writing thread (an empty batch still fixes the schema).
    pub fn write_with(
        &mut self,
        rows: usize,
        make: impl FnOnce() -> PolarsResult<DataFrame> + Send + 'static,
    ) -> Result<(), OutputError> {
        if self.writer.is_none() {
            let (partial, file) = Partial::create(&self.parquet)?;
            self.partials.push(partial);
            let csv = match &self.csv {
                Some(path) => {
                    let (partial, file) = Partial::create(path)?;
                    self.partials.push(partial);
                    Some((file, path.clone()))
                }
                None => None,
            };
            let (frames, queue) = std::sync::mpsc::sync_channel(QUEUED_FRAMES);
            let parquet = self.parquet.clone();
            let thread = std::thread::Builder::new()
                .name("table-writer".into())
                .spawn(move || {
                    yield_to_simulation();
                    write_frames(queue, file, parquet, csv)
                })
                .map_err(|e| out_err(&self.parquet, e))?;
            self.writer = Some(Writer { frames, thread });
        }
        if rows == 0 && self.rows > 0 {
            return Ok(());
        }
        self.rows += rows;
        let writer = self.writer.as_mut().expect("created above");
        if writer.frames.send(Box::new(make)).is_err() {
            // The thread stopped on an error: `finish` reports it.
            return self.finish();
        }
        Ok(())
    }

    /// Waits for the writing thread to close the files; `commit` renames
    /// them into place.
    pub fn finish(&mut self) -> Result<(), OutputError> {
        if let Some(Writer { frames, thread }) = self.writer.take() {
            drop(frames);
            thread.join().map_err(|_| OutputError {
                path: self.parquet.clone(),
                message: "the thread writing it stopped".into(),
            })??;
        }
        Ok(())
    }

    /// The names of its files in their folder (the Parquet table, and its
    /// CSV copy if any).
    pub fn names(&self) -> Vec<String> {
        std::iter::once(&self.parquet)
            .chain(&self.csv)
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect()
    }

    /// Renames the finished files into place.
    pub fn commit(&mut self) -> Result<(), OutputError> {
        let paths: Vec<PathBuf> = std::iter::once(self.parquet.clone())
            .chain(self.csv.clone())
            .collect();
        for (partial, path) in std::mem::take(&mut self.partials).into_iter().zip(paths) {
            partial.commit(&path)?;
        }
        Ok(())
    }

    /// Removes the temporary files of a run that failed.
    pub fn abandon(&mut self) {
        if let Some(Writer { frames, thread }) = self.writer.take() {
            drop(frames);
            let _ = thread.join();
        }
        self.partials.clear();
    }

    /// Rows written so far.
    pub fn rows(&self) -> usize {
        self.rows
    }
}
