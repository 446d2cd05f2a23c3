//! Plans: a snapshot of questions, and the answers, skips and reopenings recorded
//! against them. Pure data and rules; the store persists it, the service drives it.

pub mod compose;
mod coverage;
mod decision;
pub mod remind;
pub mod reply;
pub mod said;
pub mod select;
pub mod summary;

pub use coverage::{CategoryCoverage, Coverage};
pub use decision::Decision;

use crate::ids::{ChannelId, GuildId, MessageId, PlanId, UserId};
use crate::packs::{Category, PackSet, Reading};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest answer kept (Discord's modal text input limit).
pub const MAX_ANSWER_LEN: usize = 4000;
/// Longest skip reason.
pub const MAX_REASON_LEN: usize = 1000;
/// Longest plan title.
pub const MAX_TITLE_LEN: usize = 100;

/// A question as it was when the plan started: later pack edits never change it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanQuestion {
    /// 1-based position in the plan; people say "Q3".
    pub number: u32,
    pub id: String,
    pub pack_id: String,
    pub category: Category,
    pub text: String,
    pub why: String,
    pub critical: bool,
    pub hint: Option<String>,
    /// For the team's own questions: who asked it, where.
    #[serde(default)]
    pub asked: Option<Quote>,
    /// What the discussion already said that answers it (until someone accepts it, only
    /// a suggestion).
    #[serde(default)]
    pub suggested: Option<Quote>,
    /// What to read about it: not part of the snapshot (not stored), looked up from the
    /// loaded packs by question id when a plan is read ([`Plan::attach_reading`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reading: Vec<Reading>,
}

/// A sentence someone said in the discussion, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub text: String,
    pub author: Author,
    pub message: MessageId,
}

impl PlanQuestion {
    /// Question `q` of pack `pack_id`, as plan question number `number`.
    pub fn of(number: u32, pack_id: &str, q: &crate::packs::Question) -> PlanQuestion {
        PlanQuestion {
            number,
            id: q.id.clone(),
            pack_id: pack_id.to_string(),
            category: q.category,
            text: q.text.clone(),
            why: q.why.clone(),
            critical: q.critical,
            hint: q.hint.clone(),
            asked: None,
            suggested: None,
            reading: q.reading.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Closed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "open" => Some(Status::Open),
            "closed" => Some(Status::Closed),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Answer,
    Skip,
    Reopen,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Answer => "answer",
            EventKind::Skip => "skip",
            EventKind::Reopen => "reopen",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        match s {
            "answer" => Some(EventKind::Answer),
            "skip" => Some(EventKind::Skip),
            "reopen" => Some(EventKind::Reopen),
            _ => None,
        }
    }
}

/// Someone who wrote in the plan: an id and the name shown in exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub id: UserId,
    pub name: String,
}

/// One recorded change to a question: every revision is kept, the latest counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerEvent {
    pub question_id: String,
    pub kind: EventKind,
    /// The answer, or the reason for a skip; empty for a reopen.
    pub text: String,
    pub author: Author,
    pub at: DateTime<Utc>,
    /// The message or interaction that caused it; the store keeps it unique.
    pub source: Option<MessageId>,
    /// For an accepted suggestion: the discussion message the answer was said in.
    #[serde(default)]
    pub said_in: Option<MessageId>,
    /// For an answer: marked as the team's decision, by whom and when (see [`Decision`]).
    #[serde(default)]
    pub decision: Option<Decision>,
}

/// What a question looks like now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QuestionState<'a> {
    Open,
    Answered {
        latest: &'a AnswerEvent,
        revisions: usize,
    },
    Skipped {
        latest: &'a AnswerEvent,
    },
}

/// A plan with its questions and full answer history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub id: PlanId,
    pub guild: GuildId,
    pub channel: ChannelId,
    pub thread: Option<ChannelId>,
    pub title: String,
    pub status: Status,
    pub created_by: Author,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub packs: Vec<String>,
    /// How many questions it started with; more can be added later.
    pub depth: select::Depth,
    pub questions: Vec<PlanQuestion>,
    /// Oldest first.
    pub events: Vec<AnswerEvent>,
}

/// A user mistake when changing a plan; the message is meant for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("unknown pack '{0}'; see the pack list")]
    UnknownPack(String),
    #[error("a plan needs at least one pack")]
    NoPacks,
    #[error("no question '{0}' in this plan; use its number (Q3) or id")]
    UnknownQuestion(String),
    #[error("the title is empty")]
    EmptyTitle,
    #[error("the title has nothing visible in it (only blank or zero-width characters)")]
    InvisibleTitle,
    #[error("the title is {0} characters; the limit is {MAX_TITLE_LEN}")]
    TitleTooLong(usize),
    #[error("the answer is empty")]
    EmptyAnswer,
    #[error("the answer is {0} characters; the limit is {MAX_ANSWER_LEN}")]
    AnswerTooLong(usize),
    #[error("a skip needs a reason")]
    EmptyReason,
    #[error("the reason is {0} characters; the limit is {MAX_REASON_LEN}")]
    ReasonTooLong(usize),
    #[error("this plan is closed")]
    Closed,
    #[error("Q{0} is already open")]
    AlreadyOpen(u32),
    #[error("Q{0} has no suggested answer; answer it with /plan answer")]
    NoSuggestion(u32),
    #[error("Q{0} is already decided; reopen it first to take the suggestion instead")]
    AlreadyDecided(u32),
    #[error(
        "Q{0} has no answer to mark as a decision; give the decision with it: /plan decide Q{0} TEXT"
    )]
    NothingToDecide(u32),
    #[error("Q{0}'s answer is already a decision")]
    AlreadyADecision(u32),
}

/// Takes the questions of `pack_ids` as a plan snapshot, grouped by category in
/// [`Category::ALL`] order and, within a category, in pack order.
pub fn snapshot(packs: &PackSet, pack_ids: &[String]) -> Result<Vec<PlanQuestion>, PlanError> {
    if pack_ids.is_empty() {
        return Err(PlanError::NoPacks);
    }
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for id in pack_ids {
        let pack = packs
            .get(id)
            .ok_or_else(|| PlanError::UnknownPack(id.clone()))?;
        if !seen.insert(id.as_str()) {
            continue;
        }
        for q in &pack.questions {
            out.push(PlanQuestion::of(out.len() as u32 + 1, &pack.id, q));
        }
    }
    // Grouped by category (stable: pack order within a category), then numbered, so a
    // page of questions and its Q-number range stay within one category.
    out.sort_by_key(|q| Category::ALL.iter().position(|c| *c == q.category));
    for (i, q) in out.iter_mut().enumerate() {
        q.number = i as u32 + 1;
    }
    Ok(out)
}

/// Checks a title and returns it trimmed. A title made only of zero-width or other
/// invisible characters (U+200B, U+FEFF, fillers, bidi controls, …) is refused.
pub fn parse_title(title: &str) -> Result<String, PlanError> {
    let t = title.trim();
    let n = t.chars().count();
    if n == 0 {
        Err(PlanError::EmptyTitle)
    } else if !crate::text::has_visible(t) {
        Err(PlanError::InvisibleTitle)
    } else if n > MAX_TITLE_LEN {
        Err(PlanError::TitleTooLong(n))
    } else {
        Ok(t.to_string())
    }
}

/// Checks an answer text and returns it trimmed.
pub fn parse_answer(text: &str) -> Result<String, PlanError> {
    let t = text.trim();
    let n = t.chars().count();
    if n == 0 {
        Err(PlanError::EmptyAnswer)
    } else if n > MAX_ANSWER_LEN {
        Err(PlanError::AnswerTooLong(n))
    } else {
        Ok(t.to_string())
    }
}

/// Checks a skip reason and returns it trimmed.
pub fn parse_reason(text: &str) -> Result<String, PlanError> {
    let t = text.trim();
    let n = t.chars().count();
    if n == 0 {
        Err(PlanError::EmptyReason)
    } else if n > MAX_REASON_LEN {
        Err(PlanError::ReasonTooLong(n))
    } else {
        Ok(t.to_string())
    }
}

impl Plan {
    /// Fills each question's `reading` from `packs`, by pack and question id. Reading is
    /// reference material, not part of what the team answered, so it follows the packs
    /// as they are now; a question whose pack or id is gone (or a team question) has none.
    pub fn attach_reading(&mut self, packs: &PackSet) {
        for q in &mut self.questions {
            q.reading = packs
                .get(&q.pack_id)
                .and_then(|p| p.questions.iter().find(|x| x.id == q.id))
                .map(|x| x.reading.clone())
                .unwrap_or_default();
        }
    }

    /// Finds a question by number (`3`, `Q3`, `q3`, `#3`) or by id.
    /// Question `key` (`Q3`, `3` or an id), or the user mistake of naming none.
    pub fn question(&self, key: &str) -> Result<&PlanQuestion, PlanError> {
        self.find_question(key)
            .ok_or_else(|| PlanError::UnknownQuestion(key.trim().to_string()))
    }

    pub fn find_question(&self, key: &str) -> Option<&PlanQuestion> {
        let k = key.trim();
        let digits = k.trim_start_matches(['Q', 'q', '#']);
        if let Ok(n) = digits.parse::<u32>() {
            return self.questions.iter().find(|q| q.number == n);
        }
        self.questions.iter().find(|q| q.id == k)
    }

    /// Every event for one question, oldest first.
    pub fn history<'a>(
        &'a self,
        question_id: &'a str,
    ) -> impl Iterator<Item = &'a AnswerEvent> + 'a {
        self.events
            .iter()
            .filter(move |e| e.question_id == question_id)
    }

    pub fn state<'a>(&'a self, question_id: &str) -> QuestionState<'a> {
        let mut state = QuestionState::Open;
        let mut revisions = 0;
        for e in self.events.iter().filter(|e| e.question_id == question_id) {
            state = match e.kind {
                EventKind::Answer => {
                    revisions += 1;
                    QuestionState::Answered {
                        latest: e,
                        revisions,
                    }
                }
                EventKind::Skip => QuestionState::Skipped { latest: e },
                EventKind::Reopen => QuestionState::Open,
            };
        }
        state
    }

    pub fn is_open(&self, question_id: &str) -> bool {
        matches!(self.state(question_id), QuestionState::Open)
    }

    /// Critical questions nobody has answered or skipped, in plan order.
    pub fn critical_open(&self) -> Vec<&PlanQuestion> {
        self.questions
            .iter()
            .filter(|q| q.critical && self.is_open(&q.id))
            .collect()
    }

    /// Ready: every critical question is answered or skipped (a skip always has a reason).
    pub fn is_ready(&self) -> bool {
        self.critical_open().is_empty()
    }

    /// Closed while critical questions were open (with *Close anyway*). A closed plan no
    /// longer changes, so what is open now was open when it closed.
    pub fn closed_unready(&self) -> bool {
        self.status == Status::Closed && !self.is_ready()
    }

    /// `ready`, or `not ready: Q2, Q5 critical and open` (at most `max` numbers named).
    pub fn readiness(&self, max: usize) -> String {
        let open = self.critical_open();
        if open.is_empty() {
            return "ready".to_string();
        }
        let mut named: Vec<String> = open
            .iter()
            .take(max)
            .map(|q| format!("Q{}", q.number))
            .collect();
        if open.len() > max {
            named.push(format!("{} more", open.len() - max));
        }
        let verb = if open.len() == 1 { "is" } else { "are" };
        format!("not ready: {} {verb} critical and open", named.join(", "))
    }

    /// What to ask next: the first open critical question, else the first open one.
    pub fn next_open(&self) -> Option<&PlanQuestion> {
        self.critical_open()
            .into_iter()
            .next()
            .or_else(|| self.questions.iter().find(|q| self.is_open(&q.id)))
    }

    pub fn coverage(&self) -> Coverage {
        Coverage::of(self)
    }

    /// The creator and everyone who answered or skipped, in order of first appearance.
    pub fn participants(&self) -> Vec<&Author> {
        let mut out: Vec<&Author> = vec![&self.created_by];
        for e in &self.events {
            if !out.iter().any(|a| a.id == e.author.id) {
                out.push(&e.author);
            }
        }
        out
    }

    /// A link to the plan's thread (or its channel when it has none), for exports; none
    /// for the console's plans (server 0 is not a Discord server).
    pub fn place_link(&self) -> Option<String> {
        (self.guild.0 != 0).then(|| {
            format!(
                "https://discord.com/channels/{}/{}",
                self.guild,
                self.thread.unwrap_or(self.channel)
            )
        })
    }

    /// A link to message `m` of the plan's channel, for people to jump to what was said;
    /// none for the console's plans (server 0 is not a Discord server).
    pub fn message_link(&self, m: MessageId) -> Option<String> {
        (self.guild.0 != 0).then(|| {
            format!(
                "https://discord.com/channels/{}/{}/{}",
                self.guild, self.channel, m
            )
        })
    }

    /// Decides whether `question`'s suggested answer may be accepted now: the plan is
    /// open, the question has one and nobody has decided it yet.
    pub fn check_accept<'a>(&self, question: &'a PlanQuestion) -> Result<&'a Quote, PlanError> {
        if self.status == Status::Closed {
            return Err(PlanError::Closed);
        }
        let quote = question
            .suggested
            .as_ref()
            .ok_or(PlanError::NoSuggestion(question.number))?;
        if !self.is_open(&question.id) {
            return Err(PlanError::AlreadyDecided(question.number));
        }
        Ok(quote)
    }

    /// Decides whether `kind` may be recorded on `question` now.
    pub fn check_change(&self, question: &PlanQuestion, kind: EventKind) -> Result<(), PlanError> {
        if self.status == Status::Closed {
            return Err(PlanError::Closed);
        }
        if kind == EventKind::Reopen && self.is_open(&question.id) {
            return Err(PlanError::AlreadyOpen(question.number));
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests;
