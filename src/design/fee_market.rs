//! The fee market (`mechanism = "fee_market"`, docs/model.md section 14):
//! the permissionless rules, with the checkpoint reward set after each
//! epoch settles by an on-chain controller (`protocol::fee_market`)
//! instead of by votes. Everything else is [`Permissionless`]'s.

use crate::base::units::tokens;
use crate::engine::{Design, EngineError, World};
use crate::metrics::Summary;
use crate::metrics::designs::FeeMarketAcc;
use crate::protocol::Epoch;
use crate::protocol::fee_market::{ControllerParams, Direction, EpochOutcome};
use crate::schema::Scenario;

/// The fee market's state: the controller and its path so far.
pub struct FeeMarket {
    controller: ControllerParams,
    path: FeeMarketAcc,
}

impl FeeMarket {
    /// The design with a scenario's controller.
    pub fn new(sc: &Scenario) -> Result<FeeMarket, EngineError> {
        let c = &sc.fee_market();
        let controller = ControllerParams {
            target_latency_ms: c.target_latency_s.saturating_mul(1000),
            target_provers: c.target_provers,
            max_step_bps: c.max_step_bps,
            min_reward: c.min_reward,
            max_reward: c.max_reward,
        };
        controller
            .check()
            .map_err(|e| EngineError::scenario(Some("fee_market".into()), e))?;
        Ok(FeeMarket {
            controller,
            path: FeeMarketAcc::new(tokens(sc.rewards.checkpoint_reward)),
        })
    }
}

impl Design for FeeMarket {
    fn name(&self) -> &'static str {
        "fee_market"
    }

    /// The controller steps on what the epoch showed, and the protocol
    /// takes the new reward.
    fn epoch_closed(
        &mut self,
        w: &mut World<'_, '_, '_>,
        e: Epoch,
        o: &EpochOutcome,
    ) -> Result<(), EngineError> {
        let before = w.view().protocol.params().checkpoint_reward;
        let step = self
            .controller
            .step(before, o)
            .map_err(|err| w.protocol_err(err.into()))?;
        let after = step.reward;
        if after != before {
            w.set_checkpoint_reward(after)?;
        }
        let up = match step.direction {
            Direction::Up => Some(true),
            Direction::Down => Some(false),
            Direction::Hold => None,
        };
        self.path.step(tokens(after), up);
        let seen = match o.full_latency_ms {
            Some(ms) => format!("proven whole {:.0} s after its end", ms as f64 / 1000.0),
            None => "not proven whole".to_string(),
        };
        w.event(
            "reward_step",
            format!("epoch {e}"),
            tokens(after),
            format!(
                "{} {:.2}% of a {}-bps step ({seen}, {} provers paid): {:.3} to {:.3} tokens",
                step.direction.name(),
                step.deviation_bps as f64 / 100.0,
                self.controller.max_step_bps,
                o.provers_paid,
                tokens(before),
                tokens(after)
            ),
        );
        Ok(())
    }

    fn report(&self, summary: &mut Summary) {
        summary.fee_market = Some(self.path.summary());
    }
}
