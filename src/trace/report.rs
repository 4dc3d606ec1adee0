//! What `settle` prints: the JSON object of docs/model.md section 11, and tables for
//! people.

use std::fmt::Write as _;

use comfy_table::{CellAlignment, Table, presets::UTF8_FULL_CONDENSED};

use crate::protocol::{Amount, Books, Payout, ProverId, SubmissionOutcome};

use super::parse::Trace;
use super::replay::Replay;

/// One epoch as reported: settled or still open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochLine<'a> {
    /// The epoch.
    pub epoch: u64,
    /// Its longest accepted proof, in blocks.
    pub longest: u64,
    /// Its pool.
    pub pool: Amount,
    /// Its dust (0 while open).
    pub dust: Amount,
    /// Whether its window has closed and it was paid.
    pub settled: bool,
    /// `(prover, shares, amount)` at the longest length, by prover name.
    pub payouts: Vec<(&'a str, Amount, Amount)>,
}

/// The replay's results with names resolved and every list in the order
/// docs/model.md section 11 states.
#[derive(Clone, Debug)]
pub struct Report<'a> {
    /// Every epoch with an accepted submission, ascending.
    pub epochs: Vec<EpochLine<'a>>,
    /// `(sequencer, earned)` for every proposer of a replayed block, by name.
    pub sequencers: Vec<(&'a str, Amount)>,
    /// `(prover, value, time, earned)` for every prover with an accepted
    /// submission, by name.
    pub provers: Vec<(&'a str, u64, u64, Amount)>,
    /// The replay, for submissions, prunes and books.
    replay: &'a Replay,
    trace: &'a Trace,
}

/// Sorts by name bytes (`"Zed"` before `"alice"`, `"p10"` before `"p9"`).
fn by_name<T>(items: &mut [(&str, T)]) {
    items.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
}

impl<'a> Report<'a> {
    /// Resolves names and orders every list.
    pub fn new(trace: &'a Trace, replay: &'a Replay) -> Report<'a> {
        let prover = |p: ProverId| trace.provers.name(p.0);
        let payouts = |ps: &mut dyn Iterator<Item = (ProverId, Amount, Amount)>| {
            let mut v: Vec<(&str, (Amount, Amount))> =
                ps.map(|(p, s, a)| (prover(p), (s, a))).collect();
            by_name(&mut v);
            v.into_iter().map(|(n, (s, a))| (n, s, a)).collect()
        };
        let mut epochs: Vec<EpochLine> = replay
            .settled
            .iter()
            .map(|s| EpochLine {
                epoch: s.epoch,
                longest: s.longest,
                pool: s.pool,
                dust: s.dust,
                settled: true,
                payouts: payouts(&mut s.payouts.iter().map(
                    |&Payout {
                         prover,
                         shares,
                         amount,
                     }| (prover, shares, amount),
                )),
            })
            .chain(replay.open.iter().map(|o| EpochLine {
                epoch: o.epoch,
                longest: o.longest,
                pool: o.pool,
                dust: 0,
                settled: false,
                payouts: payouts(&mut o.leaders.iter().map(|&(p, s)| (p, s, 0))),
            }))
            .collect();
        epochs.sort_by_key(|e| e.epoch);
        let mut sequencers: Vec<(&str, Amount)> = (0..trace.sequencers.len())
            .filter(|&i| replay.proposed[i])
            .map(|i| (trace.sequencers.name(i as u32), replay.sequencer_earned[i]))
            .collect();
        by_name(&mut sequencers);
        let mut provers: Vec<(&str, (u64, u64, Amount))> = replay
            .records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                r.map(|r| {
                    (
                        trace.provers.name(i as u32),
                        (r.value, r.time, replay.prover_earned[i]),
                    )
                })
            })
            .collect();
        by_name(&mut provers);
        Report {
            epochs,
            sequencers,
            provers: provers
                .into_iter()
                .map(|(n, (v, t, e))| (n, v, t, e))
                .collect(),
            replay,
            trace,
        }
    }

    /// The JSON object of docs/model.md section 11, on one line (keys in the stated
    /// order, `", "` and `": "` separators, non-ASCII escaped), with a final
    /// newline.
    pub fn to_json(&self) -> String {
        let mut o = String::with_capacity(256 + 128 * self.replay.submissions.len());
        let list = |o: &mut String, items: Vec<String>| {
            o.push('[');
            o.push_str(&items.join(", "));
            o.push(']');
        };
        o.push_str("{\"epochs\": ");
        let epochs = self
            .epochs
            .iter()
            .map(|e| {
                let payouts = e
                    .payouts
                    .iter()
                    .map(|(p, s, a)| {
                        format!(
                            "{{\"prover\": {}, \"shares\": \"{s}\", \"amount\": \"{a}\"}}",
                            json_str(p)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(
                    "{{\"epoch\": {}, \"longest\": {}, \"pool\": \"{}\", \"dust\": \"{}\", \
                     \"settled\": {}, \"payouts\": [{payouts}]}}",
                    e.epoch, e.longest, e.pool, e.dust, e.settled
                )
            })
            .collect();
        list(&mut o, epochs);
        o.push_str(", \"sequencers\": ");
        let sequencers = self
            .sequencers
            .iter()
            .map(|(s, earned)| {
                format!(
                    "{{\"sequencer\": {}, \"earned\": \"{earned}\"}}",
                    json_str(s)
                )
            })
            .collect();
        list(&mut o, sequencers);
        o.push_str(", \"provers\": ");
        let provers = self
            .provers
            .iter()
            .map(|(p, value, time, earned)| {
                format!(
                    "{{\"prover\": {}, \"value\": {value}, \"time\": {time}, \"earned\": \"{earned}\"}}",
                    json_str(p)
                )
            })
            .collect();
        list(&mut o, provers);
        o.push_str(", \"submissions\": ");
        let submissions = self
            .replay
            .submissions
            .iter()
            .map(|s| {
                let head = format!(
                    "{{\"slot\": {}, \"prover\": {}, \"end\": {}, ",
                    s.slot,
                    json_str(self.trace.provers.name(s.prover.0)),
                    s.end
                );
                match s.outcome {
                    SubmissionOutcome::Accepted(a) => format!(
                        "{head}\"status\": \"accepted\", \"length\": {}, \"shares\": \"{}\"}}",
                        a.length, a.shares
                    ),
                    SubmissionOutcome::Rejected(r) => format!(
                        "{head}\"status\": \"rejected\", \"reason\": \"{}\"}}",
                        r.name()
                    ),
                }
            })
            .collect();
        list(&mut o, submissions);
        o.push_str(", \"prunes\": ");
        let prunes = self
            .replay
            .prunes
            .iter()
            .map(|p| {
                format!(
                    "{{\"slot\": {}, \"first_block\": {}, \"last_block\": {}}}",
                    p.slot, p.first_block, p.last_block
                )
            })
            .collect();
        list(&mut o, prunes);
        let b: &Books = &self.replay.books;
        let _ = write!(
            o,
            ", \"books\": {{\"minted\": \"{}\", \"fees\": \"{}\", \"burnt\": \"{}\", \
             \"paid_sequencers\": \"{}\", \"paid_provers\": \"{}\", \"dust\": \"{}\", \
             \"unsettled\": \"{}\"}}}}",
            b.minted, b.fees, b.burnt, b.paid_sequencers, b.paid_provers, b.dust, b.unsettled
        );
        o.push('\n');
        o
    }

    /// Tables for people: epochs, sequencers, provers, rejected
    /// submissions, prunes, and the books.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let new_table = |header: &[&str]| {
            let mut t = Table::new();
            t.load_style(UTF8_FULL_CONDENSED);
            t.set_header(header.iter().copied());
            t
        };
        let right = |t: &mut Table, from: usize| {
            for i in from..t.column_count() {
                if let Some(c) = t.column_mut(i) {
                    c.set_cell_alignment(CellAlignment::Right);
                }
            }
        };
        let accepted = self
            .replay
            .submissions
            .iter()
            .filter(|s| matches!(s.outcome, SubmissionOutcome::Accepted(_)))
            .count();
        let _ = writeln!(
            out,
            "{}: slots 0..={}, {} events, {} submissions ({} accepted, {} rejected)\n",
            self.trace.file,
            self.trace.end_slot,
            self.trace.events.len(),
            self.replay.submissions.len(),
            accepted,
            self.replay.submissions.len() - accepted
        );

        let mut t = new_table(&["epoch", "longest", "pool", "paid", "dust", "status"]);
        for e in &self.epochs {
            let paid = e
                .payouts
                .iter()
                .map(|(p, s, a)| {
                    if e.settled {
                        format!("{p}: {a} ({s} shares)")
                    } else {
                        format!("{p}: {s} shares")
                    }
                })
                .collect::<Vec<_>>()
                .join("\n");
            t.add_row(vec![
                e.epoch.to_string(),
                e.longest.to_string(),
                e.pool.to_string(),
                paid,
                e.dust.to_string(),
                if e.settled { "settled" } else { "open" }.to_string(),
            ]);
        }
        right(&mut t, 0);
        if let Some(c) = t.column_mut(3) {
            c.set_cell_alignment(CellAlignment::Left);
        }
        let _ = writeln!(out, "Epochs\n{t}\n");

        let mut t = new_table(&["sequencer", "credited"]);
        for (s, earned) in &self.sequencers {
            t.add_row(vec![s.to_string(), earned.to_string()]);
        }
        right(&mut t, 1);
        let _ = writeln!(out, "Sequencers\n{t}\n");

        let mut t = new_table(&["prover", "value", "time", "paid"]);
        for (p, value, time, earned) in &self.provers {
            t.add_row(vec![
                p.to_string(),
                value.to_string(),
                time.to_string(),
                earned.to_string(),
            ]);
        }
        right(&mut t, 1);
        let _ = writeln!(out, "Provers (activity record at the last slot)\n{t}\n");

        let rejected: Vec<_> = self
            .replay
            .submissions
            .iter()
            .filter_map(|s| match s.outcome {
                SubmissionOutcome::Rejected(r) => Some((s, r)),
                _ => None,
            })
            .collect();
        if rejected.is_empty() {
            out.push_str("Rejected submissions: none\n\n");
        } else {
            let mut t = new_table(&["event", "slot", "prover", "end", "reason"]);
            for (s, r) in rejected {
                t.add_row(vec![
                    s.index.to_string(),
                    s.slot.to_string(),
                    self.trace.provers.name(s.prover.0).to_string(),
                    s.end.to_string(),
                    r.name().to_string(),
                ]);
            }
            let _ = writeln!(out, "Rejected submissions\n{t}\n");
        }

        if self.replay.prunes.is_empty() {
            out.push_str("Prunes: none\n\n");
        } else {
            let mut t = new_table(&["slot", "first block", "last block", "blocks lost"]);
            for p in &self.replay.prunes {
                t.add_row(vec![
                    p.slot.to_string(),
                    p.first_block.to_string(),
                    p.last_block.to_string(),
                    (p.last_block - p.first_block + 1).to_string(),
                ]);
            }
            right(&mut t, 0);
            let _ = writeln!(out, "Prunes\n{t}\n");
        }

        let b = &self.replay.books;
        let mut t = new_table(&["books", "amount"]);
        for (k, v) in [
            ("minted", b.minted),
            ("fees", b.fees),
            ("burnt", b.burnt),
            ("paid to sequencers", b.paid_sequencers),
            ("paid to provers", b.paid_provers),
            ("dust", b.dust),
            ("unsettled pools", b.unsettled),
        ] {
            t.add_row(vec![k.to_string(), v.to_string()]);
        }
        right(&mut t, 1);
        let balanced = if b.check().is_ok() {
            "balanced: minted + fees = paid + burnt + dust + unsettled"
        } else {
            "NOT BALANCED"
        };
        let _ = writeln!(out, "Books ({balanced})\n{t}");
        out
    }
}

/// A JSON string literal as Python's `json.dumps` writes it: `"` and `\`
/// escaped, control characters as `\n`-style or `\u00XX`, non-ASCII as
/// `\uXXXX` (surrogate pairs above the BMP).
pub fn json_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            '\u{8}' => o.push_str("\\b"),
            '\u{c}' => o.push_str("\\f"),
            c if (c as u32) < 0x20 || !c.is_ascii() => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(o, "\\u{unit:04x}");
                }
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

#[cfg(test)]
mod tests {
    use super::json_str;

    #[test]
    fn json_strings_escape_like_python() {
        assert_eq!(json_str("alice"), "\"alice\"");
        assert_eq!(json_str("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(json_str("\u{1}"), "\"\\u0001\"");
        assert_eq!(json_str("é"), "\"\\u00e9\"");
        assert_eq!(json_str("😀"), "\"\\ud83d\\ude00\"");
    }
}
