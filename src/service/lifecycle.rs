//! Data lifecycle: forgetting a member (`/plancheck forget`, `plancheck forget`) and the
//! retention purge of detections that never became plans.

use super::Service;
use crate::error::{Error, Result};
use crate::ids::{GuildId, MessageId, UserId};
use crate::metrics::Metrics;
use crate::store::{ForgetLine, Purged};
use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;

/// What a forgotten member's answers, questions and plans are attributed to (with id 0).
pub const FORMER_MEMBER: &str = "former member";

/// Who asked to forget, where, and through which event.
#[derive(Debug, Clone, Copy)]
pub struct ForgetRequest {
    pub member: UserId,
    /// The server whose data is covered; `None` for every server (the command line).
    pub guild: Option<GuildId>,
    /// The admin who asked; `None` for the command line.
    pub by: Option<UserId>,
    pub at: DateTime<Utc>,
    /// The interaction that asked: a replay of it does nothing.
    pub source: Option<MessageId>,
}

/// What `forget` says it did, on Discord and on the command line.
pub fn forgotten_text(count: u64) -> String {
    match count {
        0 => "Nothing to forget: no stored plan, answer or feedback names that member.".into(),
        n => format!(
            "Forgotten: {n} stored record(s) no longer hold that member's id or name; their answers now read “{FORMER_MEMBER}”. One audit line was recorded."
        ),
    }
}

impl Service {
    /// Removes `member`'s id and name from plans, questions, answers, feedback and
    /// watches, attributing what they wrote to [`FORMER_MEMBER`], and records one audit
    /// line, all in one transaction. Forgetting again changes nothing (count 0). `None`
    /// for a replayed request.
    pub async fn forget(&self, req: ForgetRequest) -> Result<Option<ForgetLine>> {
        if req.member.0 == 0 {
            return Err(Error::user("0 is not a member id"));
        }
        let line = ForgetLine {
            at: req.at,
            by: req.by,
            guild: req.guild,
            count: 0,
            source: req.source,
        };
        let done = self
            .store
            .forget_member(req.member, FORMER_MEMBER, line)
            .await?;
        if let Some(l) = &done {
            // The audit line, never the member forgotten.
            tracing::info!(
                by = ?l.by.map(|u| u.0),
                guild = ?l.guild.map(|g| g.0),
                count = l.count,
                "a member's personal data was forgotten"
            );
        }
        Ok(done)
    }

    /// Deletes detections older than `days` days that never became plans, and feedback
    /// older than that. Calibration reads the last [`crate::guild::FEEDBACK_DAYS`] days
    /// only, and `retention_days` is at least one day more, so a purge never changes a
    /// server's threshold.
    pub async fn purge_older_than(&self, now: DateTime<Utc>, days: u32) -> Result<Purged> {
        let cutoff = now
            .checked_sub_signed(Duration::days(i64::from(days)))
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        let purged = self.store.purge_before(cutoff).await?;
        tracing::info!(
            days,
            detections = purged.detections,
            feedback = purged.feedback,
            "old detections purged"
        );
        Ok(purged)
    }

    /// What `/metrics` shows (the Discord glue records into it too).
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// True when the database answers a query (for `/healthz`).
    pub async fn database_answers(&self) -> bool {
        self.store.ping().await.is_ok()
    }

    /// The audit lines of `forget`, oldest first.
    pub async fn forget_log(&self) -> Result<Vec<ForgetLine>> {
        Ok(self.store.forget_log().await?)
    }
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
