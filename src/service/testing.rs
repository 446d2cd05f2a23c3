//! What the service's tests start from: a service over a fresh or given database, a
//! message and an act by "ana" (user 5).

use super::{Act, Service};
use crate::detect::{self, ChatMessage, CompiledCues};
use crate::ids::{ChannelId, MessageId, UserId};
use crate::packs::PackSet;
use crate::plan::Author;
use crate::store::Store;
use crate::store::testing::fresh;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// A feature discussion in one message.
pub const FEATURE: &str =
    "We should add refunds for card payments, it would be nice to have an option to undo a charge";

fn over(store: Store) -> Service {
    let packs = Arc::new(PackSet::shipped().unwrap());
    let cues = Arc::new(CompiledCues::shipped().unwrap());
    Service::new(store, packs, cues, detect::Settings::default())
}

/// A service over a fresh database (kept while the directory lives).
pub async fn service() -> (Service, tempfile::TempDir) {
    let (store, dir) = fresh().await;
    (over(store), dir)
}

/// A service over the database file at `path` (a restart reopens the same file).
pub async fn service_at(path: &std::path::Path) -> Service {
    over(Store::open(path).await.unwrap())
}

/// Message `id` by ana in `channel`, now.
pub fn msg(id: u64, channel: u64, text: &str) -> ChatMessage {
    msg_at(id, channel, text, Utc::now())
}

pub fn msg_at(id: u64, channel: u64, text: &str, at: DateTime<Utc>) -> ChatMessage {
    ChatMessage {
        id: MessageId(id),
        channel: ChannelId(channel),
        author: UserId(5),
        author_is_bot: false,
        at,
        text: text.into(),
        reply_to: None,
        author_name: "ana".into(),
    }
}

/// Something ana did now, in message or interaction `source`.
pub fn act(source: u64) -> Act {
    act_at(source, Utc::now())
}

pub fn act_at(source: u64, at: DateTime<Utc>) -> Act {
    Act {
        author: Author {
            id: UserId(5),
            name: "ana".into(),
        },
        at,
        source: MessageId(source),
    }
}
