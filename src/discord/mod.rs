//! Discord glue (serenity 0.12 + poise 0.7): events become service calls, results become
//! messages. No business rule lives here.

mod access;
mod checklist;
mod commands;
pub mod components;
mod events;
mod framework;
pub mod inbox;
pub mod lanes;
mod nudges;
mod ops;
pub mod permissions;
mod reminders;
pub mod render;
mod replay;
mod retry;

use crate::config::{Config, Secret, Shards};
use crate::ids::{ChannelId, GuildId, MessageId, UserId};
use crate::service::Service;
use anyhow::Context as _;
use serenity::all as sy;
use std::sync::Arc;

impl Data {
    /// True the first time an event id is seen (see [`replay::Recent`]).
    pub(crate) fn first_time(&self, id: u64) -> bool {
        self.inbox.first_time(id)
    }
}

/// Shared state of every handler.
pub struct Data {
    pub service: Arc<Service>,
    /// Messages, in order per channel (with the ids of recent events, so a replayed one
    /// gets no second response).
    pub inbox: Arc<inbox::Inbox>,
}

pub type Error = anyhow::Error;
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// The OAuth2 link that installs the bot with exactly the permissions it needs.
pub fn invite_url(application_id: u64) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={application_id}&scope=bot+applications.commands&permissions={}",
        permissions::REQUIRED.bits()
    )
}

pub(crate) fn guild(id: sy::GuildId) -> GuildId {
    GuildId(id.get())
}
pub(crate) fn channel(id: sy::ChannelId) -> ChannelId {
    ChannelId(id.get())
}
pub(crate) fn user(id: sy::UserId) -> UserId {
    UserId(id.get())
}
pub(crate) fn message(id: sy::MessageId) -> MessageId {
    MessageId(id.get())
}

/// Who did something, as plans record it: the display name people see, else the username.
pub(crate) fn author(u: &sy::User) -> crate::plan::Author {
    crate::plan::Author {
        id: user(u.id),
        name: u.global_name.clone().unwrap_or_else(|| u.name.clone()),
    }
}

/// Runs the bot until SIGINT/SIGTERM, then closes the database.
pub async fn run(cfg: Config, token: Secret, service: Service) -> anyhow::Result<()> {
    let mut signals = Signals::install()?;
    service
        .load()
        .await
        .context("cannot read watched channels and settings")?;
    let service = Arc::new(service);
    let intents = sy::GatewayIntents::GUILDS
        | sy::GatewayIntents::GUILD_MESSAGES
        | sy::GatewayIntents::MESSAGE_CONTENT;
    let mut http = sy::HttpBuilder::new(token.expose());
    if let Some(proxy) = &cfg.discord.rest_proxy {
        // The proxy owns rate limits; serenity's limiter would bypass it.
        http = http
            .proxy(proxy.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let http = http.build();
    let dev_guild = cfg.discord.dev_guild;
    let (lanes, queue) = (cfg.discord.message_lanes, cfg.discord.message_queue);
    let (Shards { first, last }, total) = cfg.discord.shard_plan();
    if total > 1 {
        tracing::info!(first, last, total, "running a range of the gateway shards");
    }
    let data_service = service.clone();
    let framework = poise::Framework::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            event_handler: |fw, event| Box::pin(events::handle(fw, event)),
            // Commands run before the event handler sees them: a replayed one stops here.
            // (The check runs for a subcommand's parent too: once per invocation counts.)
            command_check: Some(|ctx| {
                Box::pin(async move {
                    if ctx.invocation_data::<replay::Checked>().await.is_some() {
                        return Ok(true);
                    }
                    if !ctx.data().first_time(ctx.id()) {
                        return Err(replay::Replayed.into());
                    }
                    ctx.set_invocation_data(replay::Checked).await;
                    Ok(true)
                })
            }),
            on_error: |err| Box::pin(commands::on_error(err)),
            allowed_mentions: Some(render::no_mentions()),
            ..Default::default()
        })
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                let cmds = &framework.options().commands;
                match dev_guild {
                    Some(g) => poise::builtins::register_in_guild(ctx, cmds, sy::GuildId::new(g)).await?,
                    None => poise::builtins::register_globally(ctx, cmds).await?,
                }
                tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected to Discord");
                let recent = Arc::new(std::sync::Mutex::new(replay::Recent::new(replay::REMEMBERED)));
                let inbox = inbox::Inbox::start(ctx.http.clone(), data_service.clone(), recent, lanes, queue);
                ops::read_lanes(&data_service, inbox.stats().clone());
                tokio::spawn(evict_idle(data_service.clone()));
                Ok(Data {
                    service: data_service,
                    inbox: Arc::new(inbox),
                })
            })
        })
        .build();
    let mut client = sy::ClientBuilder::new_with_http(http, intents)
        .framework(framework::Framework::new(framework))
        .await
        .context("cannot create the Discord client")?;
    let shards = client.shard_manager.clone();
    // Reminders for quiet plans go out through REST, beside the gateway.
    let (stop_reminders, stopped) = tokio::sync::watch::channel(false);
    let reminders = tokio::spawn(reminders::run(
        service.clone(),
        client.http.clone(),
        stopped,
    ));
    // The retention purge, and /metrics + /healthz when configured.
    let tasks = ops::Tasks::start(&cfg, &service, shards.clone()).await?;
    // Stop means stop, in every state: connected, or retrying a gateway it cannot reach
    // (where the shard manager would keep the process alive for minutes).
    let stop = async {
        signals.recv().await;
        tracing::info!("shutting down: no new events; finishing writes in flight");
        if tokio::time::timeout(STOP_GATEWAY, shards.shutdown_all())
            .await
            .is_err()
        {
            tracing::warn!("the gateway did not close in time; stopping anyway");
        }
    };
    let result = tokio::select! {
        // serenity's range is inclusive at both ends (`a..b` starts shards a to b), so
        // shards 0-1 of 4 are `0..1`; one shard of one is `start()`.
        r = client.start_shard_range(first..last, total) => r,
        () = stop => Ok(()),
    };
    // A reminder being posted finishes and is recorded before the database closes.
    let _ = stop_reminders.send(true);
    if tokio::time::timeout(STOP_GATEWAY, reminders).await.is_err() {
        tracing::warn!("the reminder scheduler did not stop in time");
    }
    tasks.stop().await;
    // Closing waits for connections in use: writes in flight finish first.
    if tokio::time::timeout(STOP_DATABASE, service.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("database writes did not finish in time");
    }
    match result {
        Ok(()) => Ok(()),
        Err(e) => Err(explain(e)),
    }
}

/// Drops idle channels' detection windows every [`EVICT_EVERY`] (also when no message comes).
async fn evict_idle(service: Arc<Service>) {
    let mut every = tokio::time::interval(EVICT_EVERY);
    loop {
        every.tick().await;
        let dropped = service.evict_idle(chrono::Utc::now());
        tracing::debug!(
            dropped,
            held = service.channels_held(),
            "idle channels' windows dropped"
        );
    }
}

const EVICT_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// How long a stop waits for the gateway to close, then for the database: together well
/// within the 10 seconds a service manager gives before killing.
const STOP_GATEWAY: std::time::Duration = std::time::Duration::from_secs(4);
const STOP_DATABASE: std::time::Duration = std::time::Duration::from_secs(4);

fn explain(e: sy::Error) -> anyhow::Error {
    match e {
        sy::Error::Gateway(sy::GatewayError::DisallowedGatewayIntents) => anyhow::anyhow!(
            "Discord refused the Message Content intent (gateway close 4014). Enable it in the Developer Portal: \
             your application → Bot → Privileged Gateway Intents → Message Content Intent, then restart."
        ),
        sy::Error::Gateway(sy::GatewayError::InvalidAuthentication) => {
            anyhow::anyhow!(
                "Discord rejected the bot token (gateway close 4004). Check DISCORD_TOKEN or discord.token_file."
            )
        }
        sy::Error::Gateway(sy::GatewayError::InvalidGatewayIntents) => {
            anyhow::anyhow!("Discord refused the requested intents (gateway close 4013).")
        }
        other => anyhow::Error::new(other).context("the Discord connection failed"),
    }
}

/// SIGINT and SIGTERM, listened to from start-up on (a signal before the gateway is up
/// must stop the bot too, not kill it mid-write).
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> anyhow::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?,
                int: signal(SignalKind::interrupt()).context("cannot listen for SIGINT")?,
            })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}
