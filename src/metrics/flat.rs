//! Every numeric field of a run's summary under one dotted name each
//! (`strategies.honest.reward_share`, `bridging.mean_latency_s`,
//! `books.minted`), so that a sweep or a comparison keeps every answer a
//! run gives, not only the headline metrics.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Summary;
use super::catalog::METRICS;

/// Fields that identify a run rather than measure it, and series (lists)
/// that do not fit one column.
const NOT_METRICS: [&str; 3] = ["scenario", "seed", "protocol"];

fn walk(prefix: &str, v: &Value, out: &mut BTreeMap<String, f64>) {
    match v {
        Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                out.insert(prefix.to_string(), x);
            }
        }
        // The books are exact decimal strings; as numbers they are metrics.
        Value::String(s) => {
            if let Ok(x) = s.parse::<i128>() {
                out.insert(prefix.to_string(), x as f64);
            }
        }
        Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                if prefix.is_empty() && NOT_METRICS.contains(&k.as_str()) {
                    continue;
                }
                walk(&key, v, out);
            }
        }
        Value::Null | Value::Bool(_) | Value::Array(_) => {}
    }
}

/// Every numeric field of `summary` by dotted path, leaving out those the
/// catalog already names under its own key (`active_provers.mean` is the
/// catalog's `active_provers_mean`) and fields a run leaves undefined.
pub fn flatten(summary: &Summary) -> BTreeMap<String, f64> {
    let json = serde_json::to_value(summary).expect("a summary serializes");
    let mut out = BTreeMap::new();
    walk("", &json, &mut out);
    for m in METRICS {
        out.remove(&m.json.join("."));
    }
    out
}

/// Metric names in the order tables show them: the catalog's in its
/// order, then the others by name.
pub fn table_order(names: &std::collections::BTreeSet<String>) -> Vec<String> {
    let mut ordered: Vec<String> = METRICS
        .iter()
        .filter(|m| names.contains(m.key))
        .map(|m| m.key.to_string())
        .collect();
    ordered.extend(
        names
            .iter()
            .filter(|n| !METRICS.iter().any(|m| m.key == n.as_str()))
            .cloned(),
    );
    ordered
}

/// Whether `name` can be a metric of some run: a catalog key, a field of
/// every summary, or a field under one of the summary's maps.
pub fn known(name: &str) -> bool {
    const OPEN: [&str; 5] = [
        "strategies.",
        "groups.",
        "newcomers.",
        "bridging.",
        "migration.",
    ];
    METRICS.iter().any(|m| m.key == name)
        || OPEN
            .iter()
            .any(|p| name.starts_with(p) && name.len() > p.len())
        || flatten(&Summary::default()).contains_key(name)
}

/// The closest known metric names to `name`, for a "did you mean".
pub fn suggest(name: &str) -> Option<String> {
    let mut names: Vec<String> = METRICS.iter().map(|m| m.key.to_string()).collect();
    names.extend(flatten(&Summary::default()).into_keys());
    names
        .into_iter()
        .map(|n| (strsim::jaro_winkler(name, &n), n))
        .filter(|(s, _)| *s > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::summary::StrategySummary;

    #[test]
    fn nested_fields_get_dotted_names() {
        let mut s = Summary::default();
        s.strategies.insert(
            "honest".into(),
            StrategySummary {
                reward_share: 0.25,
                ..Default::default()
            },
        );
        s.books.minted = "1000".into();
        let f = flatten(&s);
        assert_eq!(f.get("strategies.honest.reward_share"), Some(&0.25));
        assert_eq!(f.get("books.minted"), Some(&1000.0));
        assert!(!f.contains_key("seed"));
        // In the catalog under its own key.
        assert!(!f.contains_key("liveness"));
        assert!(!f.contains_key("active_provers.mean"));
        assert!(known("strategies.sniper.profit"));
        assert!(known("liveness"));
        assert!(!known("livenes"));
        assert_eq!(suggest("livenes").as_deref(), Some("liveness"));
    }
}
