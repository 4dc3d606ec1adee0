//! Writes replay traces (docs/model.md section 11) through serde: the one
//! place that knows how a history is spelled in a trace file, next to the
//! parser that reads it. A run's trace replayed by `settle` reproduces the
//! run's payouts.

use serde::Serialize;

use crate::base::amount;
use crate::protocol::{Amount, BlockInput, BoosterConfig, Params, Payload, Slot, Version};
use crate::schema::BoosterSpec;

/// A trace being written: its events, each already written as an element
/// of the `[[events]]` array in the order they happened.
#[derive(Clone, Debug, Default)]
pub struct TraceWriter {
    body: String,
}

/// What a trace's header says besides the events.
pub struct TraceHeader<'a> {
    /// A comment line naming where the history came from.
    pub comment: &'a str,
    /// The rules at genesis.
    pub params: Params,
    /// The booster at genesis.
    pub booster: BoosterConfig,
    /// The last slot replayed.
    pub end_slot: Slot,
}

/// The trace's `[params]` table.
#[derive(Serialize)]
struct ParamsTable {
    protocol: Version,
    epoch_duration: u64,
    proof_submission_epochs: u64,
    #[serde(with = "amount")]
    checkpoint_reward: Amount,
    sequencer_bps: u64,
    #[serde(with = "amount")]
    distributor_funding: Amount,
    end_slot: Slot,
}

/// A trace's header tables.
#[derive(Serialize)]
struct Header {
    params: ParamsTable,
    booster: BoosterSpec,
}

/// One event, with its kind as the `kind` key.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Event<'a> {
    /// A block built.
    Block {
        slot: Slot,
        proposer: &'a str,
        mana_used: u64,
        #[serde(with = "amount")]
        fee: Amount,
        #[serde(with = "amount")]
        prover_cost_per_mana: Amount,
        #[serde(with = "amount")]
        protocol_fee_per_mana: Amount,
    },
    /// A proof submission landing.
    Proof {
        slot: Slot,
        prover: &'a str,
        end: u64,
    },
    /// A governance payload executed.
    Set {
        slot: Slot,
        #[serde(with = "amount::optional", skip_serializing_if = "Option::is_none")]
        checkpoint_reward: Option<Amount>,
        #[serde(skip_serializing_if = "Option::is_none")]
        sequencer_bps: Option<u64>,
        #[serde(with = "amount::optional", skip_serializing_if = "Option::is_none")]
        distributor_top_up: Option<Amount>,
        #[serde(skip_serializing_if = "Option::is_none")]
        booster: Option<BoosterSpec>,
    },
    /// The rollup becomes another version.
    Migrate { slot: Slot, protocol: Version },
}

/// One element of the `[[events]]` array.
#[derive(Serialize)]
struct OneEvent<'a> {
    events: [Event<'a>; 1],
}

impl TraceWriter {
    fn push(&mut self, event: Event<'_>) {
        self.body.push('\n');
        let text =
            toml::to_string(&OneEvent { events: [event] }).expect("a trace event is a TOML table");
        self.body.push_str(&text);
    }

    /// A block built in `slot` by `proposer`.
    pub fn block(&mut self, proposer: &str, b: &BlockInput) {
        self.push(Event::Block {
            slot: b.slot,
            proposer,
            mana_used: b.mana_used,
            fee: b.fee,
            prover_cost_per_mana: b.prover_cost_per_mana,
            protocol_fee_per_mana: b.protocol_fee_per_mana,
        });
    }

    /// A proof submission landing in `slot`.
    pub fn proof(&mut self, slot: Slot, prover: &str, end: u64) {
        self.push(Event::Proof { slot, prover, end });
    }

    /// A governance payload executed in `slot`. A replay takes per-mana
    /// prices from its blocks, so `proving_cost_per_mana` is not written.
    pub fn set(&mut self, slot: Slot, p: &Payload) {
        self.push(Event::Set {
            slot,
            checkpoint_reward: p.checkpoint_reward,
            sequencer_bps: p.sequencer_bps,
            distributor_top_up: p.distributor_top_up,
            booster: p.booster.as_ref().map(BoosterSpec::of),
        });
    }

    /// The rollup becomes version `to` in `slot`.
    pub fn migrate(&mut self, slot: Slot, to: Version) {
        self.push(Event::Migrate { slot, protocol: to });
    }

    /// The whole trace: the header, then the events.
    pub fn finish(self, h: &TraceHeader<'_>) -> String {
        let p = &h.params;
        let header = Header {
            params: ParamsTable {
                protocol: p.version,
                epoch_duration: p.epoch_duration,
                proof_submission_epochs: p.proof_submission_epochs,
                checkpoint_reward: p.checkpoint_reward,
                sequencer_bps: p.sequencer_bps,
                distributor_funding: p.distributor_funding,
                end_slot: h.end_slot,
            },
            booster: BoosterSpec::of(&h.booster),
        };
        let mut out: String = h.comment.lines().map(|l| format!("# {l}\n")).collect();
        out.push_str(&toml::to_string(&header).expect("a trace header is a TOML table"));
        out + &self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::booster::{Exponential, Quadratic, StreakDecay};
    use crate::protocol::{ProverId, Rule, ScoreOn, SequencerId};
    use crate::trace::{TraceEventKind, parse};

    #[test]
    fn what_it_writes_the_parser_reads_back() {
        let boosters = [
            BoosterConfig {
                rule: Rule::Quadratic(Quadratic::DEPLOYED),
                score_on: ScoreOn::FullEpoch,
            },
            BoosterConfig {
                rule: Rule::Exponential(Exponential {
                    max_streak: 5,
                    base: 10,
                    growth_ppm: 1_500_000,
                    decay: StreakDecay::Geometric { keep_ppm: 500_000 },
                }),
                score_on: ScoreOn::AnyProof,
            },
        ];
        let mut w = TraceWriter::default();
        let block = BlockInput {
            slot: 3,
            proposer: SequencerId(0),
            mana_used: 10,
            fee: 100,
            prover_cost_per_mana: 2,
            protocol_fee_per_mana: 1,
        };
        w.block("seq \"1\"", &block);
        w.proof(4, "alice", 1);
        w.set(
            5,
            &Payload {
                checkpoint_reward: Some(7),
                sequencer_bps: Some(10),
                distributor_top_up: Some(3),
                booster: Some(boosters[1]),
                ..Payload::default()
            },
        );
        let header = TraceHeader {
            comment: "a test\nof two lines",
            params: Params::MAINNET,
            booster: boosters[0],
            end_slot: 9,
        };
        let text = w.finish(&header);
        let t = parse("t.toml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(t.booster, boosters[0]);
        assert_eq!(t.end_slot, 9);
        assert_eq!(t.events.len(), 3);
        match &t.events[0].kind {
            TraceEventKind::Block(b) => assert_eq!(*b, block),
            other => panic!("{other:?}"),
        }
        assert_eq!(t.sequencers.name(0), "seq \"1\"");
        match &t.events[1].kind {
            TraceEventKind::Proof { prover, end } => {
                assert_eq!((*prover, *end), (ProverId(0), 1))
            }
            other => panic!("{other:?}"),
        }
        match &t.events[2].kind {
            TraceEventKind::Set(p) => {
                assert_eq!(p.checkpoint_reward, Some(7));
                assert_eq!(p.booster, Some(boosters[1]));
            }
            other => panic!("{other:?}"),
        }
    }
}
