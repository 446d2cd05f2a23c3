//! Slash commands: thin wrappers that call the service and reply. User mistakes get a
//! short ephemeral explanation; internal failures are logged and answered with an id.

use super::{Context, Data, Error, channel, checklist, guild, render, user};
use crate::error::Error as SvcError;
use crate::export::Format;
use crate::ids::MessageId;
use crate::plan::Author;
use crate::service::Act;
use crate::store::PlanFilter;
use chrono::Utc;
use serenity::all as sy;

pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![plancheck(), plan()]
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
    let u = ctx.author();
    Act {
        author: Author {
            id: user(u.id),
            name: u.global_name.clone().unwrap_or_else(|| u.name.clone()),
        },
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

/// Set up plancheck in this server (Manage Server only).
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    subcommands("watch", "unwatch", "settings", "status")
)]
async fn plancheck(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Watch a channel for feature discussions.
#[poise::command(slash_command, guild_only)]
async fn watch(
    ctx: Context<'_>,
    #[description = "The design channel to watch"]
    #[rename = "channel"]
    #[channel_types("Text")]
    channel_arg: sy::ChannelId,
) -> Result<(), Error> {
    if !is_admin(ctx).await? {
        return Ok(());
    }
    let g = guild(ctx.guild_id().expect("guild_only"));
    let r = ctx
        .data()
        .service
        .watch(g, channel(channel_arg), user(ctx.author().id), Utc::now())
        .await
        .map(|new| if new { format!("Watching <#{}>. I will offer a checklist when a feature discussion starts there.", channel_arg) } else { format!("<#{}> is already watched.", channel_arg) });
    finish(ctx, r).await
}

/// Stop watching a channel.
#[poise::command(slash_command, guild_only)]
async fn unwatch(
    ctx: Context<'_>,
    #[description = "The channel to stop watching"]
    #[rename = "channel"]
    #[channel_types("Text")]
    channel_arg: sy::ChannelId,
) -> Result<(), Error> {
    if !is_admin(ctx).await? {
        return Ok(());
    }
    let g = guild(ctx.guild_id().expect("guild_only"));
    let r = ctx
        .data()
        .service
        .unwatch(g, channel(channel_arg))
        .await
        .map(|removed| {
            if removed {
                format!(
                    "Stopped watching <#{}>. Stored plans are kept.",
                    channel_arg
                )
            } else {
                format!("<#{}> was not watched.", channel_arg)
            }
        });
    finish(ctx, r).await
}

/// Change detection settings for this server.
#[poise::command(slash_command, guild_only)]
#[allow(clippy::too_many_arguments)] // poise: one parameter per slash-command option
async fn settings(
    ctx: Context<'_>,
    #[description = "Score needed to prompt (higher = fewer prompts), 0.5 to 20"]
    sensitivity: Option<f64>,
    #[description = "How many recent messages count together, 1 to 50"] window_messages: Option<
        u32,
    >,
    #[description = "How old (minutes) a message may be and still count, 1 to 1440"]
    window_minutes: Option<u32>,
    #[description = "Quiet minutes after a prompt, 0 to 10080"] cooldown_minutes: Option<u32>,
    #[description = "Open checklists in threads"] use_threads: Option<bool>,
    #[description = "A pack id to turn off"] disable_pack: Option<String>,
    #[description = "A pack id to turn back on"] enable_pack: Option<String>,
) -> Result<(), Error> {
    if !is_admin(ctx).await? {
        return Ok(());
    }
    let svc = &ctx.data().service;
    let g = guild(ctx.guild_id().expect("guild_only"));
    let r = async {
        let mut s = svc.settings(g).await?;
        if let Some(t) = sensitivity {
            if !(0.5..=20.0).contains(&t) {
                return Err(SvcError::user("sensitivity must be between 0.5 and 20"));
            }
            s.threshold = Some(t as f32);
        }
        if let Some(w) = window_messages {
            if !(1..=50).contains(&w) {
                return Err(SvcError::user("window_messages must be between 1 and 50"));
            }
            s.window_messages = Some(w as usize);
        }
        if let Some(m) = window_minutes {
            if !(1..=1440).contains(&m) {
                return Err(SvcError::user("window_minutes must be between 1 and 1440"));
            }
            s.window_minutes = Some(i64::from(m));
        }
        if let Some(c) = cooldown_minutes {
            if c > 10080 {
                return Err(SvcError::user(
                    "cooldown_minutes must be at most 10080 (a week)",
                ));
            }
            s.cooldown_minutes = Some(i64::from(c));
        }
        if let Some(t) = use_threads {
            s.use_threads = t;
        }
        if let Some(p) = disable_pack {
            s.disabled_packs.insert(p.trim().to_string());
        }
        if let Some(p) = enable_pack {
            s.disabled_packs.remove(p.trim());
        }
        svc.save_settings(g, &s).await?;
        settings_text(svc, g, &s).await
    }
    .await;
    finish(ctx, r).await
}

async fn settings_text(
    svc: &crate::service::Service,
    g: crate::ids::GuildId,
    s: &crate::guild::GuildSettings,
) -> Result<String, SvcError> {
    let d = s.detector(svc.defaults());
    let calibration = svc.calibration(g).await?;
    let disabled: Vec<&str> = s.disabled_packs.iter().map(String::as_str).collect();
    Ok(format!(
        "Sensitivity (threshold): {}\nWindow {} messages / {} min · cooldown {} min · threads {} · packs off: {}",
        calibration.reason,
        d.window_messages,
        d.window_minutes,
        d.cooldown_minutes,
        if s.use_threads { "on" } else { "off" },
        if disabled.is_empty() {
            "none".to_string()
        } else {
            disabled.join(", ")
        }
    ))
}

/// Show watched channels, settings and recent prompts.
#[poise::command(slash_command, guild_only)]
async fn status(ctx: Context<'_>) -> Result<(), Error> {
    if !is_admin(ctx).await? {
        return Ok(());
    }
    let svc = &ctx.data().service;
    let g = guild(ctx.guild_id().expect("guild_only"));
    let r = async {
        let s = svc.settings(g).await?;
        let watched = svc.store().watched_in(g).await.map_err(SvcError::from)?;
        let chans: Vec<String> = watched
            .iter()
            .map(|w| format!("<#{}>", w.channel.0))
            .collect();
        let recent = svc
            .store()
            .recent_detections(g, 50)
            .await
            .map_err(SvcError::from)?;
        let dismissed = recent
            .iter()
            .filter(|d| d.outcome == crate::store::Outcome::Dismissed)
            .count();
        let started = recent
            .iter()
            .filter(|d| d.outcome == crate::store::Outcome::Started)
            .count();
        Ok(format!(
            "Watching: {}\n{}\nLast {} prompts: {} started a checklist, {} marked not a feature.",
            if chans.is_empty() {
                "no channel yet — use /plancheck watch".to_string()
            } else {
                chans.join(", ")
            },
            settings_text(svc, g, &s).await?,
            recent.len(),
            started,
            dismissed
        ))
    }
    .await;
    finish(ctx, r).await
}

/// Plan a feature: start, answer, review and export a checklist.
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "start",
        "plan_status",
        "next",
        "answer",
        "skip",
        "reopen",
        "export",
        "close",
        "list"
    )
)]
async fn plan(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Start a checklist by hand.
#[poise::command(slash_command, guild_only)]
async fn start(
    ctx: Context<'_>,
    #[description = "What the feature is, in a few words"] title: String,
    #[description = "Pack ids, comma-separated (default: the four core packs)"] packs: Option<
        String,
    >,
) -> Result<(), Error> {
    ctx.defer().await?;
    let svc = &ctx.data().service;
    let g = guild(ctx.guild_id().expect("guild_only"));
    let packs = packs.map(|p| {
        p.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    });
    let r = async {
        let (plan, created) = svc
            .start_plan(g, channel(ctx.channel_id()), &title, packs, &act(ctx))
            .await?;
        if !created {
            return Ok(format!("Plan {} is already started.", plan.id));
        }
        let threads = svc.settings(g).await?.use_threads;
        let opened = checklist::open(ctx.http(), svc, &plan, ctx.channel_id(), None, threads)
            .await
            .map_err(|e| SvcError::user(format!("cannot post the checklist: {e}")))?;
        Ok(format!(
            "Checklist “{}” started in <#{}> with {} questions.{}",
            render::quote_user_text(&plan.title),
            opened.target,
            plan.questions.len(),
            opened.notice.map(|n| format!("\n{n}")).unwrap_or_default()
        ))
    }
    .await;
    finish(ctx, r).await
}

/// Coverage per category and the critical questions still open.
#[poise::command(slash_command, guild_only, rename = "status")]
async fn plan_status(ctx: Context<'_>) -> Result<(), Error> {
    let r = ctx
        .data()
        .service
        .plan_in(channel(ctx.channel_id()))
        .await
        .map(|p| render::quote_user_text(&crate::plan::summary::status(&p)));
    finish(ctx, r).await
}

/// The next question to answer (critical ones first).
#[poise::command(slash_command, guild_only)]
async fn next(ctx: Context<'_>) -> Result<(), Error> {
    let r = ctx
        .data()
        .service
        .plan_in(channel(ctx.channel_id()))
        .await
        .map(|p| match p.next_open() {
            Some(q) => format!("{}\n_{}_", crate::plan::summary::question_line(q), q.why),
            None => "Every question is answered or skipped.".to_string(),
        });
    finish(ctx, r).await
}

async fn autocomplete_question<'a>(
    ctx: Context<'a>,
    partial: &'a str,
) -> sy::CreateAutocompleteResponse {
    let Ok(p) = ctx.data().service.plan_in(channel(ctx.channel_id())).await else {
        return sy::CreateAutocompleteResponse::new();
    };
    let needle = partial.to_lowercase();
    let choices = p
        .questions
        .iter()
        .filter(|q| {
            needle.is_empty()
                || q.text.to_lowercase().contains(&needle)
                || format!("q{}", q.number).starts_with(&needle)
        })
        .take(25)
        .map(|q| {
            poise::serenity_prelude::AutocompleteChoice::new(
                render::fit(&format!("Q{} {}", q.number, q.text), 100),
                format!("Q{}", q.number),
            )
        })
        .collect();
    sy::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Answer (or revise) a question.
#[poise::command(slash_command, guild_only)]
async fn answer(
    ctx: Context<'_>,
    #[description = "The question (Q3, or start typing)"]
    #[autocomplete = "autocomplete_question"]
    question: String,
    #[description = "Your answer"] text: String,
) -> Result<(), Error> {
    let svc = &ctx.data().service;
    let r = async {
        let p = svc.plan_in(channel(ctx.channel_id())).await?;
        let c = svc.answer(p.id, &question, &text, &act(ctx)).await?;
        let cov = c.plan.coverage();
        Ok(format!(
            "Recorded Q{}. {}% decided, {} critical open.",
            c.question.number,
            cov.percent(),
            cov.critical_open
        ))
    }
    .await;
    finish(ctx, r).await
}

/// Skip a question, with the reason.
#[poise::command(slash_command, guild_only)]
async fn skip(
    ctx: Context<'_>,
    #[description = "The question (Q3, or start typing)"]
    #[autocomplete = "autocomplete_question"]
    question: String,
    #[description = "Why it does not apply"] reason: String,
) -> Result<(), Error> {
    let svc = &ctx.data().service;
    let r = async {
        let p = svc.plan_in(channel(ctx.channel_id())).await?;
        let c = svc.skip(p.id, &question, &reason, &act(ctx)).await?;
        Ok(format!("Skipped Q{}.", c.question.number))
    }
    .await;
    finish(ctx, r).await
}

/// Reopen an answered or skipped question.
#[poise::command(slash_command, guild_only)]
async fn reopen(
    ctx: Context<'_>,
    #[description = "The question (Q3, or start typing)"]
    #[autocomplete = "autocomplete_question"]
    question: String,
) -> Result<(), Error> {
    let svc = &ctx.data().service;
    let r = async {
        let p = svc.plan_in(channel(ctx.channel_id())).await?;
        let c = svc.reopen(p.id, &question, &act(ctx)).await?;
        Ok(format!("Reopened Q{}.", c.question.number))
    }
    .await;
    finish(ctx, r).await
}

#[derive(Debug, poise::ChoiceParameter)]
enum FormatChoice {
    #[name = "markdown"]
    Markdown,
    #[name = "json"]
    Json,
    #[name = "csv"]
    Csv,
}

/// The plan's summary as a file (Markdown pastes into a GitHub issue).
#[poise::command(slash_command, guild_only)]
async fn export(
    ctx: Context<'_>,
    #[description = "File format (default markdown)"] format: Option<FormatChoice>,
) -> Result<(), Error> {
    ctx.defer().await?;
    let format = match format.unwrap_or(FormatChoice::Markdown) {
        FormatChoice::Markdown => Format::Markdown,
        FormatChoice::Json => Format::Json,
        FormatChoice::Csv => Format::Csv,
    };
    let svc = &ctx.data().service;
    let r = async {
        let p = svc.plan_in(channel(ctx.channel_id())).await?;
        svc.export(p.id, format).await
    }
    .await;
    match r {
        Ok((name, content)) => {
            let file = sy::CreateAttachment::bytes(content.into_bytes(), name.clone());
            ctx.send(
                poise::CreateReply::default()
                    .content(format!("Summary: `{name}`"))
                    .attachment(file)
                    .allowed_mentions(render::no_mentions()),
            )
            .await?;
            Ok(())
        }
        Err(e) => finish(ctx, Err(e)).await,
    }
}

/// Close the plan.
#[poise::command(slash_command, guild_only)]
async fn close(ctx: Context<'_>) -> Result<(), Error> {
    let svc = &ctx.data().service;
    let r = async {
        let p = svc.plan_in(channel(ctx.channel_id())).await?;
        svc.close(p.id, Utc::now()).await?;
        let cov = p.coverage();
        Ok(format!(
            "Plan {} closed at {}% decided. `/plan export` still works here.",
            p.id,
            cov.percent()
        ))
    }
    .await;
    finish(ctx, r).await
}

/// Plans of this server.
#[poise::command(slash_command, guild_only)]
async fn list(ctx: Context<'_>) -> Result<(), Error> {
    let g = guild(ctx.guild_id().expect("guild_only"));
    let r = ctx
        .data()
        .service
        .list(
            &PlanFilter {
                guild: Some(g),
                ..Default::default()
            },
            20,
        )
        .await
        .map(|plans| {
            if plans.is_empty() {
                return "No plans yet.".to_string();
            }
            plans
                .iter()
                .map(|p| {
                    let place = p.thread.unwrap_or(p.channel);
                    format!(
                        "• {} **{}** ({}, {}/{}) <#{}>",
                        p.id,
                        render::quote_user_text(&p.title),
                        p.status.as_str(),
                        p.decided,
                        p.questions,
                        place.0
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    finish(ctx, r).await
}
