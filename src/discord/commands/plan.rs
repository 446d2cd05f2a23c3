//! `/plan …`: starting, answering, reviewing and exporting a checklist.

use super::{act, finish};
use crate::discord::{Context, Error, channel, checklist, guild, render};
use crate::error::Error as SvcError;
use crate::export::Format;
use crate::service::Closing;
use crate::store::PlanFilter;
use chrono::Utc;
use serenity::all as sy;

/// Plan a feature: start, answer, decide, review and export a checklist.
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "start",
        "more",
        "plan_status",
        "next",
        "answer",
        "accept",
        "decide",
        "why",
        "skip",
        "reopen",
        "export",
        "close",
        "list",
        "snooze"
    )
)]
pub(super) async fn plan(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Start a checklist by hand.
#[poise::command(slash_command, guild_only)]
async fn start(
    ctx: Context<'_>,
    #[description = "What the feature is, in a few words"] title: String,
    #[description = "Pack ids, comma-separated (default: what fits this channel's discussion)"]
    packs: Option<String>,
    #[description = "How many questions to start with (default: the server's setting)"]
    depth: Option<super::DepthChoice>,
) -> Result<(), Error> {
    ctx.defer().await?;
    let svc = &ctx.data().service;
    let g = guild(ctx.guild_id().expect("guild_only"));
    let packs = packs.as_deref().map(crate::packs::parse_list);
    let r = async {
        let (plan, created) = svc
            .start_plan(
                g,
                channel(ctx.channel_id()),
                &title,
                packs,
                depth.map(Into::into),
                &act(ctx),
            )
            .await?;
        if !created {
            return Ok(format!("Plan {} is already started.", plan.id));
        }
        let threads = svc.settings(g).await?.use_threads;
        let opened = checklist::open(ctx.http(), svc, &plan, ctx.channel_id(), None, threads)
            .await
            .map_err(|e| SvcError::transport("post the checklist", e))?;
        Ok(format!(
            "Checklist “{}” started in <#{}> with {} questions ({}; `/plan more` adds the next best).{}",
            render::quote_user_text(&plan.title),
            opened.target,
            plan.questions.len(),
            plan.depth,
            opened.notice.map(|n| format!("\n{n}")).unwrap_or_default()
        ))
    }
    .await;
    finish(ctx, r).await
}

/// Add the next best questions to this channel's plan.
#[poise::command(slash_command, guild_only)]
async fn more(
    ctx: Context<'_>,
    #[description = "How many questions to add (default 5, at most 15)"]
    #[min = 1]
    #[max = 15]
    count: Option<u32>,
) -> Result<(), Error> {
    ctx.defer().await?;
    let svc = &ctx.data().service;
    let r = async {
        let plan = svc.plan_in(channel(ctx.channel_id())).await?;
        let (plan, added) = svc
            .more(&plan, count.map_or(render::PAGE, |c| c as usize))
            .await?;
        let target = plan
            .thread
            .map_or(ctx.channel_id(), |t| sy::ChannelId::new(t.0));
        checklist::post_pages(ctx.http(), svc, &plan, target, &added)
            .await
            .map_err(|e| SvcError::transport("post the new questions", e))?;
        Ok(render::added_text(&plan, &added))
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
        let text = crate::plan::summary::recorded_text("Recorded", &c.plan, &c.question);
        Ok((text, render::decide_buttons(&c.plan, &[c.question.number])))
    }
    .await;
    finish_with_buttons(ctx, r).await
}

/// A reply with buttons under it (one short message), or the error tiers of `finish`.
async fn finish_with_buttons(
    ctx: Context<'_>,
    r: Result<(String, Vec<sy::CreateActionRow>), SvcError>,
) -> Result<(), Error> {
    match r {
        Ok((text, rows)) => {
            ctx.send(
                poise::CreateReply::default()
                    .content(render::fit(&text, render::MAX_CONTENT))
                    .components(rows)
                    .allowed_mentions(render::no_mentions()),
            )
            .await?;
            Ok(())
        }
        Err(e) => finish(ctx, Err(e)).await,
    }
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
        Ok(crate::plan::summary::recorded_text(
            "Skipped",
            &c.plan,
            &c.question,
        ))
    }
    .await;
    finish(ctx, r).await
}

/// Take a question's suggested answer: what was already said in the discussion.
#[poise::command(slash_command, guild_only)]
async fn accept(
    ctx: Context<'_>,
    #[description = "The question (Q3, or start typing)"]
    #[autocomplete = "autocomplete_question"]
    question: String,
) -> Result<(), Error> {
    let svc = &ctx.data().service;
    let r = async {
        let p = svc.plan_in(channel(ctx.channel_id())).await?;
        let c = svc.accept(p.id, &question, &act(ctx)).await?;
        let text =
            render::quote_user_text(&crate::plan::summary::accepted_text(&c.plan, &c.question));
        Ok((text, render::decide_buttons(&c.plan, &[c.question.number])))
    }
    .await;
    finish_with_buttons(ctx, r).await
}

/// Mark a question's answer as the team's decision (with a text: record it as the answer).
#[poise::command(slash_command, guild_only)]
async fn decide(
    ctx: Context<'_>,
    #[description = "The question (Q3, or start typing)"]
    #[autocomplete = "autocomplete_question"]
    question: String,
    #[description = "The decision, recorded as the answer (default: mark the current answer)"]
    text: Option<String>,
) -> Result<(), Error> {
    let svc = &ctx.data().service;
    let r = async {
        let p = svc.plan_in(channel(ctx.channel_id())).await?;
        let c = svc
            .decide(p.id, &question, text.as_deref(), &act(ctx))
            .await?;
        Ok(render::quote_user_text(
            &crate::plan::summary::decided_text(&c.plan, &c.question),
        ))
    }
    .await;
    finish(ctx, r).await
}

/// Why a question matters: its reason, what a good answer names, and what to read.
#[poise::command(slash_command, guild_only)]
async fn why(
    ctx: Context<'_>,
    #[description = "The question (Q3, or start typing)"]
    #[autocomplete = "autocomplete_question"]
    question: String,
) -> Result<(), Error> {
    let r = async {
        let p = ctx
            .data()
            .service
            .plan_in(channel(ctx.channel_id()))
            .await?;
        Ok(render::why_text(p.question(&question)?))
    }
    .await;
    match r {
        // Reading for one person: only they see it, like the button's answer.
        Ok(text) => super::say(ctx, text, true).await,
        Err(e) => finish(ctx, Err(e)).await,
    }
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
        Ok(crate::plan::summary::recorded_text(
            "Reopened",
            &c.plan,
            &c.question,
        ))
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
    /// An issue in the server's repository (`/plancheck settings github_repo:`).
    #[name = "github"]
    Github,
    #[name = "adr (decision record, Markdown)"]
    Adr,
}

/// The plan's summary as a file, or as an issue in the server's GitHub repository.
#[poise::command(slash_command, guild_only)]
async fn export(
    ctx: Context<'_>,
    #[description = "markdown (default), json, csv: a file; github: an issue in the server's repository"]
    format: Option<FormatChoice>,
) -> Result<(), Error> {
    ctx.defer().await?;
    let format = match format.unwrap_or(FormatChoice::Markdown) {
        FormatChoice::Markdown => Format::Markdown,
        FormatChoice::Json => Format::Json,
        FormatChoice::Csv => Format::Csv,
        FormatChoice::Github => return super::github::export(ctx).await,
        FormatChoice::Adr => Format::Adr,
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

/// Close the plan (when critical questions are open, it says which and offers *Close anyway*).
#[poise::command(slash_command, guild_only)]
async fn close(
    ctx: Context<'_>,
    #[description = "Close even with critical questions open (marked closed unready)"]
    force: Option<bool>,
) -> Result<(), Error> {
    let svc = &ctx.data().service;
    let r = async {
        let p = svc.plan_in(channel(ctx.channel_id())).await?;
        svc.close(p.id, Utc::now(), force.unwrap_or(false)).await
    }
    .await;
    match r {
        Ok(Closing::NotReady(p)) => {
            ctx.send(
                poise::CreateReply::default()
                    .content(render::not_ready_text(&p))
                    .components(render::close_anyway_button(&p))
                    .allowed_mentions(render::no_mentions()),
            )
            .await?;
            Ok(())
        }
        Ok(closing) => finish(ctx, Ok(render::closing_text(&closing))).await,
        Err(e) => finish(ctx, Err(e)).await,
    }
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
                    format!(
                        "• {} **{}** ({}) <#{}>",
                        p.id,
                        render::quote_user_text(&p.title),
                        p.progress(),
                        p.place().0
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        });
    finish(ctx, r).await
}

/// Pause this plan's reminders for some days (0 resumes them).
#[poise::command(slash_command, guild_only)]
async fn snooze(
    ctx: Context<'_>,
    #[description = "Days without reminders (default 3, at most 90; 0 resumes them)"]
    #[min = 0]
    #[max = 90]
    days: Option<u32>,
) -> Result<(), Error> {
    let svc = &ctx.data().service;
    let r = async {
        let p = svc.plan_in(channel(ctx.channel_id())).await?;
        let days = days.unwrap_or(crate::plan::remind::SNOOZE_DAYS);
        let until = svc.snooze(&p, days, Utc::now()).await?;
        Ok(crate::plan::summary::snoozed_text(&p, until))
    }
    .await;
    finish(ctx, r).await
}
