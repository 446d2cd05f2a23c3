//! Characters that hide or reorder text. User text keeps them where it is stored as is
//! (the JSON export, the database); titles and the Markdown and CSV exports drop them.

/// Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069): they reorder
/// what follows, so a line can read differently from what it says.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Control characters other than tab and newline: C0 (NUL, ESC, CR, …), DEL and C1.
pub fn is_stray_control(c: char) -> bool {
    c.is_control() && c != '\t' && c != '\n'
}

/// True for a character that shows nothing on its own: whitespace, controls, zero-width
/// and other format characters (ZWSP, ZWJ, BOM, bidi marks, word joiners, tags),
/// variation selectors and the blank "filler" letters.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// True when `text` has at least one character that shows.
pub fn has_visible(text: &str) -> bool {
    text.chars().any(|c| !is_invisible(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_width_and_blank_characters_are_invisible() {
        assert!(!has_visible(
            "\u{200B}\u{200C}\u{200D}\u{FEFF}\u{2060} \t\u{3164}\u{2800}"
        ));
        assert!(!has_visible("\u{202E}\u{E0041}\u{FE0F}\u{00AD}"));
        assert!(!has_visible(""));
    }

    #[test]
    fn letters_emoji_and_cjk_are_visible() {
        for s in ["a", "é", "中", "😀", "\u{200B}x\u{200B}", "ا"] {
            assert!(has_visible(s), "{s:?}");
        }
    }

    #[test]
    fn tab_and_newline_are_not_stray_controls_but_cr_nul_and_escape_are() {
        assert!(!is_stray_control('\t'));
        assert!(!is_stray_control('\n'));
        for c in ['\r', '\0', '\u{1B}', '\u{7F}', '\u{85}'] {
            assert!(is_stray_control(c), "{c:?}");
        }
    }

    #[test]
    fn only_embeddings_overrides_and_isolates_are_bidi_controls() {
        for c in ['\u{202A}', '\u{202E}', '\u{2066}', '\u{2069}'] {
            assert!(is_bidi_control(c), "{c:?}");
        }
        // Marks (LRM, RLM) are ordinary in right-to-left text and are kept.
        assert!(!is_bidi_control('\u{200E}'));
        assert!(!is_bidi_control('\u{200F}'));
    }
}
