//! Provers leave by their exit rule (docs/model.md section 7): after
//! `exit_after_losses` losing epochs in a row a prover weighs leaving, and
//! stays only while staying is worth something over its horizon (a
//! newcomer still ramping its booster record loses money for a while on
//! purpose). Over every shipped scenario, no prover that decides by the
//! market loses money for longer than its patience plus its horizon: a
//! promise to stay on must come true within the horizon it was made for.

mod common;

use std::collections::BTreeMap;

/// Strategies that do not leave by the market's rule: bridgers (their
/// proofs buy their own bridging) and cartels (their owner's plan).
const NOT_BY_THE_MARKET: [&str; 3] = ["bridger", "strike", "sybil"];

#[test]
fn no_prover_loses_money_for_longer_than_its_patience_and_its_horizon() {
    let (mut checked, mut past_patience, mut longest) = (0, 0, 0);
    for path in common::shipped_scenarios() {
        let s = proversim::scenario::load(&path, &[]).unwrap();
        let (rec, _) = common::simulate(&s);
        let values: BTreeMap<String, (u32, u32)> = rec
            .agents
            .iter()
            .map(|a| {
                let v = (a.exit_after_losses, a.horizon_epochs);
                (a.prover.to_string(), v)
            })
            .collect();
        // Each prover's losing epochs in a row, as its tenure counts them:
        // an epoch it spent on and did not profit from adds one, a profit
        // ends the run, an epoch sat out at no cost leaves it as it was.
        let mut run: BTreeMap<String, u32> = BTreeMap::new();
        for row in &rec.provers {
            if NOT_BY_THE_MARKET.contains(&row.strategy) {
                continue;
            }
            let name = row.prover.to_string();
            let losses = run.entry(name.clone()).or_default();
            if row.cost > 0.0 || row.submissions > 0 {
                if row.profit > 0.0 {
                    *losses = 0;
                } else {
                    *losses += 1;
                }
            }
            let (patience, horizon) = values[&name];
            checked += 1;
            longest = longest.max(*losses);
            if *losses == patience + 1 {
                past_patience += 1;
            }
            assert!(
                *losses <= patience + horizon,
                "{}: {name} lost {} epochs in a row by epoch {} (patience {patience}, horizon {horizon})",
                path.display(),
                *losses,
                row.epoch
            );
        }
    }
    assert!(checked > 100_000, "{checked} prover epochs");
    // The rule does let provers stay past their patience on a promise.
    assert!(past_patience > 100, "{past_patience}");
    assert!(longest > 50, "{longest}");
}
