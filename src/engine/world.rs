//! The simulation: a clock, the event queue, the agents and the protocol,
//! wired together. The engine turns agents' actions into protocol calls and
//! the protocol's outcomes into rows.

use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;

use rand::RngExt;
use rand_distr::{Distribution, Exp, StandardNormal};

use crate::agents::bridger::Bridger;
use crate::agents::demand::{BridgeTag, Demand, Mempool, TxBatch};
use crate::agents::prover::{Honest, newcomer_reward};
use crate::agents::sequencer::Sequencers;
use crate::agents::strategic::{Copy, HoldBack, Identity, Partial, Strike, Sybil};
use crate::agents::{
    EpochInfo, Job, Market, Me, PendingProof, ProverAction, ProverCtx, ProverStrategy,
    SettledEpoch, View, tokens,
};
use crate::cost::{prefix_cost, prefix_seconds};
use crate::metrics::{
    BridgeRow, EpochRow, EventRow, ProverRow, Recorder, SubmissionRow, Summary, SummaryAcc,
};
use crate::protocol::{
    Amount, BlockCredit, BlockInput, BlockNumber, Epoch, EpochSettlement, Observer, Params,
    Payload, Protocol, ProtocolError, ProverId, Prune, Rounds, SequencerId, Slot,
    SubmissionOutcome,
};
use crate::scenario::{Scenario, StrategyName, VotePolicy};

use super::fees::{L1Prices, congestion_multiplier, mana_prices, next_excess};

mod bonded;
use super::queue::{Event, EventQueue, Time};
use super::rng::{Stream, stream};

/// A run that could not go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    /// The scenario cannot be simulated.
    #[error("scenario: {0}")]
    Scenario(String),
    /// The protocol refused a call (arithmetic left `u128`).
    #[error("slot {slot}: {error}")]
    Protocol {
        /// Where.
        slot: Slot,
        /// What.
        error: ProtocolError,
    },
}

/// How to run.
#[derive(Default)]
pub struct RunOptions<'a> {
    /// Also produce a replay trace of the run (SPEC section 11).
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

/// A prover's place in the market.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Phase {
    /// Decided to enter; proves from this epoch.
    Entering(Epoch),
    Active,
    Exited,
}

struct ProverAgent {
    id: ProverId,
    name: String,
    group: usize,
    /// Taken out while the strategy runs.
    strategy: Option<Box<dyn ProverStrategy>>,
    strategy_name: &'static str,
    rng: Stream,
    phase: Phase,
    jobs_running: u32,
    losses: u32,
    /// Every identity it controls, itself first (a sybil has more).
    identities: Vec<ProverId>,
    /// Whether the exit rule applies (not to a cartel's passive identities,
    /// bridgers or strikers).
    leaves_on_losses: bool,
}

/// An engine-side record of a block still held: what the fee model and the
/// mempool need.
pub(super) struct BlockMeta {
    number: BlockNumber,
    /// Its slot.
    slot: Slot,
    epoch: Epoch,
    /// What proving it adds to its epoch's pool estimate, tokens.
    pool_part: f64,
    excess: u128,
    mana: u64,
    batches: Vec<TxBatch>,
}

/// A proof submission waiting for its L1 block.
struct L1Tx {
    /// The sender (who pays).
    prover: u32,
    /// The identity the proof carries.
    credited: u32,
    job: Job,
    priority_fee_gwei: f64,
    gas_cost: f64,
    seq: u64,
}

/// Per prover per open epoch: submissions and costs.
#[derive(Copy, Clone, Debug, Default)]
struct ProverEpoch {
    submissions: u64,
    cost: f64,
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

/// An L1 price following a mean-reverting random walk in log space.
struct PriceWalk {
    value: f64,
    log_mean: f64,
    volatility: f64,
    reversion: f64,
    floor: f64,
}

impl PriceWalk {
    fn new(p: &crate::scenario::PricePath) -> PriceWalk {
        PriceWalk {
            value: p.start,
            log_mean: p.start.ln(),
            volatility: p.volatility,
            reversion: p.reversion,
            floor: p.floor,
        }
    }

    fn step(&mut self, rng: &mut Stream) {
        if self.volatility > 0.0 {
            let z: f64 = StandardNormal.sample(rng);
            let log = self.value.ln();
            let next = log + self.reversion * (self.log_mean - log) + self.volatility * z;
            self.value = next.exp().max(self.floor);
        }
    }

    fn wei(&self) -> u128 {
        self.value.round().max(0.0) as u128
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
    demand: Demand,
    mempool: Mempool,
    metas: VecDeque<BlockMeta>,
    epochs: VecDeque<EpochInfo>,
    market: Market,
    provers: Vec<ProverAgent>,
    /// Provers that may still enter, per group.
    potential: Vec<u32>,
    /// Identities created per group (for names).
    created: Vec<u32>,
    acct: BTreeMap<(Epoch, u32), ProverEpoch>,
    jobs: BTreeMap<u64, Job>,
    next_job: u64,
    l1_pending: BTreeMap<u64, Vec<L1Tx>>,
    l1_seq: u64,
    l1_rng: Stream,
    fee_rng: Stream,
    base_fee: PriceWalk,
    blob_fee: PriceWalk,
    slot: Slot,
    now: Time,
    trace: Option<String>,
    max_held: usize,
    actions: Vec<ProverAction>,
    /// Provers that watch the L1 mempool.
    watchers: Vec<u32>,
    /// Bridging transactions in blocks, not yet proven: (tag, block).
    bridges: VecDeque<(BridgeTag, BlockNumber)>,
    /// Each bridger's arrival stream.
    bridge_rngs: BTreeMap<u32, Stream>,
    next_bridge: u64,
    rounds: Rounds,
    /// Payloads that passed, by index, waiting for or past execution.
    payloads: Vec<Payload>,
    /// Slots of recent prunes (for the liveness policy).
    recent_prunes: VecDeque<Slot>,
    /// The bonded-quotes design, when the scenario runs it.
    pub(super) bonded: Option<bonded::BondedMode>,
}

/// Runs a scenario, sending rows to `recorder`.
pub fn run(
    sc: &Scenario,
    recorder: &mut dyn Recorder,
    mut opts: RunOptions<'_>,
) -> Result<RunResult, EngineError> {
    let problems = crate::scenario::check(sc);
    if let Some((key, msg)) = problems.first() {
        return Err(EngineError::Scenario(format!("key '{key}': {msg}")));
    }
    let booster = sc
        .booster
        .to_config()
        .map_err(|(k, m)| EngineError::Scenario(format!("key 'booster.{k}': {m}")))?;
    let params = Params {
        epoch_duration: sc.chain.epoch_duration,
        proof_submission_epochs: sc.chain.proof_submission_epochs,
        checkpoint_reward: sc.rewards.checkpoint_reward,
        sequencer_bps: sc.rewards.sequencer_bps,
        distributor_funding: sc.rewards.distributor_funding,
        proving_cost_per_mana: sc.rewards.proving_cost_per_mana,
    };
    let protocol =
        Protocol::new(params, booster).map_err(|e| EngineError::Scenario(e.to_string()))?;
    if opts.trace && sc.mechanism == crate::scenario::Mechanism::BondedQuotes {
        return Err(EngineError::Scenario(
            "--trace replays the permissionless design; this scenario runs mechanism = \"bonded_quotes\"".into(),
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
        demand: Demand::new(
            sc.demand.tps,
            sc.demand.mana_mean,
            sc.demand.mana_shape,
            stream(sc.seed, "demand", 0),
        ),
        mempool: Mempool::default(),
        metas: VecDeque::new(),
        epochs: VecDeque::new(),
        market: Market::default(),
        provers: Vec::new(),
        potential: sc.provers.iter().map(|g| g.potential).collect(),
        created: vec![0; sc.provers.len()],
        acct: BTreeMap::new(),
        jobs: BTreeMap::new(),
        next_job: 0,
        l1_pending: BTreeMap::new(),
        l1_seq: 0,
        l1_rng: stream(sc.seed, "l1", 0),
        fee_rng: stream(sc.seed, "fees", 0),
        base_fee: PriceWalk::new(&sc.fees.l1_base_fee),
        blob_fee: PriceWalk::new(&sc.fees.blob_fee),
        slot: 0,
        now: 0,
        trace: opts.trace.then(String::new),
        max_held: 0,
        actions: Vec::new(),
        watchers: Vec::new(),
        bridges: VecDeque::new(),
        bridge_rngs: BTreeMap::new(),
        next_bridge: 0,
        rounds: Rounds::new(sc.governance.round_size, sc.governance.quorum),
        payloads: Vec::new(),
        recent_prunes: VecDeque::new(),
        bonded: bonded::BondedMode::for_scenario(sc)?,
    };
    for (g, group) in sc.provers.iter().enumerate() {
        let phase = if group.start_epoch > 0 {
            Phase::Entering(group.start_epoch)
        } else {
            Phase::Active
        };
        for _ in 0..group.count {
            engine.spawn_prover(g, phase);
        }
    }
    engine.post_bonds()?;
    engine.queue.push(0, Event::SlotStart(0));
    while let Some((time, event)) = engine.queue.pop() {
        engine.now = time;
        match event {
            Event::SlotStart(slot) => {
                if slot.is_multiple_of(ed)
                    && let Some(p) = opts.progress.as_mut()
                {
                    p(slot / ed);
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
    let trace = engine
        .trace
        .take()
        .map(|body| engine.trace_header() + &body);
    let books = engine.books();
    let mut summary = engine
        .acc
        .finish(&sc.name, sc.seed, sc.epochs, events, &books);
    if let Some(b) = &engine.bonded {
        summary.capital_locked = tokens(b.machine.books().bonded);
    }
    Ok(RunResult {
        summary,
        trace,
        max_held_blocks: engine.max_held,
    })
}

fn make_strategy(name: StrategyName) -> Box<dyn ProverStrategy> {
    match name {
        StrategyName::Honest => Box::new(Honest::default()),
        StrategyName::Partial => Box::new(Partial::default()),
        StrategyName::Supersede | StrategyName::Late => Box::new(HoldBack::new(name)),
        StrategyName::Copy => Box::new(Copy::default()),
        StrategyName::Sybil => Box::new(Sybil::default()),
        StrategyName::Strike => Box::new(Strike::default()),
        StrategyName::Bridger => Box::new(Bridger::default()),
    }
}

impl Engine<'_, '_> {
    fn secs(&self, t: Time) -> f64 {
        t as f64 / 1000.0
    }

    pub(super) fn protocol_err(&self, error: ProtocolError) -> EngineError {
        EngineError::Protocol {
            slot: self.slot,
            error,
        }
    }

    fn spawn_prover(&mut self, group: usize, phase: Phase) -> u32 {
        let g = &self.sc.provers[group];
        self.created[group] += 1;
        let name = format!("{}-{}", g.name, self.created[group]);
        let owner = self.push_agent(group, make_strategy(g.strategy), phase, name.clone());
        if g.strategy == StrategyName::Sybil {
            for k in 1..g.identities.max(1) {
                let id = self.push_agent(
                    group,
                    Box::new(Identity),
                    phase,
                    format!("{name}.{}", k + 1),
                );
                self.provers[id as usize].leaves_on_losses = false;
                self.provers[owner as usize].identities.push(ProverId(id));
            }
        }
        if self.provers[owner as usize]
            .strategy
            .as_ref()
            .is_some_and(|s| s.watches_mempool())
        {
            self.watchers.push(owner);
        }
        owner
    }

    fn push_agent(
        &mut self,
        group: usize,
        strategy: Box<dyn ProverStrategy>,
        phase: Phase,
        name: String,
    ) -> u32 {
        let id = self.provers.len() as u32;
        let g = &self.sc.provers[group];
        self.provers.push(ProverAgent {
            id: ProverId(id),
            name,
            group,
            leaves_on_losses: !matches!(g.strategy, StrategyName::Strike | StrategyName::Bridger),
            strategy: Some(strategy),
            strategy_name: g.strategy.name(),
            rng: stream(self.sc.seed, "prover", id as u64),
            phase,
            jobs_running: 0,
            losses: 0,
            identities: vec![ProverId(id)],
        });
        id
    }

    pub(super) fn event(&mut self, kind: &str, subject: String, value: f64, detail: String) {
        if !self.recorder.keeps_rows() {
            return;
        }
        self.recorder.event(EventRow {
            time_s: self.secs(self.now),
            slot: self.slot,
            kind: kind.to_string(),
            subject,
            value,
            detail,
        });
    }

    fn active_provers(&self) -> u32 {
        self.provers
            .iter()
            .filter(|p| p.phase == Phase::Active)
            .count() as u32
    }

    /// The world as agents see it now.
    pub(super) fn view(&self) -> View<'_> {
        View {
            now: self.now,
            slot: self.slot,
            epoch: self.slot / self.ed,
            protocol: &self.protocol,
            scenario: self.sc,
            epochs: &self.epochs,
            market: &self.market,
            active_provers: self.active_provers(),
            gas_price_tokens: self.base_fee.value
                * crate::agents::tokens_per_wei(self.sc.fees.fee_asset_per_eth),
        }
    }

    /// Calls a prover's strategy with a fresh view, then carries out what
    /// it asked for.
    fn call_prover(
        &mut self,
        prover: u32,
        f: impl FnOnce(&mut dyn ProverStrategy, &mut ProverCtx<'_, '_>),
    ) {
        let i = prover as usize;
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
                    group: &self.sc.provers[agent.group],
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
                let id = self.next_job;
                self.next_job += 1;
                let job = Job {
                    id,
                    epoch,
                    end,
                    end_slot: block.input.slot,
                    started: self.now,
                    cost,
                };
                self.acct.entry((epoch, prover)).or_default().cost += cost;
                self.provers[prover as usize].jobs_running += 1;
                self.jobs.insert(id, job);
                let done = self.now + (seconds.max(0.0) * 1000.0).round() as u64;
                self.queue.push(done, Event::JobDone { prover, job: id });
            }
            ProverAction::Submit {
                job,
                priority_fee_gwei,
                credit,
            } => {
                let delay = self.inclusion_delay();
                let block_ms = self.sc.l1.block_time * 1000;
                let at = self.now + (delay * 1000.0).round() as u64;
                let b = at.div_ceil(block_ms).max(self.now / block_ms + 1);
                let credited = credit.map_or(prover, |c| c.0);
                let pending = PendingProof {
                    sender: ProverId(prover),
                    credited: ProverId(credited),
                    epoch: job.epoch,
                    end: job.end,
                    end_slot: job.end_slot,
                    priority_fee_gwei,
                    l1_block: b,
                };
                self.send_l1(prover, credited, job, priority_fee_gwei, b);
                for w in self.watchers.clone() {
                    if w != prover && self.provers[w as usize].phase == Phase::Active {
                        self.call_prover(w, |s, ctx| s.on_mempool(ctx, &pending));
                    }
                }
            }
            ProverAction::Copy {
                of,
                priority_fee_gwei,
            } => {
                // Front-running into the same L1 block: a proof that binds
                // its prover still credits the original one.
                let credited = if self.sc.chain.proof_binds_prover {
                    of.credited.0
                } else {
                    prover
                };
                let job = Job {
                    id: u64::MAX,
                    epoch: of.epoch,
                    end: of.end,
                    end_slot: of.end_slot,
                    started: self.now,
                    cost: 0.0,
                };
                self.send_l1(prover, credited, job, priority_fee_gwei, of.l1_block);
            }
            ProverAction::WakeAt(t) => self.queue.push(t.max(self.now), Event::Wake(prover)),
        }
    }

    /// Seconds until an L1 transaction sent now is included: the minimum,
    /// plus an exponential part with the configured mean.
    fn inclusion_delay(&mut self) -> f64 {
        let l1 = &self.sc.l1;
        let extra = (l1.mean_inclusion_delay - l1.min_inclusion_delay).max(0.0);
        let random = if extra > 0.0 {
            Exp::new(1.0 / extra)
                .map(|d| d.sample(&mut self.l1_rng))
                .unwrap_or(0.0)
        } else {
            0.0
        };
        l1.min_inclusion_delay + random
    }

    /// Puts a proof submission into L1 block `b`; the sender pays its gas.
    fn send_l1(&mut self, prover: u32, credited: u32, job: Job, priority_fee_gwei: f64, b: u64) {
        let block_ms = self.sc.l1.block_time * 1000;
        let gas_cost = self.view().submission_cost(priority_fee_gwei);
        self.acct.entry((job.epoch, prover)).or_default().cost += gas_cost;
        let pending = self.l1_pending.entry(b).or_default();
        if pending.is_empty() {
            self.queue.push(b * block_ms, Event::L1Block(b));
        }
        pending.push(L1Tx {
            prover,
            credited,
            job,
            priority_fee_gwei,
            gas_cost,
            seq: self.l1_seq,
        });
        self.l1_seq += 1;
    }

    fn job_done(&mut self, prover: u32, job: u64) {
        let Some(job) = self.jobs.remove(&job) else {
            return;
        };
        let agent = &mut self.provers[prover as usize];
        agent.jobs_running = agent.jobs_running.saturating_sub(1);
        if agent.phase == Phase::Exited {
            return;
        }
        self.call_prover(prover, |s, ctx| s.on_job_done(ctx, job));
    }

    fn l1_block(&mut self, b: u64) -> Result<(), EngineError> {
        let Some(mut txs) = self.l1_pending.remove(&b) else {
            return Ok(());
        };
        // Same L1 block: higher gas price first, then arrival.
        txs.sort_by(|x, y| {
            y.priority_fee_gwei
                .total_cmp(&x.priority_fee_gwei)
                .then(x.seq.cmp(&y.seq))
        });
        for tx in txs {
            self.include(tx)?;
        }
        Ok(())
    }

    /// A proof submission lands on L1 and goes to the protocol.
    fn include(&mut self, tx: L1Tx) -> Result<(), EngineError> {
        let id = self.provers[tx.credited as usize].id;
        self.acct
            .entry((tx.job.epoch, tx.prover))
            .or_default()
            .submissions += 1;
        if let Some(info) = self.epochs.iter_mut().find(|i| i.epoch == tx.job.epoch) {
            info.submissions += 1;
        }
        // A proof of blocks that a prune replaced does not verify.
        let replaced = self
            .protocol
            .block(tx.job.end)
            .is_some_and(|b| b.input.slot != tx.job.end_slot);
        let outcome = if replaced {
            None
        } else {
            let outcome = self
                .protocol
                .submit_proof(id, tx.job.end, &mut self.sink)
                .map_err(|e| self.protocol_err(e))?;
            if let Some(trace) = &mut self.trace {
                let _ = write!(
                    trace,
                    "\n[[events]]\nslot = {}\nkind = \"proof\"\nprover = \"{}\"\nend = {}\n",
                    self.slot, self.provers[tx.credited as usize].name, tx.job.end
                );
            }
            self.drain_credits();
            Some(outcome)
        };
        if let Some(SubmissionOutcome::Accepted(_)) = outcome {
            self.bridges_proven(tx.credited);
        }
        if let Some(SubmissionOutcome::Accepted(a)) = outcome {
            let proven_tip = self.protocol.proven_tip();
            if let Some(info) = self.epochs.iter_mut().find(|i| i.epoch == a.epoch) {
                info.first_proof.get_or_insert(self.now);
                if info.last_block.is_some_and(|(n, _)| n <= proven_tip)
                    && info.full_proof.is_none()
                {
                    info.full_proof = Some(self.now);
                }
            }
        }
        let agent = &self.provers[tx.prover as usize];
        let accepted = matches!(outcome, Some(SubmissionOutcome::Accepted(_)));
        self.acc.submission(agent.strategy_name, accepted);
        if !self.recorder.keeps_rows() {
            return Ok(());
        }
        let mut row = SubmissionRow {
            time_s: self.secs(self.now),
            slot: self.slot,
            prover: agent.name.clone(),
            strategy: agent.strategy_name.to_string(),
            credited: self.provers[tx.credited as usize].name.clone(),
            epoch: tx.job.epoch,
            end: tx.job.end,
            gas_cost: tx.gas_cost,
            ..SubmissionRow::default()
        };
        match outcome {
            None => {
                row.status = "invalid".into();
                row.reason = "reorged_blocks".into();
            }
            Some(SubmissionOutcome::Accepted(a)) => {
                row.status = "accepted".into();
                row.length = a.length;
                row.shares = a.shares as f64;
                row.extended = a.added > 0;
            }
            Some(SubmissionOutcome::Rejected(r)) => {
                row.status = "rejected".into();
                row.reason = r.name().into();
            }
        }
        self.recorder.submission(row);
        Ok(())
    }

    /// Bridging transactions now covered by the proven tip: their latency,
    /// and who proved them.
    pub(super) fn bridges_proven(&mut self, by: u32) {
        let tip = self.proven_tip();
        while let Some(&(tag, block)) = self.bridges.front() {
            if block > tip {
                break;
            }
            self.bridges.pop_front();
            let latency = self.secs(self.now) - self.secs(tag.submitted);
            let self_proved = tag.bridger == by;
            self.acc.bridge(latency, self_proved);
            if self.recorder.keeps_rows() {
                let prover = &self.provers[by as usize];
                self.recorder.bridge(BridgeRow {
                    id: tag.id,
                    bridger: self.provers[tag.bridger as usize].name.clone(),
                    submitted_s: self.secs(tag.submitted),
                    block,
                    proven_s: self.secs(self.now),
                    latency_s: latency,
                    proved_by: prover.name.clone(),
                    proved_by_strategy: prover.strategy_name.to_string(),
                    self_proved,
                });
            }
        }
    }

    /// Carries out a payload that passed.
    fn execute(&mut self, i: usize) -> Result<(), EngineError> {
        let payload = self.payloads[i].clone();
        self.protocol
            .apply(&payload)
            .map_err(|e| self.protocol_err(e))?;
        if let Some(trace) = &mut self.trace {
            let mut lines = String::new();
            if let Some(r) = payload.checkpoint_reward {
                let _ = writeln!(lines, "checkpoint_reward = \"{r}\"");
            }
            if let Some(b) = payload.sequencer_bps {
                let _ = writeln!(lines, "sequencer_bps = {b}");
            }
            if let Some(t) = payload.distributor_top_up {
                let _ = writeln!(lines, "distributor_top_up = \"{t}\"");
            }
            let _ = write!(
                trace,
                "\n[[events]]\nslot = {}\nkind = \"set\"\n{lines}",
                self.slot
            );
        }
        self.acc.executed();
        self.event(
            "executed",
            describe_payload(&payload),
            i as f64,
            "payload executed".into(),
        );
        Ok(())
    }

    /// What the proposer's voting policy signals for now, if anything.
    fn policy_payload(
        &self,
        policy: VotePolicy,
        group: &crate::scenario::SequencerGroup,
    ) -> Option<Payload> {
        let reward = self.protocol.params().checkpoint_reward;
        let scaled = |factor: f64| Payload {
            checkpoint_reward: Some((reward as f64 * factor).round() as Amount),
            ..Payload::default()
        };
        let recent: Vec<&SettledEpoch> = self.market.last(8).collect();
        match policy {
            VotePolicy::Static => None,
            VotePolicy::Liveness => {
                let window = self.sc.governance.round_size;
                let prunes = self
                    .recent_prunes
                    .iter()
                    .filter(|&&s| s + window > self.slot)
                    .count() as u64;
                let latencies: Vec<f64> = recent.iter().filter_map(|s| s.full_latency_s).collect();
                let slow = !latencies.is_empty()
                    && latencies.iter().sum::<f64>() / latencies.len() as f64 > group.max_latency_s;
                (prunes > group.max_prunes || slow).then(|| scaled(1.0 + group.change_pct / 100.0))
            }
            VotePolicy::Profit => {
                let per_prover: Vec<f64> = recent
                    .iter()
                    .filter(|s| s.paid > 0)
                    .map(|s| s.pool / s.paid as f64)
                    .collect();
                if per_prover.is_empty() || group.reference_cost <= 0.0 {
                    return None;
                }
                let margin =
                    per_prover.iter().sum::<f64>() / per_prover.len() as f64 / group.reference_cost
                        - 1.0;
                (margin > group.max_margin).then(|| scaled(1.0 - group.change_pct / 100.0))
            }
            VotePolicy::Cartel => {
                let demand = self
                    .sc
                    .provers
                    .iter()
                    .filter(|g| g.strategy == StrategyName::Strike)
                    .map(|g| g.demand_reward)
                    .max()?;
                (reward < demand).then(|| Payload {
                    checkpoint_reward: Some(demand),
                    ..Payload::default()
                })
            }
        }
    }

    /// Closes the governance round that ended at this slot, if any.
    fn close_round(&mut self, slot: Slot) {
        let Some(result) = self.rounds.advance(slot) else {
            return;
        };
        for (payload, count) in &result.tally {
            self.event(
                "signals",
                describe_payload(payload),
                *count as f64,
                format!(
                    "round {}: {count} signals (quorum {})",
                    result.round, self.sc.governance.quorum
                ),
            );
        }
        if let Some(payload) = result.passed {
            let i = self.payloads.len();
            let at = self.now + self.sc.governance.execution_delay * 1000;
            self.event(
                "passed",
                describe_payload(&payload),
                i as f64,
                format!("executes at {:.0} s", at as f64 / 1000.0),
            );
            self.payloads.push(payload);
            self.queue.push(at, Event::Execute(i));
        }
    }

    fn drain_credits(&mut self) {
        let income = std::mem::take(&mut self.sink.sequencer_income);
        self.acc.sequencer_credit(income);
        for (epoch, fee, earned) in self.sink.credited.drain(..) {
            if let Some(info) = self.epochs.iter_mut().find(|i| i.epoch == epoch) {
                info.fees += tokens(fee);
                info.sequencer_income += tokens(earned);
            }
        }
    }

    fn slot_start(&mut self, slot: Slot) -> Result<(), EngineError> {
        self.slot = slot;
        let epoch = slot / self.ed;
        self.base_fee.step(&mut self.fee_rng);
        self.blob_fee.step(&mut self.fee_rng);
        if self.bonded.is_some() {
            self.bonded_slot_start(slot)?;
        } else {
            self.protocol
                .begin_slot(slot, &mut self.sink)
                .map_err(|e| self.protocol_err(e))?;
        }
        for p in std::mem::take(&mut self.sink.prunes) {
            self.prune(p);
        }
        self.close_round(slot);
        if slot.is_multiple_of(self.ed) {
            if epoch > self.pse {
                self.close_epoch(epoch - self.pse - 1);
            }
            if epoch < self.sc.epochs {
                self.epochs.push_back(EpochInfo {
                    epoch,
                    ..EpochInfo::default()
                });
            }
            if self.bonded.is_some() {
                self.collect_quotes(epoch);
            } else {
                self.entries_and_exits(epoch);
                for p in 0..self.provers.len() as u32 {
                    if self.provers[p as usize].phase == Phase::Active {
                        self.call_prover(p, |s, ctx| s.on_epoch_start(ctx));
                    }
                }
            }
        }
        if slot < self.build_until {
            self.build_block(slot)?;
        }
        self.trim_metas(epoch);
        self.max_held = self.max_held.max(self.protocol.held_blocks());
        debug_assert!(self.books().check().is_ok());
        Ok(())
    }

    pub(super) fn prune(&mut self, p: Prune) {
        let mut returned = Vec::new();
        let mut txs = 0;
        while self.metas.back().is_some_and(|m| m.number >= p.first_block) {
            let m = self.metas.pop_back().expect("back exists");
            let n: u64 = m.batches.iter().map(|b| b.count).sum();
            txs += n;
            if let Some(info) = self.epochs.iter_mut().find(|i| i.epoch == m.epoch) {
                info.blocks_pruned += 1;
                info.live_txs -= n;
                info.pool_estimate -= m.pool_part;
                info.last_block = None;
            }
            returned.push(m.batches);
        }
        returned.reverse();
        self.mempool.return_front(returned.into_iter().flatten());
        // The newest surviving block of each epoch is its last block again.
        for info in self.epochs.iter_mut() {
            if info.last_block.is_none()
                && let Some(m) = self.metas.iter().rev().find(|m| m.epoch == info.epoch)
            {
                info.last_block = Some((m.number, m.slot));
            }
        }
        self.acc.prune();
        self.recent_prunes.push_back(self.slot);
        while self
            .recent_prunes
            .front()
            .is_some_and(|&s| s + self.sc.governance.round_size <= self.slot)
        {
            self.recent_prunes.pop_front();
        }
        // Bridging transactions of pruned blocks wait again in the mempool.
        self.bridges.retain(|&(_, b)| b < p.first_block);
        let blocks = p.last_block - p.first_block + 1;
        self.event(
            "prune",
            format!("blocks {}..={}", p.first_block, p.last_block),
            blocks as f64,
            format!("{blocks} blocks and {txs} transactions returned to the mempool"),
        );
    }

    fn reward_part_per_block(&self) -> f64 {
        let p = self.protocol.params();
        tokens(p.checkpoint_reward) * (1.0 - p.sequencer_bps as f64 / 10_000.0)
    }

    /// The highest proven block, whichever design runs.
    pub(super) fn proven_tip(&self) -> BlockNumber {
        match &self.bonded {
            Some(b) => b.machine.proven_tip(),
            None => self.protocol.proven_tip(),
        }
    }

    /// Where every token went, whichever design runs.
    fn books(&self) -> crate::protocol::Books {
        match &self.bonded {
            Some(b) => b.books(),
            None => *self.protocol.books(),
        }
    }

    fn trim_metas(&mut self, epoch: Epoch) {
        let proven = self.proven_tip();
        while self
            .metas
            .front()
            .is_some_and(|m| m.number < proven && m.epoch + self.pse + 2 <= epoch)
        {
            self.metas.pop_front();
        }
    }

    fn build_block(&mut self, slot: Slot) -> Result<(), EngineError> {
        if let Some(batch) = self.demand.arrivals(self.now) {
            self.mempool.push(batch);
        }
        self.bridging_arrivals();
        let proposer = self.sequencers.draw_proposer();
        if self.sequencers.misses(proposer) {
            return Ok(());
        }
        if self.bonded.is_some() {
            self.offer_quote(proposer)?;
        } else {
            let seq = &self.sequencers.all[proposer];
            let group = self.sc.sequencers.iter().find(|g| g.name == seq.group);
            if let Some(payload) = group.and_then(|g| self.policy_payload(seq.policy, g)) {
                self.rounds.signal(payload);
            }
        }
        let target = self.sc.chain.mana_target;
        let (parent_excess, parent_mana) = self
            .metas
            .back()
            .map_or((0, 0), |m| (m.excess, m.mana as u128));
        let excess = next_excess(parent_excess, parent_mana, target);
        // Above the congestion users accept, nobody pays: the block goes
        // empty and the price falls.
        let congestion = congestion_multiplier(excess, target as u128);
        let limit = if congestion as f64 > self.sc.demand.max_congestion * 1e9 {
            0
        } else {
            2 * target
        };
        let batches = self.mempool.fill(limit);
        let mana: u64 = batches.iter().map(|b| b.mana).sum();
        let txs: u64 = batches.iter().map(|b| b.count).sum();
        let l1 = L1Prices {
            l1_base_fee: self.base_fee.wei(),
            blob_fee: self.blob_fee.wei(),
            fee_asset_per_eth: self.sc.fees.fee_asset_per_eth,
        };
        let prices = mana_prices(
            &l1,
            target,
            self.ed,
            self.protocol.params().proving_cost_per_mana,
            excess,
        );
        let fee = prices.total().saturating_mul(mana as Amount);
        let input = BlockInput {
            slot,
            proposer: SequencerId(proposer as u32),
            mana_used: mana,
            fee,
            prover_cost_per_mana: prices.prover,
            protocol_fee_per_mana: prices.protocol,
        };
        let number = match &mut self.bonded {
            Some(b) => b.machine.add_block(input),
            None => self.protocol.add_block(input),
        }
        .map_err(|e| self.protocol_err(e))?;
        let epoch = slot / self.ed;
        let pool_part = self.reward_part_per_block() + tokens(prices.prover * mana as Amount);
        if let Some(info) = self.epochs.back_mut()
            && info.epoch == epoch
        {
            info.blocks_built += 1;
            info.txs += txs;
            info.live_txs += txs;
            info.mana += mana;
            info.last_block = Some((number, slot));
            info.pool_estimate += pool_part;
            info.value += tokens(self.sc.rewards.checkpoint_reward)
                + tokens(fee - prices.protocol * mana as Amount);
        }
        if let Some(trace) = &mut self.trace {
            let _ = write!(
                trace,
                "\n[[events]]\nslot = {slot}\nkind = \"block\"\nproposer = \"{}\"\nmana_used = {mana}\n\
                 fee = \"{fee}\"\nprover_cost_per_mana = \"{}\"\nprotocol_fee_per_mana = \"{}\"\n",
                self.sequencers.all[proposer].name, prices.prover, prices.protocol
            );
        }
        let tags: Vec<BridgeTag> = batches.iter().filter_map(|b| b.bridge).collect();
        self.metas.push_back(BlockMeta {
            number,
            slot,
            epoch,
            pool_part,
            excess,
            mana,
            batches,
        });
        for tag in tags {
            self.bridges.push_back((tag, number));
            // Under bonded quotes there are no partial proofs: bridgers wait.
            if self.bonded.is_none() && self.provers[tag.bridger as usize].phase == Phase::Active {
                self.call_prover(tag.bridger, |s, ctx| {
                    s.on_bridge_included(ctx, epoch, number)
                });
            }
        }
        Ok(())
    }

    /// Each active bridger's bridging transactions since the last slot.
    fn bridging_arrivals(&mut self) {
        let dt_h = self.slot_ms as f64 / 3.6e6;
        for i in 0..self.provers.len() {
            let agent = &self.provers[i];
            let g = &self.sc.provers[agent.group];
            if g.strategy != StrategyName::Bridger || agent.phase != Phase::Active {
                continue;
            }
            let lambda = g.bridges_per_hour * dt_h;
            let seed = self.sc.seed;
            let rng = self
                .bridge_rngs
                .entry(i as u32)
                .or_insert_with(|| stream(seed, "bridging", i as u64));
            let n = rand_distr::Poisson::new(lambda)
                .map(|p| p.sample(rng) as u64)
                .unwrap_or(0);
            for _ in 0..n {
                let submitted = self
                    .now
                    .saturating_sub((rng.random::<f64>() * self.slot_ms as f64) as u64);
                self.mempool.push(TxBatch {
                    count: 1,
                    mana: self.sc.demand.mana_mean.round() as u64,
                    arrived: submitted,
                    bridge: Some(BridgeTag {
                        id: self.next_bridge,
                        bridger: i as u32,
                        submitted,
                    }),
                });
                self.next_bridge += 1;
            }
        }
    }

    /// Epoch `e`'s window closed at this slot start: write its rows, update
    /// the market, and count wins and losses.
    fn close_epoch(&mut self, e: Epoch) {
        let Some(pos) = self.epochs.iter().position(|i| i.epoch == e) else {
            return;
        };
        let info = self.epochs.remove(pos).expect("found");
        let settlement = match &mut self.bonded {
            Some(b) => b.settlement(e),
            None => self
                .sink
                .settlements
                .iter()
                .position(|s| s.epoch == e)
                .map(|i| self.sink.settlements.swap_remove(i)),
        };
        let end_time = (e + 1) * self.ed * self.slot_ms;
        let latency = |t: Option<Time>| t.map(|t| (t as f64 - end_time as f64) / 1000.0);
        let (pool, dust, longest, payouts) = match &settlement {
            Some(s) => (s.pool, s.dust, s.longest, s.payouts.clone()),
            None => (0, 0, 0, Vec::new()),
        };
        let row = EpochRow {
            epoch: e,
            blocks_built: info.blocks_built,
            blocks_pruned: info.blocks_pruned,
            blocks_proven: longest,
            txs: info.live_txs,
            mana: info.mana,
            fees: info.fees,
            sequencer_income: info.sequencer_income,
            submissions: info.submissions,
            provers_paid: payouts.len() as u64,
            pool: tokens(pool),
            pool_units: pool.to_string(),
            dust_units: dust.to_string(),
            active_provers: self.active_provers() as u64,
            first_proof_latency_s: latency(info.first_proof),
            full_proof_latency_s: latency(info.full_proof),
            settled: settlement.is_some(),
        };
        self.acc.epoch(&row);
        self.recorder.epoch(row);
        let summed: f64 = payouts.iter().map(|p| p.shares as f64).sum();
        self.market.push(SettledEpoch {
            epoch: e,
            pool: tokens(pool),
            summed_shares: summed,
            paid: payouts.len() as u32,
            paid_provers: payouts
                .iter()
                .map(|p| (p.prover, p.shares as f64))
                .collect(),
            full_latency_s: latency(info.full_proof),
        });
        self.newcomer_stats(e, &payouts);
        let capital = self
            .bonded
            .as_ref()
            .map_or(0.0, |b| b.capital_cost_per_epoch);
        for i in 0..self.provers.len() {
            let mut acct = self.acct.remove(&(e, i as u32)).unwrap_or_default();
            if self.provers[i].phase == Phase::Active {
                acct.cost += capital;
            }
            let agent = &self.provers[i];
            if agent.phase != Phase::Active && acct.submissions == 0 && acct.cost == 0.0 {
                continue;
            }
            let pay = payouts.iter().find(|p| p.prover == agent.id);
            let reward = pay.map_or(0, |p| p.amount);
            let profit = tokens(reward) - acct.cost;
            self.acc
                .prover(i as u32, agent.strategy_name, tokens(reward), acct.cost);
            if self.recorder.keeps_rows() {
                let row = ProverRow {
                    epoch: e,
                    prover: agent.name.clone(),
                    group: self.sc.provers[agent.group].name.clone(),
                    strategy: agent.strategy_name.to_string(),
                    submissions: acct.submissions,
                    shares: pay.map_or(0.0, |p| p.shares as f64),
                    paid: pay.is_some(),
                    reward: tokens(reward),
                    reward_units: reward.to_string(),
                    cost: acct.cost,
                    profit,
                    score: self.protocol.record(agent.id).value,
                };
                self.recorder.prover(row);
            }
            let agent = &mut self.provers[i];
            if agent.phase == Phase::Active {
                // Sitting out because proving would not pay counts as a loss.
                if profit > 0.0 {
                    agent.losses = 0;
                } else {
                    agent.losses += 1;
                }
            }
        }
    }

    /// For each group that started after genesis: its provers' mean shares
    /// and rewards in epoch `e` against the incumbents'.
    fn newcomer_stats(&mut self, e: Epoch, payouts: &[crate::protocol::Payout]) {
        for (g, group) in self.sc.provers.iter().enumerate() {
            if group.start_epoch == 0 || e < group.start_epoch {
                continue;
            }
            let mean = |mine: bool, f: &dyn Fn(&crate::protocol::Payout) -> f64| {
                let xs: Vec<f64> = payouts
                    .iter()
                    .filter(|p| (self.provers[p.prover.0 as usize].group == g) == mine)
                    .map(f)
                    .collect();
                if xs.is_empty() {
                    0.0
                } else {
                    xs.iter().sum::<f64>() / xs.len() as f64
                }
            };
            let active = |mine: bool| {
                self.provers
                    .iter()
                    .filter(|p| p.phase == Phase::Active && (p.group == g) == mine)
                    .count()
                    .max(1) as f64
            };
            let total = |mine: bool| -> f64 {
                payouts
                    .iter()
                    .filter(|p| (self.provers[p.prover.0 as usize].group == g) == mine)
                    .map(|p| tokens(p.amount))
                    .sum()
            };
            let shares = (
                mean(true, &|p| p.shares as f64),
                mean(false, &|p| p.shares as f64),
            );
            let rewards = (total(true) / active(true), total(false) / active(false));
            self.acc
                .newcomer_epoch(&group.name, group.start_epoch, e, shares, rewards);
        }
    }

    /// Provers whose losses ran too long leave; potential provers enter when
    /// a newcomer would expect a profit.
    fn entries_and_exits(&mut self, epoch: Epoch) {
        for i in 0..self.provers.len() {
            let agent = &self.provers[i];
            let group = &self.sc.provers[agent.group];
            match agent.phase {
                Phase::Active
                    if agent.leaves_on_losses && agent.losses >= group.exit_after_losses =>
                {
                    let (name, g, losses) = (agent.name.clone(), agent.group, agent.losses);
                    self.provers[i].phase = Phase::Exited;
                    self.potential[g] += 1;
                    self.event(
                        "exit",
                        name,
                        losses as f64,
                        format!("left after {losses} epochs without profit"),
                    );
                }
                Phase::Entering(at) if at <= epoch => {
                    let name = agent.name.clone();
                    self.provers[i].phase = Phase::Active;
                    self.event("entry", name, 1.0, format!("active from epoch {epoch}"));
                }
                _ => {}
            }
        }
        let Some(e) = epoch.checked_sub(1) else {
            return;
        };
        for g in 0..self.sc.provers.len() {
            if self.potential[g] == 0 || self.market.recent.is_empty() {
                continue;
            }
            let group = &self.sc.provers[g];
            let view = self.view();
            let (txs, blocks) = self.epoch_size(e);
            let seconds = prefix_seconds(group, txs, blocks);
            let cost = prefix_cost(group, seconds) + view.submission_cost(group.priority_fee_gwei);
            let entering = self
                .provers
                .iter()
                .filter(|p| matches!(p.phase, Phase::Entering(_)))
                .count() as u32;
            let reward = newcomer_reward(&view, group.lookback_epochs, entering);
            if reward - cost > group.min_margin * cost {
                self.potential[g] -= 1;
                let at = epoch + group.entry_delay_epochs as u64;
                let id = self.spawn_prover(g, Phase::Entering(at));
                let name = self.provers[id as usize].name.clone();
                self.event(
                    "decide_entry",
                    name,
                    reward - cost,
                    format!(
                        "expects {:.3} tokens per epoch; proves from epoch {at}",
                        reward - cost
                    ),
                );
            }
        }
    }

    /// Transactions and blocks of epoch `e` still on the chain.
    fn epoch_size(&self, e: Epoch) -> (u64, u64) {
        self.epochs
            .iter()
            .find(|i| i.epoch == e)
            .map_or((0, 0), |i| (i.live_txs, i.live_blocks()))
    }

    fn trace_header(&self) -> String {
        let sc = self.sc;
        let booster = toml::to_string(&sc.booster).unwrap_or_default();
        format!(
            "# Replay trace of scenario '{}' with seed {} ({} epochs).\n\
             # `proversim settle` on it reproduces every payout of the run.\n\
             [params]\nepoch_duration = {}\nproof_submission_epochs = {}\n\
             checkpoint_reward = \"{}\"\nsequencer_bps = {}\ndistributor_funding = \"{}\"\n\
             end_slot = {}\n\n[booster]\n{}",
            sc.name,
            sc.seed,
            sc.epochs,
            sc.chain.epoch_duration,
            sc.chain.proof_submission_epochs,
            sc.rewards.checkpoint_reward,
            sc.rewards.sequencer_bps,
            sc.rewards.distributor_funding,
            self.last_slot,
            booster
        )
    }
}

/// A payload in words, for events.
fn describe_payload(p: &Payload) -> String {
    let mut parts = Vec::new();
    if let Some(r) = p.checkpoint_reward {
        parts.push(format!("checkpoint_reward={:.3} tokens", tokens(r)));
    }
    if let Some(b) = p.sequencer_bps {
        parts.push(format!("sequencer_bps={b}"));
    }
    if let Some(c) = p.proving_cost_per_mana {
        parts.push(format!("proving_cost_per_mana={c}"));
    }
    if let Some(t) = p.distributor_top_up {
        parts.push(format!("distributor_top_up={:.3} tokens", tokens(t)));
    }
    if p.booster.is_some() {
        parts.push("a new booster".into());
    }
    parts.join(", ")
}
