//! The CSV export: one row per question, formulas neutralised.

use super::escape::csv_cell;
use crate::plan::{Plan, QuestionState};

pub const HEADER: [&str; 17] = [
    "plan_id",
    "number",
    "question_id",
    "pack",
    "category",
    "critical",
    "question",
    "state",
    "answer",
    "skip_reason",
    "author",
    "at",
    "revisions",
    "asked_by",
    "suggested_answer",
    "suggested_by",
    // Added after the others so their positions stay as they were.
    "decision",
];

pub fn render(plan: &Plan) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(HEADER)
        .expect("writing to memory cannot fail");
    for q in &plan.questions {
        let (state, answer, reason, author, at, revisions) = match plan.state(&q.id) {
            QuestionState::Open => ("open", "", "", String::new(), String::new(), 0),
            QuestionState::Answered { latest, revisions } => (
                "answered",
                latest.text.as_str(),
                "",
                latest.author.name.clone(),
                latest.at.to_rfc3339(),
                revisions,
            ),
            QuestionState::Skipped { latest } => (
                "skipped",
                "",
                latest.text.as_str(),
                latest.author.name.clone(),
                latest.at.to_rfc3339(),
                0,
            ),
        };
        w.write_record([
            plan.id.to_string(),
            q.number.to_string(),
            q.id.clone(),
            q.pack_id.clone(),
            q.category.as_str().to_string(),
            q.critical.to_string(),
            csv_cell(&q.text),
            state.to_string(),
            csv_cell(answer),
            csv_cell(reason),
            csv_cell(&author),
            at,
            revisions.to_string(),
            csv_cell(q.asked.as_ref().map_or("", |a| a.author.name.as_str())),
            csv_cell(q.suggested.as_ref().map_or("", |s| s.text.as_str())),
            csv_cell(q.suggested.as_ref().map_or("", |s| s.author.name.as_str())),
            plan.decision(&q.id).is_some().to_string(),
        ])
        .expect("writing to memory cannot fail");
    }
    String::from_utf8(w.into_inner().expect("flush to memory")).expect("csv of UTF-8 is UTF-8")
}
