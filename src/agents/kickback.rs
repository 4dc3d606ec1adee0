//! A colluding prover under the previous design (docs/model.md section 9):
//! it raises its quote to fund a kickback to the proposer who accepts it.
//! Under the permissionless design there is no one to pay, and it proves as
//! an honest prover.

use super::honest::Honest;
use super::kind::{Kind, NoKeys};
use super::quoting::{Offer, QuoteRequest, priced_quote};
use super::{Job, ProverCtx, ProverStrategy};
use crate::protocol::legacy::PPM;

/// The strategy's name in scenario files and outputs.
pub const NAME: &str = "kickback";

/// Under bonded quotes: raises its quote to fund a kickback to the proposer
/// who accepts it, when it expects that to pay; honest otherwise.
pub const KIND: super::StrategyKind =
    Kind::new::<NoKeys>(NAME, &[], |_| Box::new(Kickback::default()));

/// Each epoch it weighs its honest quote against the kickback quote: the
/// whole value of the epoch, paying back `kickback_share` of the excess
/// over its honest quote to the accepting proposer. A kickback quote wins
/// only where a proposer takes kickbacks, which it estimates from its own
/// kickback quotes (accepted or not, one of each added): with `c` that
/// chance and `n` quoting provers, it offers the kickback when
/// `c * (fee - kickback - cost) > (1 - c) * (honest fee - cost) / n`.
#[derive(Debug, Default)]
pub struct Kickback {
    honest: Honest,
    offered: u64,
    accepted: u64,
}

impl ProverStrategy for Kickback {
    fn name(&self) -> &'static str {
        NAME
    }

    fn one_owner(&self) -> bool {
        true
    }

    fn on_epoch_start(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        self.honest.on_epoch_start(ctx);
    }

    fn on_job_done(&mut self, ctx: &mut ProverCtx<'_, '_>, job: Job) {
        self.honest.on_job_done(ctx, job);
    }

    fn on_wake(&mut self, ctx: &mut ProverCtx<'_, '_>) {
        self.honest.on_wake(ctx);
    }

    fn quote(&mut self, ctx: &mut ProverCtx<'_, '_>, req: &QuoteRequest) -> Option<Offer> {
        let priced = priced_quote(ctx, req)?;
        let honest = priced.offer;
        let c = (self.accepted + 1) as f64 / (self.offered + 2) as f64;
        let n = ctx.view.active_provers.max(1) as f64;
        let part = |ppm: u64| ppm as f64 / PPM as f64 * req.value;
        let kickback_ppm = (req.kickback_share * (PPM - honest.ppm) as f64).floor() as u64;
        let kick = c * (req.value - part(kickback_ppm) - priced.cost);
        let fair = (1.0 - c) * (part(honest.ppm) - priced.cost) / n;
        Some(if kick > fair {
            Offer {
                ppm: PPM,
                kickback_ppm,
            }
        } else {
            honest
        })
    }

    fn on_quote_outcome(&mut self, _ctx: &mut ProverCtx<'_, '_>, accepted: bool) {
        self.offered += 1;
        self.accepted += u64::from(accepted);
    }
}
