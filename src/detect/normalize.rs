//! Removes what must not count when scoring: code, quotes, URLs and mentions; and
//! writes typographic apostrophes (’ from phones and word processors) as `'`, so that
//! cues like "let's" and "I'd like" match however they were typed.

/// Returns the text people wrote in prose: fenced and inline code, quoted lines
/// (`> …`), URLs and Discord mentions are replaced by spaces, so that words on either
/// side do not join.
pub fn prose(text: &str) -> String {
    // One search per character: each is a fast byte search, unlike a search for either.
    if CURLY.iter().any(|&c| text.contains(c)) {
        return prose(&text.replace(CURLY, "'"));
    }
    if is_plain(text) {
        // The common case: nothing to strip.
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut in_fence = false;
    for line in text.split('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            // A fence may open and close on the same line: ```code```.
            let fences = trimmed.matches("```").count();
            if fences % 2 == 1 {
                in_fence = !in_fence;
            }
            out.push('\n');
            continue;
        }
        if in_fence || trimmed.starts_with('>') {
            out.push('\n');
            continue;
        }
        strip_inline(line, &mut out);
        out.push('\n');
    }
    out
}

/// Typographic apostrophes and single quotes.
const CURLY: [char; 2] = ['\u{2018}', '\u{2019}'];

/// True when `text` has no code, quote, mention or URL marker at all.
fn is_plain(text: &str) -> bool {
    let b = text.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'`' | b'>' | b'<' | b'@' => return false,
            b':' if b[i + 1..].starts_with(b"//") => return false,
            b'.' if i >= 3 && b[i - 3..i].eq_ignore_ascii_case(b"www") => return false,
            _ => {}
        }
    }
    true
}

fn strip_inline(line: &str, out: &mut String) {
    let mut rest = line;
    while !rest.is_empty() {
        // Inline code: `…` (unterminated backticks are kept as text).
        if let Some(after) = rest.strip_prefix('`') {
            if let Some(end) = after.find('`') {
                out.push(' ');
                rest = &after[end + 1..];
                continue;
            }
        }
        // Discord mentions: <@123>, <@!123>, <#123>, <@&123>, custom emoji <:x:1>.
        if rest.starts_with('<') {
            if let Some(end) = rest.find('>') {
                let inner = &rest[1..end];
                if inner.starts_with('@')
                    || inner.starts_with('#')
                    || inner.starts_with(':')
                    || inner.starts_with("a:")
                {
                    out.push(' ');
                    rest = &rest[end + 1..];
                    continue;
                }
            }
        }
        if rest.starts_with("@everyone") || rest.starts_with("@here") {
            out.push(' ');
            rest = &rest[if rest.starts_with("@everyone") { 9 } else { 5 }..];
            continue;
        }
        if starts_with_url(rest) {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            out.push(' ');
            rest = &rest[end..];
            continue;
        }
        let ch = rest.chars().next().expect("non-empty");
        out.push(ch);
        rest = &rest[ch.len_utf8()..];
    }
}

fn starts_with_url(s: &str) -> bool {
    let b = s.as_bytes();
    let prefix = |p: &str| b.len() >= p.len() && b[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    prefix("http://") || prefix("https://") || prefix("www.")
}

#[cfg(test)]
mod tests {
    use super::prose;

    #[test]
    fn fenced_code_is_removed() {
        let p = prose("we should add this\n```rust\nwe should add panic!()\n```\nok");
        assert_eq!(p.matches("we should add").count(), 1);
        assert!(!p.contains("panic"));
    }

    #[test]
    fn inline_code_quotes_urls_and_mentions_are_removed() {
        let p =
            prose("> we should add X\nsee `error` at https://x.io/error <@123> <#9> @everyone ok");
        assert!(!p.contains("should"));
        assert!(!p.contains("error"));
        assert!(!p.contains("123"));
        assert!(!p.contains("everyone"));
        assert!(p.contains("see"));
        assert!(p.contains("ok"));
    }

    #[test]
    fn unterminated_backticks_and_angle_brackets_stay() {
        assert_eq!(prose("a ` b < c").trim_end(), "a ` b < c");
    }

    #[test]
    fn plain_text_is_returned_as_is_and_urls_in_any_case_are_stripped() {
        assert_eq!(prose("we should add refunds"), "we should add refunds");
        assert!(!prose("see HTTPS://X.IO/error now").contains("error"));
        assert!(!prose("see Http://x.io/error now").contains("error"));
        assert!(!prose("see WwW.x.io/error now").contains("error"));
    }

    #[test]
    fn typographic_apostrophes_become_plain_ones() {
        assert_eq!(
            prose("I\u{2019}d like it, let\u{2019}s"),
            "I'd like it, let's"
        );
        assert_eq!(prose("\u{2018}quoted\u{2019} `x`"), "'quoted'  \n");
    }

    #[test]
    fn multibyte_text_survives() {
        assert_eq!(prose("café — naïve").trim_end(), "café — naïve");
    }
}
