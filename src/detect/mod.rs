//! Feature-discussion detection: pure, deterministic, no I/O.
//!
//! A message is scored by cue families (`prompts/detection.toml`): intent cues add,
//! cues of other talk subtract. A per-channel window adds up recent positive scores so
//! that a discussion spread over several messages is spotted, once: after a prompt the
//! channel stays quiet for a cooldown.

pub mod cues;
pub mod normalize;
pub mod rank;
pub mod title;

pub use cues::{CompiledCues, Polarity};
pub use rank::{PackMatch, PackRanker};

use crate::ids::{ChannelId, MessageId, UserId};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

/// One chat message, as the detector sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatMessage {
    pub id: MessageId,
    pub channel: ChannelId,
    pub author: UserId,
    pub author_is_bot: bool,
    pub at: DateTime<Utc>,
    pub text: String,
}

/// Tunables; the service fills them from config and per-server settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Window score needed to prompt.
    pub threshold: f32,
    /// How many recent messages of a channel count together.
    pub window_messages: usize,
    /// How old a message may be and still count.
    pub window_minutes: i64,
    /// Quiet time after a prompt.
    pub cooldown_minutes: i64,
    /// Packs never offered.
    pub disabled_packs: BTreeSet<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            threshold: DEFAULT_THRESHOLD,
            window_messages: 8,
            window_minutes: 20,
            cooldown_minutes: 60,
            disabled_packs: BTreeSet::new(),
        }
    }
}

pub const DEFAULT_THRESHOLD: f32 = 1.5;

/// Why a message scored: one cue that matched, and the words it matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub family: String,
    pub polarity: Polarity,
    pub weight: f32,
    /// The words that matched, as written.
    pub matched: String,
    /// Which message of the window (0 = oldest still counted).
    pub message: usize,
}

/// A prompt that should fire.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detection {
    pub channel: ChannelId,
    /// The message that tipped the window over the threshold.
    pub message_id: MessageId,
    pub at: DateTime<Utc>,
    pub score: f32,
    pub threshold: f32,
    pub evidence: Vec<Evidence>,
    pub packs: Vec<PackMatch>,
    pub title: String,
    /// Everyone who wrote in the window.
    pub participants: Vec<UserId>,
}

impl Detection {
    /// The words that made this a feature discussion, as people wrote them: distinct
    /// phrases matched by feature cues, at most `max`, in the order they were said.
    pub fn reasons(&self, max: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in self
            .evidence
            .iter()
            .filter(|e| e.polarity == Polarity::Intent)
        {
            let phrase = e.matched.trim();
            if !phrase.is_empty()
                && !out.iter().any(|o| o.eq_ignore_ascii_case(phrase))
                && out.len() < max
            {
                out.push(phrase.to_string());
            }
        }
        out
    }
}

/// A single message's score and the cues behind it: for each family that matched, its
/// strongest cue `(index, weight)`. Where they matched is looked up only when a prompt
/// is built ([`Detector::evidence`]), which keeps scoring free of per-cue searches.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageScore {
    pub score: f32,
    pub intent: f32,
    pub hits: Vec<(usize, f32)>,
}

/// More families than this are refused at load time (scoring keeps them on the stack).
pub const MAX_FAMILIES: usize = 64;

#[derive(Debug, Clone)]
struct Entry {
    id: MessageId,
    author: UserId,
    at: DateTime<Utc>,
    text: String,
    score: MessageScore,
}

#[derive(Debug, Default, Clone)]
struct ChannelState {
    entries: VecDeque<Entry>,
    quiet_until: Option<DateTime<Utc>>,
    /// What was said after the channel's last prompt.
    after_prompt: Option<AfterPrompt>,
}

/// The discussion goes on after a prompt; when its checklist starts, packs that fit what
/// was said since are offered too ([`Detector::packs_after_prompt`]).
#[derive(Debug, Clone)]
struct AfterPrompt {
    /// The message that tipped the prompt.
    prompt: MessageId,
    at: DateTime<Utc>,
    /// The conversation that prompted (prose), for the checklist's questions.
    before: Vec<String>,
    messages: Vec<(MessageId, String)>,
}

impl AfterPrompt {
    /// Keeps `msg` (as `prose`) when it came within `window` of the prompt, there is room,
    /// and it was not heard before (a replayed event).
    fn hear(&mut self, msg: &ChatMessage, prose: &str, window: Duration) {
        if msg.at - self.at <= window
            && self.messages.len() < AFTER_PROMPT_MESSAGES
            && !self.messages.iter().any(|(id, _)| *id == msg.id)
        {
            self.messages.push((msg.id, prose.to_string()));
        }
    }
}

/// At most this many messages after a prompt count for its packs.
pub const AFTER_PROMPT_MESSAGES: usize = 20;

/// Hashes channel ids (already well-spread snowflakes) with one multiplication instead
/// of SipHash: the channel map is looked up for every message. Keys come from Discord,
/// not from an attacker who could choose colliding ids for one bot.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ (n >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type ChannelMap = HashMap<ChannelId, ChannelState, BuildHasherDefault<IdHasher>>;

/// A message opens a conversation when fewer than this many messages precede it in the
/// channel's window: cues marked `opener_only` count only there. "Is there a way to …?"
/// asking for a capability starts a conversation; deep in a help thread it is a follow-up.
pub const OPENER_MESSAGES: usize = 2;

/// A message names the topic (for the title) when its feature cues are at least this strong.
const TITLE_MIN_INTENT: f32 = 1.5;

/// Most a single message can add to the window; one enthusiastic line is not a discussion.
const MESSAGE_CAP: f32 = 4.0;
/// Least a single message can take away; one stack trace does not erase a discussion.
const MESSAGE_FLOOR: f32 = -1.0;

/// Scores messages and keeps each channel's window. Cheap to clone the compiled parts.
#[derive(Debug, Clone)]
pub struct Detector {
    cues: std::sync::Arc<CompiledCues>,
    ranker: std::sync::Arc<PackRanker>,
    channels: ChannelMap,
}

impl Detector {
    pub fn new(cues: std::sync::Arc<CompiledCues>, ranker: std::sync::Arc<PackRanker>) -> Detector {
        Detector {
            cues,
            ranker,
            channels: ChannelMap::default(),
        }
    }

    /// Scores one text (already reduced to prose); `opener` when it opens a conversation
    /// (see [`OPENER_MESSAGES`]).
    pub fn score_text(&self, prose: &str, opener: bool) -> MessageScore {
        score_prose(&self.cues, prose, opener)
    }

    /// The cues behind `score` (of `prose`), with the words each matched.
    pub fn evidence(&self, prose: &str, score: &MessageScore) -> Vec<Evidence> {
        evidence_of(&self.cues, prose, score, 0)
    }

    /// Feeds one message; returns a detection when the channel's discussion crosses the
    /// threshold and the channel is not cooling down. A message seen before (same id) is
    /// ignored, so a replayed event changes nothing.
    pub fn observe(&mut self, msg: &ChatMessage, settings: &Settings) -> Option<Detection> {
        let total = self.admit(msg, settings)?;
        if total < settings.threshold {
            return None;
        }
        let state = self
            .channels
            .get_mut(&msg.channel)
            .expect("admit keeps the channel");
        let detection = build_detection(&self.cues, &self.ranker, state, msg, total, settings);
        state.quiet_until = Some(
            msg.at
                .checked_add_signed(minutes(settings.cooldown_minutes))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        );
        let before = state.entries.drain(..).map(|e| e.text).collect();
        state.after_prompt = Some(AfterPrompt {
            prompt: msg.id,
            at: msg.at,
            before,
            messages: Vec::new(),
        });
        Some(detection)
    }

    /// Feeds one message like [`Detector::observe`] but never prompts: returns the window
    /// score the message would be judged by (None when it could not prompt at all). Used by
    /// evaluation to sweep thresholds in one pass.
    pub fn window_score(&mut self, msg: &ChatMessage, settings: &Settings) -> Option<f32> {
        self.admit(msg, settings)
    }

    /// Adds a message to its channel's window; returns the window score when the message
    /// itself carries intent and the channel is not cooling down.
    fn admit(&mut self, msg: &ChatMessage, settings: &Settings) -> Option<f32> {
        if msg.author_is_bot {
            return None;
        }
        let state = self.channels.entry(msg.channel).or_default();
        if state.entries.iter().any(|e| e.id == msg.id) {
            return None;
        }
        let window = minutes(settings.window_minutes);
        while state
            .entries
            .front()
            .is_some_and(|e| msg.at - e.at > window)
        {
            state.entries.pop_front();
        }
        let prose = normalize::prose(&msg.text);
        if let Some(after) = state.after_prompt.as_mut() {
            after.hear(msg, &prose, window);
        }
        let opener = state.entries.len() < OPENER_MESSAGES;
        let score = score_prose(&self.cues, &prose, opener);
        let positive = score.intent > 0.0;
        state.entries.push_back(Entry {
            id: msg.id,
            author: msg.author,
            at: msg.at,
            text: prose,
            score,
        });
        while state.entries.len() > settings.window_messages.max(1) {
            state.entries.pop_front();
        }
        if !positive || state.quiet_until.is_some_and(|until| msg.at < until) {
            return None;
        }
        Some(
            state
                .entries
                .iter()
                .map(|e| e.score.score.clamp(MESSAGE_FLOOR, MESSAGE_CAP))
                .sum(),
        )
    }

    /// Packs that fit what `channel` said after the prompt tipped by `prompt` (within the
    /// window, at most [`AFTER_PROMPT_MESSAGES`] messages), domain and integration packs
    /// only. Empty when nothing was said, or the channel has prompted again since.
    pub fn packs_after_prompt(
        &self,
        channel: ChannelId,
        prompt: MessageId,
        disabled: &BTreeSet<String>,
    ) -> Vec<PackMatch> {
        let Some(after) = self
            .channels
            .get(&channel)
            .and_then(|s| s.after_prompt.as_ref())
            .filter(|a| a.prompt == prompt && !a.messages.is_empty())
        else {
            return Vec::new();
        };
        self.ranker
            .rank(after.messages.iter().map(|(_, t)| t.as_str()), disabled)
            .into_iter()
            .filter(|p| p.kind != crate::packs::PackKind::Core)
            .collect()
    }

    /// What was said in the conversation that tipped `prompt` and after it (prose, in
    /// order), while this process has heard it; empty after a restart or a newer prompt.
    pub fn prompt_conversation(&self, channel: ChannelId, prompt: MessageId) -> Vec<String> {
        self.channels
            .get(&channel)
            .and_then(|s| s.after_prompt.as_ref())
            .filter(|a| a.prompt == prompt)
            .map(|a| {
                a.before
                    .iter()
                    .cloned()
                    .chain(a.messages.iter().map(|(_, t)| t.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The channel's current conversation (prose of the messages in its window), for a
    /// checklist started by hand.
    pub fn conversation(&self, channel: ChannelId) -> Vec<String> {
        self.channels
            .get(&channel)
            .map(|s| s.entries.iter().map(|e| e.text.clone()).collect())
            .unwrap_or_default()
    }

    /// Starts a channel's cooldown now (e.g. muted, or a plan was started by hand).
    pub fn quiet(&mut self, channel: ChannelId, until: DateTime<Utc>) {
        let state = self.channels.entry(channel).or_default();
        state.quiet_until = Some(until);
        state.entries.clear();
    }

    /// Ends a channel's cooldown: its prompt could not be posted, so nobody saw one.
    pub fn lift_quiet(&mut self, channel: ChannelId) {
        if let Some(state) = self.channels.get_mut(&channel) {
            state.quiet_until = None;
        }
    }

    /// Forgets a channel's window (e.g. unwatched).
    pub fn forget(&mut self, channel: ChannelId) {
        self.channels.remove(&channel);
    }
}

/// `m` minutes (none when negative), saturating instead of panicking on a value too large
/// for a `Duration`: settings are checked at the edge, but the detector stays total.
fn minutes(m: i64) -> Duration {
    Duration::try_minutes(m.max(0)).unwrap_or(Duration::MAX)
}

fn build_detection(
    cues: &CompiledCues,
    ranker: &PackRanker,
    state: &ChannelState,
    msg: &ChatMessage,
    total: f32,
    settings: &Settings,
) -> Detection {
    let mut evidence = Vec::new();
    for (i, e) in state.entries.iter().enumerate() {
        evidence.extend(evidence_of(cues, &e.text, &e.score, i));
    }
    // The topic is usually named by the first real proposal; fall back to the strongest.
    let title = state
        .entries
        .iter()
        .filter(|e| e.score.intent >= TITLE_MIN_INTENT)
        .map(|e| title::guess(&e.text, cue_end(cues, &e.text, &e.score)))
        .find(|t| t.split_whitespace().count() >= 3)
        .unwrap_or_else(|| {
            let best = state
                .entries
                .iter()
                .max_by(|a, b| a.score.intent.total_cmp(&b.score.intent))
                .expect("window holds the current message");
            title::guess(&best.text, cue_end(cues, &best.text, &best.score))
        });
    let packs = ranker.rank(
        state.entries.iter().map(|e| e.text.as_str()),
        &settings.disabled_packs,
    );
    let mut participants: Vec<UserId> = Vec::new();
    for e in &state.entries {
        if !participants.contains(&e.author) {
            participants.push(e.author);
        }
    }
    Detection {
        channel: msg.channel,
        message_id: msg.id,
        at: msg.at,
        score: total,
        threshold: settings.threshold,
        evidence,
        packs,
        title,
        participants,
    }
}

/// Scores prose: each family counts once, with its strongest matching cue. Cues marked
/// `opener_only` count only when `opener` (the message opens a conversation).
pub fn score_prose(cues: &CompiledCues, prose: &str, opener: bool) -> MessageScore {
    let none = MessageScore {
        score: 0.0,
        intent: 0.0,
        hits: Vec::new(),
    };
    // Most chat matches no cue: `is_match` can stop at the first hit, `matches` cannot.
    if !cues.set.is_match(prose) {
        return none;
    }
    let matches = cues.set.matches(prose);
    let mut best: [Option<(usize, f32)>; MAX_FAMILIES] = [None; MAX_FAMILIES];
    for idx in matches.iter() {
        let m = &cues.meta[idx];
        if m.opener_only && !opener {
            continue;
        }
        let slot = &mut best[m.family_index];
        if slot.is_none_or(|(_, w)| m.weight > w) {
            *slot = Some((idx, m.weight));
        }
    }
    let mut intent = 0.0;
    let mut other = 0.0;
    let mut cancel = 0.0;
    let mut hits = Vec::new();
    for (idx, weight) in best.into_iter().take(cues.families.len()).flatten() {
        let m = &cues.meta[idx];
        match m.polarity {
            Polarity::Intent => intent += weight,
            Polarity::Other if m.cancel_only => cancel += weight,
            Polarity::Other => other += weight,
        }
        hits.push((idx, weight));
    }
    MessageScore {
        score: intent - other - f32::min(cancel, intent),
        intent,
        hits,
    }
}

/// The cues behind a message's score, with the words each matched.
pub fn evidence_of(
    cues: &CompiledCues,
    prose: &str,
    score: &MessageScore,
    message: usize,
) -> Vec<Evidence> {
    score
        .hits
        .iter()
        .map(|&(idx, weight)| {
            let m = &cues.meta[idx];
            Evidence {
                family: m.family.clone(),
                polarity: m.polarity,
                weight,
                matched: cues.regexes[idx]
                    .find(prose)
                    .map(|f| f.as_str().to_string())
                    .unwrap_or_default(),
                message,
            }
        })
        .collect()
}

/// Where the strongest feature cue of a message ends (the title starts after it).
fn cue_end(cues: &CompiledCues, prose: &str, score: &MessageScore) -> Option<usize> {
    let (idx, _) = score
        .hits
        .iter()
        .filter(|(i, _)| cues.meta[*i].polarity == Polarity::Intent)
        .fold(None::<(usize, f32)>, |best, &(i, w)| match best {
            Some((_, bw)) if bw >= w => best,
            _ => Some((i, w)),
        })?;
    cues.regexes[idx].find(prose).map(|f| f.end())
}

#[cfg(test)]
mod tests;
