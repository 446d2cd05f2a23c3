use super::*;
use crate::ids::{ChannelId, GuildId, PlanId, UserId};
use crate::packs::PackSet;
use crate::plan::{AnswerEvent, Author, EventKind, Plan, Status, snapshot};
use chrono::DateTime;

use crate::export::tests::gfm;

fn at(s: i64) -> chrono::DateTime<chrono::Utc> {
    DateTime::from_timestamp(1_764_000_000 + s, 0).unwrap()
}

fn ana() -> Author {
    Author {
        id: UserId(111),
        name: "ana".into(),
    }
}

fn event(q: &str, kind: EventKind, text: &str, s: i64) -> AnswerEvent {
    AnswerEvent {
        question_id: q.into(),
        kind,
        text: text.into(),
        author: ana(),
        at: at(s),
        source: None,
        said_in: None,
        decision: None,
    }
}

/// A payments plan: Q1 answered (hostile text), Q2 skipped, the rest open.
fn plan() -> Plan {
    let packs = PackSet::shipped().unwrap();
    let questions = snapshot(&packs, &["payments".into()]).unwrap();
    let (q1, q2) = (questions[0].id.clone(), questions[1].id.clone());
    Plan {
        id: PlanId(7),
        guild: GuildId(1_234_567_890_123_456_789),
        channel: ChannelId(42),
        thread: Some(ChannelId(43)),
        title: "Refunds \u{202e}| *partial*".into(),
        status: Status::Open,
        created_by: ana(),
        created_at: at(0),
        closed_at: None,
        packs: vec!["payments".into()],
        depth: crate::plan::select::Depth::Standard,
        questions,
        events: vec![
            event(
                &q1,
                EventKind::Answer,
                "Idempotency-Key header @everyone <b>x</b>",
                60,
            ),
            event(&q2, EventKind::Skip, "single currency for now", 120),
        ],
    }
}

/// The task-list items of `html`: (checked, text) in order.
fn tasks(html: &str) -> Vec<(bool, String)> {
    html.split("<li>")
        .skip(1)
        .filter(|li| li.starts_with("<input"))
        .map(|li| {
            let checked = li[..li.find('>').unwrap()].contains("checked=");
            (checked, li.to_string())
        })
        .collect()
}

#[test]
fn owner_and_name_are_checked_against_what_github_allows() {
    let r = Repo::parse(" octo-org/back_end.rs ").unwrap();
    assert_eq!((r.owner(), r.name()), ("octo-org", "back_end.rs"));
    assert_eq!(r.to_string(), "octo-org/back_end.rs");
    assert!(r.same_as(&Repo::parse("Octo-Org/Back_End.rs").unwrap()));
    for bad in [
        "octo",
        "/repo",
        "octo/",
        "-octo/repo",
        "octo-/repo",
        "oc--to/repo",
        "oc to/repo",
        "octo/re po",
        "octo/a/b",
        "octo/..",
        "octo_org/repo",
        "https://github.com/octo/repo",
    ] {
        let e = Repo::parse(bad).unwrap_err();
        assert!(e.contains("OWNER/REPO"), "{bad}: {e}");
    }
    let long = format!("{}/r", "a".repeat(40));
    assert!(Repo::parse(&long).unwrap_err().contains("owner"));
    let long = format!("o/{}", "a".repeat(101));
    assert!(Repo::parse(&long).unwrap_err().contains("repository name"));
    // Controls at the limits.
    assert!(Repo::parse(&format!("{}/r", "a".repeat(39))).is_ok());
    assert!(Repo::parse(&format!("o/{}", "a".repeat(100))).is_ok());
}

#[test]
fn the_body_is_a_task_list_open_unchecked_answered_and_skipped_checked() {
    let p = plan();
    let issue = issue(&p);
    let html = gfm::render(&issue.body);
    let items = tasks(&html);
    assert_eq!(items.len(), p.questions.len(), "{html}");
    let (checked, q1) = &items[0];
    assert!(*checked, "answered is checked: {q1}");
    assert!(q1.contains("Idempotency-Key header"), "{q1}");
    assert!(q1.contains("<blockquote>"), "the answer is quoted: {q1}");
    let (checked, q2) = &items[1];
    assert!(*checked, "skipped is checked: {q2}");
    assert!(
        q2.contains("<del>") && q2.contains("skipped by ana: single currency for now"),
        "{q2}"
    );
    for (checked, open) in &items[2..] {
        assert!(!checked, "open is unchecked: {open}");
    }
    // Critical questions say so.
    let critical = p
        .questions
        .iter()
        .position(|q| q.critical && p.is_open(&q.id))
        .unwrap();
    assert!(
        items[critical].1.contains("critical"),
        "{}",
        items[critical].1
    );
}

#[test]
fn the_body_shows_readiness_and_links_back_to_the_thread() {
    let p = plan();
    let body = issue(&p).body;
    assert!(
        body.contains(&format!("**Readiness:** ⚠️ {}", p.readiness(10))),
        "{body}"
    );
    assert!(
        body.contains("(https://discord.com/channels/1234567890123456789/43)"),
        "the thread, not the channel: {body}"
    );
    // Control: a ready plan says ready; a console plan has no link.
    let mut ready = plan();
    ready.questions.retain(|q| !q.critical);
    ready.guild = GuildId(0);
    let body = issue(&ready).body;
    assert!(body.contains("**Readiness:** ✅ ready"), "{body}");
    assert!(!body.contains("discord.com"), "{body}");
    assert!(body.contains("console"), "{body}");
}

#[test]
fn user_text_is_escaped_and_cannot_ping_or_inject_html() {
    let issue = issue(&plan());
    assert_eq!(issue.title, "Refunds | *partial*", "bidi controls dropped");
    let html = gfm::render(&issue.body);
    assert!(!html.contains("<b>"), "{html}");
    assert!(!issue.body.contains("@everyone"), "{}", issue.body);
    for tag in gfm::tags(&html) {
        assert!(
            gfm::EXPORT_TAGS.contains(&tag.as_str()),
            "<{tag}> in {html}"
        );
    }
}

#[test]
fn a_body_over_the_limit_is_cut_between_questions_with_a_note() {
    let mut p = plan();
    let long = "a long answer with words ".repeat(100);
    let ids: Vec<String> = p.questions.iter().map(|q| q.id.clone()).collect();
    for (k, id) in ids.iter().enumerate() {
        p.events
            .push(event(id, EventKind::Answer, &long, 200 + k as i64));
    }
    let whole = issue(&p).body;
    assert!(whole.chars().count() <= MAX_BODY);
    assert!(!whole.contains("not shown"), "control: everything fits");
    let limit = 12_000;
    let cut = issue_within(&p, limit).body;
    assert!(cut.chars().count() <= limit, "{}", cut.chars().count());
    let shown = tasks(&gfm::render(&cut)).len();
    assert!(shown > 0 && shown < p.questions.len(), "{shown}");
    let note = format!("{} more question(s) not shown", p.questions.len() - shown);
    assert!(cut.contains(&note), "{cut}");
    assert!(cut.contains("plancheck export --plan 7"), "{cut}");
    assert!(cut.trim_end().ends_with("</sub>"), "the footer stays");
}
