//! End to end: the real `plancheck run` binary (serenity + poise) against the local
//! stand-in for Discord, through `rest_proxy`.

mod fake_discord;

use fake_discord::{Fake, GUILD};
use plancheck::ids::{ChannelId, GuildId, UserId};
use plancheck::store::Store;
use std::process::{Child, Command, Stdio};

const WATCHED: u64 = 600_000_000_000_000_001;
const UNWATCHED: u64 = 600_000_000_000_000_002;
const FEATURE: &str = "We should add refunds for card payments @everyone, it would be nice to have an option to undo a charge";

struct Bot(Child);

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start(fake: &Fake, db: &std::path::Path) -> Bot {
    let child = Command::new(env!("CARGO_BIN_EXE_plancheck"))
        .arg("run")
        .env("DISCORD_TOKEN", "test.token.value")
        .env("PLANCHECK_REST_PROXY", fake.url())
        .env("PLANCHECK_DATABASE", db)
        .env("PLANCHECK_LOG", "warn")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the bot starts");
    Bot(child)
}

fn prompts_in(r: &[fake_discord::Recorded], channel: u64) -> usize {
    let path = format!("/api/v10/channels/{channel}/messages");
    r.iter()
        .filter(|r| {
            r.method == "POST"
                && r.path == path
                && r.body["content"]
                    .as_str()
                    .is_some_and(|c| c.contains("Sounds like a new feature"))
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_feature_discussion_in_a_watched_channel_gets_one_prompt_that_cannot_ping() {
    let fake = Fake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bot.db");
    {
        let store = Store::open(&db).await.unwrap();
        store
            .watch(
                GuildId(GUILD),
                ChannelId(WATCHED),
                UserId(1),
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        store.close().await;
    }
    let _bot = start(&fake, &db).await;
    fake.wait_for("command registration", |r| {
        r.iter()
            .any(|r| r.method == "PUT" && r.path.ends_with("/commands"))
    })
    .await;

    fake.message_create(500_000_000_000_000_001, UNWATCHED, 42, FEATURE);
    fake.message_create(500_000_000_000_000_002, WATCHED, 42, FEATURE);
    let seen = fake
        .wait_for("a prompt in the watched channel", |r| {
            prompts_in(r, WATCHED) >= 1
        })
        .await;
    let prompt = seen
        .iter()
        .find(|r| r.path == format!("/api/v10/channels/{WATCHED}/messages"))
        .unwrap();
    assert_eq!(
        prompt.body["allowed_mentions"]["parse"],
        serde_json::json!([]),
        "{}",
        prompt.body
    );
    let content = prompt.body["content"].as_str().unwrap();
    assert!(content.contains("Payments"), "{content}");
    assert!(content.chars().count() <= 2000);
    let buttons = &prompt.body["components"][0]["components"];
    let labels: Vec<&str> = buttons
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
    fake.message_create(500_000_000_000_000_002, WATCHED, 42, FEATURE);
    {
        let store = Store::open(&db).await.unwrap();
        store
            .watch(
                GuildId(GUILD),
                ChannelId(UNWATCHED + 10),
                UserId(1),
                chrono::Utc::now(),
            )
            .await
            .unwrap();
    }
    fake.message_create(500_000_000_000_000_003, UNWATCHED + 10, 43, FEATURE);
    let seen = fake
        .wait_for("the marker prompt", |r| prompts_in(r, UNWATCHED + 10) >= 1)
        .await;
    assert_eq!(prompts_in(&seen, WATCHED), 1, "the replay prompted again");
    assert_eq!(
        prompts_in(&seen, UNWATCHED),
        0,
        "an unwatched channel got a prompt"
    );
}
