//! `/plan export format:github`: the plan to a GitHub issue in the server's repository.
//! `/plan` commands act on the plan of the thread (or channel) they run in, so the reply,
//! public and without mentions, posts the URL in the plan's thread.

use super::finish;
use crate::discord::{Context, Error, channel};

/// Exports this thread's plan (the interaction is already deferred) and says where.
pub(super) async fn export(ctx: Context<'_>) -> Result<(), Error> {
    let svc = &ctx.data().service;
    let r = async {
        let p = svc.plan_in(channel(ctx.channel_id())).await?;
        svc.export_github(p.id, None).await.map(|done| done.text())
    }
    .await;
    finish(ctx, r).await
}
