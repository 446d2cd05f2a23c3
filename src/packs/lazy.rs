//! A question cue compiled on first use.
//!
//! Compiled one by one, the questions' own patterns (`cues`, `applies_when`, `unless`) held
//! about 23 MB of an idle process's 35 MB heap, although most are never run: a question's cues
//! are only matched when its pack is picked for a plan. Loading still compiles each pattern
//! once (with the same settings) to refuse a bad one with its file, line and key, then drops
//! the automaton; the first match compiles it again and keeps it.

use std::sync::{Arc, OnceLock};

use regex::Regex;

use super::load::compile_cue;

/// A cue pattern that passed [`compile_cue`] at load; compiled again on first use.
#[derive(Clone)]
pub struct LazyRegex(Arc<Inner>);

struct Inner {
    /// The pattern as written in the pack (before the word-boundary rewrite).
    pattern: String,
    compiled: OnceLock<Regex>,
}

impl LazyRegex {
    /// Checks `pattern` as [`compile_cue`] does and keeps only its text.
    pub(crate) fn checked(pattern: &str) -> Result<LazyRegex, String> {
        drop(compile_cue(pattern)?);
        Ok(LazyRegex(Arc::new(Inner {
            pattern: pattern.to_string(),
            compiled: OnceLock::new(),
        })))
    }

    fn regex(&self) -> &Regex {
        self.0.compiled.get_or_init(|| {
            // The same pattern with the same settings compiled at load, so this cannot fail;
            // were it to, a regex matching nothing keeps the question out of the way.
            compile_cue(&self.0.pattern).unwrap_or_else(|e| {
                tracing::error!(pattern = %self.0.pattern, "cue failed to compile again: {e}");
                Regex::new("[^\\s\\S]").expect("the empty class compiles")
            })
        })
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.regex().is_match(text)
    }

    /// The pattern as written in the pack (no compiling).
    pub fn pattern(&self) -> &str {
        &self.0.pattern
    }

    /// The compiled pattern, as `Regex::as_str` (word boundaries rewritten).
    pub fn as_str(&self) -> &str {
        self.regex().as_str()
    }

    /// Whether it has been compiled yet (for tests).
    pub fn is_compiled(&self) -> bool {
        self.0.compiled.get().is_some()
    }
}

impl std::fmt::Debug for LazyRegex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("LazyRegex").field(&self.0.pattern).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lazy_cue_matches_as_the_compiled_one_and_compiles_on_first_use() {
        let pattern = r"\brefunds?\b|charge ?back";
        let eager = compile_cue(pattern).unwrap();
        let lazy = LazyRegex::checked(pattern).unwrap();
        assert!(!lazy.is_compiled());
        for text in [
            "REFUND please",
            "refunds",
            "prerefund",
            "a chargeback",
            "charge back",
            "nothing here",
            "café refund",
        ] {
            assert_eq!(lazy.is_match(text), eager.is_match(text), "{text}");
        }
        assert!(lazy.is_compiled());
        assert_eq!(lazy.as_str(), eager.as_str());
    }

    #[test]
    fn a_bad_pattern_is_refused_when_checked() {
        assert!(
            LazyRegex::checked("(unclosed")
                .unwrap_err()
                .contains("invalid regular expression")
        );
        assert_eq!(LazyRegex::checked("  ").unwrap_err(), "empty pattern");
    }
}
