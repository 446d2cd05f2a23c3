//! What an adapter asks the store through the service: a server's status, the plan a
//! message belongs to, the pages it posted, and the shutdown of the store.

use super::Service;
use crate::error::Result;
use crate::guild::GuildSettings;
use crate::ids::{ChannelId, GuildId, MessageId, PlanId};
use crate::store::{DetectionRecord, Outcome, WatchedChannel};

/// How many recent prompts `/plancheck status` counts.
pub const RECENT_PROMPTS: u32 = 50;

/// A server's watched channels, settings and what became of its recent prompts.
#[derive(Debug, Clone)]
pub struct ServerStatus {
    pub settings: GuildSettings,
    pub watched: Vec<WatchedChannel>,
    /// Newest first, at most [`RECENT_PROMPTS`].
    pub recent: Vec<DetectionRecord>,
}

impl ServerStatus {
    /// Recent prompts that started a checklist.
    pub fn started(&self) -> usize {
        self.count(Outcome::Started)
    }

    /// Recent prompts marked *Not a feature*.
    pub fn dismissed(&self) -> usize {
        self.count(Outcome::Dismissed)
    }

    fn count(&self, outcome: Outcome) -> usize {
        self.recent.iter().filter(|d| d.outcome == outcome).count()
    }

    /// Recent prompts Discord never took, newest first.
    pub fn undelivered(&self) -> Vec<&DetectionRecord> {
        self.recent
            .iter()
            .filter(|d| d.undelivered.is_some())
            .collect()
    }
}

/// The checklist page a message is: its plan and the question numbers it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageOf {
    pub plan: PlanId,
    pub first: u32,
    pub last: u32,
}

impl Service {
    pub async fn status(&self, guild: GuildId) -> Result<ServerStatus> {
        Ok(ServerStatus {
            settings: self.settings(guild).await?,
            watched: self.store.watched_in(guild).await?,
            recent: self.store.recent_detections(guild, RECENT_PROMPTS).await?,
        })
    }

    /// The checklist page `message` is, if it is one.
    pub async fn page_of(&self, message: MessageId) -> Result<Option<PageOf>> {
        Ok(self
            .store
            .plan_message(message)
            .await?
            .map(|(plan, first, last)| PageOf { plan, first, last }))
    }

    /// Remembers a posted checklist page, so replies to it answer its questions.
    pub async fn page_posted(&self, page: PageOf, message: MessageId) -> Result<()> {
        Ok(self
            .store
            .add_plan_message(page.plan, message, page.first, page.last)
            .await?)
    }

    /// The open plan discussed in `channel` (its thread, or the channel itself), if any.
    pub async fn open_plan_in(&self, channel: ChannelId) -> Result<Option<PlanId>> {
        Ok(self.store.open_plan_in(channel).await?)
    }

    /// Closes the store: pending writes finish, nothing new starts.
    pub async fn shutdown(&self) {
        self.store.close().await;
    }
}
