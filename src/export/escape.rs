//! Escaping of user text for each export format.

use crate::text::{is_bidi_control, is_stray_control};

/// Characters removed from user text in Markdown and CSV: controls other than tab and
/// newline (a terminal or viewer may act on them) and bidi embeddings, overrides and
/// isolates (they make a line read differently from what it is). The JSON export keeps
/// text exactly as written.
fn is_removed(c: char) -> bool {
    is_stray_control(c) || is_bidi_control(c)
}

/// Makes user text safe inside a Markdown paragraph, list item or table cell on GitHub
/// and Discord: Markdown punctuation is backslash-escaped (so code fences, tables and
/// links cannot be opened), HTML is entity-encoded, and `@` gets a zero-width space after
/// it so that `@everyone` or `@user` never pings. Newlines become spaces; use
/// [`markdown_block`] for multi-line text. Controls (but tab) and bidi controls are removed.
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
            '\n' => out.push(' '),
            c if is_removed(c) => {}
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

/// Neutralises spreadsheet formulas: controls other than tab and newline and bidi
/// controls are removed, then a cell starting with `=`, `+`, `-`, `@` (or their fullwidth
/// forms `＝`, `＋`, `－`, `＠`, which some spreadsheets read as the ASCII ones) or a tab
/// gets a leading `'`, so opening the CSV never runs anything.
pub fn csv_cell(text: &str) -> String {
    let clean: String = text.chars().filter(|&c| !is_removed(c)).collect();
    match clean.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '＝' | '＋' | '－' | '＠') => format!("'{clean}"),
        _ => clean,
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

    #[test]
    fn fullwidth_formula_signs_are_neutralised_in_csv() {
        for s in ["＝HYPERLINK(\"x\")", "＋1", "－1", "＠SUM(A1)"] {
            assert_eq!(csv_cell(s), format!("'{s}"));
        }
    }

    #[test]
    fn controls_and_bidi_overrides_are_removed_from_csv_cells() {
        assert_eq!(
            csv_cell("a\u{0}b\u{1B}[31mc\rd\u{7F}\u{202E}e\u{2066}f\u{2069}"),
            "ab[31mcdef"
        );
        assert_eq!(csv_cell("tab\tand\nnewline"), "tab\tand\nnewline");
        // What a removed control hid is guarded too.
        assert_eq!(csv_cell("\u{202E}=1+1"), "'=1+1");
        assert_eq!(csv_cell("\r=1+1"), "'=1+1");
    }

    #[test]
    fn controls_and_bidi_overrides_are_removed_from_markdown() {
        assert_eq!(
            markdown_inline("a\u{0}b\u{1B}c\u{8}d\u{202A}e\u{202E}f\u{2067}g\u{2069}\th"),
            "abcdefg\th"
        );
        assert_eq!(
            markdown_block("x\u{202E}\u{7}\ny\u{1B}", "  "),
            "  > x\n  > y"
        );
    }
}
