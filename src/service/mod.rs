//! Use-cases: the pure engine joined with the store. Every adapter (Discord, console,
//! command line) calls these and renders what they return.

use crate::detect::nudge::{Nudge, Nudges};
use crate::detect::{self, ChatMessage, CompiledCues, Detection, Detector, Heard, PackRanker};
use crate::error::{Error, Result};
use crate::export::{self, Format};
use crate::guild::{Calibration, GuildSettings, calibrate};
use crate::ids::{ChannelId, DetectionId, GuildId, MessageId, PlanId, UserId};
use crate::packs::PackSet;
use crate::plan::compose::{Composed, compose};
use crate::plan::said::Line;
use crate::plan::select::{self, Depth, Ranked};
use crate::plan::{self, AnswerEvent, Author, EventKind, Plan, PlanQuestion, Status};
use crate::store::{
    DetectionRecord, FeedbackKind, NewPlan, Outcome, PlanFilter, PlanSummary, Store, WatchedChannel,
};
use chrono::{DateTime, Utc};
use memory::Memory;
use std::collections::BTreeSet;
use std::sync::Arc;
use windows::Windows;

mod decide;
mod github;
mod lifecycle;
mod memory;
mod nudges;
mod reminders;
mod status;
#[cfg(test)]
mod testing;
mod windows;

pub use github::{Exported, NO_REPO};
pub use lifecycle::{FORMER_MEMBER, ForgetRequest, forgotten_text};
pub use nudges::PlanNudge;
pub use reminders::{Delivery, RETRY_AFTER, Reminder};
pub use status::{PageOf, RECENT_PROMPTS, ServerStatus};

/// A prompt to show: a new detection, stored.
#[derive(Debug, Clone)]
pub struct Prompt {
    pub id: DetectionId,
    pub detection: Detection,
    /// The anti-pattern the conversation heads for, as one note of the prompt.
    pub nudge: Option<Nudge>,
}

/// The result of a change to a question.
#[derive(Debug, Clone)]
pub struct Change {
    pub plan: Plan,
    pub question: PlanQuestion,
    /// False when the event was a replay and nothing was written.
    pub created: bool,
}

/// What `close` did.
#[derive(Debug, Clone)]
pub enum Closing {
    Closed(Plan),
    AlreadyClosed(Plan),
    /// Left open: critical questions are open and the close was not forced.
    NotReady(Plan),
}

/// Who did something, when, and which event caused it.
#[derive(Debug, Clone)]
pub struct Act {
    pub author: Author,
    pub at: DateTime<Utc>,
    pub source: MessageId,
}

/// Where an interaction happened: its server and channel (a thread is a channel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub guild: GuildId,
    pub channel: ChannelId,
}

pub struct Service {
    store: Store,
    packs: Arc<PackSet>,
    ranker: Arc<PackRanker>,
    /// The detector, in shards by channel; idle channels' windows are dropped.
    windows: Windows,
    /// Watched channels, server settings and recent feedback: read from the store once
    /// (at the first use, or [`Service::load`]), then changed after each write.
    memory: tokio::sync::OnceCell<Memory>,
    /// Serialises the writes that change `memory` with their change to it, so two
    /// changes of one channel or server cannot leave memory behind the store.
    writes: tokio::sync::Mutex<()>,
    defaults: detect::Settings,
    depth: Depth,
    nudges: Arc<Nudges>,
    /// When quiet plans get a reminder ([`Service::with_reminders`]).
    reminders: reminders::Reminders,
    /// Exports to GitHub issues (None: no client configured).
    github: Option<github::Exporter>,
    /// What `/metrics` shows; the service counts detections and answers.
    metrics: Arc<crate::metrics::Metrics>,
}

/// Most questions one `/plan more` adds.
pub const MAX_MORE: usize = 15;

impl Service {
    pub fn new(
        store: Store,
        packs: Arc<PackSet>,
        cues: Arc<CompiledCues>,
        defaults: detect::Settings,
    ) -> Service {
        let ranker = Arc::new(PackRanker::new(&packs));
        Service {
            store,
            packs,
            windows: Windows::new(Detector::new(cues, ranker.clone())),
            ranker,
            memory: tokio::sync::OnceCell::new(),
            writes: tokio::sync::Mutex::new(()),
            defaults,
            depth: Depth::default(),
            nudges: Arc::new(
                Nudges::shipped().expect("the shipped nudges load (a unit test checks)"),
            ),
            reminders: reminders::Reminders::default(),
            github: None,
            metrics: Arc::default(),
        }
    }

    /// Reads what the hot path keeps in memory (watched channels, server settings, recent
    /// feedback) now rather than at the first message, so a broken database shows at start.
    pub async fn load(&self) -> Result<()> {
        self.memory().await.map(|_| ())
    }

    async fn memory(&self) -> Result<&Memory> {
        Ok(self
            .memory
            .get_or_try_init(|| Memory::load(&self.store, Utc::now()))
            .await?)
    }

    /// Drops the detection windows of channels idle long enough that keeping them would
    /// change nothing (their window expired and their cooldown ended); returns how many.
    pub fn evict_idle(&self, now: DateTime<Utc>) -> usize {
        self.windows.evict_idle(now)
    }

    /// How many channels' detection windows are held now.
    pub fn channels_held(&self) -> usize {
        self.windows.channels()
    }

    /// The configured default depth.
    pub fn default_depth(&self) -> Depth {
        self.depth
    }

    /// The depth checklists start at unless a server or a plan says otherwise.
    pub fn with_depth(mut self, depth: Depth) -> Service {
        self.depth = depth;
        self
    }

    #[cfg(test)]
    fn store(&self) -> &Store {
        &self.store
    }

    pub fn defaults(&self) -> &detect::Settings {
        &self.defaults
    }

    /// Feeds a message of `guild`. With `require_watch`, only watched, unmuted channels
    /// count. Returns a prompt only the first time a detection is stored, so a replayed
    /// message never prompts twice.
    pub async fn observe(
        &self,
        guild: GuildId,
        msg: &ChatMessage,
        require_watch: bool,
    ) -> Result<Option<Prompt>> {
        if msg.author_is_bot {
            return Ok(None);
        }
        let memory = self.memory().await?;
        if require_watch {
            match memory.watched(msg.channel) {
                Some(w) if w.guild == guild => {
                    if w.muted_until.is_some_and(|until| msg.at < until) {
                        return Ok(None);
                    }
                }
                _ => return Ok(None),
            }
        }
        let settings = memory.detector_settings(guild, &self.defaults, msg.at);
        // The channel's state matters while its window or its cooldown lasts.
        let keep =
            chrono::Duration::try_minutes(settings.window_minutes.max(settings.cooldown_minutes))
                .and_then(|d| d.checked_add(&windows::GRACE))
                .and_then(|d| msg.at.checked_add_signed(d))
                .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let detection = self
            .windows
            .with_message(msg.channel, msg.at, keep, |d| d.observe(msg, &settings))?;
        let Some(detection) = detection else {
            return Ok(None);
        };
        let (id, created) = self.store.insert_detection(guild, &detection).await?;
        if !created {
            return Ok(None);
        }
        self.metrics.detection();
        let nudge = self.prompt_nudge(guild, id, &detection).await?;
        Ok(Some(Prompt {
            id,
            detection,
            nudge,
        }))
    }

    /// The prompt was posted as `message`.
    pub async fn prompt_posted(&self, id: DetectionId, message: MessageId) -> Result<()> {
        Ok(self.store.set_prompt_message(id, message).await?)
    }

    /// The prompt could not be posted, even after retries: the reason is kept (and shown
    /// by status), and the channel's cooldown is lifted, since nobody saw a prompt.
    pub async fn prompt_undelivered(&self, prompt: &Prompt, reason: &str) -> Result<()> {
        self.store.set_undelivered(prompt.id, reason).await?;
        let channel = prompt.detection.channel;
        self.with_detector(channel, |d| d.lift_quiet(channel))
    }

    /// The threshold `guild` runs at now, and why (manual setting or recent feedback).
    pub async fn calibration(&self, guild: GuildId) -> Result<Calibration> {
        let memory = self.memory().await?;
        Ok(memory.calibration(guild, &self.defaults, Utc::now()))
    }

    /// [`Service::calibration`] for settings the caller has already read.
    pub async fn calibration_with(&self, guild: GuildId, s: &GuildSettings) -> Result<Calibration> {
        if s.threshold.is_some() {
            return Ok(calibrate(self.defaults.threshold, s.threshold, 0, 0));
        }
        self.calibration(guild).await
    }

    pub async fn detection(&self, id: DetectionId) -> Result<DetectionRecord> {
        self.store
            .detection(id)
            .await?
            .ok_or_else(|| Error::user("that prompt no longer exists"))
    }

    /// The prompt `id`, when `at` is where it was posted. A button id is data a client
    /// sends: one naming another server's or channel's prompt is refused.
    pub async fn detection_at(&self, id: DetectionId, at: Place) -> Result<DetectionRecord> {
        let det = self.detection(id).await?;
        if det.guild != at.guild || det.channel != at.channel {
            return Err(Error::Refused(
                "This button belongs to a prompt in another channel; nothing was changed.".into(),
            ));
        }
        Ok(det)
    }

    /// Plan `id`, when `at` is its channel or its thread (see [`Service::detection_at`]).
    pub async fn plan_at(&self, id: PlanId, at: Place) -> Result<Plan> {
        let p = self.plan(id).await?;
        if p.guild != at.guild || (p.channel != at.channel && p.thread != Some(at.channel)) {
            return Err(Error::Refused(
                "This form belongs to a plan in another channel; nothing was changed.".into(),
            ));
        }
        Ok(p)
    }

    /// Starts a plan from a prompt; a second start (or a replay) returns the same plan.
    /// Its questions are ranked for the conversation that prompted and what was said after
    /// it (while this process has heard it; after a restart, the prompt's packs).
    pub async fn start_from_detection(
        &self,
        id: DetectionId,
        at: Place,
        act: &Act,
        depth: Option<Depth>,
    ) -> Result<(Plan, bool)> {
        let det = self.detection_at(id, at).await?;
        let settings = self.settings(det.guild).await?;
        let heard = self.with_detector(det.channel, |d| {
            d.prompt_conversation(det.channel, det.message_id)
        })?;
        let depth = depth.or(settings.depth).unwrap_or(self.depth);
        let fallback: Vec<String> = det
            .packs
            .iter()
            .filter(|p| self.packs.get(p).is_some() && !settings.disabled_packs.contains(*p))
            .cloned()
            .collect();
        let chosen = if heard.is_empty() && !fallback.is_empty() {
            self.choose(&[], Some(&fallback), &settings.disabled_packs, depth)?
        } else {
            self.choose(&heard, None, &settings.disabled_packs, depth)?
        };
        let (plan, created) = self
            .create(NewPlan {
                guild: det.guild,
                channel: det.channel,
                thread: None,
                title: det.title.clone(),
                created_by: act.author.clone(),
                created_at: act.at,
                questions: chosen.questions,
                packs: chosen.packs,
                detection: Some(id),
                source: Some(act.source),
                depth,
                more: chosen.more,
            })
            .await?;
        if created {
            self.store.carry_nudges(id, plan.id).await?;
            self.store.decide_detection(id, Outcome::Started).await?;
            self.feedback(&det, FeedbackKind::Started, act).await?;
        }
        Ok((plan, created))
    }

    /// Starts a plan by hand. With `packs`, their questions; without, the packs and
    /// questions that fit the channel's current conversation, as a prompt would (the core
    /// questions when the channel has said nothing yet).
    pub async fn start_plan(
        &self,
        guild: GuildId,
        channel: ChannelId,
        title: &str,
        packs: Option<Vec<String>>,
        depth: Option<Depth>,
        act: &Act,
    ) -> Result<(Plan, bool)> {
        let title = plan::parse_title(title)?;
        let settings = self.settings(guild).await?;
        let depth = depth.or(settings.depth).unwrap_or(self.depth);
        let heard = self.with_detector(channel, |d| d.conversation(channel))?;
        let chosen = match packs.filter(|p| !p.is_empty()) {
            Some(p) => self.choose(&heard, Some(&p), &BTreeSet::new(), depth)?,
            None => self.choose(&heard, None, &settings.disabled_packs, depth)?,
        };
        self.create(NewPlan {
            guild,
            channel,
            thread: None,
            title,
            created_by: act.author.clone(),
            created_at: act.at,
            questions: chosen.questions,
            packs: chosen.packs,
            detection: None,
            source: Some(act.source),
            depth,
            more: chosen.more,
        })
        .await
    }

    /// The questions of a new checklist for the conversation `heard`, or of the packs a
    /// person `named` ([`compose`]).
    fn choose(
        &self,
        heard: &[Heard],
        named: Option<&[String]>,
        disabled: &BTreeSet<String>,
        depth: Depth,
    ) -> Result<Composed> {
        let lines: Vec<Line> = heard.iter().map(Line::of).collect();
        Ok(compose(
            &self.packs,
            &self.ranker,
            &lines,
            named,
            disabled,
            depth,
        )?)
    }

    /// Adds the next best `count` questions (1 to [`MAX_MORE`]) to an open plan; returns the
    /// plan and the questions added.
    /// `p` is the plan as the caller loaded it (scoped to where it was asked for).
    pub async fn more(&self, p: &Plan, count: usize) -> Result<(Plan, Vec<PlanQuestion>)> {
        let id = p.id;
        if p.status == Status::Closed {
            return Err(Error::user(
                "this plan is closed; reopen a new one with /plan start",
            ));
        }
        let more = self.store.plan_more(id).await?;
        if more.is_empty() {
            return Err(Error::user(
                "there are no more questions: this plan holds every question of its packs",
            ));
        }
        let n = count.clamp(1, MAX_MORE).min(more.len());
        let next: Vec<Ranked> = more[..n]
            .iter()
            .filter_map(|(qid, pack)| {
                let q = self
                    .packs
                    .get(pack)?
                    .questions
                    .iter()
                    .find(|q| &q.id == qid)?;
                Some(Ranked {
                    id: qid.clone(),
                    pack: pack.clone(),
                    category: q.category,
                    critical: q.critical,
                    score: 0.0,
                    generic: false,
                })
            })
            .collect();
        let first = p.questions.len() as u32 + 1;
        let added = select::snapshot_of(&self.packs, &next, first)?;
        if !self
            .store
            .add_questions(id, p.questions.len(), &added, &more[n..])
            .await?
        {
            return Err(Error::user(
                "questions were just added by someone else; look at the plan and try again",
            ));
        }
        let plan = self.plan(id).await?;
        self.reschedule(&plan).await;
        Ok((plan, added))
    }

    async fn create(&self, new: NewPlan) -> Result<(Plan, bool)> {
        let (id, created) = self.store.create_plan(&new).await?;
        let plan = self.plan(id).await?;
        if created {
            self.reschedule(&plan).await;
        }
        Ok((plan, created))
    }

    /// "Not a feature": the prompt is closed and the feedback kept for calibration.
    pub async fn dismiss(&self, id: DetectionId, at: Place, act: &Act) -> Result<bool> {
        let det = self.detection_at(id, at).await?;
        let decided = self.store.decide_detection(id, Outcome::Dismissed).await?;
        self.feedback(&det, FeedbackKind::NotFeature, act).await?;
        Ok(decided)
    }

    /// Records feedback on a prompt once per source event, and counts it for calibration.
    async fn feedback(&self, det: &DetectionRecord, kind: FeedbackKind, act: &Act) -> Result<()> {
        let memory = self.memory().await?;
        let added = self
            .store
            .add_feedback(
                det.guild,
                det.channel,
                Some(det.id),
                kind,
                act.author.id,
                act.at,
                act.source,
            )
            .await?;
        if added {
            memory.add_feedback(det.guild, kind, act.at);
        }
        Ok(())
    }

    /// Mutes a prompt's channel until `until`.
    pub async fn mute_from_detection(
        &self,
        id: DetectionId,
        at: Place,
        until: DateTime<Utc>,
    ) -> Result<ChannelId> {
        let det = self.detection_at(id, at).await?;
        self.store.decide_detection(id, Outcome::Muted).await?;
        {
            let _write = self.writes.lock().await;
            self.store.mute(det.channel, until).await?;
            self.refresh_watched(det.channel).await?;
        }
        self.windows
            .with(det.channel, Some(until), |d| d.quiet(det.channel, until))?;
        Ok(det.channel)
    }

    /// Plan `id`, with its questions' reading looked up from the loaded packs.
    pub async fn plan(&self, id: PlanId) -> Result<Plan> {
        let mut p = self
            .store
            .plan(id)
            .await?
            .ok_or_else(|| Error::user(format!("there is no plan {id}")))?;
        p.attach_reading(&self.packs);
        Ok(p)
    }

    /// The latest plan discussed in `channel` (its thread, or the channel), open or closed.
    pub async fn plan_in(&self, channel: ChannelId) -> Result<Plan> {
        match self.store.latest_plan_in(channel).await? {
            Some(id) => self.plan(id).await,
            None => Err(Error::user(
                "there is no open plan here; start one with /plan start",
            )),
        }
    }

    pub async fn set_thread(&self, plan: PlanId, thread: ChannelId) -> Result<()> {
        Ok(self.store.set_plan_thread(plan, thread).await?)
    }

    async fn change(
        &self,
        plan: PlanId,
        key: &str,
        kind: EventKind,
        text: String,
        act: &Act,
    ) -> Result<Change> {
        let p = self.plan(plan).await?;
        let question = question_of(&p, key)?;
        p.check_change(&question, kind)?;
        let event = AnswerEvent {
            question_id: question.id.clone(),
            kind,
            text,
            author: act.author.clone(),
            at: act.at,
            source: Some(act.source),
            said_in: None,
            decision: None,
        };
        self.record(plan, question, &event).await
    }

    /// Stores `event` (a replay stores nothing) and, when it is new, moves the plan's
    /// reminder and counts it: the one way an answer, skip or reopen is recorded.
    async fn record(
        &self,
        plan: PlanId,
        question: PlanQuestion,
        event: &AnswerEvent,
    ) -> Result<Change> {
        let created = self.store.record_event(plan, event).await?;
        let plan = self.plan(plan).await?;
        if created {
            self.reschedule(&plan).await;
            self.metrics.answer();
        }
        Ok(Change {
            plan,
            question,
            created,
        })
    }

    /// Records (or revises) an answer to question `key` (`Q3`, `3` or an id).
    pub async fn answer(&self, plan: PlanId, key: &str, text: &str, act: &Act) -> Result<Change> {
        let text = plan::parse_answer(text)?;
        self.change(plan, key, EventKind::Answer, text, act).await
    }

    /// Records question `key`'s suggested answer as the answer of the person who said it,
    /// with the message it was said in. A replay of the same acceptance changes nothing.
    pub async fn accept(&self, plan: PlanId, key: &str, act: &Act) -> Result<Change> {
        let p = self.plan(plan).await?;
        let question = question_of(&p, key)?;
        if p.history(&question.id)
            .any(|e| e.source == Some(act.source))
        {
            return Ok(Change {
                plan: p,
                question,
                created: false,
            });
        }
        let quote = p.check_accept(&question)?;
        let event = AnswerEvent {
            question_id: question.id.clone(),
            kind: EventKind::Answer,
            text: quote.text.clone(),
            author: quote.author.clone(),
            at: act.at,
            source: Some(act.source),
            said_in: Some(quote.message),
            decision: None,
        };
        self.record(plan, question, &event).await
    }

    pub async fn skip(&self, plan: PlanId, key: &str, reason: &str, act: &Act) -> Result<Change> {
        let reason = plan::parse_reason(reason)?;
        self.change(plan, key, EventKind::Skip, reason, act).await
    }

    pub async fn reopen(&self, plan: PlanId, key: &str, act: &Act) -> Result<Change> {
        self.change(plan, key, EventKind::Reopen, String::new(), act)
            .await
    }

    /// Closes a plan when it is ready (every critical question answered or skipped), or
    /// with `force` (*Close anyway*); a plan that is not ready stays open and the caller
    /// gets it back to name what is open.
    pub async fn close(&self, plan: PlanId, at: DateTime<Utc>, force: bool) -> Result<Closing> {
        let p = self.plan(plan).await?;
        if p.status == Status::Closed {
            return Ok(Closing::AlreadyClosed(p));
        }
        if !force && !p.is_ready() {
            return Ok(Closing::NotReady(p));
        }
        self.store.set_plan_status(plan, Status::Closed, at).await?;
        let closed = self.plan(plan).await?;
        self.reschedule(&closed).await;
        Ok(Closing::Closed(closed))
    }

    /// `(file name, contents)` of a plan's export.
    pub async fn export(&self, plan: PlanId, format: Format) -> Result<(String, String)> {
        let p = self.plan(plan).await?;
        Ok((export::file_name(&p, format), export::render(&p, format)))
    }

    pub async fn list(&self, filter: &PlanFilter, limit: u32) -> Result<Vec<PlanSummary>> {
        Ok(self.store.list_plans(filter, limit).await?)
    }

    pub async fn settings(&self, guild: GuildId) -> Result<GuildSettings> {
        Ok(self.memory().await?.settings(guild))
    }

    /// Whether `channel` is watched (and by which server, muted until when).
    pub async fn watched(&self, channel: ChannelId) -> Result<Option<WatchedChannel>> {
        Ok(self.memory().await?.watched(channel))
    }

    /// Memory takes the channel as the store now holds it.
    async fn refresh_watched(&self, channel: ChannelId) -> Result<()> {
        let memory = self.memory().await?;
        let w = self.store.watched(channel).await?;
        memory.set_watched(channel, w);
        Ok(())
    }

    pub async fn save_settings(&self, guild: GuildId, s: &GuildSettings) -> Result<()> {
        s.validate().map_err(Error::User)?;
        for p in &s.disabled_packs {
            if self.packs.get(p).is_none() {
                return Err(Error::user(format!("unknown pack '{p}'")));
            }
        }
        let memory = self.memory().await?;
        let _write = self.writes.lock().await;
        let before = memory.settings(guild).reminders;
        self.store.save_guild_settings(guild, s).await?;
        memory.set_settings(guild, self.store.guild_settings(guild).await?);
        if before != s.reminders {
            self.reschedule_all(Some(guild)).await?;
        }
        Ok(())
    }

    pub async fn watch(
        &self,
        guild: GuildId,
        channel: ChannelId,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let _write = self.writes.lock().await;
        let added = self.store.watch(guild, channel, by, at).await?;
        self.refresh_watched(channel).await?;
        Ok(added)
    }

    pub async fn unwatch(&self, guild: GuildId, channel: ChannelId) -> Result<bool> {
        let _write = self.writes.lock().await;
        let removed = self.store.unwatch(guild, channel).await?;
        self.refresh_watched(channel).await?;
        if removed {
            self.windows.forget(channel);
        }
        Ok(removed)
    }

    /// Runs `f` on the detector for `channel` (see [`Windows::with`]): pure work only.
    fn with_detector<R>(
        &self,
        channel: ChannelId,
        f: impl FnOnce(&mut Detector) -> R,
    ) -> Result<R> {
        self.windows.with(channel, None, f)
    }
}

/// The text of a caught panic (`panic!` payloads are `&str` or `String`).
/// Question `key` (`Q3`, `3` or an id) of `p`, or the user's error naming it.
fn question_of(p: &Plan, key: &str) -> Result<PlanQuestion> {
    p.find_question(key)
        .cloned()
        .ok_or_else(|| plan::PlanError::UnknownQuestion(key.trim().to_string()).into())
}

pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string())
}

#[cfg(test)]
mod tests;
