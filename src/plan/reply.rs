//! The grammar of an answer written as a message: `Q3: 30 days`, `q3 30 days`, `#3) 30
//! days`, or a plain reply to a checklist page that shows one question.

/// What a message in a plan's thread says about the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply<'a> {
    /// An answer to question `number`, as written.
    Answer { number: u32, text: &'a str },
    /// A reply to a page of several questions that does not say which one.
    WhichQuestion,
}

/// What to tell someone whose reply does not say which question it answers.
pub const NAME_THE_QUESTION: &str =
    "Start the reply with the question number, e.g. `Q3: 30 days, then hard delete`.";

/// Reads `text`, sent as a reply to a page showing questions `page` (first, last), or
/// not a reply (`None`). A leading number wins; a reply to a one-question page answers
/// that question.
pub fn read(text: &str, page: Option<(u32, u32)>) -> Reply<'_> {
    match (leading_number(text), page) {
        (Some((number, text)), _) => Reply::Answer { number, text },
        (None, Some((first, last))) if first == last => Reply::Answer {
            number: first,
            text,
        },
        (None, _) => Reply::WhichQuestion,
    }
}

/// `Q3: text`, `q3 text` or `#3 text` → (3, "text").
pub fn leading_number(s: &str) -> Option<(u32, &str)> {
    let t = s.trim_start();
    let t = t.strip_prefix(['Q', 'q', '#'])?;
    let end = t.find(|c: char| !c.is_ascii_digit())?;
    let n: u32 = t[..end].parse().ok()?;
    // One separator after the number (`:`, `.`, `)`, or a dash followed by a space); the
    // answer is kept as written, so `Q12: -2+3` records `-2+3`.
    let rest = t[end..].trim_start();
    let rest = match rest.chars().next() {
        Some(':' | '.' | ')') => &rest[1..],
        Some('-') if rest[1..].starts_with(char::is_whitespace) => &rest[1..],
        _ => rest,
    }
    .trim();
    (!rest.is_empty()).then_some((n, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_leading_question_number_is_recognised() {
        assert_eq!(leading_number("Q3: 30 days"), Some((3, "30 days")));
        assert_eq!(
            leading_number("q12 use a cursor"),
            Some((12, "use a cursor"))
        );
        assert_eq!(leading_number("#4) nope, sync"), Some((4, "nope, sync")));
        assert_eq!(leading_number("Q3:"), None);
        assert_eq!(leading_number("Q12: -2+3"), Some((12, "-2+3")));
        assert_eq!(leading_number("Q12 -2+3"), Some((12, "-2+3")));
        assert_eq!(
            leading_number("Q5 - use a cursor"),
            Some((5, "use a cursor"))
        );
        assert_eq!(leading_number("Queue it"), None);
        assert_eq!(leading_number("30 days"), None);
    }

    #[test]
    fn a_reply_answers_the_named_question_or_the_only_one_on_its_page() {
        assert_eq!(
            read("Q7: nightly", Some((1, 5))),
            Reply::Answer {
                number: 7,
                text: "nightly"
            }
        );
        assert_eq!(
            read("nightly", Some((4, 4))),
            Reply::Answer {
                number: 4,
                text: "nightly"
            }
        );
        assert_eq!(read("nightly", Some((1, 5))), Reply::WhichQuestion);
        assert_eq!(read("nightly", None), Reply::WhichQuestion);
        assert_eq!(
            read("q2 sure", None),
            Reply::Answer {
                number: 2,
                text: "sure"
            }
        );
    }
}
