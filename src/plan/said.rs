//! What the discussion already said, read before its checklist opens: answers the team
//! stated to a checklist question (shown as *suggested answers*, recorded only when
//! someone accepts one), and design questions the team asked itself and left open (they
//! join the checklist as the team's own questions).
//!
//! Pure and conservative: a wrong suggestion or a rhetorical question in the checklist is
//! noise a team lead mutes, so each rule prefers saying nothing. The figures are measured
//! on labeled conversations by `tests/said.rs`.

use super::{Author, PlanQuestion, Quote};
use crate::detect::{Heard, normalize};
use crate::ids::MessageId;
use crate::packs::{Category, PackSet};
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// A message of the conversation, as the checklist reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub message: MessageId,
    pub author: Author,
    /// As written.
    pub text: String,
    /// Without code, quotes, URLs and mentions ([`normalize::prose`]): what ranks packs.
    pub prose: String,
    pub reply_to: Option<MessageId>,
}

impl Line {
    /// A message the detector heard (a nameless author is shown by id).
    pub fn of(h: &Heard) -> Line {
        Line {
            message: h.id,
            author: Author {
                id: h.author,
                name: if h.author_name.is_empty() {
                    format!("user {}", h.author)
                } else {
                    h.author_name.clone()
                },
            },
            text: h.text.clone(),
            prose: h.prose.clone(),
            reply_to: h.reply_to,
        }
    }

    /// A line of `text` as written by `author` in `message`.
    pub fn new(message: MessageId, author: Author, text: &str) -> Line {
        Line {
            message,
            author,
            text: text.to_string(),
            prose: normalize::prose(text),
            reply_to: None,
        }
    }
}

/// At most this many of the team's own questions join a checklist.
pub const MAX_TEAM_QUESTIONS: usize = 3;
/// Longest quoted sentence kept (a suggestion or a team question), in characters.
pub const MAX_QUOTE_LEN: usize = 400;
/// The pack id the team's own questions carry.
pub const TEAM_PACK: &str = "team";

/// One sentence of the conversation.
#[derive(Debug, Clone)]
struct Sentence {
    /// Index of its line.
    line: usize,
    /// As written, trimmed.
    text: String,
    /// Its prose, lowercased, blanks collapsed.
    lower: String,
    question: bool,
}

/// The sentences of `lines`, in order: code blocks and quoted lines (`> …`, someone
/// else's words) are left out.
fn sentences(lines: &[Line]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let mut in_fence = false;
        for row in line.text.lines() {
            if !in_fence && row.trim_start().starts_with('>') {
                continue;
            }
            // What lies outside code fences (which may open or close mid-line).
            let mut outside = String::new();
            for (k, part) in row.split("```").enumerate() {
                if k > 0 {
                    in_fence = !in_fence;
                }
                if !in_fence {
                    outside.push_str(part);
                    outside.push(' ');
                }
            }
            for s in split_sentences(outside.trim()) {
                let lower = collapse(&normalize::prose(s).to_lowercase());
                if lower.is_empty() {
                    continue;
                }
                out.push(Sentence {
                    line: i,
                    text: s.to_string(),
                    question: ends_as_question(&lower) || ASKS.is_match(&lower),
                    lower,
                });
            }
        }
    }
    out
}

/// Splits a line after `.`, `!`, `?` or `;` followed by a blank (so `v2.3`, `e.g.x` and
/// URLs stay whole).
fn split_sentences(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b'!' | b'?' | b';')
            && bytes.get(i + 1).is_some_and(|n| n.is_ascii_whitespace())
        {
            let s = line[start..=i].trim();
            if !s.is_empty() {
                out.push(s);
            }
            start = i + 1;
        }
    }
    let rest = line[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when the sentence ends with a question mark (emoji and closing brackets after it
/// do not count).
fn ends_as_question(lower: &str) -> bool {
    lower
        .trim_end_matches(|c: char| !c.is_alphanumeric() && !matches!(c, '?' | '.' | '!'))
        .ends_with('?')
}

/// A sentence that opens as a question, with or without its question mark.
static ASKS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(do|does|did|is|are|was|were|should|shall|can|could|would|will|what|how|where|when|which|who|whose|why|any(one)?) ",
    )
});

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("the said patterns compile")
}

/// Words that say nothing about the subject.
const STOP: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was",
    "one", "our", "out", "has", "have", "how", "its", "may", "who", "why", "what", "when", "where",
    "which", "will", "with", "would", "should", "could", "does", "did", "doing", "this", "that",
    "these", "those", "they", "them", "their", "there", "then", "than", "from", "into", "onto",
    "about", "just", "also", "only", "some", "more", "most", "much", "many", "each", "every",
    "both", "other", "same", "such", "very", "really", "still", "yet", "too", "let", "lets",
    "let's", "we'll", "we're", "it's", "i'd", "i'm", "don't", "doesn't", "isn't", "need", "needs",
    "want", "wants", "make", "makes", "get", "gets", "got", "use", "used", "using", "thing",
    "things", "way", "ways", "yes", "yeah", "sure", "think", "like", "well", "okay", "over",
    "under", "after", "before", "again", "here", "now", "new", "our", "ours", "your", "his", "she",
    "him", "we", "us", "do", "it", "is", "be", "or", "if", "so", "to", "of", "in", "on", "at",
    "by", "as", "an", "a", "i", "my", "me", "no", "go", "going", "gonna", "happen", "happens",
    "today", "right", "good", "fine", "maybe", "probably", "per",
];

/// The content words of a sentence, each cut to a five-letter stem so `archived` and
/// `archive`, `tenants` and `tenant` meet.
fn stems(lower: &str) -> HashSet<String> {
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '\''))
        .filter(|w| w.chars().count() >= 3 && !STOP.contains(w))
        .map(|w| w.chars().take(5).collect())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Suggested answers

/// A sentence that commits to something: a decision, a plan, a rule.
static DECIDES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(we'?ll|we will|we'?re going to|we are going to|going with|go with|let'?s|we should|should|must|we use|we keep|we store|we sign|we cap|will be|plan is|decided|decision|by default|defaults? to|always|never|imo|imho|i'?d|i would|prefer|instead of|agreed|makes sense|sounds good|fine by me|cap(ped)? at|at most|up to|keep|store|make it|goes? (in|into|through)|lives? in)\b",
    )
});

/// A sentence that hesitates, objects or asks: not an answer.
static HEDGES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(not sure|unsure|no idea|idk|dunno|don'?t know|not decided|undecided|tbd|to be decided|open question|wondering|i wonder|worried|worry|concern(ed)?|what about|what if|how about|depends|it depends|no clue|haven'?t (decided|thought)|need to (check|ask|figure)|let me (check|ask)|good (q|question)|maybe|might|perhaps|possibly|could be)\b",
    )
});

/// Something concrete: a number, a name written as code, an acronym, a snake_case name.
static CONCRETE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(\d|`[^`]+`|\b[a-z]+_[a-z_]+\b|\b[A-Z]{2,}[A-Z0-9-]*\b|\b[a-z]+[A-Z][A-Za-z]+\b)")
});

/// The least score a sentence needs to be suggested.
const SUGGEST_MIN: f32 = 5.0;

/// For each of `questions` (pack questions of `set`), the sentence of the conversation
/// that already answers it, if one clearly does. A team question never gets one. Each
/// sentence answers at most one question: the pairs that fit best are taken first.
pub fn suggestions(
    set: &PackSet,
    questions: &[PlanQuestion],
    lines: &[Line],
) -> Vec<Option<Quote>> {
    let all = sentences(lines);
    let said: Vec<(usize, &Sentence)> = all
        .iter()
        .enumerate()
        .filter(|(_, s)| s.line > 0 && answer_like(s))
        .collect();
    // (score, question index, sentence index), every pair that qualifies.
    let mut pairs: Vec<(f32, usize, usize)> = Vec::new();
    for (qi, q) in questions.iter().enumerate() {
        let Some(pq) = set
            .get(&q.pack_id)
            .and_then(|p| p.questions.iter().find(|x| x.id == q.id))
        else {
            continue;
        };
        let topic = stems(&format!(
            "{} {}",
            q.text.to_lowercase(),
            q.hint.as_deref().unwrap_or("").to_lowercase()
        ));
        for &(si, s) in &said {
            let cues = pq.when.cues.iter().filter(|r| r.is_match(&s.lower)).count();
            let overlap = stems(&s.lower).intersection(&topic).count().min(3);
            if cues == 0 || (overlap == 0 && cues < 2) {
                continue;
            }
            let decides = DECIDES.is_match(&s.lower);
            let replies = answers_a_question(&all, si, lines);
            let concrete = CONCRETE.is_match(&s.text);
            if !decides && !replies && !concrete {
                continue;
            }
            let score = 2.0 * cues.min(2) as f32
                + overlap as f32
                + f32::from(u8::from(decides))
                + f32::from(u8::from(replies))
                + f32::from(u8::from(concrete));
            if score >= SUGGEST_MIN {
                pairs.push((score, qi, si));
            }
        }
    }
    // Best first; at equal score the later sentence (discussions settle as they go).
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.2.cmp(&a.2)));
    let mut out: Vec<Option<Quote>> = vec![None; questions.len()];
    let mut used = HashSet::new();
    for (_, qi, si) in pairs {
        if out[qi].is_none() && used.insert(si) {
            let s = &all[si];
            out[qi] = Some(quote(&lines[s.line], &s.text));
        }
    }
    out
}

/// Whether sentence `i` is said in reply to a question: its message replies to one, or the
/// message before it (by someone else) asked one.
fn answers_a_question(all: &[Sentence], i: usize, lines: &[Line]) -> bool {
    let line = &lines[all[i].line];
    let asked_in = |l: usize| all.iter().any(|s| s.line == l && s.question);
    if let Some(r) = line.reply_to
        && let Some(l) = lines.iter().position(|x| x.message == r)
    {
        return asked_in(l);
    }
    let l = all[i].line;
    l > 0 && lines[l - 1].author.id != line.author.id && asked_in(l - 1)
}

/// A sentence that asks for the feature rather than deciding how it works.
static PROPOSES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(should add|could add|let'?s add|would be (nice|great|good|cool|useful)|nice to have|we need (a|an|to add|to support)|asked for|asking for|asks for|keeps? asking|requested|wants? (a|an|to|us|the ability))\b",
    )
});

/// A statement (not a question, not hedged, not asking for the feature) of a sensible
/// length.
fn answer_like(s: &Sentence) -> bool {
    let n = word_count(&s.lower);
    !s.question
        && (3..=60).contains(&n)
        && !HEDGES.is_match(&s.lower)
        && !PROPOSES.is_match(&s.lower)
}

fn quote(line: &Line, text: &str) -> Quote {
    Quote {
        text: clip(text, MAX_QUOTE_LEN),
        author: line.author.clone(),
        message: line.message,
    }
}

/// `s` cut to `max` characters, with an ellipsis when cut.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

// ---------------------------------------------------------------------------------------
// The team's own questions

/// Rhetorical questions, small talk, requests to a person, proposals phrased as questions.
static NOT_DESIGN_QUESTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(^(right|ok|okay|really|huh|eh|thoughts|any thoughts|wdyt|ideas|anyone|sound good|sounds good|makes sense|make sense|agreed|yes|no|why not|or not)\b|\b(isn'?t it|aren'?t they|right|ok|okay|no|yes|wdyt|thoughts|objections|sound good|makes sense|make sense|agreed|lol|eh)\s*\?*\s*$|\b(what could (possibly )?go wrong|who knows|how hard can it be|am i (the only|crazy|missing)|is it (just )?me|what do you (all |guys )?think|anyone (around|here|free|up for|know|seen|else|have|got)|can (you|someone|somebody|u) (review|look|check|take|have a look|pair|help|ping|merge|approve)|could (you|someone) (review|look|check|take|help)|did (you|anyone) (see|get|try|merge)|have (you|u) (seen|tried)|are you (around|free|ok)|lunch|coffee|beer|pizza|standup|stand-up|retro|meeting|calendar|vacation|holiday|weekend|ping me|lgtm|ship it|why don'?t we|why not just|what if|how about|who'?s (writing|doing|taking|picking|owning|on)|shouldn'?t we|can'?t we just|couldn'?t we|wouldn'?t it be|isn'?t that|don'?t we already)\b)",
    )
});

/// Words of a design question when no pack cue names the subject.
static DESIGN_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(tables?|columns?|rows?|schema|fields?|records?|index(es)?|keys?|endpoints?|api|requests?|responses?|payloads?|paginat\w*|cursor|queues?|jobs?|workers?|events?|webhooks?|cache[ds]?|caching|retr(y|ies)|idempoten\w*|timeouts?|limits?|quotas?|tenants?|orgs?|accounts?|users?|permissions?|roles?|owners?|owns?|store[ds]?|storage|stored|persist\w*|migrat\w*|backfill\w*|versions?|deletes?|deleted|archiv\w*|retention|expir\w*|ttl|sync\w*|async|batch\w*|exports?|imports?|format|encrypt\w*|audit\w*|logs?|metrics?|alerts?|scale|load|latency|throughput|rate|concurren\w*|locks?|race|conflicts?|duplicat\w*|dedupe?\w*|counts?|counters?|ids?|uuid|regions?|shards?|replica\w*|backups?|fail\w*|errors?|partial|rollback|notif\w*|emails?|billing|invoices?|prices?|pricing|refunds?|currenc\w*|tax\w*|payouts?|subscriptions?|plans?|seats?|trials?)\b",
    )
});

/// A reply that opens by answering.
static ANSWER_OPENER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(yes|yeah|yep|yup|ya|no|nope|nah|sure|definitely|def|probably|prob|likely|i think|i'?d|id say|imo|imho|agreed|agree|correct|exactly|both|neither|either|always|never|only|we|it|they|the|a|an|per|one|two|three|each|every|none|all|just|\d)\b",
    )
});

/// Fillers that do not answer anything.
static FILLER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(hm+|good (q|question)|great (q|question)|interesting|not sure|idk|dunno|no idea|tbd|lol|haha|\+1|same|same here|this|that|ok|okay|k|👀|🤔)[\s!.,]*$",
    )
});

/// The two sides of an "X or Y?" question, as content stems.
fn alternatives(lower: &str) -> Option<(HashSet<String>, HashSet<String>)> {
    let body = lower.trim_end_matches(['?', ' ', '.', '!']);
    let (left, right) = body.rsplit_once(" or ")?;
    // The left side: its last clause (after a comma or colon), at most four words.
    let left = left.rsplit([',', ':']).next().unwrap_or(left);
    let left_words: Vec<&str> = left.split_whitespace().collect();
    let left = left_words[left_words.len().saturating_sub(4)..].join(" ");
    let right: String = right
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    let (l, r) = (stems(&left), stems(&right));
    let shared: HashSet<String> = l.intersection(&r).cloned().collect();
    let l: HashSet<String> = l.difference(&shared).cloned().collect();
    let r: HashSet<String> = r.difference(&shared).cloned().collect();
    (!l.is_empty() && !r.is_empty()).then_some((l, r))
}

/// A question the team asked itself and left open, with the category it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamQuestion {
    pub quote: Quote,
    pub category: Category,
}

/// The design questions of the conversation nobody answered (see the module doc), at most
/// [`MAX_TEAM_QUESTIONS`], in the order they were asked.
pub fn team_questions(set: &PackSet, lines: &[Line]) -> Vec<TeamQuestion> {
    let all = sentences(lines);
    let mut out: Vec<TeamQuestion> = Vec::new();
    let mut seen: Vec<HashSet<String>> = Vec::new();
    for (i, s) in all.iter().enumerate() {
        if !s.question || !asks_about_design(set, s) {
            continue;
        }
        if answered(s, &all[i + 1..], lines) {
            continue;
        }
        // The same question asked twice counts once.
        let st = stems(&s.lower);
        if seen.iter().any(|o| similar(o, &st)) {
            continue;
        }
        seen.push(st);
        out.push(TeamQuestion {
            quote: quote(&lines[s.line], &s.text),
            category: category_of(&s.lower),
        });
    }
    // The latest ones are the ones still in the air.
    if out.len() > MAX_TEAM_QUESTIONS {
        out.drain(..out.len() - MAX_TEAM_QUESTIONS);
    }
    out
}

fn similar(a: &HashSet<String>, b: &HashSet<String>) -> bool {
    let shared = a.intersection(b).count();
    shared * 3 >= a.len().max(b.len()) * 2 && shared > 0
}

fn asks_about_design(set: &PackSet, s: &Sentence) -> bool {
    let n = word_count(&s.lower);
    // "sms or email?" is short and still a design question; "??" is surprise.
    let least = if s.lower.contains(" or ") { 3 } else { 4 };
    (least..=45).contains(&n)
        && !s.lower.contains("??")
        && !NOT_DESIGN_QUESTION.is_match(&s.lower)
        && (DESIGN_WORDS.is_match(&s.lower) || set.cue_set().is_match(&s.lower))
}

/// Whether a later sentence (`after`) by someone else answers the question `q`: a reply to
/// its message, the next speaker opening with an answer or naming one side of "X or Y?",
/// or anyone later saying two of its subject words in a statement.
fn answered(q: &Sentence, after: &[Sentence], lines: &[Line]) -> bool {
    let asker = &lines[q.line].author.id;
    let asked_in = lines[q.line].message;
    let topic = stems(&q.lower);
    let sides = alternatives(&q.lower);
    let mut next_speaker: Option<usize> = None;
    for s in after {
        let line = &lines[s.line];
        if &line.author.id == asker {
            continue;
        }
        let first_reply = *next_speaker.get_or_insert(s.line) == s.line;
        if s.question || FILLER.is_match(&s.lower) || HEDGES.is_match(&s.lower) {
            continue;
        }
        let words = stems(&s.lower);
        let names_a_side = sides
            .as_ref()
            .is_some_and(|(l, r)| !words.is_disjoint(l) || !words.is_disjoint(r));
        let overlap = words.intersection(&topic).count();
        if line.reply_to == Some(asked_in)
            || names_a_side
            || overlap >= 2
            || (first_reply && (overlap >= 1 || ANSWER_OPENER.is_match(&s.lower)))
        {
            return true;
        }
    }
    false
}

/// Which checklist category a question of the team belongs to, by its words (the product
/// category when none says).
fn category_of(lower: &str) -> Category {
    static RULES: LazyLock<Vec<(Category, Regex)>> = LazyLock::new(|| {
        vec![
            (
                Category::Compliance,
                re(
                    r"\b(gdpr|ccpa|hipaa|pci|soc ?2|retention|retain\w*|consent|legal|lawyer|audit\w*|residency|right to be forgotten|pii|dpa|regulat\w*|complian\w*)\b",
                ),
            ),
            (
                Category::Security,
                re(
                    r"\b(permissions?|auth\w*|roles?|admins?|secrets?|tokens?|keys?|encrypt\w*|sign\w*|hmac|who can|access|spoof\w*|abuse|leak\w*|private|public)\b",
                ),
            ),
            (
                Category::Errors,
                re(
                    r"\b(fail\w*|retr(y|ies)|errors?|timeouts?|times? out|dedupe?\w*|duplicat\w*|idempoten\w*|rollback|roll back|partial\w*|crash\w*|lost|conflicts?|race|twice|down|outage|recover\w*|dead letter|dlq)\b",
                ),
            ),
            (
                Category::Performance,
                re(
                    r"\b(slow|fast|latency|scale|scaling|load|cache[ds]?|caching|index(es)?|throughput|per second|qps|rps|millions?|p99|p95|hot|batch\w*|big|large|huge|size)\b",
                ),
            ),
            (
                Category::Api,
                re(
                    r"\b(endpoints?|api|requests?|responses?|payloads?|paginat\w*|cursor|status codes?|rest|graphql|grpc|clients?|sdk|webhooks?|query params?|contract|versioned|v\d)\b",
                ),
            ),
            (
                Category::DataModel,
                re(
                    r"\b(tables?|columns?|rows?|schema|fields?|records?|models?|entit(y|ies)|store[ds]?|storage|persist\w*|foreign keys?|nullable|counters?|history|snapshot\w*|soft delete\w*|deleted?|archiv\w*|ids?|uuid|owns?|owners?|belongs?|count toward|counts?)\b",
                ),
            ),
            (
                Category::Operations,
                re(
                    r"\b(deploy\w*|monitor\w*|alert\w*|on-?call|rollout|roll out|feature flags?|flags?|backfill\w*|cron|jobs?|queues?|workers?|metrics?|dashboards?|migrat\w*|runbook|pager)\b",
                ),
            ),
        ]
    });
    let mut best = (0, Category::Product);
    for (c, r) in RULES.iter() {
        let n = r.find_iter(lower).count();
        if n > best.0 {
            best = (n, *c);
        }
    }
    best.1
}

/// The team's questions as plan questions (numbered later, with the rest).
pub fn team_plan_questions(team: &[TeamQuestion]) -> Vec<PlanQuestion> {
    team.iter()
        .enumerate()
        .map(|(i, t)| PlanQuestion {
            number: 0,
            id: format!("{TEAM_PACK}.{}", i + 1),
            pack_id: TEAM_PACK.to_string(),
            category: t.category,
            text: t.quote.text.clone(),
            why: format!(
                "Asked by {} in the discussion and still open when the checklist started.",
                t.quote.author.name
            ),
            critical: false,
            hint: None,
            asked: Some(t.quote.clone()),
            suggested: None,
            reading: Vec::new(),
        })
        .collect()
}

/// `team` and `questions` as one checklist: grouped by category in [`Category::ALL`] order,
/// the team's own questions first in their category, then numbered from 1.
pub fn merge(team: Vec<PlanQuestion>, questions: Vec<PlanQuestion>) -> Vec<PlanQuestion> {
    let mut all: Vec<PlanQuestion> = team.into_iter().chain(questions).collect();
    // Stable: within a category, the team's questions (first in `all`) stay ahead, and
    // the pack questions keep their order.
    all.sort_by_key(|q| Category::ALL.iter().position(|c| *c == q.category));
    for (i, q) in all.iter_mut().enumerate() {
        q.number = i as u32 + 1;
    }
    all
}

#[cfg(test)]
mod tests;
