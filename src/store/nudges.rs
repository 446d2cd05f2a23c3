//! Tables `nudges_sent` (each note said, claimed before posting) and `nudges_silenced`
//! (*Not helpful*: a nudge a server turned off).

use super::{Result, Store, id, ts, uid};
use crate::ids::{DetectionId, GuildId, MessageId, PlanId, UserId};
use chrono::{DateTime, Utc};

/// What a nudge is claimed for: a plan (once per plan) or a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NudgeFor {
    Plan(PlanId),
    Prompt(DetectionId),
}

impl Store {
    /// Claims `nudge` for a plan or a prompt before it is said; false when it was said
    /// there already (or this is a replay), so nothing is posted twice.
    #[tracing::instrument(skip_all, fields(nudge = %nudge))]
    pub async fn claim_nudge(
        &self,
        guild: GuildId,
        to: NudgeFor,
        nudge: &str,
        source: MessageId,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let (plan, detection) = match to {
            NudgeFor::Plan(p) => (Some(p.0), None),
            NudgeFor::Prompt(d) => (None, Some(d.0)),
        };
        let done = sqlx::query(
            "INSERT INTO nudges_sent (guild_id, plan_id, detection_id, nudge, source_message_id, at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(id(guild.0))
        .bind(plan)
        .bind(detection)
        .bind(nudge)
        .bind(id(source.0))
        .bind(ts(at))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The nudges a prompt carried count as said in the plan started from it.
    #[tracing::instrument(skip_all, fields(detection = %detection, plan = %plan))]
    pub async fn carry_nudges(&self, detection: DetectionId, plan: PlanId) -> Result<()> {
        sqlx::query(
            "INSERT INTO nudges_sent (guild_id, plan_id, nudge, source_message_id, at)
             SELECT guild_id, $1, nudge, source_message_id, at FROM nudges_sent
              WHERE detection_id = $2
             ON CONFLICT DO NOTHING",
        )
        .bind(plan.0)
        .bind(detection.0)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The nudges said for a plan or a prompt, in the order they were said.
    #[tracing::instrument(skip_all)]
    pub async fn nudges_sent(&self, to: NudgeFor) -> Result<Vec<String>> {
        let (sql, value) = match to {
            NudgeFor::Plan(p) => (
                "SELECT nudge FROM nudges_sent WHERE plan_id = $1 ORDER BY id",
                p.0,
            ),
            NudgeFor::Prompt(d) => (
                "SELECT nudge FROM nudges_sent WHERE detection_id = $1 ORDER BY id",
                d.0,
            ),
        };
        let rows: Vec<(String,)> = sqlx::query_as(sql)
            .bind(value)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().map(|(n,)| n).collect())
    }

    /// Silences `nudge` for `guild`; false when it was silenced already.
    #[tracing::instrument(skip_all, fields(guild = %guild, nudge = %nudge))]
    pub async fn silence_nudge(
        &self,
        guild: GuildId,
        nudge: &str,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO nudges_silenced (guild_id, nudge, by_user_id, at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(id(guild.0))
        .bind(nudge)
        .bind(id(by.0))
        .bind(ts(at))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Every server's silenced nudges, for memory.
    #[tracing::instrument(skip_all)]
    pub async fn all_silenced_nudges(&self) -> Result<Vec<(GuildId, String)>> {
        let rows: Vec<(i64, String)> =
            sqlx::query_as("SELECT guild_id, nudge FROM nudges_silenced ORDER BY guild_id, nudge")
                .fetch_all(self.pool())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(g, n)| (GuildId(uid(g)), n))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{Backend, on_both_backends};

    on_both_backends!(a_nudge_is_claimed_once_per_plan_and_silenced_once_per_server,);

    async fn a_nudge_is_claimed_once_per_plan_and_silenced_once_per_server(backend: Backend) {
        let (s, _db) = backend.fresh().await;
        let (g, now) = (GuildId(1), Utc::now());
        // A plan row to point at.
        sqlx::query(
            "INSERT INTO plans (id, guild_id, channel_id, title, status, created_by_id, created_by_name, created_at, packs)
             VALUES (7, 1, 2, 't', 'open', 3, 'ana', '2026-01-01T00:00:00.000Z', '[]')",
        )
        .execute(s.pool())
        .await
        .unwrap();
        let plan = NudgeFor::Plan(PlanId(7));
        assert!(
            s.claim_nudge(g, plan, "n_plus_one", MessageId(1), now)
                .await
                .unwrap()
        );
        assert!(
            !s.claim_nudge(g, plan, "n_plus_one", MessageId(2), now)
                .await
                .unwrap(),
            "second claim"
        );
        assert!(
            s.claim_nudge(g, plan, "god_service", MessageId(2), now)
                .await
                .unwrap()
        );
        assert_eq!(
            s.nudges_sent(plan).await.unwrap(),
            ["n_plus_one", "god_service"]
        );

        assert!(
            s.silence_nudge(g, "god_service", UserId(3), now)
                .await
                .unwrap()
        );
        assert!(
            !s.silence_nudge(g, "god_service", UserId(4), now)
                .await
                .unwrap()
        );
        assert!(
            s.silence_nudge(GuildId(2), "god_service", UserId(4), now)
                .await
                .unwrap()
        );
        assert_eq!(
            s.all_silenced_nudges().await.unwrap(),
            [
                (g, "god_service".to_string()),
                (GuildId(2), "god_service".to_string())
            ]
        );
    }
}
