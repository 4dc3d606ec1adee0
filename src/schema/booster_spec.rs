//! The booster as a scenario writes it: a rule by name and its constants,
//! turned into the protocol's booster.

use serde::{Deserialize, Serialize};

use crate::protocol::booster::{Exponential, Quadratic, StreakDecay};
use crate::protocol::{Amount, BoosterConfig, Rule, ScoreOn};

/// A booster rule by name.
#[derive(
    Copy, Clone, Debug, Serialize, Deserialize, PartialEq, Eq, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RuleName {
    /// One share each.
    Flat,
    /// The deployed curve.
    #[default]
    Quadratic,
    /// The seed's streak rule.
    Exponential,
}

/// Which submissions score, by name.
#[derive(
    Copy, Clone, Debug, Serialize, Deserialize, PartialEq, Eq, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ScoreOnName {
    /// Every accepted submission.
    #[default]
    AnyProof,
    /// Only full-epoch proofs.
    FullEpoch,
}

/// A streak decay by name.
#[derive(Copy, Clone, Debug, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecayName {
    /// A miss resets the streak.
    Reset,
    /// Each miss takes `per_missed_epoch` off.
    Linear,
    /// Each miss keeps `keep_ppm / 10^6`.
    Geometric,
}

/// A booster as a scenario writes it: a rule and its constants. Quadratic
/// constants default to the deployed ones; the exponential rule has none.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct BoosterSpec {
    /// `flat`, `quadratic` or `exponential`.
    pub rule: RuleName,
    /// `any_proof` or `full_epoch`.
    pub score_on: ScoreOnName,
    /// Quadratic: added per bump.
    pub increment: Option<u64>,
    /// Quadratic: the score's ceiling.
    pub max_score: Option<u64>,
    /// Quadratic: steepness (over 10^10).
    pub a: Option<u64>,
    /// Quadratic: the floor of the curve.
    pub minimum: Option<u64>,
    /// Quadratic: shares at full score.
    pub k: Option<u64>,
    /// Quadratic: score lost per epoch without a bump.
    pub decay_per_epoch: Option<u64>,
    /// Exponential: the longest streak that counts.
    pub max_streak: Option<u64>,
    /// Exponential: shares at streak 0.
    pub base: Option<u64>,
    /// Exponential: growth per streak step, parts per million.
    pub growth_ppm: Option<u64>,
    /// Exponential: how misses shrink the streak.
    pub decay: Option<DecayName>,
    /// Exponential, linear decay: streak lost per missed epoch.
    pub per_missed_epoch: Option<u64>,
    /// Exponential, geometric decay: part of the streak kept per miss, ppm.
    pub keep_ppm: Option<u64>,
}

impl BoosterSpec {
    /// The same booster with the quadratic rule's omitted constants filled
    /// in with the values they default to (so two specs compare by effect).
    pub fn normalized(&self) -> BoosterSpec {
        let mut s = self.clone();
        if s.rule == RuleName::Quadratic {
            let d = Quadratic::DEPLOYED;
            s.increment.get_or_insert(d.increment);
            s.max_score.get_or_insert(d.max_score);
            s.a.get_or_insert(d.a);
            s.minimum.get_or_insert(d.minimum);
            s.k.get_or_insert(d.k);
            s.decay_per_epoch.get_or_insert(d.decay_per_epoch);
        }
        s
    }

    /// The spec that describes a booster: its rule by name with every
    /// constant written.
    pub fn of(b: &BoosterConfig) -> BoosterSpec {
        let score_on = match b.score_on {
            ScoreOn::AnyProof => ScoreOnName::AnyProof,
            ScoreOn::FullEpoch => ScoreOnName::FullEpoch,
        };
        match b.rule {
            Rule::Flat => BoosterSpec {
                rule: RuleName::Flat,
                score_on,
                ..BoosterSpec::default()
            },
            Rule::Quadratic(q) => BoosterSpec {
                rule: RuleName::Quadratic,
                score_on,
                increment: Some(q.increment),
                max_score: Some(q.max_score),
                a: Some(q.a),
                minimum: Some(q.minimum),
                k: Some(q.k),
                decay_per_epoch: Some(q.decay_per_epoch),
                ..BoosterSpec::default()
            },
            Rule::Exponential(x) => {
                let (decay, per_missed_epoch, keep_ppm) = match x.decay {
                    StreakDecay::Reset => (DecayName::Reset, None, None),
                    StreakDecay::Linear { per_missed_epoch } => {
                        (DecayName::Linear, Some(per_missed_epoch), None)
                    }
                    StreakDecay::Geometric { keep_ppm } => {
                        (DecayName::Geometric, None, Some(keep_ppm))
                    }
                };
                BoosterSpec {
                    rule: RuleName::Exponential,
                    score_on,
                    max_streak: Some(x.max_streak),
                    // Every booster that runs was read from a file, where
                    // the base is a 64-bit integer.
                    base: Some(u64::try_from(x.base).unwrap_or(u64::MAX)),
                    growth_ppm: Some(x.growth_ppm),
                    decay: Some(decay),
                    per_missed_epoch,
                    keep_ppm,
                    ..BoosterSpec::default()
                }
            }
        }
    }

    /// The booster this spec describes, or the key that is missing.
    pub fn to_config(&self) -> Result<BoosterConfig, (&'static str, String)> {
        let score_on = match self.score_on {
            ScoreOnName::AnyProof => ScoreOn::AnyProof,
            ScoreOnName::FullEpoch => ScoreOn::FullEpoch,
        };
        let rule = match self.rule {
            RuleName::Flat => Rule::Flat,
            RuleName::Quadratic => {
                let d = Quadratic::DEPLOYED;
                Rule::Quadratic(Quadratic {
                    increment: self.increment.unwrap_or(d.increment),
                    max_score: self.max_score.unwrap_or(d.max_score),
                    a: self.a.unwrap_or(d.a),
                    minimum: self.minimum.unwrap_or(d.minimum),
                    k: self.k.unwrap_or(d.k),
                    decay_per_epoch: self.decay_per_epoch.unwrap_or(d.decay_per_epoch),
                })
            }
            RuleName::Exponential => {
                let need = |v: Option<u64>, key: &'static str| {
                    v.ok_or((key, "missing; the exponential rule needs it".to_string()))
                };
                let decay = match self.decay {
                    None => {
                        return Err((
                            "decay",
                            "missing; expected \"reset\", \"linear\" or \"geometric\"".to_string(),
                        ));
                    }
                    Some(DecayName::Reset) => StreakDecay::Reset,
                    Some(DecayName::Linear) => StreakDecay::Linear {
                        per_missed_epoch: need(self.per_missed_epoch, "per_missed_epoch")?,
                    },
                    Some(DecayName::Geometric) => StreakDecay::Geometric {
                        keep_ppm: need(self.keep_ppm, "keep_ppm")?,
                    },
                };
                Rule::Exponential(Exponential {
                    max_streak: need(self.max_streak, "max_streak")?,
                    base: need(self.base, "base")? as Amount,
                    growth_ppm: need(self.growth_ppm, "growth_ppm")?,
                    decay,
                })
            }
        };
        Ok(BoosterConfig { rule, score_on })
    }
}
