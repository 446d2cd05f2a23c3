//! GitHub's REST API, for exporting plans: create an issue, update one. Only HTTP lives
//! here; what the issue says is decided by `export::github`, when by the service.
//! The token is sent as a header marked sensitive and appears in no message or log.

use crate::config::{GithubConfig, Secret};
use crate::export::github::{IssueText, Repo};
use chrono::{DateTime, Utc};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use std::time::Duration;

/// The REST API version plancheck was written against.
pub const API_VERSION: &str = "2022-11-28";

/// A client for one API address, with the token (if any) and the labels new issues get.
pub struct GitHub {
    http: reqwest::Client,
    api: String,
    token: Option<Secret>,
    labels: Vec<String>,
}

/// An issue as GitHub describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub number: u64,
    pub url: String,
}

/// Why a request failed, told plainly; each names the repository and never the token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GitHubError {
    #[error(
        "no GitHub token: set GITHUB_TOKEN, or github.token_file in the config (a token that may write issues in the repository; see README, 'GitHub issues')"
    )]
    NoToken,
    #[error(
        "GitHub rejected the token (401) when writing to {repo}: check that GITHUB_TOKEN or github.token_file holds a valid token that has not expired"
    )]
    Unauthorized { repo: Repo },
    #[error("GitHub's rate limit stopped the export to {repo} ({status}): {retry}")]
    RateLimited {
        repo: Repo,
        status: u16,
        retry: String,
    },
    #[error(
        "GitHub refused to let the token write issues in {repo} (403): give it \"Issues: read and write\" on that repository. GitHub said: {message}"
    )]
    Forbidden { repo: Repo, message: String },
    #[error(
        "GitHub found no repository {repo} (404): check the name, and that the token may see it (a private repository looks missing to a token without access)"
    )]
    NotFound { repo: Repo },
    #[error("issue #{number} in {repo} was deleted (410)")]
    Gone { repo: Repo, number: u64 },
    #[error("GitHub refused the issue for {repo} (422, validation failed): {message}")]
    Invalid { repo: Repo, message: String },
    #[error("cannot reach GitHub at {api} to export to {repo}: {reason}")]
    Network {
        repo: Repo,
        api: String,
        reason: String,
    },
    #[error("GitHub answered {status} when exporting to {repo}: {message}")]
    Other {
        repo: Repo,
        status: u16,
        message: String,
    },
}

impl GitHub {
    pub fn new(config: &GithubConfig, token: Option<Secret>) -> GitHub {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(30))
            .build()
            .expect("a TLS client with the bundled roots builds");
        GitHub {
            http,
            api: config.api_url.trim_end_matches('/').to_string(),
            token,
            labels: config.labels.clone(),
        }
    }

    /// Opens an issue in `repo` with the configured labels.
    pub async fn create(&self, repo: &Repo, text: &IssueText) -> Result<Issue, GitHubError> {
        let body = serde_json::json!({
            "title": text.title,
            "body": text.body,
            "labels": self.labels,
        });
        let path = format!("/repos/{}/{}/issues", repo.owner(), repo.name());
        self.send(reqwest::Method::POST, &path, repo, None, body)
            .await
    }

    /// Replaces the title and body of issue `number` in `repo`; its labels, state and
    /// comments are left as people set them.
    pub async fn update(
        &self,
        repo: &Repo,
        number: u64,
        text: &IssueText,
    ) -> Result<Issue, GitHubError> {
        let body = serde_json::json!({ "title": text.title, "body": text.body });
        let path = format!("/repos/{}/{}/issues/{number}", repo.owner(), repo.name());
        self.send(reqwest::Method::PATCH, &path, repo, Some(number), body)
            .await
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        repo: &Repo,
        number: Option<u64>,
        body: serde_json::Value,
    ) -> Result<Issue, GitHubError> {
        let token = self.token.as_ref().ok_or(GitHubError::NoToken)?;
        let mut auth = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
            .map_err(|_| GitHubError::Unauthorized { repo: repo.clone() })?;
        auth.set_sensitive(true);
        let network = |e: reqwest::Error| GitHubError::Network {
            repo: repo.clone(),
            api: self.api.clone(),
            reason: error_chain(&e.without_url()),
        };
        let response = self
            .http
            .request(method, format!("{}{path}", self.api))
            .header(ACCEPT, "application/vnd.github+json")
            .header("X-GitHub-Api-Version", API_VERSION)
            .header(USER_AGENT, concat!("plancheck/", env!("CARGO_PKG_VERSION")))
            .header(CONTENT_TYPE, "application/json")
            .header(AUTHORIZATION, auth)
            .body(serde_json::to_vec(&body).expect("JSON values serialise"))
            .send()
            .await
            .map_err(network)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.map_err(network)?;
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        if (200..300).contains(&status) {
            return match (json["number"].as_u64(), json["html_url"].as_str()) {
                (Some(number), Some(url)) => Ok(Issue {
                    number,
                    url: url.to_string(),
                }),
                _ => Err(GitHubError::Other {
                    repo: repo.clone(),
                    status,
                    message: "the answer names no issue number and URL".into(),
                }),
            };
        }
        let message = redact(&github_message(&json), token);
        Err(classify(
            repo,
            number,
            status,
            &headers,
            message,
            Utc::now(),
        ))
    }
}

/// The error a failed answer means, from its status, headers and GitHub's message.
fn classify(
    repo: &Repo,
    number: Option<u64>,
    status: u16,
    headers: &HeaderMap,
    message: String,
    now: DateTime<Utc>,
) -> GitHubError {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let limited = header("retry-after").is_some() || header("x-ratelimit-remaining") == Some("0");
    let repo = repo.clone();
    match status {
        401 => GitHubError::Unauthorized { repo },
        403 | 429 if status == 429 || limited => GitHubError::RateLimited {
            repo,
            status,
            retry: retry_hint(
                header("retry-after"),
                header("x-ratelimit-remaining"),
                header("x-ratelimit-reset"),
                now,
            ),
        },
        403 => GitHubError::Forbidden { repo, message },
        404 => GitHubError::NotFound { repo },
        410 => GitHubError::Gone {
            repo,
            number: number.unwrap_or(0),
        },
        422 => GitHubError::Invalid { repo, message },
        _ => GitHubError::Other {
            repo,
            status,
            message,
        },
    }
}

/// When to try again, from GitHub's rate-limit headers: `retry-after` (seconds), else the
/// reset time of an exhausted limit, else a minute (GitHub's advice for secondary limits).
fn retry_hint(
    retry_after: Option<&str>,
    remaining: Option<&str>,
    reset: Option<&str>,
    now: DateTime<Utc>,
) -> String {
    if let Some(secs) = retry_after.and_then(|s| s.trim().parse::<u64>().ok()) {
        return format!("try again in {secs} s");
    }
    let reset = reset
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|t| DateTime::from_timestamp(t, 0));
    if let (Some("0"), Some(at)) = (remaining, reset) {
        let wait = (at - now).num_seconds().max(0);
        return format!(
            "the limit resets at {} UTC; try again in {wait} s",
            at.format("%H:%M:%S")
        );
    }
    "wait a minute before trying again".to_string()
}

/// GitHub's explanation: `message`, and each entry of `errors` (its `message`, else its
/// field and code), cut to a readable length.
fn github_message(json: &serde_json::Value) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(m) = json["message"].as_str() {
        parts.push(m.to_string());
    }
    for e in json["errors"].as_array().into_iter().flatten() {
        let detail = match (
            e["message"].as_str(),
            e["field"].as_str(),
            e["code"].as_str(),
        ) {
            (Some(m), _, _) => m.to_string(),
            (None, Some(f), Some(c)) => format!("{f}: {c}"),
            (None, _, _) => e.as_str().map(str::to_string).unwrap_or_default(),
        };
        if !detail.is_empty() {
            parts.push(detail);
        }
    }
    if parts.is_empty() {
        return "no explanation given".to_string();
    }
    let all = parts.join("; ");
    if all.chars().count() > 300 {
        let cut: String = all.chars().take(300).collect();
        format!("{cut}…")
    } else {
        all
    }
}

/// `text` with the token replaced, should a server ever echo it.
fn redact(text: &str, token: &Secret) -> String {
    if token.expose().is_empty() {
        text.to_string()
    } else {
        text.replace(token.expose(), "***")
    }
}

/// An error and its causes, one after another.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo() -> Repo {
        Repo::parse("octo/api").unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn rate_limits_say_when_to_try_again() {
        let e = classify(
            &repo(),
            None,
            429,
            &headers(&[("retry-after", "42")]),
            "x".into(),
            now(),
        );
        assert_eq!(
            e.to_string(),
            "GitHub's rate limit stopped the export to octo/api (429): try again in 42 s"
        );
        let h = headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1800000090"),
        ]);
        let e = classify(&repo(), None, 403, &h, "x".into(), now());
        assert!(
            e.to_string()
                .contains("resets at 08:01:30 UTC; try again in 90 s"),
            "{e}"
        );
        // Control: a 403 without rate-limit headers is a permission problem.
        let h = headers(&[("x-ratelimit-remaining", "4999")]);
        let e = classify(
            &repo(),
            None,
            403,
            &h,
            "Resource not accessible".into(),
            now(),
        );
        assert!(matches!(e, GitHubError::Forbidden { .. }), "{e:?}");
        assert!(e.to_string().contains("Resource not accessible"), "{e}");
        // A secondary limit without headers still gets advice.
        let e = classify(&repo(), None, 429, &HeaderMap::new(), "x".into(), now());
        assert!(e.to_string().contains("wait a minute"), "{e}");
    }

    #[test]
    fn each_status_gets_its_own_plain_message_naming_the_repository() {
        let plain = |status| {
            classify(
                &repo(),
                Some(3),
                status,
                &HeaderMap::new(),
                "m".into(),
                now(),
            )
            .to_string()
        };
        assert!(plain(401).contains("rejected the token"));
        assert!(plain(404).contains("found no repository octo/api"));
        assert!(plain(410).contains("#3"));
        assert!(plain(422).contains("validation failed): m"));
        assert!(plain(500).contains("answered 500"));
        for s in [401, 403, 404, 410, 422, 429, 500] {
            assert!(plain(s).contains("octo/api"), "{s}: {}", plain(s));
        }
    }

    #[test]
    fn github_messages_are_read_and_the_token_is_redacted() {
        let json = serde_json::json!({
            "message": "Validation Failed",
            "errors": [{"resource": "Issue", "field": "title", "code": "missing_field"},
                       {"message": "labels must be strings ghp_secret"}],
        });
        let m = redact(&github_message(&json), &Secret::new("ghp_secret"));
        assert_eq!(
            m,
            "Validation Failed; title: missing_field; labels must be strings ***"
        );
        assert_eq!(
            github_message(&serde_json::Value::Null),
            "no explanation given"
        );
    }
}
