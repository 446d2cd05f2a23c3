//! Anti-pattern notes in Discord: one line (and a *Not helpful* button) under a prompt,
//! a reply in a plan's thread, and *Not helpful* itself.

use super::components::Component;
use super::events::{edit_clicked, ephemeral};
use super::{Data, render};
use crate::detect::nudge::Nudge;
use crate::error::Error as SvcError;
use crate::service::{Act, Place, Service};
use serenity::all as sy;
use std::sync::Arc;

/// *Not helpful* for a note.
pub(super) fn button(n: &Nudge) -> sy::CreateButton {
    sy::CreateButton::new(Component::NudgeOff(n.id.clone()).encode())
        .label(render::fit(&format!("Not helpful: {}", n.name), 80))
        .style(sy::ButtonStyle::Secondary)
}

/// A prompt's content with its note, within Discord's limit.
pub(super) fn prompt_content(prompt: &crate::service::Prompt) -> String {
    let text = render::prompt_content(&prompt.detection);
    match &prompt.nudge {
        Some(n) => format!(
            "{}\n{}",
            render::fit(&text, render::MAX_CONTENT - 300),
            render::fit(&n.line(), 299)
        ),
        None => text,
    }
}

/// A prompt's buttons, and *Not helpful* on its own row when it carries a note.
pub(super) fn prompt_buttons(prompt: &crate::service::Prompt) -> Vec<sy::CreateActionRow> {
    let mut rows = render::prompt_buttons(prompt.id);
    if let Some(n) = &prompt.nudge {
        rows.push(sy::CreateActionRow::Buttons(vec![button(n)]));
    }
    rows
}

/// A message where a plan is open that heads for an anti-pattern: one note in reply, once
/// per plan per nudge (claimed before it is posted), never pinging.
pub(super) async fn reply_in_plan(
    http: &Arc<sy::Http>,
    service: &Service,
    guild: crate::ids::GuildId,
    msg: &crate::detect::ChatMessage,
) {
    let said = match service.nudge_message(guild, msg).await {
        Ok(Some(said)) => said,
        Ok(None) => return,
        Err(e) => {
            tracing::error!(error = %e, reference = msg.id.0, "cannot check a message for nudges");
            return;
        }
    };
    let channel = sy::ChannelId::new(msg.channel.0);
    let reply = sy::CreateMessage::new()
        .content(render::fit(&said.nudge.line(), 500))
        .reference_message((channel, sy::MessageId::new(msg.id.0)))
        .components(vec![sy::CreateActionRow::Buttons(vec![button(
            &said.nudge,
        )])])
        .allowed_mentions(render::no_mentions());
    if let Err(e) = channel.send_message(http, reply).await {
        // Claimed already: a note that could not be posted is not tried again.
        tracing::warn!(error = %e, plan = %said.plan, nudge = %said.nudge.id, "cannot post a nudge");
    }
}

/// *Not helpful*: the nudge is silenced for this server; a note of its own loses the button.
pub(super) async fn not_helpful(
    ctx: &sy::Context,
    data: &Data,
    c: &sy::ComponentInteraction,
    at: Place,
    id: &str,
    act: &Act,
) -> Result<(), SvcError> {
    let (nudge, _) = data
        .service
        .silence_nudge(at.guild, id, act.author.id, act.at)
        .await?;
    let only_this_button =
        c.message.components.len() == 1 && c.message.components[0].components.len() == 1;
    if only_this_button {
        edit_clicked(ctx, c, c.message.content.clone(), vec![]).await;
    }
    let text = format!(
        "Thanks: notes about “{}” are off for this server.",
        nudge.name
    );
    ephemeral(ctx, c, &text)
        .await
        .map_err(|e| SvcError::user(e.to_string()))
}
