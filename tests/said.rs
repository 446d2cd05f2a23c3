//! What was already said: suggested answers and the team's own open questions, measured
//! on labeled design conversations (`tests/fixtures/said.toml`). Each fixture names the
//! (question, message) pairs a senior engineer accepts as "that message answers that
//! question", the team's questions that were left open, and questions that must not join
//! (answered later, rhetorical, small talk). Labels were written by someone who had not
//! seen the rules. The report (`cargo test --test said -- --nocapture`) gives, on the
//! standard checklist each conversation gets:
//! - suggestions found: labeled pairs whose question is in the checklist and got that message;
//! - suggestions right: suggestions offered that match a labeled pair;
//! - team questions found / right, likewise.
//!
//! `SAID_FIXTURES=file` measures another file of the same format (the held-out one is
//! `tests/fixtures/said_holdout.toml`, measured once at the end of a change);
//! `SAID_VERBOSE=1` prints every miss.

use plancheck::detect::PackRanker;
use plancheck::ids::{MessageId, UserId};
use plancheck::packs::PackSet;
use plancheck::plan::compose::compose;
use plancheck::plan::said::{Line, TEAM_PACK};
use plancheck::plan::select::Depth;
use plancheck::plan::{Author, PlanQuestion};
use serde::Deserialize;
use std::collections::{BTreeSet, HashMap};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixtures {
    fixture: Vec<Fixture>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    /// A design-corpus row (`prompts/training/design/*.jsonl`): its conversation from
    /// `feature_from` on.
    #[serde(default)]
    source: Option<String>,
    /// Or a conversation of its own.
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    messages: Vec<String>,
    #[serde(default)]
    suggested: Vec<Pair>,
    #[serde(default)]
    team_questions: Vec<String>,
    #[serde(default)]
    not_team_questions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Pair {
    question: String,
    /// A substring of the message that answers it.
    message: String,
}

#[derive(Deserialize)]
struct Row {
    id: String,
    messages: Vec<String>,
    #[serde(default)]
    feature_from: usize,
}

/// The design corpus by row id.
fn corpus() -> HashMap<String, Row> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/prompts/training/design");
    let mut rows = HashMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            for line in std::fs::read_to_string(&path).unwrap().lines() {
                let row: Row = serde_json::from_str(line).unwrap();
                rows.insert(row.id.clone(), row);
            }
        }
    }
    rows
}

fn fixtures() -> (String, Vec<Fixture>) {
    let path = std::env::var("SAID_FIXTURES").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/said.toml").into()
    });
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let f: Fixtures = toml::from_str(&src).unwrap_or_else(|e| panic!("{path}: {e}"));
    (path, f.fixture)
}

/// The conversation of a fixture: "name: text" messages, one author per name.
fn conversation(f: &Fixture, corpus: &HashMap<String, Row>) -> (String, Vec<String>) {
    match &f.source {
        Some(id) => {
            let row = corpus
                .get(id)
                .unwrap_or_else(|| panic!("no corpus row {id}"));
            (id.clone(), row.messages[row.feature_from..].to_vec())
        }
        None => (
            f.name.clone().expect("a fixture has a source or a name"),
            f.messages.clone(),
        ),
    }
}

fn lines(messages: &[String]) -> Vec<Line> {
    let mut ids: HashMap<String, u64> = HashMap::new();
    messages
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let (name, text) = m.split_once(": ").unwrap_or(("?", m));
            let next = ids.len() as u64 + 1;
            let id = *ids.entry(name.to_lowercase()).or_insert(next);
            Line::new(
                MessageId(i as u64 + 1),
                Author {
                    id: UserId(id),
                    name: name.to_string(),
                },
                text,
            )
        })
        .collect()
}

/// The index of the message holding `needle`.
fn message_of(lines: &[Line], needle: &str) -> Option<usize> {
    lines.iter().position(|l| l.text.contains(needle))
}

#[derive(Default)]
struct Tally {
    fixtures: usize,
    sizes: Vec<usize>,
    expected: usize,
    expected_in_checklist: usize,
    found: usize,
    offered: usize,
    right: usize,
    team_expected: usize,
    team_found: usize,
    team_offered: usize,
    team_right: usize,
    not_team: usize,
    not_team_kept_out: usize,
    misses: Vec<String>,
}

fn measure(set: &PackSet, fixtures: &[Fixture]) -> Tally {
    let ranker = PackRanker::new(set);
    let corpus = corpus();
    let mut t = Tally::default();
    for f in fixtures {
        let (label, messages) = conversation(f, &corpus);
        let lines = lines(&messages);
        let c = compose(
            set,
            &ranker,
            &lines,
            None,
            &BTreeSet::new(),
            Depth::Standard,
        )
        .unwrap_or_else(|e| panic!("{label}: {e}"));
        t.fixtures += 1;
        t.sizes.push(c.questions.len());
        let in_checklist = |id: &str| -> Option<&PlanQuestion> {
            c.questions
                .iter()
                .find(|q| q.id == id || set.group_of(&q.id) == set.group_of(id))
        };
        let labeled: Vec<(String, usize)> = f
            .suggested
            .iter()
            .map(|p| {
                let at = message_of(&lines, &p.message)
                    .unwrap_or_else(|| panic!("{label}: no message holds {:?}", p.message));
                (set.group_of(&p.question).to_string(), at)
            })
            .collect();
        // Suggestions: labeled pairs found, offered ones right.
        let mut seen_questions = BTreeSet::new();
        for p in &f.suggested {
            t.expected += 1;
            let Some(q) = in_checklist(&p.question) else {
                continue;
            };
            if !seen_questions.insert(q.id.clone()) {
                // Several messages may answer one question; one suggestion is enough.
                t.expected -= 1;
                continue;
            }
            t.expected_in_checklist += 1;
            let wanted: Vec<usize> = labeled
                .iter()
                .filter(|(g, _)| g == set.group_of(&q.id))
                .map(|(_, at)| *at)
                .collect();
            let got = q.suggested.as_ref().map(|s| (s.message.0 - 1) as usize);
            if got.is_some_and(|g| wanted.contains(&g)) {
                t.found += 1;
            } else {
                t.misses.push(format!(
                    "{label}: {} not suggested from {:?} (got {:?})",
                    q.id,
                    p.message,
                    q.suggested.as_ref().map(|s| &s.text)
                ));
            }
        }
        for q in c.questions.iter().filter(|q| q.suggested.is_some()) {
            let s = q.suggested.as_ref().unwrap();
            t.offered += 1;
            let at = (s.message.0 - 1) as usize;
            if labeled
                .iter()
                .any(|(g, m)| g == set.group_of(&q.id) && *m == at)
            {
                t.right += 1;
            } else {
                t.misses
                    .push(format!("{label}: {} wrongly suggested {:?}", q.id, s.text));
            }
        }
        // The team's questions.
        let team: Vec<&PlanQuestion> = c
            .questions
            .iter()
            .filter(|q| q.pack_id == TEAM_PACK)
            .collect();
        let matches = |q: &PlanQuestion, needle: &str| {
            q.text.contains(needle) || needle.contains(q.text.trim_end_matches('?'))
        };
        for want in &f.team_questions {
            assert!(
                message_of(&lines, want).is_some(),
                "{label}: no message holds {want:?}"
            );
            t.team_expected += 1;
            if team.iter().any(|q| matches(q, want)) {
                t.team_found += 1;
            } else {
                t.misses
                    .push(format!("{label}: team question {want:?} not found"));
            }
        }
        for not in &f.not_team_questions {
            assert!(
                message_of(&lines, not).is_some(),
                "{label}: no message holds {not:?}"
            );
            t.not_team += 1;
            if team.iter().any(|q| matches(q, not)) {
                t.misses.push(format!(
                    "{label}: {not:?} wrongly joined as a team question"
                ));
            } else {
                t.not_team_kept_out += 1;
            }
        }
        for q in &team {
            t.team_offered += 1;
            if f.team_questions.iter().any(|w| matches(q, w)) {
                t.team_right += 1;
            } else if !f.not_team_questions.iter().any(|n| matches(q, n)) {
                t.misses
                    .push(format!("{label}: unlabeled team question {:?}", q.text));
            }
        }
    }
    t
}

fn percent(n: usize, of: usize) -> f64 {
    if of == 0 {
        100.0
    } else {
        100.0 * n as f64 / of as f64
    }
}

fn report(path: &str, t: &Tally) {
    let mut sizes = t.sizes.clone();
    sizes.sort_unstable();
    let median = sizes.get(sizes.len() / 2).copied().unwrap_or(0);
    println!(
        "\nwhat was already said: {} conversations ({path})",
        t.fixtures
    );
    println!(
        "  suggested answers found: {}/{} labeled pairs whose question is in the checklist ({:.1} %; {} labeled in all)",
        t.found,
        t.expected_in_checklist,
        percent(t.found, t.expected_in_checklist),
        t.expected
    );
    println!(
        "  suggested answers right: {}/{} offered ({:.1} %)",
        t.right,
        t.offered,
        percent(t.right, t.offered)
    );
    println!(
        "  team questions found:    {}/{} ({:.1} %)",
        t.team_found,
        t.team_expected,
        percent(t.team_found, t.team_expected)
    );
    println!(
        "  team questions right:    {}/{} offered ({:.1} %)",
        t.team_right,
        t.team_offered,
        percent(t.team_right, t.team_offered)
    );
    println!(
        "  not-team questions kept out: {}/{} ({:.1} %)",
        t.not_team_kept_out,
        t.not_team,
        percent(t.not_team_kept_out, t.not_team)
    );
    println!(
        "  standard checklist size with the team's questions: median {median}, largest {}",
        sizes.last().copied().unwrap_or(0)
    );
    if std::env::var_os("SAID_VERBOSE").is_some() {
        for m in &t.misses {
            println!("    {m}");
        }
    }
}

#[test]
fn every_fixture_names_known_questions_and_real_messages() {
    let set = PackSet::shipped().unwrap();
    let corpus = corpus();
    let (_, all) = fixtures();
    if std::env::var_os("SAID_FIXTURES").is_none() {
        assert!(all.len() >= 40, "only {} fixtures", all.len());
    }
    let mut problems = Vec::new();
    for f in &all {
        if f.source.is_some() == f.name.is_some() {
            problems.push(format!(
                "{:?}/{:?}: give a source or a name",
                f.source, f.name
            ));
            continue;
        }
        let (label, messages) = conversation(f, &corpus);
        let lines = lines(&messages);
        for p in &f.suggested {
            if !set
                .iter()
                .any(|pk| pk.questions.iter().any(|q| q.id == p.question))
            {
                problems.push(format!("{label}: unknown question {}", p.question));
            }
            if message_of(&lines, &p.message).is_none() {
                problems.push(format!("{label}: no message holds {:?}", p.message));
            }
        }
        for s in f.team_questions.iter().chain(&f.not_team_questions) {
            if message_of(&lines, s).is_none() {
                problems.push(format!("{label}: no message holds {s:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn suggestions_and_team_questions_on_labeled_conversations() {
    let set = PackSet::shipped().unwrap();
    let (path, all) = fixtures();
    let t = measure(&set, &all);
    report(&path, &t);
    // Floors a little under what the rules reach on these fixtures (see the report), so a
    // change that makes either feature noisier or blinder fails here.
    let (found, right) = (
        percent(t.found, t.expected_in_checklist),
        percent(t.right, t.offered),
    );
    let (team_found, team_right) = (
        percent(t.team_found, t.team_expected),
        percent(t.team_right, t.team_offered),
    );
    assert!(
        t.offered > 0 && t.team_offered > 0,
        "nothing offered at all"
    );
    assert!(found >= FLOOR_FOUND, "suggestions found {found:.1} %");
    assert!(right >= FLOOR_RIGHT, "suggestions right {right:.1} %");
    assert!(
        team_found >= FLOOR_TEAM_FOUND,
        "team questions found {team_found:.1} %"
    );
    assert!(
        team_right >= FLOOR_TEAM_RIGHT,
        "team questions right {team_right:.1} %"
    );
    assert!(
        t.sizes
            .iter()
            .all(|n| *n <= plancheck::plan::select::STANDARD_MAX),
        "a standard checklist grew past its size"
    );
}

// Measured on tests/fixtures/said.toml when the rules were written: suggestions found
// 38.9 %, right 53.2 %; team questions found 66.7 %, right 72.0 %.
const FLOOR_FOUND: f64 = 34.0;
const FLOOR_RIGHT: f64 = 47.0;
const FLOOR_TEAM_FOUND: f64 = 58.0;
const FLOOR_TEAM_RIGHT: f64 = 62.0;
