//! Operations: `/plancheck forget`, and `/metrics` + `/healthz` on a local address.

use crate::prelude::*;
use plancheck::ids::UserId;
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ADMIN: u64 = 400_000_000_000_000_009;

/// `/plancheck forget member:USER` from `caller` with `perms`.
fn forget(h: &Harness, id: u64, perms: u64, member: u64) {
    h.fake.command(
        id,
        Caller {
            channel: OTHER,
            user: ADMIN,
            perms,
        },
        "plancheck",
        slash(
            "forget",
            json!([{"name": "member", "type": 6, "value": member.to_string()}]),
        ),
        json!({"users": {member.to_string(): fake_discord::Fake::user(member)}}),
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plancheck_forget_attributes_a_members_plans_to_a_former_member_and_tells_only_the_admin() {
    let h = Harness::start(&[WATCHED]).await;
    let (_, _thread) = h
        .start_by_command(300_000_000_000_000_600, "Refunds", "payments")
        .await;
    let store = h.store().await;
    let plans = store.list_plans(&PlanFilter::default(), 10).await.unwrap();
    assert_eq!(plans.len(), 1);
    let plan = plans[0].id;
    assert_eq!(
        store.plan(plan).await.unwrap().unwrap().created_by.id,
        UserId(ALICE)
    );

    // Control: a member without Manage Server is refused and nothing changes.
    forget(&h, 300_000_000_000_000_601, 0, ALICE);
    h.wait_response(300_000_000_000_000_601, "a refusal", |r| {
        content(r).contains("Manage Server")
    })
    .await;
    assert!(store.forget_log().await.unwrap().is_empty());

    forget(&h, 300_000_000_000_000_602, MANAGE_GUILD, ALICE);
    let r = h
        .wait_response(300_000_000_000_000_602, "the confirmation", |r| {
            content(r).contains("Forgotten:")
        })
        .await;
    assert_eq!(r.body["data"]["flags"], json!(64), "only the admin sees it");
    assert!(mentions_suppressed(&r), "{}", r.body);
    assert!(!content(&r).contains(&ALICE.to_string()), "{}", content(&r));
    let p = store.plan(plan).await.unwrap().unwrap();
    assert_eq!(p.created_by.id, UserId(0));
    assert_eq!(p.created_by.name, "former member");
    let log = store.forget_log().await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].by, Some(UserId(ADMIN)));
    assert_eq!(log[0].guild, Some(GuildId(GUILD)));
    assert!(log[0].count >= 1);

    // Asked again: nothing left to forget.
    forget(&h, 300_000_000_000_000_603, MANAGE_GUILD, ALICE);
    h.wait_response(300_000_000_000_000_603, "nothing to forget", |r| {
        content(r).contains("Nothing to forget")
    })
    .await;
    assert_eq!(store.forget_log().await.unwrap()[1].count, 0);
}

/// A port nothing listens on now.
fn free_address() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().to_string()
}

/// `GET path` on `addr`: the status and the body, or `None` while nothing answers.
async fn get(addr: &str, path: &str) -> Option<(u16, String)> {
    let mut s = tokio::net::TcpStream::connect(addr).await.ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(request.as_bytes()).await.ok()?;
    let mut raw = String::new();
    s.read_to_string(&mut raw).await.ok()?;
    let status = raw.split(' ').nth(1)?.parse().ok()?;
    let body = raw.split_once("\r\n\r\n")?.1.to_string();
    Some((status, body))
}

/// Polls `GET path` until `pred` holds (or fails after a generous timeout).
async fn wait_get(addr: &str, path: &str, what: &str, pred: impl Fn(u16, &str) -> bool) -> String {
    let start = Instant::now();
    let mut last = None;
    while start.elapsed() < Duration::from_secs(30) {
        if let Some((status, body)) = get(addr, path).await {
            if pred(status, &body) {
                return body;
            }
            last = Some((status, body));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what} at {path}; last answer: {last:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_prompts_and_failures_and_health_is_ok_when_connected() {
    let addr = free_address();
    let h = Harness::start_with(&[WATCHED, SECOND], |c| {
        c.stderr(Stdio::inherit())
            .env("PLANCHECK_METRICS_LISTEN", &addr);
    })
    .await;
    let health = wait_get(&addr, "/healthz", "healthy", |s, _| s == 200).await;
    assert_eq!(health, "gateway ok\ndatabase ok\n");
    let before = wait_get(&addr, "/metrics", "metrics", |s, _| s == 200).await;
    assert!(
        before.contains("plancheck_prompts_sent_total 0"),
        "{before}"
    );
    assert!(before.contains("plancheck_queue_depth "), "{before}");

    h.prompt(WATCHED, 500_000_000_000_000_700).await;
    h.fake
        .fail("POST", &format!("/channels/{SECOND}/messages"), 403);
    h.fake
        .message_create(500_000_000_000_000_701, SECOND, ALICE, FEATURE);
    let after = wait_get(&addr, "/metrics", "counters after prompts", |_, b| {
        b.contains("plancheck_prompts_failed_total 1")
    })
    .await;
    for line in [
        "plancheck_prompts_sent_total 1",
        "plancheck_detections_total 2",
        "plancheck_message_to_prompt_seconds_count 1",
        "plancheck_rest_errors_total{route=\"message\",status=\"4xx\"} 1",
        "plancheck_messages_queued_total 2",
        "plancheck_messages_shed_total 0",
    ] {
        assert!(after.contains(line), "{line} missing in\n{after}");
    }
    assert!(
        after.contains("plancheck_gateway_events_total{kind=\"message\"}"),
        "{after}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_is_503_while_the_gateway_cannot_be_reached() {
    let addr = free_address();
    let fake = fake_discord::Fake::start().await;
    fake.make_gateway_unreachable().await;
    let dir = tempfile::tempdir().unwrap();
    let _bot = Bot(bot_command(&fake, &dir.path().join("bot.db"))
        .env("PLANCHECK_METRICS_LISTEN", &addr)
        .stderr(Stdio::null())
        .spawn()
        .unwrap());
    // The bot keeps failing to connect: the check says so (the last answer is shown if
    // it never does).
    let body = wait_get(&addr, "/healthz", "a 503", |s, _| s == 503).await;
    assert!(
        body.contains("gateway down") && body.contains("database ok"),
        "{body}"
    );
}
