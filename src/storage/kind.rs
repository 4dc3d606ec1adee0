//! What kind of output a folder holds (a run, a sweep or a comparison),
//! told by the files each kind writes, so that one kind never writes into
//! another's folder and mixes their files.

use std::path::Path;

use super::tables::OutputError;

/// A kind of output folder.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum FolderKind {
    /// `proversim run`: `summary.json` and the run's tables.
    Run,
    /// `proversim sweep`: `runs.jsonl`, `sweep.json`, `sweep.parquet`.
    Sweep,
    /// `proversim compare`: `compare.json`, `compare.parquet`.
    Compare,
}

impl FolderKind {
    /// The files that mark a folder as this kind's.
    fn markers(self) -> &'static [&'static str] {
        match self {
            FolderKind::Run => &["summary.json"],
            FolderKind::Sweep => &["runs.jsonl", "sweep.json", "sweep.parquet"],
            FolderKind::Compare => &["compare.json", "compare.parquet"],
        }
    }

    /// The kind in words.
    fn name(self) -> &'static str {
        match self {
            FolderKind::Run => "a run",
            FolderKind::Sweep => "a sweep",
            FolderKind::Compare => "a comparison",
        }
    }

    /// Every kind of output whose files `dir` holds.
    pub fn in_folder(dir: &Path) -> Vec<FolderKind> {
        [FolderKind::Run, FolderKind::Sweep, FolderKind::Compare]
            .into_iter()
            .filter(|k| k.markers().iter().any(|m| dir.join(m).is_file()))
            .collect()
    }
}

/// Refuses to write `kind` into a folder that holds another kind of output;
/// says whether the folder already holds output of this kind.
pub fn refuse_other_kind(dir: &Path, kind: FolderKind) -> Result<bool, OutputError> {
    let kinds = FolderKind::in_folder(dir);
    match kinds.iter().find(|k| **k != kind) {
        Some(other) => Err(OutputError {
            path: dir.to_path_buf(),
            message: format!(
                "holds {}; {} writes into a folder of its own (choose another --out)",
                other.name(),
                kind.name()
            ),
        }),
        None => Ok(kinds.contains(&kind)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_refused_in_the_others_folders() {
        let tmp = tempfile::tempdir().unwrap();
        for (kind, marker) in [
            (FolderKind::Run, "summary.json"),
            (FolderKind::Sweep, "runs.jsonl"),
            (FolderKind::Compare, "compare.json"),
        ] {
            let dir = tmp.path().join(format!("{kind:?}"));
            std::fs::create_dir(&dir).unwrap();
            std::fs::write(dir.join(marker), "{}").unwrap();
            assert_eq!(FolderKind::in_folder(&dir), vec![kind]);
            for other in [FolderKind::Run, FolderKind::Sweep, FolderKind::Compare] {
                let r = refuse_other_kind(&dir, other);
                assert_eq!(
                    r.ok(),
                    (other == kind).then_some(true),
                    "{other:?} into {kind:?}"
                );
            }
        }
        assert_eq!(FolderKind::in_folder(tmp.path()), vec![]);
    }
}
