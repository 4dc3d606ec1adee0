//! The files proversim wrote into an output folder, listed in
//! `.proversim-files`, so that a later run replaces or removes those and
//! nothing else: a file a user put beside them (their own notes, a CSV of
//! their own, a `charts/` drawing of their own) is never touched.
//!
//! A run writes the list inside its marked switch (`storage::commit`), as
//! the files it moved into place; `chart` and `report` add what they draw
//! and write. A folder written before the list existed has none: a run into
//! it treats the names earlier versions wrote as proversim's.

use std::collections::BTreeSet;
use std::path::{Component, Path};

use serde::{Deserialize, Serialize};

use super::tables::{OutputError, write_atomic};

/// The list's name in an output folder.
pub const LIST: &str = ".proversim-files";

/// The list as written: paths relative to the folder, `/`-separated.
#[derive(Default, Serialize, Deserialize)]
struct Listed {
    files: BTreeSet<String>,
}

/// The files proversim wrote into `dir`, or `None` when it keeps no list
/// (a folder from before the list, or one proversim never wrote). A list
/// that cannot be read lists nothing: nothing is removed on its word.
pub fn read(dir: &Path) -> Option<BTreeSet<String>> {
    let path = dir.join(LIST);
    if !path.is_file() {
        return None;
    }
    Some(
        crate::base::files::read_text(&path, crate::base::files::TEXT_LIMIT)
            .ok()
            .and_then(|text| serde_json::from_str::<Listed>(&text).ok())
            .map(|l| l.files)
            .unwrap_or_default(),
    )
}

/// Replaces the list of `dir` by `files`.
pub fn write(dir: &Path, files: BTreeSet<String>) -> Result<(), OutputError> {
    let text = serde_json::to_string_pretty(&Listed { files }).expect("a list of names serializes");
    write_atomic(&dir.join(LIST), (text + "\n").as_bytes())
}

/// Adds `files` to the list of `dir` (the caller holds the folder's lock).
pub fn add(dir: &Path, files: impl IntoIterator<Item = String>) -> Result<(), OutputError> {
    let mut listed = read(dir).unwrap_or_default();
    let before = listed.len();
    listed.extend(files);
    if listed.len() == before && dir.join(LIST).is_file() {
        return Ok(());
    }
    write(dir, listed)
}

/// `path`'s name relative to `dir`, as the list spells it, if it lies
/// inside `dir`.
pub fn name_in(dir: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(dir).ok()?;
    let parts: Vec<String> = rel
        .components()
        .map(|c| match c {
            Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Removes from `dir` the listed files `earlier` that are not in `keep`,
/// then `charts/` if that leaves it empty. Only plain relative names
/// inside the folder are removed (a list naming `../x` or `/x` is not
/// followed); a name already gone is fine.
pub fn remove_others(
    dir: &Path,
    earlier: &BTreeSet<String>,
    keep: &BTreeSet<String>,
) -> Result<(), OutputError> {
    for name in earlier.difference(keep) {
        let rel = Path::new(name);
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            continue;
        }
        let path = dir.join(rel);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(OutputError {
                    path,
                    message: format!("cannot remove the earlier run's file: {e}"),
                });
            }
            _ => {}
        }
    }
    // Removes it only if empty: a user's own files there stay.
    let _ = std::fs::remove_dir(dir.join("charts"));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_files_inside_the_folder_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("out");
        std::fs::create_dir_all(dir.join("charts")).unwrap();
        for f in ["a.csv", "mine.md", "charts/x.png", "charts/own.png"] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        std::fs::write(tmp.path().join("outside"), "x").unwrap();
        add(&dir, ["a.csv".into(), "charts/x.png".into(), "kept".into()]).unwrap();
        add(&dir, ["../outside".into(), "/etc/passwd".into()]).unwrap();
        let earlier = read(&dir).unwrap();
        assert_eq!(earlier.len(), 5);
        remove_others(&dir, &earlier, &["kept".to_string()].into()).unwrap();
        assert!(!dir.join("a.csv").exists());
        assert!(!dir.join("charts/x.png").exists());
        for f in ["mine.md", "charts/own.png"] {
            assert!(dir.join(f).exists(), "{f}");
        }
        assert!(tmp.path().join("outside").exists());
    }

    #[test]
    fn names_are_relative_and_inside() {
        let dir = Path::new("/o/run");
        assert_eq!(
            name_in(dir, Path::new("/o/run/charts/a.png")).as_deref(),
            Some("charts/a.png")
        );
        assert_eq!(name_in(dir, Path::new("/o/other/a.png")), None);
        assert_eq!(name_in(dir, dir), None);
    }

    #[test]
    fn no_list_is_none_and_a_broken_one_lists_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(read(tmp.path()), None);
        std::fs::write(tmp.path().join(LIST), "{not json").unwrap();
        assert_eq!(read(tmp.path()), Some(BTreeSet::new()));
        // Nor does one too large to read: it is not taken for a folder
        // from before the list, whose names would then be removed.
        let big = "x".repeat(crate::base::files::TEXT_LIMIT as usize + 1);
        std::fs::write(tmp.path().join(LIST), big).unwrap();
        assert_eq!(read(tmp.path()), Some(BTreeSet::new()));
    }
}
