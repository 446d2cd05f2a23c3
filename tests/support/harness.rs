//! The bot under test: the real `plancheck run` binary against the stand-in, with a fresh
//! database and port per test, and helpers to drive it and read what it sent.

#![allow(dead_code)] // each test binary uses a different part of it

use crate::fake_discord::{Caller, Fake, GUILD, Recorded};
use plancheck::ids::{ChannelId, GuildId, UserId};
use plancheck::store::Store;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const WATCHED: u64 = 600_000_000_000_000_001;
pub const OTHER: u64 = 600_000_000_000_000_002;
pub const SECOND: u64 = 600_000_000_000_000_003;
pub const ALICE: u64 = 400_000_000_000_000_001;
pub const FEATURE: &str = "We should add refunds for card payments @everyone, it would be nice to have an option to undo a charge";

pub struct Bot(pub Child);

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn bot_command(fake: &Fake, db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_plancheck"));
    c.arg("run")
        .env("DISCORD_TOKEN", "test.token.value")
        .env("PLANCHECK_REST_PROXY", fake.url())
        .env("PLANCHECK_DATABASE", db)
        .env("PLANCHECK_LOG", "warn")
        .env_remove("PLANCHECK_CONFIG")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .stdout(Stdio::null());
    c
}

pub struct Harness {
    pub fake: Fake,
    _dir: tempfile::TempDir,
    pub db: PathBuf,
    pub bot: Bot,
}

impl Harness {
    /// The bot with thorough checklists (every question of the packs that fit), so the
    /// tests meet Discord's limits with the largest pages and forms.
    pub async fn start(watch: &[u64]) -> Harness {
        Harness::start_with(watch, |c| {
            c.stderr(Stdio::inherit())
                .env("PLANCHECK_DEPTH", "thorough");
        })
        .await
    }

    /// [`Harness::start`] with the bot's command adjusted first (environment, stderr).
    pub async fn start_with(watch: &[u64], adjust: impl FnOnce(&mut Command)) -> Harness {
        let fake = Fake::start().await;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("bot.db");
        let store = Store::open(&db).await.unwrap();
        for w in watch {
            store
                .watch(GuildId(GUILD), ChannelId(*w), UserId(1), chrono::Utc::now())
                .await
                .unwrap();
        }
        store.close().await;
        let mut command = bot_command(&fake, &db);
        adjust(&mut command);
        let bot = Bot(command.spawn().expect("the bot starts"));
        fake.wait_for("command registration", |r| {
            r.iter()
                .any(|r| r.method == "PUT" && r.path.ends_with("/commands"))
        })
        .await;
        Harness {
            fake,
            _dir: dir,
            db,
            bot,
        }
    }

    /// A harness over a bot started elsewhere (several processes, another database).
    pub fn over(fake: Fake, bot: Bot) -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("unused.db");
        Harness {
            fake,
            _dir: dir,
            db,
            bot,
        }
    }

    pub async fn store(&self) -> Store {
        Store::open(&self.db).await.unwrap()
    }

    /// Posts the bot made to a channel.
    pub fn posts(&self, channel: u64) -> Vec<Recorded> {
        let path = format!("/api/v10/channels/{channel}/messages");
        self.fake
            .requests()
            .into_iter()
            .filter(|r| r.method == "POST" && r.path == path)
            .collect()
    }

    pub async fn prompt(&self, channel: u64, message_id: u64) -> Recorded {
        self.fake
            .message_create(message_id, channel, ALICE, FEATURE);
        self.fake
            .wait_for("a prompt", |r| prompts_in(r, channel) >= 1)
            .await;
        self.posts(channel).into_iter().find(is_prompt).unwrap()
    }

    /// Runs `/plancheck SUB` in another channel, from a member with `perms`. Channel options
    /// are resolved the way Discord sends them.
    pub fn admin(&self, id: u64, perms: u64, sub: &str, options: Value) {
        let mut channels = serde_json::Map::new();
        for o in options
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["type"] == json!(7))
        {
            let cid = o["value"].as_str().unwrap().to_string();
            channels.insert(
                cid.clone(),
                json!({"id": cid, "name": "design", "type": 0, "permissions": "0"}),
            );
        }
        let from = Caller {
            channel: OTHER,
            user: ALICE,
            perms,
        };
        self.fake.command(
            id,
            from,
            "plancheck",
            slash(sub, options),
            json!({"channels": channels}),
        );
    }

    pub async fn is_watched(&self, channel: u64) -> bool {
        self.store()
            .await
            .watched(ChannelId(channel))
            .await
            .unwrap()
            .is_some()
    }

    /// Runs `/plan SUB` as Alice (no special permission) in `channel`.
    pub fn plan_command(&self, id: u64, channel: u64, sub: &str, options: Value) {
        self.fake.command(
            id,
            Caller {
                channel,
                user: ALICE,
                perms: 0,
            },
            "plan",
            slash(sub, options),
            json!({}),
        );
    }

    /// Runs `/plan start` in the watched channel; returns its confirmation and the new
    /// plan's thread.
    pub async fn start_by_command(&self, id: u64, title: &str, packs: &str) -> (Recorded, u64) {
        let before = self.threads().len();
        self.plan_command(
            id,
            WATCHED,
            "start",
            json!([{"name": "title", "type": 3, "value": title}, {"name": "packs", "type": 3, "value": packs}]),
        );
        let started = self
            .wait_response(id, "the start confirmation", |r| {
                content(r).contains("started in")
            })
            .await;
        let threads = self.threads();
        assert_eq!(threads.len(), before + 1, "one thread per plan");
        let thread = threads[before].response["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        (started, thread)
    }

    /// Clicks the prompt's button whose custom id names `action` (start, dismiss, mute).
    pub fn press(&self, interaction: u64, prompt: &Recorded, action: &str) {
        self.press_as(interaction, prompt, action, 0);
    }

    /// [`Harness::press`] by a member with `perms` in the channel.
    pub fn press_as(&self, interaction: u64, prompt: &Recorded, action: &str, perms: u64) {
        let custom_id = button(prompt, action);
        self.fake.click_in(
            GUILD,
            interaction,
            WATCHED,
            ALICE,
            perms,
            &custom_id,
            &prompt.response,
        );
    }

    /// Clicks the answer button of a page of questions in `thread`; returns the custom id
    /// of the form the bot opens.
    pub async fn open_form(&self, interaction: u64, thread: u64, page: &Recorded) -> String {
        let button = &custom_ids(&page.body)[0];
        self.fake
            .click(interaction, thread, ALICE, button, &page.response);
        let modal = self
            .wait_response(interaction, "a form", |r| r.body["type"] == json!(9))
            .await;
        modal.body["data"]["custom_id"]
            .as_str()
            .expect("a form has a custom id")
            .to_string()
    }

    /// Threads the bot created, in order.
    pub fn threads(&self) -> Vec<Recorded> {
        self.fake
            .requests()
            .into_iter()
            .filter(|r| r.path.ends_with("/threads"))
            .collect()
    }

    pub async fn wait_response(
        &self,
        id: u64,
        what: &str,
        pred: impl Fn(&Recorded) -> bool,
    ) -> Recorded {
        let token = format!("token{id}");
        let r = self
            .fake
            .wait_for(what, |r| {
                r.iter().any(|r| r.path.contains(&token) && pred(r))
            })
            .await;
        r.into_iter()
            .find(|r| r.path.contains(&token) && pred(r))
            .unwrap()
    }
}

/// A prompt Discord accepted (a failed attempt to post one does not count).
pub fn is_prompt(r: &Recorded) -> bool {
    r.status < 300
        && r.body["content"]
            .as_str()
            .is_some_and(|c| c.contains("Sounds like a new feature"))
}

pub fn prompts_in(r: &[Recorded], channel: u64) -> usize {
    let path = format!("/api/v10/channels/{channel}/messages");
    r.iter()
        .filter(|r| r.method == "POST" && r.path == path && is_prompt(r))
        .count()
}

pub fn content(r: &Recorded) -> String {
    let c = r.body["content"]
        .as_str()
        .or_else(|| r.body["data"]["content"].as_str());
    c.unwrap_or("").to_string()
}

pub fn mentions_suppressed(r: &Recorded) -> bool {
    let am = if r.body.get("data").is_some() {
        &r.body["data"]["allowed_mentions"]
    } else {
        &r.body["allowed_mentions"]
    };
    am["parse"] == json!([])
        && am.get("users").is_none_or(|u| u == &json!([]))
        && am.get("roles").is_none_or(|u| u == &json!([]))
}

pub fn custom_ids(message: &Value) -> Vec<String> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["custom_id"].as_str().map(str::to_string))
        .collect()
}

/// The custom id of the prompt's button for `action` (start, dismiss, mute).
pub fn button(prompt: &Recorded, action: &str) -> String {
    custom_ids(&prompt.response)
        .into_iter()
        .find(|c| c.contains(&format!(":{action}:")))
        .unwrap_or_else(|| panic!("the prompt has a {action} button"))
}

pub fn slash(sub: &str, options: Value) -> Value {
    json!([{"name": sub, "type": 1, "options": options}])
}

pub async fn start_checklist(h: &Harness) -> (u64, Vec<Recorded>) {
    let prompt = h.prompt(WATCHED, 500_000_000_000_000_010).await;
    h.press(300_000_000_000_000_001, &prompt, "start");
    h.wait_response(300_000_000_000_000_001, "the start confirmation", |r| {
        content(r).contains("Checklist started in")
    })
    .await;
    let threads = h.threads();
    assert_eq!(threads.len(), 1);
    let thread: u64 = threads[0].response["id"].as_str().unwrap().parse().unwrap();
    let pages: Vec<Recorded> = h.posts(thread);
    (thread, pages)
}

pub fn wait_exit(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(start.elapsed() < limit, "the bot did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}
