//! The simulation: the run loop that delivers events to agents and carries
//! out their actions, wiring the clock, the protocol and the parts of the
//! world, each in its own module with the state it owns: provers and the
//! market (`provers`), the L1 (`l1`), block building and fees (`blocks`),
//! open and settled epochs (`epochs`), governance (`governance`), the
//! per-epoch accounts (`accounts`), and what it lends the design in force
//! (`host`). The engine decides nothing: every choice is an agent's
//! (`crate::agents`) or the design's (`src/design/`, behind `Design`).

mod accounts;
mod blocks;
mod design;
mod epochs;
mod governance;
mod host;
mod l1;
mod l1_tips;
mod migration;
mod prices;
mod provers;

use std::collections::VecDeque;

use crate::agents::sequencer::Sequencers;
use crate::agents::{EpochInfo, Market, ProverAction, View};
use crate::base::time::Time;
use crate::base::units::tokens;
use crate::metrics::name::Name;
use crate::metrics::{EventRow, Recorder, Summary, SummaryAcc};
use crate::protocol::{
    BlockCredit, Epoch, EpochSettlement, Observer, Params, Protocol, ProtocolError, Prune, Slot,
};
use crate::schema::Scenario;
use crate::trace::{TraceHeader, TraceWriter};

use super::queue::{Event, EventQueue};
use accounts::Accounts;
use blocks::BlockBuilder;
pub use design::Design;
use governance::Governance;
pub use host::World;
use l1::L1;
use provers::{Jobs, Phase, ProverAgent};

/// A run that could not go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The scenario cannot be simulated: the key at fault, if one is, and
    /// what is wrong.
    #[error("scenario: {}{message}", key.as_ref().map_or(String::new(), |k| format!("key '{k}': ")))]
    Scenario {
        /// The key path, e.g. `provers[0].uptime`.
        key: Option<String>,
        /// What is wrong and what was expected.
        message: String,
    },
    /// The protocol refused a call (arithmetic left `u128`).
    #[error("slot {slot}: {error}")]
    Protocol {
        /// Where.
        slot: Slot,
        /// What.
        error: ProtocolError,
    },
    /// The run was asked to stop ([`crate::interrupt`]).
    #[error("interrupted")]
    Interrupted,
}

impl EngineError {
    /// A scenario that cannot be simulated, with the key at fault.
    pub fn scenario(key: Option<String>, message: impl std::fmt::Display) -> EngineError {
        EngineError::Scenario {
            key,
            message: message.to_string(),
        }
    }
}

/// How to run.
#[derive(Default)]
pub struct RunOptions<'a> {
    /// Also produce a replay trace of the run (docs/model.md section 11).
    pub trace: bool,
    /// Called with each epoch number as it begins.
    pub progress: Option<&'a mut dyn FnMut(u64)>,
}

/// What a run produced besides its rows.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// The summary.
    pub summary: Summary,
    /// The replay trace, if asked for.
    pub trace: Option<String>,
    /// The most blocks the protocol held at once (memory stays flat).
    pub max_held_blocks: usize,
}

/// Collects what the protocol reports during a call.
#[derive(Default)]
struct Sink {
    prunes: Vec<Prune>,
    settlements: Vec<EpochSettlement>,
    sequencer_income: f64,
    /// (epoch, fee, proposer's credit) of each block credited.
    credited: Vec<(Epoch, u128, u128)>,
}

impl Observer for Sink {
    fn block_credited(&mut self, c: &BlockCredit) {
        self.sequencer_income += tokens(c.earned);
        self.credited.push((c.epoch, c.fee, c.earned));
    }
    fn epoch_settled(&mut self, s: &EpochSettlement) {
        self.settlements.push(s.clone());
    }
    fn pruned(&mut self, p: &Prune) {
        self.prunes.push(*p);
    }
}

pub(super) struct Engine<'s, 'r> {
    sc: &'s Scenario,
    recorder: &'r mut dyn Recorder,
    slot_ms: u64,
    ed: u64,
    pse: u64,
    build_until: Slot,
    last_slot: Slot,
    queue: EventQueue,
    protocol: Protocol,
    sink: Sink,
    acc: SummaryAcc,
    sequencers: Sequencers,
    blocks: BlockBuilder,
    /// Open epochs, oldest first.
    epochs: VecDeque<EpochInfo>,
    market: Market,
    /// Every prover that ever was, by id.
    provers: Vec<ProverAgent>,
    /// Provers not exited (entering or active), ascending: the per-epoch
    /// loops visit only these, so exited provers cost nothing.
    live: Vec<u32>,
    /// How many are active now.
    active: u32,
    /// Provers that send bridging transactions, ascending, with how many
    /// an hour.
    bridging_senders: Vec<(u32, f64)>,
    /// Provers that watch the L1 mempool.
    watchers: Vec<u32>,
    /// The market rule of each group.
    rules: Vec<Box<dyn crate::agents::market::MarketRule>>,
    /// Each group's prospective provers, one for each place open to a
    /// newcomer (how many may still enter), each with its own values.
    entrants: Vec<Vec<crate::schema::ProverGroup>>,
    /// Prospective provers drawn per group.
    entrants_drawn: Vec<u64>,
    /// Identities created per group (for names).
    created: Vec<u32>,
    /// The owner of each group that is one owner's, once its first agent
    /// exists.
    group_owner: Vec<Option<u32>>,
    /// Checkpoint rewards that provers publish as their demand, by owner.
    demands: std::collections::BTreeMap<crate::protocol::ProverId, crate::protocol::Amount>,
    accounts: Accounts,
    jobs: Jobs,
    l1: L1,
    governance: Governance,
    slot: Slot,
    /// The epoch of `slot`.
    epoch: Epoch,
    now: Time,
    trace: Option<TraceWriter>,
    /// Who started on the version the rollup migrated to, once it has.
    migration: Option<crate::metrics::MigrationSummary>,
    max_held: usize,
    actions: Vec<ProverAction>,
    /// The design in force (taken out while it acts, see
    /// [`Engine::with_design`]).
    design: Option<Box<dyn Design>>,
}

/// The protocol's parameters at genesis.
pub fn genesis_params(sc: &Scenario) -> Params {
    Params {
        epoch_duration: sc.chain.epoch_duration,
        proof_submission_epochs: sc.chain.proof_submission_epochs,
        checkpoint_reward: sc.rewards.checkpoint_reward,
        sequencer_bps: sc.rewards.sequencer_bps,
        distributor_funding: sc.rewards.distributor_funding,
        proving_cost_per_mana: sc.rewards.proving_cost_per_mana,
        version: sc.protocol,
        slot_duration: sc.chain.slot_duration,
    }
}

/// Builds the design a scenario runs.
pub type DesignFactory = fn(&Scenario) -> Result<Box<dyn Design>, EngineError>;

/// Runs a scenario under the design `design` builds, sending rows to
/// `recorder`.
pub fn run(
    sc: &Scenario,
    design: DesignFactory,
    recorder: &mut dyn Recorder,
    mut opts: RunOptions<'_>,
) -> Result<RunResult, EngineError> {
    let problems = crate::scenario::check(sc);
    if let Some((key, msg)) = problems.first() {
        return Err(EngineError::scenario(Some(key.clone()), msg));
    }
    let booster = sc
        .booster
        .to_config()
        .map_err(|(k, m)| EngineError::scenario(Some(format!("booster.{k}")), m))?;
    let protocol =
        Protocol::new(genesis_params(sc), booster).map_err(|e| EngineError::scenario(None, e))?;
    let design = design(sc)?;
    if opts.trace && !design.replayable() {
        return Err(EngineError::scenario(
            None,
            format!(
                "--trace writes what `settle` replays, and runs of mechanism = \"{}\" cannot be replayed",
                design.name()
            ),
        ));
    }
    let ed = sc.chain.epoch_duration;
    let pse = sc.chain.proof_submission_epochs;
    let mut engine = Engine {
        sc,
        recorder,
        slot_ms: sc.chain.slot_duration * 1000,
        ed,
        pse,
        build_until: sc.epochs * ed,
        last_slot: (sc.epochs + pse) * ed,
        queue: EventQueue::default(),
        protocol,
        sink: Sink::default(),
        acc: SummaryAcc::default(),
        sequencers: Sequencers::new(sc.seed, &sc.sequencers),
        blocks: BlockBuilder::new(sc),
        epochs: VecDeque::new(),
        market: Market::default(),
        provers: Vec::new(),
        live: Vec::new(),
        active: 0,
        bridging_senders: Vec::new(),
        watchers: Vec::new(),
        rules: sc
            .provers
            .iter()
            .map(crate::agents::market::rule_for)
            .collect(),
        entrants: vec![Vec::new(); sc.provers.len()],
        entrants_drawn: vec![0; sc.provers.len()],
        created: vec![0; sc.provers.len()],
        group_owner: vec![None; sc.provers.len()],
        demands: Default::default(),
        accounts: Accounts::default(),
        jobs: Jobs::default(),
        l1: L1::new(sc),
        governance: Governance::new(sc),
        slot: 0,
        epoch: 0,
        now: 0,
        trace: opts.trace.then(TraceWriter::default),
        migration: None,
        max_held: 0,
        actions: Vec::new(),
        design: Some(design),
    };
    for (g, group) in sc.provers.iter().enumerate() {
        engine
            .acc
            .groups()
            .declare(Name::from(&group.name), group.strategy.name());
        let phase = if group.start_epoch > 0 {
            Phase::Entering(group.start_epoch)
        } else {
            Phase::Active
        };
        for _ in 0..group.count {
            engine.spawn_prover(g, phase, None);
        }
        for _ in 0..group.potential {
            let prospect = engine.draw_entrant(g);
            engine.entrants[g].push(prospect);
        }
    }
    engine.with_design(|d, w| d.start(w))?;
    engine.queue.push(0, Event::SlotStart(0));
    while let Some((time, event)) = engine.queue.pop() {
        engine.now = time;
        match event {
            Event::SlotStart(slot) => {
                if slot.is_multiple_of(ed) {
                    if crate::interrupt::requested() {
                        return Err(EngineError::Interrupted);
                    }
                    if let Some(p) = opts.progress.as_mut() {
                        p(slot / ed);
                    }
                }
                engine.slot_start(slot)?;
                if slot == engine.last_slot {
                    break;
                }
                engine
                    .queue
                    .push((slot + 1) * engine.slot_ms, Event::SlotStart(slot + 1));
            }
            Event::JobDone { prover, job } => engine.job_done(prover, job),
            Event::L1Block(b) => engine.l1_block(b)?,
            Event::Wake(prover) => engine.call_prover(prover, |s, ctx| s.on_wake(ctx)),
            Event::Execute(i) => engine.execute(i)?,
        }
    }
    let events = engine.queue.popped();
    let trace = engine.trace.take().map(|w| {
        w.finish(&TraceHeader {
            comment: &format!(
                "Replay trace of scenario '{}' with seed {} ({} epochs).\n\
                 `proversim settle` on it reproduces every payout of the run.",
                sc.name, sc.seed, sc.epochs
            ),
            params: genesis_params(sc),
            booster,
            end_slot: engine.last_slot,
        })
    });
    let books = engine.books();
    let capital_locked = engine.design().capital_locked();
    let design = engine.design.take();
    let mut summary = engine.acc.finish(
        &sc.name,
        sc.seed,
        sc.protocol.name(),
        (
            sc.epochs,
            (sc.chain.epoch_duration * sc.chain.slot_duration) as f64,
            sc.chain.proof_submission_epochs + 1,
        ),
        events,
        &books,
    );
    if let Some(capital) = capital_locked {
        summary.capital_locked = capital;
    }
    if let Some(design) = &design {
        design.report(&mut summary);
    }
    summary.migration = engine.migration.take();
    // Minted per simulated year over the supply.
    let years =
        (sc.epochs * ed * sc.chain.slot_duration) as f64 / crate::base::units::SECONDS_PER_YEAR;
    let supply = sc.rewards.token_supply;
    if years > 0.0 && supply > 0 {
        // What an auction returned to the distributor was not spent.
        let spent = books.minted.saturating_sub(books.returned);
        summary.inflation_per_year = spent as f64 / years / supply as f64;
    }
    Ok(RunResult {
        summary,
        trace,
        max_held_blocks: engine.max_held,
    })
}

impl Engine<'_, '_> {
    fn secs(&self, t: Time) -> f64 {
        t as f64 / 1000.0
    }

    fn protocol_err(&self, error: ProtocolError) -> EngineError {
        EngineError::Protocol {
            slot: self.slot,
            error,
        }
    }

    fn event(&mut self, kind: &str, subject: impl Into<String>, value: f64, detail: String) {
        if !self.recorder.keeps_rows() {
            return;
        }
        self.recorder.event(EventRow {
            time_s: self.secs(self.now),
            slot: self.slot,
            kind: kind.to_string(),
            subject: subject.into(),
            value,
            detail,
        });
    }

    /// The world as agents see it now.
    fn view(&self) -> View<'_> {
        View {
            now: self.now,
            slot: self.slot,
            epoch: self.epoch,
            protocol: &self.protocol,
            scenario: self.sc,
            epochs: &self.epochs,
            market: &self.market,
            active_provers: self.active,
            gas_price_tokens: self.blocks.gas_price_tokens(),
            recent_prunes: &self.governance.recent_prunes,
            pending_payloads: self.governance.pending(),
            last_tally: &self.governance.last_tally,
            demands: &self.demands,
            going_priority_gwei: self.blocks.going_priority_gwei(),
            wei_to_tokens: self.blocks.wei_to_tokens(),
        }
    }

    /// An open epoch's record.
    fn info_mut(&mut self, e: Epoch) -> Option<&mut EpochInfo> {
        self.epochs.iter_mut().find(|i| i.epoch == e)
    }

    fn slot_start(&mut self, slot: Slot) -> Result<(), EngineError> {
        self.slot = slot;
        let epoch = slot / self.ed;
        self.epoch = epoch;
        self.blocks.step_prices(self.sc, self.now, epoch);
        self.with_design(|d, w| d.begin_slot(w, slot))?;
        // Prunes are rare: most slots have none to take.
        if !self.sink.prunes.is_empty() {
            for p in std::mem::take(&mut self.sink.prunes) {
                self.prune(p);
            }
        }
        self.close_round(slot);
        if slot.is_multiple_of(self.ed) {
            if epoch > self.pse {
                self.close_epoch(epoch - self.pse - 1)?;
            }
            if epoch < self.sc.epochs {
                self.epochs.push_back(EpochInfo {
                    epoch,
                    ..EpochInfo::default()
                });
            }
            if let Some(b) = self.blocks.demand.epoch_started(epoch) {
                self.event(
                    "burst",
                    "demand",
                    b.multiplier,
                    format!(
                        "transactions arrive {}x as fast for {} epochs",
                        b.multiplier, b.epochs
                    ),
                );
            }
            self.migrate_if_due(epoch)?;
            // Entry and exit while there are epochs left to prove.
            if epoch < self.sc.epochs {
                self.entries_and_exits(epoch)?;
            }
            self.with_design(|d, w| d.epoch_start(w, epoch));
        }
        if slot < self.build_until {
            self.build_block(slot)?;
        }
        self.trim_metas(epoch);
        self.max_held = self.max_held.max(self.protocol.held_blocks());
        debug_assert!(self.books().check().is_ok());
        Ok(())
    }

    /// The design in force.
    fn design(&self) -> &dyn Design {
        self.design
            .as_deref()
            .expect("the design is back in place between its calls")
    }

    /// The design in force, to tell it what happened.
    fn design_mut(&mut self) -> &mut dyn Design {
        self.design
            .as_deref_mut()
            .expect("the design is back in place between its calls")
    }

    /// Lets the design act on the world: it is taken out of the engine for
    /// the call, so that it may use the rest of the engine through a
    /// [`World`].
    fn with_design<T>(
        &mut self,
        f: impl FnOnce(&mut dyn Design, &mut World<'_, '_, '_>) -> T,
    ) -> T {
        let mut design = self
            .design
            .take()
            .expect("the design is back in place between its calls");
        let out = f(design.as_mut(), &mut World(self));
        self.design = Some(design);
        out
    }

    /// The highest proven block, whichever design runs.
    fn proven_tip(&self) -> crate::protocol::BlockNumber {
        self.design().proven_tip(&self.protocol)
    }

    /// Where every token went, whichever design runs.
    fn books(&self) -> crate::protocol::Books {
        self.design().books(&self.protocol)
    }

    fn drain_credits(&mut self) {
        let income = std::mem::take(&mut self.sink.sequencer_income);
        self.acc.sequencer_credit(income);
        // Taken and put back emptied, so that its memory serves every epoch.
        let mut credited = std::mem::take(&mut self.sink.credited);
        for &(epoch, fee, earned) in &credited {
            if let Some(info) = self.info_mut(epoch) {
                info.fees += tokens(fee);
                info.sequencer_income += tokens(earned);
            }
        }
        credited.clear();
        self.sink.credited = credited;
    }
}
