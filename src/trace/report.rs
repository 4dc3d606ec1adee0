//! What `settle` prints: the JSON object of docs/model.md section 11, and tables for
//! people.

use std::fmt::Write as _;

use serde::Serialize;

use comfy_table::{CellAlignment, Table, presets::UTF8_FULL_CONDENSED};

use crate::protocol::{Amount, Books, Payout, ProverId, SubmissionOutcome, Version};

use super::parse::Trace;
use super::replay::Replay;
use crate::base::amount as decimal;

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
        let epochs = self
            .epochs
            .iter()
            .map(|e| EpochJson {
                epoch: e.epoch,
                longest: e.longest,
                pool: e.pool,
                dust: e.dust,
                settled: e.settled,
                payouts: e
                    .payouts
                    .iter()
                    .map(|&(prover, shares, amount)| PayoutJson {
                        prover,
                        shares,
                        amount,
                    })
                    .collect(),
            })
            .collect();
        let submissions = self
            .replay
            .submissions
            .iter()
            .map(|s| {
                let version = self.trace.params.version;
                let (status, length, shares, reason) = match s.outcome {
                    SubmissionOutcome::Accepted(a) => {
                        ("accepted", Some(a.length), Some(a.shares), None)
                    }
                    SubmissionOutcome::Rejected(r) => ("rejected", None, None, Some(r.name())),
                };
                let stipend_gas = match s.outcome {
                    SubmissionOutcome::Accepted(a) if version.pays_stipend() => {
                        Some(version.stipend_gas(a.added))
                    }
                    _ => None,
                };
                SubmissionJson {
                    slot: s.slot,
                    prover: self.trace.provers.name(s.prover.0),
                    end: s.end,
                    status,
                    length,
                    shares,
                    stipend_gas,
                    reason,
                }
            })
            .collect();
        let report = ReportJson {
            epochs,
            sequencers: self
                .sequencers
                .iter()
                .map(|&(sequencer, earned)| SequencerJson { sequencer, earned })
                .collect(),
            provers: self
                .provers
                .iter()
                .map(|&(prover, value, time, earned)| ProverJson {
                    prover,
                    value,
                    time,
                    earned,
                })
                .collect(),
            submissions,
            prunes: self
                .replay
                .prunes
                .iter()
                .map(|p| PruneJson {
                    slot: p.slot,
                    first_block: p.first_block,
                    last_block: p.last_block,
                })
                .collect(),
            books: BooksJson::new(&self.replay.books, self.trace.params.version),
        };
        let mut o = python_json(&report);
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
        // From v6 the protocol fee is paid out, not burnt (AZIP-23).
        let burnt = if self.trace.params.version.pays_protocol_fee() {
            "protocol_fee"
        } else {
            "burnt"
        };
        let mut t = new_table(&["books", "amount"]);
        for (k, v) in [
            ("minted", b.minted),
            ("fees", b.fees),
            (burnt, b.burnt),
            ("paid to sequencers", b.paid_sequencers),
            ("paid to provers", b.paid_provers),
            ("dust", b.dust),
            ("unsettled pools", b.unsettled),
        ] {
            t.add_row(vec![k.to_string(), v.to_string()]);
        }
        right(&mut t, 1);
        let balanced = if b.check().is_ok() {
            format!("balanced: minted + fees = paid + {burnt} + dust + unsettled")
        } else {
            "NOT BALANCED".to_string()
        };
        let _ = writeln!(out, "Books ({balanced})\n{t}");
        out
    }
}

/// `settle --format json` as serde types: amounts are decimal strings
/// (they exceed what JSON readers hold exactly), keys in the stated order.
#[derive(Serialize)]
struct ReportJson<'a> {
    epochs: Vec<EpochJson<'a>>,
    sequencers: Vec<SequencerJson<'a>>,
    provers: Vec<ProverJson<'a>>,
    submissions: Vec<SubmissionJson<'a>>,
    prunes: Vec<PruneJson>,
    books: BooksJson,
}

#[derive(Serialize)]
struct EpochJson<'a> {
    epoch: u64,
    longest: u64,
    #[serde(serialize_with = "decimal::serialize")]
    pool: Amount,
    #[serde(serialize_with = "decimal::serialize")]
    dust: Amount,
    settled: bool,
    payouts: Vec<PayoutJson<'a>>,
}

#[derive(Serialize)]
struct PayoutJson<'a> {
    prover: &'a str,
    #[serde(serialize_with = "decimal::serialize")]
    shares: Amount,
    #[serde(serialize_with = "decimal::serialize")]
    amount: Amount,
}

#[derive(Serialize)]
struct SequencerJson<'a> {
    sequencer: &'a str,
    #[serde(serialize_with = "decimal::serialize")]
    earned: Amount,
}

#[derive(Serialize)]
struct ProverJson<'a> {
    prover: &'a str,
    value: u64,
    time: u64,
    #[serde(serialize_with = "decimal::serialize")]
    earned: Amount,
}

#[derive(Serialize)]
struct SubmissionJson<'a> {
    slot: u64,
    prover: &'a str,
    end: u64,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    length: Option<u64>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "decimal::optional::serialize"
    )]
    shares: Option<Amount>,
    /// From v6 (AZIP-31): the gas stipend the accepted submission forwarded.
    #[serde(skip_serializing_if = "Option::is_none")]
    stipend_gas: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'static str>,
}

#[derive(Serialize)]
struct PruneJson {
    slot: u64,
    first_block: u64,
    last_block: u64,
}

#[derive(Serialize)]
struct BooksJson {
    #[serde(serialize_with = "decimal::serialize")]
    minted: Amount,
    #[serde(serialize_with = "decimal::serialize")]
    fees: Amount,
    /// Burnt, up to v5.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "decimal::optional::serialize"
    )]
    burnt: Option<Amount>,
    /// From v6 (AZIP-23) the same amount goes to a recipient governance
    /// sets, and the books name it so.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "decimal::optional::serialize"
    )]
    protocol_fee: Option<Amount>,
    #[serde(serialize_with = "decimal::serialize")]
    paid_sequencers: Amount,
    #[serde(serialize_with = "decimal::serialize")]
    paid_provers: Amount,
    #[serde(serialize_with = "decimal::serialize")]
    dust: Amount,
    #[serde(serialize_with = "decimal::serialize")]
    unsettled: Amount,
}

impl BooksJson {
    fn new(b: &Books, version: Version) -> BooksJson {
        let paid = version.pays_protocol_fee();
        BooksJson {
            minted: b.minted,
            fees: b.fees,
            burnt: (!paid).then_some(b.burnt),
            protocol_fee: paid.then_some(b.burnt),
            paid_sequencers: b.paid_sequencers,
            paid_provers: b.paid_provers,
            dust: b.dust,
            unsettled: b.unsettled,
        }
    }
}

/// JSON as Python's `json.dumps` writes it by default: `", "` and `": "`
/// between items, and every character beyond ASCII escaped as `\uXXXX`
/// (UTF-16 units), so that any reader's bytes compare equal.
struct PythonStyle;

impl serde_json::ser::Formatter for PythonStyle {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.begin_array_value(writer, first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        for c in fragment.chars() {
            if c.is_ascii() {
                writer.write_all(&[c as u8])?;
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        Ok(())
    }
}

/// A value as Python's `json.dumps` writes it (see [`PythonStyle`]).
pub fn python_json<T: Serialize>(value: &T) -> String {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonStyle);
    value
        .serialize(&mut ser)
        .expect("a report serializes to memory");
    String::from_utf8(out).expect("JSON is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::python_json;

    fn json_str(s: &str) -> String {
        python_json(&s)
    }

    #[test]
    fn json_strings_escape_like_python() {
        assert_eq!(json_str("alice"), "\"alice\"");
        assert_eq!(json_str("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
        assert_eq!(json_str("\u{1}"), "\"\\u0001\"");
        assert_eq!(json_str("é"), "\"\\u00e9\"");
        assert_eq!(json_str("😀"), "\"\\ud83d\\ude00\"");
        assert_eq!(json_str("\u{8}\u{c}\t\r\u{7f}"), "\"\\b\\f\\t\\r\u{7f}\"");
        assert_eq!(
            python_json(&serde_json::json!({"a": [1, 2], "b": {"c": "x"}})),
            "{\"a\": [1, 2], \"b\": {\"c\": \"x\"}}"
        );
    }
}
