//! The JSON export. Schema `plancheck.plan` version 1, documented in README.md
//! ("Export formats"). Snowflake ids are strings, since they exceed 2^53.

use crate::ids::MessageId;
use crate::plan::{AnswerEvent, Plan, QuestionState, Quote};
use serde_json::{Value, json};

pub const JSON_SCHEMA: &str = "plancheck.plan";
pub const JSON_VERSION: u32 = 1;

fn event(e: &AnswerEvent) -> Value {
    json!({
        "kind": e.kind.as_str(),
        "text": e.text,
        "author": { "id": e.author.id.to_string(), "name": e.author.name },
        "at": e.at.to_rfc3339(),
        "said_in_message_id": said_in(e.said_in),
        "decision": e.decision.is_some(),
    })
}

/// A decided question: the question, the answer, who answered and who marked it when.
fn decision(q: &crate::plan::PlanQuestion, e: &AnswerEvent) -> Value {
    let d = e.decision.as_ref();
    json!({
        "number": q.number,
        "id": q.id,
        "question": q.text,
        "text": e.text,
        "author": { "id": e.author.id.to_string(), "name": e.author.name },
        "at": e.at.to_rfc3339(),
        "decided_by": d.map(|d| json!({ "id": d.by.id.to_string(), "name": d.by.name })),
        "decided_at": d.map(|d| d.at.to_rfc3339()),
        "said_in_message_id": said_in(e.said_in),
    })
}

/// A sentence of the discussion: text, author, message (and its link on Discord).
fn quote(plan: &Plan, q: &Quote) -> Value {
    json!({
        "text": q.text,
        "author": { "id": q.author.id.to_string(), "name": q.author.name },
        "message_id": q.message.to_string(),
        "link": plan.message_link(q.message),
    })
}

fn said_in(m: Option<MessageId>) -> Value {
    m.map_or(Value::Null, |m| json!(m.to_string()))
}

pub fn render(plan: &Plan) -> String {
    let cov = plan.coverage();
    let questions: Vec<Value> = plan
        .questions
        .iter()
        .map(|q| {
            let (state, answer, skip) = match plan.state(&q.id) {
                QuestionState::Open => ("open", Value::Null, Value::Null),
                QuestionState::Answered { latest, revisions } => (
                    "answered",
                    json!({
                        "text": latest.text,
                        "author": { "id": latest.author.id.to_string(), "name": latest.author.name },
                        "at": latest.at.to_rfc3339(),
                        "revisions": revisions,
                        "said_in_message_id": said_in(latest.said_in),
                    }),
                    Value::Null,
                ),
                QuestionState::Skipped { latest } => ("skipped", Value::Null, json!(latest.text)),
            };
            json!({
                "number": q.number,
                "id": q.id,
                "pack": q.pack_id,
                "category": q.category.as_str(),
                "text": q.text,
                "why": q.why,
                "critical": q.critical,
                "hint": q.hint,
                "state": state,
                "decision": plan.decision(&q.id).is_some(),
                "answer": answer,
                "skip_reason": skip,
                "suggested": q.suggested.as_ref().map(|s| quote(plan, s)),
                "asked": q.asked.as_ref().map(|a| quote(plan, a)),
                "history": plan.history(&q.id).map(event).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "schema": JSON_SCHEMA,
        "version": JSON_VERSION,
        "plan": {
            "id": plan.id.0,
            "title": plan.title,
            "status": plan.status.as_str(),
            "guild_id": plan.guild.to_string(),
            "channel_id": plan.channel.to_string(),
            "thread_id": plan.thread.map(|t| t.to_string()),
            "created_by": { "id": plan.created_by.id.to_string(), "name": plan.created_by.name },
            "created_at": plan.created_at.to_rfc3339(),
            "closed_at": plan.closed_at.map(|t| t.to_rfc3339()),
            "packs": plan.packs,
            "depth": plan.depth.as_str(),
            "ready": plan.is_ready(),
            "closed_unready": plan.closed_unready(),
            "participants": plan.participants().iter().map(|a| json!({"id": a.id.to_string(), "name": a.name})).collect::<Vec<_>>(),
        },
        "coverage": {
            "total": cov.total,
            "answered": cov.answered,
            "skipped": cov.skipped,
            "open": cov.open(),
            "percent": cov.percent(),
            "critical_open": cov.critical_open,
            "categories": cov.categories.iter().map(|c| json!({
                "category": c.category.as_str(),
                "total": c.total,
                "answered": c.answered,
                "skipped": c.skipped,
                "open": c.open(),
                "percent": c.percent(),
            })).collect::<Vec<_>>(),
        },
        "decisions": plan.decisions().into_iter().map(|(q, e)| decision(q, e)).collect::<Vec<_>>(),
        "questions": questions,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("a json! value always serialises");
    s.push('\n');
    s
}
