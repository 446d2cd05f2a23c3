//! The architecture decision record: a plan in the MADR layout (title, status, context and
//! problem statement, decision drivers, considered options, decision outcome, consequences,
//! links). User text is escaped as in the Markdown summary.

use super::escape::{markdown_block, markdown_inline as esc};
use super::markdown::link;
use crate::plan::{Plan, PlanQuestion, QuestionState, Status};
use std::fmt::Write;

/// Most options listed: a record, not a transcript.
const MAX_OPTIONS: usize = 12;
/// Words kept on each side of "or", "vs" or "instead of".
const OPTION_WORDS: usize = 4;

pub fn render(plan: &Plan) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# {}\n", esc(&plan.title));
    let _ = writeln!(o, "* Status: {}", status(plan));
    let _ = writeln!(o, "* Date: {}", date(plan).format("%Y-%m-%d"));
    let deciders = deciders(plan);
    if !deciders.is_empty() {
        let _ = writeln!(o, "* Deciders: {}", deciders.join(", "));
    }
    let _ = writeln!(
        o,
        "* Source: plancheck plan {} ({}){}\n",
        plan.id,
        plan.packs
            .iter()
            .map(|p| esc(p))
            .collect::<Vec<_>>()
            .join(", "),
        plan.place_link()
            .map(|l| format!(", [discussion thread]({l})"))
            .unwrap_or_default()
    );

    context(&mut o, plan);
    drivers(&mut o, plan);
    options(&mut o, plan);
    outcome(&mut o, plan);
    consequences(&mut o, plan);
    links(&mut o, plan);
    let _ = writeln!(
        o,
        "<sub>Exported by plancheck from the plan's decisions (`/plan decide`).</sub>"
    );
    o
}

/// `accepted` once the plan is closed ready; `proposed` before, saying what is missing.
fn status(plan: &Plan) -> String {
    match plan.status {
        Status::Closed if plan.is_ready() => "accepted".to_string(),
        Status::Closed => format!("proposed (closed unready: {})", plan.readiness(10)),
        Status::Open => format!("proposed (plan open, {})", plan.readiness(10)),
    }
}

/// When it was settled: the close, else the latest decision, else the plan's start.
fn date(plan: &Plan) -> chrono::DateTime<chrono::Utc> {
    plan.closed_at
        .or_else(|| {
            plan.decisions()
                .iter()
                .filter_map(|(_, e)| e.decision.as_ref().map(|d| d.at))
                .max()
        })
        .unwrap_or(plan.created_at)
}

/// Who gave or marked the decisions, each name once, in plan order.
fn deciders(plan: &Plan) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for (_, e) in plan.decisions() {
        let marked = e.decision.as_ref().map(|d| &d.by);
        for a in std::iter::once(&e.author).chain(marked) {
            let name = esc(&a.name);
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

fn context(o: &mut String, plan: &Plan) {
    let _ = writeln!(o, "## Context and Problem Statement\n");
    let _ = writeln!(
        o,
        "How should we build “{}”? The plan asked {} questions ({}); {}.\n",
        esc(&plan.title),
        plan.questions.len(),
        plan.packs
            .iter()
            .map(|p| esc(p))
            .collect::<Vec<_>>()
            .join(", "),
        plan.readiness(10)
    );
    let asked: Vec<&PlanQuestion> = plan
        .questions
        .iter()
        .filter(|q| q.asked.is_some())
        .collect();
    if !asked.is_empty() {
        let _ = writeln!(o, "The discussion raised:\n");
        for q in asked {
            let a = q.asked.as_ref().expect("filtered");
            let _ = writeln!(
                o,
                "* “{}” — {}{}",
                esc(&a.text),
                esc(&a.author.name),
                link(plan, a.message)
            );
        }
        o.push('\n');
    }
}

/// The critical questions: what a decision here had to settle.
fn drivers(o: &mut String, plan: &Plan) {
    let _ = writeln!(o, "## Decision Drivers\n");
    let critical: Vec<&PlanQuestion> = plan.questions.iter().filter(|q| q.critical).collect();
    if critical.is_empty() {
        let _ = writeln!(o, "* No question of this plan is marked critical.\n");
        return;
    }
    for q in critical {
        let state = match plan.state(&q.id) {
            _ if plan.decision(&q.id).is_some() => "decided",
            QuestionState::Answered { .. } => "answered",
            QuestionState::Skipped { .. } => "skipped",
            QuestionState::Open => "**open**",
        };
        let _ = writeln!(o, "* **Q{}** {} _({state})_", q.number, esc(&q.text));
    }
    o.push('\n');
}

/// An option named in an answer, and the question whose answer named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Named {
    pub text: String,
    /// For "A instead of B": A was chosen.
    pub chosen: bool,
}

/// The options an answer names: "A or B", "A vs B" / "versus", "A instead of B". A few
/// words each side, within a clause; leading filler words ("we", "use", "either") dropped.
pub(super) fn named_options(answer: &str) -> Vec<Named> {
    let mut out: Vec<Named> = Vec::new();
    // Sentences end at ". " (not at every dot: versions, hosts and "vs." keep theirs).
    let text = answer.replace("vs. ", "vs ").replace(". ", "\n");
    for clause in text.split(['\n', ',', ';', ':', '(', ')', '?', '!', '—']) {
        let words: Vec<&str> = clause.split_whitespace().collect();
        let mut i = 0;
        while i < words.len() {
            let w = words[i].to_lowercase();
            let (len, chosen) = match w.as_str() {
                "or" | "vs" | "vs." | "versus" => (1, false),
                "instead"
                    if words
                        .get(i + 1)
                        .is_some_and(|n| n.eq_ignore_ascii_case("of")) =>
                {
                    (2, true)
                }
                _ => {
                    i += 1;
                    continue;
                }
            };
            let left = trim_option(&words[i.saturating_sub(OPTION_WORDS)..i], true);
            let end = (i + len + OPTION_WORDS).min(words.len());
            let right = trim_option(&words[i + len..end], false);
            if let (Some(l), Some(r)) = (left, right) {
                push_option(&mut out, l, chosen);
                push_option(&mut out, r, false);
            }
            i += len;
        }
    }
    out
}

/// Words that start a clause but name nothing.
const FILLER: &[&str] = &[
    "we", "i", "use", "using", "either", "will", "would", "should", "could", "go", "with", "to",
    "do", "pick", "choose", "chose", "between", "whether", "it's", "its", "is", "and", "but",
    "then", "so", "prefer", "want", "take", "keep",
];

/// An option's words: on the left, the words after the last filler; on the right, the
/// words up to the next filler or "or"; None when nothing is left.
fn trim_option(words: &[&str], left: bool) -> Option<String> {
    let kept: Vec<&str> = if left {
        let start = words.iter().rposition(is_break).map_or(0, |p| p + 1);
        words[start..].to_vec()
    } else {
        let skip = words.iter().take_while(|w| is_break(w)).count();
        let rest = &words[skip..];
        let end = rest.iter().position(is_break).unwrap_or(rest.len());
        rest[..end].to_vec()
    };
    let text = kept.join(" ");
    let text = text.trim_matches(|c: char| !c.is_alphanumeric() && !"`_-+#/".contains(c));
    (!text.is_empty()).then(|| text.to_string())
}

/// A filler word, or a word that joins options: where an option's words stop.
fn is_break(w: &&str) -> bool {
    let l = w.to_lowercase();
    FILLER.contains(&l.as_str()) || matches!(l.as_str(), "or" | "vs" | "vs." | "versus")
}

fn push_option(out: &mut Vec<Named>, text: String, chosen: bool) {
    match out
        .iter_mut()
        .find(|n| n.text.to_lowercase() == text.to_lowercase())
    {
        Some(n) => n.chosen |= chosen,
        None => out.push(Named { text, chosen }),
    }
}

/// The options the answers name, decisions first; each says which question named it.
fn options(o: &mut String, plan: &Plan) {
    let _ = writeln!(o, "## Considered Options\n");
    let mut answered: Vec<(&PlanQuestion, &str, bool)> = plan
        .questions
        .iter()
        .filter_map(|q| match plan.state(&q.id) {
            QuestionState::Answered { latest, .. } => {
                Some((q, latest.text.as_str(), latest.decision.is_some()))
            }
            _ => None,
        })
        .collect();
    // Decisions first, plan order otherwise (a stable sort keeps it).
    answered.sort_by_key(|(_, _, decided)| !decided);
    let mut listed = 0;
    for (q, text, decided) in answered {
        let named = named_options(text);
        if named.is_empty() || listed >= MAX_OPTIONS {
            continue;
        }
        let names: Vec<String> = named
            .iter()
            .map(|n| {
                if n.chosen && decided {
                    format!("{} (chosen)", esc(&n.text))
                } else {
                    esc(&n.text)
                }
            })
            .collect();
        let _ = writeln!(
            o,
            "* **Q{}**: {}{}",
            q.number,
            names.join(" · "),
            if decided { " — see the outcome" } else { "" }
        );
        listed += 1;
    }
    if listed == 0 {
        let _ = writeln!(
            o,
            "* No alternatives are named in the answers (“X or Y”, “A vs B”, “instead of”)."
        );
    }
    o.push('\n');
}

/// The decisions, each with its question, the answer quoted, and who decided it when.
fn outcome(o: &mut String, plan: &Plan) {
    let _ = writeln!(o, "## Decision Outcome\n");
    let decided = plan.decisions();
    if decided.is_empty() {
        let _ = writeln!(
            o,
            "No answer is marked as a decision yet (`/plan decide Q3` marks one).\n"
        );
        return;
    }
    for (q, e) in decided {
        let _ = writeln!(
            o,
            "* **Q{}** {} _({})_",
            q.number,
            esc(&q.text),
            q.category.label()
        );
        let _ = writeln!(o, "{}", markdown_block(&e.text, "  "));
        let said = e
            .said_in
            .map(|m| format!(" · said in the discussion{}", link(plan, m)))
            .unwrap_or_default();
        let marked = e
            .decision
            .as_ref()
            .map(|d| {
                format!(
                    " · marked by {} {}",
                    esc(&d.by.name),
                    d.at.format("%Y-%m-%d")
                )
            })
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "  <sub>{} · {}{said}{marked}</sub>",
            esc(&e.author.name),
            e.at.format("%Y-%m-%d")
        );
    }
    o.push('\n');
}

/// What follows from the decisions: what was left out (skips with reasons), the critical
/// questions still open, and what else was answered.
fn consequences(o: &mut String, plan: &Plan) {
    let _ = writeln!(o, "### Consequences\n");
    let mut any = false;
    for q in &plan.questions {
        if let QuestionState::Skipped { latest } = plan.state(&q.id) {
            let _ = writeln!(
                o,
                "* Out of scope: **Q{}** {} — {}",
                q.number,
                esc(&q.text),
                esc(&latest.text)
            );
            any = true;
        }
    }
    for q in plan.critical_open() {
        let _ = writeln!(
            o,
            "* Still open and critical: **Q{}** {}",
            q.number,
            esc(&q.text)
        );
        any = true;
    }
    let cov = plan.coverage();
    let notes = cov.answered - plan.decisions().len();
    if notes > 0 {
        let _ = writeln!(
            o,
            "* {notes} other answer{} recorded beside the decisions (the plan's Markdown export lists them).",
            if notes == 1 { " is" } else { "s are" }
        );
        any = true;
    }
    if !any {
        let _ = writeln!(o, "* Nothing left out or open.");
    }
    o.push('\n');
}

fn links(o: &mut String, plan: &Plan) {
    let Some(place) = plan.place_link() else {
        return;
    };
    let _ = writeln!(o, "## Links\n");
    let _ = writeln!(o, "* [The plan's discussion thread]({place})");
    for (q, e) in plan.decisions() {
        if let Some(l) = e.said_in.and_then(|m| plan.message_link(m)) {
            let _ = writeln!(o, "* [Where Q{} was decided]({l})", q.number);
        }
    }
    o.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(answer: &str) -> Vec<(String, bool)> {
        named_options(answer)
            .into_iter()
            .map(|n| (n.text, n.chosen))
            .collect()
    }

    #[test]
    fn or_vs_and_instead_of_name_options() {
        assert_eq!(
            texts("We use Postgres advisory locks instead of Redis."),
            vec![
                ("Postgres advisory locks".to_string(), true),
                ("Redis".to_string(), false)
            ]
        );
        assert_eq!(
            texts("Kafka or SQS? SQS, it is managed"),
            vec![("Kafka".to_string(), false), ("SQS".to_string(), false)]
        );
        assert_eq!(
            texts("either hosted fields or a custom form, we chose hosted fields"),
            vec![
                ("hosted fields".to_string(), false),
                ("a custom form".to_string(), false)
            ]
        );
        assert_eq!(
            texts("gRPC vs. REST"),
            vec![("gRPC".to_string(), false), ("REST".to_string(), false)]
        );
    }

    #[test]
    fn answers_without_alternatives_name_no_options() {
        for plain in [
            "Idempotency-Key header, kept 24 h",
            "or",
            "instead of that",
            "30 days, then hard delete",
            "",
        ] {
            assert_eq!(texts(plain), vec![], "{plain:?}");
        }
    }

    #[test]
    fn the_same_option_named_twice_is_listed_once() {
        assert_eq!(
            texts("Redis or Postgres; redis or memcached"),
            vec![
                ("Redis".to_string(), false),
                ("Postgres".to_string(), false),
                ("memcached".to_string(), false)
            ]
        );
    }

    #[test]
    fn status_follows_readiness_and_closing() {
        let mut p = crate::plan::tests::sample_plan();
        assert!(status(&p).starts_with("proposed (plan open, not ready"));
        p.status = Status::Closed;
        assert!(status(&p).starts_with("proposed (closed unready"));
        p.questions.iter_mut().for_each(|q| q.critical = false);
        assert_eq!(status(&p), "accepted");
    }
}
