//! The right questions, not all of them: design conversations
//! (`tests/fixtures/checklists.toml`) and what their standard checklist must hold — the
//! packs that must fit (among the three best), the packs that must not, and three questions
//! a senior engineer would ask first. The figures are aggregate floors, printed as a report
//! (`cargo test --test checklists -- --nocapture`). `CHECKLISTS_VERBOSE=1` also prints every
//! checklist with its scores and the words that made each pack fit; `CHECKLISTS_FIXTURES=file`
//! measures other conversations (same format) and `CHECKLISTS_PACKS_DIR=folder` other packs
//! (added to or replacing the shipped ones by id, like a server's `packs_dir`).

use plancheck::detect::{PackRanker, normalize};
use plancheck::packs::{PackKind, PackSet};
use plancheck::plan::select::{self, Depth, Ranked};
use serde::Deserialize;
use std::collections::{BTreeSet, HashSet};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixtures {
    fixture: Vec<Fixture>,
}

/// One design conversation and what its checklist must hold.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    name: String,
    /// The design-corpus row it comes from, if any.
    #[serde(default)]
    source: Option<String>,
    /// Domain/integration packs that must be among the three best-fitting ones.
    packs: Vec<String>,
    /// Packs that must not fit at all.
    #[serde(default)]
    not_packs: Vec<String>,
    /// Three question ids the standard checklist must hold (or one of its `same_as` group).
    questions: Vec<String>,
    /// Question ids it must not hold.
    #[serde(default)]
    not_questions: Vec<String>,
    messages: Vec<String>,
}

const SHIPPED_FIXTURES: &str = include_str!("fixtures/checklists.toml");

fn parse(src: &str) -> Vec<Fixture> {
    toml::from_str::<Fixtures>(src)
        .expect("the checklist fixtures parse")
        .fixture
}

/// The fixtures, or those of the file named by `CHECKLISTS_FIXTURES` (same format), so a
/// pack author can measure packs on conversations of their own.
fn fixtures() -> Vec<Fixture> {
    match std::env::var("CHECKLISTS_FIXTURES") {
        Ok(path) => {
            parse(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
        }
        Err(_) => parse(SHIPPED_FIXTURES),
    }
}

/// What the product offers for one conversation at standard depth.
struct Outcome {
    /// Fitting domain/integration packs, best first.
    non_core: Vec<String>,
    /// Every domain/integration pack that matched: id, score, matched words.
    matches: Vec<(String, f32, Vec<String>)>,
    /// The standard checklist, best first.
    chosen: Vec<Ranked>,
}

/// The shipped packs, with the folder named by `CHECKLISTS_PACKS_DIR` added or replacing
/// shipped ones by id (as a server's `packs_dir` does).
fn packs() -> PackSet {
    let dir = std::env::var_os("CHECKLISTS_PACKS_DIR").map(std::path::PathBuf::from);
    PackSet::with_overrides(dir.as_deref()).unwrap_or_else(|e| {
        panic!(
            "packs: {}",
            e.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        )
    })
}

fn checklist(set: &PackSet, ranker: &PackRanker, messages: &[String]) -> Outcome {
    let prose: Vec<String> = messages.iter().map(|m| normalize::prose(m)).collect();
    let texts: Vec<&str> = prose.iter().map(String::as_str).collect();
    let fits = ranker.rank(texts.iter().copied(), &BTreeSet::new());
    let matches = fits
        .iter()
        .filter(|m| m.kind != PackKind::Core)
        .map(|m| (m.id.clone(), m.score, m.matched.clone()))
        .collect();
    let packs = select::fitting_packs(&fits, None);
    let non_core: Vec<String> = packs
        .iter()
        .filter(|(id, _)| set.get(id).is_some_and(|p| p.kind != PackKind::Core))
        .map(|(id, _)| id.clone())
        .collect();
    let ranked = select::rank(set, &packs, &texts);
    let (chosen, _) = select::choose(&ranked, Depth::Standard, non_core.len(), 0);
    Outcome {
        non_core,
        matches,
        chosen,
    }
}

fn percent(n: usize, of: usize) -> f64 {
    if of == 0 {
        100.0
    } else {
        100.0 * n as f64 / of as f64
    }
}

#[test]
fn every_id_named_in_the_fixtures_exists() {
    let set = PackSet::shipped().unwrap();
    let all = parse(SHIPPED_FIXTURES);
    assert!(all.len() >= 60, "only {} fixtures", all.len());
    let mut names = HashSet::new();
    let mut problems = Vec::new();
    for f in &all {
        if !names.insert(f.name.as_str()) {
            problems.push(format!("{}: duplicate name", f.name));
        }
        if f.messages.len() < 2 {
            problems.push(format!("{}: fewer than two messages", f.name));
        }
        if f.packs.is_empty() {
            problems.push(format!("{}: no expected pack", f.name));
        }
        if f.questions.len() != 3 {
            problems.push(format!(
                "{}: {} questions, not three",
                f.name,
                f.questions.len()
            ));
        }
        for p in f.packs.iter().chain(&f.not_packs) {
            match set.get(p) {
                None => problems.push(format!("{}: unknown pack '{p}'", f.name)),
                Some(pack) if pack.kind == PackKind::Core => {
                    problems.push(format!("{}: '{p}' is a core pack (always offered)", f.name))
                }
                Some(_) => {}
            }
        }
        if let Some(p) = f.packs.iter().find(|p| f.not_packs.contains(p)) {
            problems.push(format!("{}: '{p}' both expected and forbidden", f.name));
        }
        for q in f.questions.iter().chain(&f.not_questions) {
            if !set.iter().any(|p| p.questions.iter().any(|x| &x.id == q)) {
                problems.push(format!("{}: unknown question '{q}'", f.name));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn standard_checklists_hold_the_questions_that_fit() {
    let set = packs();
    let ranker = PackRanker::new(&set);
    let verbose = std::env::var_os("CHECKLISTS_VERBOSE").is_some();
    let all = fixtures();

    let (mut packs_ok, mut forbidden_ok, mut questions_ok, mut not_questions_ok) = (0, 0, 0, 0);
    let (mut with_not_questions, mut required, mut required_found) = (0, 0, 0);
    let mut sizes = Vec::new();
    let (mut core_chosen, mut generic_chosen) = (0, 0);
    let mut failures: Vec<String> = Vec::new();
    for f in &all {
        let out = checklist(&set, &ranker, &f.messages);
        let top3: Vec<&String> = out.non_core.iter().take(3).collect();
        let groups: HashSet<&str> = out.chosen.iter().map(|r| set.group_of(&r.id)).collect();
        let ids: Vec<&str> = out.chosen.iter().map(|r| r.id.as_str()).collect();
        let label = match &f.source {
            Some(s) => format!("{} ({s})", f.name),
            None => f.name.clone(),
        };
        sizes.push(out.chosen.len());
        core_chosen += out
            .chosen
            .iter()
            .filter(|r| set.get(&r.pack).is_some_and(|p| p.kind == PackKind::Core))
            .count();
        generic_chosen += out.chosen.iter().filter(|r| r.generic).count();

        let missing_packs: Vec<&String> = f.packs.iter().filter(|p| !top3.contains(p)).collect();
        if missing_packs.is_empty() {
            packs_ok += 1;
        } else {
            failures.push(format!(
                "{label}: {missing_packs:?} not in the top three {:?}",
                out.non_core
            ));
        }
        let forbidden: Vec<&String> = f
            .not_packs
            .iter()
            .filter(|p| out.non_core.contains(p))
            .collect();
        if forbidden.is_empty() {
            forbidden_ok += 1;
        } else {
            failures.push(format!("{label}: {forbidden:?} fit ({:?})", out.non_core));
        }
        let missing: Vec<&String> = f
            .questions
            .iter()
            .filter(|q| !groups.contains(set.group_of(q)))
            .collect();
        required += f.questions.len();
        required_found += f.questions.len() - missing.len();
        if missing.is_empty() {
            questions_ok += 1;
        } else {
            failures.push(format!("{label}: missing {missing:?} from {ids:?}"));
        }
        if !f.not_questions.is_empty() {
            with_not_questions += 1;
            let present: Vec<&String> = f
                .not_questions
                .iter()
                .filter(|q| ids.contains(&q.as_str()))
                .collect();
            if present.is_empty() {
                not_questions_ok += 1;
            } else {
                failures.push(format!("{label}: off-topic {present:?} in the checklist"));
            }
        }
        if verbose {
            println!("\n## {label}  packs {:?}", out.non_core);
            for (id, score, words) in &out.matches {
                println!("  pack {id} {score:.2} {words:?}");
            }
            for r in &out.chosen {
                println!(
                    "  {:5.2} {}{}",
                    r.score,
                    r.id,
                    if r.critical { " *" } else { "" }
                );
            }
        }
    }

    let n = all.len();
    sizes.sort_unstable();
    let median = if n % 2 == 1 {
        sizes[n / 2] as f64
    } else {
        (sizes[n / 2 - 1] + sizes[n / 2]) as f64 / 2.0
    };
    let largest = *sizes.last().unwrap();
    let smallest = *sizes.first().unwrap();
    let (p_packs, p_forbidden, p_questions) = (
        percent(packs_ok, n),
        percent(forbidden_ok, n),
        percent(questions_ok, n),
    );
    println!("\nchecklists: {n} design conversations, standard depth");
    println!("  expected packs in the top three fitting packs: {packs_ok}/{n} ({p_packs:.1} %)");
    println!(
        "  forbidden packs absent:                        {forbidden_ok}/{n} ({p_forbidden:.1} %)"
    );
    println!(
        "  all three required questions present:         {questions_ok}/{n} ({p_questions:.1} %); \
         single questions {required_found}/{required} ({:.1} %)",
        percent(required_found, required)
    );
    println!(
        "  off-topic questions kept out:                  {not_questions_ok}/{with_not_questions} ({:.1} %)",
        percent(not_questions_ok, with_not_questions)
    );
    println!("  standard checklist size: median {median}, largest {largest}, smallest {smallest}");
    let total: usize = sizes.iter().sum();
    println!(
        "  questions from core packs: {core_chosen}/{total} ({:.1} %), generic (nothing said points at them): {generic_chosen}/{total} ({:.1} %)",
        percent(core_chosen, total),
        percent(generic_chosen, total)
    );
    if !failures.is_empty() {
        println!("  misses:");
        for f in &failures {
            println!("    {f}");
        }
    }

    assert!(
        p_packs >= 90.0,
        "expected packs in the top three for only {p_packs:.1} %"
    );
    assert!(
        p_forbidden >= 90.0,
        "forbidden packs absent for only {p_forbidden:.1} %"
    );
    assert!(
        p_questions >= 80.0,
        "all three questions present for only {p_questions:.1} %"
    );
    assert_eq!(
        not_questions_ok, with_not_questions,
        "an off-topic question named by a fixture was offered"
    );
    assert!(
        smallest >= select::STANDARD_MIN && largest <= select::STANDARD_MAX,
        "standard checklists must hold {}–{} questions ({smallest}–{largest})",
        select::STANDARD_MIN,
        select::STANDARD_MAX
    );
}

/// The pack model reaches beyond its training rows: on the feature conversations of the
/// fourth validation split (`plancheck train` reads only `batch*.jsonl`, so it is never
/// trained on; written by someone who saw neither the model nor the other batches), the
/// packs they name (the first two) are among the three best-fitting ones, and the packs
/// they rule out stay out. Measured once when the split was first used: 68 % and 91 %
/// (see the README); the floors sit under those, against regressions.
#[test]
fn packs_fit_conversations_the_pack_model_was_not_trained_on() {
    let set = PackSet::shipped().unwrap();
    let ranker = PackRanker::new(&set);
    let root = env!("CARGO_MANIFEST_DIR");
    let (mut n, mut top3, mut kept_out) = (0, 0, 0);
    for file in ["validation4.jsonl"] {
        let path = format!("{root}/prompts/training/design/{file}");
        let src = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let rows = plancheck::eval::parse(&path, &src).unwrap_or_else(|e| panic!("{e}"));
        for row in rows.iter().filter(|r| r.label == "feature") {
            let messages: Vec<String> = row
                .lines()
                .into_iter()
                .skip(row.feature_from.unwrap_or(0))
                .map(|(_, text)| text.to_string())
                .collect();
            let out = checklist(&set, &ranker, &messages);
            n += 1;
            if row
                .packs
                .iter()
                .take(2)
                .all(|p| out.non_core.iter().take(3).any(|x| x == p))
            {
                top3 += 1;
            }
            if !row.not_packs.iter().any(|p| out.non_core.contains(p)) {
                kept_out += 1;
            }
        }
    }
    let (p_top3, p_out) = (percent(top3, n), percent(kept_out, n));
    println!(
        "validation4: {n} feature conversations; named packs in the top three {top3}/{n} \
         ({p_top3:.1} %), ruled-out packs absent {kept_out}/{n} ({p_out:.1} %)"
    );
    assert!(
        p_top3 >= 63.0,
        "named packs in the top three for only {p_top3:.1} %"
    );
    assert!(
        p_out >= 87.0,
        "ruled-out packs absent for only {p_out:.1} %"
    );
}
