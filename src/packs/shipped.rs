//! The packs compiled into the binary, so the bot runs from a single file.

use super::load::{PackError, parse_pack};
use super::model::Pack;

macro_rules! shipped {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../prompts/packs/", $name)))),*]
    };
}

/// `(file name, contents)` of every shipped pack; a test checks this matches the folder.
pub(crate) const FILES: &[(&str, &str)] = shipped![
    "data_model.toml",
    "api.toml",
    "performance.toml",
    "errors.toml",
    "auth.toml",
    "jobs.toml",
    "webhooks.toml",
    "caching.toml",
    "search.toml",
    "migrations.toml",
    "observability.toml",
    "ecommerce.toml",
    "payments.toml",
    "saas.toml",
    "social.toml",
    "fintech.toml",
    "notifications.toml",
    "files.toml",
    "subscriptions.toml",
    "moderation.toml",
    "realtime.toml",
    "rate_limits.toml",
    "bulk_data.toml",
];

pub(crate) fn load_all() -> Result<Vec<Pack>, Vec<PackError>> {
    let mut packs = Vec::new();
    let mut errors = Vec::new();
    for (name, src) in FILES {
        match parse_pack(&format!("prompts/packs/{name}"), src) {
            Ok(p) => packs.push(p),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(packs)
    } else {
        Err(errors)
    }
}
