//! Logging set-up: structured `tracing` to stderr, filter from config or `RUST_LOG`.
//!
//! At trace level the websocket and HTTP client libraries log whole frames and requests,
//! the IDENTIFY and RESUME frames (which carry the bot token) among them, as text or as
//! byte lists. Whatever the filter asks for, their trace output is dropped.

use tracing::{Level, Metadata};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::{LevelFilter, filter_fn};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{Layer as _, fmt};

/// Libraries (targets, by prefix) that may log a frame or request carrying the token:
/// never below debug.
pub const CAPPED: [&str; 9] = [
    "tungstenite",
    "tokio_tungstenite",
    "async_tungstenite",
    "hyper",
    "hyper_util",
    "reqwest",
    "h2",
    "rustls",
    "serenity::gateway",
];

/// Whether an event may be logged at all (the cap above), before the user's filter.
pub fn allowed(meta: &Metadata<'_>) -> bool {
    *meta.level() < Level::TRACE || !is_capped(meta.target())
}

fn is_capped(target: &str) -> bool {
    CAPPED.iter().any(|c| {
        target
            .strip_prefix(c)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with("::"))
    })
}

pub fn init(filter: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(filter));
    let hint = filter.max_level_hint();
    let wants_trace = hint.is_none_or(|l| l >= LevelFilter::TRACE);
    // The cap passes the user's filter's most verbose level on: without it the cap would
    // have no level, every `debug!`/`trace!` call and span of every library would be
    // checked at run time (and spans recorded), instead of skipped at its call site.
    let mut cap = filter_fn(allowed);
    if let Some(level) = hint {
        cap = cap.with_max_level_hint(level);
    }
    let layer = fmt::layer()
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_filter(filter)
        .with_filter(cap);
    if tracing_subscriber::registry()
        .with(layer)
        .try_init()
        .is_ok()
        && wants_trace
    {
        tracing::info!(
            capped = ?CAPPED,
            "trace logging: websocket and HTTP client libraries stay at debug (their trace output would show the token)"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_capped;

    #[test]
    fn the_cap_matches_whole_crate_names_only() {
        assert!(is_capped("tungstenite"));
        assert!(is_capped("tungstenite::protocol"));
        assert!(is_capped("serenity::gateway::ws"));
        assert!(!is_capped("tungstenitex"));
        assert!(!is_capped("plancheck::discord"));
        assert!(!is_capped("serenity::http"));
    }
}
