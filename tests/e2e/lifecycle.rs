//! The process: reconnects, survives failed requests, stops on SIGTERM, explains a refused token or intent.

use crate::prelude::*;

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
async fn a_rejected_token_is_explained() {
    let err = stderr_after_gateway_close(4004).await;
    assert!(err.contains("rejected the bot token"), "{err}");
}
