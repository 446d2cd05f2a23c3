//! Operations glue: the `/metrics` + `/healthz` server beside the bot, the daily retention
//! purge, and what the Discord side records into [`crate::metrics::Metrics`].

use super::lanes::LaneStats;
use crate::config::Config;
use crate::metrics::{LaneFigures, Probe};
use crate::service::Service;
use anyhow::Context as _;
use futures::FutureExt as _;
use futures::future::BoxFuture;
use serenity::all as sy;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How often the retention purge runs (the first time at start).
const PURGE_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// How long a stop waits for the purge and the metrics server.
const STOP_TASKS: Duration = Duration::from_secs(2);

/// The tasks beside the gateway; [`Tasks::stop`] ends them.
pub(super) struct Tasks {
    stop: watch::Sender<bool>,
    handles: Vec<JoinHandle<()>>,
}

impl Tasks {
    /// Starts the retention purge, and serves `/metrics` and `/healthz` if an address is
    /// set (an address that cannot be bound stops the start, naming it).
    pub(super) async fn start(
        cfg: &Config,
        service: &Arc<Service>,
        shards: Arc<sy::ShardManager>,
    ) -> anyhow::Result<Tasks> {
        let (stop, stopped) = watch::channel(false);
        let mut handles = Vec::new();
        if let Some(addr) = cfg.metrics.listen {
            let listener = tokio::net::TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on metrics.listen = {addr}"))?;
            tracing::info!(%addr, "serving /metrics and /healthz");
            let probe = Arc::new(Health {
                service: service.clone(),
                shards,
            });
            let metrics = service.metrics().clone();
            let until = stopped_future(stopped.clone());
            handles.push(tokio::spawn(async move {
                if let Err(e) = crate::metrics::serve(listener, metrics, probe, until).await {
                    tracing::error!(error = %e, "the metrics server stopped");
                }
            }));
        }
        handles.push(tokio::spawn(purge_daily(
            service.clone(),
            cfg.retention_days,
            stopped,
        )));
        Ok(Tasks { stop, handles })
    }

    /// Stops the purge (between runs, or after the run in flight) and the server.
    pub(super) async fn stop(self) {
        let _ = self.stop.send(true);
        for h in self.handles {
            if tokio::time::timeout(STOP_TASKS, h).await.is_err() {
                tracing::warn!("a background task did not stop in time");
            }
        }
    }
}

/// Completes when a stop is sent (or its sender is gone).
async fn stopped_future(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

/// Purges detections older than `days` at start and then every day, until stopped. A
/// purge in flight finishes (it is one transaction) before the stop is seen.
async fn purge_daily(service: Arc<Service>, days: u32, stopped: watch::Receiver<bool>) {
    let mut every = tokio::time::interval(PURGE_EVERY);
    let mut until = std::pin::pin!(stopped_future(stopped).fuse());
    loop {
        tokio::select! {
            _ = every.tick() => {}
            () = &mut until => return,
        }
        if let Err(e) = service.purge_older_than(chrono::Utc::now(), days).await {
            tracing::error!(error = %e, "cannot purge old detections; trying again tomorrow");
        }
    }
}

/// `/healthz`: every gateway connection is up, and the database answers.
struct Health {
    service: Arc<Service>,
    shards: Arc<sy::ShardManager>,
}

impl Probe for Health {
    fn gateway_connected(&self) -> BoxFuture<'_, bool> {
        async move {
            let runners = self.shards.runners.lock().await;
            !runners.is_empty()
                && runners
                    .values()
                    .all(|r| matches!(r.stage, sy::ConnectionStage::Connected))
        }
        .boxed()
    }

    fn database_answers(&self) -> BoxFuture<'_, bool> {
        self.service.database_answers().boxed()
    }
}

/// Lets `/metrics` read the lanes' counters at each scrape.
pub(super) fn read_lanes(service: &Service, stats: Arc<LaneStats>) {
    service.metrics().read_lanes_from(move || {
        let c = stats.counts();
        LaneFigures {
            queued: c.queued,
            shed: c.shed,
            delayed: c.delayed,
            depth: c.depth as u64,
        }
    });
}

/// Counts a failed REST request of `route` class by its status class.
pub(super) fn rest_error(service: &Service, route: &'static str, e: &sy::Error) {
    let status = match e {
        sy::Error::Http(sy::HttpError::UnsuccessfulRequest(r)) => match r.status_code.as_u16() {
            429 => "429",
            500.. => "5xx",
            _ => "4xx",
        },
        _ => "transport",
    };
    service.metrics().rest_error(route, status);
}
