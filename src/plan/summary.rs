//! Short plain-text views of a plan, shared by the console and the Discord replies.

use super::{Plan, PlanQuestion, QuestionState};
use std::fmt::Write;

/// `Q3 ⚠ [Errors & edge cases] text`; the team's own questions say who asked.
pub fn question_line(q: &PlanQuestion) -> String {
    let mark = if q.critical { " ⚠" } else { "" };
    let asked = q
        .asked
        .as_ref()
        .map(|a| format!(" (asked by {})", a.author.name))
        .unwrap_or_default();
    format!(
        "Q{}{mark} [{}] {}{asked}",
        q.number,
        q.category.label(),
        q.text
    )
}

/// The confirmation of an accepted suggestion: `Recorded Q3 with what raj said in the
/// discussion.`
pub fn accepted_text(q: &PlanQuestion) -> String {
    let by = q.suggested.as_ref().map_or("", |s| s.author.name.as_str());
    format!(
        "Recorded Q{} with what {by} said in the discussion.",
        q.number
    )
}

/// For an open question with a suggested answer: `already said by raj: “…” — /plan
/// accept Q3 records it`.
pub fn suggestion_line(plan: &Plan, q: &PlanQuestion) -> Option<String> {
    let s = q.suggested.as_ref().filter(|_| plan.is_open(&q.id))?;
    Some(format!(
        "already said by {}: “{}” — /plan accept Q{} records it",
        s.author.name, s.text, q.number
    ))
}

/// A one-word state with the latest text: `answered (2 revisions): …`.
pub fn state_line(plan: &Plan, q: &PlanQuestion) -> String {
    match plan.state(&q.id) {
        QuestionState::Open => match suggestion_line(plan, q) {
            Some(s) => format!("open; {s}"),
            None => "open".to_string(),
        },
        QuestionState::Answered { latest, revisions } if revisions > 1 => {
            format!(
                "answered by {} ({revisions} revisions): {}",
                latest.author.name, latest.text
            )
        }
        QuestionState::Answered { latest, .. } => {
            format!("answered by {}: {}", latest.author.name, latest.text)
        }
        QuestionState::Skipped { latest } => {
            format!("skipped by {}: {}", latest.author.name, latest.text)
        }
    }
}

/// The confirmation of a decision: `Q3 is now a decision (marked by ana): “…”`.
pub fn decided_text(plan: &Plan, q: &PlanQuestion) -> String {
    match plan
        .decision(&q.id)
        .and_then(|e| Some((e, e.decision.as_ref()?)))
    {
        Some((e, d)) => {
            let mut text: String = e.text.chars().take(300).collect();
            if text.len() < e.text.len() {
                text.push('…');
            }
            format!(
                "Q{} is now a decision (marked by {}): “{text}”",
                q.number, d.by.name
            )
        }
        None => format!("Q{} is not a decision now.", q.number),
    }
}

/// After a change that replaced a decided answer: ` Q3 is no longer a decision …`; empty
/// otherwise. Appended to the confirmation of an answer, skip or reopen.
pub fn withdrawn_note(plan: &Plan, q: &PlanQuestion) -> String {
    if plan.decision_withdrawn(&q.id) {
        format!(
            " Q{} is no longer a decision (the history keeps it); mark a new answer with /plan decide Q{}.",
            q.number, q.number
        )
    } else {
        String::new()
    }
}

/// Coverage per category, overall, and the critical questions still open.
pub fn status(plan: &Plan) -> String {
    let cov = plan.coverage();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Plan {} \"{}\" ({}, {}): {}% decided — {} answered, {} skipped, {} open",
        plan.id,
        plan.title,
        plan.status.as_str(),
        if plan.is_ready() {
            "ready"
        } else {
            "not ready"
        },
        cov.percent(),
        cov.answered,
        cov.skipped,
        cov.open()
    );
    for c in &cov.categories {
        let _ = writeln!(
            o,
            "  {:<22} {:>3}%  {}/{}",
            c.category.label(),
            c.percent(),
            c.answered + c.skipped,
            c.total
        );
    }
    let critical = plan.critical_open();
    if critical.is_empty() {
        let _ = writeln!(o, "No critical question is open.");
    } else {
        let _ = writeln!(o, "Critical questions still open:");
        for q in critical {
            let _ = writeln!(o, "  {}", question_line(q));
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample_plan;
    use super::*;

    #[test]
    fn status_lists_categories_and_open_critical_questions() {
        let p = sample_plan();
        let s = status(&p);
        assert!(s.starts_with("Plan 1 \"Refunds\" (open, not ready): 0% decided"));
        assert!(s.contains("Errors & edge cases"));
        let critical = p.critical_open().len();
        assert_eq!(s.matches(" ⚠ ").count(), critical);
    }
}
