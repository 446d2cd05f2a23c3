//! Slash commands: thin wrappers that call the service and reply. User mistakes get a
//! short ephemeral explanation; internal failures are logged and answered with an id.

mod admin;
mod github;
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
            tracing::error!(error = %e, interaction = id, command = %ctx.command().qualified_name, "command failed");
            say(ctx, e.apology(id), true).await
        }
    }
}

/// The internal-failure tier: the cause goes to the log, the user gets an id to quote.
async fn apologise(ctx: Context<'_>, error: &(dyn std::fmt::Debug + Sync)) -> Result<(), Error> {
    let id = ctx.id();
    tracing::error!(error = ?error, interaction = id, command = %ctx.command().qualified_name, "command failed");
    say(
        ctx,
        format!("Sorry, something went wrong (ref {id})."),
        true,
    )
    .await
}

pub async fn on_error(err: poise::FrameworkError<'_, Data, Error>) {
    let result = match err {
        poise::FrameworkError::Command { error, ctx, .. } => apologise(ctx, &error).await,
        poise::FrameworkError::CommandCheckFailed {
            error: None, ctx, ..
        } => {
            say(
                ctx,
                "Only members with **Manage Server** can change plancheck's settings.",
                true,
            )
            .await
        }
        poise::FrameworkError::CommandCheckFailed {
            error: Some(error), ..
        } if error.is::<super::replay::Replayed>() => {
            tracing::debug!("replayed command ignored");
            Ok(())
        }
        poise::FrameworkError::CommandCheckFailed {
            error: Some(error),
            ctx,
            ..
        } => apologise(ctx, &error).await,
        other => poise::builtins::on_error(other).await.map_err(Error::from),
    };
    if let Err(e) = result {
        tracing::error!(error = %e, "error while handling an error");
    }
}

/// The depth option of `/plan start` and `/plancheck settings`, as Discord shows it.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub(crate) enum DepthChoice {
    #[name = "quick (at most 7 critical questions)"]
    Quick,
    #[name = "standard (8 to 12, every core category)"]
    Standard,
    #[name = "thorough (every question of the packs that fit)"]
    Thorough,
}

impl From<DepthChoice> for crate::plan::select::Depth {
    fn from(d: DepthChoice) -> Self {
        use crate::plan::select::Depth;
        match d {
            DepthChoice::Quick => Depth::Quick,
            DepthChoice::Standard => Depth::Standard,
            DepthChoice::Thorough => Depth::Thorough,
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

/// The check on `/plancheck` (poise runs a parent's checks for every subcommand): members
/// need Manage Server, and Administrator implies it. Refusals are answered in `on_error`.
async fn manage_server(ctx: Context<'_>) -> Result<bool, Error> {
    let perms = match ctx {
        poise::Context::Application(a) => a.interaction.member.as_ref().and_then(|m| m.permissions),
        poise::Context::Prefix(_) => None,
    };
    Ok(perms.is_some_and(|p| p.manage_guild() || p.administrator()))
}
