//! Bounded retries for requests whose loss someone would notice (a prompt). Rate limits
//! (429) and server errors (5xx) are retried with growing delays; a request Discord
//! refused for a reason that will not change (403, 404, 400) is not.

use serenity::all as sy;
use std::future::Future;
use std::time::Duration;

/// Delays before the second, third and fourth attempt.
pub const DELAYS: [Duration; 3] = [
    Duration::from_millis(250),
    Duration::from_secs(1),
    Duration::from_secs(3),
];

/// Whether a failed request may succeed if tried again.
pub fn retryable(e: &sy::Error) -> bool {
    match e {
        sy::Error::Http(sy::HttpError::UnsuccessfulRequest(r)) => {
            let code = r.status_code.as_u16();
            code == 429 || code >= 500
        }
        // The request never got an answer (connection refused, reset, timeout).
        sy::Error::Http(sy::HttpError::Request(_)) => true,
        _ => false,
    }
}

/// A short reason for logs and `/plancheck status`.
pub fn reason(e: &sy::Error) -> String {
    match e {
        sy::Error::Http(sy::HttpError::UnsuccessfulRequest(r)) => {
            format!(
                "Discord answered {} ({})",
                r.status_code.as_u16(),
                r.error.message
            )
        }
        other => other.to_string(),
    }
}

/// Runs `attempt` until it succeeds, fails for good, or [`DELAYS`] run out. Returns the
/// result and the number of attempts made.
pub async fn with_retries<T, F, Fut>(mut attempt: F) -> (Result<T, sy::Error>, usize)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, sy::Error>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt().await {
            Err(e) if retryable(&e) && tries <= DELAYS.len() => {
                tracing::warn!(error = %reason(&e), attempt = tries, "request failed; retrying");
                tokio::time::sleep(DELAYS[tries - 1]).await;
            }
            r => return (r, tries),
        }
    }
}
