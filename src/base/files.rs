//! Reading a file with a bound on its size, so that a wrong path (a huge
//! file, `/dev/zero`, a pipe that never ends) fails with a clear error
//! instead of exhausting the memory.

use std::io::Read;
use std::path::Path;

/// The most a scenario, sweep, calibration, manifest or other small text
/// file may hold.
pub const TEXT_LIMIT: u64 = 16 << 20;

/// The most a replayed price series (CSV) may hold.
pub const SERIES_LIMIT: u64 = 256 << 20;

/// The most a replay trace or a sweep's journal may hold.
pub const TRACE_LIMIT: u64 = 1 << 30;

/// The whole of a text file of at most `limit` bytes; a longer one is an
/// error of kind `InvalidData` that names the limit.
pub fn read_text(path: &Path, limit: u64) -> std::io::Result<String> {
    let file = std::fs::File::open(path)?;
    let mut text = String::new();
    file.take(limit.saturating_add(1))
        .read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {}, the most such a file may hold", size(limit)),
        ));
    }
    Ok(text)
}

/// A size in words: `16 MiB`, `1 GiB`.
fn size(bytes: u64) -> String {
    if bytes >= 1 << 30 && bytes.is_multiple_of(1 << 30) {
        format!("{} GiB", bytes >> 30)
    } else {
        format!("{} MiB", bytes >> 20)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_past_its_limit_is_refused_without_reading_it_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        std::fs::write(&path, "0123456789").unwrap();
        assert_eq!(read_text(&path, 10).unwrap(), "0123456789");
        let e = read_text(&path, 9).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::InvalidData);
        assert!(
            e.to_string().contains("the most such a file may hold"),
            "{e}"
        );
        // An endless file stops at the bound.
        let e = read_text(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(e.to_string().contains("1 MiB"), "{e}");
        // A folder is an error, not an empty file.
        assert!(read_text(dir.path(), 10).is_err());
    }
}
