//! Escaping of user text for each export format.

use crate::text::{is_bidi_control, is_stray_control};

/// Characters removed from user text in Markdown and CSV: controls other than tab and
/// newline (a terminal or viewer may act on them) and bidi embeddings, overrides and
/// isolates (they make a line read differently from what it is). The JSON export keeps
/// text exactly as written.
fn is_removed(c: char) -> bool {
    is_stray_control(c) || is_bidi_control(c)
}

/// Makes user text safe inside a Markdown paragraph, list item or heading on GitHub and
/// Discord, escaping only what would change how it renders:
///
/// - `http(s)://` URLs become autolinks (`<https://…>`), so they stay clickable exactly as
///   written; trailing sentence punctuation and an unbalanced `)` stay outside the link;
/// - inline code (`` `x` ``) stays code; its text is kept as written;
/// - emphasis, strikethrough, link, table and spoiler punctuation is backslash-escaped where
///   it could act (`*`, `_`, `~` unless inside a word or between spaces, `|`, `\`, and
///   whatever follows a `]` that would make it a link);
/// - a `<` that could open HTML, an autolink or a Discord mention becomes `&lt;`, and an
///   `&` that would read as an entity becomes `&amp;`;
/// - a mention-like `@` (`@everyone`, `@here`, `@user`, not the `@` of an e-mail address)
///   gets a zero-width space after it, so nothing pings.
///
/// Newlines become spaces; use [`markdown_block`] for multi-line text. Controls (but tab)
/// and bidi controls are removed.
pub fn markdown_inline(text: &str) -> String {
    let chars: Vec<char> = clean(text)
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(text.len() + 8);
    escape_text(&chars, false, &mut out);
    out
}

/// Multi-line user text as a Markdown block quote, indented by `indent` so it stays inside
/// a list item. Each line is escaped as by [`markdown_inline`], and what would open a block
/// at the start of a line (a heading, list, quote, thematic break or setext underline) is
/// escaped too; leading whitespace is dropped (it never shows in a paragraph, and would
/// otherwise turn a line into an indented code block). A fenced code block stays a code
/// block (fenced with tildes, its text as written). The quote ends with an empty quote
/// line, so a line written after it is not pulled into the quote.
pub fn markdown_block(text: &str, indent: &str) -> String {
    let clean = clean(text);
    let lines: Vec<&str> = clean.trim_matches('\n').split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len() + 1);
    let mut k = 0;
    while k < lines.len() {
        let line = lines[k].trim_matches([' ', '\t']);
        if let Some(fence) = Fence::open(line) {
            let body: Vec<&str> = lines[k + 1..]
                .iter()
                .take_while(|l| !fence.closes(l))
                .copied()
                .collect();
            k += body.len() + 2; // the opening line, the body and the closing line
            fence.write(&body, indent, &mut out);
            continue;
        }
        if line.is_empty() {
            out.push(format!("{indent}>"));
        } else {
            let chars: Vec<char> = line.chars().collect();
            let mut escaped = String::with_capacity(line.len() + 8);
            escape_text(&chars, true, &mut escaped);
            out.push(format!("{indent}> {escaped}"));
        }
        k += 1;
    }
    out.push(format!("{indent}>"));
    out.join("\n")
}

/// User text with the characters removed that no export shows (see [`is_removed`]).
fn clean(text: &str) -> String {
    text.chars().filter(|&c| !is_removed(c)).collect()
}

/// Escapes one line of text into `out`. `line_start`: the text begins a line of its own
/// (inside a block quote), where `#`, `>`, `-`, `+`, `=` and `1.` would open a block.
fn escape_text(chars: &[char], line_start: bool, out: &mut String) {
    let mut i = if line_start {
        escape_block_start(chars, out)
    } else {
        0
    };
    while i < chars.len() {
        let c = chars[i];
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1).copied();
        match c {
            '`' => {
                i = code_span(chars, i, out);
                continue;
            }
            '<' => {
                if let Some(end) = url_end(chars, i + 1).filter(|&e| chars.get(e) == Some(&'>')) {
                    // Already an autolink: kept as one.
                    push_url(&chars[i + 1..end], out);
                    i = end + 1;
                    continue;
                }
                match next {
                    Some(n) if n.is_ascii_alphabetic() || "/!?@#:".contains(n) => {
                        out.push_str("&lt;")
                    }
                    _ => out.push('<'),
                }
            }
            'h' | 'H' if prev.is_none_or(|p| !p.is_alphanumeric()) => {
                if let Some(end) = url_end(chars, i) {
                    push_url(&chars[i..end], out);
                    i = end;
                    continue;
                }
                out.push(c);
            }
            '\\' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '*' | '~' if !between_spaces(prev, next) => {
                out.push('\\');
                out.push(c);
            }
            '_' if !between_spaces(prev, next) && !inside_word(prev, next) => {
                out.push_str("\\_");
            }
            ']' => {
                out.push(']');
                // `](`, `][` and `]:` would make a link or a link definition.
                if matches!(next, Some('(' | '[' | ':')) {
                    out.push('\\');
                }
            }
            '&' if is_entity(&chars[i + 1..]) => out.push_str("&amp;"),
            '@' => {
                out.push('@');
                if pings(chars, i) {
                    out.push(ZWSP);
                }
            }
            '#' if closes_heading(chars, i) => out.push_str("\\#"),
            c => out.push(c),
        }
        i += 1;
    }
}

const ZWSP: char = '\u{200b}';

/// Escapes what would open a block at the start of a line; returns how many characters
/// it wrote (the rest is escaped as ordinary text).
fn escape_block_start(chars: &[char], out: &mut String) -> usize {
    match chars.first() {
        // `[` too: `[!NOTE]` would turn GitHub's quote into an alert box.
        Some(&c @ ('#' | '>' | '-' | '+' | '=' | '[')) => {
            out.push('\\');
            out.push(c);
            1
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
            match chars.get(digits) {
                Some(&m @ ('.' | ')')) if digits <= 9 => {
                    out.extend(&chars[..digits]);
                    out.push('\\');
                    out.push(m);
                    digits + 1
                }
                _ => 0,
            }
        }
        _ => 0,
    }
}

/// A delimiter with a space or tab on each side opens and closes nothing.
fn between_spaces(prev: Option<char>, next: Option<char>) -> bool {
    let space = |c: Option<char>| matches!(c, Some(' ' | '\t'));
    space(prev) && space(next)
}

/// An underscore inside a word (`snake_case`) opens and closes nothing.
fn inside_word(prev: Option<char>, next: Option<char>) -> bool {
    prev.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric)
}

/// True when `rest` (what follows an `&`) would make it a character reference: `&amp;`,
/// `&#123;`, `&#x1F;`.
fn is_entity(rest: &[char]) -> bool {
    let name = match rest.first() {
        Some('#') => match rest.get(1) {
            Some('x' | 'X') => &rest[2..],
            _ => &rest[1..],
        },
        Some(c) if c.is_ascii_alphabetic() => rest,
        _ => return false,
    };
    let len = name
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    len > 0 && name.get(len) == Some(&';')
}

/// True when the `@` at `i` could mention someone: it follows a `<` (`<@123>`, `<@!5>`,
/// `<@&7>`), starts a word (not an e-mail address's `@`), or names `everyone` or `here`.
fn pings(chars: &[char], i: usize) -> bool {
    let Some(&next) = chars.get(i + 1) else {
        return false;
    };
    if i > 0 && chars[i - 1] == '<' {
        return true;
    }
    if !(next.is_alphanumeric() || next == '_') {
        return false;
    }
    let starts_word = i == 0 || !chars[i - 1].is_alphanumeric();
    starts_word || names_everyone(&chars[i + 1..])
}

/// True when `rest` begins with `everyone` or `here`, in any case.
fn names_everyone(rest: &[char]) -> bool {
    ["everyone", "here"].iter().any(|w| {
        rest.len() >= w.len()
            && rest
                .iter()
                .zip(w.chars())
                .all(|(a, b)| a.eq_ignore_ascii_case(&b))
    })
}

/// A `#` that would close a heading: a run of `#` at the start or after a space, with
/// nothing but spaces after it.
fn closes_heading(chars: &[char], i: usize) -> bool {
    (i == 0 || chars[i - 1].is_whitespace())
        && chars[i..]
            .iter()
            .skip_while(|&&c| c == '#')
            .all(|c| c.is_whitespace())
}

/// Where the `http://` or `https://` URL starting at `start` ends (exclusive), or None
/// when no URL starts there. A URL runs over the characters URLs are made of; trailing
/// sentence punctuation and a closing bracket without its opening one are left out.
fn url_end(chars: &[char], start: usize) -> Option<usize> {
    let rest = chars.get(start..)?;
    let scheme = ["https://", "http://"].into_iter().find(|s| {
        rest.len() > s.len()
            && rest
                .iter()
                .zip(s.chars())
                .all(|(a, b)| a.eq_ignore_ascii_case(&b))
    })?;
    let mut end = start + rest.iter().take_while(|&&c| is_url_char(c)).count();
    loop {
        let url = &chars[start..end];
        let unbalanced = |open: char, close: char| {
            url.iter().filter(|&&c| c == close).count() > url.iter().filter(|&&c| c == open).count()
        };
        match url.last() {
            Some('.' | ',' | ':' | ';' | '!' | '?' | '\'' | '"' | '*' | '_' | '~') => end -= 1,
            Some(')') if unbalanced('(', ')') => end -= 1,
            Some(']') if unbalanced('[', ']') => end -= 1,
            _ => break,
        }
    }
    let host = chars.get(start + scheme.len())?;
    (end > start + scheme.len() && host.is_alphanumeric()).then_some(end)
}

/// Characters a URL is made of (RFC 3986, and letters and digits of any script).
fn is_url_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
        || (!c.is_ascii() && c.is_alphanumeric())
}

/// Writes a URL as an autolink. Nothing inside is escaped (an autolink shows its text
/// as is); an `@` before `everyone` or `here` is percent-encoded so it cannot ping.
fn push_url(url: &[char], out: &mut String) {
    out.push('<');
    for (i, &c) in url.iter().enumerate() {
        if c == '@' && names_everyone(&url[i + 1..]) {
            out.push_str("%40");
        } else {
            out.push(c);
        }
    }
    out.push('>');
}

/// Writes the code span opened by the backticks at `start` and returns where it ends;
/// a backtick run without a closing run of the same length is escaped instead. The span is
/// written with one or two backticks (three would read as a code fence on a line of its
/// own), its text as written but for mentions.
fn code_span(chars: &[char], start: usize, out: &mut String) -> usize {
    let run = |i: usize| chars[i..].iter().take_while(|&&c| c == '`').count();
    let n = run(start);
    let mut j = start + n;
    let mut close = None;
    while j < chars.len() {
        if chars[j] == '`' {
            let m = run(j);
            if m == n {
                close = Some(j);
                break;
            }
            j += m;
        } else {
            j += 1;
        }
    }
    let content = close.map(|c| &chars[start + n..c]);
    let runs: Vec<usize> = content
        .map(|content| {
            let mut runs = Vec::new();
            let mut i = 0;
            while i < content.len() {
                if content[i] == '`' {
                    let m = content[i..].iter().take_while(|&&c| c == '`').count();
                    runs.push(m);
                    i += m;
                } else {
                    i += 1;
                }
            }
            runs
        })
        .unwrap_or_default();
    let fence = (1..=2).find(|k| !runs.contains(k));
    match (close, content, fence) {
        (Some(close), Some(content), Some(k)) if runs.iter().all(|&m| m < 3) => {
            let ticks = "`".repeat(k);
            // A space on each side keeps a backtick at either end from joining the fence;
            // CommonMark removes exactly one space on each side.
            let pad = if content.first() == Some(&'`') || content.last() == Some(&'`') {
                " "
            } else {
                ""
            };
            out.push_str(&ticks);
            out.push_str(pad);
            out.push_str(&neutralise_code(&content.iter().collect::<String>()));
            out.push_str(pad);
            out.push_str(&ticks);
            close + n
        }
        _ => {
            for _ in 0..n {
                out.push_str("\\`");
            }
            start + n
        }
    }
}

/// Code as written, but unable to ping (`@everyone`, `@here`, `<@id>`) or to open a
/// code fence (three backticks in a row).
fn neutralise_code(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '`' && out.ends_with("``") {
            out.push(ZWSP);
        }
        out.push(c);
        let next = chars.get(i + 1).copied();
        if (c == '<' && next == Some('@')) || (c == '@' && names_everyone(&chars[i + 1..])) {
            out.push(ZWSP);
        }
    }
    out
}

/// A fenced code block in user text: three or more backticks or tildes, then nothing or a
/// language name.
struct Fence {
    mark: char,
    len: usize,
    info: String,
}

impl Fence {
    fn open(line: &str) -> Option<Fence> {
        let mark = line.chars().next().filter(|&c| c == '`' || c == '~')?;
        let len = line.chars().take_while(|&c| c == mark).count();
        // Only a language name may follow (letters, digits and `+-_.#`): a renderer hides
        // the rest of an opening line, and an export shows everything that was written.
        let info = line[len..].trim();
        let plain = info.len() <= 32
            && info
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-_.#".contains(c));
        (len >= 3 && plain).then(|| Fence {
            mark,
            len,
            info: info.to_string(),
        })
    }

    fn closes(&self, line: &str) -> bool {
        let line = line.trim_matches([' ', '\t']);
        line.chars().take_while(|&c| c == self.mark).count() >= self.len
            && line.chars().all(|c| c == self.mark)
    }

    /// Writes the block fenced with tildes, more than any line of it starts with.
    fn write(&self, body: &[&str], indent: &str, out: &mut Vec<String>) {
        let longest = body
            .iter()
            .map(|l| l.trim_start().chars().take_while(|&c| c == '~').count())
            .max()
            .unwrap_or(0);
        let fence = "~".repeat(longest.max(2) + 1);
        out.push(format!("{indent}> {fence}{}", self.info));
        for line in body {
            let line = neutralise_code(line.trim_end());
            if line.is_empty() {
                out.push(format!("{indent}>"));
            } else {
                out.push(format!("{indent}> {line}"));
            }
        }
        out.push(format!("{indent}> {fence}"));
    }
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
            "\\| a \\| \\`\\`\\`rust &lt;script>alert(1)&lt;/script> [x]\\(<http://e>) \\*\\*b\\*\\*"
        );
    }

    #[test]
    fn only_punctuation_that_would_act_is_escaped() {
        for plain in [
            "snake_case and 2 * 3 and a ~ b",
            "R&D, a < b, x <= 10, (parens)! 3.5 + 1 = 4.5",
            "#123 and C# and {braces} and 'quotes' and \"double\"",
            "ana@example.com",
        ] {
            assert_eq!(markdown_inline(plain), plain);
        }
    }

    #[test]
    fn emphasis_strikethrough_and_backslashes_are_escaped() {
        assert_eq!(
            markdown_inline("*bold* _it_ ~~no~~ a\\b"),
            "\\*bold\\* \\_it\\_ \\~\\~no\\~\\~ a\\\\b"
        );
    }

    #[test]
    fn html_and_character_references_show_as_written() {
        assert_eq!(
            markdown_inline("<b>x</b> &amp; &#35; &#x41; <!-- c -->"),
            "&lt;b>x&lt;/b> &amp;amp; &amp;#35; &amp;#x41; &lt;!-- c -->"
        );
    }

    #[test]
    fn urls_stay_clickable_links() {
        assert_eq!(
            markdown_inline("see https://wiki.example/Webhooks_(v2)#retry."),
            "see <https://wiki.example/Webhooks_(v2)#retry>."
        );
        assert_eq!(
            markdown_inline("(https://x.io/a_(b)?q=1&r=2), <https://y.io/~z>"),
            "(<https://x.io/a_(b)?q=1&r=2>), <https://y.io/~z>"
        );
        assert_eq!(
            markdown_inline("HTTP://É.example/é"),
            "<HTTP://É.example/é>"
        );
        // Not URLs: no host, or inside a word.
        assert_eq!(markdown_inline("https:// x"), "https:// x");
        assert_eq!(markdown_inline("xhttps://a.io"), "xhttps://a.io");
    }

    #[test]
    fn a_url_cannot_ping() {
        assert_eq!(
            markdown_inline("https://x.io/@everyone/@Here/@ana"),
            "<https://x.io/%40everyone/%40Here/@ana>"
        );
    }

    #[test]
    fn inline_code_stays_code() {
        assert_eq!(
            markdown_inline("use `retry_after` or ``a`b``"),
            "use `retry_after` or ``a`b``"
        );
        // Three backticks would open a fence on a line of their own: one is enough.
        assert_eq!(markdown_inline("```x_y```"), "`x_y`");
        assert_eq!(markdown_inline("``` `a` ```"), "`` `a` ``");
        // A backtick without its partner is only a backtick.
        assert_eq!(markdown_inline("it`s"), "it\\`s");
        assert_eq!(
            markdown_inline("`@everyone <@1> a@b`"),
            "`@\u{200b}everyone <\u{200b}@1> a@b`"
        );
    }

    #[test]
    fn mentions_cannot_ping() {
        let e = markdown_inline("@everyone @here <@123> @octocat x@everyone <#9> <@&7> <@!5>");
        assert!(!e.contains("@everyone"));
        assert!(!e.contains("@here"));
        assert!(!e.contains("<@"));
        assert!(!e.contains("<#"));
        assert!(!e.contains("@octocat"));
        assert!(!e.contains("@&") && !e.contains("@!"));
    }

    #[test]
    fn a_trailing_hash_cannot_close_a_heading() {
        assert_eq!(markdown_inline("C# #"), "C# \\#");
        assert_eq!(markdown_inline("##"), "\\##");
    }

    #[test]
    fn link_syntax_shows_as_written() {
        assert_eq!(
            markdown_inline("[y][z] [a]: b ![i](j)"),
            "[y]\\[z] [a]\\: b ![i]\\(j)"
        );
    }

    #[test]
    fn a_block_keeps_lines_inside_the_quote() {
        assert_eq!(
            markdown_block("one\n- two\n3. three", "  "),
            "  > one\n  > \\- two\n  > 3\\. three\n  >"
        );
    }

    #[test]
    fn nothing_at_the_start_of_a_line_opens_a_block() {
        assert_eq!(
            markdown_block(
                "# h\n> q\n---\nx\n===\n+ a\n12) b\n[!NOTE]\n    indented\n* * *\n_ _ _\n\n~~~",
                ""
            ),
            "> \\# h\n> \\> q\n> \\---\n> x\n> \\===\n> \\+ a\n> 12\\) b\n> \\[!NOTE]\n> indented\n> \\* * \\*\n> \\_ _ \\_\n>\n> ~~~\n> ~~~\n>"
        );
    }

    #[test]
    fn a_fenced_code_block_stays_code() {
        assert_eq!(
            markdown_block(
                "before\n```sql\nselect '@everyone', 2 * 3;\n  ~~~ indented\n```\nafter",
                "  "
            ),
            "  > before\n  > ~~~~sql\n  > select '@\u{200b}everyone', 2 * 3;\n  >   ~~~ indented\n  > ~~~~\n  > after\n  >"
        );
        // An opening line with more than a language name is text (a renderer would hide it).
        assert_eq!(
            markdown_block("``` <img src=x> note", ""),
            "> \\`\\`\\` &lt;img src=x> note\n>"
        );
        // Unclosed: the block ends with the text; backticks inside cannot make a fence.
        assert_eq!(
            markdown_block("```\n```` x", ""),
            "> ~~~\n> ``\u{200b}`` x\n> ~~~\n>"
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
            "  > x\n  > y\n  >"
        );
        // What a removed control hid is escaped too.
        assert_eq!(markdown_inline("@\u{0}everyone"), "@\u{200b}everyone");
    }
}
