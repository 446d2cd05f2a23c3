//! Design channels as a team lives in them: every feature discussion in
//! `fixtures/conversations.toml` gets a prompt, and none of the everyday talk in
//! `fixtures/quiet.toml` (incidents, reviews, deploys, how-do-I, greetings) does.

use plancheck::detect::{ChatMessage, CompiledCues, Detection, Detector, PackRanker, Settings};
use plancheck::ids::{ChannelId, MessageId, UserId};
use plancheck::packs::PackSet;
use std::sync::Arc;

#[path = "support/conversations.rs"]
mod conversations;

/// Feeds a conversation to a fresh detector (one message a minute, authors taking turns);
/// returns the first prompt.
fn first_prompt(messages: &[String]) -> Option<Detection> {
    let packs = PackSet::shipped().unwrap();
    let mut detector = Detector::new(
        Arc::new(CompiledCues::shipped().unwrap()),
        Arc::new(PackRanker::new(&packs)),
    );
    let settings = Settings::default();
    messages.iter().enumerate().find_map(|(i, text)| {
        let msg = ChatMessage {
            id: MessageId(i as u64 + 1),
            channel: ChannelId(1),
            author: UserId(i as u64 % 3 + 1),
            author_is_bot: false,
            at: chrono::DateTime::from_timestamp(1_700_000_000 + i as i64 * 60, 0).unwrap(),
            text: text.clone(),
        };
        detector.observe(&msg, &settings)
    })
}

#[test]
fn every_feature_discussion_gets_a_prompt() {
    let missed: Vec<String> = conversations::features()
        .into_iter()
        .filter(|c| first_prompt(&c.messages).is_none())
        .map(|c| c.name)
        .collect();
    assert!(missed.is_empty(), "no prompt for: {missed:?}");
}

#[test]
fn everyday_talk_never_gets_a_prompt() {
    let nags: Vec<String> = conversations::quiet()
        .into_iter()
        .filter_map(|c| {
            first_prompt(&c.messages)
                .map(|d| format!("{}: {:?} ({:.2})", c.name, d.reasons(5), d.score))
        })
        .collect();
    assert!(nags.is_empty(), "prompted during:\n{}", nags.join("\n"));
}
