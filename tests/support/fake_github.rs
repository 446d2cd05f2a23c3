//! A stand-in for GitHub's REST API on 127.0.0.1 (a random port per test): it opens and
//! updates issues in memory and records every request. Some repositories answer as
//! GitHub does when something is wrong:
//!
//! - a token other than [`TOKEN`]: 401;
//! - `octo/missing`: 404; `octo/invalid`: 422 with GitHub's validation message;
//! - `octo/busy`: 429 with `retry-after: 30`; `octo/limited`: 403 with an exhausted
//!   `x-ratelimit-remaining` and its reset time.

#![allow(dead_code)] // each test binary uses a different part of it

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The token the stand-in accepts.
pub const TOKEN: &str = "ghp_standIn0123456789abcdefSECRET";

/// A request as the stand-in saw it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
    pub body: Value,
}

#[derive(Default)]
struct State {
    requests: Vec<Request>,
    /// (repo in lower case, number) → the issue.
    issues: BTreeMap<(String, u64), Value>,
}

#[derive(Clone)]
pub struct FakeGithub {
    port: u16,
    state: Arc<Mutex<State>>,
}

impl FakeGithub {
    pub async fn start() -> FakeGithub {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let fake = FakeGithub {
            port,
            state: Arc::default(),
        };
        let state = fake.state.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = state.clone();
                async move { handle(&state, method, uri, headers, body) }
            },
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        fake
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }

    /// The issues of `repo` (any case), by number.
    pub fn issues(&self, repo: &str) -> Vec<Value> {
        let repo = repo.to_lowercase();
        self.state
            .lock()
            .unwrap()
            .issues
            .iter()
            .filter(|((r, _), _)| *r == repo)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

fn reply(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

fn handle(
    state: &Mutex<State>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let path = uri.path().to_string();
    let mut st = state.lock().unwrap();
    st.requests.push(Request {
        method: method.to_string(),
        path: path.clone(),
        headers: headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_lowercase(),
                    v.to_str().unwrap_or("").to_string(),
                )
            })
            .collect(),
        body: body.clone(),
    });
    if headers.get("authorization").and_then(|v| v.to_str().ok())
        != Some(&format!("Bearer {TOKEN}"))
    {
        return reply(
            StatusCode::UNAUTHORIZED,
            json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}),
        );
    }
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (owner, name, number) = match parts.as_slice() {
        ["repos", o, r, "issues"] => (*o, *r, None),
        ["repos", o, r, "issues", n] => (*o, *r, n.parse::<u64>().ok()),
        _ => return reply(StatusCode::NOT_FOUND, json!({"message": "Not Found"})),
    };
    let repo = format!("{owner}/{name}").to_lowercase();
    match repo.as_str() {
        "octo/missing" => return reply(StatusCode::NOT_FOUND, json!({"message": "Not Found"})),
        "octo/invalid" => {
            return reply(
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"message": "Validation Failed", "errors": [{"resource": "Issue", "code": "custom", "field": "body", "message": "body is too long (maximum is 65536 characters)"}]}),
            );
        }
        "octo/busy" => {
            let mut r = reply(
                StatusCode::TOO_MANY_REQUESTS,
                json!({"message": "You have exceeded a secondary rate limit."}),
            );
            r.headers_mut().insert("retry-after", "30".parse().unwrap());
            return r;
        }
        "octo/limited" => {
            let reset = chrono::Utc::now().timestamp() + 600;
            let mut r = reply(
                StatusCode::FORBIDDEN,
                json!({"message": "API rate limit exceeded"}),
            );
            let h = r.headers_mut();
            h.insert("x-ratelimit-remaining", "0".parse().unwrap());
            h.insert("x-ratelimit-reset", reset.to_string().parse().unwrap());
            return r;
        }
        _ => {}
    }
    let issue = |n: u64, body: &Value, labels: &Value| {
        json!({
            "number": n,
            "html_url": format!("https://github.example/{owner}/{name}/issues/{n}"),
            "title": body["title"],
            "body": body["body"],
            "labels": labels,
        })
    };
    match (method.as_str(), number) {
        ("POST", None) => {
            let n = st.issues.keys().filter(|(r, _)| *r == repo).count() as u64 + 1;
            let labels: Vec<Value> = body["labels"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|l| json!({"name": l}))
                .collect();
            let v = issue(n, &body, &Value::from(labels));
            st.issues.insert((repo, n), v.clone());
            reply(StatusCode::CREATED, v)
        }
        ("PATCH", Some(n)) => match st.issues.get(&(repo.clone(), n)).cloned() {
            Some(old) => {
                let v = issue(n, &body, &old["labels"]);
                st.issues.insert((repo, n), v.clone());
                reply(StatusCode::OK, v)
            }
            None => reply(StatusCode::NOT_FOUND, json!({"message": "Not Found"})),
        },
        _ => reply(StatusCode::NOT_FOUND, json!({"message": "Not Found"})),
    }
}
