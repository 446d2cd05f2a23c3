//! A stand-in for Discord on 127.0.0.1: REST under /api/v10 and a gateway websocket, as
//! ../shared/discord/FACTS.md describes. It records every REST request (JSON bodies, and
//! the payload and files of multipart ones) so tests can assert on them, lets a test push
//! gateway dispatches, drop the connection, or fail chosen requests.

#![allow(dead_code)] // each test binary uses a different part of it

use axum::Router;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

pub const APP_ID: u64 = 900_000_000_000_000_001;
pub const BOT_ID: u64 = 900_000_000_000_000_002;
pub const GUILD: u64 = 800_000_000_000_000_001;
/// A second server, for interactions that name the first server's prompts and plans.
pub const OTHER_GUILD: u64 = 810_000_000_000_000_001;
pub const MANAGE_CHANNELS: u64 = 1 << 4;
pub const MANAGE_GUILD: u64 = 1 << 5;
pub const ADMINISTRATOR: u64 = 1 << 3;
pub const SEND_MESSAGES: u64 = 1 << 11;
pub const CREATE_PUBLIC_THREADS: u64 = 1 << 35;
/// The bot's own role, holding the permissions its invite asks for.
pub const BOT_ROLE: u64 = 800_000_000_000_000_002;
const BOT_ROLE_PERMS: u64 = 309_237_763_136;
/// What @everyone may do: view, send, read history, react (Discord's usual defaults).
const EVERYONE_PERMS: u64 = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 6);

/// Dispatches the stand-in holds for a gateway connection that has not sent them yet.
pub const DISPATCH_BUFFER: usize = 16_384;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub body: Value,
    /// `(file name, contents)` of multipart uploads.
    pub files: Vec<(String, String)>,
    /// What the stand-in answered (JSON), e.g. the created message with its id.
    pub response: Value,
    /// The HTTP status it answered with.
    pub status: u16,
    /// When the stand-in received it (the load tool measures latency with it).
    pub at: Instant,
}

/// Who runs a slash command, where, with which computed permissions.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub channel: u64,
    pub user: u64,
    pub perms: u64,
}

#[derive(Default)]
struct Gateway {
    identifies: u32,
    resumes: u32,
    close_on_identify: Option<u16>,
    /// `GET /gateway` names a port where nothing listens: the client cannot connect.
    unreachable: Option<u16>,
    /// The `[shard, count]` of each IDENTIFY, in order.
    shards: Vec<(u64, u64)>,
    /// Each dispatch written to a connection: `(shard, event type, the object's id)`.
    deliveries: Vec<(u64, String, String)>,
}

/// An injected failure: requests matching `method` and `path_part` get `status`, the next
/// `times` times (None: always).
struct Failure {
    method: String,
    path_part: String,
    status: u16,
    times: Option<u32>,
}

#[derive(Clone)]
pub struct Fake {
    pub port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    dispatch: broadcast::Sender<Value>,
    next_id: Arc<Mutex<u64>>,
    failures: Arc<Mutex<Vec<Failure>>>,
    /// Every dispatch sent, for [`Fake::replay_all`] (unless [`Fake::forget_dispatches`]).
    sent: Arc<Mutex<Vec<Value>>>,
    keep_sent: Arc<std::sync::atomic::AtomicBool>,
    /// Interactions already answered: Discord refuses a second initial response.
    answered: Arc<Mutex<std::collections::HashSet<String>>>,
    gateway: Arc<Mutex<Gateway>>,
    /// Per channel, the permissions an overwrite denies the bot's role.
    denied: Arc<Mutex<Vec<(u64, u64)>>>,
}

impl Fake {
    pub async fn start() -> Fake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (dispatch, _) = broadcast::channel(DISPATCH_BUFFER);
        let fake = Fake {
            port,
            requests: Arc::default(),
            dispatch,
            next_id: Arc::new(Mutex::new(700_000_000_000_000_000)),
            failures: Arc::default(),
            sent: Arc::default(),
            keep_sent: Arc::new(true.into()),
            answered: Arc::default(),
            gateway: Arc::default(),
            denied: Arc::default(),
        };
        let app = Router::new()
            .route("/gw", axum::routing::get(gateway))
            .fallback(rest)
            .with_state(fake.clone());
        // Frames go out as they are written, as from Discord (without it, Nagle's algorithm
        // holds small frames back until the bot acknowledges the last one).
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        fake
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn id(&self) -> u64 {
        let mut n = self.next_id.lock().unwrap();
        *n += 1;
        *n
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// The requests recorded after the first `n` (a poller that keeps its place).
    pub fn requests_after(&self, n: usize) -> Vec<Recorded> {
        let all = self.requests.lock().unwrap();
        all.get(n..).map(<[Recorded]>::to_vec).unwrap_or_default()
    }

    pub fn identifies(&self) -> u32 {
        self.gateway.lock().unwrap().identifies
    }

    pub fn sessions(&self) -> u32 {
        let g = self.gateway.lock().unwrap();
        g.identifies + g.resumes
    }

    /// Answers every `method` request whose path contains `path_part` with `status`.
    pub fn fail(&self, method: &str, path_part: &str, status: u16) {
        self.push_failure(method, path_part, status, None);
    }

    /// Like [`Fake::fail`], for the next `times` matching requests only.
    pub fn fail_times(&self, method: &str, path_part: &str, status: u16, times: u32) {
        self.push_failure(method, path_part, status, Some(times));
    }

    fn push_failure(&self, method: &str, path_part: &str, status: u16, times: Option<u32>) {
        self.failures.lock().unwrap().push(Failure {
            method: method.to_string(),
            path_part: path_part.to_string(),
            status,
            times,
        });
    }

    /// Removes every injected failure.
    pub fn heal(&self) {
        self.failures.lock().unwrap().clear();
    }

    /// From now on `GET /gateway` names a port where nothing listens.
    pub async fn make_gateway_unreachable(&self) {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        self.gateway.lock().unwrap().unreachable = Some(port);
    }

    /// Sends every dispatch sent so far once more, in order, as a gateway replaying a
    /// session would.
    pub fn replay_all(&self) {
        let all = self.sent.lock().unwrap().clone();
        for d in all {
            let _ = self.dispatch.send(d);
        }
    }

    /// Gives `channel` an overwrite that denies the bot's role `bits`.
    pub fn deny_in_channel(&self, channel: u64, bits: u64) {
        self.denied.lock().unwrap().push((channel, bits));
    }

    /// The next IDENTIFY is answered by closing the socket with `code` (e.g. 4014).
    pub fn close_on_identify(&self, code: u16) {
        self.gateway.lock().unwrap().close_on_identify = Some(code);
    }

    /// Drops every open gateway connection (the client must reconnect).
    pub fn drop_connections(&self) {
        let _ = self.dispatch.send(json!({"__drop__": true}));
    }

    /// Waits (with a generous timeout) until `pred` holds for the recorded requests.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&[Recorded]) -> bool) -> Vec<Recorded> {
        let start = Instant::now();
        loop {
            let r = self.requests();
            if pred(&r) {
                return r;
            }
            if start.elapsed() > Duration::from_secs(60) {
                let seen: Vec<String> = r
                    .iter()
                    .map(|r| format!("{} {} {}", r.method, r.path, r.body))
                    .collect();
                panic!("timed out waiting for {what}; seen:\n{}", seen.join("\n"));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The `[shard, count]` each IDENTIFY named, in order.
    pub fn identified_shards(&self) -> Vec<(u64, u64)> {
        self.gateway.lock().unwrap().shards.clone()
    }

    /// The shards a dispatch of type `t` about object `id` was written to.
    pub fn delivered_to(&self, t: &str, id: u64) -> Vec<u64> {
        let id = id.to_string();
        self.gateway
            .lock()
            .unwrap()
            .deliveries
            .iter()
            .filter(|(_, et, eid)| et == t && *eid == id)
            .map(|(s, _, _)| *s)
            .collect()
    }

    /// Waits until the gateway has seen `n` sessions (IDENTIFY or RESUME).
    pub async fn wait_for_sessions(&self, n: u32) {
        let start = Instant::now();
        while self.sessions() < n {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "timed out waiting for gateway session {n}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn send(&self, t: &str, d: Value) {
        let event = json!({"op": 0, "t": t, "d": d});
        if self.keep_sent.load(std::sync::atomic::Ordering::Relaxed) {
            self.sent.lock().unwrap().push(event.clone());
        }
        let _ = self.dispatch.send(event);
    }

    /// Dispatches are no longer kept for [`Fake::replay_all`] (a load run sends too many).
    pub fn forget_dispatches(&self) {
        self.keep_sent
            .store(false, std::sync::atomic::Ordering::Relaxed);
        self.sent.lock().unwrap().clear();
    }

    /// Dispatches sent but not yet written to every open gateway connection. A sender that
    /// keeps this below [`DISPATCH_BUFFER`] never makes a connection fall behind (a
    /// connection that falls behind is closed, as Discord closes a slow client).
    pub fn backlog(&self) -> usize {
        self.dispatch.len()
    }

    pub fn user(id: u64) -> Value {
        json!({"id": id.to_string(), "username": format!("user{id}"), "discriminator": "0", "avatar": null, "global_name": null})
    }

    pub fn message_create(&self, id: u64, channel: u64, author: u64, content: &str) {
        self.message_create_with(id, channel, author, content, None);
    }

    pub fn message_create_with(
        &self,
        id: u64,
        channel: u64,
        author: u64,
        content: &str,
        reply_to: Option<u64>,
    ) {
        let mut m = json!({
            "id": id.to_string(), "channel_id": channel.to_string(), "guild_id": GUILD.to_string(),
            "author": Fake::user(author),
            "content": content, "timestamp": "2026-11-26T10:00:00.000000+00:00", "edited_timestamp": null,
            "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": false, "type": 0
        });
        if let Some(r) = reply_to {
            m["type"] = json!(19);
            m["message_reference"] = json!({"message_id": r.to_string(), "channel_id": channel.to_string(), "guild_id": GUILD.to_string()});
        }
        self.send("MESSAGE_CREATE", m);
    }

    fn interaction(id: u64, kind: u8, channel: u64, user: u64, perms: u64, data: Value) -> Value {
        Fake::interaction_in(GUILD, id, kind, channel, user, perms, data)
    }

    fn interaction_in(
        guild: u64,
        id: u64,
        kind: u8,
        channel: u64,
        user: u64,
        perms: u64,
        data: Value,
    ) -> Value {
        json!({
            "id": id.to_string(), "application_id": APP_ID.to_string(), "type": kind,
            "token": format!("token{id}"), "version": 1,
            "channel_id": channel.to_string(), "guild_id": guild.to_string(),
            "channel": {"id": channel.to_string(), "type": 0},
            "locale": "en-US", "guild_locale": "en-US", "entitlements": [],
            "attachment_size_limit": 8_388_608, "app_permissions": "309237763136",
            "member": {"user": Fake::user(user), "roles": [], "deaf": false, "mute": false, "flags": 0,
                       "joined_at": "2024-01-01T00:00:00.000000+00:00", "permissions": perms.to_string()},
            "data": data
        })
    }

    /// A slash command: `options` as Discord nests them (sub-command, then values).
    pub fn command(&self, id: u64, from: Caller, name: &str, options: Value, resolved: Value) {
        let data = json!({"id": self.id().to_string(), "name": name, "type": 1, "options": options, "resolved": resolved});
        self.send(
            "INTERACTION_CREATE",
            Fake::interaction(id, 2, from.channel, from.user, from.perms, data),
        );
    }

    /// An autocomplete request while typing a slash command's `options` (one marked focused).
    pub fn autocomplete(&self, id: u64, from: Caller, name: &str, options: Value) {
        let data =
            json!({"id": self.id().to_string(), "name": name, "type": 1, "options": options});
        self.send(
            "INTERACTION_CREATE",
            Fake::interaction(id, 4, from.channel, from.user, from.perms, data),
        );
    }

    /// A button click on `message` (as the stand-in returned it).
    pub fn click(&self, id: u64, channel: u64, user: u64, custom_id: &str, message: &Value) {
        self.click_in(GUILD, id, channel, user, 0, custom_id, message);
    }

    /// A button click in `guild`, by a member with `perms` in `channel`.
    #[allow(clippy::too_many_arguments)]
    pub fn click_in(
        &self,
        guild: u64,
        id: u64,
        channel: u64,
        user: u64,
        perms: u64,
        custom_id: &str,
        message: &Value,
    ) {
        let mut i = Fake::interaction_in(
            guild,
            id,
            3,
            channel,
            user,
            perms,
            json!({"custom_id": custom_id, "component_type": 2}),
        );
        i["message"] = message.clone();
        self.send("INTERACTION_CREATE", i);
    }

    /// A modal submit with `(input custom_id, value)` pairs.
    pub fn submit(
        &self,
        id: u64,
        channel: u64,
        user: u64,
        custom_id: &str,
        values: &[(&str, &str)],
    ) {
        self.submit_in(GUILD, id, channel, user, custom_id, values);
    }

    /// A modal submit in `guild`.
    pub fn submit_in(
        &self,
        guild: u64,
        id: u64,
        channel: u64,
        user: u64,
        custom_id: &str,
        values: &[(&str, &str)],
    ) {
        let rows: Vec<Value> = values
            .iter()
            .map(|(c, v)| json!({"type": 1, "components": [{"type": 4, "custom_id": c, "value": v}]}))
            .collect();
        let i = Fake::interaction_in(
            guild,
            id,
            5,
            channel,
            user,
            0,
            json!({"custom_id": custom_id, "components": rows}),
        );
        self.send("INTERACTION_CREATE", i);
    }

    pub fn message(&self, channel: &str, body: &Value) -> Value {
        json!({
            "id": self.id().to_string(), "channel_id": channel,
            "author": {"id": BOT_ID.to_string(), "username": "plancheck", "discriminator": "0", "avatar": null, "bot": true},
            "content": body.get("content").cloned().unwrap_or(json!("")),
            "timestamp": "2026-11-26T10:00:01.000000+00:00", "edited_timestamp": null,
            "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
            "attachments": [], "embeds": [], "pinned": false, "type": 0,
            "components": body.get("components").cloned().unwrap_or(json!([]))
        })
    }

    fn role(id: u64, name: &str, perms: u64, position: u16) -> Value {
        json!({"id": id.to_string(), "name": name, "color": 0,
               "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
               "hoist": false, "icon": null, "unicode_emoji": null, "position": position,
               "permissions": perms.to_string(), "managed": position > 0, "mentionable": false, "flags": 0})
    }

    /// `GET /guilds/{id}`: the server, with @everyone and the bot's role.
    fn guild(&self) -> Value {
        json!({
            "id": GUILD.to_string(), "name": "Backend team", "icon": null, "icon_hash": null,
            "splash": null, "discovery_splash": null, "owner_id": "1",
            "afk_channel_id": null, "afk_timeout": 300, "verification_level": 1,
            "default_message_notifications": 1, "explicit_content_filter": 0,
            "roles": [Fake::role(GUILD, "@everyone", EVERYONE_PERMS, 0),
                      Fake::role(BOT_ROLE, "plancheck", BOT_ROLE_PERMS, 1)],
            "emojis": [], "features": [], "mfa_level": 0, "application_id": null,
            "system_channel_id": null, "system_channel_flags": 0, "rules_channel_id": null,
            "vanity_url_code": null, "description": null, "banner": null, "premium_tier": 0,
            "preferred_locale": "en-US", "public_updates_channel_id": null, "nsfw_level": 0,
            "stickers": [], "premium_progress_bar_enabled": false
        })
    }

    /// `GET /guilds/{id}/members/{user}`: the bot holds its role; anyone else holds none.
    fn member(user: u64) -> Value {
        let roles = if user == BOT_ID {
            vec![BOT_ROLE.to_string()]
        } else {
            vec![]
        };
        json!({"user": Fake::user(user), "nick": null, "avatar": null, "roles": roles,
               "joined_at": "2024-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false,
               "flags": 0, "pending": false})
    }

    /// `GET /channels/{id}`: a text channel, with the overwrites set by `deny_in_channel`.
    fn channel(&self, id: &str) -> Value {
        let overwrites: Vec<Value> = self
            .denied
            .lock()
            .unwrap()
            .iter()
            .filter(|(c, _)| c.to_string() == id)
            .map(|(_, bits)| json!({"id": BOT_ROLE.to_string(), "type": 0, "allow": "0", "deny": bits.to_string()}))
            .collect();
        json!({"id": id, "type": 0, "guild_id": GUILD.to_string(), "name": "design",
               "position": 1, "permission_overwrites": overwrites, "nsfw": false,
               "parent_id": null, "topic": null, "last_message_id": null, "rate_limit_per_user": 0,
               "flags": 0})
    }

    fn thread(&self, parent: &str, name: &str) -> Value {
        json!({
            "id": self.id().to_string(), "type": 11, "guild_id": GUILD.to_string(), "parent_id": parent,
            "name": name, "owner_id": BOT_ID.to_string(), "rate_limit_per_user": 0, "flags": 0,
            "message_count": 0, "member_count": 1, "last_message_id": null,
            "thread_metadata": {"archived": false, "auto_archive_duration": 1440,
                                "archive_timestamp": "2026-11-26T10:00:00.000000+00:00", "locked": false}
        })
    }
}

async fn read_body(req: Request) -> (Value, Vec<(String, String)>) {
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let bytes = axum::body::to_bytes(req.into_body(), 16 * 1024 * 1024)
            .await
            .unwrap_or_default();
        return (
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            vec![],
        );
    }
    let mut body = Value::Null;
    let mut files = Vec::new();
    let Ok(mut form) = Multipart::from_request(req, &()).await else {
        return (body, files);
    };
    while let Ok(Some(field)) = form.next_field().await {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let text = field.text().await.unwrap_or_default();
        if name == "payload_json" {
            body = serde_json::from_str(&text).unwrap_or(Value::Null);
        } else {
            files.push((file_name.unwrap_or(name), text));
        }
    }
    (body, files)
}

async fn rest(State(fake): State<Fake>, req: Request) -> Response {
    let at = Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let (body, files) = read_body(req).await;
    let failure = {
        let mut failures = fake.failures.lock().unwrap();
        let found = failures.iter_mut().find(|f| {
            f.method == method.as_str()
                && path.contains(f.path_part.as_str())
                && f.times.is_none_or(|n| n > 0)
        });
        found.map(|f| {
            if let Some(n) = f.times.as_mut() {
                *n -= 1;
            }
            f.status
        })
    };
    let (status, response) = match failure {
        Some(429) => (
            429,
            json!({"message": "You are being rate limited.", "retry_after": 0.05, "global": false, "code": 0}),
        ),
        Some(status) => (
            status,
            json!({"message": "injected failure", "code": 50013}),
        ),
        None => answer(&fake, &method, &path, &body),
    };
    fake.requests.lock().unwrap().push(Recorded {
        method: method.to_string(),
        path,
        body,
        files,
        response: response.clone(),
        status,
        at,
    });
    let code = StatusCode::from_u16(status).unwrap();
    let mut r = if response.is_null() {
        code.into_response()
    } else {
        (code, axum::Json(response)).into_response()
    };
    if status == 429 {
        r.headers_mut()
            .insert("retry-after", axum::http::HeaderValue::from_static("0.05"));
    }
    r
}

fn answer(fake: &Fake, method: &Method, path: &str, body: &Value) -> (u16, Value) {
    let Some(rest) = path.strip_prefix("/api/v10") else {
        return (404, Value::Null);
    };
    let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
    match (method.clone(), parts.as_slice()) {
        (Method::GET, ["oauth2", "applications", "@me"]) => (
            200,
            json!({"id": APP_ID.to_string(), "name": "plancheck", "icon": null, "description": "",
                   "bot_public": true, "bot_require_code_grant": false, "verify_key": "0", "team": null,
                   "owner": Fake::user(1)}),
        ),
        (Method::GET, ["gateway"]) => {
            let port = fake
                .gateway
                .lock()
                .unwrap()
                .unreachable
                .unwrap_or(fake.port);
            (200, json!({"url": format!("ws://127.0.0.1:{port}/gw")}))
        }
        (Method::PUT, ["applications", _, "commands"])
        | (Method::PUT, ["applications", _, "guilds", _, "commands"]) => {
            let cmds: Vec<Value> = body
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|mut c| {
                    c["id"] = json!(fake.id().to_string());
                    c["application_id"] = json!(APP_ID.to_string());
                    c["version"] = json!("1");
                    if c.get("type").is_none() {
                        c["type"] = json!(1);
                    }
                    c
                })
                .collect();
            (200, Value::Array(cmds))
        }
        (Method::POST, ["channels", channel, "messages"])
        | (Method::PATCH, ["channels", channel, "messages", _]) => {
            (200, fake.message(channel, body))
        }
        (Method::POST, ["channels", channel, "messages", _, "threads"])
        | (Method::POST, ["channels", channel, "threads"]) => {
            let name = body["name"].as_str().unwrap_or("thread").to_string();
            (201, fake.thread(channel, &name))
        }
        (Method::PUT, ["channels", _, "messages", _, "reactions", _, "@me"]) => (204, Value::Null),
        (Method::GET, ["guilds", _]) => (200, fake.guild()),
        (Method::GET, ["guilds", _, "members", user]) => {
            (200, Fake::member(user.parse().unwrap_or(0)))
        }
        (Method::GET, ["channels", channel]) => (200, fake.channel(channel)),
        (Method::POST, ["interactions", id, _, "callback"]) => {
            if fake.answered.lock().unwrap().insert(id.to_string()) {
                (204, Value::Null)
            } else {
                (
                    400,
                    json!({"message": "Interaction has already been acknowledged.", "code": 40060}),
                )
            }
        }
        (Method::PATCH, ["webhooks", _, _, "messages", _]) | (Method::POST, ["webhooks", _, _]) => {
            (200, fake.message("1", body))
        }
        _ => (404, Value::Null),
    }
}

async fn gateway(State(fake): State<Fake>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| session(fake, socket))
}

async fn send(socket: &mut WebSocket, v: Value) -> bool {
    socket
        .send(Message::Text(v.to_string().into()))
        .await
        .is_ok()
}

async fn session(fake: Fake, mut socket: WebSocket) {
    if !send(
        &mut socket,
        json!({"op": 10, "d": {"heartbeat_interval": 41250}}),
    )
    .await
    {
        return;
    }
    let mut dispatch = fake.dispatch.subscribe();
    let mut seq = 0u64;
    // The connection's shard: Discord sends a guild's events to shard
    // `(guild_id >> 22) % count`, and events of no guild to shard 0.
    let mut shard = (0u64, 1u64);
    loop {
        tokio::select! {
            frame = socket.recv() => {
                let Some(Ok(Message::Text(text))) = frame else { return };
                let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                match v["op"].as_u64() {
                    Some(1) => { send(&mut socket, json!({"op": 11})).await; }
                    Some(2) => {
                        let asked = (v["d"]["shard"][0].as_u64(), v["d"]["shard"][1].as_u64());
                        if let (Some(id), Some(count)) = asked {
                            shard = (id, count);
                        }
                        let close = {
                            let mut g = fake.gateway.lock().unwrap();
                            g.identifies += 1;
                            g.shards.push(shard);
                            let invalid = shard.1 == 0 || shard.0 >= shard.1;
                            if invalid { Some(4010) } else { g.close_on_identify.take() }
                        };
                        if let Some(code) = close {
                            let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: "closed by the stand-in".into() }))).await;
                            return;
                        }
                        seq += 1;
                        send(&mut socket, json!({"op": 0, "s": seq, "t": "READY", "d": {
                            "v": 10,
                            "user": {"id": BOT_ID.to_string(), "username": "plancheck", "discriminator": "0", "avatar": null, "bot": true},
                            "guilds": [{"id": GUILD.to_string(), "unavailable": true}],
                            "session_id": "session-1", "resume_gateway_url": format!("ws://127.0.0.1:{}/gw", fake.port),
                            "application": {"id": APP_ID.to_string(), "flags": 0}
                        }})).await;
                    }
                    Some(6) => {
                        fake.gateway.lock().unwrap().resumes += 1;
                        seq = v["d"]["seq"].as_u64().unwrap_or(seq) + 1;
                        send(&mut socket, json!({"op": 0, "s": seq, "t": "RESUMED", "d": {}})).await;
                    }
                    _ => {}
                }
            }
            d = dispatch.recv() => {
                let Ok(mut d) = d else { return };
                if d.get("__drop__").is_some() {
                    let _ = socket.send(Message::Close(Some(CloseFrame { code: 4000, reason: "dropped by the stand-in".into() }))).await;
                    return;
                }
                let guild = d["d"]["guild_id"].as_str().and_then(|g| g.parse::<u64>().ok());
                let owner = guild.map_or(0, |g| (g >> 22) % shard.1.max(1));
                if owner != shard.0 {
                    continue;
                }
                let t = d["t"].as_str().unwrap_or("").to_string();
                let id = d["d"]["id"].as_str().unwrap_or("").to_string();
                fake.gateway.lock().unwrap().deliveries.push((shard.0, t, id));
                seq += 1;
                d["s"] = json!(seq);
                if !send(&mut socket, d).await { return; }
            }
        }
    }
}
