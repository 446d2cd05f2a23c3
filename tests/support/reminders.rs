//! Helpers for the reminder tests: plans started in the watched channel, commands run in
//! a plan's thread, and the reminders the bot posted.

#![allow(dead_code)]

use crate::fake_discord::Recorded;
use crate::harness::{Harness, content};
use serde_json::Value;

/// Reminders start with this mark.
pub const MARK: &str = "⏰";

pub fn is_reminder(r: &Recorded) -> bool {
    r.method == "POST" && r.status < 300 && content(r).starts_with(MARK)
}

/// Reminders the bot posted in `thread`.
pub fn reminders_in(r: &[Recorded], thread: u64) -> Vec<Recorded> {
    let path = format!("/api/v10/channels/{thread}/messages");
    r.iter()
        .filter(|r| r.path == path && is_reminder(r))
        .cloned()
        .collect()
}

/// Runs `/plan start` in the watched channel; returns the new plan's thread.
pub async fn start_plan(h: &Harness, id: u64, title: &str, packs: &str) -> u64 {
    h.start_by_command(id, title, packs).await.1
}

/// Runs `/plan SUB` in `thread` and waits for its reply; returns the reply's text.
pub async fn in_thread(h: &Harness, id: u64, thread: u64, sub: &str, options: Value) -> String {
    h.plan_command(id, thread, sub, options);
    let r = h.wait_response(id, sub, |r| !content(r).is_empty()).await;
    content(&r)
}
