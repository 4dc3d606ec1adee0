//! The rows of a run's tables. Token amounts are given in tokens (`f64`,
//! for analysis) and, where they are settled, also exactly in smallest
//! units as decimal strings.

use super::columns::table;
use crate::metrics::name::Name;

table! {
    /// One epoch, written when its window closes.
    EpochRow, EpochColumns {
        /// The epoch.
        epoch: u64,
        /// Blocks built in it (pruned ones included).
        blocks_built: u64,
        /// Blocks of it pruned.
        blocks_pruned: u64,
        /// Blocks of it proven (its longest proof).
        blocks_proven: u64,
        /// Transactions in its blocks still on the chain at its close.
        txs: u64,
        /// Mana its blocks used.
        mana: u64,
        /// Fees its proven blocks paid, tokens.
        fees: f64,
        /// What its proven blocks credited their proposers, tokens.
        sequencer_income: f64,
        /// Accepted and rejected submissions for it.
        submissions: u64,
        /// Provers paid.
        provers_paid: u64,
        /// Its prover pool, tokens.
        pool: f64,
        /// Its prover pool, smallest units.
        pool_units: u128,
        /// Rounding dust, smallest units.
        dust_units: u128,
        /// Provers active at its close.
        active_provers: u64,
        /// Seconds from its end to its first accepted proof (may be
        /// negative: a partial proof before the epoch ended).
        first_proof_latency_s: Option<f64>,
        /// Seconds from its end until its last block was proven.
        full_proof_latency_s: Option<f64>,
        /// Whether it settled (it had an accepted proof).
        settled: bool,
        /// The checkpoint reward in force at its close, tokens per block.
        checkpoint_reward: f64,
        /// The sequencers' part of it in force at its close, basis points.
        sequencer_bps: u64,
        /// What provers spent proving and submitting it, tokens.
        proving_cost: f64,
        /// `proving_cost` over the cost of its cheapest single full proof
        /// (None without blocks).
        redundancy: Option<f64>,
        /// The mean L1 base fee at its blocks, gwei (None without blocks).
        l1_base_fee_gwei: Option<f64>,
    }
}

table! {
    /// One prover in one epoch, written when the epoch's window closes.
    ProverRow, ProverColumns {
        /// The epoch.
        epoch: u64,
        /// The prover's id.
        prover: Name,
        /// Its group.
        group: Name,
        /// Who owns it: the group, for a cartel (`sybil`, `strike`), or
        /// the prover itself.
        owner: Name,
        /// Its strategy.
        strategy: &'static str,
        /// Submissions it made for this epoch.
        submissions: u64,
        /// Its shares at the longest length (0 if not paid).
        shares: f64,
        /// Whether it was paid.
        paid: bool,
        /// Its reward, tokens.
        reward: f64,
        /// Its reward, smallest units.
        reward_units: u128,
        /// What proving this epoch cost it, tokens.
        cost: f64,
        /// Bonds it lost in this epoch (the previous design), tokens.
        slashed: f64,
        /// Reward minus cost minus bonds lost, tokens.
        profit: f64,
        /// Its activity record's value at the close.
        score: u64,
    }
}

table! {
    /// One proof submission, as included on L1.
    SubmissionRow, SubmissionColumns {
        /// Seconds since slot 0.
        time_s: f64,
        /// The slot it landed in.
        slot: u64,
        /// The prover who sent it (and paid its gas).
        prover: Name,
        /// Its strategy.
        strategy: &'static str,
        /// The identity the proof carries (another than the sender for a
        /// sybil's identities, or a copy of a binding proof).
        credited: Name,
        /// The epoch it proves.
        epoch: u64,
        /// The last block it proves.
        end: u64,
        /// `accepted`, `rejected` or `invalid` (its blocks were reorged);
        /// under `[l1.tips]` also `cancelled` (its sender gave up on it and
        /// paid a cancellation) or `dropped` (no L1 block took it before
        /// its window closed).
        status: &'static str,
        /// The rejection reason, if rejected.
        reason: &'static str,
        /// Its length in blocks, if accepted.
        length: u64,
        /// Its shares, if accepted.
        shares: f64,
        /// Whether it was the longest so far when accepted.
        extended: bool,
        /// Its L1 cost, tokens.
        gas_cost: f64,
    }
}

table! {
    /// Something that happened: a prune, an entry or exit, a governance
    /// signal, pass or execution.
    EventRow, EventColumns {
        /// Seconds since slot 0.
        time_s: f64,
        /// The slot.
        slot: u64,
        /// What happened: `prune`, `burst`, `decide_entry`, `entry`,
        /// `add_identity`, `exit`, `signals`, `passed`, `executed`, and
        /// each design's own (`quotes`, `auction_won`, `reward_step`...).
        kind: String,
        /// Who or what it concerns.
        subject: String,
        /// A number that goes with it (blocks pruned, signals, ...).
        value: f64,
        /// Anything else, in words.
        detail: String,
    }
}

table! {
    /// One bridging transaction, written when it is proven.
    BridgeRow, BridgeColumns {
        /// Its id.
        id: u64,
        /// The bridger who sent it.
        bridger: Name,
        /// Seconds since slot 0 when it was submitted.
        submitted_s: f64,
        /// The block it is in (the last one, if a prune moved it).
        block: u64,
        /// Seconds since slot 0 when it was proven.
        proven_s: f64,
        /// Seconds from submission to proven.
        latency_s: f64,
        /// The prover whose proof covered it.
        proved_by: Name,
        /// That prover's strategy.
        proved_by_strategy: &'static str,
        /// Whether the bridger proved it itself.
        self_proved: bool,
    }
}

table! {
    /// One prover agent (or a cartel's identity) with its own values of
    /// its group's parameters, written when it is created: agents of a
    /// group with distributions differ here.
    AgentRow, AgentColumns {
        /// Its id in the other tables.
        prover: Name,
        /// Its group.
        group: Name,
        /// Its strategy.
        strategy: &'static str,
        /// The epoch it was created in (entrants are created on deciding).
        created_epoch: u64,
        /// Fixed seconds per proof job.
        overhead_seconds: f64,
        /// Seconds per transaction on one unit of parallelism.
        per_tx_seconds: f64,
        /// Seconds per block on one unit of parallelism.
        per_block_seconds: f64,
        /// Units working on one job.
        parallelism: f64,
        /// Chance it is up for an epoch.
        uptime: f64,
        /// Hardware price per hour, tokens.
        hourly_price: f64,
        /// Fixed cost per epoch proven, tokens.
        fixed_cost_per_epoch: f64,
        /// Priority fee, gwei per gas.
        priority_fee_gwei: f64,
        /// Required margin.
        min_margin: f64,
        /// Discount per epoch.
        discount_per_epoch: f64,
        /// Capital cost per epoch, tokens.
        capital_cost_per_epoch: f64,
        /// Sunk entry cost, tokens.
        entry_cost: f64,
        /// Losing epochs it bears before it considers leaving.
        exit_after_losses: u32,
        /// Epochs ahead it values.
        horizon_epochs: u32,
    }
}

impl AgentRow {
    /// The row of an agent with these values.
    pub fn new(
        prover: Name,
        group: Name,
        strategy: &'static str,
        created_epoch: u64,
        v: &crate::schema::ProverGroup,
    ) -> AgentRow {
        AgentRow {
            prover,
            group,
            strategy,
            created_epoch,
            overhead_seconds: v.overhead_seconds,
            per_tx_seconds: v.per_tx_seconds,
            per_block_seconds: v.per_block_seconds,
            parallelism: v.parallelism,
            uptime: v.uptime,
            hourly_price: v.hourly_price,
            fixed_cost_per_epoch: v.fixed_cost_per_epoch,
            priority_fee_gwei: v.priority_fee_gwei,
            min_margin: v.min_margin,
            discount_per_epoch: v.discount_per_epoch,
            capital_cost_per_epoch: v.capital_cost_per_epoch,
            entry_cost: v.entry_cost,
            exit_after_losses: v.exit_after_losses,
            horizon_epochs: v.horizon_epochs,
        }
    }
}
