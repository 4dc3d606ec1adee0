//! Market entry and exit (docs/model.md section 7): a prospective prover enters when
//! a newcomer would expect a profit; an active prover leaves after a run of
//! epochs without one. The engine only carries the decisions out.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use crate::cost::{prefix_cost, prefix_seconds};
use crate::schema::ProverGroup;

use crate::protocol::{ActivityRecord, BoosterConfig, ProverId};

use super::View;
use super::jobs::landing_seconds;
use super::valuation::{forward_pool, newcomer_market};

/// An active prover's record of its recent epochs, which its exit decision
/// reads.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Tenure {
    /// Consecutive epochs without a profit.
    pub losses: u32,
}

impl Tenure {
    /// One more settled epoch: it `proved` (spent on proving or submitted)
    /// and made this profit. An epoch that lost money counts; one sat out,
    /// by choice or by downtime, does not, unless idle hardware cost it
    /// money (`idle_cost`).
    pub fn settle(&mut self, proved: bool, profit: f64, idle_cost: f64) {
        if proved {
            if profit > 0.0 {
                self.losses = 0;
            } else {
                self.losses += 1;
            }
        } else if idle_cost > 0.0 {
            self.losses += 1;
        }
    }
}

/// How provers of a group decide to enter and to leave.
pub trait MarketRule: Send {
    /// Whether active prover `id` with these values and this record of
    /// losses leaves now.
    fn leaves(&self, view: &View<'_>, id: ProverId, me: &ProverGroup, tenure: &Tenure) -> bool;
    /// Whether active prover `id`, having just lost what it staked (a
    /// forfeited bond), still expects staying to pay, and so puts up a new
    /// stake if it can afford one.
    fn stays_after_loss(&self, view: &View<'_>, id: ProverId, me: &ProverGroup) -> bool;
    /// Whether a prospective prover with these values (its own draw of the
    /// group's) enters now, with `entering` others already on their way
    /// in: its expected profit per epoch if so.
    fn enters(&self, view: &View<'_>, me: &ProverGroup, entering: u32) -> Option<f64>;
    /// Whether an operator with these values adds one more identity, whose
    /// proof uses `gas` (less than a lone proof's when it rides in the
    /// operator's bundle): a newcomer's decision with the operator's own
    /// costs, less the gas the bundle saves; its expected profit per epoch
    /// if so.
    fn adds_identity(
        &self,
        view: &View<'_>,
        me: &ProverGroup,
        gas: u64,
        entering: u32,
    ) -> Option<f64> {
        let mut me = me.clone();
        let saved = view.scenario.l1.proof_gas.saturating_sub(gas) as f64
            * view.gas_price(me.priority_fee_gwei);
        me.capital_cost_per_epoch -= saved;
        self.enters(view, &me, entering)
    }
    /// What an active prover with these values expects over its horizon
    /// from starting on the version the rollup has just migrated to
    /// (docs/model.md section 12), with `rivals` others starting
    /// alongside: every booster record starts empty, its own and its
    /// rivals' alike, and its node is already running. It starts if this
    /// is positive; by default it always does.
    fn value_after_migration(&self, _view: &View<'_>, _me: &ProverGroup, _rivals: u32) -> f64 {
        f64::INFINITY
    }
}

/// The market rule of a group.
pub fn rule_for(_group: &ProverGroup) -> Box<dyn MarketRule> {
    Box::new(ProfitSeeking::default())
}

/// Enters when a newcomer's expected profit over its horizon, with its
/// booster ramping up from an empty record, its capital cost and the sunk
/// entry cost, beats `min_margin` of its costs; leaves after
/// `exit_after_losses` epochs in a row that lost money, unless staying
/// still pays over its horizon with the shares its own record ramps to.
#[derive(Debug, Default)]
pub struct ProfitSeeking {
    /// The projection of the chain's provers for the instant it was made:
    /// every decision at one instant reads the same chain, so it is made
    /// once.
    cache: Mutex<Option<Projection>>,
    /// A newcomer's expected pay in each epoch of its horizon, for the
    /// instant, horizon, provers entering and active, and pool (its bits)
    /// it was made for: every prospect weighing entry at one instant reads
    /// the same, so it is made once.
    newcomer: Mutex<Option<(NewcomerKey, Arc<NewcomerPay>)>>,
}

/// A newcomer's expected pay in each epoch of its horizon, and the most
/// of it in any one epoch.
#[derive(Debug)]
struct NewcomerPay {
    pay: Vec<f64>,
    most: f64,
}

/// What a newcomer's expected pay depends on: the instant (ms), horizon,
/// provers entering and active, the pool's bits, and the generation of
/// booster records.
type NewcomerKey = (u64, u32, u32, u32, u64, u32);

/// The provers paid in the last settled epoch, each record projected over
/// a horizon as if it proved every epoch.
#[derive(Debug)]
struct Projection {
    /// When (ms), over how many epochs, and for which generation of
    /// booster records (a migration restarts them at an instant).
    at: (u64, u32, u32),
    /// Their summed shares per epoch ahead.
    paid_total: Vec<f64>,
    /// How many were paid.
    paid: u32,
    /// Each paid prover's projection.
    records: BTreeMap<ProverId, Arc<Vec<f64>>>,
    /// Projections made under the booster they were made for, by horizon
    /// and record, the record as its value and the epochs from its last
    /// bump to the next epoch: a projection depends on nothing else, so it
    /// serves every later instant.
    ramps: (BoosterConfig, Ramps),
    /// An empty record's projection, with the booster and horizon it was
    /// made for.
    fresh: ((BoosterConfig, u32), Vec<f64>),
}

/// Projections by horizon and record (its value, and the epochs from its
/// last bump to the next epoch).
type Ramps = BTreeMap<(u32, u64, u64), Arc<Vec<f64>>>;

/// Projections kept across instants: beyond this many, they start anew
/// (a bound on memory; the records of provers paid recently are few).
const KEPT_RAMPS: usize = 65_536;

impl ProfitSeeking {
    /// A prover's expected shares in each of its next `horizon` epochs,
    /// proving every epoch from `record`.
    fn ramp(view: &View<'_>, mut record: ActivityRecord, horizon: u32) -> Vec<f64> {
        let booster = view.protocol.booster();
        let horizon = horizon.max(1) as usize;
        let mut shares = Vec::with_capacity(horizon);
        for k in 0..horizon as u64 {
            let Ok((s, next)) = booster.score(record, view.epoch + 1 + k, true) else {
                break;
            };
            shares.push(s as f64);
            // A score is a function of the record's value and the epochs
            // since its last bump: a step that kept the value a bump after
            // the last one repeats itself, and its shares, to the horizon.
            if next.value == record.value && next.time == record.time + 1 {
                shares.resize(horizon, s as f64);
                break;
            }
            record = next;
        }
        shares
    }

    /// The projection of `record` from now, from `ramps` if it was made
    /// before (and kept there).
    fn kept_ramp(
        ramps: &mut Ramps,
        view: &View<'_>,
        record: ActivityRecord,
        horizon: u32,
    ) -> Arc<Vec<f64>> {
        // A record bumped after the next epoch has no gap to key it by.
        let Some(gap) = (view.epoch + 1).checked_sub(record.time) else {
            return Arc::new(Self::ramp(view, record, horizon));
        };
        ramps
            .entry((horizon, record.value, gap))
            .or_insert_with(|| Arc::new(Self::ramp(view, record, horizon)))
            .clone()
    }

    /// The projection for now (made once per instant and horizon), or
    /// `None` before any epoch settled.
    fn projection<'c>(
        cache: &'c mut Option<Projection>,
        view: &View<'_>,
        horizon: u32,
    ) -> Option<&'c mut Projection> {
        let at = (view.now, horizon, view.protocol.generation());
        if cache.as_ref().is_none_or(|p| p.at != at) {
            let last = view.market.last(1).next()?;
            let booster = *view.protocol.booster().config();
            let old = cache.take();
            let (fresh, mut ramps) = match old {
                // An empty record ramps the same way at any epoch: only a
                // new booster or horizon makes it anew.
                Some(old) if old.ramps.0 == booster => {
                    let fresh = (old.fresh.0 == (booster, horizon)).then_some(old.fresh);
                    (fresh, old.ramps.1)
                }
                _ => (None, BTreeMap::new()),
            };
            if ramps.len() > KEPT_RAMPS {
                ramps.clear();
            }
            let fresh = fresh.unwrap_or_else(|| {
                (
                    (booster, horizon),
                    Self::ramp(view, ActivityRecord::default(), horizon),
                )
            });
            let mut records = BTreeMap::new();
            let mut paid_total = vec![0.0; horizon.max(1) as usize];
            for (p, _) in &last.paid_provers {
                let ramp = Self::kept_ramp(&mut ramps, view, view.protocol.record(*p), horizon);
                for (t, s) in paid_total.iter_mut().zip(ramp.iter()) {
                    *t += s;
                }
                records.insert(*p, ramp);
            }
            *cache = Some(Projection {
                at,
                paid_total,
                paid: last.paid_provers.len() as u32,
                records,
                ramps: (booster, ramps),
                fresh,
            });
        }
        cache.as_mut()
    }

    /// Competitors' summed shares in each of the next `horizon` epochs, as
    /// the chain shows them: every prover paid in the last settled epoch
    /// (but `me`), its record projected as if it proved every epoch, and
    /// the active provers not paid then and `newcomers` more, each ramping
    /// from an empty record; with `me`'s own projection. `None` before any
    /// epoch settled.
    fn competitors(
        &self,
        view: &View<'_>,
        me: Option<ProverId>,
        newcomers: u32,
        horizon: u32,
    ) -> Option<(Vec<f64>, Vec<f64>)> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        let p = Self::projection(&mut cache, view, horizon)?;
        let mine = me.and_then(|m| p.records.get(&m));
        let paid_others = p.paid - mine.is_some() as u32;
        let unpaid = view
            .active_provers
            .saturating_sub(paid_others + me.is_some() as u32);
        let n_fresh = (unpaid + newcomers) as f64;
        let total = p
            .paid_total
            .iter()
            .zip(&p.fresh.1)
            .enumerate()
            .map(|(i, (t, f))| t - mine.map_or(0.0, |m| m[i]) + n_fresh * f)
            .collect();
        let own = match (me, mine) {
            (_, Some(m)) => m.to_vec(),
            (Some(id), None) => {
                Self::kept_ramp(&mut p.ramps.1, view, view.protocol.record(id), horizon).to_vec()
            }
            (None, None) => p.fresh.1.clone(),
        };
        Some((total, own))
    }
}

impl ProfitSeeking {
    /// A newcomer's expected pay in each epoch of its horizon: `pool`
    /// split by its ramp from an empty record against its competitors'
    /// (made once per instant and market).
    fn newcomer_pay(
        &self,
        view: &View<'_>,
        pool: f64,
        entering: u32,
        horizon: u32,
    ) -> Option<Arc<NewcomerPay>> {
        let key = (
            view.now,
            horizon,
            entering,
            view.active_provers,
            pool.to_bits(),
            view.protocol.generation(),
        );
        let mut cache = self.newcomer.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((k, pay)) = cache.as_ref()
            && *k == key
        {
            return Some(pay.clone());
        }
        let (others, ramp) = self.competitors(view, None, entering, horizon)?;
        let pay: Vec<f64> = pay(pool, &others, &ramp).collect();
        let most = pay.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let made = Arc::new(NewcomerPay { pay, most });
        *cache = Some((key, made.clone()));
        Some(made)
    }
}

/// The expected pay in each epoch ahead of a prover with these `shares`,
/// each epoch paying `pool` split with that epoch's `others`.
fn pay<'a>(pool: f64, others: &'a [f64], shares: &'a [f64]) -> impl Iterator<Item = f64> + 'a {
    shares
        .iter()
        .zip(others)
        .map(move |(&s, &others)| pool * s / (s + others).max(f64::MIN_POSITIVE))
}

impl MarketRule for ProfitSeeking {
    fn leaves(&self, view: &View<'_>, id: ProverId, me: &ProverGroup, tenure: &Tenure) -> bool {
        if tenure.losses < me.exit_after_losses {
            return false;
        }
        if let Some(sales) = sale_value(view, me, Some(id), 0) {
            return sales.profit - me.capital_cost_per_epoch <= 0.0;
        }
        let Some((others, ramp)) = self.competitors(view, Some(id), 0, me.horizon_epochs) else {
            return true;
        };
        let Some((pool, _)) = newcomer_market(view, me.lookback_epochs, 0) else {
            return true;
        };
        let (value, _) = horizon_value(me, epoch_cost(view, me), pay(pool, &others, &ramp));
        value <= 0.0
    }

    /// By the public record of sales (its own wins at their price, the
    /// others where it would have won): it stays while that record pays
    /// its capital, as its exit rule reads it; with no sales to read (a
    /// design that sells none), it stays.
    fn stays_after_loss(&self, view: &View<'_>, id: ProverId, me: &ProverGroup) -> bool {
        sale_value(view, me, Some(id), 0).is_none_or(|s| s.profit - me.capital_cost_per_epoch > 0.0)
    }

    /// Its horizon's value under the new rules: its ramp and each
    /// rival's from an empty record, the pool the last epoch's blocks pay
    /// under the new split, its own costs (no entry cost: it is running).
    fn value_after_migration(&self, view: &View<'_>, me: &ProverGroup, rivals: u32) -> f64 {
        let fresh = {
            let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
            match Self::projection(&mut cache, view, me.horizon_epochs) {
                Some(p) => p.fresh.1.clone(),
                None => return f64::INFINITY,
            }
        };
        let others: Vec<f64> = fresh.iter().map(|f| f * rivals as f64).collect();
        let Some(pool) = forward_pool(view)
            .or_else(|| newcomer_market(view, me.lookback_epochs, 0).map(|m| m.0))
        else {
            return f64::INFINITY;
        };
        horizon_value(me, epoch_cost(view, me), pay(pool, &others, &fresh)).0
    }

    fn enters(&self, view: &View<'_>, me: &ProverGroup, entering: u32) -> Option<f64> {
        let g = me;
        view.epoch.checked_sub(1)?;
        // Hardware that cannot prove an epoch within its window never pays.
        let (txs, blocks) = last_epoch_size(view);
        let window_s = (view.scenario.chain.proof_submission_epochs
            * view.scenario.chain.epoch_duration
            * view.scenario.chain.slot_duration) as f64;
        if landing_seconds(view, prefix_seconds(g, txs, blocks)) >= window_s {
            return None;
        }
        if let Some(sales) = sale_value(view, g, None, entering) {
            return sales.enters(g);
        }
        let (pool, _) = newcomer_market(view, g.lookback_epochs, entering)?;
        let pay = self.newcomer_pay(view, pool, entering, g.horizon_epochs)?;
        let cost = epoch_cost(view, g);
        // No epoch pays its cost: every term of the horizon's value is at
        // most 0 and its costs at least 0, so it cannot beat the margin
        // (the same answer as the sum, without it).
        if pay.most <= cost
            && cost >= 0.0
            && (1.0 - g.discount_per_epoch) * g.uptime >= 0.0
            && g.entry_cost >= 0.0
            && g.min_margin >= 0.0
        {
            return None;
        }
        let (value, costs) = horizon_value(g, cost, pay.pay.iter().copied());
        let value = value - g.entry_cost;
        let per_epoch = value / costs.max(f64::MIN_POSITIVE) * cost;
        (value > g.min_margin * costs).then_some(per_epoch)
    }
}

/// What a prover expects from a design that sells epochs (an auction),
/// per epoch, from the recent sales as the public record shows them.
struct Sales {
    /// Expected pay less proving cost, tokens (before its capital).
    profit: f64,
    /// Expected proving cost, tokens.
    cost: f64,
}

impl Sales {
    /// A newcomer enters when the discounted profit over its horizon, less
    /// its hardware's capital and the sunk entry cost, beats `min_margin`
    /// of its costs: its expected profit per epoch if so.
    fn enters(&self, g: &ProverGroup) -> Option<f64> {
        let keep = 1.0 - g.discount_per_epoch;
        let weights: f64 = (0..g.horizon_epochs.max(1) as i32)
            .map(|k| keep.powi(k))
            .sum();
        let per_epoch = self.profit - g.capital_cost_per_epoch;
        let value = weights * per_epoch - g.entry_cost;
        let costs = weights * (g.capital_cost_per_epoch + self.cost);
        (value > g.min_margin * costs).then_some(per_epoch)
    }
}

/// Under a design that sells epochs, what a prover with these values
/// would have made in the recent sales (the last `lookback_epochs`
/// settled): as their winner (`me`), the price; otherwise, where its own
/// bid (its cost, marked up as the sale's bidders mark theirs) was below
/// the winning bid, it would have won and been paid what the sale pays (its
/// own bid, or about the winning bid, which would then have been the
/// second), shared with the `rivals`
/// entering beside it; up with its uptime, it pays its proof. `None` if
/// none of those epochs was sold (the design sells none).
fn sale_value(
    view: &View<'_>,
    g: &ProverGroup,
    me: Option<ProverId>,
    rivals: u32,
) -> Option<Sales> {
    let (txs, blocks) = last_epoch_size(view);
    let seconds = prefix_seconds(g, txs, blocks);
    let cost = prefix_cost(g, seconds) + view.submission_cost(g.priority_fee_gwei);
    let (mut sold, mut profit, mut spent) = (0u32, 0.0, 0.0);
    for s in view.market.last(g.lookback_epochs as usize) {
        let Some(c) = s.clearing else {
            continue;
        };
        sold += 1;
        let (bid, pay) = c.as_bidder(cost);
        let (paid, chance) = if Some(c.winner) == me {
            (c.price, 1.0)
        } else if bid < c.winning_bid {
            (pay, 1.0 / (1 + rivals) as f64)
        } else {
            continue;
        };
        profit += chance * g.uptime * (paid - cost);
        spent += chance * g.uptime * cost;
    }
    (sold > 0).then(|| Sales {
        profit: profit / sold as f64,
        cost: spent / sold as f64,
    })
}

/// What proving one epoch like the last costs a prover with these values,
/// with its submission and its hardware's capital, tokens.
fn epoch_cost(view: &View<'_>, g: &ProverGroup) -> f64 {
    let (txs, blocks) = last_epoch_size(view);
    let seconds = prefix_seconds(g, txs, blocks);
    prefix_cost(g, seconds) + view.submission_cost(g.priority_fee_gwei) + g.capital_cost_per_epoch
}

/// Transactions and blocks of the last epoch, still on the chain.
fn last_epoch_size(view: &View<'_>) -> (u64, u64) {
    view.epoch
        .checked_sub(1)
        .and_then(|e| view.epoch_info(e))
        .map_or((0, 0), |i| (i.live_txs, i.live_blocks()))
}

/// The discounted profit of proving every epoch with this expected pay
/// ([`pay`]) at `cost` an epoch ([`epoch_cost`]), and the discounted
/// costs; an epoch ahead weighs the chance that the prover has been up
/// every epoch until then (a miss breaks the ramp).
fn horizon_value(g: &ProverGroup, cost: f64, pay: impl Iterator<Item = f64>) -> (f64, f64) {
    // The ramp holds while the prover stays up: each epoch ahead counts
    // with the chance of no downtime until then.
    let keep = (1.0 - g.discount_per_epoch) * g.uptime;
    let (mut weight, mut value, mut costs) = (1.0, 0.0, 0.0);
    for gain in pay {
        value += weight * (gain - cost);
        costs += weight * cost;
        weight *= keep;
    }
    (value, costs)
}
