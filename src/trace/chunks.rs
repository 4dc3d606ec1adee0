//! The `[[events]]` of a trace read one at a time: each event's lines are
//! parsed on their own, so that a trace of millions of events takes little
//! more memory than its text and its events (a whole-file TOML tree takes
//! twenty times the file). Traces whose events are not a plain run of
//! `[[events]]` tables (inline arrays, multi-line strings, other tables
//! after them) are parsed whole.

use toml::{Table, Value};

/// Byte offsets of the lines that open an event, if the file can be read
/// event by event.
pub(super) fn event_starts(text: &str) -> Option<Vec<usize>> {
    if text.contains("'''") || text.contains("\"\"\"") {
        return None;
    }
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t == "[[events]]" {
            starts.push(offset);
        } else if t.starts_with('[') && !starts.is_empty() && !t.starts_with("[events.") {
            return None;
        }
        offset += line.len();
    }
    (!starts.is_empty()).then_some(starts)
}

/// One event's text, parsed: `Ok(table)` or the TOML error's message and
/// its byte offset in the whole file.
pub(super) fn parse_event(
    text: &str,
    start: usize,
    end: usize,
) -> Result<Value, (String, Option<usize>)> {
    let chunk = &text[start..end];
    let doc: Table = chunk.parse().map_err(|e: toml::de::Error| {
        (e.message().to_string(), e.span().map(|s| start + s.start))
    })?;
    match doc.get("events") {
        Some(Value::Array(a)) if a.len() == 1 && doc.len() == 1 => Ok(a[0].clone()),
        _ => Err(("expected one [[events]] table".into(), Some(start))),
    }
}
