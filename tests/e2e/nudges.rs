//! End to end: anti-pattern notes from the real bot against the Discord stand-in. A
//! plan's thread gets one note for "just put redis in front of it", a replayed gateway
//! session gets none, and *Not helpful* silences that nudge for the server.

use crate::prelude::*;

const REDIS: &str = "just put redis in front of it";

fn is_note(r: &Recorded) -> bool {
    r.status < 300 && content(r).contains("Measure first")
}

fn reaction(r: &Recorded) -> bool {
    r.method == "PUT" && r.path.contains("/reactions/")
}

/// Answers Q1 in `thread` by a `Q1: …` message and waits for its ✅: the bot handled
/// everything sent to the thread before it (a thread's messages are handled in order).
async fn sentinel(h: &Harness, id: u64, thread: u64, reactions_before: usize) {
    h.fake
        .message_create(id, thread, ALICE, &format!("Q1: sentinel answer {id}"));
    h.fake
        .wait_for("the sentinel's ✅", |r| {
            r.iter().filter(|r| reaction(r)).count() > reactions_before
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thread_gets_one_note_a_replay_none_and_not_helpful_silences_it_for_the_server() {
    let h = Harness::start(&[WATCHED]).await;
    let (thread, _pages) = start_checklist(&h).await;

    // A control first: rejecting the anti-pattern gets no note.
    h.fake.message_create(
        500_000_000_000_000_100,
        thread,
        ALICE,
        "let's not just slap Redis on it",
    );
    h.fake
        .message_create(500_000_000_000_000_101, thread, ALICE, REDIS);
    let seen = h
        .fake
        .wait_for("a note in the thread", |r| {
            r.iter()
                .any(|r| r.path == format!("/api/v10/channels/{thread}/messages") && is_note(r))
        })
        .await;
    let notes: Vec<&Recorded> = seen
        .iter()
        .filter(|r| r.path == format!("/api/v10/channels/{thread}/messages") && is_note(r))
        .collect();
    assert_eq!(notes.len(), 1);
    let note = notes[0].clone();
    assert!(mentions_suppressed(&note), "{}", note.body);
    assert_eq!(
        note.body["message_reference"]["message_id"],
        json!("500000000000000101"),
        "a reply to the message: {}",
        note.body
    );
    let off = custom_ids(&note.body);
    assert_eq!(off, ["pc1:nudge-off:cache_before_measuring"]);

    // The gateway replays the session, and the same anti-pattern is said again: no
    // second note for this plan.
    h.fake.replay_all();
    h.fake.message_create(
        500_000_000_000_000_102,
        thread,
        ALICE,
        "ok so let's just slap a cache on it",
    );
    let reactions = h.fake.requests().iter().filter(|r| reaction(r)).count();
    sentinel(&h, 500_000_000_000_000_103, thread, reactions).await;
    assert_eq!(
        h.posts(thread).iter().filter(|r| is_note(r)).count(),
        1,
        "one note per plan per nudge"
    );

    // *Not helpful* on the note: confirmed to the person only, the button goes away.
    h.fake.click(
        300_000_000_000_000_050,
        thread,
        ALICE,
        &off[0],
        &note.response,
    );
    let confirm = h
        .wait_response(300_000_000_000_000_050, "the confirmation", |r| {
            content(r).contains("are off for this server")
        })
        .await;
    assert!(mentions_suppressed(&confirm), "{}", confirm.body);
    assert_eq!(
        confirm.body["flags"],
        json!(64),
        "ephemeral: {}",
        confirm.body
    );

    // A second plan in the same server: the silenced nudge says nothing there.
    let (_, second) = h
        .start_by_command(300_000_000_000_000_060, "Search page", "api")
        .await;
    h.fake
        .message_create(500_000_000_000_000_110, second, ALICE, REDIS);
    let reactions = h.fake.requests().iter().filter(|r| reaction(r)).count();
    sentinel(&h, 500_000_000_000_000_111, second, reactions).await;
    assert_eq!(
        h.posts(second).iter().filter(|r| is_note(r)).count(),
        0,
        "silenced for the server"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prompt_carries_the_note_and_its_not_helpful_button() {
    let h = Harness::start(&[WATCHED]).await;
    h.fake.message_create(
        500_000_000_000_000_200,
        WATCHED,
        ALICE,
        "We should add a product comparison page @everyone, it would be nice to compare prices. Let's just put redis in front of it",
    );
    let seen = h
        .fake
        .wait_for("a prompt", |r| prompts_in(r, WATCHED) >= 1)
        .await;
    let prompt = seen.iter().find(|r| is_prompt(r)).unwrap();
    assert!(mentions_suppressed(prompt), "{}", prompt.body);
    let text = content(prompt);
    assert_eq!(text.matches("Measure first").count(), 1, "{text}");
    let ids = custom_ids(&prompt.body);
    assert!(
        ids.contains(&"pc1:nudge-off:cache_before_measuring".to_string()),
        "{ids:?}"
    );
    assert!(ids.iter().any(|i| i.contains(":start:")), "{ids:?}");

    // Control: a discussion without an anti-pattern prompts with no note.
    let h = Harness::start(&[WATCHED]).await;
    let prompt = h.prompt(WATCHED, 500_000_000_000_000_201).await;
    assert!(!content(&prompt).contains("💡"), "{}", content(&prompt));
    assert!(
        !custom_ids(&prompt.body)
            .iter()
            .any(|i| i.contains("nudge-off")),
        "{}",
        prompt.body
    );
}
