//! Parsing and validation of pack files. Every error names the file, line and key.

use super::model::{Category, Cue, Pack, PackKind, Question, When};
use regex::RegexBuilder;
use serde::Deserialize;
use std::fmt;
use std::path::Path;
use toml::Spanned;

/// Longest accepted cue pattern, in bytes.
pub const MAX_PATTERN_LEN: usize = 512;
/// Compiled-size ceiling for one cue, so a pack cannot make detection slow or huge.
pub const MAX_REGEX_SIZE: usize = 256 * 1024;
/// Longest question text; longer questions are essays, not decisions.
pub const MAX_QUESTION_LEN: usize = 400;
/// Longest `why` or `hint`.
pub const MAX_NOTE_LEN: usize = 400;
/// Question ids travel inside Discord `custom_id`s (100 characters), so they stay short.
pub const MAX_ID_LEN: usize = 48;

/// A problem in a pack file: where it is and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    pub file: String,
    /// 1-based; 0 when the problem concerns the file as a whole.
    pub line: usize,
    pub key: String,
    pub message: String,
}

impl PackError {
    pub fn at(file: &str, line: usize, key: &str, message: impl Into<String>) -> PackError {
        PackError {
            file: file.to_string(),
            line,
            key: key.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: ", self.file, self.line)?;
        } else {
            write!(f, "{}: ", self.file)?;
        }
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for PackError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPack {
    id: Spanned<String>,
    name: Spanned<String>,
    description: String,
    kind: Spanned<String>,
    #[serde(default)]
    cues: Vec<RawCue>,
    #[serde(default)]
    questions: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCue {
    pattern: Spanned<String>,
    weight: Spanned<f32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    category: Spanned<String>,
    text: Spanned<String>,
    why: Spanned<String>,
    #[serde(default)]
    critical: bool,
    hint: Option<Spanned<String>>,
    #[serde(default)]
    applies_when: Vec<Spanned<String>>,
    #[serde(default)]
    unless: Vec<Spanned<String>>,
    #[serde(default)]
    cues: Vec<Spanned<String>>,
    same_as: Option<Spanned<String>>,
}

/// 1-based line of a byte offset.
pub(crate) fn line_of(src: &str, offset: usize) -> usize {
    src.as_bytes()[..offset.min(src.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Parses a TOML file into `T`; a syntax or shape error names the file and line.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    file: &str,
    src: &str,
) -> Result<T, Vec<PackError>> {
    toml::from_str(src).map_err(|e| {
        let line = e.span().map(|s| line_of(src, s.start)).unwrap_or(0);
        vec![PackError::at(file, line, "", toml_message(src, &e))]
    })
}

/// What a TOML error says. The parser gives no message for some syntax errors (a control
/// character in a comment); those name the character, or say the syntax is invalid.
pub(crate) fn toml_message(src: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim();
    if !message.is_empty() {
        return message.to_string();
    }
    let at = e
        .span()
        .and_then(|s| src.get(s.start..))
        .and_then(|rest| rest.chars().next());
    match at {
        Some(c) if c.is_control() => {
            format!(
                "control character U+{:04X} is not allowed here",
                u32::from(c)
            )
        }
        Some(c) => format!("invalid TOML at {c:?}"),
        None => "invalid TOML".to_string(),
    }
}

/// Compiles one cue pattern within the size limits, case-insensitively.
pub(crate) fn compile_cue(pattern: &str) -> Result<regex::Regex, String> {
    if pattern.trim().is_empty() {
        return Err("empty pattern".into());
    }
    if pattern.len() > MAX_PATTERN_LEN {
        return Err(format!(
            "pattern is {} bytes, the limit is {MAX_PATTERN_LEN}",
            pattern.len()
        ));
    }
    RegexBuilder::new(&ascii_word_boundaries(pattern))
        .case_insensitive(true)
        .size_limit(MAX_REGEX_SIZE)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => {
                format!("pattern compiles to more than {MAX_REGEX_SIZE} bytes")
            }
            other => format!("invalid regular expression: {other}"),
        })
}

/// Rewrites `\b` and `\B` as ASCII word boundaries. Unicode word boundaries stop the
/// fast DFA engines on any non-ASCII text and make the compiled cue sets many times slower;
/// cues are English phrases, so ASCII boundaries lose nothing. `\\b` (a literal backslash
/// and `b`) is left alone. The compiled pattern (`Regex::as_str`) is the rewritten one.
pub(crate) fn ascii_word_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push_str("(?-u:\\b)"),
            Some('B') => out.push_str("(?-u:\\B)"),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// Parses and validates one pack file. `file` is the name used in errors.
pub fn parse_pack(file: &str, src: &str) -> Result<Pack, Vec<PackError>> {
    let raw: RawPack = parse_toml(file, src)?;
    let mut errors = Vec::new();
    let line = |span: std::ops::Range<usize>| line_of(src, span.start);

    if !valid_id(raw.id.get_ref()) {
        errors.push(PackError::at(
            file,
            line(raw.id.span()),
            "id",
            format!(
                "'{}' is not a valid id (lowercase letters, digits, '.', '_', '-', at most {MAX_ID_LEN})",
                raw.id.get_ref()
            ),
        ));
    }
    if raw.name.get_ref().trim().is_empty() {
        errors.push(PackError::at(
            file,
            line(raw.name.span()),
            "name",
            "empty name",
        ));
    }
    let kind = PackKind::parse(raw.kind.get_ref());
    if kind.is_none() {
        errors.push(PackError::at(
            file,
            line(raw.kind.span()),
            "kind",
            format!(
                "unknown kind '{}' (expected core, domain or integration)",
                raw.kind.get_ref()
            ),
        ));
    }

    let mut cues = Vec::new();
    for (i, c) in raw.cues.iter().enumerate() {
        let key = format!("cues[{i}].pattern");
        match compile_cue(c.pattern.get_ref()) {
            Ok(regex) => {
                let w = *c.weight.get_ref();
                if !w.is_finite() || !(-10.0..=10.0).contains(&w) || w == 0.0 {
                    errors.push(PackError::at(
                        file,
                        line(c.weight.span()),
                        &format!("cues[{i}].weight"),
                        format!("weight {w} must be non-zero and between -10 and 10"),
                    ));
                }
                cues.push(Cue {
                    pattern: c.pattern.get_ref().clone(),
                    regex,
                    weight: w,
                });
            }
            Err(msg) => errors.push(PackError::at(file, line(c.pattern.span()), &key, msg)),
        }
    }

    if raw.questions.is_empty() {
        errors.push(PackError::at(
            file,
            0,
            "questions",
            "a pack needs at least one question",
        ));
    }
    let mut questions: Vec<Question> = Vec::new();
    let mut question_lines: Vec<usize> = Vec::new();
    for (i, q) in raw.questions.iter().enumerate() {
        let id = q.id.get_ref();
        if !valid_id(id) {
            errors.push(PackError::at(
                file,
                line(q.id.span()),
                &format!("questions[{i}].id"),
                format!("'{id}' is not a valid id (lowercase letters, digits, '.', '_', '-', at most {MAX_ID_LEN})"),
            ));
        } else if let Some(first) = raw.questions[..i].iter().find(|o| o.id.get_ref() == id) {
            errors.push(PackError::at(
                file,
                line(q.id.span()),
                &format!("questions[{i}].id"),
                format!(
                    "duplicate question id '{id}' (first on line {})",
                    line(first.id.span())
                ),
            ));
        }
        let category = Category::parse(q.category.get_ref());
        if category.is_none() {
            let known: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
            errors.push(PackError::at(
                file,
                line(q.category.span()),
                &format!("questions[{i}].category"),
                format!(
                    "unknown category '{}' (expected one of: {})",
                    q.category.get_ref(),
                    known.join(", ")
                ),
            ));
        }
        for (key, value, max) in [
            ("text", &q.text, MAX_QUESTION_LEN),
            ("why", &q.why, MAX_NOTE_LEN),
        ] {
            let v = value.get_ref().trim();
            if v.is_empty() {
                errors.push(PackError::at(
                    file,
                    line(value.span()),
                    &format!("questions[{i}].{key}"),
                    format!("empty {key}"),
                ));
            } else if v.chars().count() > max {
                errors.push(PackError::at(
                    file,
                    line(value.span()),
                    &format!("questions[{i}].{key}"),
                    format!(
                        "{key} is {} characters, the limit is {max}",
                        v.chars().count()
                    ),
                ));
            }
        }
        if let Some(h) = &q.hint {
            if h.get_ref().chars().count() > MAX_NOTE_LEN {
                errors.push(PackError::at(
                    file,
                    line(h.span()),
                    &format!("questions[{i}].hint"),
                    format!("hint is longer than {MAX_NOTE_LEN} characters"),
                ));
            }
        }
        let mut compile_all = |key: &str, patterns: &[Spanned<String>]| -> Vec<regex::Regex> {
            let mut out = Vec::new();
            for (k, p) in patterns.iter().enumerate() {
                match compile_cue(p.get_ref()) {
                    Ok(r) => out.push(r),
                    Err(msg) => errors.push(PackError::at(
                        file,
                        line(p.span()),
                        &format!("questions[{i}].{key}[{k}]"),
                        msg,
                    )),
                }
            }
            out
        };
        let when = When {
            applies_when: compile_all("applies_when", &q.applies_when),
            unless: compile_all("unless", &q.unless),
            cues: compile_all("cues", &q.cues),
        };
        if let Some(same) = &q.same_as
            && (same.get_ref() == id || !valid_id(same.get_ref()))
        {
            errors.push(PackError::at(
                file,
                line(same.span()),
                &format!("questions[{i}].same_as"),
                format!("'{}' must be the id of another question", same.get_ref()),
            ));
        }
        if let Some(category) = category {
            question_lines.push(line(q.id.span()));
            questions.push(Question {
                id: id.clone(),
                category,
                text: q.text.get_ref().trim().to_string(),
                why: q.why.get_ref().trim().to_string(),
                critical: q.critical,
                hint: q
                    .hint
                    .as_ref()
                    .map(|h| h.get_ref().trim().to_string())
                    .filter(|h| !h.is_empty()),
                when,
                same_as: q.same_as.as_ref().map(|s| s.get_ref().clone()),
            });
        }
    }

    match kind {
        Some(kind) if errors.is_empty() => Ok(Pack {
            id_line: line(raw.id.span()),
            question_lines,
            id: raw.id.into_inner(),
            name: raw.name.into_inner().trim().to_string(),
            description: raw.description.trim().to_string(),
            kind,
            cues,
            questions,
            source: file.to_string(),
        }),
        _ => Err(errors),
    }
}

/// Loads every `*.toml` in `dir`, sorted by file name, collecting every error.
pub(crate) fn load_dir(dir: &Path) -> Result<Vec<Pack>, Vec<PackError>> {
    let display = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![PackError::at(
            &display,
            0,
            "",
            format!("cannot read the packs folder: {e}"),
        )]
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut packs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        let name = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(src) => match parse_pack(&name, &src) {
                Ok(p) => packs.push(p),
                Err(mut e) => errors.append(&mut e),
            },
            Err(e) => errors.push(PackError::at(&name, 0, "", format!("cannot read: {e}"))),
        }
    }
    if errors.is_empty() {
        Ok(packs)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "id = \"p\"\nname = \"P\"\ndescription = \"d\"\nkind = \"domain\"\n";

    fn q(id: &str, category: &str, text: &str) -> String {
        format!(
            "[[questions]]\nid = \"{id}\"\ncategory = \"{category}\"\ntext = \"{text}\"\nwhy = \"because\"\n"
        )
    }

    fn errors_of(src: &str) -> Vec<String> {
        parse_pack("x.toml", src)
            .expect_err("expected errors")
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    #[test]
    fn a_valid_pack_parses_with_its_fields() {
        let src = format!(
            "{HEAD}[[cues]]\npattern = 'refund'\nweight = 1.5\n{}critical = true\nhint = \"a key\"\n",
            q("p.one", "errors", "What key?")
        );
        let p = parse_pack("x.toml", &src).unwrap();
        assert_eq!(p.kind, PackKind::Domain);
        assert_eq!(p.cues[0].weight, 1.5);
        assert!(
            p.cues[0].regex.is_match("REFUND"),
            "cues are case-insensitive"
        );
        assert!(p.questions[0].critical);
        assert_eq!(p.questions[0].hint.as_deref(), Some("a key"));
    }

    #[test]
    fn word_boundaries_become_ascii_and_escaped_backslashes_stay() {
        assert_eq!(ascii_word_boundaries(r"\bref\B"), r"(?-u:\b)ref(?-u:\B)");
        assert_eq!(ascii_word_boundaries(r"a\\b"), r"a\\b");
        let re = compile_cue(r"\brefund\b").unwrap();
        assert!(re.is_match("a REFUND, please"));
        assert!(re.is_match("café refund"));
        assert!(!re.is_match("refunded"));
    }

    #[test]
    fn duplicate_question_ids_name_both_lines() {
        let src = format!(
            "{HEAD}{}{}",
            q("p.a", "api", "One?"),
            q("p.a", "api", "Two?")
        );
        let e = errors_of(&src);
        assert_eq!(
            e,
            vec!["x.toml:11: questions[1].id: duplicate question id 'p.a' (first on line 6)"]
        );
    }

    #[test]
    fn an_invalid_regex_names_file_line_and_key() {
        let src = format!(
            "{HEAD}[[cues]]\npattern = 'add ('\nweight = 1.0\n{}",
            q("p.a", "api", "A?")
        );
        let e = errors_of(&src);
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("x.toml:6: cues[0].pattern: invalid regular expression"),
            "{}",
            e[0]
        );
    }

    #[test]
    fn an_oversized_regex_is_rejected() {
        let src = format!(
            "{HEAD}[[cues]]\npattern = '\\w{{500}}\\w{{500}}'\nweight = 1.0\n{}",
            q("p.a", "api", "A?")
        );
        let e = errors_of(&src);
        assert!(
            e[0].contains("cues[0].pattern: pattern compiles to more than"),
            "{e:?}"
        );
    }

    #[test]
    fn an_unknown_category_lists_the_known_ones() {
        let e = errors_of(&format!("{HEAD}{}", q("p.a", "vibes", "A?")));
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("x.toml:7: questions[0].category: unknown category 'vibes'"),
            "{}",
            e[0]
        );
        assert!(e[0].contains("data_model"));
    }

    #[test]
    fn empty_text_is_rejected() {
        let e = errors_of(&format!("{HEAD}{}", q("p.a", "api", "  ")));
        assert_eq!(e, vec!["x.toml:8: questions[0].text: empty text"]);
    }

    #[test]
    fn a_toml_syntax_error_names_the_line() {
        let e = errors_of("id = \"p\"\nname = \n");
        assert!(e[0].starts_with("x.toml:2: "), "{}", e[0]);
    }

    #[test]
    fn a_control_character_in_a_comment_is_named() {
        let e = errors_of("# a comment\u{7f}\nid = \"p\"\n");
        assert_eq!(
            e,
            vec!["x.toml:1: control character U+007F is not allowed here"]
        );
    }

    #[test]
    fn an_unknown_key_is_rejected() {
        let e = errors_of(&format!(
            "{HEAD}colour = \"red\"\n{}",
            q("p.a", "api", "A?")
        ));
        assert!(e[0].contains("colour"), "{}", e[0]);
        assert!(e[0].starts_with("x.toml:5:"), "{}", e[0]);
    }

    #[test]
    fn an_unknown_kind_and_bad_id_are_both_reported() {
        let src = "id = \"Bad Id\"\nname = \"P\"\ndescription = \"d\"\nkind = \"misc\"\n"
            .to_string()
            + &q("p.a", "api", "A?");
        let e = errors_of(&src);
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e[0].starts_with("x.toml:1: id:"));
        assert!(e[1].starts_with("x.toml:4: kind: unknown kind 'misc'"));
    }
}
