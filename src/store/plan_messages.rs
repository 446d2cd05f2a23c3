//! Table `plan_messages`: which bot message shows which questions of a plan.

use super::{Result, Store, id};
use crate::ids::{MessageId, PlanId};

impl Store {
    /// Remembers that `message` shows questions `first..=last` of `plan`.
    #[tracing::instrument(skip_all, fields(plan = %plan))]
    pub async fn add_plan_message(
        &self,
        plan: PlanId,
        message: MessageId,
        first: u32,
        last: u32,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO plan_messages (message_id, plan_id, first_number, last_number) VALUES ($1, $2, $3, $4)
             ON CONFLICT (message_id) DO NOTHING",
        )
        .bind(id(message.0))
        .bind(plan.0)
        .bind(i64::from(first))
        .bind(i64::from(last))
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The plan and question range a bot message shows, if it shows any.
    #[tracing::instrument(skip_all, fields(message = %message))]
    pub async fn plan_message(&self, message: MessageId) -> Result<Option<(PlanId, u32, u32)>> {
        let row: Option<PageRow> = sqlx::query_as(
            "SELECT plan_id, first_number, last_number FROM plan_messages WHERE message_id = $1",
        )
        .bind(id(message.0))
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| {
            (
                PlanId(r.plan_id),
                r.first_number as u32,
                r.last_number as u32,
            )
        }))
    }
}

/// A `plan_messages` row as stored.
#[derive(sqlx::FromRow)]
struct PageRow {
    plan_id: i64,
    first_number: i64,
    last_number: i64,
}
