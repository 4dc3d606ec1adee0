//! Writes replay traces (docs/model.md section 11): the one place that knows how a
//! history is spelled in a trace file, next to the parser that reads it.
//! A run's trace replayed by `settle` reproduces the run's payouts.

use std::fmt::Write as _;

use crate::protocol::booster::StreakDecay;
use crate::protocol::{BlockInput, BoosterConfig, Params, Payload, Rule, Slot};

/// A trace being written: events in the order they happened.
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

/// A booster as the lines of a trace's booster table.
pub fn booster_lines(b: &BoosterConfig) -> Vec<String> {
    let mut lines = Vec::new();
    match b.rule {
        Rule::Flat => lines.push("rule = \"flat\"".to_string()),
        Rule::Quadratic(q) => {
            lines.push("rule = \"quadratic\"".to_string());
            lines.push(format!("increment = {}", q.increment));
            lines.push(format!("max_score = {}", q.max_score));
            lines.push(format!("a = {}", q.a));
            lines.push(format!("minimum = {}", q.minimum));
            lines.push(format!("k = {}", q.k));
            lines.push(format!("decay_per_epoch = {}", q.decay_per_epoch));
        }
        Rule::Exponential(x) => {
            lines.push("rule = \"exponential\"".to_string());
            lines.push(format!("max_streak = {}", x.max_streak));
            lines.push(format!("base = {}", x.base));
            lines.push(format!("growth_ppm = {}", x.growth_ppm));
            lines.push(format!("decay = \"{}\"", x.decay.name()));
            match x.decay {
                StreakDecay::Reset => {}
                StreakDecay::Linear { per_missed_epoch } => {
                    lines.push(format!("per_missed_epoch = {per_missed_epoch}"))
                }
                StreakDecay::Geometric { keep_ppm } => lines.push(format!("keep_ppm = {keep_ppm}")),
            }
        }
    }
    lines.push(format!("score_on = \"{}\"", b.score_on.name()));
    lines
}

/// A name as a TOML string, quoted and escaped.
fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

impl TraceWriter {
    fn event(&mut self, slot: Slot, kind: &str) {
        let _ = write!(
            self.body,
            "\n[[events]]\nslot = {slot}\nkind = \"{kind}\"\n"
        );
    }

    /// A block built in `slot` by `proposer`.
    pub fn block(&mut self, proposer: &str, b: &BlockInput) {
        self.event(b.slot, "block");
        let _ = write!(
            self.body,
            "proposer = {}\nmana_used = {}\nfee = \"{}\"\n\
             prover_cost_per_mana = \"{}\"\nprotocol_fee_per_mana = \"{}\"\n",
            toml_string(proposer),
            b.mana_used,
            b.fee,
            b.prover_cost_per_mana,
            b.protocol_fee_per_mana
        );
    }

    /// A proof submission landing in `slot`.
    pub fn proof(&mut self, slot: Slot, prover: &str, end: u64) {
        self.event(slot, "proof");
        let _ = write!(self.body, "prover = {}\nend = {end}\n", toml_string(prover));
    }

    /// A governance payload executed in `slot`. A replay takes per-mana
    /// prices from its blocks, so `proving_cost_per_mana` is not written.
    pub fn set(&mut self, slot: Slot, p: &Payload) {
        self.event(slot, "set");
        if let Some(r) = p.checkpoint_reward {
            let _ = writeln!(self.body, "checkpoint_reward = \"{r}\"");
        }
        if let Some(b) = p.sequencer_bps {
            let _ = writeln!(self.body, "sequencer_bps = {b}");
        }
        if let Some(t) = p.distributor_top_up {
            let _ = writeln!(self.body, "distributor_top_up = \"{t}\"");
        }
        if let Some(b) = &p.booster {
            let _ = writeln!(self.body, "booster = {{ {} }}", booster_lines(b).join(", "));
        }
    }

    /// The whole trace: the header, then the events.
    pub fn finish(self, h: &TraceHeader<'_>) -> String {
        let p = &h.params;
        let mut out = String::new();
        for line in h.comment.lines() {
            let _ = writeln!(out, "# {line}");
        }
        let _ = write!(
            out,
            "[params]\nepoch_duration = {}\nproof_submission_epochs = {}\n\
             checkpoint_reward = \"{}\"\nsequencer_bps = {}\ndistributor_funding = \"{}\"\n\
             end_slot = {}\n\n[booster]\n{}\n",
            p.epoch_duration,
            p.proof_submission_epochs,
            p.checkpoint_reward,
            p.sequencer_bps,
            p.distributor_funding,
            h.end_slot,
            booster_lines(&h.booster).join("\n"),
        );
        out + &self.body
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::booster::{Exponential, Quadratic};
    use crate::protocol::{ProverId, ScoreOn, SequencerId};
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
