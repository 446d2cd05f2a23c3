//! Chat logs in: plain `author: text` lines, or a DiscordChatExporter JSON export.

use crate::detect::ChatMessage;
use crate::ids::{ChannelId, MessageId, UserId};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use std::collections::HashMap;

/// One channel's messages, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Transcript {
    pub channel: String,
    pub messages: Vec<(String, ChatMessage)>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct TranscriptError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DceExport {
    channel: DceChannel,
    messages: Vec<DceMessage>,
}

#[derive(Deserialize)]
struct DceChannel {
    id: String,
    name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DceMessage {
    id: String,
    timestamp: DateTime<Utc>,
    content: String,
    author: DceAuthor,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DceAuthor {
    id: String,
    name: String,
    #[serde(default)]
    is_bot: bool,
}

/// Parses a chat log; JSON when the first non-blank character is `{`.
pub fn parse(file: &str, src: &str) -> Result<Transcript, TranscriptError> {
    if src.trim_start().starts_with('{') {
        parse_dce(file, src)
    } else {
        Ok(parse_plain(src))
    }
}

fn snowflake(file: &str, what: &str, s: &str) -> Result<u64, TranscriptError> {
    s.parse().map_err(|_| TranscriptError {
        file: file.into(),
        line: 0,
        message: format!("{what} '{s}' is not a Discord id"),
    })
}

fn parse_dce(file: &str, src: &str) -> Result<Transcript, TranscriptError> {
    let export: DceExport = serde_json::from_str(src).map_err(|e| TranscriptError {
        file: file.into(),
        line: e.line(),
        message: format!("not a DiscordChatExporter JSON export: {e}"),
    })?;
    let channel = ChannelId(snowflake(file, "channel id", &export.channel.id)?);
    let mut messages = Vec::with_capacity(export.messages.len());
    for m in export.messages {
        messages.push((
            m.author.name,
            ChatMessage {
                id: MessageId(snowflake(file, "message id", &m.id)?),
                channel,
                author: UserId(snowflake(file, "author id", &m.author.id)?),
                author_is_bot: m.author.is_bot,
                at: m.timestamp,
                text: m.content,
                reply_to: None,
            },
        ));
    }
    Ok(Transcript {
        channel: export.channel.name,
        messages,
    })
}

/// Splits `name: text` when the part before `": "` looks like a name (one or two words,
/// at most 32 bytes); shared by plain logs and the console.
pub fn split_author(line: &str) -> Option<(&str, &str)> {
    let (name, text) = line.split_once(": ")?;
    let name = name.trim();
    (!name.is_empty() && name.len() <= 32 && name.split_whitespace().count() <= 2)
        .then_some((name, text))
}

/// Plain logs: `author: text` a line (a `[time]` prefix is allowed and ignored); a line
/// without an author continues the previous message. Messages are taken a minute apart.
fn parse_plain(src: &str) -> Transcript {
    let start = DateTime::from_timestamp(1_700_000_000, 0).expect("valid timestamp");
    let mut authors: HashMap<String, UserId> = HashMap::new();
    let mut messages: Vec<(String, ChatMessage)> = Vec::new();
    for line in src.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            continue;
        }
        let body = if line.starts_with('[') {
            line.split_once(']')
                .map(|(_, r)| r.trim_start())
                .unwrap_or(line)
        } else {
            line
        };
        match split_author(body) {
            Some((author, text)) => {
                let author = author.trim().to_string();
                let next = authors.len() as u64 + 1;
                let uid = *authors.entry(author.clone()).or_insert(UserId(next));
                let n = messages.len() as i64;
                messages.push((
                    author,
                    ChatMessage {
                        id: MessageId(n as u64 + 1),
                        channel: ChannelId(1),
                        author: uid,
                        author_is_bot: false,
                        at: start + Duration::minutes(n),
                        text: text.to_string(),
                        reply_to: None,
                    },
                ));
            }
            None => match messages.last_mut() {
                Some((_, m)) => {
                    m.text.push('\n');
                    m.text.push_str(line);
                }
                None => {
                    messages.push((
                        "?".into(),
                        ChatMessage {
                            id: MessageId(1),
                            channel: ChannelId(1),
                            author: UserId(0),
                            author_is_bot: false,
                            at: start,
                            text: line.to_string(),
                            reply_to: None,
                        },
                    ));
                }
            },
        }
    }
    Transcript {
        channel: "log".into(),
        messages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lines_become_messages_with_authors_and_continuations() {
        let t = parse(
            "x.txt",
            "ana: we should add refunds\n  and partial ones\n[10:02] bo: agreed\n\n",
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
        assert!(t.messages[1].1.at > t.messages[0].1.at);
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
            "author":{"id":"7","name":"ana","isBot":false}},
            {"id":"901","timestamp":"2024-01-01T10:01:00+00:00","content":"beep",
            "author":{"id":"8","name":"bot","isBot":true}}]}"#;
        let t = parse("e.json", src).unwrap();
        assert_eq!(t.channel, "design");
        assert_eq!(t.messages[0].1.id, MessageId(900));
        assert_eq!(t.messages[0].1.channel, ChannelId(55));
        assert!(t.messages[1].1.author_is_bot);
    }

    #[test]
    fn broken_json_names_file_and_line() {
        let e = parse("e.json", "{\n\"channel\": {\n\"id\": 5,\n").unwrap_err();
        assert_eq!(e.file, "e.json");
        assert!(e.line >= 3, "{e}");
        assert!(e.to_string().starts_with("e.json:"), "{e}");
    }
}
