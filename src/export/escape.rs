//! Escaping of user text for each export format.

/// Makes user text safe inside a Markdown paragraph, list item or table cell on GitHub
/// and Discord: Markdown punctuation is backslash-escaped (so code fences, tables and
/// links cannot be opened), HTML is entity-encoded, and `@` gets a zero-width space after
/// it so that `@everyone` or `@user` never pings. Newlines become spaces; use
/// [`markdown_block`] for multi-line text.
pub fn markdown_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' | '(' | ')' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("@\u{200b}"),
            '\r' => {}
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Multi-line user text as a Markdown block quote, each line escaped, indented by
/// `indent` so it stays inside a list item.
pub fn markdown_block(text: &str, indent: &str) -> String {
    text.lines()
        .map(|l| {
            let l = l.trim_end();
            // A leading '-', '+' or '1.' would start a list inside the quote.
            let escaped = markdown_inline(l);
            let escaped = match escaped.chars().next() {
                Some('-') | Some('+') => format!("\\{escaped}"),
                Some(c) if c.is_ascii_digit() => escaped.replacen('.', "\\.", 1),
                _ => escaped,
            };
            format!("{indent}> {escaped}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Neutralises spreadsheet formulas: a cell starting with `=`, `+`, `-`, `@`, tab or
/// carriage return gets a leading `'`, so opening the CSV never runs anything.
pub fn csv_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_structure_cannot_be_injected() {
        let e = markdown_inline("| a | ```rust <script>alert(1)</script> [x](http://e) **b**");
        assert_eq!(
            e,
            "\\| a \\| \\`\\`\\`rust &lt;script&gt;alert\\(1\\)&lt;/script&gt; \\[x\\]\\(http://e\\) \\*\\*b\\*\\*"
        );
    }

    #[test]
    fn mentions_cannot_ping() {
        let e = markdown_inline("@everyone @here <@123> @octocat");
        assert!(!e.contains("@everyone"));
        assert!(!e.contains("@here"));
        assert!(!e.contains("<@"));
        assert!(!e.contains("@octocat"));
    }

    #[test]
    fn a_block_keeps_lines_inside_the_quote() {
        assert_eq!(
            markdown_block("one\n- two\n3. three", "  "),
            "  > one\n  > \\- two\n  > 3\\. three"
        );
    }

    #[test]
    fn formulas_are_neutralised_in_csv() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("30 days"), "30 days");
    }
}
