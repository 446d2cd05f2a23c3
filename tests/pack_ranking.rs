//! The right questions for the discussion: realistic conversations and the packs each
//! should suggest (`tests/fixtures/conversations.toml`), ranked over the whole window.

use plancheck::detect::{ChatMessage, CompiledCues, Detector, PackRanker, Settings, normalize};
use plancheck::ids::{ChannelId, MessageId, UserId};
use plancheck::packs::{PackKind, PackSet};
use std::collections::BTreeSet;
use std::sync::Arc;

#[path = "support/conversations.rs"]
mod conversations;

fn suggested(ranker: &PackRanker, texts: &[String]) -> Vec<String> {
    let prose: Vec<String> = texts.iter().map(|t| normalize::prose(t)).collect();
    ranker
        .rank(prose.iter().map(String::as_str), &BTreeSet::new())
        .into_iter()
        .filter(|p| p.kind != PackKind::Core)
        .map(|p| p.id)
        .collect()
}

#[test]
fn each_conversation_suggests_its_packs_in_the_top_three() {
    let packs = PackSet::shipped().unwrap();
    let ranker = PackRanker::new(&packs);
    let mut failures = Vec::new();
    for c in conversations::features() {
        let got = suggested(&ranker, &c.messages);
        let top: Vec<&String> = got.iter().take(3).collect();
        for want in &c.suggest {
            if !top.contains(&want) {
                failures.push(format!("{}: {want} not in the top three {top:?}", c.name));
            }
        }
        for unwanted in &c.not {
            if got.contains(unwanted) {
                failures.push(format!("{}: {unwanted} suggested ({got:?})", c.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_prompt_ranks_packs_over_the_whole_window_not_just_the_last_message() {
    let packs = PackSet::shipped().unwrap();
    let mut detector = Detector::new(
        Arc::new(CompiledCues::shipped().unwrap()),
        Arc::new(PackRanker::new(&packs)),
    );
    // Only the last message may prompt: the earlier ones are heard at a threshold no
    // conversation reaches.
    let quiet = Settings {
        threshold: 1000.0,
        ..Settings::default()
    };
    let settings = Settings {
        threshold: 0.0,
        ..Settings::default()
    };
    let lines = [
        "customers keep asking to get a refund on a card payment",
        "the charge and the refund must both be idempotent",
        "we should add a refunds endpoint, it would be nice to support partial refunds",
        "and let's add an option to refund a single line item",
    ];
    let mut detection = None;
    for (i, text) in lines.iter().enumerate() {
        let msg = ChatMessage {
            id: MessageId(i as u64 + 1),
            channel: ChannelId(1),
            author: UserId(1),
            author_is_bot: false,
            at: chrono::DateTime::from_timestamp(1_700_000_000 + i as i64 * 60, 0).unwrap(),
            text: text.to_string(),
            reply_to: None,
            author_name: String::new(),
        };
        let last = i == lines.len() - 1;
        detection = detector.observe(&msg, if last { &settings } else { &quiet });
        assert_eq!(detection.is_some(), last, "message {i}");
    }
    let d = detection.expect("the discussion prompts");
    assert_eq!(d.packs[0].id, "payments");
    // Charges, cards and idempotency were said only in the first two messages: the last
    // message alone fits payments less well than the whole window does.
    let last = normalize::prose(lines[lines.len() - 1]);
    let alone = PackRanker::new(&packs)
        .rank(std::iter::once(last.as_str()), &BTreeSet::new())
        .into_iter()
        .find(|p| p.id == "payments")
        .map_or(0.0, |p| p.score);
    assert!(
        d.packs[0].score > alone,
        "whole window {} against the last message alone {alone}",
        d.packs[0].score
    );
}
