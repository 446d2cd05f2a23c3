//! Table `detections`.

use super::{Result, Store, StoreError, id, parse_json, parse_ts, ts, uid};
use crate::detect::Detection;
use crate::ids::{ChannelId, DetectionId, GuildId, MessageId};
use chrono::{DateTime, Utc};

/// What became of a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Pending,
    Started,
    Dismissed,
    Muted,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Started => "started",
            Outcome::Dismissed => "dismissed",
            Outcome::Muted => "muted",
        }
    }

    fn parse(s: &str) -> Result<Outcome> {
        Ok(match s {
            "pending" => Outcome::Pending,
            "started" => Outcome::Started,
            "dismissed" => Outcome::Dismissed,
            "muted" => Outcome::Muted,
            other => {
                return Err(StoreError::Corrupt {
                    table: "detections",
                    column: "outcome",
                    detail: other.to_string(),
                });
            }
        })
    }
}

/// A stored detection.
#[derive(Debug, Clone, PartialEq)]
pub struct DetectionRecord {
    pub id: DetectionId,
    pub guild: GuildId,
    pub channel: ChannelId,
    pub message_id: MessageId,
    pub score: f32,
    pub threshold: f32,
    pub title: String,
    pub packs: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub prompt_message_id: Option<MessageId>,
    pub outcome: Outcome,
    /// Why the prompt could not be posted (after retries), if it could not.
    pub undelivered: Option<String>,
}

type Row = (
    i64,
    i64,
    i64,
    i64,
    f64,
    f64,
    String,
    String,
    String,
    Option<i64>,
    String,
    Option<String>,
);

macro_rules! columns {
    () => {
        "id, guild_id, channel_id, message_id, score, threshold, title, packs, created_at, prompt_message_id, outcome, undelivered"
    };
}

fn to_record(r: Row) -> Result<DetectionRecord> {
    Ok(DetectionRecord {
        id: DetectionId(r.0),
        guild: GuildId(uid(r.1)),
        channel: ChannelId(uid(r.2)),
        message_id: MessageId(uid(r.3)),
        score: r.4 as f32,
        threshold: r.5 as f32,
        title: r.6,
        packs: parse_json("detections", "packs", &r.7)?,
        created_at: parse_ts("detections", "created_at", &r.8)?,
        prompt_message_id: r.9.map(|m| MessageId(uid(m))),
        outcome: Outcome::parse(&r.10)?,
        undelivered: r.11,
    })
}

impl Store {
    /// Records a detection once per triggering message. Returns its id and whether this
    /// call created it (false for a replay).
    #[tracing::instrument(skip_all, fields(message = %d.message_id))]
    pub async fn insert_detection(
        &self,
        guild: GuildId,
        d: &Detection,
    ) -> Result<(DetectionId, bool)> {
        let packs: Vec<&str> = d.packs.iter().map(|p| p.id.as_str()).collect();
        let inserted: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO detections (guild_id, channel_id, message_id, score, threshold, title, evidence, packs, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (message_id) DO NOTHING RETURNING id",
        )
        .bind(id(guild.0))
        .bind(id(d.channel.0))
        .bind(id(d.message_id.0))
        .bind(f64::from(d.score))
        .bind(f64::from(d.threshold))
        .bind(&d.title)
        .bind(serde_json::to_string(&d.evidence).expect("evidence serialises"))
        .bind(serde_json::to_string(&packs).expect("ids serialise"))
        .bind(ts(d.at))
        .fetch_optional(self.pool())
        .await?;
        if let Some((new,)) = inserted {
            return Ok((DetectionId(new), true));
        }
        let (existing,): (i64,) = sqlx::query_as("SELECT id FROM detections WHERE message_id = $1")
            .bind(id(d.message_id.0))
            .fetch_one(self.pool())
            .await?;
        Ok((DetectionId(existing), false))
    }

    #[tracing::instrument(skip_all, fields(detection = %det))]
    pub async fn detection(&self, det: DetectionId) -> Result<Option<DetectionRecord>> {
        let row: Option<Row> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM detections WHERE id = $1"
        ))
        .bind(det.0)
        .fetch_optional(self.pool())
        .await?;
        row.map(to_record).transpose()
    }

    #[tracing::instrument(skip_all, fields(detection = %det))]
    pub async fn set_prompt_message(&self, det: DetectionId, message: MessageId) -> Result<()> {
        sqlx::query("UPDATE detections SET prompt_message_id = $1 WHERE id = $2")
            .bind(id(message.0))
            .bind(det.0)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records that the prompt could not be posted, and why.
    #[tracing::instrument(skip_all, fields(detection = %det))]
    pub async fn set_undelivered(&self, det: DetectionId, reason: &str) -> Result<()> {
        sqlx::query("UPDATE detections SET undelivered = $1 WHERE id = $2")
            .bind(reason)
            .bind(det.0)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Moves a pending detection to `outcome`; returns false if it was already decided.
    #[tracing::instrument(skip_all, fields(detection = %det))]
    pub async fn decide_detection(&self, det: DetectionId, outcome: Outcome) -> Result<bool> {
        let r =
            sqlx::query("UPDATE detections SET outcome = $1 WHERE id = $2 AND outcome = 'pending'")
                .bind(outcome.as_str())
                .bind(det.0)
                .execute(self.pool())
                .await?;
        Ok(r.rows_affected() == 1)
    }

    /// The most recent detections of a server, newest first.
    #[tracing::instrument(skip_all, fields(guild = %guild))]
    pub async fn recent_detections(
        &self,
        guild: GuildId,
        limit: u32,
    ) -> Result<Vec<DetectionRecord>> {
        let rows: Vec<Row> = sqlx::query_as(concat!(
            "SELECT ",
            columns!(),
            " FROM detections WHERE guild_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
        ))
        .bind(id(guild.0))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(to_record).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{Backend, on_both_backends};

    on_both_backends!(
        the_same_message_never_creates_a_second_detection,
        an_outcome_is_decided_once,
    );

    pub(crate) fn detection(message: u64) -> Detection {
        Detection {
            channel: ChannelId(5),
            message_id: MessageId(message),
            at: Utc::now(),
            score: 4.0,
            threshold: 3.0,
            evidence: vec![],
            packs: vec![],
            title: "Refunds".into(),
            participants: vec![],
        }
    }

    async fn the_same_message_never_creates_a_second_detection(backend: Backend) {
        let (store, _db) = backend.fresh().await;
        let (a, created) = store
            .insert_detection(GuildId(1), &detection(77))
            .await
            .unwrap();
        assert!(created);
        let (b, created) = store
            .insert_detection(GuildId(1), &detection(77))
            .await
            .unwrap();
        assert!(!created);
        assert_eq!(a, b);
        assert_eq!(
            store.recent_detections(GuildId(1), 10).await.unwrap().len(),
            1
        );
    }

    async fn an_outcome_is_decided_once(backend: Backend) {
        let (store, _db) = backend.fresh().await;
        let (d, _) = store
            .insert_detection(GuildId(1), &detection(1))
            .await
            .unwrap();
        store.set_prompt_message(d, MessageId(900)).await.unwrap();
        assert!(store.decide_detection(d, Outcome::Dismissed).await.unwrap());
        assert!(!store.decide_detection(d, Outcome::Started).await.unwrap());
        let r = store.detection(d).await.unwrap().unwrap();
        assert_eq!(r.outcome, Outcome::Dismissed);
        assert_eq!(r.prompt_message_id, Some(MessageId(900)));
        assert_eq!(r.title, "Refunds");
    }
}
