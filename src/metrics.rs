//! Operations: counters, gauges and a latency histogram (prometheus-client's registry and
//! encoding), served with a health check at `/metrics` and `/healthz` (axum) when
//! `[metrics] listen` is set. Nothing here knows Discord or SQL: the service and the
//! Discord glue record into [`Metrics`]; a [`Probe`] answers the health questions.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use futures::future::BoxFuture;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::Duration;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EventLabels {
    kind: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RestLabels {
    /// What was asked: `message`, `reaction`, `thread`, `interaction`.
    route: &'static str,
    /// `4xx`, `429`, `5xx`, or `transport` (no answer).
    status: &'static str,
}

/// The message lanes' figures at one moment (totals since start, and the queue now).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LaneFigures {
    pub queued: u64,
    pub shed: u64,
    pub delayed: u64,
    pub depth: u64,
}

type LaneSource = Box<dyn Fn() -> LaneFigures + Send + Sync>;

/// Everything plancheck counts. Cheap to record into; encoded only when scraped.
pub struct Metrics {
    registry: Mutex<Registry>,
    events: Family<EventLabels, Counter>,
    detections: Counter,
    prompts_sent: Counter,
    prompts_failed: Counter,
    answers: Counter,
    rest_errors: Family<RestLabels, Counter>,
    prompt_latency: Histogram,
    queued: Counter,
    shed: Counter,
    delayed: Counter,
    queue_depth: Gauge,
    /// The lanes' own counters, read at each scrape (the lanes start after the gateway).
    lanes: OnceLock<LaneSource>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let m = Metrics {
            registry: Mutex::new(Registry::with_prefix("plancheck")),
            events: Family::default(),
            detections: Counter::default(),
            prompts_sent: Counter::default(),
            prompts_failed: Counter::default(),
            answers: Counter::default(),
            rest_errors: Family::default(),
            // 1 ms to about 33 s.
            prompt_latency: Histogram::new(exponential_buckets(0.001, 2.0, 16)),
            queued: Counter::default(),
            shed: Counter::default(),
            delayed: Counter::default(),
            queue_depth: Gauge::default(),
            lanes: OnceLock::new(),
        };
        {
            let mut r = m.registry.lock().unwrap_or_else(PoisonError::into_inner);
            r.register(
                "gateway_events",
                "Gateway events received, by kind",
                m.events.clone(),
            );
            r.register(
                "detections",
                "Feature discussions detected and stored",
                m.detections.clone(),
            );
            r.register("prompts_sent", "Prompts posted", m.prompts_sent.clone());
            r.register(
                "prompts_failed",
                "Prompts that could not be posted after retries",
                m.prompts_failed.clone(),
            );
            r.register(
                "answers",
                "Answers, skips and reopens recorded",
                m.answers.clone(),
            );
            r.register(
                "rest_errors",
                "Discord REST requests that failed, by route class and status class",
                m.rest_errors.clone(),
            );
            r.register(
                "message_to_prompt_seconds",
                "From a message to the prompt it caused being posted",
                m.prompt_latency.clone(),
            );
            r.register(
                "messages_queued",
                "Messages accepted into a lane",
                m.queued.clone(),
            );
            r.register(
                "messages_shed",
                "Messages that only fed detection, dropped because their lane was full",
                m.shed.clone(),
            );
            r.register(
                "messages_delayed",
                "Possible answers queued beyond a full lane's capacity",
                m.delayed.clone(),
            );
            r.register(
                "queue_depth",
                "Messages waiting in all lanes now",
                m.queue_depth.clone(),
            );
        }
        m
    }

    /// A gateway event of `kind` (`message`, `interaction_create`, …) arrived.
    pub fn event(&self, kind: &'static str) {
        self.events.get_or_create(&EventLabels { kind }).inc();
    }

    pub fn detection(&self) {
        self.detections.inc();
    }

    pub fn answer(&self) {
        self.answers.inc();
    }

    /// A prompt was posted `latency` after the message that caused it.
    pub fn prompt_sent(&self, latency: Duration) {
        self.prompts_sent.inc();
        self.prompt_latency.observe(latency.as_secs_f64());
    }

    pub fn prompt_failed(&self) {
        self.prompts_failed.inc();
    }

    /// A REST request of `route` class failed with `status` (`4xx`, `429`, `5xx`,
    /// `transport`).
    pub fn rest_error(&self, route: &'static str, status: &'static str) {
        self.rest_errors
            .get_or_create(&RestLabels { route, status })
            .inc();
    }

    /// Where the message lanes' figures are read from at each scrape.
    pub fn read_lanes_from(&self, source: impl Fn() -> LaneFigures + Send + Sync + 'static) {
        let _ = self.lanes.set(Box::new(source));
    }

    /// The Prometheus (OpenMetrics) text of every metric.
    pub fn encode(&self) -> String {
        let registry = self.registry.lock().unwrap_or_else(PoisonError::into_inner);
        // Under the registry's lock, so two scrapes cannot add the same difference twice.
        if let Some(read) = self.lanes.get() {
            let now = read();
            catch_up(&self.queued, now.queued);
            catch_up(&self.shed, now.shed);
            catch_up(&self.delayed, now.delayed);
            self.queue_depth
                .set(i64::try_from(now.depth).unwrap_or(i64::MAX));
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &registry)
            .expect("writing to a String cannot fail");
        text
    }
}

/// Brings a counter up to a total counted elsewhere.
fn catch_up(counter: &Counter, total: u64) {
    let seen = counter.get();
    if total > seen {
        counter.inc_by(total - seen);
    }
}

/// Answers `/healthz`: is the gateway connected, does the database answer.
pub trait Probe: Send + Sync {
    fn gateway_connected(&self) -> BoxFuture<'_, bool>;
    fn database_answers(&self) -> BoxFuture<'_, bool>;
}

#[derive(Clone)]
struct Served {
    metrics: Arc<Metrics>,
    probe: Arc<dyn Probe>,
}

/// How long `/healthz` waits for the database before calling it down.
const DATABASE_WAIT: Duration = Duration::from_secs(2);

/// The routes: `/metrics` and `/healthz`.
pub fn router(metrics: Arc<Metrics>, probe: Arc<dyn Probe>) -> Router {
    Router::new()
        .route("/metrics", get(scrape))
        .route("/healthz", get(health))
        .with_state(Served { metrics, probe })
}

async fn scrape(State(s): State<Served>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        s.metrics.encode(),
    )
}

async fn health(State(s): State<Served>) -> impl IntoResponse {
    let gateway = s.probe.gateway_connected().await;
    let database = tokio::time::timeout(DATABASE_WAIT, s.probe.database_answers())
        .await
        .unwrap_or(false);
    let status = if gateway && database {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let word = |ok: bool| if ok { "ok" } else { "down" };
    (
        status,
        format!("gateway {}\ndatabase {}\n", word(gateway), word(database)),
    )
}

/// Serves [`router`] on `listener` until `stop` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
    probe: Arc<dyn Probe>,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(metrics, probe))
        .with_graceful_shutdown(stop)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_figures_show_in_the_text() {
        let m = Metrics::new();
        let before = m.encode();
        assert!(
            before.contains("plancheck_prompts_sent_total 0"),
            "{before}"
        );
        m.event("message");
        m.detection();
        m.prompt_sent(Duration::from_millis(3));
        m.rest_error("message", "5xx");
        m.read_lanes_from(|| LaneFigures {
            queued: 7,
            shed: 2,
            delayed: 1,
            depth: 3,
        });
        let text = m.encode();
        for line in [
            "plancheck_gateway_events_total{kind=\"message\"} 1",
            "plancheck_detections_total 1",
            "plancheck_prompts_sent_total 1",
            "plancheck_prompts_failed_total 0",
            "plancheck_rest_errors_total{route=\"message\",status=\"5xx\"} 1",
            "plancheck_message_to_prompt_seconds_count 1",
            "plancheck_messages_queued_total 7",
            "plancheck_messages_shed_total 2",
            "plancheck_messages_delayed_total 1",
            "plancheck_queue_depth 3",
        ] {
            assert!(text.contains(line), "{line} missing in\n{text}");
        }
        // A second scrape adds nothing the lanes did not count.
        let again = m.encode();
        assert!(
            again.contains("plancheck_messages_queued_total 7"),
            "{again}"
        );
    }
}
