//! Positions in text files, for errors that point at a line and column.

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// At most `max` characters of `text` for a message, with how much was left
/// out: a value echoed back is never longer than the message around it.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => format!("{}... ({} bytes in all)", &text[..end], text.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_clipped_with_its_length() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("0123456789ab", 10), "0123456789... (12 bytes in all)");
        assert_eq!(clip("ééé", 2), "éé... (6 bytes in all)");
    }
}
