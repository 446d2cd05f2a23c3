//! Anti-pattern nudges (`prompts/nudges.toml`): which of the seed's anti-patterns a
//! conversation heads for, and the short note that says the fix. Pure: text in, nudges out.
//!
//! A nudge fires when one of its cues matches within a sentence, the speaker is not
//! rejecting it (no `rejecting` phrase earlier in the same clause, no `resolved` phrase
//! after it), and none of its `unless` cues matches anywhere in the text.

use crate::packs::PackError;
use regex::{Regex, RegexSet, RegexSetBuilder};
use serde::Deserialize;
use toml::Spanned;

/// Longest nudge id: it travels in a button's `custom_id` (100 characters).
pub const MAX_ID_LEN: usize = 48;
/// Longest name: it is shown on a button (80 characters) after "Not helpful: ".
pub const MAX_NAME_LEN: usize = 60;
/// Longest note: one short line under a prompt or in a thread.
pub const MAX_NOTE_LEN: usize = 240;
/// How many words before a cue a rejection still counts ("I don't think we should just…").
const REJECT_WORDS: usize = 8;

/// One anti-pattern: what it is called and the fix the note says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nudge {
    pub id: String,
    pub name: String,
    pub note: String,
}

impl Nudge {
    /// The note as one line, as the bot and the console say it.
    pub fn line(&self) -> String {
        format!("💡 Note ({}): {}", self.name, self.note)
    }
}

/// The nudges of a file, compiled once.
#[derive(Debug, Clone)]
pub struct Nudges {
    nudges: Vec<Nudge>,
    /// Every cue of every nudge: a message that matches none costs one scan.
    set: RegexSet,
    /// `(nudge index, cue)`, in the order of `set`.
    cues: Vec<(usize, Regex)>,
    /// Per nudge, its `unless` cues (None: it has none).
    unless: Vec<Option<RegexSet>>,
    rejecting: Option<RegexSet>,
    resolved: Option<RegexSet>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    rejecting: Vec<Spanned<String>>,
    #[serde(default)]
    resolved: Vec<Spanned<String>>,
    #[serde(default)]
    nudge: Vec<RawNudge>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNudge {
    id: Spanned<String>,
    name: Spanned<String>,
    cues: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    unless: Vec<Spanned<String>>,
    note: Spanned<String>,
}

/// The shipped nudges.
pub const SHIPPED: &str = include_str!("../../prompts/nudges.toml");

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Compiles a list of patterns (each checked on its own, so an error names its line).
fn compile_list(
    file: &str,
    src: &str,
    key: &str,
    list: &[Spanned<String>],
    errors: &mut Vec<PackError>,
) -> Vec<Regex> {
    use crate::packs::{compile_cue, line_of};
    let mut out = Vec::new();
    for (i, p) in list.iter().enumerate() {
        match compile_cue(p.get_ref()) {
            Ok(re) => out.push(re),
            Err(msg) => errors.push(PackError::at(
                file,
                line_of(src, p.span().start),
                &format!("{key}[{i}]"),
                msg,
            )),
        }
    }
    out
}

fn set_of(file: &str, regexes: &[Regex]) -> Result<RegexSet, Vec<PackError>> {
    RegexSetBuilder::new(regexes.iter().map(Regex::as_str))
        .case_insensitive(true)
        .size_limit(8 * 1024 * 1024)
        .build()
        .map_err(|e| {
            vec![PackError::at(
                file,
                0,
                "",
                format!("cannot compile the nudge cues: {e}"),
            )]
        })
}

impl Nudges {
    pub fn shipped() -> Result<Nudges, Vec<PackError>> {
        Nudges::parse("prompts/nudges.toml", SHIPPED)
    }

    /// No nudges at all.
    pub fn empty() -> Nudges {
        Nudges {
            nudges: Vec::new(),
            set: RegexSet::empty(),
            cues: Vec::new(),
            unless: Vec::new(),
            rejecting: None,
            resolved: None,
        }
    }

    /// Parses and validates a nudges file; every error names the file, line and key.
    pub fn parse(file: &str, src: &str) -> Result<Nudges, Vec<PackError>> {
        use crate::packs::{line_of, parse_toml};
        let raw: RawFile = parse_toml(file, src)?;
        let mut errors = Vec::new();
        let line = |span: std::ops::Range<usize>| line_of(src, span.start);
        let rejecting = compile_list(file, src, "rejecting", &raw.rejecting, &mut errors);
        let resolved = compile_list(file, src, "resolved", &raw.resolved, &mut errors);
        let mut nudges = Vec::new();
        let mut cues = Vec::new();
        let mut unless = Vec::new();
        for (i, n) in raw.nudge.iter().enumerate() {
            let key = |k: &str| format!("nudge[{i}].{k}");
            let id = n.id.get_ref().trim();
            if !valid_id(id) {
                errors.push(PackError::at(
                    file,
                    line(n.id.span()),
                    &key("id"),
                    format!(
                        "'{id}' is not a valid id (lowercase letters, digits and `_`, at most {MAX_ID_LEN})"
                    ),
                ));
            } else if nudges.iter().any(|x: &Nudge| x.id == id) {
                errors.push(PackError::at(
                    file,
                    line(n.id.span()),
                    &key("id"),
                    format!("'{id}' is used by an earlier nudge"),
                ));
            }
            for (k, value, max) in [
                ("name", &n.name, MAX_NAME_LEN),
                ("note", &n.note, MAX_NOTE_LEN),
            ] {
                let v = value.get_ref().trim();
                let chars = v.chars().count();
                if v.is_empty() || chars > max || v.contains('\n') {
                    errors.push(PackError::at(
                        file,
                        line(value.span()),
                        &key(k),
                        format!("must be one line of 1 to {max} characters (it has {chars})"),
                    ));
                }
            }
            if n.cues.get_ref().is_empty() {
                errors.push(PackError::at(
                    file,
                    line(n.cues.span()),
                    &key("cues"),
                    "a nudge needs at least one cue",
                ));
            }
            for re in compile_list(file, src, &key("cues"), n.cues.get_ref(), &mut errors) {
                cues.push((nudges.len(), re));
            }
            let u = compile_list(file, src, &key("unless"), &n.unless, &mut errors);
            unless.push(u);
            nudges.push(Nudge {
                id: id.to_string(),
                name: n.name.get_ref().trim().to_string(),
                note: n.note.get_ref().trim().to_string(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let just: Vec<Regex> = cues.iter().map(|(_, re)| re.clone()).collect();
        let optional = |list: &[Regex]| -> Result<Option<RegexSet>, Vec<PackError>> {
            if list.is_empty() {
                Ok(None)
            } else {
                set_of(file, list).map(Some)
            }
        };
        Ok(Nudges {
            set: set_of(file, &just)?,
            cues,
            unless: unless
                .iter()
                .map(|u| optional(u))
                .collect::<Result<_, _>>()?,
            rejecting: optional(&rejecting)?,
            resolved: optional(&resolved)?,
            nudges,
        })
    }

    pub fn iter(&self) -> impl Iterator<Item = &Nudge> {
        self.nudges.iter()
    }

    pub fn len(&self) -> usize {
        self.nudges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nudges.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Nudge> {
        self.nudges.iter().find(|n| n.id == id)
    }

    /// Whether `text` (as written, or its prose) may fire a nudge: false for almost every
    /// message, at the cost of one scan, so callers skip normalising it. Every cue match
    /// within a sentence is a match in the whole text (cues that end a sentence also
    /// accept its end mark), so only text that normalising joins up could be missed.
    pub fn may_fire(&self, text: &str) -> bool {
        self.set.is_match(text)
    }

    /// The nudges `texts` fire (messages' prose: code, quotes and URLs removed), in the
    /// file's order, each once. `unless` cues are read across all of `texts`.
    pub fn fired<S: AsRef<str>>(&self, texts: &[S]) -> Vec<&Nudge> {
        let mut hit = vec![false; self.nudges.len()];
        for text in texts {
            let text = text.as_ref();
            if !self.may_fire(text) {
                continue;
            }
            for sentence in sentences(text) {
                let matches = self.set.matches(sentence);
                if !matches.matched_any() {
                    continue;
                }
                for i in matches.iter() {
                    let (nudge, re) = &self.cues[i];
                    if hit[*nudge] {
                        continue;
                    }
                    hit[*nudge] = re
                        .find_iter(sentence)
                        .any(|m| self.meant(sentence, m.start(), m.end()));
                }
            }
        }
        self.nudges
            .iter()
            .enumerate()
            .filter(|(i, _)| hit[*i])
            .filter(|(i, _)| {
                self.unless[*i]
                    .as_ref()
                    .is_none_or(|u| !texts.iter().any(|t| u.is_match(t.as_ref())))
            })
            .map(|(_, n)| n)
            .collect()
    }

    /// Whether the cue matched at `start..end` of `sentence` is said, not rejected: no
    /// rejecting phrase in the same clause before it (within a few words), no resolved
    /// phrase after it.
    fn meant(&self, sentence: &str, start: usize, end: usize) -> bool {
        let before = sentence[..start].to_ascii_lowercase();
        let clause = clause_tail(&before);
        // "why not just put Redis in front?" proposes it.
        let clause = clause.replace("why not", "");
        if self.rejecting.as_ref().is_some_and(|r| r.is_match(&clause)) {
            return false;
        }
        !self
            .resolved
            .as_ref()
            .is_some_and(|r| r.is_match(&sentence[end..]))
    }
}

/// A text's sentences: split at `.`, `!`, `?`, `;` and line ends.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    text.split(['.', '!', '?', ';', '\n'])
        .filter(|s| !s.trim().is_empty())
}

/// The end of the clause `before` ends in (after its last comma, colon, dash, bracket or
/// " but "), at most [`REJECT_WORDS`] words.
fn clause_tail(before: &str) -> &str {
    let mut from = before.rfind([',', ':', '(', '—', '–']).map_or(0, |i| {
        i + before[i..].chars().next().map_or(1, char::len_utf8)
    });
    if let Some(i) = before[from..].rfind(" but ") {
        from += i + " but ".len();
    }
    let tail = &before[from..];
    let starts: Vec<usize> = tail
        .char_indices()
        .filter(|(i, c)| {
            !c.is_whitespace() && (*i == 0 || tail[..*i].ends_with(char::is_whitespace))
        })
        .map(|(i, _)| i)
        .collect();
    match starts.len().checked_sub(REJECT_WORDS) {
        Some(k) if k > 0 => &tail[starts[k]..],
        _ => tail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = "[[nudge]]\nid = \"cache\"\nname = \"Cache first\"\ncues = ['\\bput redis in front\\b']\nunless = ['\\bp99\\b']\nnote = \"Measure first.\"\n";

    fn fired(n: &Nudges, text: &str) -> Vec<String> {
        n.fired(&[text]).iter().map(|n| n.id.clone()).collect()
    }

    #[test]
    fn the_shipped_nudges_load_and_name_the_seeds_anti_patterns() {
        let n = Nudges::shipped().unwrap();
        for id in [
            "cache_before_measuring",
            "n_plus_one",
            "fat_controller",
            "god_service",
            "index_just_in_case",
        ] {
            assert!(n.get(id).is_some(), "{id}");
        }
    }

    #[test]
    fn a_cue_fires_and_an_unless_cue_anywhere_silences_it() {
        let n = Nudges::parse("n.toml", ONE).unwrap();
        assert_eq!(fired(&n, "ok, put Redis in front of it"), ["cache"]);
        assert!(fired(&n, "p99 is 2s. Put redis in front").is_empty());
        assert!(
            n.fired(&["put redis in front", "p99 says so"]).is_empty(),
            "unless reads the whole conversation"
        );
        assert!(fired(&n, "redis is fine").is_empty());
    }

    #[test]
    fn a_rejection_in_the_same_clause_before_the_cue_cancels_it() {
        let src = format!("rejecting = ['\\bnot\\b']\nresolved = ['\\bis fixed\\b']\n{ONE}");
        let n = Nudges::parse("n.toml", &src).unwrap();
        assert!(fired(&n, "let's not put redis in front").is_empty());
        assert!(fired(&n, "put redis in front is fixed").is_empty());
        assert_eq!(fired(&n, "not sure, but put redis in front"), ["cache"]);
        assert_eq!(fired(&n, "why not put redis in front?"), ["cache"]);
        assert_eq!(
            fired(&n, "not that one. Put redis in front"),
            ["cache"],
            "another sentence"
        );
        assert_eq!(
            fired(
                &n,
                "not a problem for the team today and honestly we should just put redis in front"
            ),
            ["cache"],
            "too many words before"
        );
    }

    #[test]
    fn errors_name_the_file_line_and_key() {
        let src = ONE.replace("\\bput redis in front\\b", "a(");
        let e = Nudges::parse("n.toml", &src).unwrap_err();
        assert!(
            e[0].to_string()
                .starts_with("n.toml:4: nudge[0].cues[0]: invalid regular expression"),
            "{}",
            e[0]
        );
        let src = ONE.replace("id = \"cache\"", "id = \"Cache!\"");
        let e = Nudges::parse("n.toml", &src).unwrap_err();
        assert!(
            e[0].to_string()
                .starts_with("n.toml:2: nudge[0].id: 'Cache!'"),
            "{}",
            e[0]
        );
        let src = ONE.replace("note = \"Measure first.\"", "note = \"\"");
        let e = Nudges::parse("n.toml", &src).unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "n.toml:6: nudge[0].note: must be one line of 1 to 240 characters (it has 0)"
        );
        let e = Nudges::parse("n.toml", &format!("{ONE}{ONE}")).unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "n.toml:8: nudge[1].id: 'cache' is used by an earlier nudge"
        );
        let e = Nudges::parse("n.toml", &ONE.replace("note =", "nots =")).unwrap_err();
        assert!(e[0].to_string().contains("nots"), "{}", e[0]);
        let e = Nudges::parse(
            "n.toml",
            &ONE.replace("cues = ['\\bput redis in front\\b']", "cues = []"),
        )
        .unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "n.toml:4: nudge[0].cues: a nudge needs at least one cue"
        );
    }
}
