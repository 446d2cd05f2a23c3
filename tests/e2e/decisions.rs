//! End to end, decisions: the real bot against the Discord stand-in marks an answer with
//! its *Mark as decision* button (a replay marks nothing twice) and exports an ADR.

use crate::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_marked_with_its_button_is_one_decision_and_the_adr_export_has_it() {
    let h = Harness::start(&[]).await;
    let (_, thread) = h
        .start_by_command(300_000_000_000_000_700, "Card refunds", "payments")
        .await;
    let run = |id: u64, sub: &str, options: Value| h.plan_command(id, thread, sub, options);
    run(
        300_000_000_000_000_701,
        "answer",
        json!([{"name": "question", "type": 3, "value": "Q1"},
               {"name": "text", "type": 3, "value": "Hosted fields instead of our own card form @everyone"}]),
    );
    let answered = h
        .wait_response(300_000_000_000_000_701, "the answer", |r| {
            content(r).starts_with("Recorded Q1.")
        })
        .await;
    assert!(mentions_suppressed(&answered), "{}", answered.body);
    let decide = "pc1:decide:1:1";
    assert_eq!(
        custom_ids(&answered.body["data"]),
        vec![decide.to_string()],
        "one *Mark Q1 as decision* button under the recorded answer"
    );
    let message = h.fake.message(&thread.to_string(), &answered.body["data"]);

    const CLICK: u64 = 300_000_000_000_000_702;
    h.fake.click(CLICK, thread, ALICE, decide, &message);
    let decided = h
        .wait_response(CLICK, "the decision", |r| {
            content(r).contains("Q1 is now a decision")
        })
        .await;
    assert!(mentions_suppressed(&decided), "{}", decided.body);
    assert!(!content(&decided).contains("@everyone"), "{}", decided.body);

    // The same click again (a gateway replay), then a second click by someone else.
    h.fake.click(CLICK, thread, ALICE, decide, &message);
    h.fake.click(
        300_000_000_000_000_703,
        thread,
        400_000_000_000_000_002,
        decide,
        &message,
    );
    let again = h
        .wait_response(300_000_000_000_000_703, "the second click", |r| {
            content(r).contains("already a decision")
        })
        .await;
    assert_eq!(again.body["flags"], json!(64), "a refusal is ephemeral");
    let replies = h
        .fake
        .requests()
        .iter()
        .filter(|r| r.path.contains(&format!("token{CLICK}")))
        .count();
    assert_eq!(
        replies, 2,
        "the replay got no response: one acknowledgement, one note"
    );
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    let marks = plan.events.iter().filter(|e| e.decision.is_some()).count();
    assert_eq!(marks, 1, "one decision");
    assert_eq!(plan.decisions().len(), 1);
    assert_eq!(plan.events.len(), 1, "marking added no answer");

    // `/plan export format:adr` attaches the decision record.
    run(
        300_000_000_000_000_704,
        "export",
        json!([{"name": "format", "type": 4, "value": 4}]),
    );
    let export = h
        .wait_response(300_000_000_000_000_704, "an attachment", |r| {
            !r.files.is_empty()
        })
        .await;
    assert!(mentions_suppressed(&export), "{}", export.body);
    let (name, body) = &export.files[0];
    assert_eq!(name, "adr-1-card-refunds.md");
    assert!(body.starts_with("# Card refunds\n"), "{body}");
    let outcome = body
        .split("## Decision Outcome")
        .nth(1)
        .expect("an outcome");
    assert!(
        outcome.contains("Hosted fields instead of our own card form"),
        "{body}"
    );
    assert!(
        body.contains("Hosted fields (chosen) · our own card form"),
        "{body}"
    );
    assert!(
        body.contains(&format!("https://discord.com/channels/{GUILD}/{thread}")),
        "a link to the plan's thread: {body}"
    );
    assert!(!body.contains("@everyone"), "{body}");
}
