//! Messages from the gateway into lanes ([`super::lanes`]) in the order each connection
//! received them. serenity hands every event to its own task, which loses that order, so
//! the inbox also listens on each connection directly (a serenity collector, called by the
//! connection's task for each event before it is handed on). Until a new connection's
//! listener is in place, the framework (`super::framework`) passes messages in; the ids
//! already seen ([`super::replay::Recent`]) make sure each message enters once.

use super::lanes::{LaneStats, Lanes, Priority};
use super::replay::Recent;
use super::{channel, events, guild, message, user};
use crate::detect::ChatMessage;
use crate::ids::GuildId;
use crate::service::Service;
use serenity::all as sy;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// Prompts being posted at once (each may wait on retries).
const POSTING: usize = 16;

/// A message as a lane carries it.
pub(super) struct Incoming {
    pub guild: GuildId,
    pub msg: ChatMessage,
    /// The whole message when it may answer a question (it replies to a message, or starts
    /// with a question number): answering reacts to it or replies to it.
    pub full: Option<Box<sy::Message>>,
}

pub struct Inbox {
    lanes: Lanes<Incoming>,
    recent: Arc<Mutex<Recent>>,
    /// Per connection (shard), the listener in place: older ones remove themselves.
    listeners: Mutex<HashMap<u32, u64>>,
    generation: AtomicU64,
}

impl Inbox {
    /// `lanes` lanes holding `queue` messages in all; must be called within the runtime.
    pub(super) fn start(
        http: Arc<sy::Http>,
        service: Arc<Service>,
        recent: Arc<Mutex<Recent>>,
        lanes: usize,
        queue: usize,
    ) -> Inbox {
        let posting = Arc::new(tokio::sync::Semaphore::new(POSTING));
        let lanes = Lanes::start(lanes, queue.div_ceil(lanes.max(1)), move |m| {
            let (http, service, posting) = (http.clone(), service.clone(), posting.clone());
            async move { events::on_message(&http, &service, &posting, m).await }
        });
        Inbox {
            lanes,
            recent,
            listeners: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
        }
    }

    /// What the lanes counted (queued, handled, shed, delayed, waiting now).
    pub fn stats(&self) -> &Arc<LaneStats> {
        self.lanes.stats()
    }

    /// Listens on the connection of `ctx` (called for each READY: a new connection).
    pub(super) fn listen(self: &Arc<Self>, ctx: &sy::Context) {
        let shard = ctx.shard_id.0;
        let generation = self.generation.fetch_add(1, Ordering::Relaxed) + 1;
        self.listeners
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(shard, generation);
        let inbox = Arc::clone(self);
        ctx.shard
            .add_collector(sy::CollectorCallback(Box::new(move |event| {
                let current = inbox
                    .listeners
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get(&shard)
                    == Some(&generation);
                if !current {
                    return false;
                }
                if let sy::Event::MessageCreate(e) = event {
                    inbox.receive(&e.message);
                }
                true
            })));
    }

    /// Queues a server message in its channel's lane, once. A message that may answer a
    /// question is never shed.
    pub(super) fn receive(&self, m: &sy::Message) {
        let Some(g) = m.guild_id else { return };
        if m.author.bot || !self.first_time(m.id.get()) {
            return;
        }
        let msg = ChatMessage {
            id: message(m.id),
            channel: channel(m.channel_id),
            author: user(m.author.id),
            author_is_bot: false,
            at: *m.timestamp,
            text: m.content.clone(),
            reply_to: m
                .message_reference
                .as_ref()
                .and_then(|r| r.message_id)
                .map(message),
            author_name: m
                .member
                .as_ref()
                .and_then(|mb| mb.nick.clone())
                .unwrap_or_else(|| m.author.display_name().to_string()),
        };
        let answer = m.message_reference.is_some()
            || crate::plan::reply::leading_number(&m.content).is_some();
        let (priority, full) = if answer {
            (Priority::Kept, Some(Box::new(m.clone())))
        } else {
            (Priority::Sheddable, None)
        };
        let item = Incoming {
            guild: guild(g),
            msg,
            full,
        };
        self.lanes.push(m.channel_id.get(), priority, item);
    }

    pub(super) fn first_time(&self, id: u64) -> bool {
        self.recent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .first_time(id)
    }
}
