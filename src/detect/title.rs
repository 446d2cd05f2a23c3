//! A short title guessed from the discussion.

use crate::text::{has_visible, is_bidi_control, is_invisible};

const MAX_WORDS: usize = 9;
const MAX_CHARS: usize = 80;
const DEFAULT: &str = "Feature discussion";

/// Takes the words after the strongest proposal cue (`we should add …` → `…`), up to the
/// end of the sentence; falls back to the start of the message. `cue_end` is a byte
/// offset into `text`; one that is not at a character boundary is ignored. The title is
/// never empty, shows at least one visible character and is at most 80 characters;
/// controls and bidi overrides are dropped, so it is safe to use as a plan title.
pub fn guess(text: &str, cue_end: Option<usize>) -> String {
    let after = cue_end
        .and_then(|e| text.get(e..))
        .map(strip_filler)
        .filter(|s| words(s).count() >= 2);
    let source = after.unwrap_or(text);
    let sentence = source
        .split(['.', '!', '?', '\n', ';', ','])
        .find(|s| words(s).next().is_some())
        .unwrap_or("");
    let title = words(sentence)
        .take(MAX_WORDS)
        .collect::<Vec<_>>()
        .join(" ");
    let mut chars = title.chars();
    let Some(first) = chars.next() else {
        return DEFAULT.to_string();
    };
    // Upper-casing can lengthen the first letter (ﬃ → FFI), so the cut comes after it.
    let title = first.to_uppercase().collect::<String>() + chars.as_str();
    if title.chars().count() > MAX_CHARS {
        title.chars().take(MAX_CHARS - 1).collect::<String>() + "…"
    } else {
        title
    }
}

/// The words of `s` that show something: controls and bidi overrides removed, edge
/// punctuation and invisible characters (zero-width spaces, BOM) trimmed.
fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split_whitespace().filter_map(|w| {
        let w: String = w
            .chars()
            .filter(|&c| !c.is_control() && !is_bidi_control(c))
            .collect();
        let w = w.trim_matches(|c: char| matches!(c, ',' | ':' | '"' | '\'') || is_invisible(c));
        has_visible(w).then(|| w.to_string())
    })
}

/// Words between a cue and the topic: "to have an option to" refund → refund.
fn strip_filler(mut s: &str) -> &str {
    const FILLER: [&str; 12] = [
        "to ",
        "have ",
        "be able to ",
        "an option to ",
        "a way to ",
        "the ability to ",
        "the option to ",
        "support for ",
        "add ",
        "adding ",
        "a ",
        "an ",
    ];
    loop {
        let t = s.trim_start();
        // `get` and not `t[..n]`: the text may hold a multi-byte character at byte `n`.
        match FILLER.iter().find(|f| {
            t.get(..f.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(f))
        }) {
            Some(f) => s = &t[f.len()..],
            None => return t,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::guess;

    #[test]
    fn the_words_after_the_cue_make_the_title() {
        let t = "we should add refunds for partial orders. also tests";
        assert_eq!(
            guess(t, Some("we should add".len())),
            "Refunds for partial orders"
        );
    }

    #[test]
    fn without_a_cue_the_message_start_is_used() {
        assert_eq!(
            guess("bulk export of invoices as csv, please", None),
            "Bulk export of invoices as csv"
        );
    }

    #[test]
    fn filler_between_cue_and_topic_is_dropped() {
        let t = "it would be nice to have an option to refund a single line item";
        assert_eq!(
            guess(t, Some("it would be nice".len())),
            "Refund a single line item"
        );
    }

    #[test]
    fn long_titles_are_cut() {
        let t = guess(&"supercalifragilistic ".repeat(10), None);
        assert!(t.chars().count() <= 80);
        assert!(t.ends_with('…'));
    }

    #[test]
    fn empty_text_gets_a_default() {
        assert_eq!(guess("   ", None), "Feature discussion");
    }

    #[test]
    fn a_multibyte_character_right_after_a_cue_does_not_panic() {
        for t in [
            "we should add naïve refunds to the checkout flow",
            "we should add 退款 to the checkout flow",
            "we should add \u{200B}refunds to the checkout flow",
            "we should add \u{FEFF}refunds to the checkout flow",
            "we should a\u{e9}",
            "we should add é",
        ] {
            let title = guess(t, Some("we should add".len()));
            assert!(!title.is_empty(), "{t:?}");
        }
        assert_eq!(
            guess(
                "we should add naïve refunds to the checkout flow",
                Some("we should add".len())
            ),
            "Naïve refunds to the checkout flow"
        );
    }

    #[test]
    fn a_cue_end_inside_a_character_falls_back_to_the_message() {
        assert_eq!(guess("éé refunds here", Some(1)), "Éé refunds here");
    }

    #[test]
    fn invisible_words_controls_and_bidi_overrides_never_make_a_title() {
        assert_eq!(
            guess("\u{200B} \u{FEFF} \u{2060}", None),
            "Feature discussion"
        );
        assert_eq!(
            guess(
                "\u{202E}refunds\u{202C} for\u{0} \u{200B}orders\u{200B}",
                None
            ),
            "Refunds for orders"
        );
    }

    #[test]
    fn a_first_letter_that_grows_when_upper_cased_stays_within_the_limit() {
        let t = guess(&format!("\u{FB03}{}", "x".repeat(200)), None);
        assert!(t.chars().count() <= 80, "{}", t.chars().count());
    }
}
