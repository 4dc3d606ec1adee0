//! Shipped scenarios with random keys set to hostile values (`--set`): the
//! loader either accepts the scenario, which then runs a few epochs to an
//! answer or a clear error, or refuses it with problems that each say what
//! is wrong and where. Never a panic.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;

const SCENARIOS: [&str; 12] = [
    "baseline",
    "mainnet-v5",
    "sniping",
    "governance",
    "legacy-vs-permissionless",
    "gas-jumps",
    "bridging",
    "copy-sniping",
    "strike",
    "sybil",
    "open-market",
    "inflation-limit",
];

/// Values that break something somewhere.
const VALUES: [&str; 18] = [
    "1e-300",
    "4294967295",
    "-1",
    "0",
    "0.5",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "18446744073709551615",
    "99999999999",
    "\"x\"",
    "\"\"",
    "true",
    "[]",
    "{}",
    "\"v7\"",
    "{ dist = \"uniform\", min = 2.0, max = 1.0 }",
];

/// Every key of a scenario as run, as `--set` names it (`provers.0.uptime`).
fn keys(name: &str) -> Vec<String> {
    let s = common::scenario(name, &[]);
    let table: toml::Table = toml::to_string(&s).unwrap().parse().unwrap();
    let mut flat = BTreeMap::new();
    proversim::scenario::paths::flatten_toml("", &toml::Value::Table(table), &mut flat);
    flat.into_keys()
        .map(|k| k.replace('[', ".").replace(']', ""))
        .filter(|k| !k.contains("series"))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn hostile_overrides_give_a_run_or_a_clear_error(
        scenario in 0..SCENARIOS.len(),
        picks in prop::collection::vec((any::<prop::sample::Index>(), 0..VALUES.len()), 1..3),
    ) {
        let name = SCENARIOS[scenario];
        let all = keys(name);
        let sets: Vec<String> = picks
            .iter()
            .map(|(k, v)| format!("{}={}", k.get(&all), VALUES[*v]))
            .collect();
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{name}.toml"));
        match proversim::scenario::load(&path, &sets) {
            Err(e) => {
                prop_assert!(!e.problems.is_empty());
                for p in &e.problems {
                    prop_assert!(!p.message.is_empty(), "{e}");
                    // Where: a key, or the override or file it comes from.
                    prop_assert!(!p.key.is_empty() || !p.origin.source.is_empty(), "{e}");
                }
            }
            Ok(mut s) => {
                // A few epochs, unless the epochs are long.
                s.epochs = s.epochs.min(4);
                if s.chain.epoch_duration * s.epochs <= 4_000 {
                    let mut rec = proversim::metrics::MemoryRecorder::default();
                    let opts = proversim::engine::RunOptions::default();
                    match proversim::simulate(&s, &mut rec, opts) {
                        Ok(r) => prop_assert!(r.summary.books.balanced, "{sets:?}"),
                        Err(e) => prop_assert!(!e.to_string().is_empty()),
                    }
                }
            }
        }
    }
}

/// Tokens that break TOML, numbers and limits when dropped into a file.
const HOSTILE: [&str; 14] = [
    "[",
    "]]",
    "=",
    "\"",
    "{",
    "\n",
    "#",
    "99999999999999999999999",
    "-1",
    "nan",
    "1e308",
    "\n[sweep]\n",
    "\n[[events]]\nslot = 18446744073709551615\nkind = \"block\"\n",
    "\nend_slot = 4294967296\n",
];

/// `text` with each edit applied: replace a byte, delete a stretch, repeat
/// a line, or insert a hostile token, at a position drawn as a share of the
/// length (kept on a character boundary).
fn mutate(text: &str, edits: &[(u8, prop::sample::Index, usize)]) -> String {
    let mut t = text.to_string();
    for (kind, at, pick) in edits {
        let mut i = at.index(t.len().max(1)).min(t.len());
        while !t.is_char_boundary(i) {
            i -= 1;
        }
        let token = HOSTILE[pick % HOSTILE.len()];
        match kind % 4 {
            0 if i < t.len() => {
                let end = (i + 1..=t.len())
                    .find(|&j| t.is_char_boundary(j))
                    .unwrap_or(t.len());
                t.replace_range(i..end, token);
            }
            1 => {
                let end = (i + 1 + pick % 40).min(t.len());
                let end = (end..=t.len())
                    .find(|&j| t.is_char_boundary(j))
                    .unwrap_or(t.len());
                t.replace_range(i..end, "");
            }
            2 => {
                let start = t[..i].rfind('\n').map_or(0, |n| n + 1);
                let end = t[i..].find('\n').map_or(t.len(), |n| i + n + 1);
                let line = t[start..end].to_string();
                t.insert_str(end, &line);
            }
            _ => t.insert_str(i, token),
        }
    }
    t
}

/// The shipped files of a kind: (name, text).
fn shipped(dir: &str, keep: impl Fn(&str) -> bool) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.ok()?.path();
            let name = path.file_name()?.to_str()?.to_string();
            let text = std::fs::read_to_string(&path).ok()?;
            (name.ends_with(".toml") && keep(&text)).then_some((name, text))
        })
        .collect();
    files.sort();
    files
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Mutated sweep files: a sweep, or problems that each say where; fast.
    #[test]
    fn mutated_sweep_files_give_a_sweep_or_a_clear_error(
        file in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<u8>(), any::<prop::sample::Index>(), any::<usize>()), 1..4),
    ) {
        let sweeps = shipped("scenarios", |t| t.contains("[sweep]"));
        let (name, text) = file.get(&sweeps);
        let text = mutate(text, &edits);
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        let started = std::time::Instant::now();
        let result = proversim::sweep::parse(name, &text, &dir);
        prop_assert!(started.elapsed().as_secs_f64() < 10.0, "{name}: slow");
        if let Err(e) = result {
            prop_assert!(!e.problems.is_empty());
            for p in &e.problems {
                prop_assert!(!p.message.is_empty(), "{e}");
                prop_assert!(!p.key.is_empty() || !p.origin.source.is_empty(), "{e}");
            }
        }
    }

    /// Mutated traces: settled, or one error naming the file and what is
    /// wrong; fast.
    #[test]
    fn mutated_traces_settle_or_give_a_clear_error(
        file in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<u8>(), any::<prop::sample::Index>(), any::<usize>()), 1..4),
    ) {
        let traces = shipped("tests/data/golden", |_| true);
        let (name, text) = file.get(&traces);
        let text = mutate(text, &edits);
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden");
        let source = proversim::api::Source::Text { name, text: &text, dir: &dir };
        let started = std::time::Instant::now();
        let result = proversim::api::settle(source, proversim::api::SettleFormat::Json);
        prop_assert!(started.elapsed().as_secs_f64() < 10.0, "{name}: slow");
        match result {
            Ok(json) => prop_assert!(json.starts_with('{'), "not JSON: {json:.80}"),
            Err(e) => {
                prop_assert_eq!(&e.file, name);
                prop_assert!(!e.message.is_empty(), "{e}");
                prop_assert!(e.to_string().starts_with(name.as_str()), "{e}");
            }
        }
    }
}
