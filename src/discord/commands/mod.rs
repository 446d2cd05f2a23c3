//! Slash commands: thin wrappers that call the service and reply. User mistakes get a
//! short ephemeral explanation; internal failures are logged and answered with an id.

mod admin;
mod plan;

use super::{Context, Data, Error, author, render};
use crate::error::Error as SvcError;
use crate::ids::MessageId;
use crate::service::Act;
use chrono::Utc;

pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![admin::plancheck(), plan::plan()]
}
/// Replies, split into several messages when longer than Discord allows.
async fn say(ctx: Context<'_>, text: impl Into<String>, ephemeral: bool) -> Result<(), Error> {
    for part in render::split_message(&text.into(), render::MAX_CONTENT) {
        ctx.send(
            poise::CreateReply::default()
                .content(part)
                .ephemeral(ephemeral)
                .allowed_mentions(render::no_mentions()),
        )
        .await?;
    }
    Ok(())
}

/// Turns a service result into a reply: user mistakes ephemeral, internal failures logged.
async fn finish(ctx: Context<'_>, r: Result<String, SvcError>) -> Result<(), Error> {
    match r {
        Ok(text) => say(ctx, text, false).await,
        Err(SvcError::User(msg)) => say(ctx, msg, true).await,
        Err(e) => {
            let id = ctx.id();
            tracing::error!(error = ?e, interaction = id, command = %ctx.command().qualified_name, "command failed");
            say(
                ctx,
                format!("Sorry, something went wrong (ref {id})."),
                true,
            )
            .await
        }
    }
}

pub async fn on_error(err: poise::FrameworkError<'_, Data, Error>) {
    match err {
        poise::FrameworkError::Command { error, ctx, .. } => {
            let id = ctx.id();
            tracing::error!(error = ?error, interaction = id, "command failed");
            let _ = say(
                ctx,
                format!("Sorry, something went wrong (ref {id})."),
                true,
            )
            .await;
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!(error = %e, "error while handling an error");
            }
        }
    }
}

fn act(ctx: Context<'_>) -> Act {
    Act {
        author: author(ctx.author()),
        at: Utc::now(),
        source: MessageId(ctx.id()),
    }
}

/// Members need Manage Server (Administrator implies it).
async fn is_admin(ctx: Context<'_>) -> Result<bool, Error> {
    let perms = match ctx {
        poise::Context::Application(a) => a.interaction.member.as_ref().and_then(|m| m.permissions),
        poise::Context::Prefix(_) => None,
    };
    let ok = perms.is_some_and(|p| p.manage_guild() || p.administrator());
    if !ok {
        say(
            ctx,
            "Only members with **Manage Server** can change plancheck's settings.",
            true,
        )
        .await?;
    }
    Ok(ok)
}
