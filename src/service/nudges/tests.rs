use crate::detect::CompiledCues;
use crate::ids::{ChannelId, GuildId, UserId};
use crate::packs::PackSet;
use crate::service::testing::{act, msg, service};
use crate::service::{Place, Service};
use crate::store::NudgeFor;
use chrono::Utc;
use std::sync::Arc;

const REDIS: &str = "just put redis in front of it";
const COMPARE: &str = "We should add a product comparison page, it would be nice to compare prices. Let's just put redis in front of it";

/// An open plan in `channel` of `guild`, started by hand (no thread).
async fn plan_in(s: &Service, guild: u64, channel: u64, source: u64) -> crate::ids::PlanId {
    let (plan, _) = s
        .start_plan(
            GuildId(guild),
            ChannelId(channel),
            "Orders page",
            Some(vec!["api".into()]),
            None,
            &act(source),
        )
        .await
        .unwrap();
    plan.id
}

#[tokio::test]
async fn a_plan_gets_each_nudge_once_and_a_replay_gets_none() {
    let (s, _d) = service().await;
    let g = GuildId(1);
    assert_eq!(
        s.nudge_message(g, &msg(1, 10, REDIS)).await.unwrap(),
        None,
        "no plan open here"
    );
    let plan = plan_in(&s, 1, 10, 900).await;
    let first = s
        .nudge_message(g, &msg(2, 10, REDIS))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.plan, plan);
    assert_eq!(first.nudge.id, "cache_before_measuring");
    assert_eq!(
        s.nudge_message(g, &msg(2, 10, REDIS)).await.unwrap(),
        None,
        "replay"
    );
    assert_eq!(
        s.nudge_message(g, &msg(3, 10, "ok, let's just slap a cache on it"))
            .await
            .unwrap(),
        None,
        "once per plan"
    );
    let other = s
        .nudge_message(g, &msg(4, 10, "we have an N+1 on the comments endpoint"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(other.nudge.id, "n_plus_one", "another nudge still speaks");
    assert_eq!(
        s.nudge_message(g, &msg(5, 10, "let's not just slap Redis on it"))
            .await
            .unwrap(),
        None
    );
    let mut bot = msg(6, 10, "we have an N+1 here too");
    bot.author_is_bot = true;
    assert_eq!(s.nudge_message(g, &bot).await.unwrap(), None, "bots");
    assert_eq!(
        s.store().nudges_sent(NudgeFor::Plan(plan)).await.unwrap(),
        ["cache_before_measuring", "n_plus_one"]
    );
}

#[tokio::test]
async fn not_helpful_silences_a_nudge_for_its_server_only_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("n.db");
    let open = || async {
        let store = crate::store::Store::open(&path).await.unwrap();
        Service::new(
            store,
            Arc::new(PackSet::shipped().unwrap()),
            Arc::new(CompiledCues::shipped().unwrap()),
            crate::detect::Settings::default(),
        )
    };
    let s = open().await;
    let (g1, g2) = (GuildId(1), GuildId(2));
    plan_in(&s, 1, 10, 900).await;
    plan_in(&s, 2, 20, 901).await;
    let (n, silenced) = s
        .silence_nudge(g1, "cache_before_measuring", UserId(5), Utc::now())
        .await
        .unwrap();
    assert!(silenced);
    assert_eq!(n.name, "Cache before measuring");
    let (_, again) = s
        .silence_nudge(g1, "cache_before_measuring", UserId(6), Utc::now())
        .await
        .unwrap();
    assert!(!again, "already silenced");
    assert!(
        s.silence_nudge(g1, "nope", UserId(5), Utc::now())
            .await
            .unwrap_err()
            .to_string()
            .contains("no nudge 'nope'")
    );
    assert_eq!(s.nudge_message(g1, &msg(1, 10, REDIS)).await.unwrap(), None);
    assert!(
        s.nudge_message(g2, &msg(2, 20, REDIS))
            .await
            .unwrap()
            .is_some(),
        "another server still gets it"
    );
    assert!(
        s.nudge_message(g1, &msg(3, 10, "index everything, disk is cheap"))
            .await
            .unwrap()
            .is_some(),
        "other nudges still speak in the silenced server"
    );
    s.store().close().await;
    drop(s);
    let s = open().await;
    assert_eq!(
        s.nudge_message(g1, &msg(4, 10, "let's just slap a cache on it"))
            .await
            .unwrap(),
        None,
        "silenced after a restart"
    );
}

#[tokio::test]
async fn a_prompt_carries_one_note_and_its_plan_does_not_repeat_it() {
    let (s, _d) = service().await;
    let g = GuildId(1);
    let p = s
        .observe(g, &msg(1, 10, COMPARE), false)
        .await
        .unwrap()
        .expect("the discussion prompts");
    let with_note = p.nudge.clone().expect("a note");
    assert_eq!(with_note.id, "cache_before_measuring");
    let place = Place {
        guild: g,
        channel: ChannelId(10),
    };
    let (plan, _) = s
        .start_from_detection(p.id, place, &act(50), None)
        .await
        .unwrap();
    assert_eq!(
        s.store()
            .nudges_sent(NudgeFor::Plan(plan.id))
            .await
            .unwrap(),
        ["cache_before_measuring"],
        "the prompt's note counts for its plan"
    );
    assert_eq!(
        s.nudge_message(g, &msg(9, 10, REDIS)).await.unwrap(),
        None,
        "said once per plan"
    );
}

#[tokio::test]
async fn a_prompt_without_an_anti_pattern_has_no_note_and_a_silenced_one_is_left_out() {
    let (s, _d) = service().await;
    let g = GuildId(1);
    let p = s
        .observe(
            g,
            &msg(
                1,
                10,
                "We should add refunds for card payments, it would be nice to have an option to undo a charge",
            ),
            false,
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.nudge, None);
    s.silence_nudge(GuildId(2), "cache_before_measuring", UserId(5), Utc::now())
        .await
        .unwrap();
    let p = s
        .observe(GuildId(2), &msg(2, 20, COMPARE), false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.nudge, None, "silenced in that server");
    let p = s
        .observe(g, &msg(3, 30, COMPARE), false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        p.nudge.map(|n| n.id).as_deref(),
        Some("cache_before_measuring")
    );
}
