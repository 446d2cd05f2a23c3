//! Anti-pattern nudges: which note a prompt carries, the note a plan's thread gets, and
//! *Not helpful*. Each note is claimed in the store before it is said, so a replayed event
//! says nothing twice; a message that fires no nudge costs no query.

use super::{Result, Service};
use crate::detect::ChatMessage;
use crate::detect::nudge::{Nudge, Nudges};
use crate::error::Error;
use crate::ids::{DetectionId, GuildId, PlanId, UserId};
use crate::store::NudgeFor;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// A note to say in a plan's thread (or its channel, for a plan without a thread).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanNudge {
    pub plan: PlanId,
    pub nudge: Nudge,
}

impl Service {
    /// The nudges this service says (the shipped ones unless replaced).
    pub fn with_nudges(mut self, nudges: Arc<Nudges>) -> Service {
        self.nudges = nudges;
        self
    }

    pub fn nudges(&self) -> &Nudges {
        &self.nudges
    }

    /// The first nudge `texts` fire that `guild` has not silenced (pure, memory only).
    async fn first_nudge<S: AsRef<str>>(
        &self,
        guild: GuildId,
        texts: &[S],
    ) -> Result<Option<Nudge>> {
        let fired = self.nudges.fired(texts);
        if fired.is_empty() {
            return Ok(None);
        }
        let memory = self.memory().await?;
        Ok(fired
            .into_iter()
            .find(|n| !memory.nudge_off(guild, &n.id))
            .cloned())
    }

    /// The note a new prompt carries: the first nudge its conversation fires, claimed for
    /// the prompt (and for the plan started from it, see [`Service::start_from_detection`]).
    pub(super) async fn prompt_nudge(
        &self,
        guild: GuildId,
        id: DetectionId,
        detection: &crate::detect::Detection,
    ) -> Result<Option<Nudge>> {
        let channel = detection.channel;
        let heard = self.with_detector(channel, |d| {
            d.prompt_conversation(channel, detection.message_id)
        })?;
        let prose: Vec<&str> = heard.iter().map(|h| h.prose.as_str()).collect();
        let Some(nudge) = self.first_nudge(guild, &prose).await? else {
            return Ok(None);
        };
        let claimed = self
            .store
            .claim_nudge(
                guild,
                NudgeFor::Prompt(id),
                &nudge.id,
                detection.message_id,
                detection.at,
            )
            .await?;
        Ok(claimed.then_some(nudge))
    }

    /// A message said where a plan is open (its thread, or its channel when it has none):
    /// the note to reply with, once per plan per nudge. None when the message fires no
    /// nudge (no query at all), the server silenced it, no plan is open there, or the
    /// plan had it already (a replay included).
    pub async fn nudge_message(
        &self,
        guild: GuildId,
        msg: &ChatMessage,
    ) -> Result<Option<PlanNudge>> {
        if msg.author_is_bot || !self.nudges.may_fire(&msg.text) {
            return Ok(None);
        }
        let prose = crate::detect::normalize::prose(&msg.text);
        let Some(nudge) = self.first_nudge(guild, &[prose]).await? else {
            return Ok(None);
        };
        let Some(plan) = self.store.open_plan_in(msg.channel).await? else {
            return Ok(None);
        };
        let claimed = self
            .store
            .claim_nudge(guild, NudgeFor::Plan(plan), &nudge.id, msg.id, msg.at)
            .await?;
        Ok(claimed.then_some(PlanNudge { plan, nudge }))
    }

    /// *Not helpful*: the nudge `id` is not said again in `guild`. Returns the nudge and
    /// whether this silenced it (false: it was silenced already).
    pub async fn silence_nudge(
        &self,
        guild: GuildId,
        id: &str,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<(Nudge, bool)> {
        let nudge = self
            .nudges
            .get(id)
            .cloned()
            .ok_or_else(|| Error::user(format!("there is no nudge '{id}'")))?;
        let memory = self.memory().await?;
        let _write = self.writes.lock().await;
        let silenced = self.store.silence_nudge(guild, &nudge.id, by, at).await?;
        memory.set_nudge_off(guild, &nudge.id);
        Ok((nudge, silenced))
    }
}

#[cfg(test)]
mod tests;
