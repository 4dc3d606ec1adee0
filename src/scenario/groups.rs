//! Each group's strategy or voting policy, found by name in the registry,
//! and the keys it owns: a key of another strategy (or of none) is refused,
//! naming it and the keys the group may have, and the rest must read into
//! the strategy's typed parameters. The scenario as run writes each group's
//! own keys whole, defaults filled in.

use crate::agents::kind::{Kind, named};
use crate::agents::registry::{POLICIES, STRATEGIES};

use super::{OwnKeys, Scenario};

/// The keys every prover group has, whatever its strategy.
pub const PROVER_KEYS: &[&str] = &[
    "name",
    "strategy",
    "count",
    "start_epoch",
    "potential",
    "overhead_seconds",
    "per_tx_seconds",
    "per_block_seconds",
    "hardware_speedup",
    "parallelism",
    "max_jobs",
    "uptime",
    "hourly_price",
    "fixed_cost_per_epoch",
    "priority_fee_gwei",
    "lookback_epochs",
    "min_margin",
    "entry_delay_epochs",
    "exit_after_losses",
    "horizon_epochs",
    "discount_per_epoch",
    "fallback_after_slots",
    "capital_cost_per_epoch",
    "entry_cost",
    "vary",
];

/// The keys every sequencer group has, whatever its policy.
pub const SEQUENCER_KEYS: &[&str] = &["name", "count", "stake", "miss_rate", "policy", "colluding"];

/// One group as the checks see it.
struct Group<'g, A: ?Sized + 'static> {
    /// `provers` or `sequencers`.
    list: &'static str,
    index: usize,
    /// `strategy` or `policy`.
    what: &'static str,
    name: &'g str,
    own: &'g OwnKeys,
    kinds: &'static [Kind<A>],
    common: &'static [&'static str],
}

impl<A: ?Sized + 'static> Group<'_, A> {
    fn at(&self, key: &str) -> String {
        format!("{}[{}].{key}", self.list, self.index)
    }

    /// The group's own keys as run, or the first problem.
    fn resolve(&self) -> Result<OwnKeys, (String, String)> {
        let Some(kind) = named(self.kinds, self.name) else {
            let names: Vec<&str> = self.kinds.iter().map(|k| k.name).collect();
            return Err((
                self.at(self.what),
                format!(
                    "unknown variant `{}`, expected one of {}",
                    self.name,
                    quoted(&names)
                ),
            ));
        };
        for key in self.own.keys() {
            if kind.keys.contains(&key) {
                continue;
            }
            let message = if self.kinds.iter().any(|k| k.keys.contains(&key)) {
                foreign_key_message(self.what, self.name, kind.keys)
            } else {
                let expected: Vec<&str> = self.common.iter().chain(kind.keys).copied().collect();
                format!(
                    "unknown field `{key}`, expected one of {}",
                    quoted(&expected)
                )
            };
            return Err((self.at(key), message));
        }
        (kind.normalize)(self.own).map_err(|(k, m)| (self.at(&k), m))
    }
}

/// Names as serde lists them: `` `a`, `b` ``.
fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The message for a key set on a group whose strategy or policy has no
/// such key.
fn foreign_key_message(what: &str, name: &str, own: &[&str]) -> String {
    let has = if own.is_empty() {
        "none beyond the keys every group has".to_string()
    } else {
        own.join(", ")
    };
    format!("not a key of {what} \"{name}\" (its own keys: {has})")
}

fn sequencer_groups(
    s: &Scenario,
) -> impl Iterator<Item = Group<'_, dyn crate::agents::voting::VotingPolicy>> {
    s.sequencers.iter().enumerate().map(|(index, g)| Group {
        list: "sequencers",
        index,
        what: "policy",
        name: g.policy.name(),
        own: &g.own,
        kinds: POLICIES,
        common: SEQUENCER_KEYS,
    })
}

fn prover_groups(
    s: &Scenario,
) -> impl Iterator<Item = Group<'_, dyn crate::agents::ProverStrategy>> {
    s.provers.iter().enumerate().map(|(index, g)| Group {
        list: "provers",
        index,
        what: "strategy",
        name: g.strategy.name(),
        own: &g.own,
        kinds: STRATEGIES,
        common: PROVER_KEYS,
    })
}

/// Writes each group's own keys as run (every key of its strategy or
/// policy, defaults filled in, in its order); or the first group whose
/// strategy or policy is unknown, or whose own keys are not its
/// strategy's or do not read, as (key path, message).
pub(crate) fn settle(s: &mut Scenario) -> Option<(String, String)> {
    let sequencers: Result<Vec<OwnKeys>, _> = sequencer_groups(s).map(|g| g.resolve()).collect();
    let sequencers = match sequencers {
        Ok(own) => own,
        Err(p) => return Some(p),
    };
    let provers: Result<Vec<OwnKeys>, _> = prover_groups(s).map(|g| g.resolve()).collect();
    let provers = match provers {
        Ok(own) => own,
        Err(p) => return Some(p),
    };
    for (g, own) in s.sequencers.iter_mut().zip(sequencers) {
        g.own = own;
    }
    for (g, own) in s.provers.iter_mut().zip(provers) {
        g.own = own;
    }
    None
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::scenario::{ProverGroup, SequencerGroup};

    fn written_keys<T: serde::Serialize>(group: &T) -> BTreeSet<String> {
        toml::Table::try_from(group)
            .unwrap()
            .keys()
            .cloned()
            .collect()
    }

    #[test]
    fn the_common_key_lists_are_the_groups_fields() {
        let mut prover = written_keys(&ProverGroup::default());
        prover.insert("vary".to_string());
        let listed: BTreeSet<String> = PROVER_KEYS.iter().map(|k| k.to_string()).collect();
        assert_eq!(prover, listed);
        let sequencer = written_keys(&SequencerGroup::default());
        let listed: BTreeSet<String> = SEQUENCER_KEYS.iter().map(|k| k.to_string()).collect();
        assert_eq!(sequencer, listed);
    }

    #[test]
    fn every_kind_has_a_unique_name_and_keys_no_group_has_already() {
        fn check<A: ?Sized>(kinds: &[Kind<A>], common: &[&str]) {
            let names: BTreeSet<&str> = kinds.iter().map(|k| k.name).collect();
            assert_eq!(names.len(), kinds.len());
            for k in kinds {
                for key in k.keys {
                    assert!(!common.contains(key), "{}: {key}", k.name);
                }
                // Every domain is of one of its own keys.
                for d in k.domains {
                    let field = d.key.rsplit('.').next().unwrap();
                    assert!(k.keys.contains(&field), "{}: {}", k.name, d.key);
                }
            }
        }
        check(STRATEGIES, PROVER_KEYS);
        check(POLICIES, SEQUENCER_KEYS);
    }

    #[test]
    fn defaults_are_written_whole_in_the_declared_order() {
        fn check<A: ?Sized>(kinds: &[Kind<A>]) {
            for k in kinds {
                let own = (k.normalize)(&OwnKeys::default()).unwrap();
                let written: Vec<&str> = own.keys().collect();
                // An optional key without a default is left out.
                let expected: Vec<&str> = k
                    .keys
                    .iter()
                    .copied()
                    .filter(|key| written.contains(key))
                    .collect();
                assert_eq!(written, expected, "{}", k.name);
                assert!(k.keys.len() - written.len() <= 1, "{}", k.name);
            }
        }
        check(STRATEGIES);
        check(POLICIES);
    }

    #[test]
    fn a_key_of_another_strategy_names_the_strategy_and_its_keys() {
        let mut s = Scenario {
            provers: vec![ProverGroup {
                strategy: crate::scenario::KindName("partial".into()),
                own: OwnKeys(vec![("identities".into(), toml::Value::Integer(3))]),
                ..ProverGroup::default()
            }],
            ..Scenario::default()
        };
        let (key, message) = settle(&mut s).unwrap();
        assert_eq!(key, "provers[0].identities");
        assert_eq!(
            message,
            "not a key of strategy \"partial\" (its own keys: prefix_every_slots)"
        );
    }

    #[test]
    fn normalizing_fills_defaults_and_keeps_what_is_set() {
        let mut s = Scenario {
            sequencers: vec![SequencerGroup {
                policy: crate::scenario::KindName("profit".into()),
                own: OwnKeys(vec![("change_pct".into(), toml::Value::Float(10.0))]),
                ..SequencerGroup::default()
            }],
            ..Scenario::default()
        };
        assert_eq!(settle(&mut s), None);
        let own: Vec<(&str, String)> = s.sequencers[0]
            .own
            .0
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_string()))
            .collect();
        assert_eq!(
            own,
            [
                ("change_pct", "10.0".to_string()),
                ("horizon_epochs", "1125".to_string()),
                ("holdings", "200000.0".to_string())
            ]
        );
    }
}
