//! Forgetting a member and purging old detections, each on a fresh database.

use super::*;
use crate::detect::Detection;
use crate::ids::{ChannelId, DetectionId, PlanId};
use crate::plan::{AnswerEvent, Author, EventKind, Quote, snapshot};
use crate::store::testing::{Backend, on_both_backends};
use crate::store::{FeedbackKind, NewPlan, Outcome};
use chrono::Duration;

on_both_backends!(
    forgetting_a_member_rewrites_every_row_naming_them_in_that_server_only,
    forgetting_again_changes_nothing_and_a_replay_writes_no_second_line,
    forgetting_everywhere_covers_every_server_and_the_admins_own_audit_lines,
    a_purge_deletes_old_unstarted_detections_and_old_feedback_only,
    forgetting_covers_the_decisions_a_member_marked_and_the_nudges_they_silenced,
);

const FORMER: &str = "former member";
const ANA: UserId = UserId(3);
const BO: UserId = UserId(4);

fn person(u: UserId) -> Author {
    let name = if u == ANA { "ana" } else { "bo" };
    Author {
        id: u,
        name: name.into(),
    }
}

fn former() -> Author {
    Author {
        id: UserId(0),
        name: FORMER.into(),
    }
}

fn quote(u: UserId, message: u64) -> Option<Quote> {
    Some(Quote {
        text: "we retry twice".into(),
        author: person(u),
        message: MessageId(message),
    })
}

/// A plan in `guild` started by ana: Q1 suggested by ana, Q2 asked by ana, Q3 suggested
/// by bo; ana answered Q1, bo answered Q2.
async fn plan_in(store: &Store, guild: u64, source: u64) -> PlanId {
    let packs = crate::store::testing::packs();
    let mut questions = snapshot(packs, &["payments".into()]).unwrap();
    questions[0].suggested = quote(ANA, 900);
    questions[1].asked = quote(ANA, 901);
    questions[2].suggested = quote(BO, 902);
    let (q1, q2) = (questions[0].id.clone(), questions[1].id.clone());
    let (plan, _) = store
        .create_plan(&NewPlan {
            guild: GuildId(guild),
            channel: ChannelId(2),
            thread: None,
            title: "Refunds".into(),
            created_by: person(ANA),
            created_at: Utc::now(),
            packs: vec!["payments".into()],
            questions,
            detection: None,
            source: Some(MessageId(source)),
            depth: crate::plan::select::Depth::Thorough,
            more: vec![],
        })
        .await
        .unwrap();
    for (q, who, text, src) in [(q1, ANA, "twice", source + 1), (q2, BO, "no", source + 2)] {
        let e = AnswerEvent {
            question_id: q,
            kind: EventKind::Answer,
            text: text.into(),
            author: person(who),
            at: Utc::now(),
            source: Some(MessageId(src)),
            said_in: None,
            decision: None,
        };
        assert!(store.record_event(plan, &e).await.unwrap());
    }
    plan
}

async fn feedback_by(store: &Store, guild: u64, who: UserId, source: u64) {
    let added = store
        .add_feedback(
            GuildId(guild),
            ChannelId(2),
            None,
            FeedbackKind::NotFeature,
            who,
            Utc::now(),
            MessageId(source),
        )
        .await
        .unwrap();
    assert!(added);
}

async fn feedback_users(store: &Store, guild: u64) -> Vec<i64> {
    let rows: Vec<(i64,)> =
        sqlx::query_as("SELECT user_id FROM feedback WHERE guild_id = $1 ORDER BY id")
            .bind(guild as i64)
            .fetch_all(store.pool())
            .await
            .unwrap();
    rows.into_iter().map(|r| r.0).collect()
}

fn asking(guild: Option<u64>, source: Option<u64>) -> ForgetLine {
    ForgetLine {
        at: Utc::now(),
        by: Some(UserId(77)),
        guild: guild.map(GuildId),
        count: 0,
        source: source.map(MessageId),
    }
}

async fn forgetting_a_member_rewrites_every_row_naming_them_in_that_server_only(backend: Backend) {
    let (store, _db) = backend.fresh().await;
    let here = plan_in(&store, 1, 100).await;
    let there = plan_in(&store, 2, 200).await;
    feedback_by(&store, 1, ANA, 300).await;
    feedback_by(&store, 1, BO, 301).await;
    feedback_by(&store, 2, ANA, 302).await;
    store
        .watch(GuildId(1), ChannelId(2), ANA, Utc::now())
        .await
        .unwrap();

    let line = store
        .forget_member(ANA, FORMER, asking(Some(1), Some(500)))
        .await
        .unwrap()
        .expect("not a replay");
    // The plan's author, Q1's suggestion, Q2's asker, ana's answer, her feedback, her watch.
    assert_eq!(line.count, 6);

    let p = store.plan(here).await.unwrap().unwrap();
    assert_eq!(p.created_by, former());
    assert_eq!(p.questions[0].suggested.as_ref().unwrap().author, former());
    assert_eq!(
        p.questions[0].suggested.as_ref().unwrap().text,
        "we retry twice"
    );
    assert_eq!(p.questions[1].asked.as_ref().unwrap().author, former());
    assert_eq!(
        p.questions[2].suggested.as_ref().unwrap().author,
        person(BO),
        "someone else's quote is untouched"
    );
    assert_eq!(p.events[0].author, former());
    assert_eq!(p.events[0].text, "twice", "the team's answer stays");
    assert_eq!(p.events[1].author, person(BO));
    assert_eq!(feedback_users(&store, 1).await, vec![0, BO.0 as i64]);
    let (added_by,): (i64,) = sqlx::query_as("SELECT added_by FROM watched_channels")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(added_by, 0);

    // Control: the other server's rows still name her.
    let q = store.plan(there).await.unwrap().unwrap();
    assert_eq!(q.created_by, person(ANA));
    assert_eq!(q.events[0].author, person(ANA));
    assert_eq!(feedback_users(&store, 2).await, vec![ANA.0 as i64]);

    // The audit line: when, who asked, where, how many; nothing of hers.
    let log = store.forget_log().await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].by, Some(UserId(77)));
    assert_eq!(log[0].guild, Some(GuildId(1)));
    assert_eq!(log[0].count, 6);
    assert_eq!(log[0].source, Some(MessageId(500)));
}

async fn forgetting_again_changes_nothing_and_a_replay_writes_no_second_line(backend: Backend) {
    let (store, _db) = backend.fresh().await;
    let plan = plan_in(&store, 1, 100).await;
    let first = store
        .forget_member(ANA, FORMER, asking(Some(1), Some(500)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.count, 4);
    let after = store.plan(plan).await.unwrap().unwrap();
    // A replay of the same interaction: nothing, not even a line.
    assert!(
        store
            .forget_member(ANA, FORMER, asking(Some(1), Some(500)))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.forget_log().await.unwrap().len(), 1);
    // Asked again: nothing left to change, and the request is recorded.
    let again = store
        .forget_member(ANA, FORMER, asking(Some(1), Some(501)))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.count, 0);
    assert_eq!(store.plan(plan).await.unwrap().unwrap(), after);
    assert_eq!(store.forget_log().await.unwrap().len(), 2);
}

async fn forgetting_everywhere_covers_every_server_and_the_admins_own_audit_lines(
    backend: Backend,
) {
    let (store, _db) = backend.fresh().await;
    let a = plan_in(&store, 1, 100).await;
    let b = plan_in(&store, 2, 200).await;
    // Bo, an admin, once asked to forget someone.
    let mut by_bo = asking(Some(1), Some(500));
    by_bo.by = Some(BO);
    store
        .forget_member(UserId(99), FORMER, by_bo)
        .await
        .unwrap()
        .unwrap();
    let mut cli = asking(None, None);
    cli.by = None;
    let line = store.forget_member(BO, FORMER, cli).await.unwrap().unwrap();
    // Q3's suggestion and Q2's answer in each server, and his audit line.
    assert_eq!(line.count, 5);
    for plan in [a, b] {
        let p = store.plan(plan).await.unwrap().unwrap();
        assert_eq!(p.events[1].author, former());
        assert_eq!(p.created_by, person(ANA), "others untouched");
    }
    let log = store.forget_log().await.unwrap();
    assert_eq!(log[0].by, Some(UserId(0)));
    assert_eq!((log[1].by, log[1].guild, log[1].source), (None, None, None));
}

fn detection_at(message: u64, at: DateTime<Utc>) -> Detection {
    Detection {
        channel: ChannelId(5),
        message_id: MessageId(message),
        at,
        score: 4.0,
        threshold: 3.0,
        evidence: vec![],
        packs: vec![],
        title: "Refunds".into(),
        participants: vec![],
    }
}

async fn detected(store: &Store, message: u64, days_ago: i64) -> DetectionId {
    let at = Utc::now() - Duration::days(days_ago);
    store
        .insert_detection(GuildId(1), &detection_at(message, at))
        .await
        .unwrap()
        .0
}

async fn a_purge_deletes_old_unstarted_detections_and_old_feedback_only(backend: Backend) {
    let (store, _db) = backend.fresh().await;
    let old_pending = detected(&store, 1, 100).await;
    let old_dismissed = detected(&store, 2, 100).await;
    store
        .decide_detection(old_dismissed, Outcome::Dismissed)
        .await
        .unwrap();
    let old_started = detected(&store, 3, 100).await;
    let recent = detected(&store, 4, 10).await;
    // A plan was started from the old prompt.
    let packs = crate::store::testing::packs();
    store
        .create_plan(&NewPlan {
            guild: GuildId(1),
            channel: ChannelId(5),
            thread: None,
            title: "Refunds".into(),
            created_by: person(ANA),
            created_at: Utc::now() - Duration::days(100),
            packs: vec!["payments".into()],
            questions: snapshot(packs, &["payments".into()]).unwrap(),
            detection: Some(old_started),
            source: Some(MessageId(50)),
            depth: crate::plan::select::Depth::Thorough,
            more: vec![],
        })
        .await
        .unwrap();
    store
        .decide_detection(old_started, Outcome::Started)
        .await
        .unwrap();
    // Feedback: old on the dismissed prompt; recent on the old pending one.
    for (det, days, source) in [(old_dismissed, 100, 60), (old_pending, 5, 61)] {
        store
            .add_feedback(
                GuildId(1),
                ChannelId(5),
                Some(det),
                FeedbackKind::NotFeature,
                BO,
                Utc::now() - Duration::days(days),
                MessageId(source),
            )
            .await
            .unwrap();
    }

    let purged = store
        .purge_before(Utc::now() - Duration::days(90))
        .await
        .unwrap();
    assert_eq!(
        purged,
        Purged {
            detections: 2,
            feedback: 1
        }
    );
    assert!(store.detection(old_pending).await.unwrap().is_none());
    assert!(store.detection(old_dismissed).await.unwrap().is_none());
    assert!(
        store.detection(old_started).await.unwrap().is_some(),
        "became a plan"
    );
    assert!(store.detection(recent).await.unwrap().is_some(), "recent");
    // The recent feedback stays, without its link to the deleted prompt.
    let left: Vec<(Option<i64>,)> = sqlx::query_as("SELECT detection_id FROM feedback")
        .fetch_all(store.pool())
        .await
        .unwrap();
    assert_eq!(left, vec![(None,)]);
    // Purging again finds nothing.
    let again = store
        .purge_before(Utc::now() - Duration::days(90))
        .await
        .unwrap();
    assert_eq!(again, Purged::default());
}

async fn forgetting_covers_the_decisions_a_member_marked_and_the_nudges_they_silenced(
    backend: Backend,
) {
    let (store, _db) = backend.fresh().await;
    let plan = plan_in(&store, 1, 100).await;
    let q1 = store.plan(plan).await.unwrap().unwrap().questions[0]
        .id
        .clone();
    let q2 = store.plan(plan).await.unwrap().unwrap().questions[1]
        .id
        .clone();
    for (q, who, src) in [(&q1, ANA, 700), (&q2, BO, 701)] {
        let d = crate::plan::Decision {
            by: person(who),
            at: Utc::now(),
            source: Some(MessageId(src)),
        };
        store.mark_decision(plan, q, &d).await.unwrap();
    }
    for (g, who) in [(1, ANA), (1, BO), (2, ANA)] {
        let nudge = format!("n{}", who.0);
        assert!(
            store
                .silence_nudge(GuildId(g), &nudge, who, Utc::now())
                .await
                .unwrap()
        );
    }
    store
        .forget_member(ANA, FORMER, asking(Some(1), Some(501)))
        .await
        .unwrap()
        .expect("not a replay");
    let p = store.plan(plan).await.unwrap().unwrap();
    let marked_by = |q: &str| {
        p.decision(q)
            .and_then(|e| e.decision.as_ref())
            .map(|d| d.by.clone())
    };
    assert_eq!(marked_by(&q1), Some(former()));
    assert_eq!(marked_by(&q2), Some(person(BO)), "bo's mark is untouched");
    let silencers: Vec<(i64, i64)> =
        sqlx::query_as("SELECT guild_id, by_user_id FROM nudges_silenced ORDER BY guild_id, nudge")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert!(silencers.contains(&(1, 0)), "{silencers:?}");
    assert!(silencers.contains(&(1, BO.0 as i64)), "{silencers:?}");
    assert!(
        silencers.contains(&(2, ANA.0 as i64)),
        "another server's row still names her: {silencers:?}"
    );
}
