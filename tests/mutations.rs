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
