//! The Markdown summary: pastes into a GitHub issue as a checklist.

use super::escape::{markdown_block, markdown_inline as esc};
use crate::plan::{Plan, PlanQuestion, QuestionState, Status};
use std::fmt::Write;

/// `open`, or `closed 2025-11-24`.
pub(super) fn status_word(plan: &Plan) -> String {
    match (plan.status, plan.closed_at) {
        (Status::Open, _) => "open".to_string(),
        (Status::Closed, Some(at)) => format!("closed {}", at.format("%Y-%m-%d")),
        (Status::Closed, None) => "closed".to_string(),
    }
}

/// `**Status:** {status} · **Started:** date by who · **Packs:** …` with its line break.
pub(super) fn status_line(plan: &Plan, status: &str) -> String {
    format!(
        "**Status:** {status} · **Started:** {} by {} · **Packs:** {}  \n",
        plan.created_at.format("%Y-%m-%d"),
        esc(&plan.created_by.name),
        plan.packs
            .iter()
            .map(|p| esc(p))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

pub fn render(plan: &Plan) -> String {
    let mut o = String::new();
    let cov = plan.coverage();
    let _ = writeln!(o, "# Plan: {}", esc(&plan.title));
    o.push('\n');
    let status = if plan.closed_unready() {
        format!(
            "{}, **closed unready** ({})",
            status_word(plan),
            plan.readiness(10)
        )
    } else {
        format!("{}, {}", status_word(plan), plan.readiness(10))
    };
    o.push_str(&status_line(plan, &status));
    let _ = writeln!(o, "**Participants:** {}", participants(plan).join(", "));
    o.push('\n');

    decisions(&mut o, plan);

    let _ = writeln!(o, "## Coverage\n");
    let _ = writeln!(o, "| Category | Answered | Skipped | Open | Coverage |");
    let _ = writeln!(o, "|---|---:|---:|---:|---:|");
    for c in &cov.categories {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {}% |",
            c.category.label(),
            c.answered,
            c.skipped,
            c.open(),
            c.percent()
        );
    }
    let _ = writeln!(
        o,
        "| **Overall** | **{}** | **{}** | **{}** | **{}%** |",
        cov.answered,
        cov.skipped,
        cov.open(),
        cov.percent()
    );
    o.push('\n');

    let critical = plan.critical_open();
    if !critical.is_empty() {
        let _ = writeln!(o, "## Critical questions still open\n");
        for q in &critical {
            open_item(&mut o, plan, q);
        }
        o.push('\n');
    }

    let answered: Vec<&PlanQuestion> = plan
        .questions
        .iter()
        .filter(|q| matches!(plan.state(&q.id), QuestionState::Answered { .. }))
        .collect();
    if !answered.is_empty() {
        let _ = writeln!(o, "## Answered\n");
        for q in answered {
            if plan.decision(&q.id).is_some() {
                let _ = writeln!(
                    o,
                    "- [x] **Q{}** {} _({})_ — decided, see *Decisions*",
                    q.number,
                    esc(&q.text),
                    q.category.label()
                );
                continue;
            }
            if let QuestionState::Answered { latest, revisions } = plan.state(&q.id) {
                let _ = writeln!(
                    o,
                    "- [x] **Q{}** {} _({})_",
                    q.number,
                    esc(&q.text),
                    q.category.label()
                );
                let _ = writeln!(o, "{}", markdown_block(&latest.text, "  "));
                let revised = if revisions > 1 {
                    format!(" · {revisions} revisions")
                } else {
                    String::new()
                };
                let said = latest
                    .said_in
                    .map(|m| format!(" · said in the discussion{}", link(plan, m)))
                    .unwrap_or_default();
                let _ = writeln!(
                    o,
                    "  <sub>{} · {}{revised}{said}</sub>",
                    esc(&latest.author.name),
                    latest.at.format("%Y-%m-%d %H:%M UTC")
                );
                reading(&mut o, q);
            }
        }
        o.push('\n');
    }

    let skipped: Vec<&PlanQuestion> = plan
        .questions
        .iter()
        .filter(|q| matches!(plan.state(&q.id), QuestionState::Skipped { .. }))
        .collect();
    if !skipped.is_empty() {
        let _ = writeln!(o, "## Skipped\n");
        for q in skipped {
            if let QuestionState::Skipped { latest } = plan.state(&q.id) {
                let _ = writeln!(
                    o,
                    "- [x] ~~**Q{}** {}~~ — skipped by {}: {}",
                    q.number,
                    esc(&q.text),
                    esc(&latest.author.name),
                    esc(&latest.text)
                );
                reading(&mut o, q);
            }
        }
        o.push('\n');
    }

    let rest: Vec<&PlanQuestion> = plan
        .questions
        .iter()
        .filter(|q| !q.critical && plan.is_open(&q.id))
        .collect();
    if !rest.is_empty() {
        let _ = writeln!(o, "## Open questions\n");
        for q in rest {
            open_item(&mut o, plan, q);
        }
        o.push('\n');
    }
    let _ = writeln!(
        o,
        "<sub>Exported by plancheck. Questions are a snapshot taken when the plan started.</sub>"
    );
    o
}

/// `## Decisions`, before everything else: each decided question with its answer quoted,
/// who answered, who marked it and when. Nothing when no answer is marked.
fn decisions(o: &mut String, plan: &Plan) {
    let decided = plan.decisions();
    if decided.is_empty() {
        return;
    }
    let _ = writeln!(o, "## Decisions\n");
    for (q, answer) in decided {
        let mark = if q.critical { " ⚠️" } else { "" };
        let _ = writeln!(
            o,
            "- **Q{}**{mark} {} _({})_",
            q.number,
            esc(&q.text),
            q.category.label()
        );
        let _ = writeln!(o, "{}", markdown_block(&answer.text, "  "));
        let said = answer
            .said_in
            .map(|m| format!(" · said in the discussion{}", link(plan, m)))
            .unwrap_or_default();
        let marked = answer
            .decision
            .as_ref()
            .map(|d| {
                format!(
                    " · decision marked by {} {}",
                    esc(&d.by.name),
                    d.at.format("%Y-%m-%d %H:%M UTC")
                )
            })
            .unwrap_or_default();
        let revised = match plan.state(&q.id) {
            QuestionState::Answered { revisions, .. } if revisions > 1 => {
                format!(" · {revisions} revisions")
            }
            _ => String::new(),
        };
        let _ = writeln!(
            o,
            "  <sub>{} · {}{revised}{said}{marked}</sub>",
            esc(&answer.author.name),
            answer.at.format("%Y-%m-%d %H:%M UTC")
        );
        reading(o, q);
    }
    o.push('\n');
}

fn open_item(o: &mut String, plan: &Plan, q: &PlanQuestion) {
    let mark = if q.critical { " ⚠️" } else { "" };
    let _ = writeln!(
        o,
        "- [ ] **Q{}**{mark} {} _({})_",
        q.number,
        esc(&q.text),
        q.category.label()
    );
    match &q.asked {
        Some(a) => {
            let _ = writeln!(
                o,
                "  - Asked by {} in the discussion{}",
                esc(&a.author.name),
                link(plan, a.message)
            );
        }
        None => {
            let _ = writeln!(o, "  - Why: {}", esc(&q.why));
        }
    }
    if let Some(h) = &q.hint {
        let _ = writeln!(o, "  - A good answer names: {}", esc(h));
    }
    reading(o, q);
    if let Some(s) = &q.suggested {
        let _ = writeln!(
            o,
            "  - Suggested answer, already said by {}{} (not accepted): {}",
            esc(&s.author.name),
            link(plan, s.message),
            esc(&s.text)
        );
    }
}

/// `  - Read more: [title](<url>), …`: the question's reading, when it has any. Titles
/// are escaped like user text; URLs were checked when the pack loaded (absolute https,
/// nothing that ends a link early).
fn reading(o: &mut String, q: &PlanQuestion) {
    if q.reading.is_empty() {
        return;
    }
    let links: Vec<String> = q
        .reading
        .iter()
        .map(|r| format!("[{}](<{}>)", esc(&r.title), r.url))
        .collect();
    let _ = writeln!(o, "  - Read more: {}", links.join(", "));
}

/// ` ([message](…))`: a link to what was said, for plans on Discord.
pub(super) fn link(plan: &Plan, m: crate::ids::MessageId) -> String {
    plan.message_link(m)
        .map(|l| format!(" ([message]({l}))"))
        .unwrap_or_default()
}

/// Everyone who started or changed the plan, each name once, in order of appearance. By
/// name, not id: one person can reach a plan under two ids (the console numbers its
/// speakers per session), and two names that read the same would look like a mistake.
fn participants(plan: &Plan) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let authors = std::iter::once(&plan.created_by).chain(plan.events.iter().map(|e| &e.author));
    for a in authors {
        let name = esc(&a.name);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}
