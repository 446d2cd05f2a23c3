//! Feature-discussion detection: pure, deterministic, no I/O.
//!
//! A learned linear model (`prompts/model.json`, see [`model`]) scores conversations:
//! each message's contribution (word n-grams, the cue families of
//! `prompts/detection.toml`, design vocabulary, "X or Y?") is computed once when it
//! arrives; a channel keeps its recent messages, splits them into conversations (time
//! gaps, replies) and scores the best suffix of the latest message's conversation, so an
//! earlier bug thread cannot veto a new proposal. A prompt fires once: after it the
//! channel stays quiet for a cooldown.

pub mod cues;
pub mod features;
pub mod model;
pub mod normalize;
pub mod nudge;
pub mod packfit;
pub mod rank;
pub mod title;

pub use cues::{CompiledCues, Polarity};
pub use model::{Model, ModelFile};
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
    /// The message this one replies to (Discord's `message_reference`), if any: it joins
    /// that message's conversation.
    pub reply_to: Option<MessageId>,
    /// The name people see (nickname or user name), for what the checklist quotes.
    pub author_name: String,
}

/// A message as it was said, kept with its conversation for the checklist: suggested
/// answers and the team's own questions quote it.
#[derive(Debug, Clone, PartialEq)]
pub struct Heard {
    pub id: MessageId,
    pub author: UserId,
    pub author_name: String,
    /// As written.
    pub text: String,
    /// Without code, quotes, URLs and mentions: what ranking reads.
    pub prose: String,
    pub reply_to: Option<MessageId>,
}

impl Heard {
    fn of(msg: &ChatMessage, prose: &str) -> Heard {
        Heard {
            id: msg.id,
            author: msg.author,
            author_name: msg.author_name.clone(),
            text: msg.text.clone(),
            prose: prose.to_string(),
            reply_to: msg.reply_to,
        }
    }
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

/// Why a message scored: a model feature that fired, its weight, and the words behind it.
/// `family` is a cue family, `words` (an n-gram), `design_vocabulary` or
/// `weighs_approaches`; `polarity` is `intent` when the weight speaks for a feature.
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
    /// phrases with positive weight, strongest first, at most `max`.
    pub fn reasons(&self, max: usize) -> Vec<String> {
        // Phrases a person would recognise come first: the cues' phrases, an "X or Y?"
        // question, then word pairs and content words, then the design vocabulary. Single
        // function words ("would", "a") weigh something but explain nothing.
        let tier = |e: &Evidence| match e.family.as_str() {
            "words" => 2,
            "weighs_approaches" => 1,
            "design_vocabulary" => 3,
            _ => 0,
        };
        let mut positive: Vec<&Evidence> = self
            .evidence
            .iter()
            .filter(|e| e.polarity == Polarity::Intent && e.weight > 0.0)
            .filter(|e| e.family != "words" || features::is_telling(&e.matched))
            .collect();
        positive.sort_by(|a, b| tier(a).cmp(&tier(b)).then(b.weight.total_cmp(&a.weight)));
        let mut out: Vec<String> = Vec::new();
        for e in positive {
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

/// More families than this are refused at load time (a message's families are a bitmask).
pub const MAX_FAMILIES: usize = 64;

#[derive(Debug, Clone)]
struct Entry {
    id: MessageId,
    author: UserId,
    at: DateTime<Utc>,
    /// Its prose (see [`normalize::prose`]).
    text: String,
    /// As written, when that differs from its prose.
    raw: Option<String>,
    author_name: String,
    reply_to: Option<MessageId>,
    /// Whether it opened its conversation (for `opener_only` cues).
    opener: bool,
    /// What the message adds to its conversation's score (with `per_message`).
    contrib: f32,
    /// Its own evidence (n-grams and signals, without `per_message`).
    own: f32,
    /// Its conversation within the channel.
    conversation: u64,
}

impl Entry {
    fn heard(self) -> Heard {
        Heard {
            id: self.id,
            author: self.author,
            author_name: self.author_name,
            text: self.raw.unwrap_or_else(|| self.text.clone()),
            prose: self.text,
            reply_to: self.reply_to,
        }
    }
}

#[derive(Debug, Default, Clone)]
struct ChannelState {
    entries: VecDeque<Entry>,
    quiet_until: Option<DateTime<Utc>>,
    /// What was said after the channel's last prompt.
    after_prompt: Option<AfterPrompt>,
    /// The next conversation number.
    next_conversation: u64,
}

/// The discussion goes on after a prompt; when its checklist starts, packs that fit what
/// was said since are offered too ([`Detector::packs_after_prompt`]).
#[derive(Debug, Clone)]
struct AfterPrompt {
    /// The message that tipped the prompt.
    prompt: MessageId,
    at: DateTime<Utc>,
    /// The conversation that prompted, for the checklist's questions.
    before: Vec<Heard>,
    messages: Vec<Heard>,
}

impl AfterPrompt {
    /// Keeps `msg` (as `prose`) when it came within `window` of the prompt, there is room,
    /// and it was not heard before (a replayed event).
    fn hear(&mut self, msg: &ChatMessage, prose: &str, window: Duration) {
        if msg.at - self.at <= window
            && self.messages.len() < AFTER_PROMPT_MESSAGES
            && !self.messages.iter().any(|h| h.id == msg.id)
        {
            self.messages.push(Heard::of(msg, prose));
        }
    }
}

/// At most this many messages after a prompt count for its packs.
pub const AFTER_PROMPT_MESSAGES: usize = 20;

/// Hashes ids (channel snowflakes, n-gram FNV hashes: already well spread) with one
/// multiplication instead of SipHash: the maps are looked up for every message. Keys come from Discord,
/// not from an attacker who could choose colliding ids for one bot.
#[derive(Default)]
pub(crate) struct IdHasher(u64);

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

/// A message opens a conversation when fewer than this many messages of its conversation
/// precede it in the channel's window: cues marked `opener_only` count only there. "Is
/// there a way to …?" asking for a capability starts a conversation; deep in a help
/// thread it is a follow-up.
pub const OPENER_MESSAGES: usize = 2;

/// A silence longer than this starts a new conversation (unless the message replies to
/// one in the window).
pub const CONVERSATION_GAP_MINUTES: i64 = 10;

/// A message names the topic (for the title) when its own evidence is at least this strong.
const TITLE_MIN_OWN: f32 = 1.0;

/// N-grams listed as evidence per message, for and against.
const EVIDENCE_WORDS: usize = 4;

/// Scores messages and keeps each channel's window. Cheap to clone the compiled parts.
#[derive(Debug, Clone)]
pub struct Detector {
    cues: std::sync::Arc<CompiledCues>,
    ranker: std::sync::Arc<PackRanker>,
    model: std::sync::Arc<Model>,
    channels: ChannelMap,
    scratch: Scratch,
}

/// Buffers reused from message to message (no allocation per message once warm).
#[derive(Debug, Clone, Default)]
struct Scratch {
    /// A message's n-gram hashes.
    hashes: Vec<u64>,
    /// The people of a conversation's stretch ([`best_suffix`]).
    people: Vec<UserId>,
}

/// A message's own evidence under `model`: its distinct n-grams' weights scaled by
/// `1/sqrt(their number)`, plus its signals (without `per_message`).
fn own_score(
    cues: &CompiledCues,
    ranker: &PackRanker,
    model: &Model,
    prose: &str,
    opener: bool,
    scratch: &mut Scratch,
) -> f32 {
    scratch.hashes.clear();
    features::ngram_hashes(prose, &mut scratch.hashes);
    let scale = features::distinct_hashes(&mut scratch.hashes);
    let grams: f32 = scratch.hashes.iter().map(|&h| model.ngram(h)).sum();
    scale * grams + model.signals(&features::signals(cues, ranker, prose, opener))
}

/// The best-scoring stretch of a conversation that ends at the latest message.
#[derive(Debug, Clone, Copy)]
struct Best {
    score: f32,
    /// Index in the channel's entries of its first message.
    start: usize,
}

impl Detector {
    /// A detector with the shipped model (`prompts/model.json`).
    pub fn new(cues: std::sync::Arc<CompiledCues>, ranker: std::sync::Arc<PackRanker>) -> Detector {
        let model = std::sync::Arc::new(ModelFile::shipped_model(&cues));
        Detector::with_model(cues, ranker, model)
    }

    /// A detector with a given model (training and cross-validation).
    pub fn with_model(
        cues: std::sync::Arc<CompiledCues>,
        ranker: std::sync::Arc<PackRanker>,
        model: std::sync::Arc<Model>,
    ) -> Detector {
        Detector {
            cues,
            ranker,
            model,
            channels: ChannelMap::default(),
            scratch: Scratch::default(),
        }
    }

    pub fn model(&self) -> &Model {
        &self.model
    }

    /// A message's own evidence (n-grams and signals, without `per_message`): positive
    /// when it speaks for a feature discussion. `opener` when it opens a conversation.
    pub fn message_score(&self, prose: &str, opener: bool) -> f32 {
        let mut scratch = Scratch::default();
        own_score(
            &self.cues,
            &self.ranker,
            &self.model,
            prose,
            opener,
            &mut scratch,
        )
    }

    /// Why a message scored as it did: cue families, design vocabulary, "X or Y?" and the
    /// strongest n-grams for and against, with the words as written.
    pub fn evidence(&self, prose: &str, opener: bool, message: usize) -> Vec<Evidence> {
        evidence_of(
            &self.cues,
            &self.ranker,
            &self.model,
            prose,
            opener,
            message,
        )
    }

    /// Feeds one message; returns a detection when the channel's discussion crosses the
    /// threshold and the channel is not cooling down. A message seen before (same id) is
    /// ignored, so a replayed event changes nothing.
    pub fn observe(&mut self, msg: &ChatMessage, settings: &Settings) -> Option<Detection> {
        let best = self.admit(msg, settings)?;
        if best.score < settings.threshold {
            return None;
        }
        let state = self
            .channels
            .get(&msg.channel)
            .expect("admit keeps the channel");
        let detection = build_detection(
            &self.cues,
            &self.ranker,
            &self.model,
            state,
            msg,
            best,
            settings,
        );
        let state = self
            .channels
            .get_mut(&msg.channel)
            .expect("admit keeps the channel");
        state.quiet_until = Some(
            msg.at
                .checked_add_signed(minutes(settings.cooldown_minutes))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        );
        let before = state.entries.drain(..).map(Entry::heard).collect();
        state.after_prompt = Some(AfterPrompt {
            prompt: msg.id,
            at: msg.at,
            before,
            messages: Vec::new(),
        });
        Some(detection)
    }

    /// Feeds one message like [`Detector::observe`] but never prompts: returns the score
    /// the message would be judged by (None when it could not prompt at all). Used by
    /// evaluation to sweep thresholds in one pass.
    pub fn window_score(&mut self, msg: &ChatMessage, settings: &Settings) -> Option<f32> {
        self.admit(msg, settings).map(|b| b.score)
    }

    /// Adds a message to its channel's window; returns the best score of its conversation
    /// when the message itself carries positive evidence and the channel is not cooling down.
    fn admit(&mut self, msg: &ChatMessage, settings: &Settings) -> Option<Best> {
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
        // Its conversation: the one it replies to, else the previous message's unless a
        // long silence came between.
        let replied = msg
            .reply_to
            .and_then(|r| state.entries.iter().find(|e| e.id == r))
            .map(|e| e.conversation);
        let conversation = replied.unwrap_or_else(|| match state.entries.back() {
            Some(last) if msg.at - last.at <= Duration::minutes(CONVERSATION_GAP_MINUTES) => {
                last.conversation
            }
            _ => {
                state.next_conversation += 1;
                state.next_conversation
            }
        });
        let opener = state
            .entries
            .iter()
            .filter(|e| e.conversation == conversation)
            .count()
            < OPENER_MESSAGES;
        let model = &self.model;
        let own = own_score(
            &self.cues,
            &self.ranker,
            model,
            &prose,
            opener,
            &mut self.scratch,
        );
        let raw = (prose != msg.text).then(|| msg.text.clone());
        state.entries.push_back(Entry {
            id: msg.id,
            author: msg.author,
            at: msg.at,
            text: prose,
            raw,
            author_name: msg.author_name.clone(),
            reply_to: msg.reply_to,
            opener,
            contrib: own + model.per_message,
            own,
            conversation,
        });
        while state.entries.len() > settings.window_messages.max(1) {
            state.entries.pop_front();
        }
        if own <= 0.0 || state.quiet_until.is_some_and(|until| msg.at < until) {
            return None;
        }
        Some(best_suffix(
            model,
            &state.entries,
            conversation,
            &mut self.scratch.people,
        ))
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
            .rank(after.messages.iter().map(|h| h.prose.as_str()), disabled)
            .into_iter()
            .filter(|p| p.kind != crate::packs::PackKind::Core)
            .collect()
    }

    /// What was said in the conversation that tipped `prompt` and after it (in order),
    /// while this process has heard it; empty after a restart or a newer prompt.
    pub fn prompt_conversation(&self, channel: ChannelId, prompt: MessageId) -> Vec<Heard> {
        self.channels
            .get(&channel)
            .and_then(|s| s.after_prompt.as_ref())
            .filter(|a| a.prompt == prompt)
            .map(|a| a.before.iter().chain(&a.messages).cloned().collect())
            .unwrap_or_default()
    }

    /// The channel's current conversation (the messages in its window), for a checklist
    /// started by hand.
    pub fn conversation(&self, channel: ChannelId) -> Vec<Heard> {
        self.channels
            .get(&channel)
            .map(|s| s.entries.iter().cloned().map(Entry::heard).collect())
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

/// The best score over the stretches of `conversation` that end at the latest entry
/// (the latest message's conversation, from any of its messages to the latest).
/// `people` is a buffer for who wrote.
fn best_suffix(
    model: &Model,
    entries: &VecDeque<Entry>,
    conversation: u64,
    people: &mut Vec<UserId>,
) -> Best {
    let mut best = Best {
        score: f32::NEG_INFINITY,
        start: entries.len() - 1,
    };
    let mut sum = 0.0;
    let mut count = 0;
    people.clear();
    for (i, e) in entries.iter().enumerate().rev() {
        if e.conversation != conversation {
            continue;
        }
        sum += e.contrib;
        count += 1;
        if !people.contains(&e.author) {
            people.push(e.author);
        }
        let score = model.conversation(sum, people.len(), count);
        if score > best.score {
            best = Best { score, start: i };
        }
    }
    best
}

fn build_detection(
    cues: &CompiledCues,
    ranker: &PackRanker,
    model: &Model,
    state: &ChannelState,
    msg: &ChatMessage,
    best: Best,
    settings: &Settings,
) -> Detection {
    let conversation = state.entries.back().expect("admit keeps it").conversation;
    let entries: Vec<&Entry> = state
        .entries
        .iter()
        .skip(best.start)
        .filter(|e| e.conversation == conversation)
        .collect();
    let mut evidence = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        evidence.extend(evidence_of(cues, ranker, model, &e.text, e.opener, i));
    }
    // The topic is usually named by the first real proposal; fall back to the strongest.
    let title = entries
        .iter()
        .filter(|e| e.own >= TITLE_MIN_OWN)
        .map(|e| title::guess(&e.text, cue_end(cues, &e.text, e.opener)))
        .find(|t| t.split_whitespace().count() >= 3)
        .unwrap_or_else(|| {
            let top = entries
                .iter()
                .max_by(|a, b| a.own.total_cmp(&b.own))
                .expect("the conversation holds the current message");
            title::guess(&top.text, cue_end(cues, &top.text, top.opener))
        });
    let packs = ranker.rank(
        entries.iter().map(|e| e.text.as_str()),
        &settings.disabled_packs,
    );
    let mut participants: Vec<UserId> = Vec::new();
    for e in &entries {
        if !participants.contains(&e.author) {
            participants.push(e.author);
        }
    }
    Detection {
        channel: msg.channel,
        message_id: msg.id,
        at: msg.at,
        score: best.score,
        threshold: settings.threshold,
        evidence,
        packs,
        title,
        participants,
    }
}

/// Why `prose` scored as it did (see [`Detector::evidence`]).
pub fn evidence_of(
    cues: &CompiledCues,
    ranker: &PackRanker,
    model: &Model,
    prose: &str,
    opener: bool,
    message: usize,
) -> Vec<Evidence> {
    let mut out = Vec::new();
    let polarity = |w: f32| {
        if w > 0.0 {
            Polarity::Intent
        } else {
            Polarity::Other
        }
    };
    // Cue families: the strongest cue of each family that fired, where it matched.
    for (family, idx) in features::strongest_cues(cues, prose, opener) {
        // What the family adds: its own weight, and its cue's share of the cues' score.
        let m = &cues.meta[idx];
        let signed = match m.polarity {
            Polarity::Intent => m.weight,
            Polarity::Other => -m.weight,
        };
        let weight = model.family(family) + model.cue_weight() * signed;
        if weight != 0.0 {
            out.push(Evidence {
                family: cues.families[family].0.clone(),
                polarity: polarity(weight),
                weight,
                matched: cues.regexes[idx]
                    .find(prose)
                    .map(|f| f.as_str().to_string())
                    .unwrap_or_default(),
                message,
            });
        }
    }
    let (any, many) = model.vocab_weights();
    let vocab = ranker.cue_words(prose);
    if !vocab.is_empty() {
        let weight = any
            + if vocab.len() >= model::VOCAB_MANY {
                many
            } else {
                0.0
            };
        if weight != 0.0 {
            out.push(Evidence {
                family: "design_vocabulary".into(),
                polarity: polarity(weight),
                weight,
                matched: vocab.join(", "),
                message,
            });
        }
    }
    if let Some(q) = features::approach_question(prose) {
        let weight = model.weighs_weight();
        if weight != 0.0 {
            out.push(Evidence {
                family: "weighs_approaches".into(),
                polarity: polarity(weight),
                weight,
                matched: q.trim().to_string(),
                message,
            });
        }
    }
    // The n-grams that weigh most, for and against, without overlaps.
    let mut words = Vec::new();
    let mut grams = Vec::new();
    features::ngrams(prose, &mut words, &mut grams);
    let scale = features::dedup_ngrams(&mut grams);
    let mut weighted: Vec<(f32, usize, usize)> = grams
        .iter()
        .map(|&(h, s, e)| (scale * model.ngram(h), s, e))
        .filter(|(w, _, _)| w.abs() >= 0.02)
        .collect();
    weighted.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()).then(a.1.cmp(&b.1)));
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let (mut plus, mut minus) = (0, 0);
    for (w, s, e) in weighted {
        let count = if w > 0.0 { &mut plus } else { &mut minus };
        if *count >= EVIDENCE_WORDS || taken.iter().any(|&(ts, te)| s < te && ts < e) {
            continue;
        }
        *count += 1;
        taken.push((s, e));
        out.push(Evidence {
            family: "words".into(),
            polarity: polarity(w),
            weight: w,
            matched: prose[s..e].to_string(),
            message,
        });
    }
    out
}

/// Where the strongest feature cue of a message ends (the title starts after it).
fn cue_end(cues: &CompiledCues, prose: &str, opener: bool) -> Option<usize> {
    let (_, idx) = features::strongest_cues(cues, prose, opener)
        .into_iter()
        .filter(|(f, _)| cues.families[*f].1 == Polarity::Intent)
        // The strongest; among equals, the first family.
        .fold(None::<(usize, usize)>, |best, (f, i)| match best {
            Some((_, b)) if cues.meta[b].weight >= cues.meta[i].weight => best,
            _ => Some((f, i)),
        })?;
    cues.regexes[idx].find(prose).map(|f| f.end())
}

#[cfg(test)]
mod tests;
