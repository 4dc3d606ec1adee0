//! `open_market`: shorten the booster's ramp while a concentrated market
//! costs the sequencer blocks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::schema::domain::{int, needs, non_negative, real};

use super::value::{HOLDINGS, HORIZON_EPOCHS, Outlook, Seat, Supply, gain_under, remembered};
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
    /// Epochs over which it weighs the change.
    pub horizon_epochs: u64,
    /// Tokens it holds whose value minting dilutes.
    pub holdings: f64,
}

impl Default for OpenMarketParams {
    fn default() -> Self {
        OpenMarketParams {
            max_hhi: 0.1,
            ramp_epochs: 24,
            horizon_epochs: HORIZON_EPOCHS,
            holdings: HOLDINGS,
        }
    }
}

impl Params for OpenMarketParams {
    const KEYS: &'static [&'static str] = &["max_hhi", "ramp_epochs", "horizon_epochs", "holdings"];
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
        needs(
            int("sequencers[].horizon_epochs", 1, 1_000_000, "epochs"),
            "sequencers.0.policy=open_market",
        ),
        needs(
            non_negative("sequencers[].holdings", "tokens"),
            "sequencers.0.policy=open_market",
        ),
    ],
    |own| Box::new(OpenMarket(checked(own))),
)
.changing(&["booster"]);

/// Keeps the market open to newcomers when a concentrated market costs it
/// blocks. While the rewards of recent settled epochs concentrate beyond
/// `max_hhi` (a Herfindahl index over provers' summed rewards, as anyone
/// reads them from the chain), it drafts a quadratic booster whose streak
/// reaches full score in `ramp_epochs`: the same increment, floor and top,
/// the ceiling `ramp_epochs` increments, and the steepness scaled so the
/// curve has the same shape over the shorter ramp. The new booster
/// restarts every record, incumbents' too. It does nothing under another
/// rule or once the ramp is that short.
///
/// It signals for it when that pays it over its horizon. What it expects
/// of an open market is a belief, not a forecast of entry: `1 / max_hhi`
/// provers as reliable as today's are on average (the part of remembered
/// epochs each was paid in), any of whom proves an epoch that its pool
/// covers. Against it, today's market proves the part of such epochs it
/// proved. A market that proves every epoch gains it nothing, however
/// concentrated; one whose few provers miss epochs loses it their blocks.
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

    /// The chance an epoch is proven, its pool covering the cost, in the
    /// open market it believes in: `1 / max_hhi` provers each paid in the
    /// part of remembered epochs today's provers were on average.
    fn open_market_up(&self, view: &View<'_>) -> f64 {
        let mut paid_in: BTreeMap<u32, u32> = BTreeMap::new();
        let mut epochs = 0u32;
        for s in remembered(view) {
            epochs += 1;
            for &(p, _) in &s.paid_provers {
                *paid_in.entry(p.0).or_default() += 1;
            }
        }
        if paid_in.is_empty() {
            return 0.0;
        }
        let n = f64::from(epochs);
        let reliable =
            paid_in.values().map(|&k| f64::from(k) / n).sum::<f64>() / paid_in.len() as f64;
        let provers = (1.0 / self.0.max_hhi.max(f64::MIN_POSITIVE)).round();
        1.0 - (1.0 - reliable).powf(provers)
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
    fn signal(&mut self, view: &View<'_>, seat: &Seat) -> Option<Payload> {
        if view.pending_payloads.iter().any(|p| p.booster.is_some()) {
            return None;
        }
        if Self::hhi(view)? <= self.0.max_hhi {
            return None;
        }
        let booster = self.shorter(view.protocol.booster().config())?;
        let payload = Payload {
            booster: Some(booster),
            ..Payload::default()
        };
        let supply = Supply::read(view);
        let open = supply.with_up(self.open_market_up(view));
        let outlook = Outlook::new(self.0.horizon_epochs, self.0.holdings);
        let gain = gain_under(view, seat, &outlook, &payload, &supply, &open)?;
        (gain > 0.0).then_some(payload)
    }
}
