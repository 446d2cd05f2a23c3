//! Opening a checklist: a thread on the discussion (or the channel when threads are not
//! allowed), an overview, then the questions in pages with answer buttons.

use super::{channel, message, render};
use crate::plan::Plan;
use crate::service::Service;
use serenity::all as sy;

/// Where a checklist went, and a notice for the admin when it could not go in a thread.
pub struct Opened {
    pub target: sy::ChannelId,
    pub notice: Option<String>,
}

/// Posts the checklist and returns where it went.
pub async fn open(
    http: &sy::Http,
    service: &Service,
    plan: &Plan,
    origin: sy::ChannelId,
    anchor: Option<sy::MessageId>,
    use_threads: bool,
) -> anyhow::Result<Opened> {
    let name = render::thread_name(plan);
    let mut target = origin;
    let mut notice = None;
    if use_threads {
        let made = match anchor {
            Some(m) => {
                origin
                    .create_thread_from_message(
                        http,
                        m,
                        sy::CreateThread::new(name.clone()).kind(sy::ChannelType::PublicThread),
                    )
                    .await
            }
            None => {
                origin
                    .create_thread(
                        http,
                        sy::CreateThread::new(name).kind(sy::ChannelType::PublicThread),
                    )
                    .await
            }
        };
        match made {
            Ok(thread) => target = thread.id,
            Err(e) => {
                super::ops::rest_error(service, "thread", &e);
                tracing::warn!(error = %e, channel = %origin, "cannot create a thread; posting the checklist in the channel");
                notice = Some(
                    "I could not open a thread here (the bot needs Create Public Threads and Send Messages in Threads), \
                     so the checklist is in this channel. An admin can grant those, or turn threads off with \
                     `/plancheck settings use_threads:False`."
                        .to_string(),
                );
            }
        }
    }
    if target != origin {
        service.set_thread(plan.id, channel(target)).await?;
    }
    target
        .send_message(
            http,
            sy::CreateMessage::new()
                .content(render::overview(plan))
                .components(render::overview_buttons(plan))
                .allowed_mentions(render::no_mentions()),
        )
        .await?;
    post_pages(http, service, plan, target, &plan.questions).await?;
    Ok(Opened { target, notice })
}

/// Posts the pages holding `questions` (of `plan`) with their answer buttons.
pub async fn post_pages(
    http: &sy::Http,
    service: &Service,
    plan: &Plan,
    target: sy::ChannelId,
    questions: &[crate::plan::PlanQuestion],
) -> anyhow::Result<()> {
    let Some(first) = questions.iter().map(|q| q.number).min() else {
        return Ok(());
    };
    for (text, first_q, last) in render::pages(plan) {
        if first_q < first {
            continue;
        }
        let sent = target
            .send_message(
                http,
                sy::CreateMessage::new()
                    .content(text)
                    .components(render::page_buttons(plan, first_q, last))
                    .allowed_mentions(render::no_mentions()),
            )
            .await?;
        let page = crate::service::PageOf {
            plan: plan.id,
            first: first_q,
            last,
        };
        service.page_posted(page, message(sent.id)).await?;
    }
    Ok(())
}
