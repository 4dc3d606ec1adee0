//! The `settle` command end to end: golden traces give their checked-in
//! JSON byte for byte, bad traces give their checked-in error and exit 2.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_proversim"))
}

fn data(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(dir)
}

fn tomls(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

#[test]
fn golden_traces_give_their_json_byte_for_byte() {
    let files = tomls(&data("golden"));
    assert!(files.len() >= 4);
    for toml in files {
        let expected = std::fs::read_to_string(toml.with_extension("json")).unwrap();
        let out = bin()
            .args(["settle", "--format", "json"])
            .arg(&toml)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8(out.stdout).unwrap(),
            expected,
            "{}",
            toml.display()
        );
    }
}

#[test]
fn golden_traces_print_readable_tables() {
    let out = bin()
        .arg("settle")
        .arg(data("golden").join("prune-partial.toml"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "Epochs",
        "Sequencers",
        "Provers",
        "Rejected submissions",
        "window_closed",
        "no_such_block",
        "Prunes",
        "Books (balanced",
        "240000000000000020000",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn bad_traces_fail_with_their_message_and_exit_2() {
    let dir = data("bad");
    let files = tomls(&dir);
    assert!(files.len() >= 30, "only {} bad traces", files.len());
    for toml in files {
        let expected = std::fs::read_to_string(toml.with_extension("err")).unwrap();
        let name = toml.file_name().unwrap();
        let out = bin()
            .current_dir(&dir)
            .arg("settle")
            .arg(name)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", toml.display());
        assert!(out.stdout.is_empty(), "{} printed results", toml.display());
        assert_eq!(
            String::from_utf8(out.stderr).unwrap(),
            expected,
            "{}",
            toml.display()
        );
    }
}

#[test]
fn a_missing_file_is_a_clear_error() {
    let out = bin()
        .args(["settle", "no-such-trace.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("error: no-such-trace.toml: cannot read the file:"),
        "{err}"
    );
}
