//! End to end: reminders for quiet plans, from the real bot through the stand-in. Plans
//! are started with reminders off in the config; `/plancheck settings reminders:1s` turns
//! them on for the server, so every plan is already answered or snoozed when they start.
//! "No second reminder" is proved by a later plan's reminder, which comes in a later round.

use crate::prelude::*;
use crate::reminder_support::*;

/// Reminders at any hour, off unless a server turns them on.
fn reminder_env(c: &mut Command) {
    c.stderr(Stdio::inherit())
        .env("PLANCHECK_REMINDERS_ENABLED", "false")
        .env("PLANCHECK_REMINDERS_AFTER", "1s")
        .env("PLANCHECK_REMINDERS_HOURS", "00:00-24:00")
        .env("PLANCHECK_REMINDERS_DAYS", "mon-sun")
        .env("PLANCHECK_REMINDERS_TIMEZONE", "Europe/Berlin");
}

/// Answers every open critical question of the plan in `thread`.
async fn make_ready(h: &Harness, first_id: u64, thread: u64) {
    let store = h.store().await;
    let id = store
        .latest_plan_in(ChannelId(thread))
        .await
        .unwrap()
        .expect("a plan in the thread");
    let plan = store.plan(id).await.unwrap().unwrap();
    store.close().await;
    let open: Vec<u32> = plan.critical_open().iter().map(|q| q.number).collect();
    assert!(
        !open.is_empty(),
        "the plan starts with critical questions open"
    );
    for (i, n) in open.iter().enumerate() {
        let text = in_thread(
            h,
            first_id + i as u64,
            thread,
            "answer",
            json!([{"name": "question", "type": 3, "value": format!("Q{n}")}, {"name": "text", "type": 3, "value": "decided"}]),
        )
        .await;
        assert!(text.starts_with(&format!("Recorded Q{n}.")), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_plan_gets_one_reminder_and_answered_snoozed_or_restarted_ones_none() {
    let mut h = Harness::start_with(&[], reminder_env).await;
    let quiet = start_plan(&h, 300_000_000_000_000_100, "Cache warmup", "caching").await;
    let ready = start_plan(&h, 300_000_000_000_000_101, "Search index", "caching").await;
    let snoozed = start_plan(&h, 300_000_000_000_000_102, "Export jobs", "caching").await;
    make_ready(&h, 300_000_000_000_000_110, ready).await;
    let text = in_thread(&h, 300_000_000_000_000_120, snoozed, "snooze", json!([])).await;
    assert!(
        text.starts_with("Reminders for plan 3 paused until"),
        "{text}"
    );
    assert!(
        reminders_in(&h.fake.requests(), quiet).is_empty(),
        "off in the config"
    );

    // The server turns reminders on: the quiet plan gets one.
    h.admin(
        300_000_000_000_000_130,
        MANAGE_GUILD,
        "settings",
        json!([{"name": "reminders", "type": 3, "value": "1s"}]),
    );
    let settings = h
        .wait_response(300_000_000_000_000_130, "the settings", |r| {
            content(r).contains("Reminders:")
        })
        .await;
    assert!(
        content(&settings).contains("Reminders: after 1 second without answers"),
        "{}",
        content(&settings)
    );
    let seen = h
        .fake
        .wait_for("the quiet plan's reminder", |r| {
            !reminders_in(r, quiet).is_empty()
        })
        .await;
    let reminder = &reminders_in(&seen, quiet)[0];
    let text = content(reminder);
    assert!(
        text.contains("No answers in “Cache warmup” for 1 second"),
        "{text}"
    );
    assert!(text.contains("critical question"), "{text}");
    assert!(text.contains("/plan snooze"), "{text}");
    assert!(text.chars().count() <= 2000);
    assert!(mentions_suppressed(reminder), "{}", reminder.body);

    // A plan started now is reminded in a later round: by then any second reminder, or
    // one for the ready or snoozed plan, would have been posted.
    let later = start_plan(&h, 300_000_000_000_000_140, "Rate limits", "caching").await;
    let seen = h
        .fake
        .wait_for("the later plan's reminder", |r| {
            !reminders_in(r, later).is_empty()
        })
        .await;
    assert_eq!(reminders_in(&seen, quiet).len(), 1, "one per quiet period");
    assert_eq!(
        reminders_in(&seen, ready).len(),
        0,
        "a ready plan gets none"
    );
    assert_eq!(
        reminders_in(&seen, snoozed).len(),
        0,
        "a snoozed plan gets none"
    );

    // A restarted bot repeats none of them.
    let pid = h.bot.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    assert!(wait_exit(&mut h.bot.0, Duration::from_secs(30)).success());
    let registered = |r: &[fake_discord::Recorded]| {
        r.iter()
            .filter(|r| r.method == "PUT" && r.path.ends_with("/commands"))
            .count()
    };
    let mut command = bot_command(&h.fake, &h.db);
    reminder_env(&mut command);
    h.bot = Bot(command.spawn().expect("the bot starts again"));
    h.fake
        .wait_for("the second start", |r| registered(r) >= 2)
        .await;
    let after_restart = start_plan(&h, 300_000_000_000_000_150, "Webhooks retry", "caching").await;
    let seen = h
        .fake
        .wait_for("the plan started after the restart", |r| {
            !reminders_in(r, after_restart).is_empty()
        })
        .await;
    assert_eq!(
        reminders_in(&seen, quiet).len(),
        1,
        "not repeated after a restart"
    );
    assert_eq!(
        reminders_in(&seen, later).len(),
        1,
        "not repeated after a restart"
    );
    assert_eq!(reminders_in(&seen, ready).len(), 0);
    assert_eq!(reminders_in(&seen, snoozed).len(), 0);
}
