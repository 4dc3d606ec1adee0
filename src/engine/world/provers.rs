//! Provers in the engine: their agents, calls into their strategies with a
//! fresh view, the actions carried out, and the market's entries and exits
//! as the agents decide them.

use std::borrow::Cow;

use crate::agents::market::Tenure;
use crate::agents::{Job, Me, ProverAction, ProverCtx, ProverStrategy, strategy_for};
use crate::base::numeric::round;
use crate::base::random::{Stream, stream};
use crate::metrics::AgentRow;
use crate::metrics::name::Name;
use crate::protocol::{Epoch, ProverId};
use crate::schema::ProverGroup;

use super::{Engine, EngineError, Event};

/// A prover's place in the market.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    /// Decided to enter; proves from this epoch.
    Entering(Epoch),
    Active,
    Exited,
}

pub(super) struct ProverAgent {
    pub id: ProverId,
    pub name: Name,
    pub group: usize,
    /// Its group's name.
    pub group_name: Name,
    /// The name its rewards are owned under: its group's, for a group that
    /// is one owner's, its own otherwise.
    pub owner_name: Name,
    /// The agent that owns it: the first of its group for a group that is
    /// one owner's, itself otherwise.
    pub owner: u32,
    /// Whether its strategy wants to hear how its submissions landed.
    pub watches_landings: bool,
    /// Its own values of its group's parameters.
    pub values: ProverGroup,
    /// Taken out while the strategy runs.
    strategy: Option<Box<dyn ProverStrategy>>,
    pub strategy_name: &'static str,
    pub rng: Stream,
    pub phase: Phase,
    pub jobs_running: u32,
    pub tenure: Tenure,
    /// Every identity it controls, itself first (some strategies control
    /// more).
    pub identities: Vec<ProverId>,
    /// Whether it is an identity beyond the first of the prover it came
    /// in with (its exit opens no place to a newcomer).
    pub extra: bool,
    /// Whether it leaves after losing epochs (its strategy says).
    pub leaves_on_losses: bool,
    /// The most identities its owner runs (it may add some up to this).
    pub max_identities: u32,
    /// Whether its owner bundles its identities' proofs into one L1
    /// transaction.
    pub bundles: bool,
}

/// Proof jobs running (a few at a time, so a scan finds one).
#[derive(Default)]
pub(super) struct Jobs {
    running: Vec<Job>,
    next: u64,
}

impl Jobs {
    /// A fresh job id.
    fn next_id(&mut self) -> u64 {
        self.next += 1;
        self.next - 1
    }

    /// The job with id `id` is done: it stops running.
    fn finish(&mut self, id: u64) -> Option<Job> {
        let pos = self.running.iter().position(|j| j.id == id)?;
        Some(self.running.swap_remove(pos))
    }
}

impl Engine<'_, '_> {
    /// A new prover of group `group` (and the identities its strategy
    /// controls). Returns its id.
    pub(super) fn spawn_prover(
        &mut self,
        group: usize,
        phase: Phase,
        values: Option<ProverGroup>,
    ) -> u32 {
        let g = &self.sc.provers[group];
        self.created[group] += 1;
        let name = format!("{}-{}", g.name, self.created[group]);
        let strategy = strategy_for(g);
        let (identities, watches, bridging_per_hour, landings) = (
            strategy.identities(),
            strategy.watches_mempool(),
            strategy.bridging_per_hour(),
            strategy.watches_landings(),
        );
        let one_owner = strategy.one_owner();
        let extras: Vec<Box<dyn ProverStrategy>> =
            (1..identities).map(|_| strategy.extra_identity()).collect();
        let owner = self.push_agent(group, strategy, phase, name.clone(), values);
        if one_owner {
            let first = *self.group_owner[group].get_or_insert(owner);
            self.provers[owner as usize].owner = first;
            self.acc.shared_owner(first, &self.sc.provers[group].name);
        }
        for extra in extras {
            self.add_identity(owner, extra, phase);
        }
        if watches {
            self.watchers.push(owner);
        }
        self.provers[owner as usize].watches_landings = landings;
        if bridging_per_hour > 0.0 {
            self.bridging_senders.push((owner, bridging_per_hour));
        }
        owner
    }

    /// A further identity of prover `owner` (named after it, with its
    /// values and its owner). Returns its id.
    fn add_identity(&mut self, owner: u32, strategy: Box<dyn ProverStrategy>, phase: Phase) -> u32 {
        let first = &self.provers[owner as usize];
        let (group, values) = (first.group, Some(first.values.clone()));
        let name = format!("{}.{}", first.name, first.identities.len() + 1);
        let landings = strategy.watches_landings();
        let id = self.push_agent(group, strategy, phase, name, values);
        self.provers[owner as usize].identities.push(ProverId(id));
        let (owner, owner_name) = {
            let first = &self.provers[owner as usize];
            (first.owner, first.owner_name)
        };
        let agent = &mut self.provers[id as usize];
        agent.owner = owner;
        agent.owner_name = owner_name;
        agent.watches_landings = landings;
        agent.extra = true;
        id
    }

    fn push_agent(
        &mut self,
        group: usize,
        strategy: Box<dyn ProverStrategy>,
        phase: Phase,
        name: String,
        values: Option<ProverGroup>,
    ) -> u32 {
        let id = self.provers.len() as u32;
        let g = &self.sc.provers[group];
        // Its own values, from its own stream (so that its decisions' draws
        // stay where they were).
        let mut values =
            values.unwrap_or_else(|| g.draw(&mut stream(self.sc.seed, "prover-values", id as u64)));
        self.design().add_market_costs(&mut values);
        let name = Name::from(name);
        let group_name = Name::from(&g.name);
        let one_owner = strategy.one_owner();
        let strategy_name = strategy.name();
        let (max_identities, bundles) = (strategy.max_identities(), strategy.bundles());
        self.provers.push(ProverAgent {
            id: ProverId(id),
            owner_name: if one_owner { group_name } else { name },
            name,
            group_name,
            group,
            owner: id,
            watches_landings: false,
            values,
            leaves_on_losses: strategy.leaves_on_losses(),
            strategy: Some(strategy),
            strategy_name,
            rng: stream(self.sc.seed, "prover", id as u64),
            phase,
            jobs_running: 0,
            tenure: Tenure::default(),
            identities: vec![ProverId(id)],
            extra: false,
            max_identities,
            bundles,
        });
        if self.recorder.keeps_rows() {
            let a = &self.provers[id as usize];
            let row = AgentRow::new(a.name, a.group_name, a.strategy_name, self.epoch, &a.values);
            self.recorder.agent(row);
        }
        self.live.push(id);
        if phase == Phase::Active {
            self.active += 1;
        }
        id
    }

    /// The next prospective prover of group `g`: its own draw of the
    /// group's values, from the group's stream of entrants. (What the
    /// design's market costs it is added when it is created.)
    pub(super) fn draw_entrant(&mut self, g: usize) -> ProverGroup {
        let k = self.entrants_drawn[g];
        self.entrants_drawn[g] += 1;
        let index = ((g as u64) << 32) | k;
        self.sc.provers[g].draw(&mut stream(self.sc.seed, "entrant", index))
    }

    /// A prover leaves the market (the design releases what it holds of
    /// it) and its place is open to a newcomer of its group.
    pub(super) fn leave(&mut self, i: u32) {
        self.retire(i);
        self.with_design(|d, w| d.prover_left(w, i));
    }

    /// A prover leaves the market and its place is open to a newcomer of
    /// its group.
    pub(super) fn retire(&mut self, i: u32) {
        let g = self.provers[i as usize].group;
        self.set_phase(i, Phase::Exited);
        self.acc.groups().exited(g);
        // A newcomer takes the place of a prover that came in as one, not
        // of each extra identity an operator drops.
        if !self.provers[i as usize].extra {
            let prospect = self.draw_entrant(g);
            self.entrants[g].push(prospect);
        }
    }

    /// Moves a prover to `phase`, keeping the live list and the count of
    /// active provers.
    fn set_phase(&mut self, i: u32, phase: Phase) {
        let agent = &mut self.provers[i as usize];
        let was = agent.phase;
        agent.phase = phase;
        if was == Phase::Active {
            self.active -= 1;
        }
        if phase == Phase::Active {
            self.active += 1;
        }
        if phase == Phase::Exited {
            self.live.retain(|&p| p != i);
            self.watchers.retain(|&p| p != i);
            self.bridging_senders.retain(|&(p, _)| p != i);
        }
    }

    /// Calls a prover's strategy with a fresh view, then carries out what
    /// it asked for.
    pub(super) fn call_prover(
        &mut self,
        prover: u32,
        f: impl FnOnce(&mut dyn ProverStrategy, &mut ProverCtx<'_, '_>),
    ) {
        let i = prover as usize;
        // A prover that left acts no more: a wake-up it had asked for, or
        // a landing of what it sent before, finds nobody.
        if self.provers[i].phase == Phase::Exited {
            return;
        }
        let Some(mut strategy) = self.provers[i].strategy.take() else {
            return;
        };
        let mut rng = self.provers[i].rng.clone();
        let mut actions = std::mem::take(&mut self.actions);
        {
            let agent = &self.provers[i];
            let view = self.view();
            let mut ctx = ProverCtx {
                view: &view,
                me: Me {
                    id: agent.id,
                    identities: &agent.identities,
                    owner: self.provers[agent.owner as usize].id,
                    group: &agent.values,
                    jobs_running: agent.jobs_running,
                },
                rng: &mut rng,
                actions: &mut actions,
            };
            f(strategy.as_mut(), &mut ctx);
        }
        self.provers[i].strategy = Some(strategy);
        self.provers[i].rng = rng;
        for action in actions.drain(..) {
            self.carry_out(prover, action);
        }
        self.actions = actions;
    }

    fn carry_out(&mut self, prover: u32, action: ProverAction) {
        match action {
            ProverAction::StartJob {
                epoch,
                end,
                seconds,
                cost,
            } => {
                let Some(block) = self.protocol.block(end) else {
                    return;
                };
                let job = Job {
                    id: self.jobs.next_id(),
                    epoch,
                    end,
                    end_slot: block.input.slot,
                    started: self.now,
                    cost,
                };
                let fixed = self.provers[prover as usize].values.fixed_cost_per_epoch;
                self.accounts.job(epoch, prover, cost, fixed);
                self.provers[prover as usize].jobs_running += 1;
                let id = job.id;
                self.jobs.running.push(job);
                let done = self
                    .now
                    .saturating_add(round(seconds.max(0.0) * 1000.0) as u64);
                self.queue.push(done, Event::JobDone { prover, job: id });
            }
            ProverAction::Submit {
                job,
                priority_fee_gwei,
                credit,
                bidding,
            } => self.submit(prover, job, priority_fee_gwei, (credit, bidding)),
            ProverAction::Copy {
                of,
                priority_fee_gwei,
            } => self.copy(prover, of, priority_fee_gwei),
            ProverAction::WakeAt(t) => self.queue.push(t.max(self.now), Event::Wake(prover)),
            ProverAction::Demand(d) => {
                let owner = self.provers[self.provers[prover as usize].owner as usize].id;
                let before = self.demands.get(&owner).copied();
                match d {
                    Some(amount) => self.demands.insert(owner, amount),
                    None => self.demands.remove(&owner),
                };
                if before != d {
                    let name = self.sc.provers[self.provers[prover as usize].group]
                        .name
                        .clone();
                    let what = match d {
                        Some(a) => format!(
                            "demands a checkpoint reward of {:.3} tokens",
                            crate::base::units::tokens(a)
                        ),
                        None => "withdraws its demand".to_string(),
                    };
                    self.event(
                        "demand",
                        name,
                        d.map_or(0.0, crate::base::units::tokens),
                        what,
                    );
                }
            }
        }
    }

    pub(super) fn job_done(&mut self, prover: u32, job: u64) {
        let Some(job) = self.jobs.finish(job) else {
            return;
        };
        let agent = &mut self.provers[prover as usize];
        agent.jobs_running = agent.jobs_running.saturating_sub(1);
        if agent.phase == Phase::Exited {
            return;
        }
        self.call_prover(prover, |s, ctx| s.on_job_done(ctx, job));
    }

    /// Provers whose market rule says so leave; those on their way in
    /// become active; prospective provers of each group enter when their
    /// rule expects a profit.
    pub(super) fn entries_and_exits(&mut self, epoch: Epoch) -> Result<(), EngineError> {
        for i in self.live.clone() {
            let agent = &self.provers[i as usize];
            match agent.phase {
                Phase::Active
                    if agent.leaves_on_losses
                        && self.rules[agent.group].leaves(
                            &self.view(),
                            agent.id,
                            &agent.values,
                            &agent.tenure,
                        ) =>
                {
                    let (name, losses) = (agent.name, agent.tenure.losses);
                    self.leave(i);
                    self.event(
                        "exit",
                        name,
                        losses as f64,
                        format!("left after {losses} epochs without profit"),
                    );
                }
                Phase::Entering(at) if at <= epoch => {
                    let (name, group) = (agent.name, agent.group);
                    self.set_phase(i, Phase::Active);
                    self.acc.groups().entered(group);
                    self.event("entry", name, 1.0, format!("active from epoch {epoch}"));
                    self.with_design(|d, w| d.prover_activated(w, i))?;
                }
                _ => {}
            }
        }
        for g in 0..self.sc.provers.len() {
            // Nobody to weigh entering: no prospect, and no operator that
            // may add an identity.
            if self.entrants[g].is_empty()
                && !self.live.iter().any(|&i| {
                    let a = &self.provers[i as usize];
                    a.group == g && a.max_identities > 1
                })
            {
                continue;
            }
            let entering = self
                .live
                .iter()
                .filter(|&&p| matches!(self.provers[p as usize].phase, Phase::Entering(_)))
                .count() as u32;
            // Every prospective prover of the group weighs entering by its
            // own values; the one that expects the most enters (one a group
            // an epoch). What it would pay to be in the market includes
            // what the design's market costs it, against the provers it
            // would join.
            let rivals = (self.active + entering + 1) as f64;
            let mut best: Option<(usize, f64)> = None;
            let mut last: Option<(&ProverGroup, Option<f64>)> = None;
            let view = self.view();
            for (k, prospect) in self.entrants[g].iter().enumerate() {
                // Prospects with the same values decide alike.
                let decision = match last {
                    Some((seen, d)) if seen == prospect => d,
                    _ => {
                        let values = self.entry_values(prospect, rivals);
                        self.rules[g].enters(&view, &values, entering)
                    }
                };
                last = Some((prospect, decision));
                if let Some(profit) = decision
                    && best.is_none_or(|(_, b)| profit > b)
                {
                    best = Some((k, profit));
                }
            }
            // An operator of the group may instead add an identity, if it
            // expects more of it than the best newcomer of its own.
            if let Some((owner, profit)) = self.best_growth(g, entering, rivals)
                && best.is_none_or(|(_, b)| profit > b)
            {
                self.grow(owner, epoch, profit);
                continue;
            }
            let Some((k, profit)) = best else {
                continue;
            };
            let values = self.entrants[g].remove(k);
            let at = epoch + values.entry_delay_epochs as u64;
            let id = self.spawn_prover(g, Phase::Entering(at), Some(values));
            let name = self.provers[id as usize].name;
            self.event(
                "decide_entry",
                name,
                profit,
                format!("expects {profit:.3} tokens per epoch; proves from epoch {at}"),
            );
        }
        Ok(())
    }

    /// The operator of group `g` that expects most of one more identity,
    /// and that profit per epoch: among those whose first identity is
    /// active and who run fewer than their most. The extra identity pays
    /// the gas of a proof in its operator's bundle, if it bundles.
    fn best_growth(&self, g: usize, entering: u32, rivals: f64) -> Option<(u32, f64)> {
        let view = self.view();
        let mut best: Option<(u32, f64)> = None;
        for &i in &self.live {
            let a = &self.provers[i as usize];
            if a.group != g || a.extra || a.phase != Phase::Active || a.max_identities <= 1 {
                continue;
            }
            let running = a
                .identities
                .iter()
                .filter(|id| self.provers[id.0 as usize].phase != Phase::Exited)
                .count() as u32;
            if running >= a.max_identities {
                continue;
            }
            let gas = if a.bundles {
                self.sc.l1.gas_in_bundle()
            } else {
                self.sc.l1.proof_gas
            };
            let values = self.entry_values(&a.values, rivals);
            if let Some(profit) = self.rules[g].adds_identity(&view, &values, gas, entering)
                && best.is_none_or(|(_, b)| profit > b)
            {
                best = Some((i, profit));
            }
        }
        best
    }

    /// A prospective prover's values as it weighs entering against
    /// `rivals`, with what the design's market would cost it (a copy only
    /// when it costs something).
    fn entry_values<'v>(&self, values: &'v ProverGroup, rivals: f64) -> Cow<'v, ProverGroup> {
        let capital = self.design().entry_capital_cost(values, rivals);
        if capital == 0.0 {
            return Cow::Borrowed(values);
        }
        let mut values = values.clone();
        values.capital_cost_per_epoch += capital;
        Cow::Owned(values)
    }

    /// Operator `owner` adds an identity, on its way in like a newcomer.
    fn grow(&mut self, owner: u32, epoch: Epoch, profit: f64) {
        let a = &self.provers[owner as usize];
        let Some(strategy) = a.strategy.as_ref().map(|s| s.extra_identity()) else {
            return;
        };
        let (operator, at, group) = (a.name, epoch + a.values.entry_delay_epochs as u64, a.group);
        let id = self.add_identity(owner, strategy, Phase::Entering(at));
        self.acc.groups().identity_added(group);
        let name = self.provers[id as usize].name;
        self.event(
            "add_identity",
            name,
            profit,
            format!("{operator} adds an identity: expects {profit:.3} tokens per epoch; proves from epoch {at}"),
        );
    }
}
