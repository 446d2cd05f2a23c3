//! Tables `plans` and `plan_questions`.

use super::{Result, Store, StoreError, id, parse_json, parse_ts, ts, uid};
use crate::ids::{ChannelId, DetectionId, GuildId, MessageId, PlanId, UserId};
use crate::packs::Category;
use crate::plan::select::Depth;
use crate::plan::{Author, Plan, PlanQuestion, Quote, Status};
use chrono::{DateTime, Utc};

/// Everything needed to create a plan.
#[derive(Debug, Clone)]
pub struct NewPlan {
    pub guild: GuildId,
    pub channel: ChannelId,
    pub thread: Option<ChannelId>,
    pub title: String,
    pub created_by: Author,
    pub created_at: DateTime<Utc>,
    pub packs: Vec<String>,
    pub questions: Vec<PlanQuestion>,
    pub detection: Option<DetectionId>,
    /// The interaction or message that started it; a replay finds the same plan.
    pub source: Option<MessageId>,
    pub depth: Depth,
    /// Questions it could still add, best first: (question id, pack id).
    pub more: Vec<(String, String)>,
}

/// Filters for listing plans; `None` matches everything.
#[derive(Debug, Clone, Default)]
pub struct PlanFilter {
    pub guild: Option<GuildId>,
    pub channel: Option<ChannelId>,
    pub status: Option<Status>,
}

pub use crate::plan::summary::PlanSummary;

fn status(s: &str) -> Result<Status> {
    Status::parse(s).ok_or_else(|| StoreError::Corrupt {
        table: "plans",
        column: "status",
        detail: s.into(),
    })
}

impl Store {
    /// Creates a plan with its question snapshot in one transaction. A second call with the
    /// same `source` or `detection` returns the existing plan's id and `false`.
    #[tracing::instrument(skip_all, fields(guild = %p.guild, channel = %p.channel))]
    pub async fn create_plan(&self, p: &NewPlan) -> Result<(PlanId, bool)> {
        let mut tx = self.pool().begin().await?;
        let inserted: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO plans (guild_id, channel_id, thread_id, title, created_by_id, created_by_name, created_at, packs, detection_id, source_id, depth, more)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(id(p.guild.0))
        .bind(id(p.channel.0))
        .bind(p.thread.map(|t| id(t.0)))
        .bind(&p.title)
        .bind(id(p.created_by.id.0))
        .bind(&p.created_by.name)
        .bind(ts(p.created_at))
        .bind(serde_json::to_string(&p.packs).expect("ids serialise"))
        .bind(p.detection.map(|d| d.0))
        .bind(p.source.map(|s| id(s.0)))
        .bind(p.depth.as_str())
        .bind(serde_json::to_string(&p.more).expect("ids serialise"))
        .fetch_optional(&mut *tx)
        .await?;
        let Some((plan_id,)) = inserted else {
            tx.rollback().await?;
            let (existing,): (i64,) = sqlx::query_as(
                "SELECT id FROM plans WHERE (source_id IS NOT NULL AND source_id = $1) OR (detection_id IS NOT NULL AND detection_id = $2)
                 ORDER BY id LIMIT 1",
            )
            .bind(p.source.map(|s| id(s.0)))
            .bind(p.detection.map(|d| d.0))
            .fetch_one(self.pool())
            .await?;
            return Ok((PlanId(existing), false));
        };
        insert_questions(&mut tx, plan_id, &p.questions).await?;
        tx.commit().await?;
        Ok((PlanId(plan_id), true))
    }

    /// The questions plan `plan` could still add, best first.
    #[tracing::instrument(skip_all, fields(plan = %plan))]
    pub async fn plan_more(&self, plan: PlanId) -> Result<Vec<(String, String)>> {
        let (more,): (String,) = sqlx::query_as("SELECT more FROM plans WHERE id = $1")
            .bind(plan.0)
            .fetch_one(self.pool())
            .await?;
        parse_json("plans", "more", &more)
    }

    /// Adds `questions` to a plan and keeps `more` as what it could still add, in one
    /// transaction; `expected` is the count of questions the caller saw, so two people
    /// asking for more at once cannot add the same numbers twice (false: nothing written).
    #[tracing::instrument(skip_all, fields(plan = %plan))]
    pub async fn add_questions(
        &self,
        plan: PlanId,
        expected: usize,
        questions: &[PlanQuestion],
        more: &[(String, String)],
    ) -> Result<bool> {
        let mut tx = self.pool().begin().await?;
        let (count,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM plan_questions WHERE plan_id = $1")
                .bind(plan.0)
                .fetch_one(&mut *tx)
                .await?;
        if count as usize != expected {
            tx.rollback().await?;
            return Ok(false);
        }
        match insert_questions(&mut tx, plan.0, questions).await {
            // Another call added these numbers meanwhile (PostgreSQL lets both read the
            // same count; the second insert waits for the first and then conflicts).
            Err(StoreError::Db(e)) if super::is_unique_violation(&e) => return Ok(false),
            other => other?,
        }
        sqlx::query("UPDATE plans SET more = $1 WHERE id = $2")
            .bind(serde_json::to_string(more).expect("ids serialise"))
            .bind(plan.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Loads a plan with its questions and every answer event.
    #[tracing::instrument(skip_all, fields(plan = %plan))]
    pub async fn plan(&self, plan: PlanId) -> Result<Option<Plan>> {
        type Head = (
            i64,
            i64,
            Option<i64>,
            String,
            String,
            i64,
            String,
            String,
            Option<String>,
            String,
            String,
        );
        let head: Option<Head> = sqlx::query_as(
            "SELECT guild_id, channel_id, thread_id, title, status, created_by_id, created_by_name, created_at, closed_at, packs, depth
             FROM plans WHERE id = $1",
        )
        .bind(plan.0)
        .fetch_optional(self.pool())
        .await?;
        let Some((
            guild,
            channel,
            thread,
            title,
            st,
            by_id,
            by_name,
            created,
            closed,
            packs,
            depth,
        )) = head
        else {
            return Ok(None);
        };
        let rows: Vec<QuestionRow> = sqlx::query_as(
            "SELECT number, question_id, pack_id, category, text, why, critical, hint,
                    suggested_text, suggested_author_id, suggested_author_name, suggested_message_id,
                    asked_text, asked_author_id, asked_author_name, asked_message_id
             FROM plan_questions WHERE plan_id = $1 ORDER BY number",
        )
        .bind(plan.0)
        .fetch_all(self.pool())
        .await?;
        let questions = rows
            .into_iter()
            .map(QuestionRow::into_question)
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(Plan {
            id: plan,
            guild: GuildId(uid(guild)),
            channel: ChannelId(uid(channel)),
            thread: thread.map(|t| ChannelId(uid(t))),
            title,
            status: status(&st)?,
            created_by: Author {
                id: UserId(uid(by_id)),
                name: by_name,
            },
            created_at: parse_ts("plans", "created_at", &created)?,
            closed_at: closed
                .map(|c| parse_ts("plans", "closed_at", &c))
                .transpose()?,
            packs: parse_json("plans", "packs", &packs)?,
            depth: Depth::parse(&depth).ok_or_else(|| StoreError::Corrupt {
                table: "plans",
                column: "depth",
                detail: depth.clone(),
            })?,
            questions,
            events: self.answer_events(plan).await?,
        }))
    }

    /// Plans matching `filter`, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn list_plans(&self, filter: &PlanFilter, limit: u32) -> Result<Vec<PlanSummary>> {
        type Row = (i64, i64, i64, Option<i64>, String, String, String, i64, i64);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT p.id, p.guild_id, p.channel_id, p.thread_id, p.title, p.status, p.created_at,
                    (SELECT COUNT(*) FROM plan_questions q WHERE q.plan_id = p.id),
                    (SELECT COUNT(*) FROM plan_questions q WHERE q.plan_id = p.id AND
                        (SELECT e.kind FROM answer_events e WHERE e.plan_id = p.id AND e.question_id = q.question_id
                         ORDER BY e.id DESC LIMIT 1) IN ('answer', 'skip'))
             FROM plans p
             WHERE ($1 IS NULL OR p.guild_id = $1)
               AND ($2 IS NULL OR p.channel_id = $2 OR p.thread_id = $2)
               AND ($3 IS NULL OR p.status = $3)
             ORDER BY p.created_at DESC, p.id DESC LIMIT $4",
        )
        .bind(filter.guild.map(|g| id(g.0)))
        .bind(filter.channel.map(|c| id(c.0)))
        .bind(filter.status.map(|s| s.as_str()))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(pid, g, c, t, title, st, created, total, decided)| {
                Ok(PlanSummary {
                    id: PlanId(pid),
                    guild: GuildId(uid(g)),
                    channel: ChannelId(uid(c)),
                    thread: t.map(|t| ChannelId(uid(t))),
                    title,
                    status: status(&st)?,
                    created_at: parse_ts("plans", "created_at", &created)?,
                    questions: total as u32,
                    decided: decided as u32,
                })
            })
            .collect()
    }

    /// Closes or reopens a plan; returns false when it already had that status.
    #[tracing::instrument(skip_all, fields(plan = %plan))]
    pub async fn set_plan_status(
        &self,
        plan: PlanId,
        to: Status,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let closed_at = (to == Status::Closed).then(|| ts(at));
        let r = sqlx::query(
            "UPDATE plans SET status = $1, closed_at = $2 WHERE id = $3 AND status <> $4",
        )
        .bind(to.as_str())
        .bind(closed_at)
        .bind(plan.0)
        .bind(to.as_str())
        .execute(self.pool())
        .await?;
        Ok(r.rows_affected() == 1)
    }

    #[tracing::instrument(skip_all, fields(plan = %plan))]
    pub async fn set_plan_thread(&self, plan: PlanId, thread: ChannelId) -> Result<()> {
        sqlx::query("UPDATE plans SET thread_id = $1 WHERE id = $2")
            .bind(id(thread.0))
            .bind(plan.0)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The newest plan, open or closed, discussed in `channel` (its thread, or the channel
    /// itself when the plan has no thread).
    #[tracing::instrument(skip_all, fields(channel = %channel))]
    pub async fn latest_plan_in(&self, channel: ChannelId) -> Result<Option<PlanId>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM plans WHERE thread_id = $1 OR (thread_id IS NULL AND channel_id = $1)
             ORDER BY id DESC LIMIT 1",
        )
        .bind(id(channel.0))
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(p,)| PlanId(p)))
    }

    /// The newest open plan discussed in `channel`: its thread, or the channel itself
    /// when the plan has no thread.
    #[tracing::instrument(skip_all, fields(channel = %channel))]
    pub async fn open_plan_in(&self, channel: ChannelId) -> Result<Option<PlanId>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM plans WHERE status = 'open'
               AND (thread_id = $1 OR (thread_id IS NULL AND channel_id = $1))
             ORDER BY id DESC LIMIT 1",
        )
        .bind(id(channel.0))
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(p,)| PlanId(p)))
    }
}

/// A row of `plan_questions`.
#[derive(sqlx::FromRow)]
struct QuestionRow {
    number: i64,
    question_id: String,
    pack_id: String,
    category: String,
    text: String,
    why: String,
    critical: i64,
    hint: Option<String>,
    suggested_text: Option<String>,
    suggested_author_id: Option<i64>,
    suggested_author_name: Option<String>,
    suggested_message_id: Option<i64>,
    asked_text: Option<String>,
    asked_author_id: Option<i64>,
    asked_author_name: Option<String>,
    asked_message_id: Option<i64>,
}

impl QuestionRow {
    fn into_question(self) -> Result<PlanQuestion> {
        let category = Category::parse(&self.category).ok_or_else(|| StoreError::Corrupt {
            table: "plan_questions",
            column: "category",
            detail: self.category.clone(),
        })?;
        Ok(PlanQuestion {
            number: self.number as u32,
            id: self.question_id,
            pack_id: self.pack_id,
            category,
            text: self.text,
            why: self.why,
            critical: self.critical != 0,
            hint: self.hint,
            suggested: quote(
                self.suggested_text,
                self.suggested_author_id,
                self.suggested_author_name,
                self.suggested_message_id,
            ),
            asked: quote(
                self.asked_text,
                self.asked_author_id,
                self.asked_author_name,
                self.asked_message_id,
            ),
            // Not stored: the service looks it up from the packs (`Plan::attach_reading`).
            reading: Vec::new(),
        })
    }
}

/// A quote from its four columns; none unless all four are set.
fn quote(
    text: Option<String>,
    author: Option<i64>,
    name: Option<String>,
    message: Option<i64>,
) -> Option<Quote> {
    Some(Quote {
        text: text?,
        author: Author {
            id: UserId(uid(author?)),
            name: name?,
        },
        message: MessageId(uid(message?)),
    })
}

async fn insert_questions(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    plan_id: i64,
    questions: &[PlanQuestion],
) -> Result<()> {
    for q in questions {
        sqlx::query(
            "INSERT INTO plan_questions (plan_id, number, question_id, pack_id, category, text, why, critical, hint,
                 suggested_text, suggested_author_id, suggested_author_name, suggested_message_id,
                 asked_text, asked_author_id, asked_author_name, asked_message_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(plan_id)
        .bind(i64::from(q.number))
        .bind(&q.id)
        .bind(&q.pack_id)
        .bind(q.category.as_str())
        .bind(&q.text)
        .bind(&q.why)
        .bind(q.critical as i64)
        .bind(&q.hint)
        .bind(q.suggested.as_ref().map(|s| s.text.as_str()))
        .bind(q.suggested.as_ref().map(|s| id(s.author.id.0)))
        .bind(q.suggested.as_ref().map(|s| s.author.name.as_str()))
        .bind(q.suggested.as_ref().map(|s| id(s.message.0)))
        .bind(q.asked.as_ref().map(|s| s.text.as_str()))
        .bind(q.asked.as_ref().map(|s| id(s.author.id.0)))
        .bind(q.asked.as_ref().map(|s| s.author.name.as_str()))
        .bind(q.asked.as_ref().map(|s| id(s.message.0)))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
