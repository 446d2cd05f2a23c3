//! Discord glue (serenity 0.12 + poise 0.7): events become service calls, results become
//! messages. No business rule lives here.

pub mod permissions;

use crate::config::{Config, Secret};
use crate::service::Service;

/// The OAuth2 link that installs the bot with exactly the permissions it needs.
pub fn invite_url(application_id: u64) -> String {
    format!(
        "https://discord.com/oauth2/authorize?client_id={application_id}&scope=bot+applications.commands&permissions={}",
        permissions::REQUIRED
    )
}

/// Runs the bot until SIGINT/SIGTERM.
pub async fn run(_cfg: Config, _token: Secret, _service: Service) -> anyhow::Result<()> {
    anyhow::bail!(
        "the Discord bot is not available in this build yet (issue 3); use `plancheck console`"
    )
}
