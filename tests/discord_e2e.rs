//! End to end: the real `plancheck run` binary (serenity + poise) against the local
//! stand-in for Discord in `fake_discord/`, reached through `rest_proxy`. Every wait is a
//! condition polled with a timeout; each test has its own stand-in, port and database.

#[path = "support/burst.rs"]
mod burst;
mod fake_discord;
#[path = "support/harness.rs"]
mod harness;

use harness::*;

use fake_discord::{
    ADMINISTRATOR, BOT_ID, CREATE_PUBLIC_THREADS, Caller, Fake, GUILD, MANAGE_CHANNELS,
    MANAGE_GUILD, Recorded, SEND_MESSAGES,
};
use plancheck::ids::{ChannelId, GuildId, PlanId};
use plancheck::plan::QuestionState;
use serde_json::{Value, json};
use std::process::{Command, Stdio};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feature_discussion_in_a_watched_channel_gets_one_prompt_that_cannot_ping() {
    let h = Harness::start(&[WATCHED, SECOND]).await;
    h.fake
        .message_create(500_000_000_000_000_001, OTHER, ALICE, FEATURE);
    let prompt = h.prompt(WATCHED, 500_000_000_000_000_002).await;
    assert!(mentions_suppressed(&prompt), "{}", prompt.body);
    let text = content(&prompt);
    assert!(text.contains("Payments"), "{text}");
    assert!(
        text.contains("“We should add”") && text.contains("“it would be nice”"),
        "the evidence is shown: {text}"
    );
    assert!(
        !text.contains("@everyone"),
        "typed mentions are neutralised: {text}"
    );
    assert!(text.chars().count() <= 2000);
    let labels: Vec<&str> = prompt.body["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        vec![
            "Start checklist",
            "Not a feature",
            "Mute this channel for 24h"
        ]
    );

    // A replayed MESSAGE_CREATE, then a marker prompt in a second watched channel.
    h.fake
        .message_create(500_000_000_000_000_002, WATCHED, ALICE, FEATURE);
    h.fake
        .message_create(500_000_000_000_000_003, SECOND, ALICE, FEATURE);
    let seen = h
        .fake
        .wait_for("the marker prompt", |r| prompts_in(r, SECOND) >= 1)
        .await;
    assert_eq!(prompts_in(&seen, WATCHED), 1, "the replay prompted again");
    assert_eq!(
        prompts_in(&seen, OTHER),
        0,
        "an unwatched channel got a prompt"
    );
    let store = h.store().await;
    assert_eq!(
        store
            .recent_detections(GuildId(GUILD), 10)
            .await
            .unwrap()
            .len(),
        2
    );
}

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
    // The form's button, then one *Why Q3?* per question (tests/e2e_reading.rs).
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
async fn not_a_feature_and_mute_are_recorded() {
    let h = Harness::start(&[WATCHED]).await;
    let prompt = h.prompt(WATCHED, 500_000_000_000_000_020).await;
    h.press(300_000_000_000_000_020, &prompt, "dismiss");
    let prompt_id = prompt.response["id"].as_str().unwrap().to_string();
    let edits = h
        .fake
        .wait_for("the prompt edited", |r| {
            r.iter()
                .any(|r| r.method == "PATCH" && r.path.ends_with(&prompt_id))
        })
        .await;
    let edit = edits
        .iter()
        .find(|r| r.method == "PATCH" && r.path.ends_with(&prompt_id))
        .unwrap();
    assert!(content(edit).contains("not a feature"));
    assert_eq!(edit.body["components"], json!([]));
    assert!(
        mentions_suppressed(edit),
        "edits suppress mentions too: {}",
        edit.body
    );

    // Muting the channel for everyone needs Manage Channels: a member without it is told so.
    h.press(300_000_000_000_000_022, &prompt, "mute");
    let refused = h
        .wait_response(300_000_000_000_000_022, "the mute refusal", |r| {
            content(r).contains("Manage Channels")
        })
        .await;
    assert_eq!(refused.body["flags"], json!(64), "ephemeral");
    let w = h.store().await.watched(ChannelId(WATCHED)).await.unwrap();
    assert_eq!(
        w.unwrap().muted_until,
        None,
        "a refused mute changes nothing"
    );

    h.press_as(300_000_000_000_000_021, &prompt, "mute", MANAGE_CHANNELS);
    let r = h
        .wait_response(300_000_000_000_000_021, "the mute confirmation", |r| {
            content(r).contains("muted for 24 hours")
        })
        .await;
    assert_eq!(r.body["flags"], json!(64), "ephemeral");
    let store = h.store().await;
    let w = store.watched(ChannelId(WATCHED)).await.unwrap().unwrap();
    assert!(w.muted_until.unwrap() > chrono::Utc::now() + chrono::Duration::hours(23));
    let fb = store
        .feedback_counts(
            GuildId(GUILD),
            chrono::Utc::now() - chrono::Duration::hours(1),
        )
        .await
        .unwrap();
    assert_eq!(fb.not_feature, 1);
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
async fn admin_commands_are_refused_to_members_without_manage_server() {
    let h = Harness::start(&[]).await;
    let channel = json!([{"name": "channel", "type": 7, "value": WATCHED.to_string()}]);
    h.admin(300_000_000_000_000_040, 0, "watch", channel.clone());
    let r = h
        .wait_response(300_000_000_000_000_040, "a refusal", |r| {
            content(r).contains("Manage Server")
        })
        .await;
    assert_eq!(r.body["data"]["flags"], json!(64));
    assert!(!h.is_watched(WATCHED).await);

    h.admin(300_000_000_000_000_041, ADMINISTRATOR, "watch", channel);
    h.wait_response(300_000_000_000_000_041, "watching", |r| {
        content(r).contains("Watching")
    })
    .await;
    assert!(h.is_watched(WATCHED).await);

    let settings = json!([{"name": "sensitivity", "type": 10, "value": 4.5}, {"name": "use_threads", "type": 5, "value": false}, {"name": "window_minutes", "type": 4, "value": 45}]);
    h.admin(300_000_000_000_000_042, MANAGE_GUILD, "settings", settings);
    h.wait_response(300_000_000_000_000_042, "settings", |r| {
        content(r).contains("Sensitivity (threshold): 4.50, set by hand")
    })
    .await;
    h.admin(
        300_000_000_000_000_043,
        MANAGE_GUILD,
        "settings",
        json!([{"name": "sensitivity", "type": 10, "value": 99.0}]),
    );
    h.wait_response(300_000_000_000_000_043, "a range error", |r| {
        content(r).contains("between 0.5 and 20")
    })
    .await;
    h.admin(300_000_000_000_000_044, MANAGE_GUILD, "status", json!([]));
    h.wait_response(300_000_000_000_000_044, "status", |r| {
        content(r).contains(&format!("<#{WATCHED}>"))
    })
    .await;
    let s = h
        .store()
        .await
        .guild_settings(GuildId(GUILD))
        .await
        .unwrap();
    assert_eq!(s.threshold, Some(4.5));
    assert!(!s.use_threads);
    assert_eq!(s.window_minutes, Some(45));
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

    let run = |id: u64, sub: &str, options: Value| {
        h.fake.command(
            id,
            Caller {
                channel: thread,
                user: ALICE,
                perms: 0,
            },
            "plan",
            slash(sub, options),
            json!({}),
        )
    };
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
        content(r) == "Skipped Q2."
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
        content(r) == "Reopened Q2."
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
        content(r).contains("**Bulk export** (closed, 1/10)")
    })
    .await;
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    assert_eq!(plan.events.len(), 3, "answer, skip, reopen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bot_reconnects_after_the_gateway_drops_and_survives_failed_requests() {
    let h = Harness::start(&[WATCHED, SECOND, OTHER]).await;
    h.fake.drop_connections();
    h.fake.wait_for_sessions(2).await;
    h.prompt(WATCHED, 500_000_000_000_000_060).await;

    h.fake
        .fail("POST", &format!("/channels/{SECOND}/messages"), 403);
    h.fake
        .fail("POST", &format!("/channels/{OTHER}/messages"), 500);
    h.fake
        .message_create(500_000_000_000_000_061, SECOND, ALICE, FEATURE);
    h.fake
        .message_create(500_000_000_000_000_062, OTHER, ALICE, FEATURE);
    h.fake
        .wait_for("both failed posts", |r| {
            r.iter()
                .filter(|r| {
                    r.method == "POST"
                        && (r.path.contains(&SECOND.to_string())
                            || r.path.contains(&OTHER.to_string()))
                })
                .count()
                >= 2
        })
        .await;
    // Still up: a channel watched now (through the bot: it keeps its watches in memory)
    // is prompted.
    let fresh = 600_000_000_000_000_099;
    let channel = json!([{"name": "channel", "type": 7, "value": fresh.to_string()}]);
    h.admin(300_000_000_000_000_060, MANAGE_GUILD, "watch", channel);
    h.wait_response(300_000_000_000_000_060, "watching", |r| {
        content(r).contains("Watching")
    })
    .await;
    h.prompt(fresh, 500_000_000_000_000_063).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_bot_cleanly() {
    let h = Harness::start(&[]).await;
    let mut bot = h.bot;
    let pid = bot.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = wait_exit(&mut bot.0, Duration::from_secs(30));
    assert!(status.success(), "{status:?}");
}

/// Starts the bot against a stand-in that closes the gateway with `code` at IDENTIFY;
/// returns what the bot printed on its way out (it must exit with failure).
async fn stderr_after_gateway_close(code: u16) -> String {
    let fake = Fake::start().await;
    fake.close_on_identify(code);
    let dir = tempfile::tempdir().unwrap();
    let mut child = bot_command(&fake, &dir.path().join("bot.db"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = wait_exit(&mut child, Duration::from_secs(60));
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(
        !status.success(),
        "the bot must exit with failure after close {code}"
    );
    assert!(
        !err.contains("test.token.value"),
        "the token is never printed"
    );
    err
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disallowed_message_content_intent_is_explained() {
    let err = stderr_after_gateway_close(4014).await;
    assert!(err.contains("Message Content Intent"), "{err}");
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
async fn unwatch_stops_prompts_in_that_channel() {
    let h = Harness::start(&[WATCHED, SECOND]).await;
    let channel = json!([{"name": "channel", "type": 7, "value": WATCHED.to_string()}]);
    h.admin(300_000_000_000_000_080, MANAGE_GUILD, "unwatch", channel);
    h.wait_response(300_000_000_000_000_080, "unwatched", |r| {
        content(r).contains("Stopped watching")
    })
    .await;
    assert!(!h.is_watched(WATCHED).await);
    // A feature discussion there, then a marker in a channel still watched.
    h.fake
        .message_create(500_000_000_000_000_080, WATCHED, ALICE, FEATURE);
    h.prompt(SECOND, 500_000_000_000_000_081).await;
    assert_eq!(prompts_in(&h.fake.requests(), WATCHED), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_and_status_say_which_permissions_the_bot_lacks_in_a_channel() {
    let h = Harness::start(&[]).await;
    h.fake.deny_in_channel(WATCHED, SEND_MESSAGES);
    h.fake.deny_in_channel(SECOND, CREATE_PUBLIC_THREADS);
    let watch = |id: u64, ch: u64| {
        h.admin(
            id,
            MANAGE_GUILD,
            "watch",
            json!([{"name": "channel", "type": 7, "value": ch.to_string()}]),
        )
    };
    watch(300_000_000_000_000_100, WATCHED);
    let r = h
        .wait_response(
            300_000_000_000_000_100,
            "a missing-permission warning",
            |r| content(r).contains("Watching"),
        )
        .await;
    let text = content(&r);
    assert!(
        text.contains(&format!("In <#{WATCHED}> I lack **Send Messages**"))
            && text.contains("stay silent")
            && !text.contains("Create Public Threads"),
        "{text}"
    );
    assert!(mentions_suppressed(&r), "{}", r.body);
    assert!(
        h.is_watched(WATCHED).await,
        "the watch is stored all the same"
    );

    watch(300_000_000_000_000_101, SECOND);
    let text = content(
        &h.wait_response(300_000_000_000_000_101, "a thread warning", |r| {
            content(r).contains("Watching")
        })
        .await,
    );
    assert!(
        text.contains("**Create Public Threads**") && text.contains("instead of a thread"),
        "{text}"
    );
    assert!(!text.contains("Send Messages**"), "{text}");

    watch(300_000_000_000_000_102, OTHER);
    let text = content(
        &h.wait_response(300_000_000_000_000_102, "all is well", |r| {
            content(r).contains("Watching")
        })
        .await,
    );
    assert!(
        text.contains(&format!("I have the permissions I need in <#{OTHER}>")),
        "{text}"
    );
    // The bot read its own member, the server's roles and each channel's overwrites.
    let seen = h.fake.requests();
    assert!(seen.iter().any(
        |r| r.method == "GET" && r.path == format!("/api/v10/guilds/{GUILD}/members/{BOT_ID}")
    ));
    assert!(
        seen.iter()
            .any(|r| r.method == "GET" && r.path == format!("/api/v10/channels/{WATCHED}"))
    );

    h.admin(300_000_000_000_000_103, MANAGE_GUILD, "status", json!([]));
    let text = content(
        &h.wait_response(300_000_000_000_000_103, "status", |r| {
            content(r).contains("Watching:")
        })
        .await,
    );
    assert!(
        text.contains(&format!("In <#{WATCHED}> I lack **Send Messages**"))
            && text.contains(&format!("In <#{SECOND}> I lack **Create Public Threads**"))
            && !text.contains(&format!("In <#{OTHER}>")),
        "{text}"
    );

    // When Discord refuses the lookup, status says so and still answers.
    h.fake.fail("GET", "/members/", 403);
    h.admin(300_000_000_000_000_104, MANAGE_GUILD, "status", json!([]));
    let text = content(
        &h.wait_response(300_000_000_000_000_104, "status", |r| {
            content(r).contains("Watching:")
        })
        .await,
    );
    assert!(text.contains("I could not check my permissions"), "{text}");
    assert!(text.contains("Sensitivity"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_is_explained() {
    let err = stderr_after_gateway_close(4004).await;
    assert!(err.contains("rejected the bot token"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dev_guild_gets_its_commands_registered_directly() {
    let fake = Fake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let _bot = Bot(bot_command(&fake, &dir.path().join("bot.db"))
        .env("PLANCHECK_DEV_GUILD", GUILD.to_string())
        .spawn()
        .unwrap());
    let path = format!("/guilds/{GUILD}/commands");
    let seen = fake
        .wait_for("guild command registration", |r| {
            r.iter()
                .any(|r| r.method == "PUT" && r.path.ends_with(&path))
        })
        .await;
    let put = seen.iter().find(|r| r.path.ends_with(&path)).unwrap();
    let names: Vec<&str> = put
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["plancheck", "plan"]);
    // Every option of every command is described (Discord requires 1–100 characters).
    fn check(options: &Value) {
        for o in options.as_array().into_iter().flatten() {
            let d = o["description"].as_str().unwrap_or("");
            assert!(!d.is_empty() && d.chars().count() <= 100, "{o}");
            check(&o["options"]);
        }
    }
    for c in put.body.as_array().unwrap() {
        check(&c["options"]);
    }
    assert_eq!(
        put.body[0]["default_member_permissions"], "32",
        "/plancheck is for Manage Server"
    );
    assert!(!seen.iter().any(|r| {
        r.method == "PUT"
            && r.path
                .ends_with(&format!("{}/commands", fake_discord::APP_ID))
    }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_longer_than_a_message_is_split_not_cut_or_failed() {
    let h = Harness::start(&[]).await;
    let set = plancheck::packs::PackSet::shipped().unwrap();
    let all = set
        .iter()
        .map(|p| p.id.clone())
        .collect::<Vec<_>>()
        .join(",");
    // Every question of every pack, one of each same_as group.
    let groups: std::collections::BTreeSet<&str> = set
        .iter()
        .flat_map(|p| p.questions.iter())
        .map(|q| set.group_of(&q.id))
        .collect();
    assert!(groups.len() > 150, "{}", groups.len());
    let (started, thread) = h
        .start_by_command(300_000_000_000_000_090, "Everything", &all)
        .await;
    assert!(
        content(&started).contains(&format!("with {} questions", groups.len())),
        "{}",
        content(&started)
    );
    for p in h.posts(thread) {
        assert!(content(&p).chars().count() <= 2000);
        let rows = p.body["components"].as_array().cloned().unwrap_or_default();
        assert!(rows.len() <= 5, "{}", p.body);
        for row in rows {
            assert!(row["components"].as_array().unwrap().len() <= 5, "{row}");
        }
    }
    h.fake.command(
        300_000_000_000_000_091,
        Caller {
            channel: thread,
            user: ALICE,
            perms: 0,
        },
        "plan",
        slash("status", json!([])),
        json!({}),
    );
    let token = "token300000000000000091";
    let seen = h
        .fake
        .wait_for("a status in several parts", |r| {
            let parts: Vec<&Recorded> = r.iter().filter(|r| r.path.contains(token)).collect();
            parts.len() >= 2 && parts.iter().any(|p| content(p).contains("Product rules"))
        })
        .await;
    let parts: Vec<&Recorded> = seen.iter().filter(|r| r.path.contains(token)).collect();
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    let critical = plan.questions.iter().filter(|q| q.critical).count();
    h.fake
        .wait_for("every critical question listed", |r| {
            r.iter()
                .filter(|r| r.path.contains(token))
                .map(|r| content(r).matches(" ⚠ ").count())
                .sum::<usize>()
                == critical
        })
        .await;
    for p in parts {
        assert!(content(p).chars().count() <= 2000);
        assert!(mentions_suppressed(p), "{}", p.body);
    }
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
        (8..=15).contains(&n),
        "a standard checklist holds 8 to 15, not {n}"
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
    let h = Harness::start(&[WATCHED]).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_over_many_channels_is_detected_as_a_slow_in_order_run_and_commands_still_answer() {
    let channels: Vec<u64> = (0..12).map(|i| 630_000_000_000_000_000 + i).collect();
    let h = Harness::start_with(&channels, |c| {
        c.stderr(Stdio::inherit())
            .env("PLANCHECK_DETECTION_COOLDOWN_MINUTES", "0");
    })
    .await;
    let settings = plancheck::detect::Settings {
        cooldown_minutes: 0,
        ..Default::default()
    };
    let messages = burst::stream(
        channels[0],
        channels.len(),
        600,
        540_000_000_000_000_000,
        10,
    );
    let expected: std::collections::BTreeSet<(u64, u64)> =
        burst::expected(&messages, &settings).into_iter().collect();
    assert!(expected.len() >= channels.len(), "the burst detects");
    // The whole burst at once, a command to watch another channel in the middle of it.
    let watch = json!([{"name": "channel", "type": 7, "value": WATCHED.to_string()}]);
    for (i, m) in messages.iter().enumerate() {
        burst::send(&h.fake, m);
        if i == messages.len() / 2 {
            h.admin(
                300_000_000_000_000_070,
                MANAGE_GUILD,
                "watch",
                watch.clone(),
            );
        }
    }
    h.wait_response(300_000_000_000_000_070, "watching", |r| {
        content(r).contains("Watching")
    })
    .await;
    h.fake
        .wait_for("every prompt of the burst", |r| {
            channels.iter().map(|c| prompts_in(r, *c)).sum::<usize>() >= expected.len()
        })
        .await;
    let store = h.store().await;
    let stored: std::collections::BTreeSet<(u64, u64)> = store
        .recent_detections(GuildId(GUILD), 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|d| (d.channel.0, d.message_id.0))
        .collect();
    assert_eq!(stored, expected, "what a slow in-order run detects");
    // The channel watched by the command prompts at once: no restart needed.
    h.prompt(WATCHED, 540_000_000_000_000_999).await;
}
