//! End to end: the real `plancheck run` binary (serenity + poise) against the local
//! stand-in for Discord in `fake_discord/`, reached through `rest_proxy`. Every wait is a
//! condition polled with a timeout; each test has its own stand-in, port and database.
//! One test binary, one file per feature; `prelude` is what every file uses.

#[path = "../support/burst.rs"]
mod burst;
#[path = "../fake_discord/mod.rs"]
mod fake_discord;
#[path = "../support/fake_github.rs"]
mod fake_github;
#[path = "../support/harness.rs"]
mod harness;
#[path = "../support/postgres.rs"]
mod postgres;
#[path = "../support/reminders.rs"]
mod reminder_support;

mod admin;
mod checklists;
mod decisions;
mod github;
mod hardening;
mod lifecycle;
mod nudges;
mod ops;
mod prompts;
mod reading;
mod reminders;
mod shards;

pub(crate) mod prelude {
    pub use crate::fake_discord::{
        ADMINISTRATOR, BOT_ID, CREATE_PUBLIC_THREADS, Caller, Fake, GUILD, MANAGE_CHANNELS,
        MANAGE_GUILD, OTHER_GUILD, Recorded, SEND_MESSAGES,
    };
    pub use crate::harness::*;
    pub(crate) use crate::{burst, fake_discord};
    pub use plancheck::ids::{ChannelId, GuildId, PlanId};
    pub use plancheck::plan::QuestionState;
    pub use plancheck::store::{Outcome, PlanFilter};
    pub use serde_json::{Value, json};
    pub use std::process::{Command, Stdio};
    pub use std::time::Duration;
}
