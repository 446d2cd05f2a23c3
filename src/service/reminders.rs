//! Reminders for open plans: the schedule kept in the store (`plans.remind_at`), the due
//! ones claimed before they are sent, and snoozes. The decision is `plan::remind::due`.

use super::Service;
use crate::error::{Error, Result};
use crate::guild::GuildSettings;
use crate::ids::{ChannelId, GuildId, PlanId};
use crate::plan::remind::{self, After, Due, MAX_SNOOZE_DAYS, Quiet, Schedule};
use crate::plan::{Plan, Status};
use chrono::{DateTime, Duration, Utc};
use tokio::sync::Notify;

/// Due plans handled in one round; the rest wait for the next.
const BATCH: u32 = 50;
/// How long a reminder that could not be posted waits before it is tried again.
pub const RETRY_AFTER: Duration = Duration::minutes(5);
/// A plan without a thread this young may still be opening its thread (a short quiet
/// period, as in tests, can end before it is): its reminder waits this long after the
/// plan's start, so it goes in the thread.
pub const THREAD_GRACE: Duration = Duration::seconds(15);

/// The configured schedule, and a bell rung whenever a plan's next reminder may have
/// moved earlier, so the scheduler need not poll.
pub(crate) struct Reminders {
    pub(crate) schedule: Schedule,
    pub(crate) enabled: bool,
    wake: Notify,
}

impl Default for Reminders {
    fn default() -> Reminders {
        Reminders {
            schedule: Schedule::default(),
            enabled: true,
            wake: Notify::new(),
        }
    }
}

/// A reminder this process claimed and must now post.
#[derive(Debug, Clone)]
pub struct Reminder {
    pub plan: PlanId,
    /// Where to post it: the plan's thread, else its channel.
    pub channel: ChannelId,
    pub text: String,
    /// The quiet period it is for, and the claim it replaced (for a release).
    period: DateTime<Utc>,
    previous: Option<DateTime<Utc>>,
}

/// How posting a claimed reminder went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Not posted, and worth trying again later (a server error, a rate limit, a network
    /// failure).
    Retry,
    /// Not posted and never will be for this quiet period (the thread is gone, or the bot
    /// may not write there).
    GiveUp,
}

impl Service {
    /// The schedule reminders follow, and whether they are on where a server did not say.
    pub fn with_reminders(mut self, schedule: Schedule, enabled: bool) -> Service {
        self.reminders.schedule = schedule;
        self.reminders.enabled = enabled;
        self
    }

    /// Rung when a reminder may be due earlier than the scheduler last asked.
    pub fn reminder_bell(&self) -> &Notify {
        &self.reminders.wake
    }

    /// The quiet period in force for a server with these settings (None: no reminders).
    pub fn reminder_after(&self, s: &GuildSettings) -> Option<After> {
        s.reminders
            .after(self.reminders.enabled, self.reminders.schedule.after)
    }

    /// `after 2 days without answers, mon,tue,wed,thu,fri 09:00-18:00 UTC`, or `off`.
    pub fn reminders_text(&self, s: &GuildSettings) -> String {
        let sch = &self.reminders.schedule;
        match self.reminder_after(s) {
            Some(a) => format!(
                "after {} without answers, {} {} {}",
                a.words(),
                sch.days,
                sch.hours,
                sch.timezone.name()
            ),
            None => "off".to_string(),
        }
    }

    async fn reminder_due(&self, plan: &Plan, now: DateTime<Utc>) -> Result<(Due, Quiet)> {
        let state = self.store.reminder_state(plan.id).await?;
        let q = Quiet::of(plan, state.reminded_for, state.snoozed_until);
        let settings = self.settings(plan.guild).await?;
        let after = self.reminder_after(&settings);
        Ok((remind::due(&self.reminders.schedule, after, &q, now), q))
    }

    /// Keeps the plan's next reminder in the store as the decision now says. A failure is
    /// logged, not returned: the change that called it is already recorded, and every
    /// start of the scheduler schedules each open plan again.
    pub(crate) async fn reschedule(&self, plan: &Plan) {
        if let Err(e) = self.try_reschedule(plan).await {
            tracing::warn!(plan = %plan.id, error = %e, "cannot schedule the plan's reminder");
        }
    }

    async fn try_reschedule(&self, plan: &Plan) -> Result<()> {
        if plan.guild.0 == 0 {
            return Ok(()); // the console's plans are never reminded
        }
        let now = Utc::now();
        let at = match self.reminder_due(plan, now).await?.0 {
            Due::Never => None,
            Due::Now { .. } => Some(now),
            Due::At(t) => Some(t),
        };
        self.store.set_remind_at(plan.id, at).await?;
        if at.is_some() {
            self.reminders.wake.notify_one();
        }
        Ok(())
    }

    /// Schedules every open plan again (of one server, or all): at start-up, since the
    /// configuration may have changed, and when a server changes its setting.
    pub async fn reschedule_all(&self, guild: Option<GuildId>) -> Result<usize> {
        let ids = self.store.open_discord_plans(guild).await?;
        for id in &ids {
            if let Some(p) = self.store.plan(*id).await? {
                self.try_reschedule(&p).await?;
            }
        }
        Ok(ids.len())
    }

    /// When the earliest scheduled reminder is due.
    pub async fn next_reminder(&self) -> Result<Option<DateTime<Utc>>> {
        Ok(self.store.next_reminder().await?)
    }

    /// The reminders due at `now`, each claimed by this process in the store before it is
    /// returned, so no other process (nor this one after a restart) sends it again. Plans
    /// scheduled too early are scheduled anew.
    pub async fn due_reminders(&self, now: DateTime<Utc>) -> Result<Vec<Reminder>> {
        let mut out = Vec::new();
        for id in self.store.due_reminders(now, BATCH).await? {
            let Some(plan) = self.store.plan(id).await? else {
                continue;
            };
            let (due, q) = self.reminder_due(&plan, now).await?;
            let opening = plan.created_at + THREAD_GRACE;
            match due {
                Due::Now { .. } if plan.thread.is_none() && now < opening => {
                    self.store.set_remind_at(id, Some(opening)).await?;
                }
                Due::Now { period } => {
                    if self
                        .store
                        .claim_reminder(id, period, q.reminded_for)
                        .await?
                    {
                        let settings = self.settings(plan.guild).await?;
                        let after = self
                            .reminder_after(&settings)
                            .unwrap_or(self.reminders.schedule.after);
                        out.push(Reminder {
                            plan: id,
                            channel: plan.thread.unwrap_or(plan.channel),
                            text: remind::text(&plan, after),
                            period,
                            previous: q.reminded_for,
                        });
                    } else {
                        // Someone answered, closed or claimed it meanwhile.
                        let plan = self.plan(id).await?;
                        self.try_reschedule(&plan).await?;
                    }
                }
                Due::At(t) => self.store.set_remind_at(id, Some(t)).await?,
                Due::Never => self.store.set_remind_at(id, None).await?,
            }
        }
        Ok(out)
    }

    /// Records how posting `r` went: sent stays sent; a failure worth retrying is released
    /// and due again after [`RETRY_AFTER`]; one that is not keeps its claim (no reminder for
    /// this quiet period).
    pub async fn reminder_delivered(
        &self,
        r: &Reminder,
        delivery: Delivery,
        now: DateTime<Utc>,
    ) -> Result<()> {
        match delivery {
            Delivery::Sent => self.store.reminder_sent(r.plan, r.period, now).await?,
            Delivery::Retry => {
                self.store
                    .release_reminder(r.plan, r.period, r.previous, now + RETRY_AFTER)
                    .await?;
            }
            Delivery::GiveUp => {}
        }
        Ok(())
    }

    /// Pauses a plan's reminders for `days` (0 resumes them); returns until when.
    pub async fn snooze(
        &self,
        plan: &Plan,
        days: u32,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        if plan.status == Status::Closed {
            return Err(Error::user(
                "this plan is closed; closed plans get no reminders",
            ));
        }
        if days > MAX_SNOOZE_DAYS {
            return Err(Error::user(format!(
                "days = {days} must be between 0 and {MAX_SNOOZE_DAYS} (0 resumes reminders)"
            )));
        }
        let until = (days > 0).then(|| now + Duration::days(i64::from(days)));
        self.store.set_snooze(plan.id, until).await?;
        self.reschedule(plan).await;
        Ok(until)
    }
}

#[cfg(test)]
mod tests;
