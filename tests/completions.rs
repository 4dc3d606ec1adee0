//! Shell completions come from the parser's own definitions: every
//! command and its flags, in scripts each shell accepts.

use std::process::Command;

fn script(shell: &str) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_proversim"))
        .args(["completions", shell])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn completions_name_every_command_and_flag() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let s = script(shell);
        for word in [
            "run",
            "sweep",
            "compare",
            "settle",
            "booster",
            "--set",
            "--replace",
        ] {
            assert!(s.contains(word), "{shell} lacks {word}");
        }
    }
    // bash parses its script.
    let s = script("bash");
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("proversim.bash");
    std::fs::write(&path, s).unwrap();
    let check = Command::new("bash").arg("-n").arg(&path).status().unwrap();
    assert!(check.success());
    // An unknown shell is bad input, naming the ones there are.
    let o = Command::new(env!("CARGO_BIN_EXE_proversim"))
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("fish"));
}
