//! An exclusive lock on an output folder, held while a command writes into
//! it, so that two writers never mix their files: the second one fails at
//! once and names the holder.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::tables::OutputError;

/// The lock file inside a locked folder.
pub const LOCK_FILE: &str = ".proversim.lock";

/// A held lock; released when dropped (or when the process ends, however
/// it ends: the operating system drops the lock with the file). The lock
/// file names the holder while it is held and is left empty after, so that
/// two runs leave the same bytes. It is never removed: removing a lock file
/// lets two processes lock two different files of one name.
#[derive(Debug)]
pub struct FolderLock {
    file: File,
    /// The folder.
    pub dir: PathBuf,
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        // Unlock explicitly rather than by closing: a process forked by
        // another thread of this one (between its fork and its exec) shares
        // the open file and would keep the lock after our close.
        let _ = self.file.unlock();
    }
}

/// Takes the lock on `dir` (creating the folder), or fails at once if
/// another process holds it, naming that process.
pub fn lock_folder(dir: &Path) -> Result<FolderLock, OutputError> {
    let err = |message: String| OutputError {
        path: dir.to_path_buf(),
        message,
    };
    std::fs::create_dir_all(dir).map_err(|e| err(e.to_string()))?;
    let path = dir.join(LOCK_FILE);
    // Never through a symbolic link: the lock file is written, and a link
    // planted in its place would have a file outside the folder written.
    if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
        return Err(err(format!(
            "its lock file {LOCK_FILE} is not a plain file (a link or a folder); remove it"
        )));
    }
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let mut file = options
        .open(&path)
        .map_err(|e| err(format!("cannot open its lock file: {e}")))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            return Err(err(format!(
                "in use by another proversim ({}); wait for it to finish or choose another output folder",
                if holder.is_empty() {
                    // The holder has the lock but has not yet named itself,
                    // or has cleared its name and is about to let go.
                    "one that is starting or finishing"
                } else {
                    holder
                }
            )));
        }
        Err(std::fs::TryLockError::Error(e)) => {
            return Err(err(format!("cannot lock it: {e}")));
        }
    }
    let me = format!(
        "pid {}: {}",
        std::process::id(),
        std::env::args().collect::<Vec<_>>().join(" ")
    );
    let _ = file
        .set_len(0)
        .and_then(|_| file.rewind())
        .and_then(|_| file.write_all(me.as_bytes()));
    Ok(FolderLock {
        file,
        dir: dir.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_writer_is_refused_and_named_the_holder() {
        let tmp = tempfile::tempdir().unwrap();
        let first = lock_folder(tmp.path()).unwrap();
        let e = lock_folder(tmp.path()).unwrap_err().to_string();
        assert!(e.contains("in use by another proversim (pid "), "{e}");
        drop(first);
        lock_folder(tmp.path()).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_lock_file_that_is_a_link_is_refused_and_its_target_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("precious.txt");
        std::fs::write(&target, "keep me").unwrap();
        let out = tmp.path().join("out");
        std::fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&target, out.join(LOCK_FILE)).unwrap();
        let e = lock_folder(&out).unwrap_err().to_string();
        assert!(e.contains("not a plain file"), "{e}");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me");
    }
}
