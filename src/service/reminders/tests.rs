//! The reminder use-cases over a real store: scheduling follows every change, a due
//! reminder is handed out claimed once, a failure is retried, and a snooze or a server's
//! setting holds it back.

use super::*;
use crate::plan::remind::Setting;
use crate::service::testing::act_at as act;

async fn service(path: &std::path::Path) -> Service {
    service_after(path, "1h").await
}

async fn service_after(path: &std::path::Path, after: &str) -> Service {
    let always = Schedule {
        after: after.parse().unwrap(),
        hours: "00:00-24:00".parse().unwrap(),
        days: "mon-sun".parse().unwrap(),
        timezone: chrono_tz::UTC,
    };
    crate::service::testing::service_at(path)
        .await
        .with_reminders(always, true)
}

async fn start(s: &Service, guild: u64, source: u64) -> Plan {
    let packs = Some(vec!["caching".to_string()]);
    s.start_plan(
        GuildId(guild),
        ChannelId(7),
        "Cache warmup",
        packs,
        None,
        &act(source, Utc::now()),
    )
    .await
    .unwrap()
    .0
}

#[tokio::test]
async fn a_quiet_plan_is_handed_out_once_and_an_answer_moves_its_reminder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let s = service(&path).await;
    let plan = start(&s, 1, 100).await;
    let due = s
        .next_reminder()
        .await
        .unwrap()
        .expect("scheduled at start");
    assert_eq!(due, plan.created_at + Duration::hours(1));
    assert!(
        s.due_reminders(due - Duration::seconds(1))
            .await
            .unwrap()
            .is_empty()
    );
    // An answer (here to a question that is not critical) starts a new quiet period.
    let q = plan.questions.iter().find(|q| !q.critical).unwrap().number;
    let answered = Utc::now();
    s.answer(plan.id, &format!("Q{q}"), "yes", &act(101, answered))
        .await
        .unwrap();
    let moved = s.next_reminder().await.unwrap().unwrap();
    assert!(moved > due, "{moved} after {due}");

    let r = s.due_reminders(moved).await.unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].plan, plan.id);
    assert_eq!(r[0].channel, ChannelId(7), "no thread: the channel");
    assert!(r[0].text.contains("for 1 hour"), "{}", r[0].text);
    assert!(
        s.due_reminders(moved + Duration::days(9))
            .await
            .unwrap()
            .is_empty()
    );
    s.reminder_delivered(&r[0], Delivery::Sent, moved)
        .await
        .unwrap();
    s.store().close().await;

    // A restart schedules nothing for a period already reminded.
    let s = service(&path).await;
    assert_eq!(s.reschedule_all(None).await.unwrap(), 1);
    assert_eq!(s.next_reminder().await.unwrap(), None);
}

#[tokio::test]
async fn a_failed_reminder_comes_back_and_one_given_up_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(&dir.path().join("s.db")).await;
    let plan = start(&s, 1, 100).await;
    let due = plan.created_at + Duration::hours(1);
    let r = s.due_reminders(due).await.unwrap();
    s.reminder_delivered(&r[0], Delivery::Retry, due)
        .await
        .unwrap();
    assert!(
        s.due_reminders(due).await.unwrap().is_empty(),
        "not at once"
    );
    let again = s.due_reminders(due + RETRY_AFTER).await.unwrap();
    assert_eq!(again.len(), 1, "retried");
    s.reminder_delivered(&again[0], Delivery::GiveUp, due)
        .await
        .unwrap();
    assert!(
        s.due_reminders(due + Duration::days(9))
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn snoozed_closed_ready_console_and_switched_off_plans_get_none() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(&dir.path().join("s.db")).await;
    let far = Utc::now() + Duration::days(30);
    // Snoozed for 3 days: due when the snooze ends, not an hour in.
    let snoozed = start(&s, 1, 100).await;
    let until = s.snooze(&snoozed, 3, Utc::now()).await.unwrap().unwrap();
    let next = s.next_reminder().await.unwrap().unwrap();
    assert_eq!(next.timestamp_millis(), until.timestamp_millis());
    assert!(s.snooze(&snoozed, 91, Utc::now()).await.is_err());
    // Control: 0 resumes.
    s.snooze(&snoozed, 0, Utc::now()).await.unwrap();
    assert_eq!(
        s.next_reminder().await.unwrap(),
        Some(snoozed.created_at + Duration::hours(1))
    );
    s.snooze(&snoozed, 3, Utc::now()).await.unwrap();
    // Ready: every critical question answered.
    let ready = start(&s, 1, 200).await;
    for (i, q) in ready.critical_open().iter().enumerate() {
        s.answer(ready.id, &q.id, "done", &act(201 + i as u64, Utc::now()))
            .await
            .unwrap();
    }
    // Closed anyway.
    let closed = start(&s, 1, 300).await;
    s.close(closed.id, Utc::now(), true).await.unwrap();
    // The console's.
    start(&s, 0, 400).await;
    // A server that turned them off.
    let mut off = s.settings(GuildId(2)).await.unwrap();
    off.reminders = Setting::Off;
    s.save_settings(GuildId(2), &off).await.unwrap();
    let other = start(&s, 2, 500).await;
    let due: Vec<PlanId> = s
        .due_reminders(until - Duration::seconds(1))
        .await
        .unwrap()
        .iter()
        .map(|r| r.plan)
        .collect();
    assert!(due.is_empty(), "{due:?}");
    // Turned back on, that server's plan is due; after the snooze, the snoozed one too.
    off.reminders = Setting::After("1h".parse().unwrap());
    s.save_settings(GuildId(2), &off).await.unwrap();
    let due: Vec<PlanId> = s
        .due_reminders(far)
        .await
        .unwrap()
        .iter()
        .map(|r| r.plan)
        .collect();
    assert_eq!(due, vec![other.id, snoozed.id], "earliest first");
}

#[tokio::test]
async fn a_young_plan_without_its_thread_yet_waits_for_it_and_then_goes_there() {
    let dir = tempfile::tempdir().unwrap();
    let s = service_after(&dir.path().join("s.db"), "1s").await;
    let plan = start(&s, 1, 100).await;
    // Due a second in, but the thread is not there yet.
    let young = plan.created_at + Duration::seconds(1);
    let early = s.due_reminders(young).await.unwrap();
    assert!(early.is_empty(), "{early:?}");
    assert_eq!(
        s.next_reminder().await.unwrap(),
        Some(plan.created_at + THREAD_GRACE)
    );
    s.set_thread(plan.id, ChannelId(8)).await.unwrap();
    let r = s
        .due_reminders(plan.created_at + THREAD_GRACE)
        .await
        .unwrap();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].channel, ChannelId(8), "in the thread");
}

#[tokio::test]
async fn a_decision_given_with_its_text_moves_the_reminder_like_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    let s = service(&dir.path().join("s.db")).await;
    let plan = start(&s, 1, 100).await;
    let due = s
        .next_reminder()
        .await
        .unwrap()
        .expect("scheduled at start");
    let q = plan.questions.iter().find(|q| !q.critical).unwrap().number;
    s.decide(
        plan.id,
        &format!("Q{q}"),
        Some("yes"),
        &act(101, Utc::now()),
    )
    .await
    .unwrap();
    let moved = s.next_reminder().await.unwrap().unwrap();
    assert!(moved > due, "a new quiet period: {moved} after {due}");
}
