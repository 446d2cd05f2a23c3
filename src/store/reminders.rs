//! Table `plans`, its reminder columns: when a plan's next reminder is due, the quiet period
//! the last one was claimed for, when it was sent, and a snooze.

use super::{Result, Store, parse_ts, ts};
use crate::ids::{GuildId, PlanId};
use chrono::{DateTime, Utc};

/// What the reminder decision reads of a plan besides the plan itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReminderState {
    /// The start of the quiet period the last reminder was claimed for.
    pub reminded_for: Option<DateTime<Utc>>,
    /// When that reminder was posted (None while claimed and not yet confirmed).
    pub reminded_at: Option<DateTime<Utc>>,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub remind_at: Option<DateTime<Utc>>,
}

fn time(column: &'static str, v: Option<String>) -> Result<Option<DateTime<Utc>>> {
    v.map(|s| parse_ts("plans", column, &s)).transpose()
}

// Open Discord plans only: the console's plans (server 0) have nowhere to be reminded.
macro_rules! open_discord {
    () => {
        "status = 'open' AND guild_id != 0"
    };
}

impl Store {
    #[tracing::instrument(skip_all, fields(plan = %plan))]
    pub async fn reminder_state(&self, plan: PlanId) -> Result<ReminderState> {
        type Row = (
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let row: Option<Row> = sqlx::query_as(
            "SELECT reminded_for, reminded_at, snoozed_until, remind_at FROM plans WHERE id = $1",
        )
        .bind(plan.0)
        .fetch_optional(self.pool())
        .await?;
        let Some((f, a, s, r)) = row else {
            return Ok(ReminderState::default());
        };
        Ok(ReminderState {
            reminded_for: time("reminded_for", f)?,
            reminded_at: time("reminded_at", a)?,
            snoozed_until: time("snoozed_until", s)?,
            remind_at: time("remind_at", r)?,
        })
    }

    /// When the plan's next reminder is due (None: none).
    #[tracing::instrument(skip_all, fields(plan = %plan))]
    pub async fn set_remind_at(&self, plan: PlanId, at: Option<DateTime<Utc>>) -> Result<()> {
        sqlx::query("UPDATE plans SET remind_at = $1 WHERE id = $2")
            .bind(at.map(ts))
            .bind(plan.0)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Pauses the plan's reminders until `until` (None: resumes them).
    #[tracing::instrument(skip_all, fields(plan = %plan))]
    pub async fn set_snooze(&self, plan: PlanId, until: Option<DateTime<Utc>>) -> Result<()> {
        sqlx::query("UPDATE plans SET snoozed_until = $1 WHERE id = $2")
            .bind(until.map(ts))
            .bind(plan.0)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Open Discord plans whose reminder is due at `now`, earliest first.
    #[tracing::instrument(skip_all)]
    pub async fn due_reminders(&self, now: DateTime<Utc>, limit: u32) -> Result<Vec<PlanId>> {
        let rows: Vec<(i64,)> = sqlx::query_as(concat!(
            "SELECT id FROM plans WHERE remind_at IS NOT NULL AND remind_at <= $1 AND ",
            open_discord!(),
            " ORDER BY remind_at, id LIMIT $2"
        ))
        .bind(ts(now))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(id,)| PlanId(id)).collect())
    }

    /// The earliest reminder scheduled for an open Discord plan.
    #[tracing::instrument(skip_all)]
    pub async fn next_reminder(&self) -> Result<Option<DateTime<Utc>>> {
        let (at,): (Option<String>,) = sqlx::query_as(concat!(
            "SELECT MIN(remind_at) FROM plans WHERE remind_at IS NOT NULL AND ",
            open_discord!()
        ))
        .fetch_one(self.pool())
        .await?;
        time("remind_at", at)
    }

    /// Open Discord plans, of one server or all.
    #[tracing::instrument(skip_all)]
    pub async fn open_discord_plans(&self, guild: Option<GuildId>) -> Result<Vec<PlanId>> {
        let rows: Vec<(i64,)> = sqlx::query_as(concat!(
            "SELECT id FROM plans WHERE ",
            open_discord!(),
            " AND ($1 IS NULL OR guild_id = $1) ORDER BY id"
        ))
        .bind(guild.map(|g| super::id(g.0)))
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(id,)| PlanId(id)).collect())
    }

    /// Claims the reminder for the quiet period that started at `period`: true for the one
    /// caller that wins. It wins only while the plan is open, the last claim is still
    /// `previous` (what the caller read), and no answer, skip or reopen came after `period`.
    #[tracing::instrument(skip_all, fields(plan = %plan))]
    pub async fn claim_reminder(
        &self,
        plan: PlanId,
        period: DateTime<Utc>,
        previous: Option<DateTime<Utc>>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE plans SET reminded_for = $1, reminded_at = NULL, remind_at = NULL
             WHERE id = $2 AND status = 'open' AND reminded_for IS NOT DISTINCT FROM $3
               AND NOT EXISTS (SELECT 1 FROM answer_events e WHERE e.plan_id = plans.id AND e.at > $4)",
        )
        .bind(ts(period))
        .bind(plan.0)
        .bind(previous.map(ts))
        .bind(ts(period))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The claimed reminder was posted at `at`.
    #[tracing::instrument(skip_all, fields(plan = %plan))]
    pub async fn reminder_sent(
        &self,
        plan: PlanId,
        period: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query("UPDATE plans SET reminded_at = $1 WHERE id = $2 AND reminded_for = $3")
            .bind(ts(at))
            .bind(plan.0)
            .bind(ts(period))
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// The claimed reminder could not be posted: the claim goes back to `previous` and the
    /// reminder is due again at `retry_at`.
    #[tracing::instrument(skip_all, fields(plan = %plan))]
    pub async fn release_reminder(
        &self,
        plan: PlanId,
        period: DateTime<Utc>,
        previous: Option<DateTime<Utc>>,
        retry_at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE plans SET reminded_for = $1, remind_at = $2
             WHERE id = $3 AND reminded_for = $4 AND reminded_at IS NULL",
        )
        .bind(previous.map(ts))
        .bind(ts(retry_at))
        .bind(plan.0)
        .bind(ts(period))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{NewPlan, Store};
    use super::*;
    use crate::ids::{ChannelId, MessageId, UserId};
    use crate::plan::{AnswerEvent, Author, EventKind, Status, snapshot};
    use crate::store::testing::{Backend, on_both_backends};
    use chrono::Duration;

    on_both_backends!(
        a_reminder_is_claimed_once_and_the_claim_survives_a_reopen,
        a_failed_reminder_is_released_for_a_retry,
        an_answer_after_the_period_or_a_closed_plan_loses_the_claim,
        snoozes_and_the_console_plans_are_kept_apart,
    );

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    async fn plan(store: &Store, guild: u64, source: u64) -> PlanId {
        let packs = crate::store::testing::packs();
        let new = NewPlan {
            guild: GuildId(guild),
            channel: ChannelId(2),
            thread: Some(ChannelId(3)),
            title: "Refunds".into(),
            created_by: Author {
                id: UserId(3),
                name: "ana".into(),
            },
            created_at: t("2026-03-02T10:00:00Z"),
            packs: vec!["payments".into()],
            questions: snapshot(packs, &["payments".into()]).unwrap(),
            detection: None,
            source: Some(MessageId(source)),
            depth: crate::plan::select::Depth::Thorough,
            more: vec![],
        };
        store.create_plan(&new).await.unwrap().0
    }

    async fn a_reminder_is_claimed_once_and_the_claim_survives_a_reopen(backend: Backend) {
        let (store, db) = backend.fresh().await;
        let id = plan(&store, 1, 100).await;
        let period = t("2026-03-02T10:00:00Z");
        let due = t("2026-03-04T10:00:00Z");
        store.set_remind_at(id, Some(due)).await.unwrap();
        assert_eq!(
            store
                .due_reminders(due - Duration::seconds(1), 10)
                .await
                .unwrap(),
            vec![]
        );
        assert_eq!(store.due_reminders(due, 10).await.unwrap(), vec![id]);
        assert_eq!(store.next_reminder().await.unwrap(), Some(due));
        // Two processes that read the same state: one wins.
        assert!(store.claim_reminder(id, period, None).await.unwrap());
        assert!(!store.claim_reminder(id, period, None).await.unwrap());
        assert_eq!(
            store.due_reminders(due, 10).await.unwrap(),
            vec![],
            "no longer scheduled"
        );
        store.reminder_sent(id, period, due).await.unwrap();
        store.close().await;

        let store = db.open().await;
        let s = store.reminder_state(id).await.unwrap();
        assert_eq!(s.reminded_for, Some(period));
        assert_eq!(s.reminded_at, Some(due));
        assert_eq!(s.remind_at, None);
        assert!(
            !store.claim_reminder(id, period, None).await.unwrap(),
            "after a restart too"
        );
        // A sent reminder is never released for a retry.
        assert!(!store.release_reminder(id, period, None, due).await.unwrap());
    }

    async fn a_failed_reminder_is_released_for_a_retry(backend: Backend) {
        let (store, _db) = backend.fresh().await;
        let id = plan(&store, 1, 100).await;
        let period = t("2026-03-02T10:00:00Z");
        assert!(store.claim_reminder(id, period, None).await.unwrap());
        let retry = t("2026-03-04T10:01:00Z");
        assert!(
            store
                .release_reminder(id, period, None, retry)
                .await
                .unwrap()
        );
        let s = store.reminder_state(id).await.unwrap();
        assert_eq!((s.reminded_for, s.remind_at), (None, Some(retry)));
        assert!(
            store.claim_reminder(id, period, None).await.unwrap(),
            "claimed again"
        );
    }

    async fn an_answer_after_the_period_or_a_closed_plan_loses_the_claim(backend: Backend) {
        let (store, _db) = backend.fresh().await;
        let id = plan(&store, 1, 100).await;
        let period = t("2026-03-02T10:00:00Z");
        let plan = store.plan(id).await.unwrap().unwrap();
        let event = AnswerEvent {
            question_id: plan.questions[0].id.clone(),
            kind: EventKind::Answer,
            text: "yes".into(),
            author: plan.created_by.clone(),
            at: period + Duration::hours(1),
            source: Some(MessageId(7)),
            said_in: None,
            decision: None,
        };
        store.record_event(id, &event).await.unwrap();
        assert!(!store.claim_reminder(id, period, None).await.unwrap());
        // Control: the new period can be claimed.
        assert!(store.claim_reminder(id, event.at, None).await.unwrap());

        let other = super::tests::plan(&store, 1, 101).await;
        store
            .set_plan_status(other, Status::Closed, period)
            .await
            .unwrap();
        assert!(!store.claim_reminder(other, period, None).await.unwrap());
    }

    async fn snoozes_and_the_console_plans_are_kept_apart(backend: Backend) {
        let (store, _db) = backend.fresh().await;
        let discord = plan(&store, 1, 100).await;
        let console = plan(&store, 0, 101).await;
        let at = t("2026-03-04T10:00:00Z");
        store.set_remind_at(discord, Some(at)).await.unwrap();
        store.set_remind_at(console, Some(at)).await.unwrap();
        assert_eq!(store.due_reminders(at, 10).await.unwrap(), vec![discord]);
        assert_eq!(store.open_discord_plans(None).await.unwrap(), vec![discord]);
        assert_eq!(
            store.open_discord_plans(Some(GuildId(2))).await.unwrap(),
            vec![]
        );
        store.set_snooze(discord, Some(at)).await.unwrap();
        assert_eq!(
            store.reminder_state(discord).await.unwrap().snoozed_until,
            Some(at)
        );
        store.set_snooze(discord, None).await.unwrap();
        assert_eq!(
            store.reminder_state(discord).await.unwrap().snoozed_until,
            None
        );
    }
}
