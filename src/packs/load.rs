//! Parsing and validation of pack files. Every error names the file, line and key.

use super::lazy::LazyRegex;
use super::model::{Category, Cue, Pack, PackKind, Question, Reading, When};
use super::reading;
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
    reading: Option<Spanned<Vec<RawReading>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReading {
    title: Spanned<String>,
    url: Spanned<String>,
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

/// Where errors of one file go, and how byte offsets become lines.
struct Ctx<'a> {
    file: &'a str,
    src: &'a str,
    errors: Vec<PackError>,
}

impl Ctx<'_> {
    fn line(&self, span: std::ops::Range<usize>) -> usize {
        line_of(self.src, span.start)
    }

    fn error(&mut self, span: std::ops::Range<usize>, key: &str, message: impl Into<String>) {
        let line = self.line(span);
        self.errors
            .push(PackError::at(self.file, line, key, message));
    }
}

fn invalid_id(id: &str) -> String {
    format!(
        "'{id}' is not a valid id (lowercase letters, digits, '.', '_', '-', at most {MAX_ID_LEN})"
    )
}

/// Parses and validates one pack file. `file` is the name used in errors.
pub fn parse_pack(file: &str, src: &str) -> Result<Pack, Vec<PackError>> {
    let raw: RawPack = parse_toml(file, src)?;
    let mut cx = Ctx {
        file,
        src,
        errors: Vec::new(),
    };
    let kind = check_head(&mut cx, &raw);
    let cues = parse_cues(&mut cx, &raw.cues);
    if raw.questions.is_empty() {
        cx.errors.push(PackError::at(
            file,
            0,
            "questions",
            "a pack needs at least one question",
        ));
    }
    let mut questions: Vec<Question> = Vec::new();
    let mut question_lines: Vec<usize> = Vec::new();
    for (i, q) in raw.questions.iter().enumerate() {
        check_unique_id(&mut cx, &raw.questions, i);
        if let Some(question) = parse_question(&mut cx, i, q) {
            question_lines.push(cx.line(q.id.span()));
            questions.push(question);
        }
    }
    match kind {
        Some(kind) if cx.errors.is_empty() => Ok(Pack {
            id_line: cx.line(raw.id.span()),
            question_lines,
            id: raw.id.into_inner(),
            name: raw.name.into_inner().trim().to_string(),
            description: raw.description.trim().to_string(),
            kind,
            cues,
            questions,
            source: file.to_string(),
        }),
        _ => Err(cx.errors),
    }
}

/// The pack's `id`, `name` and `kind`; the kind when it is known.
fn check_head(cx: &mut Ctx<'_>, raw: &RawPack) -> Option<PackKind> {
    if !valid_id(raw.id.get_ref()) {
        cx.error(raw.id.span(), "id", invalid_id(raw.id.get_ref()));
    }
    if raw.name.get_ref().trim().is_empty() {
        cx.error(raw.name.span(), "name", "empty name");
    }
    let kind = PackKind::parse(raw.kind.get_ref());
    if kind.is_none() {
        cx.error(
            raw.kind.span(),
            "kind",
            format!(
                "unknown kind '{}' (expected core, domain or integration)",
                raw.kind.get_ref()
            ),
        );
    }
    kind
}

/// The pack's cues that compile; the others are errors.
fn parse_cues(cx: &mut Ctx<'_>, raw: &[RawCue]) -> Vec<Cue> {
    let mut cues = Vec::new();
    for (i, c) in raw.iter().enumerate() {
        match compile_cue(c.pattern.get_ref()) {
            Ok(regex) => {
                let w = *c.weight.get_ref();
                if !w.is_finite() || !(-10.0..=10.0).contains(&w) || w == 0.0 {
                    cx.error(
                        c.weight.span(),
                        &format!("cues[{i}].weight"),
                        format!("weight {w} must be non-zero and between -10 and 10"),
                    );
                }
                cues.push(Cue {
                    pattern: c.pattern.get_ref().clone(),
                    regex,
                    weight: w,
                });
            }
            Err(msg) => cx.error(c.pattern.span(), &format!("cues[{i}].pattern"), msg),
        }
    }
    cues
}

/// Question `i`'s id is valid and not used by an earlier question of the file.
fn check_unique_id(cx: &mut Ctx<'_>, all: &[RawQuestion], i: usize) {
    let q = &all[i];
    let id = q.id.get_ref();
    let key = format!("questions[{i}].id");
    if !valid_id(id) {
        cx.error(q.id.span(), &key, invalid_id(id));
    } else if let Some(first) = all[..i].iter().find(|o| o.id.get_ref() == id) {
        let first = cx.line(first.id.span());
        cx.error(
            q.id.span(),
            &key,
            format!("duplicate question id '{id}' (first on line {first})"),
        );
    }
}

/// Question `i`, when its category is known (its other errors are recorded either way).
fn parse_question(cx: &mut Ctx<'_>, i: usize, q: &RawQuestion) -> Option<Question> {
    let category = Category::parse(q.category.get_ref());
    if category.is_none() {
        let known: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        cx.error(
            q.category.span(),
            &format!("questions[{i}].category"),
            format!(
                "unknown category '{}' (expected one of: {})",
                q.category.get_ref(),
                known.join(", ")
            ),
        );
    }
    check_texts(cx, i, q);
    let when = When {
        applies_when: compile_all(cx, i, "applies_when", &q.applies_when),
        unless: compile_all(cx, i, "unless", &q.unless),
        cues: compile_all(cx, i, "cues", &q.cues),
    };
    let id = q.id.get_ref();
    if let Some(same) = &q.same_as
        && (same.get_ref() == id || !valid_id(same.get_ref()))
    {
        cx.error(
            same.span(),
            &format!("questions[{i}].same_as"),
            format!("'{}' must be the id of another question", same.get_ref()),
        );
    }
    let reading = parse_reading(cx, i, q.reading.as_ref());
    Some(Question {
        id: id.clone(),
        category: category?,
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
        reading,
    })
}

/// `text` and `why` are present and short; `hint` is short.
fn check_texts(cx: &mut Ctx<'_>, i: usize, q: &RawQuestion) {
    for (key, value, max) in [
        ("text", &q.text, MAX_QUESTION_LEN),
        ("why", &q.why, MAX_NOTE_LEN),
    ] {
        let v = value.get_ref().trim();
        let key_at = format!("questions[{i}].{key}");
        if v.is_empty() {
            cx.error(value.span(), &key_at, format!("empty {key}"));
        } else if v.chars().count() > max {
            let n = v.chars().count();
            cx.error(
                value.span(),
                &key_at,
                format!("{key} is {n} characters, the limit is {max}"),
            );
        }
    }
    if let Some(h) = &q.hint
        && h.get_ref().chars().count() > MAX_NOTE_LEN
    {
        cx.error(
            h.span(),
            &format!("questions[{i}].hint"),
            format!("hint is longer than {MAX_NOTE_LEN} characters"),
        );
    }
}

/// Question `i`'s patterns under `key` that compile (kept uncompiled until used, see
/// [`LazyRegex`]); the others are errors.
fn compile_all(
    cx: &mut Ctx<'_>,
    i: usize,
    key: &str,
    patterns: &[Spanned<String>],
) -> Vec<LazyRegex> {
    let mut out = Vec::new();
    for (k, p) in patterns.iter().enumerate() {
        match LazyRegex::checked(p.get_ref()) {
            Ok(r) => out.push(r),
            Err(msg) => cx.error(p.span(), &format!("questions[{i}].{key}[{k}]"), msg),
        }
    }
    out
}

/// Question `i`'s `reading` links that are valid; the others are errors.
fn parse_reading(
    cx: &mut Ctx<'_>,
    i: usize,
    raw: Option<&Spanned<Vec<RawReading>>>,
) -> Vec<Reading> {
    let Some(raw) = raw else {
        return Vec::new();
    };
    if raw.get_ref().len() > reading::MAX_READING {
        cx.error(
            raw.span(),
            &format!("questions[{i}].reading"),
            format!(
                "{} links, the limit is {}: keep the most precise ones",
                raw.get_ref().len(),
                reading::MAX_READING
            ),
        );
    }
    let mut out = Vec::new();
    for (k, r) in raw.get_ref().iter().enumerate() {
        match reading::parse(r.title.get_ref(), r.url.get_ref()) {
            Ok(link) => out.push(link),
            Err((field, msg)) => {
                let span = if field == "title" {
                    r.title.span()
                } else {
                    r.url.span()
                };
                cx.error(span, &format!("questions[{i}].reading[{k}].{field}"), msg);
            }
        }
    }
    out
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
    fn a_bad_question_pattern_is_refused_at_load_with_its_location() {
        // Question patterns are kept uncompiled until used, but still checked at load.
        let src = format!(
            "{HEAD}{}applies_when = ['ok']\nunless = ['(bad']\ncues = ['\\w{{500}}\\w{{500}}']\n",
            q("p.a", "api", "A?")
        );
        let e = errors_of(&src);
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(
            e[0].starts_with("x.toml:11: questions[0].unless[0]: invalid regular expression"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("x.toml:12: questions[0].cues[0]: pattern compiles to more than"),
            "{e:?}"
        );
        // The control: the same question with good patterns loads, uncompiled, and matches.
        let ok = format!(
            "{HEAD}{}applies_when = ['ok']\ncues = ['\\brefund\\b']\n",
            q("p.a", "api", "A?")
        );
        let p = parse_pack("x.toml", &ok).unwrap();
        let when = &p.questions[0].when;
        assert!(!when.cues[0].is_compiled());
        assert!(when.cues[0].is_match("a REFUND"));
        assert!(!when.cues[0].is_match("refunded"));
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

    fn with_reading(reading: &str) -> String {
        format!("{HEAD}{}reading = {reading}\n", q("p.a", "api", "A?"))
    }

    #[test]
    fn reading_links_parse_with_their_titles_and_urls() {
        let src = with_reading(
            r#"[{ title = " RFC 9457 ", url = "https://www.rfc-editor.org/rfc/rfc9457.html" }, { title = "AIP-193", url = "https://google.aip.dev/193" }]"#,
        );
        let p = parse_pack("x.toml", &src).unwrap();
        let r = &p.questions[0].reading;
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].title, "RFC 9457", "titles are trimmed");
        assert_eq!(r[0].url, "https://www.rfc-editor.org/rfc/rfc9457.html");
        assert_eq!(r[1].url, "https://google.aip.dev/193");
        let none = parse_pack("x.toml", &format!("{HEAD}{}", q("p.a", "api", "A?"))).unwrap();
        assert!(none.questions[0].reading.is_empty(), "reading is optional");
    }

    #[test]
    fn a_reading_url_without_https_names_file_line_and_key() {
        let e = errors_of(&with_reading(
            r#"[{ title = "RFC", url = "http://www.rfc-editor.org/rfc/rfc9110.html" }]"#,
        ));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("x.toml:10: questions[0].reading[0].url: 'http://"),
            "{}",
            e[0]
        );
        assert!(e[0].contains("not https"), "{}", e[0]);
    }

    #[test]
    fn a_relative_reading_url_names_file_line_and_key() {
        let src = format!(
            "{HEAD}{}reading = [\n  {{ title = \"Good\", url = \"https://google.aip.dev/158\" }},\n  {{ title = \"Docs\", url = \"/docs/current/indexes.html\" }},\n]\n",
            q("p.a", "api", "A?")
        );
        let e = errors_of(&src);
        assert_eq!(
            e,
            vec![
                "x.toml:12: questions[0].reading[1].url: '/docs/current/indexes.html' is not an absolute URL; links must start with https://"
            ]
        );
    }

    #[test]
    fn an_empty_reading_title_names_file_line_and_key() {
        let e = errors_of(&with_reading(
            r#"[{ title = "  ", url = "https://google.aip.dev/158" }]"#,
        ));
        assert_eq!(
            e,
            vec!["x.toml:10: questions[0].reading[0].title: empty title"]
        );
    }

    #[test]
    fn too_many_links_or_an_unknown_key_in_a_link_are_refused() {
        let link = r#"{ title = "T", url = "https://google.aip.dev/158" }"#;
        let e = errors_of(&with_reading(&format!("[{link}, {link}, {link}, {link}]")));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("x.toml:10: questions[0].reading: 4 links, the limit is 3"),
            "{}",
            e[0]
        );
        let e = errors_of(&with_reading(
            r#"[{ title = "T", url = "https://google.aip.dev/158", note = "x" }]"#,
        ));
        assert!(
            e[0].starts_with("x.toml:10:") && e[0].contains("note"),
            "{}",
            e[0]
        );
    }
}
