//! Design channels as a team lives in them: every feature discussion in
//! `fixtures/conversations.toml` gets a prompt, and at most one of the everyday talk in
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
            reply_to: None,
            author_name: String::new(),
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

/// At most one of the 26 everyday conversations prompts. The learned model prompts on
/// about 4 % of other talk written by someone else (`plancheck train --cv`); asking for
/// exactly none here would mean fitting it to these fixtures, which is how the hand-tuned
/// cues came to notice too little elsewhere. Which one prompts is printed on failure.
#[test]
fn everyday_talk_almost_never_gets_a_prompt() {
    let quiet = conversations::quiet();
    assert!(
        quiet.len() >= 20,
        "too few everyday conversations to say anything"
    );
    let nags: Vec<String> = quiet
        .into_iter()
        .filter_map(|c| {
            first_prompt(&c.messages)
                .map(|d| format!("{}: {:?} ({:.2})", c.name, d.reasons(5), d.score))
        })
        .collect();
    assert!(nags.len() <= 1, "prompted during:\n{}", nags.join("\n"));
}

/// Feeds `(author, seconds after the first, text)` to one channel; returns the index of
/// each message that prompted.
fn prompts_at(said: &[(u64, i64, &str)]) -> Vec<usize> {
    let packs = PackSet::shipped().unwrap();
    let mut detector = Detector::new(
        Arc::new(CompiledCues::shipped().unwrap()),
        Arc::new(PackRanker::new(&packs)),
    );
    let settings = Settings::default();
    said.iter()
        .enumerate()
        .filter_map(|(i, (author, secs, text))| {
            let msg = ChatMessage {
                id: MessageId(i as u64 + 1),
                channel: ChannelId(1),
                author: UserId(*author),
                author_is_bot: false,
                at: chrono::DateTime::from_timestamp(1_700_000_000 + secs, 0).unwrap(),
                text: text.to_string(),
                reply_to: None,
                author_name: String::new(),
            };
            detector.observe(&msg, &settings).map(|_| i)
        })
        .collect()
}

const BUG_THREAD: [(u64, i64, &str); 4] = [
    (
        1,
        0,
        "checkout returns a 500 for some eu customers since this morning",
    ),
    (
        2,
        40,
        "stack trace says NullPointerException in the tax lookup, region is null",
    ),
    (
        1,
        80,
        "yeah the address service returned no region for those, I'll patch it",
    ),
    (3, 120, "fix is deployed, error rate back to normal"),
];

#[test]
fn a_bug_thread_alone_gets_no_prompt() {
    assert_eq!(prompts_at(&BUG_THREAD), Vec::<usize>::new());
}

#[test]
fn a_proposal_right_after_a_bug_thread_gets_its_prompt_at_the_proposal() {
    let mut said = BUG_THREAD.to_vec();
    said.extend([
        (
            2,
            160,
            "separate thing: sales keeps asking for invoices in the customer's own currency",
        ),
        (
            3,
            190,
            "do we convert at checkout and store the rate on the order, or convert when we render the invoice?",
        ),
        (2, 220, "store it on the order, rates change and invoices must not"),
    ]);
    let got = prompts_at(&said);
    assert!(
        got.first().is_some_and(|&i| i >= BUG_THREAD.len()),
        "prompted at {got:?}; the proposal starts at {}",
        BUG_THREAD.len()
    );
}
