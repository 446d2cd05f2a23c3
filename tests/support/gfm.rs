//! Markdown rendered as GitHub would, for tests of the Markdown export (shared by the
//! export's unit tests and the property tests).

#![allow(dead_code)] // each test binary uses a different part of it

/// HTML as GitHub would render `md`: CommonMark with GFM tables, task lists and
/// strikethrough. Raw HTML passes through, so any that survived escaping would show.
pub fn render(md: &str) -> String {
    use pulldown_cmark::{Options, Parser, html};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_GFM;
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(md, options));
    out
}

/// The names of the HTML elements in `html`, in order (every `<` of text is `&lt;`).
pub fn tags(html: &str) -> Vec<String> {
    html.split('<')
        .skip(1)
        .map(|t| {
            t.trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect()
        })
        .collect()
}

/// The elements the Markdown export may render to: anything else is raw HTML that
/// survived escaping.
#[rustfmt::skip]
pub const EXPORT_TAGS: &[&str] = &[
    "h1", "h2", "p", "br", "strong", "em", "del", "ul", "li", "input", "table", "thead",
    "tbody", "tr", "th", "td", "blockquote", "code", "pre", "a", "sub",
];
