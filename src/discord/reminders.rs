//! The reminder scheduler: a task beside the client that asks the service for due
//! reminders, posts each in its plan's thread and reports how that went. It sleeps until
//! the next reminder is due (or the service rings its bell), and stops on shutdown.

use super::render;
use crate::service::{Delivery, Reminder, Service};
use chrono::Utc;
use serenity::all as sy;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Longest sleep between two looks at the schedule (the bell usually comes first).
const MAX_WAIT: Duration = Duration::from_secs(300);
/// Shortest pause between two rounds, so a plan that keeps coming back due cannot spin.
const MIN_WAIT: Duration = Duration::from_secs(1);

/// Runs until `stop` turns true (or its sender is dropped).
pub(crate) async fn run(
    service: Arc<Service>,
    http: Arc<sy::Http>,
    mut stop: watch::Receiver<bool>,
) {
    match service.reschedule_all(None).await {
        Ok(n) => tracing::debug!(plans = n, "reminders scheduled"),
        Err(e) => tracing::warn!(error = %e, "cannot schedule reminders; retrying later"),
    }
    loop {
        if *stop.borrow() {
            return;
        }
        round(&service, &http).await;
        let wait = match service.next_reminder().await {
            Ok(Some(at)) => (at - Utc::now()).to_std().unwrap_or(Duration::ZERO),
            Ok(None) => MAX_WAIT,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the next reminder");
                MAX_WAIT
            }
        };
        let wait = wait.clamp(MIN_WAIT, MAX_WAIT);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = service.reminder_bell().notified() => {
                // Let the change that rang settle, and never spin.
                tokio::time::sleep(MIN_WAIT.min(wait)).await;
            }
            _ = stop.changed() => return,
        }
    }
}

/// Posts every reminder due now.
async fn round(service: &Service, http: &sy::Http) {
    let due = match service.due_reminders(Utc::now()).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read due reminders");
            return;
        }
    };
    for r in due {
        let delivery = post(http, &r).await;
        if let Err(e) = service.reminder_delivered(&r, delivery, Utc::now()).await {
            tracing::warn!(plan = %r.plan, error = %e, "cannot record a reminder's delivery");
        }
    }
}

async fn post(http: &sy::Http, r: &Reminder) -> Delivery {
    let message = sy::CreateMessage::new()
        .content(render::fit(
            &render::quote_user_text(&r.text),
            render::MAX_CONTENT,
        ))
        .allowed_mentions(render::no_mentions());
    match sy::ChannelId::new(r.channel.0)
        .send_message(http, message)
        .await
    {
        Ok(_) => {
            tracing::info!(plan = %r.plan, channel = %r.channel, "reminder posted");
            Delivery::Sent
        }
        Err(e) => {
            let delivery = delivery_after(&e);
            tracing::warn!(plan = %r.plan, channel = %r.channel, error = %e, ?delivery, "cannot post a reminder");
            delivery
        }
    }
}

/// Discord refused for good (4xx other than a rate limit: the thread is gone, or the bot
/// may not write there): no retry, which would only pile up invalid requests. Anything
/// else (5xx, 429, the network) is tried again later.
fn delivery_after(e: &sy::Error) -> Delivery {
    match e {
        sy::Error::Http(sy::HttpError::UnsuccessfulRequest(resp))
            if resp.status_code.is_client_error() && resp.status_code.as_u16() != 429 =>
        {
            Delivery::GiveUp
        }
        _ => Delivery::Retry,
    }
}
