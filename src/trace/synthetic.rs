//! Generated traces for benchmarks and long-run tests: a steady chain with
//! a block every slot, partial proofs early in each epoch and a crowd of
//! full proofs in the next.

use crate::protocol::{BlockInput, BoosterConfig, Params, ProverId, SequencerId};

use super::{Names, Trace, TraceEvent, TraceEventKind};

/// A trace of `epochs` epochs of mainnet shape (32 slots, a block in each)
/// with `provers` provers: each epoch gets two partial proofs while it is
/// built and every prover's full proof in the next epoch (one in five
/// provers skips an epoch in turn). Deterministic.
pub fn steady_trace(epochs: u64, provers: u32) -> Trace {
    let params = Params {
        distributor_funding: u128::MAX / 2,
        ..Params::MAINNET
    };
    let ed = params.epoch_duration;
    let mut prover_names = Names::default();
    for p in 0..provers {
        prover_names.intern(&format!("prover-{p:03}"));
    }
    let mut sequencers = Names::default();
    for s in 0..16 {
        sequencers.intern(&format!("seq-{s:02}"));
    }
    let mut events = Vec::new();
    let push = |events: &mut Vec<TraceEvent>, slot, kind| {
        let index = events.len() + 1;
        events.push(TraceEvent { index, slot, kind });
    };
    // One more epoch without blocks carries the last epoch's full proofs.
    for slot in 0..(epochs + 1) * ed {
        let epoch = slot / ed;
        let in_epoch = slot % ed;
        let building = epoch < epochs;
        if building {
            push(
                &mut events,
                slot,
                TraceEventKind::Block(BlockInput {
                    slot,
                    proposer: SequencerId((slot * 7 % 16) as u32),
                    mana_used: 1_000_000 + (slot % 13) * 10_000,
                    fee: 40_000_000_000_000_000,
                    prover_cost_per_mana: 30_000_000,
                    protocol_fee_per_mana: (slot % 5) as u128,
                }),
            );
        }
        let first = epoch * ed + 1;
        // Partial proofs of the epoch being built (a bridger's prefix).
        if building && (in_epoch == 8 || in_epoch == 20) {
            push(
                &mut events,
                slot,
                TraceEventKind::Proof {
                    prover: ProverId((epoch % provers as u64) as u32),
                    end: first + in_epoch,
                },
            );
        }
        // Full proofs of the previous epoch, spread over its first slots.
        if epoch > 0 {
            let prev_end = epoch * ed;
            for p in 0..provers {
                if (p as u64) % ed == in_epoch && !(p as u64 + epoch).is_multiple_of(5) {
                    push(
                        &mut events,
                        slot,
                        TraceEventKind::Proof {
                            prover: ProverId(p),
                            end: prev_end,
                        },
                    );
                }
            }
        }
    }
    Trace {
        file: "steady".to_string(),
        params,
        booster: BoosterConfig::default(),
        end_slot: (epochs + 2) * ed,
        events,
        provers: prover_names,
        sequencers,
    }
}
