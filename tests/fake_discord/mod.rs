//! A stand-in for Discord on 127.0.0.1: REST under /api/v10 and a gateway websocket, as
//! ../shared/discord/FACTS.md describes. It records every REST request so tests can
//! assert on bodies, and lets a test push gateway dispatches.

use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

pub const APP_ID: u64 = 900_000_000_000_000_001;
pub const BOT_ID: u64 = 900_000_000_000_000_002;
pub const GUILD: u64 = 800_000_000_000_000_001;

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub body: Value,
}

#[derive(Clone)]
pub struct Fake {
    pub port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    dispatch: broadcast::Sender<Value>,
    next_id: Arc<Mutex<u64>>,
}

impl Fake {
    pub async fn start() -> Fake {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (dispatch, _) = broadcast::channel(64);
        let fake = Fake {
            port,
            requests: Arc::default(),
            dispatch,
            next_id: Arc::new(Mutex::new(700_000_000_000_000_000)),
        };
        let app = Router::new()
            .route("/gw", axum::routing::get(gateway))
            .fallback(rest)
            .with_state(fake.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        fake
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn id(&self) -> u64 {
        let mut n = self.next_id.lock().unwrap();
        *n += 1;
        *n
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// Waits (with a timeout) until `pred` holds for the recorded requests.
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&[Recorded]) -> bool) -> Vec<Recorded> {
        let start = Instant::now();
        loop {
            let r = self.requests();
            if pred(&r) {
                return r;
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "timed out waiting for {what}; seen: {:#?}",
                r.iter()
                    .map(|r| format!("{} {}", r.method, r.path))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn send(&self, t: &str, d: Value) {
        let _ = self.dispatch.send(json!({"op": 0, "t": t, "d": d}));
    }

    pub fn message_create(&self, id: u64, channel: u64, author: u64, content: &str) {
        self.send(
            "MESSAGE_CREATE",
            json!({
                "id": id.to_string(), "channel_id": channel.to_string(), "guild_id": GUILD.to_string(),
                "author": {"id": author.to_string(), "username": format!("user{author}"), "discriminator": "0", "avatar": null},
                "content": content, "timestamp": "2026-11-26T10:00:00.000000+00:00", "edited_timestamp": null,
                "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
                "attachments": [], "embeds": [], "pinned": false, "type": 0
            }),
        );
    }

    fn message(&self, channel: &str, body: &Value) -> Value {
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
}

async fn rest(State(fake): State<Fake>, req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let bytes = axum::body::to_bytes(req.into_body(), 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    fake.requests.lock().unwrap().push(Recorded {
        method: method.to_string(),
        path: path.clone(),
        body: body.clone(),
    });
    let Some(rest) = path.strip_prefix("/api/v10") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
    match (method, parts.as_slice()) {
        (Method::GET, ["gateway"]) => {
            axum::Json(json!({"url": format!("ws://127.0.0.1:{}/gw", fake.port)})).into_response()
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
                    if c.get("description").is_none() {
                        c["description"] = json!("");
                    }
                    c
                })
                .collect();
            axum::Json(Value::Array(cmds)).into_response()
        }
        (Method::POST, ["channels", channel, "messages"]) => {
            axum::Json(fake.message(channel, &body)).into_response()
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn gateway(State(fake): State<Fake>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| session(fake, socket))
}

async fn session(fake: Fake, mut socket: WebSocket) {
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}});
    if socket
        .send(Message::Text(hello.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    let mut dispatch = fake.dispatch.subscribe();
    let mut seq = 0u64;
    loop {
        tokio::select! {
            frame = socket.recv() => {
                let Some(Ok(Message::Text(text))) = frame else { return };
                let v: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                match v["op"].as_u64() {
                    Some(1) => { let _ = socket.send(Message::Text(json!({"op": 11}).to_string().into())).await; }
                    Some(2) => {
                        seq += 1;
                        let ready = json!({"op": 0, "s": seq, "t": "READY", "d": {
                            "v": 10,
                            "user": {"id": BOT_ID.to_string(), "username": "plancheck", "discriminator": "0", "avatar": null, "bot": true},
                            "guilds": [{"id": GUILD.to_string(), "unavailable": true}],
                            "session_id": "s1", "resume_gateway_url": format!("ws://127.0.0.1:{}/gw", fake.port),
                            "application": {"id": APP_ID.to_string(), "flags": 0}
                        }});
                        let _ = socket.send(Message::Text(ready.to_string().into())).await;
                    }
                    _ => {}
                }
            }
            d = dispatch.recv() => {
                let Ok(mut d) = d else { return };
                seq += 1;
                d["s"] = json!(seq);
                if socket.send(Message::Text(d.to_string().into())).await.is_err() { return; }
            }
        }
    }
}
