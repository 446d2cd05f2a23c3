//! A burst of chat over many channels, and the detections a slow in-order run makes of
//! it: shared by the load tool (`benches/load.rs`) and the end-to-end tests. Each
//! channel's messages repeat a cycle of everyday talk ending in a feature request.

use crate::fake_discord::{Fake, GUILD};
use chrono::{DateTime, Utc};
use plancheck::detect::{ChatMessage, CompiledCues, Detector, PackRanker, Settings};
use plancheck::ids::{ChannelId, MessageId, UserId};
use plancheck::packs::PackSet;
use serde_json::json;
use std::sync::Arc;

const CHATTER: &[&str] = &[
    "checkout is throwing 502s since 14:05, anyone deploying?",
    "I rolled out api v2.31 at 14:02, rolling back now",
    "error rate back to baseline after the rollback",
    "can someone review my PR for the invoice totals fix?",
    "left a few comments, mostly naming",
    "good catch, that's the actual bug. pushed a fix",
    "deploying the worker fleet now",
    "migrations ran fine on staging",
    "prod is green, thanks all",
    "how do I run a single integration test with cargo?",
    "thanks, that works",
    "lunch at 12:30?",
    "sure",
    "I'll write the postmortem tomorrow",
];

const FEATURES: &[&str] = &[
    "We should add refunds for card payments, it would be nice to have an option to undo a charge",
    "Could we support exporting invoices as CSV? customers keep asking for it and we should build it",
    "it would be great to let admins schedule weekly reports, we should add that to the dashboard",
];

/// One message of a phase: its channel, id, time and text.
pub struct Msg {
    pub channel: u64,
    pub id: u64,
    pub at: DateTime<Utc>,
    pub text: &'static str,
}

/// At least `count` messages over `channels` (from `first_channel`), interleaved, in cycles
/// of `cycle` per channel, so that each channel's last message is a feature request.
pub fn stream(
    first_channel: u64,
    channels: usize,
    count: usize,
    first_id: u64,
    cycle: usize,
) -> Vec<Msg> {
    let per = (count / channels).div_ceil(cycle).max(1) * cycle;
    let base = Utc::now();
    (0..per * channels)
        .map(|i| {
            let ch = i % channels;
            let k = i / channels;
            let text = if k % cycle == cycle - 1 {
                FEATURES[(k / cycle + ch) % FEATURES.len()]
            } else {
                CHATTER[(k + ch) % CHATTER.len()]
            };
            Msg {
                channel: first_channel + ch as u64,
                id: first_id + i as u64,
                at: base + chrono::Duration::milliseconds(i as i64),
                text,
            }
        })
        .collect()
}

/// The detections of a slow in-order run: `(channel, message id)`, in order.
pub fn expected(messages: &[Msg], settings: &Settings) -> Vec<(u64, u64)> {
    let packs = PackSet::shipped().expect("the shipped packs load");
    let cues = Arc::new(CompiledCues::shipped().expect("the shipped cues compile"));
    let mut d = Detector::new(cues, Arc::new(PackRanker::new(&packs)));
    messages
        .iter()
        .filter_map(|m| {
            let msg = ChatMessage {
                id: MessageId(m.id),
                channel: ChannelId(m.channel),
                author: UserId(400_000_000_000_000_001 + m.id % 5),
                author_is_bot: false,
                at: m.at,
                text: m.text.to_string(),
                reply_to: None,
                author_name: String::new(),
            };
            d.observe(&msg, settings).map(|_| (m.channel, m.id))
        })
        .collect()
}

/// Sends `m` as a MESSAGE_CREATE.
pub fn send(fake: &Fake, m: &Msg) {
    let author = 400_000_000_000_000_001 + m.id % 5;
    fake.send(
        "MESSAGE_CREATE",
        json!({
            "id": m.id.to_string(), "channel_id": m.channel.to_string(), "guild_id": GUILD.to_string(),
            "author": Fake::user(author),
            "content": m.text, "timestamp": m.at.to_rfc3339(), "edited_timestamp": null,
            "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": false, "type": 0
        }),
    );
}
