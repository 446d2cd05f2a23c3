//! Store tests for plans and answers, each on a fresh database.

use super::*;
use crate::ids::{ChannelId, GuildId, MessageId, PlanId, UserId};
use crate::plan::{AnswerEvent, Author, EventKind, QuestionState, Status, snapshot};
use crate::store::testing::{Backend, on_both_backends};

on_both_backends!(
    a_plan_round_trips_with_its_snapshot,
    replaying_the_start_creates_no_second_plan,
    revisions_are_kept_and_replays_ignored,
    an_answer_to_a_question_the_plan_lacks_is_refused_by_the_database,
    plans_are_listed_by_server_channel_and_status,
    plan_messages_map_replies_to_question_ranges,
    data_survives_reopening,
);

pub(super) fn new_plan(source: u64) -> NewPlan {
    let packs = crate::store::testing::packs();
    NewPlan {
        guild: GuildId(1),
        channel: ChannelId(2),
        thread: None,
        title: "Refunds".into(),
        created_by: Author {
            id: UserId(3),
            name: "ana".into(),
        },
        created_at: Utc::now(),
        packs: vec!["payments".into()],
        questions: snapshot(packs, &["payments".into()]).unwrap(),
        detection: None,
        source: Some(MessageId(source)),
        depth: crate::plan::select::Depth::Thorough,
        more: vec![("errors.retries".into(), "errors".into())],
    }
}

pub(super) fn answer(q: &str, text: &str, source: u64) -> AnswerEvent {
    AnswerEvent {
        question_id: q.into(),
        kind: EventKind::Answer,
        text: text.into(),
        author: Author {
            id: UserId(4),
            name: "bo".into(),
        },
        at: Utc::now(),
        source: Some(MessageId(source)),
        said_in: None,
        decision: None,
    }
}

async fn a_plan_round_trips_with_its_snapshot(backend: Backend) {
    let (store, _db) = backend.fresh().await;
    let np = new_plan(100);
    let (id, created) = store.create_plan(&np).await.unwrap();
    assert!(created);
    let plan = store.plan(id).await.unwrap().unwrap();
    // Reading is not stored: the service looks it up from the packs when it reads a plan.
    assert!(np.questions.iter().any(|q| !q.reading.is_empty()));
    let mut expected = np.questions.clone();
    for q in &mut expected {
        q.reading.clear();
    }
    assert_eq!(plan.questions, expected);
    assert_eq!(plan.title, "Refunds");
    assert_eq!(plan.status, Status::Open);
    assert!(store.plan(PlanId(id.0 + 1)).await.unwrap().is_none());
}

async fn replaying_the_start_creates_no_second_plan(backend: Backend) {
    let (store, _db) = backend.fresh().await;
    let (a, _) = store.create_plan(&new_plan(100)).await.unwrap();
    let (b, created) = store.create_plan(&new_plan(100)).await.unwrap();
    assert!(!created);
    assert_eq!(a, b);
    assert_eq!(
        store
            .list_plans(&PlanFilter::default(), 10)
            .await
            .unwrap()
            .len(),
        1
    );
}

async fn revisions_are_kept_and_replays_ignored(backend: Backend) {
    let (store, _db) = backend.fresh().await;
    let (id, _) = store.create_plan(&new_plan(100)).await.unwrap();
    assert!(
        store
            .record_event(id, &answer("payments.pci", "hosted fields", 1))
            .await
            .unwrap()
    );
    assert!(
        !store
            .record_event(id, &answer("payments.pci", "hosted fields", 1))
            .await
            .unwrap()
    );
    assert!(
        store
            .record_event(id, &answer("payments.pci", "hosted fields + no logs", 2))
            .await
            .unwrap()
    );
    let plan = store.plan(id).await.unwrap().unwrap();
    assert_eq!(plan.history("payments.pci").count(), 2);
    match plan.state("payments.pci") {
        QuestionState::Answered { latest, revisions } => {
            assert_eq!(latest.text, "hosted fields + no logs");
            assert_eq!(revisions, 2);
        }
        s => panic!("{s:?}"),
    }
}

async fn an_answer_to_a_question_the_plan_lacks_is_refused_by_the_database(backend: Backend) {
    let (store, _db) = backend.fresh().await;
    let (id, _) = store.create_plan(&new_plan(100)).await.unwrap();
    assert!(
        store
            .record_event(id, &answer("nope.nope", "x", 9))
            .await
            .is_err()
    );
    assert!(store.plan(id).await.unwrap().unwrap().events.is_empty());
}

async fn plans_are_listed_by_server_channel_and_status(backend: Backend) {
    let (store, _db) = backend.fresh().await;
    let (a, _) = store.create_plan(&new_plan(1)).await.unwrap();
    let mut other = new_plan(2);
    other.channel = ChannelId(99);
    let (b, _) = store.create_plan(&other).await.unwrap();
    store.set_plan_thread(b, ChannelId(500)).await.unwrap();
    store
        .record_event(a, &answer("payments.pci", "x", 10))
        .await
        .unwrap();
    assert!(
        store
            .set_plan_status(a, Status::Closed, Utc::now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .set_plan_status(a, Status::Closed, Utc::now())
            .await
            .unwrap()
    );

    let all = store
        .list_plans(
            &PlanFilter {
                guild: Some(GuildId(1)),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    let closed = store
        .list_plans(
            &PlanFilter {
                status: Some(Status::Closed),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(closed.iter().map(|p| p.id).collect::<Vec<_>>(), vec![a]);
    assert_eq!(closed[0].decided, 1);
    let in_thread = store
        .list_plans(
            &PlanFilter {
                channel: Some(ChannelId(500)),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert_eq!(in_thread[0].id, b);
    assert_eq!(store.open_plan_in(ChannelId(500)).await.unwrap(), Some(b));
    assert_eq!(
        store.open_plan_in(ChannelId(2)).await.unwrap(),
        None,
        "plan a is closed"
    );
    let none = store
        .list_plans(
            &PlanFilter {
                guild: Some(GuildId(7)),
                ..Default::default()
            },
            10,
        )
        .await
        .unwrap();
    assert!(none.is_empty());
}

async fn plan_messages_map_replies_to_question_ranges(backend: Backend) {
    let (store, _db) = backend.fresh().await;
    let (id, _) = store.create_plan(&new_plan(1)).await.unwrap();
    store
        .add_plan_message(id, MessageId(70), 1, 5)
        .await
        .unwrap();
    store
        .add_plan_message(id, MessageId(70), 1, 5)
        .await
        .unwrap();
    assert_eq!(
        store.plan_message(MessageId(70)).await.unwrap(),
        Some((id, 1, 5))
    );
    assert_eq!(store.plan_message(MessageId(71)).await.unwrap(), None);
}

async fn data_survives_reopening(backend: Backend) {
    let (store, db) = backend.fresh().await;
    let (id, _) = store.create_plan(&new_plan(1)).await.unwrap();
    store
        .record_event(id, &answer("payments.pci", "x", 10))
        .await
        .unwrap();
    store.close().await;
    let again = db.open().await;
    assert_eq!(again.plan(id).await.unwrap().unwrap().events.len(), 1);
}

#[tokio::test]
async fn opening_an_existing_database_never_creates_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("absent.db");
    let e = Store::open_existing(&path).await.unwrap_err();
    assert!(matches!(e, StoreError::Missing(_)), "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("no database at {}", path.display())),
        "{e}"
    );
    assert!(!path.exists(), "nothing created");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    // Control: once the database exists, the same call opens it.
    Store::open(&path).await.unwrap().close().await;
    let store = Store::open_existing(&path).await.unwrap();
    assert!(store.plan(PlanId(1)).await.unwrap().is_none());
}

#[tokio::test]
async fn a_sqlite_path_with_spaces_and_url_characters_is_opened_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("a b#c%41?d");
    std::fs::create_dir(&folder).unwrap();
    let path = folder.join("Plans.db");
    let store = Store::open(&path).await.unwrap();
    let (id, _) = store.create_plan(&new_plan(1)).await.unwrap();
    store.close().await;
    assert!(path.is_file(), "created at the path as written");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    let again = Store::open_existing(&path).await.unwrap();
    assert!(again.plan(id).await.unwrap().is_some());
}

/// Processes that start together on a new PostgreSQL database: sqlx's migrator holds an
/// advisory lock, so the tables are created once and both open it.
#[tokio::test]
async fn processes_opening_a_new_postgres_database_together_both_open_it() {
    let db = crate::store::testing::postgres_db().await;
    let (a, b) = tokio::join!(Store::open(&db.location), Store::open(&db.location));
    let (a, b) = (a.unwrap(), b.unwrap());
    let (id, created) = a.create_plan(&new_plan(1)).await.unwrap();
    assert!(created);
    assert_eq!(b.create_plan(&new_plan(1)).await.unwrap(), (id, false));
}
