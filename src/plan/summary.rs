//! Short plain-text views of a plan, shared by the console and the Discord replies.

use super::{Plan, PlanQuestion, QuestionState};
use crate::packs::Reading;
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

/// *Why this matters* for question `q`: the question, its *why* and what a good answer
/// names. Its links come apart ([`reading_text`]) because each front end writes links
/// its own way.
pub fn why_text(q: &PlanQuestion) -> String {
    let mut o = question_line(q);
    let _ = write!(o, "\nWhy it matters: {}", q.why);
    if let Some(h) = &q.hint {
        let _ = write!(o, "\nA good answer names: {h}");
    }
    o
}

/// Question `q`'s reading, one link a line as `link` writes it, or a line saying there
/// is none.
pub fn reading_text(q: &PlanQuestion, link: impl Fn(&Reading) -> String) -> String {
    if q.reading.is_empty() {
        return "No reading is linked to this question.".to_string();
    }
    let mut o = "Read more:".to_string();
    for r in &q.reading {
        let _ = write!(o, "\n- {}", link(r));
    }
    o
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

    #[test]
    fn why_text_names_why_and_a_good_answer_and_reading_lists_each_link() {
        let mut q = sample_plan().questions[0].clone();
        q.hint = Some("a key per request".into());
        q.reading = vec![Reading {
            title: "RFC 9110 §9.2.2".into(),
            url: "https://www.rfc-editor.org/rfc/rfc9110.html#section-9.2.2".into(),
        }];
        let w = why_text(&q);
        assert!(w.starts_with(&format!("Q{} ", q.number)), "{w}");
        assert!(w.contains(&format!("Why it matters: {}", q.why)), "{w}");
        assert!(w.contains("A good answer names: a key per request"), "{w}");
        let r = reading_text(&q, |r| format!("{} <{}>", r.title, r.url));
        assert_eq!(
            r,
            "Read more:\n- RFC 9110 §9.2.2 <https://www.rfc-editor.org/rfc/rfc9110.html#section-9.2.2>"
        );
        q.reading.clear();
        q.hint = None;
        assert!(!why_text(&q).contains("good answer"));
        assert_eq!(
            reading_text(&q, |r| r.url.clone()),
            "No reading is linked to this question."
        );
    }
}
