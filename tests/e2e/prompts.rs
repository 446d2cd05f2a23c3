//! Prompts: a feature discussion in a watched channel gets one prompt; *Not a feature*, mute and unwatch; a burst keeps each channel's order.

use crate::prelude::*;

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
