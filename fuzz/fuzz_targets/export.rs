//! The Markdown, JSON and CSV exports of a plan whose title, answers and authors are
//! arbitrary: JSON parses back with the same text, CSV has one row per question and no
//! live formula, Markdown cannot ping.

#![no_main]

use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use plancheck::export::{self, Format};
use plancheck::ids::{ChannelId, GuildId, MessageId, PlanId, UserId};
use plancheck::packs::PackSet;
use plancheck::plan::{self, AnswerEvent, Author, EventKind, Plan, PlanQuestion, Status};
use std::sync::LazyLock;

static QUESTIONS: LazyLock<Vec<PlanQuestion>> = LazyLock::new(|| {
    let packs = PackSet::shipped().unwrap();
    plan::snapshot(&packs, &["payments".into(), "errors".into()]).unwrap()
});

#[derive(Debug, Arbitrary)]
struct Input {
    title: String,
    creator: String,
    closed: bool,
    changes: Vec<Change>,
}

#[derive(Debug, Arbitrary)]
struct Change {
    question: u8,
    kind: u8,
    text: String,
    author: u8,
    name: String,
    minutes: u32,
}

fn at(minutes: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(1_700_000_000 + minutes * 60, 0).unwrap()
}

fuzz_target!(|input: Input| {
    let questions = QUESTIONS.clone();
    let events: Vec<AnswerEvent> = input
        .changes
        .into_iter()
        .take(64)
        .enumerate()
        .map(|(i, c)| AnswerEvent {
            question_id: questions[c.question as usize % questions.len()].id.clone(),
            kind: match c.kind % 3 {
                0 => EventKind::Answer,
                1 => EventKind::Skip,
                _ => EventKind::Reopen,
            },
            text: c.text,
            author: Author {
                id: UserId(u64::from(c.author % 8)),
                name: c.name,
            },
            at: at(i64::from(c.minutes)),
            source: Some(MessageId(i as u64 + 1)),
            said_in: None,
            decision: None,
        })
        .collect();
    let p = Plan {
        id: PlanId(1),
        guild: GuildId(2),
        channel: ChannelId(3),
        thread: None,
        title: input.title,
        status: if input.closed {
            Status::Closed
        } else {
            Status::Open
        },
        created_by: Author {
            id: UserId(100),
            name: input.creator,
        },
        created_at: at(0),
        closed_at: input.closed.then(|| at(10)),
        packs: vec!["payments".into(), "errors".into()],
        depth: plan::select::Depth::Standard,
        questions,
        events,
    };

    let json = export::render(&p, Format::Json);
    let v: serde_json::Value = serde_json::from_str(&json).expect("the JSON export parses");
    assert_eq!(v["plan"]["title"].as_str(), Some(p.title.as_str()));

    let csv_out = export::render(&p, Format::Csv);
    let mut r = csv::Reader::from_reader(csv_out.as_bytes());
    let rows = r
        .records()
        .map(|r| r.expect("the CSV export parses"))
        .count();
    assert_eq!(rows, p.questions.len());

    let md = export::render(&p, Format::Markdown);
    assert!(!md.contains("@everyone") && !md.contains("@here"));
    assert_eq!(
        md.lines().filter(|l| l.starts_with("- [")).count(),
        p.questions.len()
    );

    let _ = export::file_name(&p, Format::Csv);
});
