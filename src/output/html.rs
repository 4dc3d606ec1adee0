//! `report.html`: a report as one self-contained page, ready to attach to a
//! forum post or open on a phone. It is the Markdown report turned into
//! HTML, with every chart inlined (the PNG as a data URI, so the page needs
//! nothing beside it), tables that scroll sideways on a narrow screen, and
//! a style of its own (no fonts or scripts from elsewhere).

use std::path::Path;

use base64::Engine as _;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

use crate::storage::tables::{OutputError, write_atomic};

/// The page's style: readable type, tables with lines and a sideways
/// scroll, images at most as wide as the screen, dark mode.
const STYLE: &str = r#"
:root { color-scheme: light dark; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       max-width: 60rem; margin: 0 auto; padding: 1rem; overflow-wrap: anywhere; }
h1, h2, h3 { line-height: 1.2; }
h2 { margin-top: 2rem; border-bottom: 1px solid #8884; padding-bottom: .2rem; }
.scroll { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; font-size: .9rem; font-variant-numeric: tabular-nums;
        overflow-wrap: normal; }
th, td { border: 1px solid #8886; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #8882; }
tr:nth-child(even) td { background: #8881; }
img { max-width: 100%; height: auto; display: block; margin: 1rem auto; background: #fff; }
code { font-size: .9em; background: #8882; padding: 0 .2em; border-radius: 3px; }
blockquote { margin: 1rem 0; padding: .5rem 1rem; border-left: 4px solid #d80; background: #d801; }
details { margin: 1rem 0; }
"#;

/// The HTML page of a Markdown report written in `dir` (whose images are
/// files under `dir`, inlined here); `title` names the page.
pub fn page(markdown: &str, dir: &Path, title: &str) -> String {
    let mut body = String::new();
    let mut in_image = false;
    let events = Parser::new_ext(markdown, Options::ENABLE_TABLES).flat_map(|event| {
        let out: Vec<Event> = match event {
            Event::Start(Tag::Table(_)) => {
                vec![Event::Html(CowStr::from("<div class=\"scroll\">")), event]
            }
            Event::End(TagEnd::Table) => vec![event, Event::Html(CowStr::from("</div>"))],
            Event::Start(Tag::Image { dest_url, .. }) => {
                in_image = true;
                vec![Event::Html(CowStr::from(image(dir, &dest_url)))]
            }
            Event::End(TagEnd::Image) => {
                in_image = false;
                vec![]
            }
            // The alt text is in the tag written above.
            _ if in_image => vec![],
            other => vec![other],
        };
        out
    });
    pulldown_cmark::html::push_html(&mut body, events);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// An `<img>` with the file inlined as a data URI; a file that cannot be
/// read keeps its path (the page then says which is missing).
fn image(dir: &Path, url: &str) -> String {
    let alt = escape(url);
    match std::fs::read(dir.join(url)) {
        Ok(bytes) if url.ends_with(".png") => format!(
            "<img alt=\"{alt}\" src=\"data:image/png;base64,{}\">",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ),
        _ => format!("<img alt=\"{alt}\" src=\"{alt}\">"),
    }
}

/// Text safe inside HTML and its attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes `report.md` and `report.html` beside it, each whole or not at
/// all.
pub fn write_reports(dir: &Path, markdown: &str, title: &str) -> Result<(), OutputError> {
    write_atomic(&dir.join("report.md"), markdown.as_bytes())?;
    write_atomic(
        &dir.join("report.html"),
        page(markdown, dir, title).as_bytes(),
    )?;
    crate::storage::written::add(dir, ["report.md".into(), "report.html".into()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_scroll_images_inline_and_text_is_escaped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("charts")).unwrap();
        std::fs::write(dir.path().join("charts/a.png"), b"\x89PNG fake").unwrap();
        let md = "# A & c\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n![the caption](charts/a.png)\n\n![gone](charts/missing.png)\n";
        let html = page(md, dir.path(), "A <b>");
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<title>A &lt;b&gt;</title>"));
        assert!(html.contains("<div class=\"scroll\"><table>"), "{html}");
        assert!(
            html.contains("</table>\n</div>") || html.contains("</table></div>"),
            "{html}"
        );
        assert!(
            html.contains("src=\"data:image/png;base64,iVBORyBmYWtl\""),
            "{html}"
        );
        assert!(!html.contains("the caption</img>") && !html.contains(">the caption<"));
        assert!(html.contains("src=\"charts/missing.png\""));
        assert!(html.contains("<h1>A &amp; c</h1>"), "{html}");
    }
}
