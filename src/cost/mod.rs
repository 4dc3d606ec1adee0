//! The cost model (docs/model.md section 8): how long a prover takes to prove an
//! epoch prefix and what it pays, and the calibration that grounds it in a
//! measured Groth16 prover.
//!
//! `seconds = overhead + (per_tx × txs + per_block × blocks) / parallelism`,
//! `cost = seconds / 3600 × hourly_price + fixed_cost_per_epoch` (plus the
//! L1 submission, charged when sent). A scenario gives the three times per
//! prover group directly, or a `[cost]` table that derives them from a
//! calibration: `per_tx = per_constraint × constraints_per_tx / speedup`,
//! `per_block = per_constraint × constraints_per_block / speedup`,
//! `overhead = fitted overhead / speedup`.

pub mod calibrate;

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use calibrate::{Fit, Point};

/// A prover's hardware as the cost model sees it (a scenario's prover group
/// is one): its times, its price and how it is calibrated.
pub trait Hardware {
    /// Seconds of overhead per proof job.
    fn overhead_seconds(&self) -> f64;
    /// Seconds per transaction proven, before parallelism.
    fn per_tx_seconds(&self) -> f64;
    /// Seconds per block proven, before parallelism.
    fn per_block_seconds(&self) -> f64;
    /// How many parts of a proof run at once.
    fn parallelism(&self) -> f64;
    /// Tokens per hour of proving.
    fn hourly_price(&self) -> f64;
    /// Tokens per epoch proven, whatever the work.
    fn fixed_cost_per_epoch(&self) -> f64;
    /// How much faster than the calibrated machine it is.
    fn hardware_speedup(&self) -> f64;
    /// Sets its three times (from a calibration).
    fn set_times(&mut self, overhead: f64, per_tx: f64, per_block: f64);
}

/// Seconds a prover of `group` takes to prove a prefix of `txs`
/// transactions in `blocks` blocks.
pub fn prefix_seconds(group: &impl Hardware, txs: u64, blocks: u64) -> f64 {
    group.overhead_seconds()
        + (group.per_tx_seconds() * txs as f64 + group.per_block_seconds() * blocks as f64)
            / group.parallelism()
}

/// What `seconds` of proving cost a prover of `group`, in tokens: hardware
/// time plus the fixed cost per epoch proven (the engine charges the fixed
/// part once per epoch, however many jobs prove prefixes of it).
pub fn prefix_cost(group: &impl Hardware, seconds: f64) -> f64 {
    seconds / 3600.0 * group.hourly_price() + group.fixed_cost_per_epoch()
}

/// The `[cost]` table of a scenario.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CostConfig {
    /// A calibration file (relative to the scenario file).
    pub calibration: Option<String>,
    /// Or the fitted overhead per proof, seconds, inline.
    pub overhead_seconds: Option<f64>,
    /// Or the fitted seconds per constraint, inline.
    pub per_constraint_seconds: Option<f64>,
    /// Constraints one transaction adds to a proof.
    pub constraints_per_tx: f64,
    /// Constraints one block adds to a proof.
    pub constraints_per_block: f64,
}

impl Default for CostConfig {
    fn default() -> Self {
        CostConfig {
            calibration: None,
            overhead_seconds: None,
            per_constraint_seconds: None,
            constraints_per_tx: 20_000.0,
            constraints_per_block: 100_000.0,
        }
    }
}

/// The machine a calibration ran on.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Machine {
    /// CPU model.
    pub cpu: String,
    /// Cores available.
    pub cores: u32,
    /// Memory, GiB.
    pub memory_gib: f64,
}

/// What produced a calibration.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Software {
    /// proversim's version.
    pub proversim: String,
    /// The arkworks crates and versions.
    pub arkworks: String,
    /// The proof system and circuit.
    pub circuit: String,
    /// The command line.
    pub command: String,
}

/// A calibration file: the fit, every measured point, and where they come
/// from.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    /// `prove_seconds = overhead + per_constraint × constraints`.
    pub fit: Fit,
    /// The machine.
    pub machine: Machine,
    /// The software.
    pub software: Software,
    /// Every measured size.
    pub points: Vec<Point>,
}

impl Calibration {
    /// Reads and checks a calibration file.
    pub fn load(path: &Path) -> Result<Calibration, String> {
        let name = path.display();
        let text = crate::base::files::read_text(path, crate::base::files::TEXT_LIMIT)
            .map_err(|e| format!("{name}: cannot read the calibration: {e}"))?;
        let c: Calibration = toml::from_str(&text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let before = &text[..s.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    format!(":{line}:{col}")
                })
                .unwrap_or_default();
            format!("{name}{at}: not a calibration: {}", e.message())
        })?;
        let f = c.fit;
        if !(f.per_constraint_seconds.is_finite() && f.per_constraint_seconds > 0.0) {
            return Err(format!(
                "{name}: key 'fit.per_constraint_seconds': expected a positive number, found {}",
                f.per_constraint_seconds
            ));
        }
        if !f.overhead_seconds.is_finite() {
            return Err(format!(
                "{name}: key 'fit.overhead_seconds': expected a number, found {}",
                f.overhead_seconds
            ));
        }
        Ok(c)
    }

    /// The calibration as TOML, with a header saying what it is.
    pub fn to_toml(&self) -> String {
        format!(
            "# Groth16 (arkworks, BN254) proving times measured on this machine by\n\
             # `{}`; `proversim calibrate` rewrites it.\n\
             # prove_seconds = overhead_seconds + per_constraint_seconds * constraints\n{}",
            self.software.command,
            toml::to_string(self).expect("a calibration serializes")
        )
    }
}

/// The fitted times a `[cost]` table stands for: from its calibration file
/// (relative to `dir`) or given inline.
pub fn resolve_fit(cost: &CostConfig, dir: &Path) -> Result<(f64, f64), (String, String)> {
    match (&cost.calibration, cost.overhead_seconds, cost.per_constraint_seconds) {
        (Some(file), None, None) => {
            let c = Calibration::load(&dir.join(file)).map_err(|m| ("cost.calibration".into(), m))?;
            Ok((c.fit.overhead_seconds.max(0.0), c.fit.per_constraint_seconds))
        }
        (None, Some(o), Some(p)) if o.is_finite() && o >= 0.0 && p.is_finite() && p > 0.0 => {
            Ok((o, p))
        }
        (None, Some(_), Some(_)) => Err((
            "cost".into(),
            "expected a non-negative overhead_seconds and a positive per_constraint_seconds".into(),
        )),
        _ => Err((
            "cost".into(),
            "give either `calibration = \"file.toml\"` or both `overhead_seconds` and `per_constraint_seconds`"
                .into(),
        )),
    }
}

/// Sets the prover groups' times from the fit: the cost model the engine
/// then uses. A group marked in `own_times` (it writes its own times) keeps
/// them.
pub fn apply_fit(
    cost: &CostConfig,
    (overhead, per_constraint): (f64, f64),
    groups: &mut [impl Hardware],
    own_times: &[bool],
) {
    for (i, g) in groups.iter_mut().enumerate() {
        if own_times.get(i).copied().unwrap_or(false) {
            continue;
        }
        let speedup = g.hardware_speedup();
        g.set_times(
            overhead / speedup,
            per_constraint * cost.constraints_per_tx / speedup,
            per_constraint * cost.constraints_per_block / speedup,
        );
    }
}

/// The largest circuit `calibrate` proves, as a power of two: 2^20
/// constraints already take gigabytes for the proving key; past it a
/// machine runs out of memory before it has a figure.
pub const MAX_SIZE_LOG2: u32 = 20;

/// Parses a list of circuit sizes: `1024,4096` or `2^10,2^12` or a range
/// of powers `2^10..2^16`.
pub fn parse_sizes(text: &str) -> Result<Vec<u64>, String> {
    let power = |s: &str| -> Result<u64, String> {
        let s = s.trim();
        match s.strip_prefix("2^") {
            Some(e) => e
                .parse::<u32>()
                .ok()
                .filter(|&e| (1..=MAX_SIZE_LOG2).contains(&e))
                .map(|e| 1u64 << e)
                .ok_or_else(|| format!("bad size {s:?}: expected 2^1 .. 2^{MAX_SIZE_LOG2}")),
            None => s
                .parse::<u64>()
                .ok()
                .filter(|&n| (2..=1 << MAX_SIZE_LOG2).contains(&n))
                .ok_or_else(|| {
                    format!(
                        "bad size {s:?}: expected a number of constraints from 2 to 2^{MAX_SIZE_LOG2}"
                    )
                }),
        }
    };
    let mut sizes = Vec::new();
    for part in text.split(',') {
        if let Some((a, b)) = part.split_once("..") {
            let (a, b) = (power(a)?, power(b)?);
            if !a.is_power_of_two() || !b.is_power_of_two() || a > b {
                return Err(format!("bad range {part:?}: expected 2^a..2^b with a <= b"));
            }
            let mut n = a;
            while n <= b {
                sizes.push(n);
                n *= 2;
            }
        } else {
            sizes.push(power(part)?);
        }
    }
    if sizes.len() < 2 {
        return Err("give at least two sizes to fit a line".into());
    }
    sizes.sort();
    sizes.dedup();
    Ok(sizes)
}

/// Measures every size (smallest first) and fits the line. `progress` is
/// called after each size.
pub fn run_calibration(
    sizes: &[u64],
    repeats: u32,
    command: &str,
    mut progress: impl FnMut(&Point),
) -> Result<Calibration, calibrate::CalibrationError> {
    let mut points = Vec::new();
    for (i, &n) in sizes.iter().enumerate() {
        let p = calibrate::measure(n, repeats, 1000 + i as u64)?;
        progress(&p);
        points.push(p);
    }
    Ok(Calibration {
        fit: calibrate::fit(&points),
        machine: this_machine(),
        software: Software {
            proversim: env!("CARGO_PKG_VERSION").to_string(),
            arkworks: arkworks_versions(),
            circuit:
                "Groth16 over BN254; a chain of squarings x_{i+1} = x_i^2, one constraint each"
                    .to_string(),
            command: command.to_string(),
        },
        points,
    })
}

/// The version of an arkworks crate this build uses, from `Cargo.lock`.
pub fn arkworks_versions() -> String {
    let lock = include_str!("../../Cargo.lock");
    ["ark-groth16", "ark-bn254", "ark-relations", "ark-ff"]
        .iter()
        .map(|name| {
            let needle = format!("name = \"{name}\"\nversion = \"");
            let version = lock
                .find(&needle)
                .map(|i| {
                    let rest = &lock[i + needle.len()..];
                    rest[..rest.find('"').unwrap_or(0)].to_string()
                })
                .unwrap_or_else(|| "?".into());
            format!("{name} {version}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// This machine's CPU model, cores and memory.
pub fn this_machine() -> Machine {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let memory_gib = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| (kb / 1024.0 / 1024.0 * 10.0).round() / 10.0);
    Machine {
        cpu,
        cores: std::thread::available_parallelism().map_or(1, |n| n.get() as u32),
        memory_gib,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hardware with every value set by hand.
    #[derive(Clone, Copy)]
    struct Rig {
        times: (f64, f64, f64),
        parallelism: f64,
        hourly_price: f64,
        fixed: f64,
        speedup: f64,
    }

    impl Default for Rig {
        fn default() -> Rig {
            Rig {
                times: (120.0, 1.0, 0.0),
                parallelism: 16.0,
                hourly_price: 40.0,
                fixed: 5.0,
                speedup: 1.0,
            }
        }
    }

    impl Hardware for Rig {
        fn overhead_seconds(&self) -> f64 {
            self.times.0
        }
        fn per_tx_seconds(&self) -> f64 {
            self.times.1
        }
        fn per_block_seconds(&self) -> f64 {
            self.times.2
        }
        fn parallelism(&self) -> f64 {
            self.parallelism
        }
        fn hourly_price(&self) -> f64 {
            self.hourly_price
        }
        fn fixed_cost_per_epoch(&self) -> f64 {
            self.fixed
        }
        fn hardware_speedup(&self) -> f64 {
            self.speedup
        }
        fn set_times(&mut self, overhead: f64, per_tx: f64, per_block: f64) {
            self.times = (overhead, per_tx, per_block);
        }
    }

    #[test]
    fn seconds_and_cost_by_hand() {
        let g = Rig {
            times: (100.0, 2.0, 10.0),
            parallelism: 4.0,
            hourly_price: 36.0,
            fixed: 5.0,
            ..Rig::default()
        };
        // 100 + (2 * 1000 + 10 * 32) / 4 = 100 + 580 = 680 s.
        assert_eq!(prefix_seconds(&g, 1000, 32), 680.0);
        // 680 s at 36 tokens/h = 6.8 tokens, plus 5.
        assert!((prefix_cost(&g, 680.0) - 11.8).abs() < 1e-12);
    }

    #[test]
    fn a_fit_sets_every_groups_times_by_its_speedup() {
        let cost = CostConfig {
            constraints_per_tx: 1000.0,
            constraints_per_block: 5000.0,
            ..CostConfig::default()
        };
        let mut groups = vec![
            Rig::default(),
            Rig {
                speedup: 4.0,
                ..Rig::default()
            },
            Rig::default(),
        ];
        apply_fit(&cost, (0.2, 1e-5), &mut groups, &[false, false, true]);
        assert!((groups[0].per_tx_seconds() - 0.01).abs() < 1e-15);
        assert!((groups[0].per_block_seconds() - 0.05).abs() < 1e-15);
        assert!((groups[0].overhead_seconds() - 0.2).abs() < 1e-15);
        assert!((groups[1].per_tx_seconds() - 0.0025).abs() < 1e-15);
        assert!((groups[1].overhead_seconds() - 0.05).abs() < 1e-15);
        // A group that writes its own times keeps them.
        assert_eq!(groups[2].times, Rig::default().times);
    }

    #[test]
    fn inline_numbers_or_a_file_but_not_nothing() {
        let dir = Path::new(".");
        let inline = CostConfig {
            overhead_seconds: Some(0.1),
            per_constraint_seconds: Some(2e-5),
            ..CostConfig::default()
        };
        assert_eq!(resolve_fit(&inline, dir).unwrap(), (0.1, 2e-5));
        assert!(resolve_fit(&CostConfig::default(), dir).is_err());
        let negative = CostConfig {
            per_constraint_seconds: Some(-1.0),
            ..inline.clone()
        };
        assert!(resolve_fit(&negative, dir).is_err());
    }
}
