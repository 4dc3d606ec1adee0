//! `open_market`: shorten the booster's ramp while rewards concentrate.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::schema::domain::{int, needs, real};

use super::{PolicyKind, VotingPolicy, recent};
use crate::agents::View;
use crate::agents::kind::{Params, checked};
use crate::protocol::booster::Quadratic;
use crate::protocol::{Booster, BoosterConfig, Payload, Rule};

/// The policy's name in scenario files and outputs.
pub const NAME: &str = "open_market";

/// `open_market`'s own keys.
#[derive(Copy, Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct OpenMarketParams {
    /// Reward concentration (HHI) above which to act.
    pub max_hhi: f64,
    /// Epochs in a row to full score under the booster it signals for.
    pub ramp_epochs: u64,
}

impl Default for OpenMarketParams {
    fn default() -> Self {
        OpenMarketParams {
            max_hhi: 0.1,
            ramp_epochs: 24,
        }
    }
}

impl Params for OpenMarketParams {
    const KEYS: &'static [&'static str] = &["max_hhi", "ramp_epochs"];
}

/// Shortens the booster's ramp while rewards concentrate.
pub const KIND: PolicyKind = PolicyKind::new::<OpenMarketParams>(
    NAME,
    &[
        needs(
            real("sequencers[].max_hhi", 0.0, true, 1.0, false, "(an HHI)"),
            "sequencers.0.policy=open_market",
        ),
        needs(
            int("sequencers[].ramp_epochs", 1, 1_000_000, "epochs"),
            "sequencers.0.policy=open_market",
        ),
    ],
    |own| Box::new(OpenMarket(checked(own))),
)
.changing(&["booster"]);

/// Keeps the market open to newcomers. While the rewards of recent settled
/// epochs concentrate beyond `max_hhi` (a Herfindahl index over provers'
/// summed rewards, as anyone reads them from the chain), it signals for a
/// quadratic booster whose streak reaches full score in `ramp_epochs`: the
/// same increment, floor and top, the ceiling `ramp_epochs` increments,
/// and the steepness scaled so the curve has the same shape over the
/// shorter ramp. The new booster restarts every record, incumbents' too.
/// It does nothing under another rule or once the ramp is that short.
#[derive(Debug)]
pub struct OpenMarket(pub OpenMarketParams);

impl OpenMarket {
    /// The reward concentration of the remembered settled epochs.
    fn hhi(view: &View<'_>) -> Option<f64> {
        let mut by_prover: BTreeMap<u32, f64> = BTreeMap::new();
        for s in recent(view).filter(|s| s.summed_shares > 0.0) {
            for &(p, shares) in &s.paid_provers {
                *by_prover.entry(p.0).or_default() += s.pool * shares / s.summed_shares;
            }
        }
        let total: f64 = by_prover.values().sum();
        (total > 0.0).then(|| by_prover.values().map(|r| (r / total).powi(2)).sum())
    }

    /// The booster with the ramp it wants, if the one in force is steeper
    /// than that.
    fn shorter(&self, now: &BoosterConfig) -> Option<BoosterConfig> {
        let Rule::Quadratic(q) = now.rule else {
            return None;
        };
        let ramp = q.max_score.div_ceil(q.increment.max(1));
        if ramp <= self.0.ramp_epochs {
            return None;
        }
        let max_score = self.0.ramp_epochs * q.increment;
        let c = max_score as f64 / q.max_score as f64;
        let a = (q.a as f64 / (c * c)).round() as u64;
        let rule = Rule::Quadratic(Quadratic { max_score, a, ..q });
        let next = BoosterConfig { rule, ..*now };
        Booster::new(next).is_ok().then_some(next)
    }
}

impl VotingPolicy for OpenMarket {
    fn name(&self) -> &'static str {
        NAME
    }
    fn signal(&mut self, view: &View<'_>) -> Option<Payload> {
        if view.pending_payloads.iter().any(|p| p.booster.is_some()) {
            return None;
        }
        if Self::hhi(view)? <= self.0.max_hhi {
            return None;
        }
        let booster = self.shorter(view.protocol.booster().config())?;
        Some(Payload {
            booster: Some(booster),
            ..Payload::default()
        })
    }
}
