//! What a prover expects to earn, estimated from what it can see: its
//! shares now, its competitors' recent shares, an epoch's reward, the
//! market a newcomer faces and the value of the streak it keeps.

use crate::protocol::{Epoch, ProverId};
use crate::schema::ProverGroup;

use super::{ProverCtx, View};

/// The shares a prover would register with a bumping submission now.
pub fn shares_now(view: &View<'_>, me: ProverId) -> f64 {
    view.protocol
        .booster()
        .score(view.protocol.record(me), view.epoch, true)
        .map_or(1.0, |(s, _)| crate::base::numeric::to_f64(s))
}

/// The competitors' summed shares, averaged over the last `lookback`
/// settled epochs (without `me`'s own), or `None` before any settled.
pub fn competitors_shares(view: &View<'_>, me: ProverId, lookback: u32) -> Option<f64> {
    let recent = view.market.last(lookback as usize);
    let n = recent.len();
    let total: f64 = recent
        .map(|s| {
            let mine = s.shares_by_id.get(me.0 as usize).copied().unwrap_or(0.0);
            s.summed_shares - mine
        })
        .sum();
    (n > 0).then(|| total / n as f64)
}

/// The reward a prover expects for proving the whole of epoch `e`: the
/// epoch's pool times its shares over its shares plus the competitors'
/// (estimated from the last `lookback` settled epochs; before any, every
/// active prover is assumed to compete with shares like its own).
pub fn expected_reward(view: &View<'_>, me: ProverId, e: Epoch, lookback: u32) -> f64 {
    let Some(info) = view.epoch_info(e) else {
        return 0.0;
    };
    let own = shares_now(view, me);
    let others = competitors_shares(view, me, lookback)
        .unwrap_or(own * view.active_provers.saturating_sub(1) as f64);
    info.pool_estimate * own / (own + others).max(f64::MIN_POSITIVE)
}

/// What a newcomer faces per epoch: the pool an epoch pays and its
/// competitors' summed shares. The pool is as recent epochs paid, or as
/// the last epoch's blocks would pay at today's rewards, whichever is more
/// (an epoch that nobody proved paid nothing, but would have). Competitors
/// are every active prover and every one already on its way in
/// (`entering`), each with the recent mean shares of a paid prover, or the
/// recent summed shares if those are more. `None` before any epoch settled.
pub fn newcomer_market(view: &View<'_>, lookback: u32, entering: u32) -> Option<(f64, f64)> {
    let nobody = ProverId(u32::MAX);
    let summed = competitors_shares(view, nobody, lookback)?;
    let recent: Vec<_> = view.market.last(lookback as usize).collect();
    let settled = recent.iter().map(|s| s.pool).sum::<f64>() / recent.len() as f64;
    let pool = settled.max(forward_pool(view).unwrap_or(0.0));
    let paid = recent.iter().map(|s| s.paid as f64).sum::<f64>() / recent.len() as f64;
    let per_prover = if paid > 0.0 { summed / paid } else { 1.0 };
    let others = summed.max(per_prover * (view.active_provers + entering) as f64);
    Some((pool, others))
}

/// What the last epoch's blocks pay its provers at today's rewards, if
/// they are proven: its pool estimate, tokens (`None` before any epoch).
pub fn forward_pool(view: &View<'_>) -> Option<f64> {
    view.epoch
        .checked_sub(1)
        .and_then(|e| view.epoch_info(e))
        .map(|i| i.pool_estimate)
}

/// The value, over the prover's horizon, of the booster score it keeps by
/// proving (a bump) in the current epoch rather than missing it: the
/// discounted difference in its expected rewards along the two paths,
/// proving every later epoch in both, each epoch paying `pool` split with
/// its competitors' recent summed shares. Computed with the booster's own
/// functions; stops where the two paths meet.
pub fn streak_value(view: &View<'_>, me: ProverId, group: &ProverGroup, pool: f64) -> f64 {
    let booster = view.protocol.booster();
    let c = view.epoch;
    let record = view.protocol.record(me);
    let Ok((_, mut kept)) = booster.score(record, c, true) else {
        return 0.0;
    };
    let mut missed = record;
    if kept == missed {
        return 0.0;
    }
    let others = competitors_shares(view, me, group.lookback_epochs).unwrap_or(0.0);
    // The kept streak pays only while the prover stays up.
    let keep = (1.0 - group.discount_per_epoch) * group.uptime;
    let (mut weight, mut value) = (1.0, 0.0);
    for k in 1..=group.horizon_epochs as u64 {
        weight *= keep;
        let (Ok((a, next_kept)), Ok((b, next_missed))) = (
            booster.score(kept, c + k, true),
            booster.score(missed, c + k, true),
        ) else {
            break;
        };
        let (a, b) = (a as f64, b as f64);
        value += weight * pool * (a / (a + others) - b / (b + others));
        (kept, missed) = (next_kept, next_missed);
        if kept == missed {
            break;
        }
    }
    value
}

/// The most the streak can be worth: every epoch of the horizon paying the
/// whole pool, discounted (so that the costly projection is skipped where
/// even this would not pay).
pub fn streak_bound(group: &ProverGroup, pool: f64) -> f64 {
    let keep = 1.0 - group.discount_per_epoch;
    let n = group.horizon_epochs as i32;
    let sum = if group.discount_per_epoch > 0.0 {
        keep * (1.0 - keep.powi(n)) / group.discount_per_epoch
    } else {
        n as f64
    };
    pool.max(0.0) * sum
}

/// The share of a pool a prover expects when it joins provers holding
/// `others` shares, with its own shares now.
pub fn share_with(ctx: &ProverCtx<'_, '_>, others: f64) -> f64 {
    let own = shares_now(ctx.view, ctx.me.id);
    own / (own + others).max(f64::MIN_POSITIVE)
}
