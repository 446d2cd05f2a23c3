//! The service's forget and purge: what adapters call.

use super::*;
use crate::detect::ChatMessage;
use crate::ids::ChannelId;
use crate::plan::Author;
use crate::service::testing::{FEATURE, msg_at, service};
use crate::service::{Act, Place};

fn msg(id: u64, at: DateTime<Utc>) -> ChatMessage {
    msg_at(id, 10, FEATURE, at)
}

fn request(member: u64, source: u64) -> ForgetRequest {
    ForgetRequest {
        member: UserId(member),
        guild: Some(GuildId(1)),
        by: Some(UserId(77)),
        at: Utc::now(),
        source: Some(MessageId(source)),
    }
}

#[tokio::test]
async fn a_started_checklist_forgets_its_author_and_says_how_much() {
    let (s, _d) = service().await;
    let g = GuildId(1);
    s.watch(g, ChannelId(10), UserId(6), Utc::now())
        .await
        .unwrap();
    let p = s
        .observe(g, &msg(1, Utc::now()), true)
        .await
        .unwrap()
        .unwrap();
    let act = Act {
        author: Author {
            id: UserId(5),
            name: "ana".into(),
        },
        at: Utc::now(),
        source: MessageId(2),
    };
    let place = Place {
        guild: g,
        channel: ChannelId(10),
    };
    let plan = s
        .start_from_detection(p.id, place, &act, None)
        .await
        .unwrap()
        .0;
    let plan_id = plan.id;
    s.answer(
        plan_id,
        "Q1",
        "twice",
        &Act {
            source: MessageId(3),
            ..act.clone()
        },
    )
    .await
    .unwrap();

    let line = s.forget(request(5, 900)).await.unwrap().unwrap();
    assert!(line.count >= 3, "plan, answer, feedback: {}", line.count);
    assert!(forgotten_text(line.count).contains(FORMER_MEMBER));
    let plan = s.plan(plan_id).await.unwrap();
    assert_eq!(plan.created_by.name, FORMER_MEMBER);
    assert!(plan.events.iter().all(|e| e.author.id == UserId(0)));
    // Asked again: nothing left that names her.
    assert_eq!(s.forget(request(5, 901)).await.unwrap().unwrap().count, 0);
    assert!(forgotten_text(0).starts_with("Nothing to forget"));
    assert_eq!(s.forget_log().await.unwrap().len(), 2);
    // A replay of the first request does nothing.
    assert!(s.forget(request(5, 900)).await.unwrap().is_none());
    let text = s.metrics().encode();
    assert!(text.contains("plancheck_answers_total 1"), "{text}");
    assert!(text.contains("plancheck_detections_total 1"), "{text}");
}

#[tokio::test]
async fn id_zero_is_not_a_member() {
    let (s, _d) = service().await;
    let e = s.forget(request(0, 1)).await.unwrap_err();
    assert!(matches!(e, Error::User(m) if m.contains("not a member id")));
    assert!(s.forget_log().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_purge_keeps_what_is_younger_than_the_retention() {
    let (s, _d) = service().await;
    let g = GuildId(1);
    let old = Utc::now() - Duration::days(120);
    s.watch(g, ChannelId(10), UserId(6), old).await.unwrap();
    let stale = s.observe(g, &msg(1, old), true).await.unwrap().unwrap();
    let purged = s.purge_older_than(Utc::now(), 90).await.unwrap();
    assert_eq!(purged.detections, 1);
    assert!(s.detection(stale.id).await.is_err(), "gone");
    // Control: a younger one is kept.
    let kept = s
        .observe(g, &msg(2, Utc::now() - Duration::days(60)), true)
        .await
        .unwrap()
        .unwrap();
    let purged = s.purge_older_than(Utc::now(), 90).await.unwrap();
    assert_eq!(purged.detections, 0);
    assert!(s.detection(kept.id).await.is_ok());
}
