//! Compiles the commit the binary is built from into it
//! (`PROVERSIM_COMMIT`), for the provenance reports give: a report names
//! the version and the commit that made it. Outside a git checkout (a
//! source archive, a container build without `.git`) the commit is
//! "unknown".

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=PROVERSIM_COMMIT={commit}");
    // Built again when HEAD moves (a new commit, another branch), and
    // only then: a file that does not exist would count as always changed.
    let mut watch = vec!["build.rs".to_string()];
    if let (Some(dir), Some(common)) = (
        git(&["rev-parse", "--git-dir"]),
        git(&["rev-parse", "--git-common-dir"]),
    ) {
        watch.push(format!("{dir}/HEAD"));
        if let Some(head) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watch.push(format!("{common}/{head}"));
        }
        watch.push(format!("{common}/packed-refs"));
    }
    for path in watch {
        if std::path::Path::new(&path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}
