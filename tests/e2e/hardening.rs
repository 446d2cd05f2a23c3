//! Hardening, end to end through the stand-in: one message or one member cannot break a
//! server, forged buttons change nothing, the token stays out of every log, failed requests
//! lose nothing, a replayed session gets no second response, and a stop is a stop.

use crate::prelude::*;

/// Responses (interaction callbacks and follow-ups) sent for interaction `id`.
fn responses_to(r: &[Recorded], id: u64) -> usize {
    let token = format!("token{id}");
    r.iter().filter(|r| r.path.contains(&token)).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_that_once_panicked_detection_leaves_every_channel_prompting() {
    let h = Harness::start(&[WATCHED, SECOND]).await;
    // A multi-byte character right after a cue used to panic while the detector's lock was
    // held, which silenced every channel of every server from then on.
    h.fake.message_create(
        500_000_000_000_000_101,
        WATCHED,
        ALICE,
        "we should add naïve refunds to the checkout flow, it would be nice to have an option to undo a charge",
    );
    h.fake
        .wait_for("a prompt in the first channel", |r| {
            prompts_in(r, WATCHED) == 1
        })
        .await;
    let other = h.prompt(SECOND, 500_000_000_000_000_102).await;
    assert!(content(&other).contains("Sounds like a new feature"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_buttons_and_forms_from_another_server_or_channel_change_nothing() {
    let h = Harness::start(&[WATCHED, SECOND]).await;
    // Server 1 has an open plan in WATCHED and a pending prompt in SECOND.
    let (_, thread) = h
        .start_by_command(300_000_000_000_000_200, "Refunds", "payments")
        .await;
    h.fake
        .message_create(500_000_000_000_000_201, SECOND, ALICE, FEATURE);
    h.fake
        .wait_for("a prompt", |r| prompts_in(r, SECOND) == 1)
        .await;
    let prompt = h.posts(SECOND).into_iter().find(is_prompt).unwrap();
    let before = h.fake.requests().len();

    // Someone crafts the same custom ids elsewhere: from another server (as its admin),
    // and from another channel of the same server.
    let places = [(OTHER_GUILD, 610_000_000_000_000_001), (GUILD, OTHER)];
    let mut id = 300_000_000_000_000_210;
    let mut forged = Vec::new();
    for (guild, channel) in places {
        for action in ["start", "dismiss", "mute"] {
            id += 1;
            let custom = button(&prompt, action);
            h.fake.click_in(
                guild,
                id,
                channel,
                ALICE,
                u64::MAX >> 14,
                &custom,
                &prompt.response,
            );
            forged.push(id);
        }
        id += 1;
        h.fake.click_in(
            guild,
            id,
            channel,
            ALICE,
            0,
            "pc1:answer:1:1:5",
            &prompt.response,
        );
        forged.push(id);
        id += 1;
        h.fake
            .click_in(guild, id, channel, ALICE, 0, "pc1:more:1", &prompt.response);
        forged.push(id);
        id += 1;
        h.fake.submit_in(
            guild,
            id,
            channel,
            ALICE,
            "pc1:modal:1:1:5",
            &[("q1", "forged answer")],
        );
        forged.push(id);
    }
    for f in &forged {
        h.wait_response(*f, "a refusal", |r| content(r).contains("belongs to"))
            .await;
        // The person is answered privately: an ephemeral message, or an ephemeral deferral
        // or follow-up carrying the refusal.
        let token = format!("token{f}");
        let private = h.fake.requests().iter().any(|r| {
            r.path.contains(&token)
                && (r.body["flags"].as_u64().unwrap_or(0) & 64 == 64
                    || r.body["data"]["flags"].as_u64().unwrap_or(0) & 64 == 64)
        });
        assert!(private, "the refusal of {f} is ephemeral");
    }

    // Nothing changed: no plan started, no answer, no mute, no feedback, no thread, and
    // nothing posted anywhere but the refusals.
    let store = h.store().await;
    let plans = store
        .list_plans(
            &PlanFilter {
                guild: None,
                channel: None,
                status: None,
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(plans.len(), 1, "{plans:?}");
    let plan = store.plan(PlanId(1)).await.unwrap().unwrap();
    assert!(plan.events.is_empty(), "{:?}", plan.events);
    assert_eq!(plan.thread, Some(ChannelId(thread)));
    let det = store.recent_detections(GuildId(GUILD), 5).await.unwrap();
    assert_eq!(det[0].outcome, Outcome::Pending);
    for ch in [WATCHED, SECOND] {
        let w = store.watched(ChannelId(ch)).await.unwrap().unwrap();
        assert_eq!(w.muted_until, None);
    }
    let fb = store
        .feedback_counts(
            GuildId(GUILD),
            chrono::Utc::now() - chrono::Duration::hours(1),
        )
        .await
        .unwrap();
    assert_eq!((fb.not_feature, fb.started), (0, 0));
    let after = h.fake.requests();
    let other: Vec<_> = after[before..]
        .iter()
        .filter(|r| !forged.iter().any(|f| r.path.contains(&format!("token{f}"))))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(other.is_empty(), "only refusals were sent: {other:?}");

    // Control: the same Start button pressed where it was posted works.
    h.fake.click(
        300_000_000_000_000_299,
        SECOND,
        ALICE,
        &button(&prompt, "start"),
        &prompt.response,
    );
    h.wait_response(300_000_000_000_000_299, "the start confirmation", |r| {
        content(r).contains("Checklist started in")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_never_appears_in_a_trace_log() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("bot.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let h = Harness::start_with(&[WATCHED], |c| {
        c.env("RUST_LOG", "trace").stderr(Stdio::from(log));
    })
    .await;
    // IDENTIFY, then a dropped connection and a RESUME, then some ordinary traffic.
    h.fake.wait_for_sessions(1).await;
    h.fake.drop_connections();
    h.fake.wait_for_sessions(2).await;
    h.prompt(WATCHED, 500_000_000_000_000_301).await;
    drop(h);
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert!(
        text.contains("trace logging:") && text.contains("Sending resume"),
        "the bot logged at trace level through IDENTIFY and RESUME:\n{text}"
    );
    let token = "test.token.value";
    let bytes = token.as_bytes();
    let decimal = bytes
        .iter()
        .map(|b| b.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let decimal_tight = decimal.replace(' ', "");
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hex_spaced = bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ");
    for (form, needle) in [
        ("text", token.to_string()),
        ("decimal bytes", decimal),
        ("decimal bytes", decimal_tight),
        ("hex", hex),
        ("hex bytes", hex_spaced),
    ] {
        assert!(
            !text.to_lowercase().contains(&needle),
            "the token appears in the log as {form}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_prompt_is_retried_and_one_that_still_fails_is_kept_and_shown() {
    let h = Harness::start(&[WATCHED, SECOND]).await;
    let path = format!("/channels/{WATCHED}/messages");
    // Two failures (a 500 and a rate limit), then Discord takes it: the prompt is posted.
    h.fake.fail_times("POST", &path, 500, 1);
    h.fake.fail_times("POST", &path, 429, 1);
    let prompt = h.prompt(WATCHED, 500_000_000_000_000_401).await;
    let attempts = h
        .fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with(&path))
        .count();
    assert_eq!(attempts, 3);
    // The bot records the posted prompt right after Discord's answer: wait for it.
    let posted: u64 = prompt.response["id"].as_str().unwrap().parse().unwrap();
    let store = h.store().await;
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let det = loop {
        let d = store.recent_detections(GuildId(GUILD), 5).await.unwrap();
        if d[0].prompt_message_id.is_some() {
            break d;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the prompt was never recorded"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(det[0].prompt_message_id.map(|m| m.0), Some(posted));
    assert_eq!(det[0].undelivered, None);

    // In SECOND every attempt fails: the prompt is kept as undelivered, with the reason…
    let second = format!("/channels/{SECOND}/messages");
    h.fake.fail("POST", &second, 500);
    h.fake
        .message_create(500_000_000_000_000_402, SECOND, ALICE, FEATURE);

    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let lost = loop {
        let recent = store.recent_detections(GuildId(GUILD), 5).await.unwrap();
        if let Some(d) = recent.into_iter().find(|d| d.undelivered.is_some()) {
            break d;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no undelivered prompt recorded"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(lost.channel, ChannelId(SECOND));
    assert!(
        lost.undelivered.as_deref().unwrap().contains("500"),
        "{lost:?}"
    );
    assert!(
        lost.undelivered.as_deref().unwrap().contains("4 attempts"),
        "{lost:?}"
    );
    let tries = h
        .fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with(&second))
        .count();
    assert_eq!(tries, 4, "bounded retries");

    // …shown by /plancheck status…
    h.admin(300_000_000_000_000_403, MANAGE_GUILD, "status", json!([]));
    let status = h
        .wait_response(300_000_000_000_000_403, "the status", |r| {
            content(r).contains("Undelivered prompts: 1")
        })
        .await;
    assert!(content(&status).contains(&format!("<#{SECOND}>")));

    // …and the channel is not left in a cooldown for a prompt nobody saw.
    h.fake.heal();
    h.prompt(SECOND, 500_000_000_000_000_404).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replayed_session_gets_no_second_response_or_reaction() {
    let h = Harness::start(&[WATCHED]).await;
    let (thread, pages) = start_checklist(&h).await;
    let modal_id = h
        .open_form(300_000_000_000_000_501, thread, &pages[1])
        .await;
    h.fake.submit(
        300_000_000_000_000_502,
        thread,
        ALICE,
        &modal_id,
        &[("q1", "Idempotency-Key, 24 h")],
    );
    h.wait_response(300_000_000_000_000_502, "the confirmation", |r| {
        content(r).contains("Recorded")
    })
    .await;
    let page_id: u64 = pages[1].response["id"].as_str().unwrap().parse().unwrap();
    h.fake.message_create_with(
        500_000_000_000_000_503,
        thread,
        ALICE,
        "Q2: reconcile hourly",
        Some(page_id),
    );
    let reaction = |r: &Recorded| r.method == "PUT" && r.path.contains("/reactions/");
    h.fake
        .wait_for("a ✅", |r| r.iter().filter(|r| reaction(r)).count() == 1)
        .await;
    let before = h.fake.requests();

    // The gateway replays the whole session; then one new reply, to know it was handled.
    h.fake.replay_all();
    h.fake.message_create_with(
        500_000_000_000_000_504,
        thread,
        ALICE,
        "Q3: the sentinel answer",
        Some(page_id),
    );
    let after = h
        .fake
        .wait_for("the sentinel's ✅", |r| {
            r.iter().filter(|r| reaction(r)).count() >= 2
        })
        .await;
    let new: Vec<String> = after[before.len()..]
        .iter()
        .filter(|r| !(reaction(r) && r.path.contains(&"500000000000000504".to_string())))
        .filter(|r| !r.path.contains("/messages/500000000000000504/"))
        .map(|r| format!("{} {} {}", r.method, r.path, r.status))
        .collect();
    assert!(new.is_empty(), "the replay sent: {new:?}");
    for id in [
        300_000_000_000_000_001,
        300_000_000_000_000_501,
        300_000_000_000_000_502,
    ] {
        assert_eq!(
            responses_to(&after, id),
            responses_to(&before, id),
            "interaction {id}"
        );
    }
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    assert_eq!(
        plan.events.len(),
        3,
        "Q1, Q2 and the sentinel's Q3, once each"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_bot_while_it_cannot_reach_discord() {
    let fake = Fake::start().await;
    fake.make_gateway_unreachable().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = bot_command(&fake, &dir.path().join("bot.db"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // The bot has asked where the gateway is and is now failing to connect to it.
    fake.wait_for("the gateway lookup", |r| {
        r.iter().any(|r| r.path == "/api/v10/gateway")
    })
    .await;
    let pid = child.id().to_string();
    let signalled = std::time::Instant::now();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = wait_exit(&mut child, Duration::from_secs(10));
    assert!(status.success(), "{status:?}");
    assert!(signalled.elapsed() < Duration::from_secs(10));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_whose_confirmation_fails_stays_stored_and_is_confirmed_another_way() {
    let h = Harness::start(&[WATCHED]).await;
    let (thread, pages) = start_checklist(&h).await;
    // The ✅ cannot be added: the reply is confirmed with a message instead.
    h.fake.fail("PUT", "/reactions/", 403);
    let page_id: u64 = pages[1].response["id"].as_str().unwrap().parse().unwrap();
    h.fake.message_create_with(
        500_000_000_000_000_601,
        thread,
        ALICE,
        "Q2: reconcile hourly",
        Some(page_id),
    );
    h.fake
        .wait_for("a confirming reply", |r| {
            r.iter().any(|r| {
                r.method == "POST"
                    && r.status < 300
                    && r.path.ends_with(&format!("/channels/{thread}/messages"))
                    && content(r) == "Recorded Q2."
            })
        })
        .await;

    // The form's confirmation cannot be edited in: a private follow-up says it instead.
    h.fake.fail("PATCH", "/messages/@original", 500);
    let modal_id = h
        .open_form(300_000_000_000_000_602, thread, &pages[1])
        .await;
    h.fake.submit(
        300_000_000_000_000_603,
        thread,
        ALICE,
        &modal_id,
        &[("q1", "Idempotency-Key, 24 h")],
    );
    let followup = h
        .wait_response(300_000_000_000_000_603, "a follow-up", |r| {
            r.method == "POST" && r.status < 300 && content(r) == "Recorded Q1."
        })
        .await;
    assert_eq!(followup.body["flags"], json!(64), "ephemeral");

    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    for q in ["Q1", "Q2"] {
        let id = &plan.find_question(q).unwrap().id;
        assert!(!plan.is_open(id), "{q} is stored");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_discord_refuses_is_apologised_for_with_a_reference_not_its_raw_error() {
    let h = Harness::start(&[WATCHED]).await;
    let prompt = h.prompt(WATCHED, 500_000_000_000_000_090).await;
    // From now on every message the bot posts is refused; its answers to the button
    // (interaction follow-ups) still get through.
    h.fake.fail("POST", "/messages", 403);
    h.press(300_000_000_000_000_090, &prompt, "start");
    let r = h
        .wait_response(300_000_000_000_000_090, "the apology", |r| {
            content(r).contains("Sorry, I could not post the checklist")
        })
        .await;
    let text = content(&r);
    assert!(text.contains("(ref 300000000000000090)"), "{text}");
    assert!(
        !text.contains("injected failure") && !text.contains("403"),
        "the raw error stays in the log: {text}"
    );
    assert_eq!(r.body["flags"], json!(64), "ephemeral");
    // The plan itself was saved before the post failed.
    assert!(h.store().await.plan(PlanId(1)).await.unwrap().is_some());
}
