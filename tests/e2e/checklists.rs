//! Checklists: starting one (thread, pages, no thread permission), answering (modal, reply, every /plan command), more questions, suggestions and autocomplete.

use crate::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_checklist_opens_a_thread_with_pages_and_a_replayed_click_changes_nothing() {
    let h = Harness::start(&[WATCHED]).await;
    let (thread, pages) = start_checklist(&h).await;
    // Overview + ceil(44 / 5) pages for payments + the four core packs.
    let store = h.store().await;
    let plan = store.plan(PlanId(1)).await.unwrap().unwrap();
    assert_eq!(plan.thread, Some(ChannelId(thread)));
    let expected: usize = plan
        .questions
        .chunk_by(|a, b| a.category == b.category)
        .map(|g| g.len().div_ceil(5))
        .sum();
    assert_eq!(
        pages.len(),
        1 + expected,
        "an overview, then pages of up to five questions of one category"
    );
    assert!(content(&pages[0]).starts_with("**Checklist:"));
    for p in &pages {
        assert!(mentions_suppressed(p), "{}", p.body);
        assert!(content(p).chars().count() <= 2000);
    }
    assert!(content(&pages[1]).contains("**Q1**"));
    // The form's button, then one *Why Q3?* per question (tests/e2e/reading.rs).
    let mut expected = vec!["pc1:answer:1:1:5".to_string()];
    expected.extend((1..=5).map(|n| format!("pc1:why:1:{n}")));
    assert_eq!(custom_ids(&pages[1].body), expected);

    // The same INTERACTION_CREATE again (a replay), then a second click by someone else:
    // no second plan, thread or page; the replay gets no answer, the new click is told.
    let prompt = h.posts(WATCHED).into_iter().find(is_prompt).unwrap();
    let token = "token300000000000000001";
    let answered = |r: &[Recorded]| r.iter().filter(|r| r.path.contains(token)).count();
    let before = answered(&h.fake.requests());
    h.press(300_000_000_000_000_001, &prompt, "start");
    h.press(300_000_000_000_000_002, &prompt, "start");
    h.wait_response(300_000_000_000_000_002, "the second click's answer", |r| {
        content(r).contains("already open")
    })
    .await;
    assert_eq!(
        answered(&h.fake.requests()),
        before,
        "a replay gets no response"
    );
    assert_eq!(h.threads().len(), 1);
    assert_eq!(h.posts(thread).len(), pages.len());
    assert_eq!(
        store
            .list_plans(&Default::default(), 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_modal_records_several_answers_and_a_reply_records_one() {
    let h = Harness::start(&[WATCHED]).await;
    let (thread, pages) = start_checklist(&h).await;
    let answer_button = &custom_ids(&pages[1].body)[0];
    h.fake.click(
        300_000_000_000_000_030,
        thread,
        ALICE,
        answer_button,
        &pages[1].response,
    );
    let modal = h
        .wait_response(300_000_000_000_000_030, "a modal", |r| {
            r.body["type"] == json!(9)
        })
        .await;
    let rows = modal.body["data"]["components"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    for row in rows {
        let input = &row["components"][0];
        assert!(input["label"].as_str().unwrap().chars().count() <= 45);
        assert!(input["placeholder"].as_str().unwrap().chars().count() <= 100);
    }
    assert!(
        modal.body["data"]["title"]
            .as_str()
            .unwrap()
            .chars()
            .count()
            <= 45
    );
    let modal_id = modal.body["data"]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    h.fake.submit(
        300_000_000_000_000_031,
        thread,
        ALICE,
        &modal_id,
        &[
            ("q1", "Idempotency-Key, 24 h @everyone"),
            ("q2", "reconcile hourly"),
            ("q3", ""),
        ],
    );
    let done = h
        .wait_response(300_000_000_000_000_031, "the modal's confirmation", |r| {
            content(r).contains("Recorded")
        })
        .await;
    assert_eq!(content(&done), "Recorded Q1, Q2.");
    assert!(mentions_suppressed(&done), "{}", done.body);

    // A reply to the page message, naming the question.
    let page_id: u64 = pages[1].response["id"].as_str().unwrap().parse().unwrap();
    h.fake.message_create_with(
        500_000_000_000_000_031,
        thread,
        ALICE,
        "Q4: only support leads, up to the captured amount",
        Some(page_id),
    );
    h.fake
        .wait_for("a ✅ reaction", |r| {
            r.iter()
                .any(|r| r.method == "PUT" && r.path.contains("/reactions/"))
        })
        .await;
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    for (q, text) in [
        ("Q1", "Idempotency-Key, 24 h @everyone"),
        ("Q2", "reconcile hourly"),
        ("Q4", "only support leads, up to the captured amount"),
    ] {
        let question = plan.find_question(q).unwrap();
        match plan.state(&question.id) {
            QuestionState::Answered { latest, .. } => assert_eq!(latest.text, text),
            s => panic!("{q}: {s:?}"),
        }
    }
    assert!(
        plan.is_open(&plan.find_question("Q3").unwrap().id),
        "an empty field records nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_plan_command_works_and_export_attaches_the_summary() {
    let h = Harness::start(&[]).await;
    let (started, thread) = h
        .start_by_command(300_000_000_000_000_050, "Bulk export", "api")
        .await;
    assert!(content(&started).contains(&format!("<#{thread}>")));
    assert!(
        content(&started).contains("Checklist “Bulk export” started"),
        "{}",
        content(&started)
    );

    let run = |id: u64, sub: &str, options: Value| h.plan_command(id, thread, sub, options);
    run(
        300_000_000_000_000_051,
        "answer",
        json!([{"name": "question", "type": 3, "value": "Q1"}, {"name": "text", "type": 3, "value": "web and @everyone mobile"}]),
    );
    let r = h
        .wait_response(300_000_000_000_000_051, "answer", |r| {
            content(r).starts_with("Recorded Q1.")
        })
        .await;
    assert!(mentions_suppressed(&r), "{}", r.body);
    // A replay of the same interaction records nothing new and gets no second response.
    let answered = |r: &[Recorded]| {
        r.iter()
            .filter(|r| r.path.contains("token300000000000000051"))
            .count()
    };
    let before = answered(&h.fake.requests());
    run(
        300_000_000_000_000_051,
        "answer",
        json!([{"name": "question", "type": 3, "value": "Q1"}, {"name": "text", "type": 3, "value": "web and @everyone mobile"}]),
    );
    run(
        300_000_000_000_000_052,
        "skip",
        json!([{"name": "question", "type": 3, "value": "Q2"}, {"name": "reason", "type": 3, "value": "all synchronous"}]),
    );
    h.wait_response(300_000_000_000_000_052, "skip", |r| {
        content(r).starts_with("Skipped Q2. ") && content(r).contains("% decided")
    })
    .await;
    assert_eq!(
        answered(&h.fake.requests()),
        before,
        "the replay got no response"
    );
    run(
        300_000_000_000_000_053,
        "reopen",
        json!([{"name": "question", "type": 3, "value": "Q2"}]),
    );
    h.wait_response(300_000_000_000_000_053, "reopen", |r| {
        content(r).starts_with("Reopened Q2. ") && content(r).contains("% decided")
    })
    .await;
    run(
        300_000_000_000_000_054,
        "answer",
        json!([{"name": "question", "type": 3, "value": "Q99"}, {"name": "text", "type": 3, "value": "x"}]),
    );
    let e = h
        .wait_response(300_000_000_000_000_054, "a user error", |r| {
            content(r).contains("no question 'Q99'")
        })
        .await;
    assert_eq!(
        e.body["data"]["flags"],
        json!(64),
        "user mistakes are ephemeral"
    );
    run(300_000_000_000_000_055, "status", json!([]));
    h.wait_response(300_000_000_000_000_055, "status", |r| {
        content(r).contains("\"Bulk export\" (open, not ready): 10% decided")
    })
    .await;
    run(300_000_000_000_000_056, "next", json!([]));
    h.wait_response(300_000_000_000_000_056, "next", |r| {
        content(r).contains("⚠")
    })
    .await;
    run(
        300_000_000_000_000_057,
        "export",
        json!([{"name": "format", "type": 4, "value": 1}]),
    );
    let export = h
        .wait_response(300_000_000_000_000_057, "an attachment", |r| {
            !r.files.is_empty()
        })
        .await;
    let (name, body) = &export.files[0];
    assert_eq!(name, "plan-1-bulk-export.json");
    let v: Value = serde_json::from_str(body).unwrap();
    assert_eq!(
        v["questions"][0]["answer"]["text"],
        "web and @everyone mobile"
    );
    assert_eq!(
        v["questions"][0]["history"].as_array().unwrap().len(),
        1,
        "the replay added no revision"
    );
    // Critical questions are open: the close is refused, naming them, with *Close anyway*.
    run(300_000_000_000_000_058, "close", json!([]));
    let refused = h
        .wait_response(300_000_000_000_000_058, "the refused close", |r| {
            content(r).contains("stays open")
        })
        .await;
    assert!(
        content(&refused).contains("critical and open"),
        "{}",
        refused.body
    );
    assert!(mentions_suppressed(&refused), "{}", refused.body);
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    assert_eq!(plan.status.as_str(), "open");
    let anyway = custom_ids(&refused.body["data"]);
    assert_eq!(anyway, vec!["pc1:close:1".to_string()]);
    let message = h.fake.message(&thread.to_string(), &refused.body["data"]);
    h.fake
        .click(300_000_000_000_000_158, thread, ALICE, &anyway[0], &message);
    let edit = h
        .fake
        .wait_for("the close message's edit", |r| {
            r.iter()
                .any(|r| r.method == "PATCH" && content(r).contains("closed unready"))
        })
        .await
        .into_iter()
        .find(|r| r.method == "PATCH" && content(r).contains("closed unready"))
        .unwrap();
    assert_eq!(edit.body["components"], json!([]), "the button is gone");
    assert!(mentions_suppressed(&edit), "{}", edit.body);
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    assert!(plan.closed_unready());
    h.fake.command(
        300_000_000_000_000_059,
        Caller {
            channel: OTHER,
            user: ALICE,
            perms: 0,
        },
        "plan",
        slash("list", json!([])),
        json!({}),
    );
    h.wait_response(300_000_000_000_000_059, "list", |r| {
        content(r).contains("**Bulk export** (closed, 1/10 decided)")
    })
    .await;
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    assert_eq!(plan.events.len(), 3, "answer, skip, reopen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_thread_permission_the_checklist_goes_in_the_channel_with_a_notice() {
    let h = Harness::start(&[WATCHED]).await;
    h.fake.fail("POST", "/threads", 403);
    let prompt = h.prompt(WATCHED, 500_000_000_000_000_070).await;
    h.press(300_000_000_000_000_070, &prompt, "start");
    let r = h
        .wait_response(300_000_000_000_000_070, "the notice", |r| {
            content(r).contains("Create Public Threads")
        })
        .await;
    assert!(
        content(&r).contains(&format!("Checklist started in <#{WATCHED}>")),
        "{}",
        content(&r)
    );
    assert!(
        h.posts(WATCHED)
            .iter()
            .any(|p| content(p).starts_with("**Checklist:")),
        "overview in the channel"
    );
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    assert_eq!(plan.thread, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_question_option_autocompletes_from_the_plan_in_this_channel() {
    let h = Harness::start(&[]).await;
    let (started, thread) = h
        .start_by_command(300_000_000_000_000_100, "Refunds", "payments")
        .await;
    assert!(
        content(&started).contains("“Refunds”"),
        "{}",
        content(&started)
    );
    let typing = slash(
        "answer",
        json!([{"name": "question", "type": 3, "value": "refund", "focused": true}]),
    );
    h.fake.autocomplete(
        300_000_000_000_000_101,
        Caller {
            channel: thread,
            user: ALICE,
            perms: 0,
        },
        "plan",
        typing,
    );
    let r = h
        .wait_response(300_000_000_000_000_101, "choices", |r| {
            r.body["type"] == json!(8)
        })
        .await;
    let choices = r.body["data"]["choices"].as_array().unwrap();
    assert!(!choices.is_empty() && choices.len() <= 25);
    for c in choices {
        let name = c["name"].as_str().unwrap();
        assert!(name.to_lowercase().contains("refund"), "{name}");
        assert!(name.chars().count() <= 100);
        assert!(c["value"].as_str().unwrap().starts_with('Q'));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standard_checklist_is_short_and_plan_more_adds_pages_to_its_thread() {
    let h = Harness::start_with(&[WATCHED], |c| {
        c.stderr(Stdio::inherit())
            .env("PLANCHECK_DEPTH", "standard");
    })
    .await;
    let (thread, pages) = start_checklist(&h).await;
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    let n = plan.questions.len();
    assert!(
        (8..=12).contains(&n),
        "a standard checklist holds 8 to 12, not {n}"
    );
    assert_eq!(plan.depth.as_str(), "standard");

    let more = slash("more", json!([{"name": "count", "type": 4, "value": 3}]));
    h.fake.command(
        300_000_000_000_000_700,
        Caller {
            channel: thread,
            user: ALICE,
            perms: 0,
        },
        "plan",
        more,
        json!({}),
    );
    let r = h
        .wait_response(300_000_000_000_000_700, "the more confirmation", |r| {
            content(r).contains("Added 3 questions")
        })
        .await;
    assert!(mentions_suppressed(&r), "{}", r.body);
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    assert_eq!(plan.questions.len(), n + 3);
    // The new questions are posted in the thread, with answer buttons for their numbers.
    let new_pages: Vec<Recorded> = h.posts(thread)[pages.len()..].to_vec();
    assert!(!new_pages.is_empty());
    let numbers: Vec<String> = new_pages.iter().flat_map(|p| custom_ids(&p.body)).collect();
    assert!(
        numbers
            .iter()
            .all(|c| c.split(':').nth(3).unwrap().parse::<usize>().unwrap() > n),
        "{numbers:?}"
    );

    // The overview's *More questions* button does the same, privately confirmed.
    let overview = &pages[0];
    let button = custom_ids(&overview.body);
    assert_eq!(button, vec!["pc1:more:1".to_string()]);
    h.fake.click(
        300_000_000_000_000_701,
        thread,
        ALICE,
        &button[0],
        &overview.response,
    );
    let r = h
        .wait_response(300_000_000_000_000_701, "the button's confirmation", |r| {
            content(r).contains("Added 5 questions")
        })
        .await;
    assert_eq!(r.body["flags"], json!(64), "ephemeral");
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    assert_eq!(plan.questions.len(), n + 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_already_said_is_suggested_and_accepted_with_one_click() {
    const BOB: u64 = 400_000_000_000_000_002;
    const SAID: u64 = 500_000_000_000_000_021;
    let h = Harness::start(&[WATCHED, SECOND]).await;
    // A prompt in another channel first: by then the bot takes each connection's messages
    // in order (until its listener is in place they arrive as separate tasks, and the
    // HMAC sentence could land first and count as the opening message).
    h.prompt(SECOND, 500_000_000_000_000_019).await;
    h.fake.message_create(
        500_000_000_000_000_020,
        WATCHED,
        ALICE,
        "stripe will send us refund webhooks for card payments, we need a receiver for them",
    );
    h.fake.message_create(
        SAID,
        WATCHED,
        BOB,
        "we'll verify the HMAC signature @everyone and reject anything with a timestamp older than 5 min",
    );
    let (thread, pages) = start_checklist(&h).await;
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    let verify = plan
        .questions
        .iter()
        .find(|q| q.suggested.is_some())
        .expect("a question got the HMAC sentence as its suggested answer");
    let accept = format!("pc1:accept:1:{}", verify.number);
    let page = pages
        .iter()
        .find(|p| custom_ids(&p.body).contains(&accept))
        .expect("the page of that question has an Accept button for it");
    assert!(
        content(page).contains("Already said by user400000000000000002"),
        "{}",
        content(page)
    );
    assert!(mentions_suppressed(page), "{}", page.body);

    h.fake.click(
        300_000_000_000_000_900,
        thread,
        ALICE,
        &accept,
        &page.response,
    );
    let r = h
        .wait_response(300_000_000_000_000_900, "the accept confirmation", |r| {
            content(r).contains(&format!("Recorded Q{}", verify.number))
        })
        .await;
    assert_eq!(r.body["flags"], json!(64), "ephemeral");
    assert!(mentions_suppressed(&r), "{}", r.body);
    // Recorded as Bob's answer (he said it), with the message it was said in.
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    let QuestionState::Answered { latest, .. } = plan.state(&verify.id) else {
        panic!("not answered")
    };
    assert_eq!(latest.author.id, plancheck::ids::UserId(BOB));
    assert_eq!(latest.said_in.map(|m| m.0), Some(SAID));
    // The page now shows the answer and no Accept button for it, and cannot ping.
    let page_id = page.response["id"].as_str().unwrap();
    let edit = h
        .fake
        .wait_for("the page's edit", |r| {
            r.iter()
                .any(|r| r.method == "PATCH" && r.path.ends_with(page_id))
        })
        .await
        .into_iter()
        .find(|r| r.method == "PATCH" && r.path.ends_with(page_id))
        .unwrap();
    assert!(!custom_ids(&edit.body).contains(&accept), "{}", edit.body);
    assert!(content(&edit).contains("✅"), "{}", edit.body);
    assert!(mentions_suppressed(&edit), "{}", edit.body);
}
