//! Markdown for reports: numbers as text and the charts section.

use std::fmt::Write as _;

use super::plot::Drawn;

/// A number for a report's tables: `-` when missing, whole numbers without
/// decimals, two decimals from 1, four below.
pub fn fmt(x: Option<f64>) -> String {
    match x {
        None => "-".into(),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Some(v) if v.abs() >= 1000.0 => format!("{v:.0}"),
        Some(v) if v.abs() >= 1.0 => format!("{v:.2}"),
        Some(v) => format!("{v:.4}"),
    }
}

/// The charts section: each chart inline with its caption and its files.
pub fn charts_section(out: &mut String, drawn: &[Drawn]) {
    let _ = writeln!(out, "\n## Charts\n");
    for d in drawn {
        let _ = writeln!(
            out,
            "![{}](charts/{}.png)\n\n*{}* (`charts/{}.png`, `charts/{}.svg`)\n",
            d.caption, d.stem, d.caption, d.stem, d.stem
        );
    }
}

/// A markdown table built row by row: every cell is escaped, so that a `|`
/// or a line break in a value (a scenario name, a key, a message) cannot
/// break the table.
pub struct Table {
    text: String,
}

impl Table {
    /// A table with these column headers.
    pub fn new<S: AsRef<str>>(header: impl IntoIterator<Item = S>) -> Table {
        let mut t = Table {
            text: String::new(),
        };
        let columns = t.push(header);
        t.text.push('|');
        t.text.push_str(&"---|".repeat(columns));
        t.text.push('\n');
        t
    }

    /// Adds a row.
    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.push(cells);
    }

    /// Writes one line of cells; returns how many there were.
    fn push<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) -> usize {
        let mut n = 0;
        self.text.push('|');
        for c in cells {
            self.text.push(' ');
            self.text.push_str(&escape(c.as_ref()));
            self.text.push_str(" |");
            n += 1;
        }
        self.text.push('\n');
        n
    }

    /// The table's markdown, each line ending in a line break.
    pub fn finish(self) -> String {
        self.text
    }
}

/// A table cell's text: `|` escaped and line breaks as spaces.
pub fn escape(cell: &str) -> String {
    if !cell.contains(['|', '\n', '\r']) {
        return cell.to_string();
    }
    cell.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Text as inline code (a key, a path).
pub fn code(text: &str) -> String {
    format!("`{text}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_escapes_its_cells() {
        let mut t = Table::new(["key", "value"]);
        t.row([code("a|b"), "one\ntwo".to_string()]);
        t.row(["plain", "1"]);
        assert_eq!(
            t.finish(),
            "| key | value |\n|---|---|\n| `a\\|b` | one two |\n| plain | 1 |\n"
        );
    }
}
