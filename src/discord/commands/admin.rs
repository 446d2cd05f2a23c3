//! `/plancheck …`: setting plancheck up in a server (Manage Server only).

use super::{finish, manage_server};
use crate::discord::{Context, Error, access, channel, guild, render, user};
use crate::error::Error as SvcError;
use chrono::Utc;
use serenity::all as sy;

/// Set up plancheck in this server (Manage Server only).
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    check = "manage_server",
    subcommands("watch", "unwatch", "settings", "status", "forget")
)]
pub(super) async fn plancheck(_ctx: Context<'_>) -> Result<(), Error> {
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
    // Reading the bot's permissions takes a few Discord requests: answer within 3 s first.
    ctx.defer().await?;
    let guild_id = ctx.guild_id().expect("guild_only");
    let r = async {
        let new = ctx
            .data()
            .service
            .watch(
                guild(guild_id),
                channel(channel_arg),
                user(ctx.author().id),
                Utc::now(),
            )
            .await?;
        let said = if new {
            format!(
                "Watching <#{channel_arg}>. I will offer a checklist when a feature discussion starts there."
            )
        } else {
            format!("<#{channel_arg}> is already watched.")
        };
        Ok(format!("{said}\n{}", access_line(ctx, guild_id, channel_arg).await))
    }
    .await;
    finish(ctx, r).await
}

/// What the bot lacks in a channel, or why that could not be read (never an error: the
/// watch is stored either way, and the admin can fix permissions later).
async fn access_line(ctx: Context<'_>, guild_id: sy::GuildId, channel_id: sy::ChannelId) -> String {
    let bot = ctx.framework().bot_id();
    match access::gaps_in(ctx.http(), guild_id, channel_id, bot).await {
        Ok(gaps) => render::access_report(channel_id.get(), &gaps),
        Err(e) => cannot_check(Some(channel_id), &e),
    }
}

/// Logs a failed permission lookup and says so to the admin.
fn cannot_check(channel_id: Option<sy::ChannelId>, e: &sy::Error) -> String {
    tracing::warn!(error = %e, channel = ?channel_id, "cannot read the bot's permissions");
    match channel_id {
        Some(c) => format!("I could not check my permissions in <#{c}> ({e})."),
        None => format!("I could not check my permissions ({e})."),
    }
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
    #[description = "How many questions a checklist starts with"] depth: Option<super::DepthChoice>,
    #[description = "Reminders for quiet plans: off, default, or a quiet period such as 2d or 36h"]
    reminders: Option<String>,
    #[description = "OWNER/REPO that /plan export format:github opens issues in (none: unset)"]
    github_repo: Option<String>,
) -> Result<(), Error> {
    let svc = &ctx.data().service;
    let g = guild(ctx.guild_id().expect("guild_only"));
    let r = async {
        let mut s = svc.settings(g).await?;
        // Out-of-range values are refused by `save_settings`, with the range.
        if let Some(t) = sensitivity {
            s.threshold = Some(t as f32);
        }
        if let Some(w) = window_messages {
            s.window_messages = Some(w as usize);
        }
        if let Some(m) = window_minutes {
            s.window_minutes = Some(i64::from(m));
        }
        if let Some(c) = cooldown_minutes {
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
        if let Some(d) = depth {
            s.depth = Some(d.into());
        }
        if let Some(r) = reminders {
            s.reminders = r.parse().map_err(SvcError::User)?;
        }
        if let Some(r) = github_repo {
            s.github_repo = match r.trim() {
                "none" | "-" => None,
                r => Some(crate::export::github::Repo::parse(r).map_err(SvcError::User)?),
            };
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
    let calibration = svc.calibration_with(g, s).await?;
    let disabled: Vec<&str> = s.disabled_packs.iter().map(String::as_str).collect();
    Ok(format!(
        "Sensitivity (threshold): {}\nWindow {} messages / {} min · cooldown {} min · threads {} · checklists start {} · packs off: {} · GitHub issues in: {}\nReminders: {}",
        calibration.reason,
        d.window_messages,
        d.window_minutes,
        d.cooldown_minutes,
        if s.use_threads { "on" } else { "off" },
        s.depth.unwrap_or(svc.default_depth()),
        if disabled.is_empty() {
            "none".to_string()
        } else {
            disabled.join(", ")
        },
        s.github_repo
            .as_ref()
            .map_or("not set".to_string(), |r| r.to_string()),
        svc.reminders_text(s)
    ))
}

/// Show watched channels, settings and recent prompts.
#[poise::command(slash_command, guild_only)]
async fn status(ctx: Context<'_>) -> Result<(), Error> {
    ctx.defer().await?;
    let svc = &ctx.data().service;
    let guild_id = ctx.guild_id().expect("guild_only");
    let g = guild(guild_id);
    let r = async {
        let st = svc.status(g).await?;
        let chans: Vec<String> = st
            .watched
            .iter()
            .map(|w| format!("<#{}>", w.channel.0))
            .collect();
        let access = watched_access(ctx, guild_id, &st.watched).await;
        let mut text = format!(
            "Watching: {}\n{access}{}\nLast {} prompts: {} started a checklist, {} marked not a feature.",
            if chans.is_empty() {
                "no channel yet — use /plancheck watch".to_string()
            } else {
                chans.join(", ")
            },
            settings_text(svc, g, &st.settings).await?,
            st.recent.len(),
            st.started(),
            st.dismissed()
        );
        text.push_str(&render::undelivered_report(&st.undelivered()));
        Ok(text)
    }
    .await;
    finish(ctx, r).await
}

/// Permission checks in `/plancheck status` stop after this many channels (three Discord
/// requests for the first, one for each further channel).
const MAX_CHECKED: usize = 10;

/// The permission problems in watched channels, one report a line ("" when there is
/// nothing to check), so an admin sees why the bot is silent somewhere.
async fn watched_access(
    ctx: Context<'_>,
    guild_id: sy::GuildId,
    watched: &[crate::store::WatchedChannel],
) -> String {
    if watched.is_empty() {
        return String::new();
    }
    let http = ctx.http();
    let bot = match access::BotAccess::fetch(http, guild_id, ctx.framework().bot_id()).await {
        Ok(b) => b,
        Err(e) => return format!("{}\n", cannot_check(None, &e)),
    };
    let mut problems = String::new();
    for w in watched.iter().take(MAX_CHECKED) {
        let id = sy::ChannelId::new(w.channel.0);
        match bot.gaps_in(http, id).await {
            Ok(gaps) if gaps.is_empty() => {}
            Ok(gaps) => {
                problems.push_str(&render::access_report(w.channel.0, &gaps));
                problems.push('\n');
            }
            Err(e) => {
                problems.push_str(&cannot_check(Some(id), &e));
                problems.push('\n');
            }
        }
    }
    let unchecked = watched.len().saturating_sub(MAX_CHECKED);
    if problems.is_empty() {
        problems = "Permissions: all I need in the watched channels".to_string();
        if unchecked > 0 {
            problems.push_str(&format!(" (the first {MAX_CHECKED} checked)"));
        }
        problems.push_str(".\n");
    } else if unchecked > 0 {
        problems.push_str(&format!("({unchecked} more channels not checked.)\n"));
    }
    problems
}

/// Forget a member: their id and name leave this server's plans, answers and feedback.
#[poise::command(slash_command, guild_only)]
async fn forget(
    ctx: Context<'_>,
    #[description = "The member whose name and id plancheck should forget"] member: sy::User,
) -> Result<(), Error> {
    let request = crate::service::ForgetRequest {
        member: user(member.id),
        guild: Some(guild(ctx.guild_id().expect("guild_only"))),
        by: Some(user(ctx.author().id)),
        at: Utc::now(),
        source: Some(crate::ids::MessageId(ctx.id())),
    };
    match ctx.data().service.forget(request).await {
        // Only the admin sees what was done; nothing says whom it was about.
        Ok(Some(line)) => super::say(ctx, crate::service::forgotten_text(line.count), true).await,
        Ok(None) => Ok(()),
        Err(e) => finish(ctx, Err(e)).await,
    }
}
