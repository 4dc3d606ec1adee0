//! What shells and editors are given: completion scripts from the parser's
//! own definitions, and the JSON Schema of scenario and sweep files from
//! the loader's own types, which the shipped files name.

use std::path::Path;
use std::process::Command;

/// What `proversim ARGS` prints, after checking it succeeds.
fn stdout_of(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_proversim"))
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn script(shell: &str) -> String {
    stdout_of(&["completions", shell])
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

#[test]
fn shipped_schemas_are_the_binarys_own() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for kind in ["scenario", "sweep"] {
        let printed = stdout_of(&["schema", kind]);
        let shipped = std::fs::read_to_string(root.join(format!("schemas/{kind}.json"))).unwrap();
        assert!(
            printed == shipped,
            "schemas/{kind}.json is stale: `proversim schema {kind} > schemas/{kind}.json`"
        );
    }
    assert_eq!(stdout_of(&["schema"]), stdout_of(&["schema", "scenario"]));
}

#[test]
fn every_shipped_file_names_its_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut seen = 0;
    for dir in ["scenarios", "notebooks"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let table: toml::Table = text.parse().unwrap();
            let kind = if table.contains_key("sweep") {
                "sweep"
            } else {
                "scenario"
            };
            let first = text.lines().next().unwrap_or("");
            assert_eq!(
                first,
                format!("#:schema ../schemas/{kind}.json"),
                "{}",
                path.display()
            );
            seen += 1;
        }
    }
    assert!(seen > 30, "{seen} files");
}

#[test]
fn the_schema_knows_every_strategy_and_its_keys() {
    let s: serde_json::Value = serde_json::from_str(&stdout_of(&["schema", "sweep"])).unwrap();
    let group = &s["properties"]["provers"]["items"];
    let names = group["properties"]["strategy"]["enum"].as_array().unwrap();
    assert!(names.iter().any(|n| n == "node") && names.iter().any(|n| n == "partial"));
    let node = group["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["properties"]["strategy"]["const"] == "node")
        .unwrap();
    assert_eq!(node["additionalProperties"], false);
    assert_eq!(node["properties"]["max_pending_jobs"]["default"], 10);
    // The sweep table, with its own keys, is required in a sweep file.
    assert_eq!(s["required"], serde_json::json!(["sweep"]));
    let table = &s["properties"]["sweep"];
    assert_eq!(table["additionalProperties"], false);
    for key in ["replicates", "parameter", "sampler", "seeds", "base"] {
        assert!(table["properties"].get(key).is_some(), "{key}");
    }
    // An enum lists its values, each with its own description.
    let samplers: Vec<&serde_json::Value> = table["properties"]["sampler"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["const"])
        .collect();
    assert_eq!(samplers, ["grid", "lhs", "sobol"]);
}
