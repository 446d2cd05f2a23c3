//! `plancheck forget --user ID`: the real binary on a fresh database.

use crate::common::*;
use chrono::Utc;
use plancheck::ids::{ChannelId, GuildId, MessageId, PlanId, UserId};
use plancheck::packs::PackSet;
use plancheck::plan::{AnswerEvent, Author, EventKind, snapshot};
use plancheck::store::{NewPlan, Store};
use std::path::Path;
use std::process::Output;

fn forget(db: &Path, args: &[&str]) -> Output {
    let mut c = bin();
    c.arg("forget").args(args).env("PLANCHECK_DATABASE", db);
    c.output().expect("the binary runs")
}

fn ana() -> Author {
    Author {
        id: UserId(3),
        name: "ana".into(),
    }
}

/// A plan in `guild` started by ana, with one answer of hers and one of bo's.
async fn plan_in(store: &Store, guild: u64, source: u64) -> PlanId {
    let packs = PackSet::shipped().unwrap();
    let questions = snapshot(&packs, &["payments".into()]).unwrap();
    let ids = [questions[0].id.clone(), questions[1].id.clone()];
    let (plan, _) = store
        .create_plan(&NewPlan {
            guild: GuildId(guild),
            channel: ChannelId(2),
            thread: None,
            title: "Refunds".into(),
            created_by: ana(),
            created_at: Utc::now(),
            packs: vec!["payments".into()],
            questions,
            detection: None,
            source: Some(MessageId(source)),
            depth: plancheck::plan::select::Depth::Thorough,
            more: vec![],
        })
        .await
        .unwrap();
    let bo = Author {
        id: UserId(4),
        name: "bo".into(),
    };
    for (i, (q, who)) in ids.into_iter().zip([ana(), bo]).enumerate() {
        let e = AnswerEvent {
            question_id: q,
            kind: EventKind::Answer,
            text: format!("answer {i}"),
            author: who,
            at: Utc::now(),
            source: Some(MessageId(source + 1 + i as u64)),
            said_in: None,
            decision: None,
        };
        store.record_event(plan, &e).await.unwrap();
    }
    plan
}

#[tokio::test]
async fn forget_removes_a_member_from_every_server_once_and_keeps_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let store = Store::open(&db).await.unwrap();
    let plans = [plan_in(&store, 1, 100).await, plan_in(&store, 2, 200).await];
    store.close().await;

    let out = forget(&db, &["--user", "3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("Forgotten: 4 stored record(s)"),
        "{}",
        text(&out.stdout)
    );
    let store = Store::open(&db).await.unwrap();
    for id in plans {
        let p = store.plan(id).await.unwrap().unwrap();
        assert_eq!(p.created_by.name, "former member");
        assert_eq!(p.created_by.id, UserId(0));
        assert_eq!(p.events[0].author.name, "former member");
        assert_eq!(p.events[0].text, "answer 0");
        assert_eq!(p.events[1].author.name, "bo", "another member is untouched");
    }
    let log = store.forget_log().await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!((log[0].by, log[0].guild, log[0].count), (None, None, 4));
    store.close().await;

    // Again: nothing left, said so; a second audit line.
    let out = forget(&db, &["--user", "3"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("Nothing to forget"),
        "{}",
        text(&out.stdout)
    );
    let store = Store::open(&db).await.unwrap();
    assert_eq!(store.forget_log().await.unwrap()[1].count, 0);
    store.close().await;
}

#[test]
fn forget_explains_bad_input_and_never_creates_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    let out = forget(&db, &["--user", "3"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no database at"),
        "{}",
        text(&out.stderr)
    );
    assert!(!db.exists());
    let out = forget(&db, &["--user", "ana"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(
        text(&out.stderr).contains("--user"),
        "{}",
        text(&out.stderr)
    );
    let out = forget(&db, &[]);
    assert_eq!(out.status.code(), Some(2));
}
