//! Table `answer_events`: every answer, skip and reopen, never overwritten (read with
//! the decision marks of `decisions`).

use super::{Result, Store, StoreError, id, is_unique_violation, parse_ts, ts, uid};
use crate::ids::{MessageId, PlanId, UserId};
use crate::plan::{AnswerEvent, Author, Decision, EventKind};

impl Store {
    /// Appends an event (and its decision mark, in the same transaction). Returns false
    /// when its source was recorded before (a replay).
    #[tracing::instrument(skip_all, fields(plan = %plan, question = %e.question_id))]
    pub async fn record_event(&self, plan: PlanId, e: &AnswerEvent) -> Result<bool> {
        let mut tx = self.pool().begin().await?;
        let r: std::result::Result<(i64,), _> = sqlx::query_as(
            "INSERT INTO answer_events (plan_id, question_id, kind, text, author_id, author_name, at, source_id, said_in_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
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
        .fetch_one(&mut *tx)
        .await;
        let inserted = match r {
            Ok((new,)) => new,
            Err(err) if is_unique_violation(&err) => return Ok(false),
            Err(err) => return Err(err.into()),
        };
        if let Some(d) = &e.decision {
            match Store::insert_decision(&mut tx, inserted, d).await {
                Ok(()) => {}
                Err(err) if is_unique_violation(&err) => return Ok(false),
                Err(err) => return Err(err.into()),
            }
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Every event of a plan, oldest first, with the decision marks of its answers.
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
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<i64>,
        );
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT e.question_id, e.kind, e.text, e.author_id, e.author_name, e.at, e.source_id, e.said_in_id,
                    d.author_id, d.author_name, d.at, d.source_id
             FROM answer_events e LEFT JOIN decisions d ON d.answer_event_id = e.id
             WHERE e.plan_id = $1 ORDER BY e.id",
        )
        .bind(plan.0)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(
                |(q, kind, text, aid, aname, at, source, said_in, did, dname, dat, dsource)| {
                    let decision = match (did, dname, dat) {
                        (Some(did), Some(dname), Some(dat)) => Some(Decision {
                            by: Author {
                                id: UserId(uid(did)),
                                name: dname,
                            },
                            at: parse_ts("decisions", "at", &dat)?,
                            source: dsource.map(|s| MessageId(uid(s))),
                        }),
                        _ => None,
                    };
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
                        decision,
                    })
                },
            )
            .collect()
    }
}
