//! Short plain-text views of a plan, shared by the console and the Discord replies.

use super::{Plan, PlanQuestion, QuestionState, Status};
use crate::ids::{ChannelId, GuildId, PlanId};
use crate::packs::Reading;
use chrono::{DateTime, Utc};
use std::fmt::Write;

/// One line of a plan list.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanSummary {
    pub id: PlanId,
    pub guild: GuildId,
    pub channel: ChannelId,
    pub thread: Option<ChannelId>,
    pub title: String,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub questions: u32,
    pub decided: u32,
}

impl PlanSummary {
    /// Where the plan is discussed: its thread, or the channel.
    pub fn place(&self) -> ChannelId {
        self.thread.unwrap_or(self.channel)
    }

    /// `open, 4/12 decided`.
    pub fn progress(&self) -> String {
        format!(
            "{}, {}/{} decided",
            self.status.as_str(),
            self.decided,
            self.questions
        )
    }
}

/// The three lines of a prompt as (label, text), the same in Discord and the console;
/// `quote` makes text people typed safe for the medium (and may shorten it), `max_packs`
/// bounds the list.
pub fn prompt_lines(
    d: &crate::detect::Detection,
    quote: impl Fn(&str) -> String,
    max_packs: usize,
) -> [(&'static str, String); 3] {
    let why: Vec<String> = d
        .reasons(6)
        .iter()
        .map(|r| format!("“{}”", quote(r)))
        .collect();
    let packs: Vec<String> = d
        .packs
        .iter()
        .take(max_packs)
        .map(|p| format!("{} ({})", p.name, p.questions))
        .collect();
    [
        ("Sounds like a new feature", quote(&d.title)),
        (
            "Why I think so",
            format!(
                "{} — score {:.1} (threshold {:.1})",
                why.join(", "),
                d.score,
                d.threshold
            ),
        ),
        ("Planning packs that fit", packs.join(", ")),
    ]
}

/// A plan list for a terminal, one aligned line each: id, status, decided/questions,
/// date, title.
pub fn plan_list(plans: &[PlanSummary]) -> String {
    if plans.is_empty() {
        return "No plans yet.".to_string();
    }
    let mut out = String::new();
    for p in plans {
        let _ = writeln!(
            out,
            "{:>5}  {:<6}  {:>3}/{:<3}  {}  {}",
            p.id,
            p.status.as_str(),
            p.decided,
            p.questions,
            p.created_at.format("%Y-%m-%d"),
            p.title
        );
    }
    out.pop();
    out
}

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

/// The confirmation of a recorded or skipped answer with where the plan stands:
/// `Recorded Q3. 40% decided, 2 critical open.`
pub fn recorded_text(verb: &str, plan: &Plan, q: &PlanQuestion) -> String {
    format!(
        "{verb} Q{}. {}{}",
        q.number,
        progress_text(plan),
        withdrawn_note(plan, q)
    )
}

/// `40% decided, 2 critical open.`
pub fn progress_text(plan: &Plan) -> String {
    let cov = plan.coverage();
    format!(
        "{}% decided, {} critical open.",
        cov.percent(),
        cov.critical_open
    )
}

/// The confirmation of `/plan snooze`: `Reminders for plan 3 paused until 2026-03-05
/// 10:00 UTC.`, or resumed.
pub fn snoozed_text(plan: &Plan, until: Option<chrono::DateTime<chrono::Utc>>) -> String {
    match until {
        Some(t) => format!(
            "Reminders for plan {} paused until {}.",
            plan.id,
            t.format("%Y-%m-%d %H:%M UTC")
        ),
        None => format!("Reminders for plan {} resumed.", plan.id),
    }
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
pub fn accepted_text(plan: &Plan, q: &PlanQuestion) -> String {
    let by = q.suggested.as_ref().map_or("", |s| s.author.name.as_str());
    format!(
        "Recorded Q{} with what {by} said in the discussion. {}",
        q.number,
        progress_text(plan)
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
