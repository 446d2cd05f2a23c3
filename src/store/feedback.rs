//! Table `feedback`: what people said about prompts, for calibration.

use super::{Result, Store, StoreError, id, is_unique_violation, parse_ts, ts, uid};
use crate::ids::{ChannelId, DetectionId, GuildId, MessageId, UserId};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackKind {
    /// "Not a feature": the prompt was a false trigger.
    NotFeature,
    /// A checklist was started from the prompt: a true trigger.
    Started,
}

impl FeedbackKind {
    fn as_str(self) -> &'static str {
        match self {
            FeedbackKind::NotFeature => "not_feature",
            FeedbackKind::Started => "started",
        }
    }

    fn parse(s: &str) -> Result<FeedbackKind> {
        match s {
            "not_feature" => Ok(FeedbackKind::NotFeature),
            "started" => Ok(FeedbackKind::Started),
            other => Err(StoreError::Corrupt {
                table: "feedback",
                column: "kind",
                detail: format!("unknown kind {other:?}"),
            }),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FeedbackCounts {
    pub not_feature: u32,
    pub started: u32,
}

impl Store {
    /// Records feedback once per source event; returns false for a replay.
    #[allow(clippy::too_many_arguments)]
    #[tracing::instrument(skip_all, fields(guild = %guild))]
    pub async fn add_feedback(
        &self,
        guild: GuildId,
        channel: ChannelId,
        detection: Option<DetectionId>,
        kind: FeedbackKind,
        user: UserId,
        at: DateTime<Utc>,
        source: MessageId,
    ) -> Result<bool> {
        let r = sqlx::query(
            "INSERT INTO feedback (guild_id, channel_id, detection_id, kind, user_id, at, source_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id(guild.0))
        .bind(id(channel.0))
        .bind(detection.map(|d| d.0))
        .bind(kind.as_str())
        .bind(id(user.0))
        .bind(ts(at))
        .bind(id(source.0))
        .execute(self.pool())
        .await;
        match r {
            Ok(_) => Ok(true),
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Every server's feedback since `since`: `(server, kind, when)`, oldest first (the
    /// service keeps recent feedback in memory for calibration).
    #[tracing::instrument(skip_all)]
    pub async fn feedback_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(GuildId, FeedbackKind, DateTime<Utc>)>> {
        let rows: Vec<FeedbackRow> = sqlx::query_as(
            "SELECT guild_id, kind, at FROM feedback WHERE at >= $1 ORDER BY at, id",
        )
        .bind(ts(since))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok((
                    GuildId(uid(r.guild_id)),
                    FeedbackKind::parse(&r.kind)?,
                    parse_ts("feedback", "at", &r.at)?,
                ))
            })
            .collect()
    }

    /// Feedback counts of a server since `since`.
    #[tracing::instrument(skip_all, fields(guild = %guild))]
    pub async fn feedback_counts(
        &self,
        guild: GuildId,
        since: DateTime<Utc>,
    ) -> Result<FeedbackCounts> {
        let (nf, st): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(CASE WHEN kind = 'not_feature' THEN 1 END), COUNT(CASE WHEN kind = 'started' THEN 1 END)
             FROM feedback WHERE guild_id = $1 AND at >= $2",
        )
        .bind(id(guild.0))
        .bind(ts(since))
        .fetch_one(self.pool())
        .await?;
        Ok(FeedbackCounts {
            not_feature: nf as u32,
            started: st as u32,
        })
    }
}

/// A `feedback` row as stored.
#[derive(sqlx::FromRow)]
struct FeedbackRow {
    guild_id: i64,
    kind: String,
    at: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{Backend, on_both_backends};

    on_both_backends!(feedback_is_counted_once_per_source_event,);

    async fn feedback_is_counted_once_per_source_event(backend: Backend) {
        let (store, _db) = backend.fresh().await;
        let now = Utc::now();
        let add = |kind, source| {
            store.add_feedback(
                GuildId(1),
                ChannelId(2),
                None,
                kind,
                UserId(3),
                now,
                MessageId(source),
            )
        };
        assert!(add(FeedbackKind::NotFeature, 10).await.unwrap());
        assert!(!add(FeedbackKind::NotFeature, 10).await.unwrap());
        assert!(add(FeedbackKind::Started, 11).await.unwrap());
        let c = store
            .feedback_counts(GuildId(1), now - chrono::Duration::days(1))
            .await
            .unwrap();
        assert_eq!(
            c,
            FeedbackCounts {
                not_feature: 1,
                started: 1
            }
        );
        let other = store
            .feedback_counts(GuildId(9), now - chrono::Duration::days(1))
            .await
            .unwrap();
        assert_eq!(other, FeedbackCounts::default());
        let old = now - chrono::Duration::days(40);
        store
            .add_feedback(
                GuildId(9),
                ChannelId(2),
                None,
                FeedbackKind::Started,
                UserId(3),
                old,
                MessageId(12),
            )
            .await
            .unwrap();
        let recent = store
            .feedback_since(now - chrono::Duration::days(1))
            .await
            .unwrap();
        let kinds: Vec<_> = recent.iter().map(|(g, k, _)| (*g, *k)).collect();
        assert_eq!(
            kinds,
            vec![
                (GuildId(1), FeedbackKind::NotFeature),
                (GuildId(1), FeedbackKind::Started)
            ],
            "older feedback and replays are left out"
        );
        assert_eq!(recent[0].2.timestamp_millis(), now.timestamp_millis());
    }
}
