//! Property tests: no text can panic the normaliser, detector, title guesser, pack ranker,
//! transcript parser, config/pack/cue loaders or exporters, and each keeps its promises
//! on hostile Unicode (combining marks, zero-width characters, BOM, bidi controls, CJK,
//! emoji, right-to-left scripts, controls) mixed with the phrases that trigger detection.

use chrono::{DateTime, Utc};
use plancheck::config::Config;
use plancheck::detect::{
    ChatMessage, CompiledCues, Detector, PackRanker, Settings, normalize, rank::MIN_PACK_SCORE,
    title,
};
use plancheck::export::{self, Format};
use plancheck::ids::{ChannelId, GuildId, MessageId, PlanId, UserId};
use plancheck::packs::{PackKind, PackSet, parse_pack};
use plancheck::plan::{self, AnswerEvent, Author, EventKind, Plan, QuestionState, Quote, Status};
use plancheck::text::{has_visible, is_bidi_control, is_stray_control};
use plancheck::transcript;
use proptest::prelude::*;

#[path = "support/gfm.rs"]
mod gfm;
use proptest::sample::{Index, select};
use std::collections::BTreeSet;
use std::sync::{Arc, LazyLock};

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

/// Characters that have broken or could break text handling.
#[rustfmt::skip]
const SPECIAL: &[char] = &[
    // combining marks
    '\u{0301}', '\u{0308}', '\u{0327}', '\u{036F}', '\u{20DD}', '\u{034F}',
    // zero-width and invisible
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}', '\u{3164}',
    '\u{2800}', '\u{FE0F}', '\u{E0041}',
    // bidi controls and marks
    '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
    '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
    // right-to-left letters and digits
    'א', 'ש', 'ل', 'ع', '٣',
    // CJK and its punctuation
    '中', '文', '退', '款', '、', '。', '，', '：',
    // emoji (with a skin-tone modifier) and astral letters
    '😀', '👍', '🏳', '\u{1F3FB}', '𝔘',
    // letters that change length when cased
    'é', 'ï', 'ß', 'ﬃ', 'İ', 'Σ', 'ǅ', 'ŉ',
    // controls and odd line breaks
    '\0', '\u{7}', '\u{8}', '\u{B}', '\u{C}', '\r', '\u{1B}', '\u{7F}', '\u{85}', '\u{9B}',
    '\u{2028}', '\u{2029}',
    // typographic quotes and fullwidth formula signs
    '\u{2018}', '\u{2019}', '＝', '＋', '－', '＠',
];

/// ASCII that means something to Markdown, CSV, TOML, JSON or the normaliser.
const MARKUP: &str = "`>< @:/.w\n\t\"'=+-#|*_[](){}!,;?\\&~$^";

/// Pieces of text the normaliser, detector and exporters look for.
const FRAGMENTS: &[&str] = &[
    "@everyone",
    "@here",
    "https://",
    "HTTP://x.io/",
    "www.",
    "```",
    "<@123>",
    "<@!5>",
    "<#9>",
    "<@&7>",
    "<:x:1>",
    "<a:y:2>",
    "> ",
    "\n> ",
    "\r\n",
    "=cmd|' /C calc'!A0",
    "-2+3",
    "\u{202E}gnp.exe",
    "refund",
    "webhook",
    "payment",
    "tenant",
    "cache",
    "migration",
    "we should add ",
    "it would be nice to have ",
    "is there a way to ",
    "let's add support for ",
    "I'd like ",
    "what if we add ",
    "feature request",
    "a new endpoint ",
];

/// The phrases that make a message count as feature talk.
const CUES: &[&str] = &[
    "we should add ",
    "it would be nice to have ",
    "is there a way to ",
    "let's add support for ",
    "We should add an endpoint for ",
    "it would be nice to have an option to ",
    "what if we add a setting for ",
    "I\u{2019}d like ",
    "we need to store ",
    "can we add ",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => select(SPECIAL).prop_map(String::from),
        4 => select(MARKUP.chars().collect::<Vec<_>>()).prop_map(String::from),
        2 => any::<char>().prop_map(String::from),
        2 => select(FRAGMENTS).prop_map(String::from),
        4 => "[a-z]{1,8}".prop_map(|w| w + " "),
    ]
}

/// Arbitrary Unicode, weighted towards the characters and fragments above.
fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|p| p.concat())
}

/// Hostile text with a detection cue somewhere, followed by whatever comes.
fn with_cue() -> impl Strategy<Value = (String, usize)> {
    (hostile(), select(CUES), hostile(), any::<bool>()).prop_map(|(pre, cue, post, bare)| {
        let pre = if bare { String::new() } else { pre };
        let text = format!("{pre}{cue}{post}");
        let cue_end = pre.len() + cue.len();
        (text, cue_end)
    })
}

/// Either kind of message text.
fn message_text() -> impl Strategy<Value = String> {
    prop_oneof![hostile(), with_cue().prop_map(|(t, _)| t)]
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 200,
        // A failing case is shrunk a while, not for minutes.
        max_shrink_iters: 2_000,
        // ChaCha, the default, dominates the run time in a debug build.
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------
// Shared, compiled once
// ---------------------------------------------------------------------------------------

static PACKS: LazyLock<PackSet> = LazyLock::new(|| PackSet::shipped().unwrap());
static CUE_SET: LazyLock<Arc<CompiledCues>> =
    LazyLock::new(|| Arc::new(CompiledCues::shipped().unwrap()));
static RANKER: LazyLock<Arc<PackRanker>> = LazyLock::new(|| Arc::new(PackRanker::new(&PACKS)));

fn detector() -> Detector {
    Detector::new(CUE_SET.clone(), RANKER.clone())
}

fn at(minutes: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + minutes * 60, 0).unwrap()
}

/// What Markdown and CSV must never carry.
fn removed(c: char) -> bool {
    is_stray_control(c) || is_bidi_control(c)
}

/// A guessed title keeps its promises: not empty, at most 80 characters, something
/// visible, no controls or bidi overrides, and accepted as a plan title as is.
fn assert_good_title(t: &str) -> Result<(), TestCaseError> {
    prop_assert!(!t.is_empty());
    prop_assert!(
        t.chars().count() <= 80,
        "{} chars: {t:?}",
        t.chars().count()
    );
    prop_assert!(has_visible(t), "{t:?}");
    prop_assert!(
        !t.chars().any(|c| c.is_control() || is_bidi_control(c)),
        "{t:?}"
    );
    prop_assert_eq!(plan::parse_title(t), Ok(t.to_string()));
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Normaliser
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn normalising_keeps_lines_and_strips_every_mention_and_url(text in message_text()) {
        let p = normalize::prose(&text);
        prop_assert!(!p.contains("@everyone") && !p.contains("@here"), "{p:?}");
        let lower = p.to_ascii_lowercase();
        prop_assert!(!lower.contains("http://") && !lower.contains("https://"), "{p:?}");
        prop_assert!(!p.contains(['\u{2018}', '\u{2019}']), "curly quotes left in {:?}", p);
        let lines = text.matches('\n').count();
        let out = p.matches('\n').count();
        prop_assert!(out == lines || out == lines + 1, "{lines} lines became {out}");
    }

    #[test]
    fn text_without_markers_is_normalised_to_itself(text in "[a-zA-Z0-9 ,!?éï中文😀\u{200B}\u{FEFF}\u{202E}\u{0301}]{0,60}") {
        prop_assert_eq!(normalize::prose(&text), text);
    }
}

// ---------------------------------------------------------------------------------------
// Title guesser
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_title_is_short_visible_and_a_valid_plan_title_wherever_the_cue_ends(
        (text, cue_end) in with_cue(),
        other_end in any::<Index>(),
    ) {
        assert_good_title(&title::guess(&text, Some(cue_end)))?;
        assert_good_title(&title::guess(&text, None))?;
        // Any offset, even one inside a multi-byte character or past the end.
        let anywhere = other_end.index(text.len() + 3);
        assert_good_title(&title::guess(&text, Some(anywhere)))?;
    }

    #[test]
    fn a_title_never_panics_on_arbitrary_text(text in hostile(), end in any::<Index>()) {
        let prose = normalize::prose(&text);
        assert_good_title(&title::guess(&prose, Some(end.index(prose.len() + 1))))?;
        assert_good_title(&title::guess(&text, None))?;
    }
}

// ---------------------------------------------------------------------------------------
// Detector
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Said {
    channel: u64,
    author: u64,
    bot: bool,
    after_minutes: i64,
    text: String,
}

fn conversation() -> impl Strategy<Value = Vec<Said>> {
    prop::collection::vec(
        (
            1..=3u64,
            1..=4u64,
            prop::bool::weighted(0.1),
            prop_oneof![3 => 0..=3i64, 1 => 0..=40i64],
            message_text(),
        )
            .prop_map(|(channel, author, bot, after_minutes, text)| Said {
                channel,
                author,
                bot,
                after_minutes,
                text,
            }),
        1..14,
    )
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        0.5f32..=20.0,
        1..=50usize,
        1..=1440i64,
        0..=10080i64,
        any::<bool>(),
    )
        .prop_map(
            |(threshold, window_messages, window_minutes, cooldown_minutes, low)| Settings {
                // Low thresholds make prompts (and titles, packs) common enough to check.
                threshold: if low { 0.5 } else { threshold },
                window_messages,
                window_minutes,
                cooldown_minutes,
                disabled_packs: BTreeSet::new(),
            },
        )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_detector_prompts_only_for_people_above_the_threshold_and_respects_the_cooldown(
        said in conversation(),
        s in settings(),
        disabled in prop::collection::btree_set(select(vec!["payments", "api", "webhooks", "auth"]), 0..3),
    ) {
        let s = Settings {
            disabled_packs: disabled.iter().map(|p| p.to_string()).collect(),
            ..s
        };
        let mut d = detector();
        let mut minute = 0;
        let mut last_prompt: [Option<DateTime<Utc>>; 4] = [None; 4];
        let mut messages = Vec::new();
        for (i, m) in said.iter().enumerate() {
            minute += m.after_minutes;
            let msg = ChatMessage {
                id: MessageId(i as u64 + 1),
                channel: ChannelId(m.channel),
                author: UserId(m.author),
                author_is_bot: m.bot,
                at: at(minute),
                text: m.text.clone(),
                reply_to: None,
                author_name: String::new(),
            };
            if let Some(det) = d.observe(&msg, &s) {
                prop_assert!(!msg.author_is_bot);
                prop_assert_eq!(det.channel, msg.channel);
                prop_assert_eq!(det.message_id, msg.id);
                prop_assert!(det.score >= s.threshold, "{} < {}", det.score, s.threshold);
                prop_assert!(det.participants.contains(&msg.author));
                assert_good_title(&det.title)?;
                for p in &det.packs {
                    prop_assert!(!s.disabled_packs.contains(&p.id), "{} is disabled", p.id);
                }
                let slot = &mut last_prompt[m.channel as usize];
                if let Some(prev) = *slot {
                    let quiet = chrono::Duration::minutes(s.cooldown_minutes);
                    prop_assert!(msg.at >= prev + quiet, "prompted again within the cooldown");
                }
                *slot = Some(msg.at);
            }
            messages.push(msg);
        }
        // A replay of every event changes nothing that could panic.
        for msg in &messages {
            let _ = d.observe(msg, &s);
        }
    }

    #[test]
    fn the_evidence_for_a_message_quotes_what_it_says(text in message_text(), opener in any::<bool>()) {
        let d = detector();
        let prose = normalize::prose(&text);
        prop_assert!(d.message_score(&prose, opener).is_finite());
        for e in d.evidence(&prose, opener, 0) {
            prop_assert!(e.weight != 0.0 && e.weight.is_finite());
            prop_assert_eq!(e.polarity == plancheck::detect::Polarity::Intent, e.weight > 0.0);
            quoted(&prose, &e)?;
        }
    }
}

/// Evidence quotes the message: its words as written (design vocabulary: each cue word,
/// lowercased).
fn quoted(prose: &str, e: &plancheck::detect::Evidence) -> Result<(), TestCaseError> {
    if e.family == "design_vocabulary" {
        let lower = prose.to_lowercase();
        for part in e.matched.split(", ") {
            prop_assert!(lower.contains(part), "{part:?} not in {prose:?}");
        }
    } else {
        prop_assert!(
            prose.contains(&e.matched),
            "{:?} not in {prose:?}",
            e.matched
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Pack ranking
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ranking_offers_core_packs_and_only_packs_that_earned_their_place(
        texts in prop::collection::vec(message_text(), 0..6),
        disabled in prop::collection::btree_set(select(PACKS.iter().map(|p| p.id.clone()).collect::<Vec<_>>()), 0..4),
    ) {
        let ranked = RANKER.rank(texts.iter().map(String::as_str), &disabled);
        let ids: Vec<&str> = ranked.iter().map(|p| p.id.as_str()).collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        prop_assert_eq!(unique.len(), ids.len(), "a pack offered twice: {:?}", ids);
        for core in PACKS.core() {
            prop_assert_eq!(unique.contains(core.id.as_str()), !disabled.contains(&core.id));
        }
        for p in &ranked {
            prop_assert!(!disabled.contains(&p.id));
            prop_assert!(p.matched.len() <= 5);
            if p.kind != PackKind::Core {
                prop_assert!(p.score >= MIN_PACK_SCORE);
                prop_assert!(!p.matched.is_empty(), "{} offered without a word", p.id);
            }
        }
        for w in ranked.windows(2) {
            prop_assert!(w[0].score >= w[1].score, "not sorted: {:?}", ids);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Transcripts
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_plain_log_gives_numbered_messages_or_names_the_line_of_a_bad_time(text in hostile()) {
        let text = text.trim_start_matches(|c: char| c.is_whitespace() || c == '{' || c == '\u{FEFF}');
        let t = match transcript::parse("log.txt", text) {
            Ok(t) => t,
            Err(e) => {
                // Only a `[...]` prefix that means to be a time and is none fails a plain log.
                prop_assert!(e.line >= 1 && e.line <= text.lines().count(), "{}", e);
                prop_assert!(e.to_string().starts_with(&format!("log.txt:{}: '[", e.line)), "{}", e);
                prop_assert!(e.message.contains("is not a time"), "{}", e);
                return Ok(());
            }
        };
        // Without digits there is no time to read: messages are a minute apart.
        let untimed = !text.contains(|c: char| c.is_ascii_digit());
        for (i, (author, m)) in t.messages.iter().enumerate() {
            prop_assert_eq!(m.id, MessageId(i as u64 + 1));
            prop_assert!(!author.is_empty() && author.len() <= 32);
            prop_assert!(!m.text.trim().is_empty(), "{:?}", m.text);
            if i > 0 && untimed {
                prop_assert_eq!(m.at - t.messages[i - 1].1.at, chrono::Duration::minutes(1));
            }
        }
        prop_assert!(t.messages.len() <= text.lines().count());
    }

    #[test]
    fn clock_times_never_go_back_and_keep_their_time_of_day(
        lines in prop::collection::vec((0..24u32, 0..60u32, "[a-z]{1,8}", hostile()), 1..20),
    ) {
        let src: String = lines
            .iter()
            .map(|(h, m, name, text)| format!("[{h:02}:{m:02}] {name}: x{}\n", text.replace(['\n', '\r'], " ")))
            .collect();
        let t = transcript::parse("log.txt", &src).unwrap();
        prop_assert_eq!(t.messages.len(), lines.len());
        for (i, ((h, m, ..), (_, msg))) in lines.iter().zip(&t.messages).enumerate() {
            prop_assert_eq!(msg.at.format("%H:%M").to_string(), format!("{h:02}:{m:02}"));
            if i > 0 {
                let gap = msg.at - t.messages[i - 1].1.at;
                prop_assert!(gap >= chrono::Duration::zero() && gap < chrono::Duration::days(1), "{}", gap);
            }
        }
    }

    #[test]
    fn a_plain_log_of_named_lines_reads_back_as_written(
        lines in prop::collection::vec(("[a-z]{1,10}( [a-z]{1,8})?", hostile()), 1..10),
    ) {
        let lines: Vec<(String, String)> = lines
            .into_iter()
            .map(|(name, text)| (name, text.replace(['\n', '\r'], " ")))
            .filter(|(_, text)| !text.trim().is_empty())
            .collect();
        let src: String = lines.iter().map(|(n, t)| format!("{n}: {t}\n")).collect();
        let t = transcript::parse("log.txt", &src).unwrap();
        prop_assert_eq!(t.messages.len(), lines.len());
        for ((name, text), (author, m)) in lines.iter().zip(&t.messages) {
            prop_assert_eq!(author, name);
            prop_assert_eq!(m.text.as_str(), text.trim_end());
        }
    }

    #[test]
    fn a_chat_exporter_file_reads_back_exactly(
        channel in any::<u64>(),
        name in hostile(),
        messages in prop::collection::vec(
            (any::<u64>(), 0..4_000_000_000i64, hostile(), any::<u64>(), hostile(), any::<bool>()),
            0..8,
        ),
    ) {
        let json = serde_json::json!({
            "guild": { "id": "1", "name": "g" },
            "channel": { "id": channel.to_string(), "name": name },
            "messages": messages.iter().map(|(id, secs, content, author, author_name, bot)| serde_json::json!({
                "id": id.to_string(),
                "timestamp": DateTime::from_timestamp(*secs, 0).unwrap().to_rfc3339(),
                "content": content,
                "author": { "id": author.to_string(), "name": author_name, "isBot": bot },
            })).collect::<Vec<_>>(),
        });
        let t = transcript::parse("e.json", &json.to_string()).unwrap();
        prop_assert_eq!(&t.channel, &name);
        prop_assert_eq!(t.messages.len(), messages.len());
        for ((id, secs, content, author, author_name, bot), (who, m)) in messages.iter().zip(&t.messages) {
            prop_assert_eq!(m.id, MessageId(*id));
            prop_assert_eq!(m.channel, ChannelId(channel));
            prop_assert_eq!(m.author, UserId(*author));
            prop_assert_eq!(m.author_is_bot, *bot);
            prop_assert_eq!(m.at.timestamp(), *secs);
            prop_assert_eq!(&m.text, content);
            prop_assert_eq!(who, author_name);
        }
    }

    #[test]
    fn broken_chat_exporter_json_is_an_error_naming_the_file(
        junk in hostile(),
        cut in any::<Index>(),
        ok in any::<bool>(),
    ) {
        let good = format!(
            r#"{{"channel":{{"id":"55","name":"{}"}},"messages":[{{"id":"9","timestamp":"2024-01-01T10:00:00+00:00","content":"{}","author":{{"id":"7","name":"ana"}}}}]}}"#,
            junk.escape_default(),
            junk.escape_default(),
        );
        // A prefix of valid-looking JSON, or `{` and junk: never a panic.
        let src = if ok {
            let mut end = cut.index(good.len() + 1);
            while !good.is_char_boundary(end) {
                end -= 1;
            }
            good[..end].to_string()
        } else {
            format!("{{{junk}")
        };
        match transcript::parse("e.json", &src) {
            Ok(t) => prop_assert!(t.messages.len() <= 1),
            Err(e) => {
                prop_assert_eq!(&e.file, "e.json");
                prop_assert!(e.line >= 1, "{}", e);
                prop_assert!(e.to_string().starts_with("e.json:"));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Config, pack and cue loaders
// ---------------------------------------------------------------------------------------

#[rustfmt::skip]
const KEYS: &[&str] = &[
    "database", "packs_dir", "log", "cues_file", "threshold", "window_messages",
    "window_minutes", "cooldown_minutes", "token_file", "dev_guild", "rest_proxy", "id",
    "name", "description", "kind", "pattern", "weight", "family", "opener_only",
    "cancel_only", "category", "text", "why", "critical", "hint", "detection", "discord",
    "questions", "cues", "intent", "other", "\"quoted key\"", "a.b", "'é'",
];

#[rustfmt::skip]
const HEADERS: &[&str] = &[
    "[detection]", "[discord]", "[[cues]]", "[[questions]]", "[[intent]]", "[[other]]",
    "[detection.extra]", "[[detection]]", "[", "[[", "]]",
];

#[rustfmt::skip]
const VALUES: &[&str] = &[
    "nan", "inf", "-inf", "+inf", "true", "false", "[]", "{}", "1e999", "-0.0", "0x10",
    "9223372036854775808", "-9223372036854775809", "1_000", "2024-01-01T00:00:00Z",
    "\"core\"", "\"domain\"", "\"integration\"", "\"errors\"", "\"api\"", "\"p.one\"",
    "'\\b(refund|chargeback)\\b'", "'(a+)+$'", "'\\w{500}\\w{500}'", "'(?-u:\\xFF)'",
    "'[\\b]'", "'\\p{Han}+'", "'(?i)é'", "'^'", "'$'", "'.*'", "'a{0,100000}'", "\"\"\"\nmulti\n\"\"\"",
    "\"http://127.0.0.1:9\"", "\"\\u0000\"", "\"\\uD800\"", "''",
];

/// `text` as a TOML basic string, whatever it holds.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => hostile().prop_map(|s| toml_string(&s)),
        1 => hostile().prop_map(|s| format!("'{s}'")),
        1 => any::<f64>().prop_map(|f| f.to_string()),
        1 => any::<i64>().prop_map(|i| i.to_string()),
        1 => (0.0f32..12.0).prop_map(|f| format!("{f:.2}")),
        3 => select(VALUES).prop_map(String::from),
        1 => hostile(),
    ]
}

fn toml_line() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (select(KEYS), toml_value()).prop_map(|(k, v)| format!("{k} = {v}")),
        2 => select(HEADERS).prop_map(String::from),
        1 => hostile(),
    ]
}

/// TOML-ish text: mostly well-formed lines with the loaders' own keys and hostile values.
fn tomlish() -> impl Strategy<Value = String> {
    prop::collection::vec(toml_line(), 0..24).prop_map(|l| l.join("\n"))
}

/// A real file with a few random edits: inserted hostile text or a deleted range.
fn mutated(src: &str) -> impl Strategy<Value = String> {
    let src = src.to_string();
    prop::collection::vec(
        (any::<Index>(), any::<Index>(), hostile(), any::<bool>()),
        1..4,
    )
    .prop_map(move |edits| {
        let mut s = src.clone();
        for (at, len, insert, delete) in edits {
            let boundary = |s: &str, mut i: usize| {
                while !s.is_char_boundary(i) {
                    i -= 1;
                }
                i
            };
            let start = boundary(&s, at.index(s.len() + 1));
            if delete {
                let end = boundary(&s, (start + len.index(64)).min(s.len()));
                s.replace_range(start..end, "");
            } else {
                s.insert_str(start, &insert);
            }
        }
        s
    })
}

const PAYMENTS: &str = include_str!("../prompts/packs/payments.toml");
const EXAMPLE_CONFIG: &str = include_str!("../config.example.toml");
/// The shipped cue file's first few `intent` and `other` cues: compiling all of them for
/// every case would take most of the run.
static SOME_CUES: LazyLock<String> = LazyLock::new(|| {
    let chunks: Vec<&str> = plancheck::detect::cues::SHIPPED.split("\n[[").collect();
    let intent = chunks.iter().take(6);
    let other = chunks.iter().filter(|c| c.starts_with("other]]")).take(3);
    intent
        .chain(other)
        .copied()
        .collect::<Vec<_>>()
        .join("\n[[")
});
const PACK_HEAD: &str = "id = \"p\"\nname = \"P\"\ndescription = \"d\"\nkind = \"domain\"\n";

fn lines_in(src: &str) -> usize {
    src.matches('\n').count() + 1
}

fn check_config(src: &str) -> Result<(), TestCaseError> {
    match Config::parse("c.toml", src) {
        Ok(cfg) => {
            let d = &cfg.detection;
            prop_assert!(plancheck::guild::THRESHOLD.contains(&d.threshold));
            prop_assert!(plancheck::guild::WINDOW_MESSAGES.contains(&d.window_messages));
            prop_assert!(plancheck::guild::WINDOW_MINUTES.contains(&d.window_minutes));
            prop_assert!(plancheck::guild::COOLDOWN_MINUTES.contains(&d.cooldown_minutes));
            prop_assert!(!cfg.database.to_string().is_empty());
        }
        Err(e) => {
            prop_assert!(e.place.starts_with("c.toml"), "{e}");
            prop_assert!(!e.message.is_empty(), "an error without a message: {}", e);
        }
    }
    Ok(())
}

fn check_pack(src: &str, probe: &str) -> Result<(), TestCaseError> {
    match parse_pack("p.toml", src) {
        Ok(pack) => {
            prop_assert!(!pack.id.is_empty() && pack.id.len() <= 48);
            prop_assert!(!pack.questions.is_empty());
            for q in &pack.questions {
                prop_assert!(!q.text.is_empty() && q.text.chars().count() <= 400);
                prop_assert!(!q.why.is_empty());
            }
            // A pack that loads can be ranked against any text.
            if let Ok(set) = PackSet::new(vec![pack]) {
                let ranked = PackRanker::new(&set).rank([probe], &BTreeSet::new());
                prop_assert!(ranked.len() <= 1);
            }
        }
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            for e in &errors {
                prop_assert_eq!(&e.file, "p.toml");
                prop_assert!(!e.message.is_empty(), "an error without a message: {}", e);
                prop_assert!(
                    e.line <= lines_in(src),
                    "line {} of {}",
                    e.line,
                    lines_in(src)
                );
            }
        }
    }
    Ok(())
}

fn check_cues(src: &str, probe: &str) -> Result<(), TestCaseError> {
    match CompiledCues::parse("d.toml", src) {
        Ok(cues) => {
            let d = Detector::new(Arc::new(cues), RANKER.clone());
            let prose = normalize::prose(probe);
            prop_assert!(d.message_score(&prose, true).is_finite());
            for e in d.evidence(&prose, true, 0) {
                quoted(&prose, &e)?;
            }
        }
        Err(errors) => {
            prop_assert!(!errors.is_empty());
            for e in &errors {
                prop_assert_eq!(&e.file, "d.toml");
                prop_assert!(!e.message.is_empty(), "an error without a message: {}", e);
                prop_assert!(e.line <= lines_in(src));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_config_loader_answers_ok_or_a_placed_error(src in tomlish()) {
        check_config(&src)?;
    }

    #[test]
    fn the_config_loader_survives_edits_of_the_example(src in mutated(EXAMPLE_CONFIG)) {
        check_config(&src)?;
    }

    #[test]
    fn the_pack_loader_answers_ok_or_errors_with_file_and_line(
        body in tomlish(),
        head in any::<bool>(),
        probe in message_text(),
    ) {
        let src = if head { format!("{PACK_HEAD}{body}") } else { body };
        check_pack(&src, &probe)?;
    }

    #[test]
    fn the_pack_loader_survives_edits_of_a_shipped_pack(src in mutated(PAYMENTS), probe in message_text()) {
        check_pack(&src, &probe)?;
    }

    #[test]
    fn the_cue_loader_answers_ok_or_errors_with_file_and_line(src in tomlish(), probe in message_text()) {
        check_cues(&src, &probe)?;
    }

    #[test]
    fn the_cue_loader_survives_edits_of_the_shipped_cues(src in mutated(&SOME_CUES), probe in message_text()) {
        check_cues(&src, &probe)?;
    }
}

// ---------------------------------------------------------------------------------------
// Exporters
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Change {
    question: Index,
    kind: EventKind,
    text: String,
    author: (u64, String),
}

fn author() -> impl Strategy<Value = (u64, String)> {
    (1..6u64, hostile())
}

fn hostile_plan() -> impl Strategy<Value = Plan> {
    let change = (
        any::<Index>(),
        select(vec![
            EventKind::Answer,
            EventKind::Answer,
            EventKind::Skip,
            EventKind::Reopen,
        ]),
        hostile(),
        author(),
    )
        .prop_map(|(question, kind, text, author)| Change {
            question,
            kind,
            text,
            author,
        });
    (
        hostile(),
        author(),
        prop::collection::vec(change, 0..16),
        select(vec![
            vec!["payments"],
            vec!["errors", "webhooks"],
            vec!["api"],
        ]),
        any::<bool>(),
        any::<u64>(),
        (hostile(), author()),
        (hostile(), author()),
    )
        .prop_map(
            |(title, creator, changes, packs, closed, guild, said, asked)| {
                let packs: Vec<String> = packs.into_iter().map(String::from).collect();
                let mut questions = plan::snapshot(&PACKS, &packs).unwrap();
                let who = |(id, name): (u64, String)| Author {
                    id: UserId(id),
                    name,
                };
                // What the discussion said is user text too: a suggested answer, and a
                // question of the team's own, quoted as written.
                questions[0].suggested = Some(Quote {
                    text: said.0,
                    author: who(said.1),
                    message: MessageId(900),
                });
                questions[1].text = asked.0.clone();
                questions[1].asked = Some(Quote {
                    text: asked.0,
                    author: who(asked.1),
                    message: MessageId(901),
                });
                let events = changes
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| AnswerEvent {
                        question_id: questions[c.question.index(questions.len())].id.clone(),
                        kind: c.kind,
                        text: c.text,
                        author: who(c.author),
                        at: at(i as i64 + 1),
                        source: Some(MessageId(i as u64 + 1)),
                        said_in: (i % 2 == 0).then_some(MessageId(900)),
                        // Some answers are decisions, marked under a hostile name.
                        decision: (c.kind == EventKind::Answer && i % 3 == 0).then(|| {
                            plan::Decision {
                                by: Author {
                                    id: UserId(9),
                                    name: "@everyone <b>dee</b>".into(),
                                },
                                at: at(i as i64 + 1),
                                source: None,
                            }
                        }),
                    })
                    .collect();
                Plan {
                    id: PlanId(7),
                    guild: GuildId(guild),
                    channel: ChannelId(42),
                    thread: Some(ChannelId(43)),
                    title,
                    status: if closed { Status::Closed } else { Status::Open },
                    created_by: who(creator),
                    created_at: at(0),
                    closed_at: closed.then(|| at(1_000)),
                    packs,
                    depth: plancheck::plan::select::Depth::Standard,
                    questions,
                    events,
                }
            },
        )
}

/// What a Markdown or CSV cell holds for `text`: controls and bidi controls removed.
fn cleaned(text: &str) -> String {
    text.chars().filter(|&c| !removed(c)).collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn json_export_parses_back_with_the_same_user_text(p in hostile_plan()) {
        let out = export::render(&p, Format::Json);
        let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
        prop_assert_eq!(v["plan"]["title"].as_str(), Some(p.title.as_str()));
        prop_assert_eq!(v["plan"]["created_by"]["name"].as_str(), Some(p.created_by.name.as_str()));
        prop_assert_eq!(&v["plan"]["guild_id"], &serde_json::Value::from(p.guild.to_string()));
        let questions = v["questions"].as_array().unwrap();
        prop_assert_eq!(questions.len(), p.questions.len());
        for (q, jq) in p.questions.iter().zip(questions) {
            prop_assert_eq!(jq["id"].as_str(), Some(q.id.as_str()));
            for (quote, key) in [(&q.suggested, "suggested"), (&q.asked, "asked")] {
                match quote {
                    Some(s) => {
                        prop_assert_eq!(jq[key]["text"].as_str(), Some(s.text.as_str()));
                        prop_assert_eq!(jq[key]["author"]["name"].as_str(), Some(s.author.name.as_str()));
                        let id = s.message.to_string();
                        prop_assert_eq!(jq[key]["message_id"].as_str(), Some(id.as_str()));
                    }
                    None => prop_assert!(jq[key].is_null()),
                }
            }
            let history = jq["history"].as_array().unwrap();
            let events: Vec<&AnswerEvent> = p.history(&q.id).collect();
            prop_assert_eq!(history.len(), events.len());
            for (e, je) in events.iter().zip(history) {
                prop_assert_eq!(je["text"].as_str(), Some(e.text.as_str()));
                prop_assert_eq!(je["author"]["name"].as_str(), Some(e.author.name.as_str()));
            }
            match p.state(&q.id) {
                QuestionState::Answered { latest, revisions } => {
                    prop_assert_eq!(jq["answer"]["text"].as_str(), Some(latest.text.as_str()));
                    prop_assert_eq!(jq["answer"]["revisions"].as_u64(), Some(revisions as u64));
                }
                QuestionState::Skipped { latest } => {
                    prop_assert_eq!(jq["skip_reason"].as_str(), Some(latest.text.as_str()));
                }
                QuestionState::Open => prop_assert!(jq["answer"].is_null()),
            }
        }
    }

    #[test]
    fn csv_export_parses_back_one_row_per_question_with_no_live_formula(p in hostile_plan()) {
        let out = export::render(&p, Format::Csv);
        prop_assert!(!out.chars().any(|c| is_bidi_control(c) || (is_stray_control(c) && c != '\r')));
        let mut r = csv::Reader::from_reader(out.as_bytes());
        prop_assert_eq!(r.headers().unwrap().len(), plancheck::export::CSV_HEADER.len());
        let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
        prop_assert_eq!(rows.len(), p.questions.len());
        for (q, row) in p.questions.iter().zip(&rows) {
            prop_assert_eq!(row.len(), plancheck::export::CSV_HEADER.len());
            prop_assert_eq!(&row[2], q.id.as_str());
            for cell in [&row[8], &row[9], &row[10]] {
                prop_assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']),
                    "a live formula: {cell:?}"
                );
                prop_assert!(!cell.chars().any(removed), "{cell:?}");
            }
            let (text, author) = match p.state(&q.id) {
                QuestionState::Open => (None, None),
                QuestionState::Answered { latest, .. } => (Some((8, &latest.text)), Some(&latest.author.name)),
                QuestionState::Skipped { latest } => (Some((9, &latest.text)), Some(&latest.author.name)),
            };
            if let Some((col, text)) = text {
                let cell = &row[col];
                let clean = cleaned(text);
                prop_assert!(cell == clean || *cell == format!("'{clean}"), "{cell:?} for {text:?}");
            }
            if let Some(name) = author {
                let clean = cleaned(name);
                prop_assert!(row[10] == clean || row[10] == format!("'{}", clean), "{:?}", &row[10]);
            }
        }
    }

    #[test]
    fn markdown_export_cannot_ping_inject_structure_or_hide_text(p in hostile_plan()) {
        let md = export::render(&p, Format::Markdown);
        prop_assert!(!md.contains("@everyone") && !md.contains("@here"));
        prop_assert!(!md.contains("<@") && !md.contains("```"));
        prop_assert!(!md.chars().any(removed), "a control or bidi control survived");
        // Hostile text never adds a heading or a checklist item of its own.
        let items = md.lines().filter(|l| l.starts_with("- [")).count();
        prop_assert_eq!(items, p.questions.len());
        let headings: Vec<&str> = md.lines().filter(|l| l.starts_with('#')).collect();
        prop_assert!(headings[0].starts_with("# Plan: "));
        for h in &headings[1..] {
            prop_assert!(
                ["## Decisions", "## Coverage", "## Critical questions still open", "## Answered", "## Skipped", "## Open questions"].contains(h),
                "unexpected heading {h:?}"
            );
        }
    }

    #[test]
    fn rendered_markdown_holds_only_the_exports_own_structure(p in hostile_plan()) {
        let md = export::render(&p, Format::Markdown);
        let html = gfm::render(&md);
        // Every element is one the export writes itself: no raw HTML survives.
        for name in gfm::tags(&html) {
            prop_assert!(gfm::EXPORT_TAGS.contains(&name.as_str()), "<{}> in {}", name, html);
        }
        prop_assert!(!html.contains("@everyone") && !html.contains("@here"));
        // `<@123>`, `<@!5>`, `<@&7>` can only show as text, broken by a zero-width space.
        for after in html.split("&lt;@").skip(1) {
            prop_assert!(!after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '!' || c == '&'), "a mention in {}", html);
        }
        // Links only from URLs that were written out.
        for href in html.split("href=\"").skip(1) {
            prop_assert!(href.to_ascii_lowercase().starts_with("http"), "{}", href);
        }
        // One heading of level 1, the export's own level-2 headings, one checkbox a question.
        prop_assert_eq!(html.matches("<h1>").count(), 1);
        prop_assert!(!html.contains("<h3") && !html.contains("<h4") && !html.contains("<h5") && !html.contains("<h6"));
        prop_assert_eq!(html.matches("<h2>").count(), md.lines().filter(|l| l.starts_with("## ")).count());
        prop_assert_eq!(html.matches("type=\"checkbox\"").count(), p.questions.len());
        prop_assert_eq!(html.matches("<table>").count(), 1);
    }

    #[test]
    fn the_adr_export_renders_only_its_own_structure_and_cannot_ping(p in hostile_plan()) {
        let md = export::render(&p, Format::Adr);
        prop_assert!(!md.chars().any(removed), "a control or bidi control survived");
        let html = gfm::render(&md);
        for name in gfm::tags(&html) {
            prop_assert!(gfm::EXPORT_TAGS.contains(&name.as_str()) || name == "h3", "<{}> in {}", name, html);
        }
        prop_assert!(!html.contains("@everyone") && !html.contains("@here"));
        for after in html.split("&lt;@").skip(1) {
            prop_assert!(!after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '!' || c == '&'), "a mention in {}", html);
        }
        for href in html.split("href=\"").skip(1) {
            prop_assert!(href.to_ascii_lowercase().starts_with("http"), "{}", href);
        }
        // The record's own headings only: hostile text adds none.
        prop_assert_eq!(html.matches("<h1>").count(), 1);
        prop_assert_eq!(html.matches("<h3>").count(), 1);
        prop_assert_eq!(html.matches("<h2>").count(), md.lines().filter(|l| l.starts_with("## ")).count());
        prop_assert_eq!(html.matches("<h2>").count(), if p.guild.0 == 0 { 4 } else { 5 });
    }

    #[test]
    fn export_file_names_are_plain_ascii(p in hostile_plan()) {
        for f in [Format::Markdown, Format::Json, Format::Csv] {
            let name = export::file_name(&p, f);
            prop_assert!(name.starts_with("plan-7"));
            prop_assert!(name.ends_with(f.extension()));
            prop_assert!(name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'), "{name:?}");
            prop_assert!(name.len() <= 60);
        }
    }
}
