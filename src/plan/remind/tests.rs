use super::*;
use crate::ids::UserId;
use crate::plan::tests::sample_plan;
use crate::plan::{AnswerEvent, Author, EventKind};

/// `2026-03-06` is a Friday; times are UTC unless a zone is named.
fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn schedule(after: &str, hours: &str, days: &str, tz: &str) -> Schedule {
    Schedule {
        after: after.parse().unwrap(),
        hours: hours.parse().unwrap(),
        days: days.parse().unwrap(),
        timezone: parse_timezone(tz).unwrap(),
    }
}

fn quiet(since: &str) -> Quiet {
    Quiet {
        open: true,
        ready: false,
        since: utc(since),
        reminded_for: None,
        snoozed_until: None,
    }
}

fn office() -> Schedule {
    schedule("2h", "09:00-18:00", "mon-fri", "UTC")
}

#[test]
fn a_plan_is_due_exactly_when_its_quiet_period_ends_and_not_a_second_before() {
    let s = office();
    let after = Some(s.after);
    let q = quiet("2026-03-05T10:00:00Z");
    assert_eq!(
        due(&s, after, &q, utc("2026-03-05T11:59:59Z")),
        Due::At(utc("2026-03-05T12:00:00Z"))
    );
    assert_eq!(
        due(&s, after, &q, utc("2026-03-05T12:00:00Z")),
        Due::Now { period: q.since }
    );
}

#[test]
fn a_reminder_due_outside_the_hours_waits_for_the_next_allowed_moment() {
    let s = office();
    // The end of the hours is not within them; the start is.
    assert_eq!(
        s.next_allowed(utc("2026-03-05T17:59:59Z")),
        utc("2026-03-05T17:59:59Z")
    );
    assert_eq!(
        s.next_allowed(utc("2026-03-05T18:00:00Z")),
        utc("2026-03-06T09:00:00Z")
    );
    assert_eq!(
        s.next_allowed(utc("2026-03-05T08:59:59Z")),
        utc("2026-03-05T09:00:00Z")
    );
    assert_eq!(
        s.next_allowed(utc("2026-03-05T09:00:00Z")),
        utc("2026-03-05T09:00:00Z")
    );
    // Quiet since 17:00: due at 19:00, sent the next morning.
    let q = quiet("2026-03-05T17:00:00Z");
    assert_eq!(
        due(&s, Some(s.after), &q, utc("2026-03-05T19:00:00Z")),
        Due::At(utc("2026-03-06T09:00:00Z"))
    );
}

#[test]
fn a_reminder_due_on_a_weekend_waits_for_monday() {
    let s = office();
    // Friday 17:00 + 2h = Friday 19:00 → Monday 09:00.
    let q = quiet("2026-03-06T17:00:00Z");
    assert_eq!(
        due(&s, Some(s.after), &q, utc("2026-03-07T12:00:00Z")),
        Due::At(utc("2026-03-09T09:00:00Z"))
    );
    // Control: on a weekend schedule, Saturday is allowed.
    let weekend = schedule("2h", "09:00-18:00", "sat-sun", "UTC");
    assert_eq!(
        weekend.next_allowed(utc("2026-03-06T19:00:00Z")),
        utc("2026-03-07T09:00:00Z")
    );
    // Ranges wrap around the week.
    let wrap = schedule("2h", "09:00-18:00", "fri-mon", "UTC");
    assert_eq!(
        wrap.next_allowed(utc("2026-03-10T10:00:00Z")),
        utc("2026-03-13T09:00:00Z"),
        "Tuesday → Friday"
    );
}

#[test]
fn hours_follow_the_time_zone_across_a_dst_change() {
    let s = schedule("2h", "09:00-18:00", "mon-fri", "Europe/Berlin");
    // Friday 27 March 2026 is CET (UTC+1): 09:00 local is 08:00 UTC.
    assert_eq!(
        s.next_allowed(utc("2026-03-27T05:00:00Z")),
        utc("2026-03-27T08:00:00Z")
    );
    // Clocks go forward on Sunday 29 March: Monday 09:00 CEST is 07:00 UTC.
    assert_eq!(
        s.next_allowed(utc("2026-03-27T17:30:00Z")),
        utc("2026-03-30T07:00:00Z")
    );
    // 17:30 UTC on that Friday is 18:30 local: outside; 16:59 UTC is 17:59 local: inside.
    assert_eq!(
        s.next_allowed(utc("2026-03-27T16:59:00Z")),
        utc("2026-03-27T16:59:00Z")
    );
    // A start inside the skipped hour begins when the gap ends (03:00 CEST = 01:00 UTC).
    let night = schedule("2h", "02:30-04:00", "mon-sun", "Europe/Berlin");
    assert_eq!(
        night.next_allowed(utc("2026-03-28T23:00:00Z")),
        utc("2026-03-29T01:00:00Z")
    );
    // A start in the repeated hour (25 October) is its first occurrence (02:30 CEST).
    assert_eq!(
        night.next_allowed(utc("2026-10-24T23:00:00Z")),
        utc("2026-10-25T00:30:00Z")
    );
}

#[test]
fn a_snooze_delays_the_reminder_and_an_expired_one_changes_nothing() {
    let s = office();
    let mut q = quiet("2026-03-02T10:00:00Z");
    q.snoozed_until = Some(utc("2026-03-05T10:30:00Z"));
    assert_eq!(
        due(&s, Some(s.after), &q, utc("2026-03-03T12:00:00Z")),
        Due::At(utc("2026-03-05T10:30:00Z"))
    );
    assert_eq!(
        due(&s, Some(s.after), &q, utc("2026-03-05T10:30:00Z")),
        Due::Now { period: q.since }
    );
    // A snooze that ended before the quiet period did is no delay.
    q.snoozed_until = Some(utc("2026-03-02T11:00:00Z"));
    assert_eq!(
        due(&s, Some(s.after), &q, utc("2026-03-02T11:59:00Z")),
        Due::At(utc("2026-03-02T12:00:00Z"))
    );
}

#[test]
fn one_reminder_per_quiet_period_and_a_new_answer_starts_a_new_one() {
    let s = office();
    let mut q = quiet("2026-03-02T10:00:00Z");
    q.reminded_for = Some(q.since);
    assert_eq!(
        due(&s, Some(s.after), &q, utc("2026-03-04T12:00:00Z")),
        Due::Never
    );
    q.since = utc("2026-03-04T11:00:00Z");
    assert_eq!(
        due(&s, Some(s.after), &q, utc("2026-03-04T12:00:00Z")),
        Due::At(utc("2026-03-04T13:00:00Z"))
    );
}

#[test]
fn closed_ready_and_switched_off_plans_are_never_due() {
    let s = office();
    let now = utc("2026-03-20T12:00:00Z");
    let q = quiet("2026-03-02T10:00:00Z");
    assert!(matches!(due(&s, Some(s.after), &q, now), Due::Now { .. }));
    assert_eq!(due(&s, None, &q, now), Due::Never);
    let closed = Quiet {
        open: false,
        ..q.clone()
    };
    assert_eq!(due(&s, Some(s.after), &closed, now), Due::Never);
    let ready = Quiet { ready: true, ..q };
    assert_eq!(due(&s, Some(s.after), &ready, now), Due::Never);
}

#[test]
fn a_server_setting_overrides_the_configured_quiet_period_and_switch() {
    let two_days: After = "2d".parse().unwrap();
    let hour: After = "1h".parse().unwrap();
    assert_eq!(Setting::Default.after(true, two_days), Some(two_days));
    assert_eq!(Setting::Default.after(false, two_days), None);
    assert_eq!(Setting::Off.after(true, two_days), None);
    assert_eq!(Setting::After(hour).after(false, two_days), Some(hour));
    assert_eq!("off".parse::<Setting>(), Ok(Setting::Off));
    assert_eq!("Default".parse::<Setting>(), Ok(Setting::Default));
    assert_eq!(
        "36h".parse::<Setting>(),
        Ok(Setting::After("36h".parse().unwrap()))
    );
    let e = "soon".parse::<Setting>().unwrap_err();
    assert!(e.contains("'soon'") && e.contains("\"off\""), "{e}");
}

#[test]
fn durations_parse_down_to_a_second_and_print_back_the_same() {
    for (text, secs) in [
        ("2d", 172_800),
        ("36h", 129_600),
        ("90m", 5_400),
        ("1s", 1),
        ("1h30m", 5_400),
        ("1w", 604_800),
        (" 1h 30m ", 5_400),
    ] {
        let a: After = text.parse().unwrap();
        assert_eq!(a.0.num_seconds(), secs, "{text}");
        assert_eq!(a.to_string().parse::<After>().unwrap(), a, "{text}");
    }
    assert_eq!("36h".parse::<After>().unwrap().to_string(), "1d12h");
    assert_eq!("36h".parse::<After>().unwrap().words(), "1 day 12 hours");
    assert_eq!("1s".parse::<After>().unwrap().words(), "1 second");
    for bad in [
        "",
        "2",
        "2x",
        "d",
        "0s",
        "400d",
        "-1d",
        "1.5h",
        "99999999999999999999d",
    ] {
        assert!(bad.parse::<After>().is_err(), "{bad:?} parsed");
    }
    let e = "0s".parse::<After>().unwrap_err();
    assert!(e.contains("between 1s and 365d"), "{e}");
}

#[test]
fn hours_days_and_zones_are_checked_with_what_to_write() {
    assert_eq!(
        "09:00-18:00".parse::<Hours>().unwrap().to_string(),
        "09:00-18:00"
    );
    assert_eq!(
        "00:00-24:00".parse::<Hours>().unwrap().to_string(),
        "00:00-24:00"
    );
    for bad in [
        "9-18",
        "18:00-09:00",
        "09:00-09:00",
        "25:00-26:00",
        "09:60-10:00",
        "",
    ] {
        assert!(bad.parse::<Hours>().is_err(), "{bad:?} parsed");
    }
    assert_eq!(
        "mon-fri".parse::<Days>().unwrap().to_string(),
        "mon,tue,wed,thu,fri"
    );
    assert_eq!(
        "Friday-mon".parse::<Days>().unwrap().to_string(),
        "mon,fri,sat,sun"
    );
    assert_eq!("mon,wed".parse::<Days>().unwrap().to_string(), "mon,wed");
    let e = "mon-fry".parse::<Days>().unwrap_err();
    assert!(e.contains("'fry' is not a weekday"), "{e}");
    assert!("".parse::<Days>().is_err());
    assert!(parse_timezone("Europe/Berlin").is_ok());
    let e = parse_timezone("Mars/Olympus").unwrap_err();
    assert!(e.contains("IANA"), "{e}");
}

fn answered(plan: &mut Plan, at: DateTime<Utc>) {
    let q = plan.critical_open()[0].id.clone();
    plan.events.push(AnswerEvent {
        question_id: q,
        kind: EventKind::Answer,
        text: "yes".into(),
        author: Author {
            id: UserId(2),
            name: "bo".into(),
        },
        at,
        source: None,
        said_in: None,
        decision: None,
    });
}

#[test]
fn the_quiet_period_starts_at_the_last_answer_or_the_creation() {
    let mut plan = sample_plan();
    let q = Quiet::of(&plan, None, None);
    assert_eq!(q.since, plan.created_at);
    assert!(q.open && !q.ready);
    let later = plan.created_at + Duration::hours(3);
    answered(&mut plan, later);
    assert_eq!(Quiet::of(&plan, None, None).since, later);
}

#[test]
fn a_reminder_names_a_few_open_critical_questions_and_counts_the_rest() {
    let mut plan = sample_plan();
    plan.questions[0].text = "x".repeat(5000);
    let open = plan.critical_open().len();
    assert!(
        open > NAMED,
        "the sample plan has {open} critical questions"
    );
    let t = text(&plan, "2d".parse().unwrap());
    assert!(t.contains("No answers in “Refunds” for 2 days"), "{t}");
    assert!(
        t.contains(&format!("{open} critical questions are still open")),
        "{t}"
    );
    assert!(t.contains(&format!("… and {} more", open - NAMED)), "{t}");
    assert_eq!(t.matches("\n• Q").count(), NAMED, "{t}");
    assert!(t.chars().count() < 2000, "{}", t.chars().count());
    assert!(t.contains("/plan snooze"));
}
