//! Gateway events: a table of contents that hands each event to the service.

use super::components::Component;
use super::{Data, Error, author, channel, checklist, guild, message, render, retry};
use crate::error::Error as SvcError;
use crate::ids::PlanId;
use crate::plan::reply::{self, Reply};
use crate::service::{Act, Place, Service, panic_message};
use chrono::Utc;
use futures::FutureExt as _;
use serenity::all as sy;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

pub async fn handle(
    fw: poise::FrameworkContext<'_, Data, Error>,
    event: &sy::FullEvent,
) -> Result<(), Error> {
    fw.user_data
        .service
        .metrics()
        .event(event.snake_case_name());
    // One event's bug must not stop the others: a panic ends this event's handling only,
    // logged with the event's id as the reference.
    match AssertUnwindSafe(dispatch(fw, event)).catch_unwind().await {
        Ok(r) => r,
        Err(payload) => {
            tracing::error!(
                reference = event_ref(event),
                event = event.snake_case_name(),
                panic = %panic_message(payload.as_ref()),
                "handling an event panicked; nothing else is affected"
            );
            Ok(())
        }
    }
}

async fn dispatch(
    fw: poise::FrameworkContext<'_, Data, Error>,
    event: &sy::FullEvent,
) -> Result<(), Error> {
    let ctx = fw.serenity_context;
    let data = fw.user_data;
    // Slash commands are deduplicated by the framework's command check; buttons and forms
    // here. Messages never come this way: `super::framework` hands them to the inbox.
    match event {
        // Each connection hands its messages to the inbox as they arrive, in order.
        sy::FullEvent::Ready { .. } => {
            data.inbox.listen(ctx);
            Ok(())
        }
        sy::FullEvent::InteractionCreate {
            interaction: sy::Interaction::Component(c),
        } if data.first_time(c.id.get()) => on_component(ctx, data, c).await,
        sy::FullEvent::InteractionCreate {
            interaction: sy::Interaction::Modal(m),
        } if data.first_time(m.id.get()) => on_modal(ctx, data, m).await,
        _ => Ok(()),
    }
}

/// The id quoted in logs for an event: the interaction's.
fn event_ref(event: &sy::FullEvent) -> u64 {
    match event {
        sy::FullEvent::InteractionCreate { interaction } => interaction.id().get(),
        _ => 0,
    }
}

/// A message from a lane of the inbox (see [`super::inbox`]): an answer, or detection.
pub(super) async fn on_message(
    http: &Arc<sy::Http>,
    service: &Arc<Service>,
    posting: &Arc<tokio::sync::Semaphore>,
    m: super::inbox::Incoming,
) {
    let reference = m.msg.id.0;
    let result = AssertUnwindSafe(handle_message(http, service, posting, m))
        .catch_unwind()
        .await;
    match result {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::error!(error = ?e, reference, "handling a message failed");
        }
        Err(payload) => tracing::error!(
            reference,
            panic = %panic_message(payload.as_ref()),
            "handling a message panicked; nothing else is affected"
        ),
    }
}

async fn handle_message(
    http: &Arc<sy::Http>,
    service: &Arc<Service>,
    posting: &Arc<tokio::sync::Semaphore>,
    m: super::inbox::Incoming,
) -> Result<(), Error> {
    if let Some(full) = &m.full
        && try_capture_answer(http, service, full).await?
    {
        return Ok(());
    }
    // Where a plan is open, an anti-pattern gets one note (no query unless one fires).
    super::nudges::reply_in_plan(http, service, m.guild, &m.msg).await;
    let prompt = match service.observe(m.guild, &m.msg, true).await {
        Ok(Some(p)) => p,
        Ok(None) => return Ok(()),
        Err(e) => {
            tracing::error!(error = %e, reference = m.msg.id.0, channel = m.msg.channel.0, "cannot observe a message");
            return Ok(());
        }
    };
    // Posting may wait on retries: the channel's next messages need not wait for it.
    let (http, service, posting) = (http.clone(), service.clone(), posting.clone());
    tokio::spawn(async move {
        let _permit = posting.acquire().await;
        if let Err(e) = post_prompt(&http, &service, prompt).await {
            tracing::error!(error = ?e, "cannot record a prompt's delivery");
        }
    });
    Ok(())
}

async fn post_prompt(
    http: &Arc<sy::Http>,
    service: &Service,
    prompt: crate::service::Prompt,
) -> Result<(), Error> {
    let channel_id = sy::ChannelId::new(prompt.detection.channel.0);
    let (sent, attempts) = retry::with_retries(|| {
        channel_id.send_message(
            http,
            sy::CreateMessage::new()
                .content(super::nudges::prompt_content(&prompt))
                .components(super::nudges::prompt_buttons(&prompt))
                .allowed_mentions(render::no_mentions()),
        )
    })
    .await;
    match sent {
        Ok(s) => {
            let latency = (Utc::now() - prompt.detection.at)
                .to_std()
                .unwrap_or_default();
            service.metrics().prompt_sent(latency);
            service.prompt_posted(prompt.id, message(s.id)).await?
        }
        Err(e) => {
            service.metrics().prompt_failed();
            super::ops::rest_error(service, "message", &e);
            let reason = format!("{} (after {attempts} attempts)", retry::reason(&e));
            tracing::warn!(error = %reason, channel = %channel_id, detection = %prompt.id, "cannot post a prompt; kept as undelivered");
            service.prompt_undelivered(&prompt, &reason).await?;
        }
    }
    Ok(())
}

/// A reply to a question message in a plan's thread (or `Q3: …`) records an answer.
async fn try_capture_answer(
    http: &Arc<sy::Http>,
    service: &Service,
    m: &sy::Message,
) -> Result<bool, Error> {
    let replied = m.message_reference.as_ref().and_then(|r| r.message_id);
    let (plan, range) = match replied {
        Some(r) => match service.page_of(message(r)).await? {
            Some(page) => (page.plan, Some((page.first, page.last))),
            None => return Ok(false),
        },
        // Most messages are neither replies nor `Q3: …`: no lookup for them.
        None if reply::leading_number(&m.content).is_none() => return Ok(false),
        None => match service.open_plan_in(channel(m.channel_id)).await? {
            Some(plan) => (plan, None),
            None => return Ok(false),
        },
    };
    let (key, text) = match reply::read(&m.content, range) {
        Reply::Answer { number, text } => (number.to_string(), text),
        Reply::WhichQuestion => {
            self::reply(http, m, reply::NAME_THE_QUESTION).await;
            return Ok(true);
        }
    };
    let act = Act {
        author: author(&m.author),
        at: *m.timestamp,
        source: message(m.id),
    };
    match service.answer(plan, &key, text, &act).await {
        // A replayed message changed nothing and gets no second ✅.
        Ok(change) if !change.created => {}
        Ok(change) => {
            if let Err(e) = m.react(http, sy::ReactionType::Unicode("✅".into())).await {
                super::ops::rest_error(service, "reaction", &e);
                // The answer is stored; say so another way.
                tracing::warn!(error = %e, reference = m.id.get(), "cannot confirm an answer with a reaction; replying instead");
                reply(http, m, &format!("Recorded Q{}.", change.question.number)).await;
            }
        }
        Err(SvcError::User(msg) | SvcError::Refused(msg)) => reply(http, m, &msg).await,
        Err(e) => return Err(e.into()),
    }
    Ok(true)
}

async fn reply(http: &Arc<sy::Http>, m: &sy::Message, text: &str) {
    let r = m
        .channel_id
        .send_message(
            http,
            sy::CreateMessage::new()
                .content(render::fit(text, 500))
                .reference_message(m)
                .allowed_mentions(render::no_mentions()),
        )
        .await;
    if let Err(e) = r {
        tracing::warn!(error = %e, "cannot reply");
    }
}

pub(super) async fn ephemeral(
    ctx: &sy::Context,
    c: &sy::ComponentInteraction,
    text: &str,
) -> Result<(), Error> {
    followup(ctx, c, text, Vec::new(), true).await
}

/// A follow-up to a button press: `text` (fitted, mentions off) with `rows` under it, for
/// the presser only (`private`) or for the channel.
async fn followup(
    ctx: &sy::Context,
    c: &sy::ComponentInteraction,
    text: &str,
    rows: Vec<sy::CreateActionRow>,
    private: bool,
) -> Result<(), Error> {
    c.create_followup(
        &ctx.http,
        sy::CreateInteractionResponseFollowup::new()
            .content(render::fit(text, render::MAX_CONTENT))
            .components(rows)
            .ephemeral(private)
            .allowed_mentions(render::no_mentions()),
    )
    .await?;
    Ok(())
}

/// Where an interaction happened; None outside a server (the bot acts only in servers).
fn place_of(guild_id: Option<sy::GuildId>, channel_id: sy::ChannelId) -> Option<Place> {
    Some(Place {
        guild: guild(guild_id?),
        channel: channel(channel_id),
    })
}

/// Logs a refused button or form (its id named something of another server or channel).
fn log_refusal(kind: &str, id: sy::InteractionId, user: &sy::User, custom_id: &str, at: Place) {
    tracing::warn!(
        interaction = id.get(),
        user = user.id.get(),
        guild = at.guild.0,
        channel = at.channel.0,
        custom_id,
        "refused a {kind} naming another server's or channel's prompt or plan"
    );
}

async fn on_component(
    ctx: &sy::Context,
    data: &Data,
    c: &sy::ComponentInteraction,
) -> Result<(), Error> {
    let Some(component) = Component::decode(&c.data.custom_id) else {
        return Ok(());
    };
    let Some(at) = place_of(c.guild_id, c.channel_id) else {
        return Ok(());
    };
    let act = Act {
        author: author(&c.user),
        at: Utc::now(),
        source: crate::ids::MessageId(c.id.get()),
    };
    match component {
        Component::Answer { plan, first, last } => {
            return open_modal(ctx, data, c, at, plan, first, last).await;
        }
        Component::Modal { .. } => return Ok(()),
        _ => {}
    }
    // Everything else may be slow: acknowledge within the 3-second deadline first.
    c.create_response(&ctx.http, sy::CreateInteractionResponse::Acknowledge)
        .await?;
    let result = match component {
        Component::Start(det) => start(ctx, data, c, at, det, &act).await,
        Component::Dismiss(det) => dismiss(ctx, data, c, at, det, &act).await,
        Component::Mute(det) => mute(ctx, data, c, at, det).await,
        Component::More(plan) => more(ctx, data, c, at, plan).await,
        Component::Accept { plan, number } => accept(ctx, data, c, at, plan, number, &act).await,
        Component::CloseAnyway(plan) => close_anyway(ctx, data, c, at, plan).await,
        Component::NudgeOff(id) => super::nudges::not_helpful(ctx, data, c, at, &id, &act).await,
        Component::Decide { plan, number } => decide(ctx, data, c, at, plan, number, &act).await,
        Component::Why { plan, number } => why(ctx, data, c, at, plan, number).await,
        Component::Answer { .. } | Component::Modal { .. } => unreachable!("handled above"),
    };
    match result {
        Ok(()) => Ok(()),
        Err(SvcError::User(msg)) => ephemeral(ctx, c, &msg).await,
        Err(SvcError::Refused(msg)) => {
            log_refusal("button", c.id, &c.user, &c.data.custom_id, at);
            ephemeral(ctx, c, &msg).await
        }
        Err(e) => {
            let id = c.id.get();
            tracing::error!(error = %e, interaction = id, "button failed");
            ephemeral(ctx, c, &e.apology(id)).await
        }
    }
}

/// A reply that failed: a transport failure, logged with the interaction as reference.
fn transport(e: Error) -> SvcError {
    SvcError::transport("answer the button", e)
}

async fn dismiss(
    ctx: &sy::Context,
    data: &Data,
    c: &sy::ComponentInteraction,
    at: Place,
    det: crate::ids::DetectionId,
    act: &Act,
) -> Result<(), SvcError> {
    data.service.dismiss(det, at, act).await?;
    let shown = "Marked as not a feature — thanks, this tunes detection for this server.";
    if !edit_clicked(ctx, c, shown.to_string(), vec![]).await {
        return ephemeral(ctx, c, "Marked as not a feature — thanks.")
            .await
            .map_err(transport);
    }
    Ok(())
}

/// Rewrites the message whose button was clicked (never pinging); false when Discord
/// refused, so the caller can say it another way.
pub(super) async fn edit_clicked(
    ctx: &sy::Context,
    c: &sy::ComponentInteraction,
    content: String,
    components: Vec<sy::CreateActionRow>,
) -> bool {
    let edit = sy::EditMessage::new()
        .content(render::fit(&content, render::MAX_CONTENT))
        .components(components)
        .allowed_mentions(render::no_mentions());
    let mut msg = (*c.message).clone();
    match msg.edit(&ctx.http, edit).await {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!(error = %e, interaction = c.id.get(), custom_id = %c.data.custom_id, "cannot edit the clicked message");
            false
        }
    }
}

/// *Accept Q3*: records the suggested answer as its author's, then shows the page as it
/// is now (the answer in place of the suggestion, no *Accept* button for it).
async fn accept(
    ctx: &sy::Context,
    data: &Data,
    c: &sy::ComponentInteraction,
    at: Place,
    plan: PlanId,
    number: u32,
    act: &Act,
) -> Result<(), SvcError> {
    data.service.plan_at(plan, at).await?;
    let change = data.service.accept(plan, &number.to_string(), act).await?;
    if !change.created {
        return Ok(());
    }
    // The ephemeral confirmation below says it either way.
    if let Some((text, buttons)) = render::page_of(&change.plan, number) {
        edit_clicked(ctx, c, text, buttons).await;
    }
    let text = crate::plan::summary::accepted_text(&change.plan, &change.question);
    let rows = render::decide_buttons(&change.plan, &[number]);
    followup(ctx, c, &render::quote_user_text(&text), rows, true)
        .await
        .map_err(transport)
}

/// *Mark Q3 as decision*: marks the question's current answer, and tells the channel
/// (a decision is the team's). A replay, or a second click, marks nothing again.
async fn decide(
    ctx: &sy::Context,
    data: &Data,
    c: &sy::ComponentInteraction,
    at: Place,
    plan: PlanId,
    number: u32,
    act: &Act,
) -> Result<(), SvcError> {
    data.service.plan_at(plan, at).await?;
    let change = data
        .service
        .decide(plan, &number.to_string(), None, act)
        .await?;
    if !change.created {
        return Ok(());
    }
    let text = crate::plan::summary::decided_text(&change.plan, &change.question);
    followup(ctx, c, &render::quote_user_text(&text), Vec::new(), false)
        .await
        .map_err(transport)
}

/// *Why Q3?*: the question's *why*, what a good answer names and its reading, to the
/// person who asked only (nothing changes, so a replay just shows it again).
async fn why(
    ctx: &sy::Context,
    data: &Data,
    c: &sy::ComponentInteraction,
    at: Place,
    plan: PlanId,
    number: u32,
) -> Result<(), SvcError> {
    let p = data.service.plan_at(plan, at).await?;
    let q = p.question(&format!("Q{number}"))?;
    ephemeral(ctx, c, &render::why_text(q))
        .await
        .map_err(transport)
}

/// *Close anyway*: closes the plan with its critical questions open; the refusal message
/// becomes the record of who closed it.
async fn close_anyway(
    ctx: &sy::Context,
    data: &Data,
    c: &sy::ComponentInteraction,
    at: Place,
    plan: PlanId,
) -> Result<(), SvcError> {
    data.service.plan_at(plan, at).await?;
    let closing = data.service.close(plan, Utc::now(), true).await?;
    let text = format!(
        "{} (by {})",
        render::closing_text(&closing),
        render::quote_user_text(&c.user.name)
    );
    if !edit_clicked(ctx, c, text.clone(), vec![]).await {
        return ephemeral(ctx, c, &text).await.map_err(transport);
    }
    Ok(())
}

/// Muting a channel for everyone needs Manage Channels (or Manage Server) there.
fn may_mute(c: &sy::ComponentInteraction) -> bool {
    c.member
        .as_ref()
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.manage_channels() || p.manage_guild() || p.administrator())
}

async fn mute(
    ctx: &sy::Context,
    data: &Data,
    c: &sy::ComponentInteraction,
    at: Place,
    det: crate::ids::DetectionId,
) -> Result<(), SvcError> {
    if !may_mute(c) {
        return Err(SvcError::user(
            "Muting this channel needs the **Manage Channels** permission here. \
             *Not a feature* is open to everyone and also teaches the bot.",
        ));
    }
    let until = Utc::now() + chrono::Duration::hours(24);
    let ch = data.service.mute_from_detection(det, at, until).await?;
    ephemeral(ctx, c, &format!("<#{}> is muted for 24 hours.", ch.0))
        .await
        .map_err(transport)
}

/// *More questions*: the next best five, posted where the checklist is.
async fn more(
    ctx: &sy::Context,
    data: &Data,
    c: &sy::ComponentInteraction,
    at: Place,
    plan: PlanId,
) -> Result<(), SvcError> {
    let plan = data.service.plan_at(plan, at).await?;
    let (plan, added) = data.service.more(&plan, render::PAGE).await?;
    checklist::post_pages(&ctx.http, &data.service, &plan, c.channel_id, &added)
        .await
        .map_err(|e| SvcError::transport("post the new questions", e))?;
    ephemeral(ctx, c, &render::added_text(&plan, &added))
        .await
        .map_err(transport)
}

async fn start(
    ctx: &sy::Context,
    data: &Data,
    c: &sy::ComponentInteraction,
    at: Place,
    det: crate::ids::DetectionId,
    act: &Act,
) -> Result<(), SvcError> {
    let (plan, created) = data
        .service
        .start_from_detection(det, at, act, None)
        .await?;
    if !created {
        return ephemeral(
            ctx,
            c,
            &format!(
                "The checklist for “{}” is already open.",
                render::quote_user_text(&plan.title)
            ),
        )
        .await
        .map_err(transport);
    }
    let settings = data.service.settings(plan.guild).await?;
    let opened = checklist::open(
        &ctx.http,
        &data.service,
        &plan,
        c.channel_id,
        Some(c.message.id),
        settings.use_threads,
    )
    .await
    .map_err(|e| SvcError::transport("post the checklist", e))?;
    let mut msg = (*c.message).clone();
    let _ = msg
        .edit(
            &ctx.http,
            sy::EditMessage::new()
                .components(vec![])
                .allowed_mentions(render::no_mentions()),
        )
        .await;
    let mut text = format!("Checklist started in <#{}>.", opened.target);
    if let Some(n) = opened.notice {
        text.push('\n');
        text.push_str(&n);
    }
    ephemeral(ctx, c, &text).await.map_err(transport)
}

async fn open_modal(
    ctx: &sy::Context,
    data: &Data,
    c: &sy::ComponentInteraction,
    at: Place,
    plan: PlanId,
    first: u32,
    last: u32,
) -> Result<(), Error> {
    let p = match data.service.plan_at(plan, at).await {
        Ok(p) => p,
        Err(e) => {
            if matches!(e, SvcError::Refused(_)) {
                log_refusal("button", c.id, &c.user, &c.data.custom_id, at);
            }
            let r = sy::CreateInteractionResponseMessage::new()
                .content(e.to_string())
                .ephemeral(true)
                .allowed_mentions(render::no_mentions());
            c.create_response(&ctx.http, sy::CreateInteractionResponse::Message(r))
                .await?;
            return Ok(());
        }
    };
    let rows: Vec<sy::CreateActionRow> = p
        .questions
        .iter()
        .filter(|q| q.number >= first && q.number <= last)
        .take(5)
        .map(|q| {
            let label = render::fit(&format!("Q{} {}", q.number, q.text), 45);
            let input = sy::CreateInputText::new(
                sy::InputTextStyle::Paragraph,
                label,
                format!("q{}", q.number),
            )
            .placeholder(render::fit(&q.text, 100))
            .required(false)
            .max_length(4000);
            sy::CreateActionRow::InputText(input)
        })
        .collect();
    let title = render::fit(&format!("Answer Q{first}–Q{last}"), 45);
    let modal = sy::CreateModal::new(Component::Modal { plan, first, last }.encode(), title)
        .components(rows);
    c.create_response(&ctx.http, sy::CreateInteractionResponse::Modal(modal))
        .await?;
    Ok(())
}

async fn on_modal(ctx: &sy::Context, data: &Data, m: &sy::ModalInteraction) -> Result<(), Error> {
    let Some(Component::Modal { plan, .. }) = Component::decode(&m.data.custom_id) else {
        return Ok(());
    };
    let Some(at) = place_of(m.guild_id, m.channel_id) else {
        return Ok(());
    };
    m.create_response(
        &ctx.http,
        sy::CreateInteractionResponse::Defer(
            sy::CreateInteractionResponseMessage::new().ephemeral(true),
        ),
    )
    .await?;
    let (text, buttons) = match data.service.plan_at(plan, at).await {
        Ok(_) => record_modal(data, m, plan).await?,
        Err(SvcError::User(msg)) => (msg, Vec::new()),
        Err(SvcError::Refused(msg)) => {
            log_refusal("form", m.id, &m.user, &m.data.custom_id, at);
            (msg, Vec::new())
        }
        Err(e) => {
            // Not theirs: the cause goes to the log, the person gets a reference.
            tracing::error!(error = %e, interaction = m.id.get(), "form failed");
            (e.apology(m.id.get()), Vec::new())
        }
    };
    let confirm = sy::EditInteractionResponse::new()
        .content(render::fit(&text, 2000))
        .components(buttons.clone())
        .allowed_mentions(render::no_mentions());
    if let Err(e) = m.edit_response(&ctx.http, confirm).await {
        super::ops::rest_error(&data.service, "interaction", &e);
        // The answers are stored; tell the person another way.
        tracing::warn!(error = %e, interaction = m.id.get(), "cannot confirm a form; sending a follow-up");
        m.create_followup(
            &ctx.http,
            sy::CreateInteractionResponseFollowup::new()
                .content(render::fit(&text, 2000))
                .components(buttons)
                .ephemeral(true)
                .allowed_mentions(render::no_mentions()),
        )
        .await?;
    }
    Ok(())
}

/// Records a form's non-empty fields; returns the confirmation text, with *Mark as
/// decision* buttons for the answers recorded.
async fn record_modal(
    data: &Data,
    m: &sy::ModalInteraction,
    plan: PlanId,
) -> Result<(String, Vec<sy::CreateActionRow>), Error> {
    let act = Act {
        author: author(&m.user),
        at: Utc::now(),
        source: crate::ids::MessageId(m.id.get()),
    };
    let mut recorded = Vec::new();
    let mut numbers = Vec::new();
    let mut latest = None;
    let mut problems = Vec::new();
    for row in &m.data.components {
        for comp in &row.components {
            let sy::ActionRowComponent::InputText(input) = comp else {
                continue;
            };
            let Some(value) = input.value.as_deref().filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            let key = input.custom_id.trim_start_matches('q');
            match data.service.answer(plan, key, value, &act).await {
                Ok(change) => {
                    recorded.push(format!("Q{}", change.question.number));
                    numbers.push(change.question.number);
                    latest = Some(change.plan);
                }
                Err(SvcError::User(msg) | SvcError::Refused(msg)) => {
                    problems.push(format!("Q{key}: {msg}"))
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    let mut text = if recorded.is_empty() {
        "Nothing recorded: every field was empty.".to_string()
    } else {
        format!("Recorded {}.", recorded.join(", "))
    };
    for p in problems {
        text.push_str(&format!("\n{p}"));
    }
    let buttons = latest
        .map(|p| render::decide_buttons(&p, &numbers))
        .unwrap_or_default();
    Ok((text, buttons))
}
