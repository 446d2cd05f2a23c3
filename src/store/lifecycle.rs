//! Data lifecycle: forgetting a member (every table that names people) and purging old
//! detections (`detections`, `feedback`), each in one transaction; table `forget_log`.

use super::{Result, Store, id, is_unique_violation, ts, uid};
use crate::ids::{GuildId, MessageId, UserId};
use chrono::{DateTime, Utc};

/// One `forget`, as the audit line records it: never the member forgotten.
#[derive(Debug, Clone, PartialEq)]
pub struct ForgetLine {
    pub at: DateTime<Utc>,
    /// The admin who asked; `None` for the command line.
    pub by: Option<UserId>,
    /// The server it covered; `None` for every server.
    pub guild: Option<GuildId>,
    /// How many rows named the member.
    pub count: u64,
    /// The interaction that asked (a replay of it writes nothing).
    pub source: Option<MessageId>,
}

/// What a purge removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Purged {
    pub detections: u64,
    pub feedback: u64,
}

/// The rows that name a person, and how each is rewritten. `?1` the former member's name,
/// `?2` the member, `?3` the server (NULL: every server).
const FORGET: &[&str] = &[
    "UPDATE plans SET created_by_id = 0, created_by_name = $1
     WHERE created_by_id = $2 AND ($3 IS NULL OR guild_id = $3)",
    "UPDATE plan_questions SET suggested_author_id = 0, suggested_author_name = $1
     WHERE suggested_author_id = $2
       AND plan_id IN (SELECT id FROM plans WHERE $3 IS NULL OR guild_id = $3)",
    "UPDATE plan_questions SET asked_author_id = 0, asked_author_name = $1
     WHERE asked_author_id = $2
       AND plan_id IN (SELECT id FROM plans WHERE $3 IS NULL OR guild_id = $3)",
    "UPDATE answer_events SET author_id = 0, author_name = $1
     WHERE author_id = $2
       AND plan_id IN (SELECT id FROM plans WHERE $3 IS NULL OR guild_id = $3)",
    "UPDATE feedback SET user_id = 0
     WHERE user_id = $2 AND ($3 IS NULL OR guild_id = $3)",
    "UPDATE watched_channels SET added_by = 0
     WHERE added_by = $2 AND ($3 IS NULL OR guild_id = $3)",
    "UPDATE forget_log SET by_id = 0
     WHERE by_id = $2 AND ($3 IS NULL OR guild_id = $3)",
    "UPDATE decisions SET author_id = 0, author_name = $1
     WHERE author_id = $2
       AND answer_event_id IN (SELECT e.id FROM answer_events e JOIN plans p ON p.id = e.plan_id
                               WHERE $3 IS NULL OR p.guild_id = $3)",
    "UPDATE nudges_silenced SET by_user_id = 0
     WHERE by_user_id = $2 AND ($3 IS NULL OR guild_id = $3)",
];

/// Detections made before `?1` that never became a plan.
macro_rules! unstarted {
    () => {
        "created_at < $1 AND outcome <> 'started'
         AND NOT EXISTS (SELECT 1 FROM plans WHERE plans.detection_id = detections.id)"
    };
}

impl Store {
    /// Rewrites every row that names `member` (in `line.guild`, or everywhere) to the
    /// anonymous `former` name and id 0, and appends the audit line with the count: all
    /// or nothing. `None` when `line.source` was recorded before (a replay: nothing done).
    #[tracing::instrument(skip_all)]
    pub async fn forget_member(
        &self,
        member: UserId,
        former: &str,
        mut line: ForgetLine,
    ) -> Result<Option<ForgetLine>> {
        let mut tx = self.pool().begin().await?;
        let mut count = 0;
        for &sql in FORGET {
            count += sqlx::query(sql)
                .bind(former)
                .bind(id(member.0))
                .bind(line.guild.map(|g| id(g.0)))
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        line.count = count;
        let logged = sqlx::query(
            "INSERT INTO forget_log (at, by_id, guild_id, count, source_id) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(ts(line.at))
        .bind(line.by.map(|u| id(u.0)))
        .bind(line.guild.map(|g| id(g.0)))
        .bind(count as i64)
        .bind(line.source.map(|s| id(s.0)))
        .execute(&mut *tx)
        .await;
        match logged {
            Ok(_) => {
                tx.commit().await?;
                Ok(Some(line))
            }
            Err(e) if is_unique_violation(&e) => {
                tx.rollback().await?;
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Asks the database something trivial (the health check).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(self.pool()).await?;
        Ok(())
    }

    /// The audit lines, oldest first.
    pub async fn forget_log(&self) -> Result<Vec<ForgetLine>> {
        type Row = (String, Option<i64>, Option<i64>, i64, Option<i64>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT at, by_id, guild_id, count, source_id FROM forget_log ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(at, by, guild, count, source)| {
                Ok(ForgetLine {
                    at: super::parse_ts("forget_log", "at", &at)?,
                    by: by.map(|u| UserId(uid(u))),
                    guild: guild.map(|g| GuildId(uid(g))),
                    count: count as u64,
                    source: source.map(|s| MessageId(uid(s))),
                })
            })
            .collect()
    }

    /// Deletes detections made before `cutoff` that never became a plan, and feedback
    /// given before `cutoff`; newer feedback on a deleted detection loses only the link.
    #[tracing::instrument(skip_all)]
    pub async fn purge_before(&self, cutoff: DateTime<Utc>) -> Result<Purged> {
        let cutoff = ts(cutoff);
        let mut tx = self.pool().begin().await?;
        let feedback = sqlx::query("DELETE FROM feedback WHERE at < $1")
            .bind(&cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query(concat!(
            "UPDATE feedback SET detection_id = NULL
             WHERE detection_id IN (SELECT id FROM detections WHERE ",
            unstarted!(),
            ")"
        ))
        .bind(&cutoff)
        .execute(&mut *tx)
        .await?;
        let detections = sqlx::query(concat!("DELETE FROM detections WHERE ", unstarted!()))
            .bind(&cutoff)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(Purged {
            detections,
            feedback,
        })
    }
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
