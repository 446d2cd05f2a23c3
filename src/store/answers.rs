//! Table `answer_events`: every answer, skip and reopen, never overwritten.

use super::{Result, Store, StoreError, id, is_unique_violation, parse_ts, ts, uid};
use crate::ids::{MessageId, PlanId, UserId};
use crate::plan::{AnswerEvent, Author, EventKind};

impl Store {
    /// Appends an event. Returns false when its source was recorded before (a replay).
    #[tracing::instrument(skip_all, fields(plan = %plan, question = %e.question_id))]
    pub async fn record_event(&self, plan: PlanId, e: &AnswerEvent) -> Result<bool> {
        let r = sqlx::query(
            "INSERT INTO answer_events (plan_id, question_id, kind, text, author_id, author_name, at, source_id, said_in_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(plan.0)
        .bind(&e.question_id)
        .bind(e.kind.as_str())
        .bind(&e.text)
        .bind(id(e.author.id.0))
        .bind(&e.author.name)
        .bind(ts(e.at))
        .bind(e.source.map(|s| id(s.0)))
        .bind(e.said_in.map(|s| id(s.0)))
        .execute(self.pool())
        .await;
        match r {
            Ok(_) => Ok(true),
            Err(err) if is_unique_violation(&err) => Ok(false),
            Err(err) => Err(err.into()),
        }
    }

    /// Every event of a plan, oldest first.
    pub(crate) async fn answer_events(&self, plan: PlanId) -> Result<Vec<AnswerEvent>> {
        type Row = (
            String,
            String,
            String,
            i64,
            String,
            String,
            Option<i64>,
            Option<i64>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT question_id, kind, text, author_id, author_name, at, source_id, said_in_id
             FROM answer_events WHERE plan_id = ? ORDER BY id",
        )
        .bind(plan.0)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(q, kind, text, aid, aname, at, source, said_in)| {
                Ok(AnswerEvent {
                    question_id: q,
                    kind: EventKind::parse(&kind).ok_or_else(|| StoreError::Corrupt {
                        table: "answer_events",
                        column: "kind",
                        detail: kind.clone(),
                    })?,
                    text,
                    author: Author {
                        id: UserId(uid(aid)),
                        name: aname,
                    },
                    at: parse_ts("answer_events", "at", &at)?,
                    source: source.map(|s| MessageId(uid(s))),
                    said_in: said_in.map(|s| MessageId(uid(s))),
                })
            })
            .collect()
    }
}
