//! A short title guessed from the discussion.

const MAX_WORDS: usize = 9;
const MAX_CHARS: usize = 80;

/// Takes the words after the strongest proposal cue (`we should add …` → `…`), up to the
/// end of the sentence; falls back to the start of the message.
pub fn guess(text: &str, cue_end: Option<usize>) -> String {
    let after = cue_end
        .map(|e| strip_filler(&text[e..]))
        .filter(|s| word_count(s) >= 2);
    let source = after.unwrap_or(text);
    let sentence = source
        .split(['.', '!', '?', '\n', ';', ','])
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let words: Vec<&str> = sentence
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| c == ',' || c == ':' || c == '"' || c == '\''))
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .collect();
    let mut title = words.join(" ");
    if title.chars().count() > MAX_CHARS {
        title = title.chars().take(MAX_CHARS - 1).collect::<String>() + "…";
    }
    let mut chars = title.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => "Feature discussion".to_string(),
    }
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
        match FILLER
            .iter()
            .find(|f| t.len() >= f.len() && t[..f.len()].eq_ignore_ascii_case(f))
        {
            Some(f) => s = &t[f.len()..],
            None => return t,
        }
    }
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
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
}
