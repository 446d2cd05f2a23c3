//! Chat logs in: plain `author: text` lines, or DiscordChatExporter JSON exports; from
//! files, folders of exports or standard input.

use crate::detect::ChatMessage;
use crate::ids::{ChannelId, MessageId, UserId};
use chrono::{DateTime, Duration, NaiveDateTime, NaiveTime, Utc};
use serde::Deserialize;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One channel's messages, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    /// Where it was read from, as errors name it (`<stdin>` for standard input).
    pub file: String,
    pub channel: String,
    pub messages: Vec<(String, ChatMessage)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct TranscriptError {
    pub file: String,
    /// 1-based.
    pub line: usize,
    pub message: String,
}

/// Why chat logs could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {file}: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Parse(#[from] TranscriptError),
    #[error("{dir}: no DiscordChatExporter exports (*.json) in this folder")]
    NoExports { dir: String },
}

/// The name standard input goes by in errors and output.
pub const STDIN: &str = "<stdin>";

/// Reads every chat log named: a file (plain or JSON), a folder (each `*.json` file in it,
/// by name: DiscordChatExporter writes one channel a file) or `-` for `stdin`. Each plain
/// log is a channel of its own.
pub fn read_all(inputs: &[PathBuf], mut stdin: impl Read) -> Result<Vec<Transcript>, ReadError> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            let mut bytes = Vec::new();
            stdin
                .read_to_end(&mut bytes)
                .map_err(|source| ReadError::Io {
                    file: STDIN.into(),
                    source,
                })?;
            files.push((STDIN.into(), bytes));
        } else if input.is_dir() {
            for path in exports_in(input)? {
                files.push((path.display().to_string(), read_file(&path)?));
            }
        } else {
            files.push((input.display().to_string(), read_file(input)?));
        }
    }
    let mut plain_logs = 0;
    files
        .into_iter()
        .map(|(name, bytes)| {
            let src = text(&name, &bytes)?;
            let channel = if is_json(src) {
                ChannelId(0) // the export names its channel
            } else {
                plain_logs += 1;
                ChannelId(plain_logs)
            };
            Ok(parse_in(&name, src, channel)?)
        })
        .collect()
}

fn read_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    std::fs::read(path).map_err(|source| ReadError::Io {
        file: path.display().to_string(),
        source,
    })
}

/// The `*.json` files of a folder, sorted by name.
fn exports_in(dir: &Path) -> Result<Vec<PathBuf>, ReadError> {
    let io = |source| ReadError::Io {
        file: dir.display().to_string(),
        source,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if json && path.is_file() {
            paths.push(path);
        }
    }
    if paths.is_empty() {
        return Err(ReadError::NoExports {
            dir: dir.display().to_string(),
        });
    }
    paths.sort();
    Ok(paths)
}

/// The bytes as UTF-8 text without a byte-order mark; an invalid byte is an error naming
/// its line.
fn text<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, TranscriptError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        TranscriptError {
            file: file.into(),
            line: valid.iter().filter(|&&b| b == b'\n').count() + 1,
            message: "not UTF-8 text (save the log as UTF-8)".into(),
        }
    })
}

/// JSON when the first non-blank character is `{`.
fn is_json(src: &str) -> bool {
    src.trim_start().starts_with('{')
}

/// Parses a chat log; JSON when the first non-blank character is `{`. A leading
/// byte-order mark is skipped. A plain log is channel 1.
pub fn parse(file: &str, src: &str) -> Result<Transcript, TranscriptError> {
    parse_in(file, src, ChannelId(1))
}

/// Parses a chat log; a plain one is `plain_channel`.
fn parse_in(
    file: &str,
    src: &str,
    plain_channel: ChannelId,
) -> Result<Transcript, TranscriptError> {
    let src = src.strip_prefix('\u{FEFF}').unwrap_or(src);
    if is_json(src) {
        parse_dce(file, src)
    } else {
        parse_plain(file, src, plain_channel)
    }
}

// ---------------------------------------------------------------------------------------
// DiscordChatExporter JSON
// ---------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DceExport {
    channel: DceChannel,
    messages: Vec<DceMessage>,
}

#[derive(Deserialize)]
struct DceChannel {
    id: Snowflake,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DceMessage {
    id: Snowflake,
    timestamp: DateTime<Utc>,
    content: String,
    author: DceAuthor,
    /// The message this one replies to, when it is a reply.
    #[serde(default)]
    reference: Option<DceReference>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DceAuthor {
    id: Snowflake,
    name: String,
    /// The name shown in the server, when it differs from the user name.
    #[serde(default)]
    nickname: Option<String>,
    #[serde(default)]
    is_bot: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DceReference {
    #[serde(default)]
    message_id: Option<String>,
}

impl DceAuthor {
    /// The nickname when the export has one, else the user name.
    fn shown_name(self) -> String {
        match self.nickname {
            Some(n) if !n.trim().is_empty() => n,
            _ => self.name,
        }
    }
}

impl DceMessage {
    /// The message this one replies to (it joins that message's conversation); a
    /// reference that is not a Discord id is no reply.
    fn reply_to(&self) -> Option<MessageId> {
        let id = self.reference.as_ref()?.message_id.as_deref()?;
        id.parse().ok().map(MessageId)
    }
}

/// A Discord id, written as a string of digits (or a number); anything else is an error
/// at its line.
struct Snowflake(u64);

impl<'de> Deserialize<'de> for Snowflake {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Snowflake, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Snowflake;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a Discord id")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Snowflake, E> {
                s.parse()
                    .map(Snowflake)
                    .map_err(|_| E::custom(format!("'{s}' is not a Discord id")))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Snowflake, E> {
                Ok(Snowflake(n))
            }
        }
        d.deserialize_any(Visitor)
    }
}

fn parse_dce(file: &str, src: &str) -> Result<Transcript, TranscriptError> {
    let export: DceExport = serde_json::from_str(src).map_err(|e| {
        // serde_json ends its message with the position; the line goes in front instead.
        let message = e.to_string();
        let position = format!(" at line {} column {}", e.line(), e.column());
        TranscriptError {
            file: file.into(),
            line: e.line().max(1),
            message: format!(
                "not a DiscordChatExporter JSON export: {} (column {})",
                message.strip_suffix(&position).unwrap_or(&message),
                e.column()
            ),
        }
    })?;
    let channel = ChannelId(export.channel.id.0);
    let messages = export
        .messages
        .into_iter()
        .map(|m| {
            let reply_to = m.reply_to();
            let (author, author_is_bot) = (UserId(m.author.id.0), m.author.is_bot);
            let name = m.author.shown_name();
            let message = ChatMessage {
                id: MessageId(m.id.0),
                channel,
                author,
                author_is_bot,
                at: m.timestamp,
                text: m.content,
                reply_to,
                author_name: name.clone(),
            };
            (name, message)
        })
        .collect();
    Ok(Transcript {
        file: file.into(),
        channel: export.channel.name,
        messages,
    })
}

// ---------------------------------------------------------------------------------------
// Plain logs
// ---------------------------------------------------------------------------------------

/// Splits `name: text` when the part before `": "` looks like a name (one or two words,
/// at most 32 bytes); shared by plain logs and the console.
pub fn split_author(line: &str) -> Option<(&str, &str)> {
    let (name, text) = line.split_once(": ")?;
    let name = name.trim();
    (!name.is_empty() && name.len() <= 32 && name.split_whitespace().count() <= 2)
        .then_some((name, text))
}

/// A message time written in a plain log.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stamp {
    /// A date and time (ISO 8601 or `YYYY-MM-DD HH:MM`; UTC unless an offset is given).
    At(DateTime<Utc>),
    /// A time of day (`HH:MM` or `HH:MM:SS`): on the day of the message before.
    Clock(NaiveTime),
}

/// Reads the text of a `[time]` prefix. None when it is not a time.
fn parse_stamp(s: &str) -> Option<Stamp> {
    let s = s.trim();
    let dated = s.len() > 10 && s.as_bytes()[4] == b'-';
    if dated {
        let s = s.replacen(' ', "T", 1);
        let zoned = DateTime::parse_from_rfc3339(&s)
            .or_else(|_| DateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M%#z"));
        if let Ok(t) = zoned {
            return Some(Stamp::At(t.to_utc()));
        }
        return ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(&s, f).ok())
            .map(|t| Stamp::At(t.and_utc()));
    }
    ["%H:%M:%S%.f", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(s, f).ok())
        .map(Stamp::Clock)
}

/// A `[...]` prefix that means to be a time: it starts with a digit and has a colon.
fn looks_like_time(s: &str) -> bool {
    s.trim_start().starts_with(|c: char| c.is_ascii_digit()) && s.contains(':')
}

/// A message of a plain log before its time is known.
struct Draft {
    /// None for text before the first line with an author.
    author: Option<String>,
    text: String,
    stamp: Option<Stamp>,
}

/// Plain logs: `author: text` a line, optionally after a `[time]` prefix; a line without
/// an author continues the previous message.
///
/// Times: `[2026-03-01T10:15:00Z]` (ISO 8601, any offset), `[2026-03-01 10:15]` (UTC) or
/// `[10:15]` (on the day of the message before, the next day when the clock went back).
/// A message without a time takes the time of the message before (or of the first timed
/// one); in a log without any times, messages are a minute apart. A prefix that starts
/// with a digit and has a colon but is no time is an error naming its line; other
/// prefixes (`[bot]`) are skipped.
fn parse_plain(file: &str, src: &str, channel: ChannelId) -> Result<Transcript, TranscriptError> {
    let mut drafts: Vec<Draft> = Vec::new();
    for (n, line) in src.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            continue;
        }
        let (prefix, body) = match line.strip_prefix('[').and_then(|r| r.split_once(']')) {
            Some((prefix, body)) => (Some(prefix), body.trim_start()),
            None => (None, line),
        };
        match split_author(body) {
            Some((author, text)) => {
                let stamp = match prefix.filter(|p| looks_like_time(p)) {
                    Some(p) => Some(parse_stamp(p).ok_or_else(|| TranscriptError {
                        file: file.into(),
                        line: n + 1,
                        message: format!(
                            "'[{p}]' is not a time: write [HH:MM], [YYYY-MM-DD HH:MM] or ISO 8601 such as [2026-03-01T10:15:00Z]"
                        ),
                    })?),
                    None => None,
                };
                drafts.push(Draft {
                    author: Some(author.to_string()),
                    text: text.to_string(),
                    stamp,
                });
            }
            None => match drafts.last_mut() {
                Some(d) => {
                    d.text.push('\n');
                    d.text.push_str(line);
                }
                None => drafts.push(Draft {
                    author: None,
                    text: line.to_string(),
                    stamp: None,
                }),
            },
        }
    }

    let start = DateTime::from_timestamp(1_700_000_000, 0).expect("valid timestamp");
    let first = drafts
        .iter()
        .find_map(|d| d.stamp)
        .map(|s| time_of(s, None, start));
    let mut prev = first;
    let mut authors: HashMap<String, UserId> = HashMap::new();
    let mut messages = Vec::with_capacity(drafts.len());
    for (n, d) in drafts.into_iter().enumerate() {
        let at = match (d.stamp, prev) {
            (Some(stamp), _) => time_of(stamp, prev, start),
            (None, Some(p)) => p,
            (None, None) => start + Duration::minutes(n as i64),
        };
        prev = first.map(|_| at);
        let (name, author) = match d.author {
            Some(name) => {
                let next = authors.len() as u64 + 1;
                let id = *authors.entry(name.clone()).or_insert(UserId(next));
                (name, id)
            }
            None => ("?".to_string(), UserId(0)),
        };
        messages.push((
            name.clone(),
            ChatMessage {
                id: MessageId(n as u64 + 1),
                channel,
                author,
                author_is_bot: false,
                at,
                text: d.text,
                reply_to: None,
                author_name: name.clone(),
            },
        ));
    }
    Ok(Transcript {
        file: file.into(),
        channel: "log".into(),
        messages,
    })
}

/// The time a stamp stands for, after the message before at `prev` (`start`'s day when
/// there is none): a time of day goes on that day, or the next when the clock went back.
fn time_of(stamp: Stamp, prev: Option<DateTime<Utc>>, start: DateTime<Utc>) -> DateTime<Utc> {
    match stamp {
        Stamp::At(t) => t,
        Stamp::Clock(clock) => {
            let day = prev.unwrap_or(start).date_naive();
            let at = day.and_time(clock).and_utc();
            match prev {
                Some(p) if at < p => at.checked_add_signed(Duration::days(1)).unwrap_or(p),
                _ => at,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn plain_lines_become_messages_with_authors_and_continuations() {
        let t = parse(
            "x.txt",
            "ana: we should add refunds\n  and partial ones\n[bot] bo: agreed\n\n",
        )
        .unwrap();
        assert_eq!(t.messages.len(), 2);
        assert_eq!(t.messages[0].0, "ana");
        assert_eq!(
            t.messages[0].1.text,
            "we should add refunds\n  and partial ones"
        );
        assert_eq!(t.messages[1].0, "bo");
        assert_ne!(t.messages[0].1.author, t.messages[1].1.author);
        assert_eq!(
            t.messages[1].1.at - t.messages[0].1.at,
            Duration::minutes(1)
        );
    }

    #[test]
    fn iso_times_are_message_times() {
        let t = parse(
            "x.txt",
            "[2026-03-01T10:15:00Z] ana: one\n[2026-03-01T17:45:00+01:00] bo: two\n[2026-03-02 09:00] ana: three\n[2026-03-02T09:30:15.5] bo: four\n[2026-03-02T10:00Z] ana: five\n",
        )
        .unwrap();
        let times: Vec<DateTime<Utc>> = t.messages.iter().map(|(_, m)| m.at).collect();
        assert_eq!(
            times,
            [
                at("2026-03-01T10:15:00Z"),
                at("2026-03-01T16:45:00Z"),
                at("2026-03-02T09:00:00Z"),
                at("2026-03-02T09:30:15.5Z"),
                at("2026-03-02T10:00:00Z"),
            ]
        );
    }

    #[test]
    fn clock_times_roll_over_to_the_next_day_when_they_go_back() {
        let t = parse(
            "x.txt",
            "[2026-03-01 22:00] ana: late\n[23:59] bo: later\n[00:10] ana: after midnight\n[00:10] bo: same minute\n[7:05:30] ana: morning\n",
        )
        .unwrap();
        let times: Vec<DateTime<Utc>> = t.messages.iter().map(|(_, m)| m.at).collect();
        assert_eq!(
            times,
            [
                at("2026-03-01T22:00:00Z"),
                at("2026-03-01T23:59:00Z"),
                at("2026-03-02T00:10:00Z"),
                at("2026-03-02T00:10:00Z"),
                at("2026-03-02T07:05:30Z"),
            ]
        );
    }

    #[test]
    fn untimed_messages_take_the_time_before_them_in_a_timed_log() {
        let t = parse("x.txt", "ana: first\n[10:00] bo: two\nana: three\n").unwrap();
        assert_eq!(t.messages[0].1.at, t.messages[1].1.at);
        assert_eq!(t.messages[2].1.at, t.messages[1].1.at);
        assert_eq!(
            t.messages[1].1.at.time(),
            NaiveTime::from_hms_opt(10, 0, 0).unwrap()
        );
    }

    #[test]
    fn a_prefix_that_means_a_time_but_is_none_names_its_line() {
        let e = parse("x.txt", "ana: hi\n\n[25:99] bo: hello\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(
            e.to_string()
                .starts_with("x.txt:3: '[25:99]' is not a time"),
            "{e}"
        );
        let e = parse("x.txt", "[1/3/2026 10:15 AM] bo: hello\n").unwrap_err();
        assert_eq!(e.line, 1);
        // Not times at all: skipped as before.
        for src in ["[bot] ana: hi", "[1] ana: hi", "[x:1] ana: hi"] {
            assert_eq!(parse("x.txt", src).unwrap().messages.len(), 1, "{src}");
        }
        // A line without an author continues the message before, whatever its prefix.
        let t = parse("x.txt", "ana: hi\n[99:99] joined\n").unwrap();
        assert_eq!(t.messages[0].1.text, "hi\n[99:99] joined");
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let t = parse("x.txt", "\u{FEFF}ana: hi\n").unwrap();
        assert_eq!(t.messages[0].0, "ana");
        let json = "\u{FEFF}{\"channel\":{\"id\":\"5\",\"name\":\"d\"},\"messages\":[]}";
        assert_eq!(parse("e.json", json).unwrap().channel, "d");
        assert_eq!(text("x.txt", b"\xEF\xBB\xBFana: hi").unwrap(), "ana: hi");
    }

    #[test]
    fn bytes_that_are_not_utf8_name_their_line() {
        let e = text("x.txt", b"ana: hi\nbo: caf\xE9\n").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("x.txt", 2));
    }

    #[test]
    fn only_short_names_before_a_colon_are_authors() {
        assert_eq!(split_author("ana: hi"), Some(("ana", "hi")));
        assert_eq!(split_author("Ana Lopez: hi"), Some(("Ana Lopez", "hi")));
        assert_eq!(split_author(": hi"), None);
        assert_eq!(split_author("the plan is simple: add refunds"), None);
        assert_eq!(split_author("no colon here"), None);
    }

    #[test]
    fn a_discord_chat_exporter_file_is_read() {
        let src = r#"{"guild":{"id":"1","name":"g"},"channel":{"id":"55","name":"design"},
            "messages":[{"id":"900","timestamp":"2024-01-01T10:00:00+00:00","content":"hi",
            "author":{"id":"7","name":"ana","nickname":"Ana L.","isBot":false}},
            {"id":"901","timestamp":"2024-01-01T10:01:00+00:00","content":"beep",
            "author":{"id":"8","name":"bot","nickname":"","isBot":true},
            "reference":{"messageId":"900","channelId":"55","guildId":"1"}}]}"#;
        let t = parse("e.json", src).unwrap();
        assert_eq!(t.channel, "design");
        assert_eq!(t.file, "e.json");
        assert_eq!(t.messages[0].1.id, MessageId(900));
        assert_eq!(t.messages[0].1.channel, ChannelId(55));
        assert!(t.messages[1].1.author_is_bot);
        // The nickname when there is one.
        assert_eq!(t.messages[0].0, "Ana L.");
        assert_eq!(t.messages[1].0, "bot");
        let export: DceExport = serde_json::from_str(src).unwrap();
        assert_eq!(export.messages[0].reply_to(), None);
        assert_eq!(export.messages[1].reply_to(), Some(MessageId(900)));
    }

    #[test]
    fn broken_json_names_file_and_line() {
        let e = parse("e.json", "{\n\"channel\": {\n\"id\": 5,\n").unwrap_err();
        assert_eq!(e.file, "e.json");
        assert!(e.line >= 3, "{e}");
        assert!(e.to_string().starts_with("e.json:"), "{e}");
    }

    #[test]
    fn a_bad_id_names_its_line() {
        let src = "{\"channel\": {\"id\": \"5\", \"name\": \"d\"},\n\"messages\": [\n{\"id\": \"9\", \"timestamp\": \"2024-01-01T10:00:00Z\", \"content\": \"\",\n \"author\": {\"id\": \"ana\", \"name\": \"ana\"}}]}";
        let e = parse("e.json", src).unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(e.message.contains("'ana' is not a Discord id"), "{e}");
    }
}
