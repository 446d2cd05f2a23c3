use super::testing::*;
use super::*;
use crate::plan::QuestionState;
use crate::plan::said;

/// Where a prompt was posted (every test here speaks in server 1).
fn at(p: &Prompt) -> Place {
    Place {
        guild: GuildId(1),
        channel: p.detection.channel,
    }
}

#[tokio::test]
async fn only_watched_channels_prompt_and_a_replay_prompts_once() {
    let (s, _d) = service().await;
    let g = GuildId(1);
    assert!(
        s.observe(g, &msg(1, 10, FEATURE), true)
            .await
            .unwrap()
            .is_none(),
        "unwatched"
    );
    s.watch(g, ChannelId(10), UserId(5), Utc::now())
        .await
        .unwrap();
    let p = s
        .observe(g, &msg(2, 10, FEATURE), true)
        .await
        .unwrap()
        .expect("watched channel prompts");
    assert_eq!(p.detection.message_id, MessageId(2));
    assert!(
        s.observe(g, &msg(2, 10, FEATURE), true)
            .await
            .unwrap()
            .is_none(),
        "replay"
    );
    assert_eq!(s.store().recent_detections(g, 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn another_servers_watch_does_not_count() {
    let (s, _d) = service().await;
    s.watch(GuildId(1), ChannelId(10), UserId(5), Utc::now())
        .await
        .unwrap();
    assert!(
        s.observe(GuildId(2), &msg(1, 10, FEATURE), true)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_muted_channel_stays_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plancheck.db");
    let g = GuildId(1);
    {
        let s = service_at(&path).await;
        for c in [10, 11] {
            s.watch(g, ChannelId(c), UserId(5), Utc::now())
                .await
                .unwrap();
        }
        let p = s
            .observe(g, &msg(1, 10, FEATURE), true)
            .await
            .unwrap()
            .unwrap();
        s.mute_from_detection(p.id, at(&p), Utc::now() + chrono::Duration::hours(24))
            .await
            .unwrap();
        assert!(
            s.observe(g, &msg(2, 11, FEATURE), true)
                .await
                .unwrap()
                .is_some(),
            "other channels still work"
        );
        s.shutdown().await;
    }
    // After a restart the detector remembers nothing: only the stored mute can keep
    // channel 10 quiet, and its unmuted twin is the control.
    let s = service_at(&path).await;
    s.load().await.unwrap();
    assert!(
        s.observe(g, &msg(3, 10, FEATURE), true)
            .await
            .unwrap()
            .is_none(),
        "the muted channel stays quiet"
    );
    assert!(
        s.observe(g, &msg(4, 11, FEATURE), true)
            .await
            .unwrap()
            .is_some(),
        "the same message prompts in the unmuted twin"
    );
}

#[tokio::test]
async fn starting_from_a_prompt_uses_its_packs_once_and_records_feedback() {
    let (s, _d) = service().await;
    let g = GuildId(1);
    let p = s
        .observe(g, &msg(1, 10, FEATURE), false)
        .await
        .unwrap()
        .unwrap();
    let (plan, created) = s
        .start_from_detection(p.id, at(&p), &act(100), None)
        .await
        .unwrap();
    assert!(created);
    assert_eq!(plan.packs[0], "payments");
    assert_eq!(plan.title, "Refunds for card payments");
    let (again, created) = s
        .start_from_detection(p.id, at(&p), &act(101), None)
        .await
        .unwrap();
    assert!(!created, "a second click finds the same plan");
    assert_eq!(again.id, plan.id);
    let c = s
        .store()
        .feedback_counts(g, Utc::now() - chrono::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(c.started, 1);
}

#[tokio::test]
async fn a_checklist_also_gets_the_packs_of_what_was_said_after_its_prompt() {
    let (s, _d) = service().await;
    let g = GuildId(1);
    let p = s
        .observe(
            g,
            &msg(
                1,
                10,
                "it would be great if users could schedule a message for later",
            ),
            false,
        )
        .await
        .unwrap()
        .unwrap();
    assert!(!p.detection.packs.iter().any(|m| m.id == "jobs"));
    // Said after the prompt: in its channel, and in another channel.
    let later = "we'd need a delayed job queue with workers, and a cron job to cancel stale ones";
    assert!(
        s.observe(g, &msg(2, 10, later), false)
            .await
            .unwrap()
            .is_none()
    );
    s.observe(g, &msg(3, 11, "the webhook retries and signatures"), false)
        .await
        .unwrap();
    let (plan, _) = s
        .start_from_detection(p.id, at(&p), &act(100), None)
        .await
        .unwrap();
    assert!(plan.packs.contains(&"jobs".to_string()), "{:?}", plan.packs);
    assert!(
        !plan.packs.contains(&"webhooks".to_string()),
        "{:?}",
        plan.packs
    );
    assert!(plan.questions.iter().any(|q| q.pack_id == "jobs"));

    // A pack the server turned off is not added.
    let p = s
        .observe(
            g,
            &msg(
                4,
                20,
                "it would be great if users could schedule a message for later",
            ),
            false,
        )
        .await
        .unwrap()
        .unwrap();
    s.observe(g, &msg(5, 20, later), false).await.unwrap();
    let mut settings = s.settings(g).await.unwrap();
    settings.disabled_packs.insert("jobs".into());
    s.save_settings(g, &settings).await.unwrap();
    let (plan, _) = s
        .start_from_detection(p.id, at(&p), &act(101), None)
        .await
        .unwrap();
    assert!(
        !plan.packs.contains(&"jobs".to_string()),
        "{:?}",
        plan.packs
    );
}

#[tokio::test]
async fn answering_skipping_reopening_and_closing() {
    let (s, _d) = service().await;
    let (plan, _) = s
        .start_plan(
            GuildId(1),
            ChannelId(10),
            "Bulk export",
            Some(vec!["api".into()]),
            None,
            &act(1),
        )
        .await
        .unwrap();
    let c = s
        .answer(plan.id, "Q1", "web app and mobile", &act(2))
        .await
        .unwrap();
    assert!(c.created);
    assert_eq!(c.question.number, 1);
    let replay = s
        .answer(plan.id, "Q1", "web app and mobile", &act(2))
        .await
        .unwrap();
    assert!(!replay.created);
    assert_eq!(replay.plan.events.len(), 1);
    s.skip(plan.id, "2", "all sync", &act(3)).await.unwrap();
    let e = s.reopen(plan.id, "Q3", &act(4)).await.unwrap_err();
    assert_eq!(e.to_string(), "Q3 is already open");
    s.reopen(plan.id, "Q2", &act(5)).await.unwrap();
    let e = s.answer(plan.id, "Q99", "x", &act(6)).await.unwrap_err();
    assert!(matches!(e, Error::User(_)), "{e:?}");
    let e = s.answer(plan.id, "Q1", "   ", &act(7)).await.unwrap_err();
    assert_eq!(e.to_string(), "the answer is empty");
    // Critical questions are open: a close is refused (nothing changes) until forced.
    let Closing::NotReady(open) = s.close(plan.id, Utc::now(), false).await.unwrap() else {
        panic!("closed with critical questions open")
    };
    assert!(!open.critical_open().is_empty());
    assert_eq!(s.plan(plan.id).await.unwrap().status, Status::Open);
    let Closing::Closed(closed) = s.close(plan.id, Utc::now(), true).await.unwrap() else {
        panic!("not closed")
    };
    assert!(closed.closed_unready());
    assert!(matches!(
        s.close(plan.id, Utc::now(), true).await.unwrap(),
        Closing::AlreadyClosed(_)
    ));
    let e = s.answer(plan.id, "Q1", "late", &act(8)).await.unwrap_err();
    assert_eq!(e.to_string(), "this plan is closed");
    let (name, md) = s.export(plan.id, Format::Markdown).await.unwrap();
    assert_eq!(name, format!("plan-{}-bulk-export.md", plan.id));
    assert!(md.contains("> web app and mobile"));
    assert!(md.contains("closed unready"), "{md}");
}

#[tokio::test]
async fn a_plan_whose_critical_questions_are_decided_closes_at_once() {
    let (s, _d) = service().await;
    let (plan, _) = s
        .start_plan(
            GuildId(1),
            ChannelId(70),
            "Bulk export",
            Some(vec!["api".into()]),
            Some(Depth::Quick),
            &act(1),
        )
        .await
        .unwrap();
    let critical: Vec<u32> = plan.critical_open().iter().map(|q| q.number).collect();
    assert!(!critical.is_empty());
    for (i, n) in critical.iter().enumerate() {
        let source = 10 + i as u64;
        if i % 2 == 0 {
            s.answer(plan.id, &format!("Q{n}"), "decided", &act(source))
                .await
                .unwrap();
        } else {
            s.skip(plan.id, &format!("Q{n}"), "not for v1", &act(source))
                .await
                .unwrap();
        }
    }
    let Closing::Closed(closed) = s.close(plan.id, Utc::now(), false).await.unwrap() else {
        panic!("a ready plan was not closed")
    };
    assert!(closed.is_ready() && !closed.closed_unready());
    assert_eq!(closed.readiness(3), "ready");
}

#[tokio::test]
async fn a_manual_plan_without_packs_gets_the_core_packs_and_bad_input_is_explained() {
    let (s, _d) = service().await;
    let (plan, _) = s
        .start_plan(GuildId(1), ChannelId(10), "Search", None, None, &act(1))
        .await
        .unwrap();
    let mut packs = plan.packs.clone();
    packs.sort();
    assert_eq!(packs, vec!["api", "data_model", "errors", "performance"]);
    let e = s
        .start_plan(
            GuildId(1),
            ChannelId(10),
            "X",
            Some(vec!["nope".into()]),
            None,
            &act(2),
        )
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "unknown pack 'nope'; see the pack list");
    let e = s
        .start_plan(GuildId(1), ChannelId(10), "  ", None, None, &act(3))
        .await
        .unwrap_err();
    assert_eq!(e.to_string(), "the title is empty");
    assert_eq!(
        s.list(&PlanFilter::default(), 10).await.unwrap().len(),
        1,
        "nothing half-written"
    );
}

#[tokio::test]
async fn dismissing_is_recorded_as_feedback() {
    let (s, _d) = service().await;
    let p = s
        .observe(GuildId(1), &msg(1, 10, FEATURE), false)
        .await
        .unwrap()
        .unwrap();
    assert!(s.dismiss(p.id, at(&p), &act(50)).await.unwrap());
    assert!(!s.dismiss(p.id, at(&p), &act(50)).await.unwrap());
    let c = s
        .store()
        .feedback_counts(GuildId(1), Utc::now() - chrono::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(c.not_feature, 1);
}

/// The first of some short requests whose score alone lies in `low..=high`, and its score.
fn borderline_talk(low: f32, high: f32) -> (String, f32) {
    let packs = PackSet::shipped().unwrap();
    let candidates = [
        "it would be nice to have that",
        "an option to mute would help",
        "it would be nice to have an option for that",
        "could we get an option to mute a channel?",
        "we should add a way to mute one channel",
        "would be great to have a mute option",
        "feature idea: mute per channel",
        "can we add a mute button per channel",
    ];
    let scored: Vec<(String, Option<f32>)> = candidates
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut d = detect::Detector::new(
                Arc::new(CompiledCues::shipped().unwrap()),
                Arc::new(detect::PackRanker::new(&packs)),
            );
            let score = d.window_score(&msg(i as u64, 1, t), &detect::Settings::default());
            (t.to_string(), score)
        })
        .collect();
    scored
        .iter()
        .find_map(|(t, s)| {
            s.filter(|s| (low..=high).contains(s))
                .map(|s| (t.clone(), s))
        })
        .unwrap_or_else(|| panic!("no candidate scores within {low}..={high}: {scored:?}"))
}

#[tokio::test]
async fn not_a_feature_feedback_raises_the_servers_threshold_until_a_borderline_talk_stays_quiet() {
    let (s, _d) = service().await;
    let g = GuildId(1);
    // A one-message talk the model scores between 2.0 and 2.75: it prompts while the
    // threshold (1.5, +0.25 per dismissal) is at or below its score, then stays quiet.
    let (borderline, score) = borderline_talk(2.0, 2.75);
    let borderline = borderline.as_str();
    let no_cooldown = GuildSettings {
        cooldown_minutes: Some(0),
        ..GuildSettings::new()
    };
    s.save_settings(g, &no_cooldown).await.unwrap();
    assert_eq!(s.calibration(g).await.unwrap().threshold, 1.5);
    let mut id = 0;
    let mut dismissals = 0;
    loop {
        id += 1;
        let threshold = s.calibration(g).await.unwrap().threshold;
        assert_eq!(threshold, 1.5 + 0.25 * dismissals as f32);
        let prompt = s
            .observe(g, &msg(id, 10 + id, borderline), false)
            .await
            .unwrap();
        match prompt {
            Some(p) => {
                assert!(threshold <= score, "prompted at {threshold} above {score}");
                s.dismiss(p.id, at(&p), &act(500 + id)).await.unwrap();
                dismissals += 1;
            }
            None => {
                assert!(threshold > score, "quiet at {threshold}, score {score}");
                break;
            }
        }
        assert!(dismissals < 10, "the threshold never rose above {score}");
    }
    assert!(dismissals >= 3, "{dismissals}");
    let c = s.calibration(g).await.unwrap();
    assert!(
        c.reason.contains(&format!("{dismissals} “Not a feature”")),
        "{}",
        c.reason
    );
    // Another server is not affected.
    assert_eq!(s.calibration(GuildId(2)).await.unwrap().threshold, 1.5);
    // A sensitivity set by hand wins.
    let manual = GuildSettings {
        threshold: Some(1.0),
        ..no_cooldown
    };
    s.save_settings(g, &manual).await.unwrap();
    assert!(
        s.observe(g, &msg(99, 99, borderline), false)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn a_panic_in_detection_is_contained_and_detection_goes_on() {
    let (svc, _dir) = service().await;
    let g = GuildId(1);
    svc.watch(g, ChannelId(10), UserId(1), Utc::now())
        .await
        .unwrap();
    svc.watch(g, ChannelId(11), UserId(1), Utc::now())
        .await
        .unwrap();
    // A bug inside the detector while channel 10 is being handled…
    let r: Result<()> = svc.with_detector(ChannelId(10), |_| panic!("a bug"));
    assert!(
        matches!(r, Err(Error::Fault(ref m)) if m == "a bug"),
        "{r:?}"
    );
    // …leaves the lock usable and every channel still detecting.
    for ch in [10, 11] {
        let p = svc
            .observe(g, &msg(100 + ch, ch, FEATURE), true)
            .await
            .unwrap();
        assert!(p.is_some(), "channel {ch} still prompts");
    }
}

#[tokio::test]
async fn multi_byte_text_after_a_cue_prompts_instead_of_panicking() {
    let (svc, _dir) = service().await;
    let g = GuildId(1);
    svc.watch(g, ChannelId(10), UserId(1), Utc::now())
        .await
        .unwrap();
    for (i, text) in [
        "we should add naïve refunds to the checkout flow, it would be nice to undo a charge",
        "we should add \u{200b}refunds to the checkout flow, it would be nice to undo a charge",
        "we should add \u{feff}退款 to the checkout flow, it would be nice to undo a charge",
    ]
    .iter()
    .enumerate()
    {
        svc.unwatch(g, ChannelId(10)).await.unwrap();
        svc.watch(g, ChannelId(10), UserId(1), Utc::now())
            .await
            .unwrap();
        let p = svc.observe(g, &msg(200 + i as u64, 10, text), true).await;
        assert!(p.is_ok(), "{text}: {p:?}");
    }
}

#[tokio::test]
async fn prompts_and_plans_answer_only_where_they_live() {
    let (s, _dir) = service().await;
    let g = GuildId(1);
    s.watch(g, ChannelId(10), UserId(5), Utc::now())
        .await
        .unwrap();
    let p = s
        .observe(g, &msg(1, 10, FEATURE), true)
        .await
        .unwrap()
        .unwrap();
    let here = Place {
        guild: g,
        channel: ChannelId(10),
    };
    assert!(s.detection_at(p.id, here).await.is_ok());
    for elsewhere in [
        Place {
            guild: GuildId(2),
            channel: ChannelId(10),
        },
        Place {
            guild: g,
            channel: ChannelId(11),
        },
    ] {
        let r = s.detection_at(p.id, elsewhere).await;
        assert!(matches!(r, Err(Error::Refused(_))), "{elsewhere:?}: {r:?}");
    }
    let (plan, _) = s
        .start_from_detection(p.id, at(&p), &act(100), None)
        .await
        .unwrap();
    s.set_thread(plan.id, ChannelId(77)).await.unwrap();
    for ok in [
        here,
        Place {
            guild: g,
            channel: ChannelId(77),
        },
    ] {
        assert!(s.plan_at(plan.id, ok).await.is_ok(), "{ok:?}");
    }
    for bad in [
        Place {
            guild: GuildId(2),
            channel: ChannelId(77),
        },
        Place {
            guild: g,
            channel: ChannelId(12),
        },
    ] {
        let r = s.plan_at(plan.id, bad).await;
        assert!(matches!(r, Err(Error::Refused(_))), "{bad:?}: {r:?}");
    }
}

#[tokio::test]
async fn an_undelivered_prompt_is_kept_with_its_reason_and_lifts_the_cooldown() {
    let (s, _dir) = service().await;
    let g = GuildId(1);
    s.watch(g, ChannelId(10), UserId(5), Utc::now())
        .await
        .unwrap();
    let p = s
        .observe(g, &msg(1, 10, FEATURE), true)
        .await
        .unwrap()
        .unwrap();
    // Within the cooldown a second discussion stays quiet while the first prompt stands…
    assert!(
        s.observe(g, &msg(2, 10, FEATURE), true)
            .await
            .unwrap()
            .is_none()
    );
    s.prompt_undelivered(&p, "HTTP 500 after 4 attempts")
        .await
        .unwrap();
    let rec = s.detection(p.id).await.unwrap();
    assert_eq!(
        rec.undelivered.as_deref(),
        Some("HTTP 500 after 4 attempts")
    );
    // …but once its prompt is known to be lost, the next one may be posted.
    assert!(
        s.observe(g, &msg(3, 10, FEATURE), true)
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn a_plan_started_by_hand_takes_the_channels_conversation_and_grows_with_more() {
    let (s, _d) = service().await;
    let g = GuildId(1);
    for (i, text) in [
        "customers should be able to pay an invoice by card from the email",
        "refunds go back to the same card through stripe, partial ones too",
    ]
    .iter()
    .enumerate()
    {
        s.observe(g, &msg(i as u64 + 1, 30, text), false)
            .await
            .unwrap();
    }
    let (plan, _) = s
        .start_plan(g, ChannelId(30), "Card payments", None, None, &act(40))
        .await
        .unwrap();
    assert_eq!(plan.depth, Depth::Standard);
    assert!(
        plan.packs.contains(&"payments".to_string()),
        "{:?}",
        plan.packs
    );
    let n = plan.questions.len();
    assert!(
        (select::STANDARD_MIN..=select::STANDARD_MAX).contains(&n),
        "{n}"
    );
    assert!(plan.questions.iter().any(|q| q.pack_id == "payments"));

    // /plan more adds the next best ones, numbered after the others, never twice.
    let (grown, added) = s.more(&plan, 3).await.unwrap();
    assert_eq!(added.len(), 3);
    assert_eq!(grown.questions.len(), n + 3);
    let numbers: Vec<u32> = added.iter().map(|q| q.number).collect();
    assert!(numbers.iter().all(|x| *x as usize > n), "{numbers:?}");
    let ids: std::collections::HashSet<&str> =
        grown.questions.iter().map(|q| q.id.as_str()).collect();
    assert_eq!(ids.len(), grown.questions.len(), "no question twice");

    // A quiet channel gets the core questions at the chosen depth.
    let (quick, _) = s
        .start_plan(
            g,
            ChannelId(31),
            "Search",
            None,
            Some(Depth::Quick),
            &act(41),
        )
        .await
        .unwrap();
    assert!(quick.questions.len() <= select::QUICK_MAX);
    assert!(
        quick.questions.iter().all(|q| {
            ["api", "data_model", "errors", "performance"].contains(&q.pack_id.as_str())
        })
    );
    // Thorough holds everything: nothing more to add.
    let (all, _) = s
        .start_plan(
            g,
            ChannelId(32),
            "Everything",
            Some(vec!["api".into()]),
            Some(Depth::Thorough),
            &act(42),
        )
        .await
        .unwrap();
    let e = s.more(&all, 5).await.unwrap_err();
    assert!(e.to_string().contains("no more questions"), "{e}");
}

fn said_by(id: u64, channel: u64, user: u64, name: &str, text: &str) -> ChatMessage {
    ChatMessage {
        author: UserId(user),
        author_name: name.into(),
        ..msg(id, channel, text)
    }
}

#[tokio::test]
async fn what_was_said_becomes_suggestions_and_team_questions_that_survive_the_store() {
    let (s, _d) = service().await;
    let g = GuildId(1);
    for (i, (user, name, text)) in [
        (
            7,
            "raj",
            "stripe will send us payout webhooks, we need a receiver for them",
        ),
        (
            8,
            "mia",
            "we'll verify the HMAC signature and reject anything with a timestamp older than 5 min",
        ),
        (
            7,
            "raj",
            "who owns the retry budget when their webhook handler fails, us or the partner?",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        s.observe(g, &said_by(i as u64 + 1, 50, user, name, text), false)
            .await
            .unwrap();
    }
    let (plan, _) = s
        .start_plan(g, ChannelId(50), "Payout webhooks", None, None, &act(60))
        .await
        .unwrap();
    // Read back from the store: the quotes were kept with the questions.
    let plan = s.plan(plan.id).await.unwrap();
    let team: Vec<&PlanQuestion> = plan
        .questions
        .iter()
        .filter(|q| q.pack_id == said::TEAM_PACK)
        .collect();
    assert_eq!(team.len(), 1, "{:?}", plan.questions);
    let asked = team[0].asked.as_ref().unwrap();
    assert_eq!(
        (asked.author.name.as_str(), asked.message),
        ("raj", MessageId(3))
    );
    assert!(team[0].text.starts_with("who owns the retry budget"));
    let verify = plan
        .questions
        .iter()
        .find(|q| q.id == "webhooks.verify")
        .expect("incoming webhooks ask how they are verified");
    let suggested = verify
        .suggested
        .clone()
        .expect("the HMAC sentence answers it");
    assert_eq!(suggested.author.name, "mia");
    assert_eq!(suggested.message, MessageId(2));

    // Accept: recorded as mia's answer, with the message it was said in.
    let key = format!("Q{}", verify.number);
    let c = s.accept(plan.id, &key, &act(61)).await.unwrap();
    assert!(c.created);
    let QuestionState::Answered { latest, .. } = c.plan.state("webhooks.verify") else {
        panic!("not answered")
    };
    assert_eq!(latest.text, suggested.text);
    assert_eq!(latest.author.name, "mia");
    assert_eq!(latest.said_in, Some(MessageId(2)));
    // A replay of the same click changes nothing; a second click is refused plainly.
    let again = s.accept(plan.id, &key, &act(61)).await.unwrap();
    assert!(!again.created);
    assert_eq!(again.plan.events.len(), 1);
    let e = s.accept(plan.id, &key, &act(62)).await.unwrap_err();
    assert!(e.to_string().contains("already decided"), "{e}");
    // A question without a suggestion says so, and nothing is written.
    let bare = c
        .plan
        .questions
        .iter()
        .find(|q| q.suggested.is_none())
        .unwrap();
    let e = s
        .accept(plan.id, &format!("Q{}", bare.number), &act(63))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("no suggested answer"), "{e}");
    assert_eq!(s.plan(plan.id).await.unwrap().events.len(), 1);
    // The team's question is answered like any other.
    let t = s
        .answer(
            plan.id,
            &format!("Q{}", team[0].number),
            "the partner, capped at 8 tries",
            &act(64),
        )
        .await
        .unwrap();
    assert!(t.created);
}

/// What the hot path reads from memory equals what the store holds.
async fn assert_memory_matches_store(s: &Service, g: GuildId, channels: &[u64]) {
    for c in channels {
        assert_eq!(
            s.watched(ChannelId(*c)).await.unwrap(),
            s.store().watched(ChannelId(*c)).await.unwrap(),
            "channel {c}"
        );
    }
    let stored = s.store().guild_settings(g).await.unwrap();
    assert_eq!(s.settings(g).await.unwrap(), stored);
    let since = Utc::now() - chrono::Duration::days(crate::guild::FEEDBACK_DAYS);
    let fb = s.store().feedback_counts(g, since).await.unwrap();
    let expected = calibrate(
        s.defaults().threshold,
        stored.threshold,
        fb.not_feature,
        fb.started,
    );
    assert_eq!(s.calibration(g).await.unwrap(), expected);
}

#[tokio::test]
async fn memory_follows_every_write_to_watches_settings_and_feedback_and_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bot.db");
    let g = GuildId(1);
    let chans = [10, 11, 12];
    let s = service_at(&path).await;
    s.load().await.unwrap();
    assert_memory_matches_store(&s, g, &chans).await;

    s.watch(g, ChannelId(10), UserId(5), Utc::now())
        .await
        .unwrap();
    s.watch(g, ChannelId(11), UserId(5), Utc::now())
        .await
        .unwrap();
    s.watch(GuildId(2), ChannelId(12), UserId(5), Utc::now())
        .await
        .unwrap();
    assert!(
        !s.watch(g, ChannelId(12), UserId(5), Utc::now())
            .await
            .unwrap(),
        "another server's channel stays theirs"
    );
    assert_memory_matches_store(&s, g, &chans).await;

    // Feedback: a dismissal, a started checklist, and a replayed click (counted once).
    let p1 = s
        .observe(g, &msg(1, 10, FEATURE), true)
        .await
        .unwrap()
        .unwrap();
    s.dismiss(p1.id, at(&p1), &act(100)).await.unwrap();
    s.dismiss(p1.id, at(&p1), &act(100)).await.unwrap();
    let p2 = s
        .observe(g, &msg(2, 11, FEATURE), true)
        .await
        .unwrap()
        .unwrap();
    s.start_from_detection(p2.id, at(&p2), &act(101), None)
        .await
        .unwrap();
    assert!(
        s.calibration(g)
            .await
            .unwrap()
            .reason
            .contains("1 “Not a feature” and 1 started"),
        "{}",
        s.calibration(g).await.unwrap().reason
    );
    assert_memory_matches_store(&s, g, &chans).await;

    // Mute through a prompt, then settings.
    s.mute_from_detection(p2.id, at(&p2), Utc::now() + chrono::Duration::hours(24))
        .await
        .unwrap();
    assert!(
        s.watched(ChannelId(11))
            .await
            .unwrap()
            .unwrap()
            .muted_until
            .is_some()
    );
    assert_memory_matches_store(&s, g, &chans).await;
    let set = GuildSettings {
        threshold: Some(3.0),
        cooldown_minutes: Some(5),
        ..GuildSettings::new()
    };
    s.save_settings(g, &set).await.unwrap();
    assert_eq!(s.calibration(g).await.unwrap().threshold, 3.0);
    assert_memory_matches_store(&s, g, &chans).await;
    let bad = GuildSettings {
        threshold: Some(99.0),
        ..GuildSettings::new()
    };
    assert!(s.save_settings(g, &bad).await.is_err());
    assert_eq!(
        s.settings(g).await.unwrap(),
        set,
        "a refused setting changes nothing"
    );

    // Unwatching: the channel no longer prompts, at once.
    assert!(s.unwatch(g, ChannelId(10)).await.unwrap());
    assert!(
        s.observe(g, &msg(3, 10, FEATURE), true)
            .await
            .unwrap()
            .is_none()
    );
    assert_memory_matches_store(&s, g, &chans).await;
    let before = (
        s.settings(g).await.unwrap(),
        s.calibration(g).await.unwrap(),
        s.watched(ChannelId(11)).await.unwrap(),
    );
    s.store().close().await;
    drop(s);

    // A restart reads the same from the same file.
    let s = service_at(&path).await;
    assert_memory_matches_store(&s, g, &chans).await;
    let after = (
        s.settings(g).await.unwrap(),
        s.calibration(g).await.unwrap(),
        s.watched(ChannelId(11)).await.unwrap(),
    );
    assert_eq!(after, before);
    assert!(
        s.observe(g, &msg(4, 10, FEATURE), true)
            .await
            .unwrap()
            .is_none(),
        "unwatched"
    );
    assert!(
        s.observe(g, &msg(5, 11, FEATURE), true)
            .await
            .unwrap()
            .is_none(),
        "muted"
    );
}

#[tokio::test]
async fn a_dismissal_raises_the_threshold_of_the_next_message_at_once() {
    let (s, _d) = service().await;
    let g = GuildId(1);
    let default = s.calibration(g).await.unwrap().threshold;
    let p = s
        .observe(g, &msg(30, 20, FEATURE), false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(p.detection.threshold, default);
    s.dismiss(p.id, at(&p), &act(200)).await.unwrap();
    let raised = s.calibration(g).await.unwrap().threshold;
    assert!(raised > default, "{raised} > {default}");
    // The same talk in another channel is judged at the raised threshold.
    match s.observe(g, &msg(31, 21, FEATURE), false).await.unwrap() {
        Some(p2) => assert_eq!(p2.detection.threshold, raised),
        None => assert!(
            p.detection.score < raised,
            "{} >= {raised}",
            p.detection.score
        ),
    }
}

#[tokio::test]
async fn idle_channels_windows_are_dropped_once_their_window_and_cooldown_are_over() {
    let (s, _d) = service().await;
    let g = GuildId(1);
    let d = detect::Settings::default();
    let span = chrono::Duration::minutes(d.window_minutes.max(d.cooldown_minutes));
    let t0 = Utc::now();
    let p = s
        .observe(g, &msg_at(1, 10, FEATURE, t0), false)
        .await
        .unwrap();
    assert!(p.is_some());
    s.observe(g, &msg_at(2, 11, "lunch at 12:30?", t0 + span), false)
        .await
        .unwrap();
    assert_eq!(s.channels_held(), 2);
    // While its cooldown lasts, the prompted channel keeps its state and stays quiet.
    assert_eq!(s.evict_idle(t0 + span - chrono::Duration::minutes(1)), 0);
    assert!(
        s.observe(
            g,
            &msg_at(3, 10, FEATURE, t0 + chrono::Duration::minutes(30)),
            false
        )
        .await
        .unwrap()
        .is_none(),
        "cooling down"
    );
    // Long after: the idle channel goes, the one that spoke later stays.
    let later = t0 + span + chrono::Duration::minutes(31) + windows::GRACE;
    assert_eq!(s.evict_idle(later), 1);
    assert_eq!(s.channels_held(), 1);
    // It detects as it would have: its cooldown is over.
    let p = s
        .observe(g, &msg_at(4, 10, FEATURE, later), false)
        .await
        .unwrap();
    assert!(p.is_some(), "a dropped channel starts afresh");
}

#[tokio::test]
async fn messages_sweep_idle_channels_as_they_come() {
    let (s, _d) = service().await;
    let g = GuildId(1);
    let t0 = Utc::now();
    // Channels that each say one thing, then fall silent…
    for ch in 0..200u64 {
        s.observe(g, &msg_at(1_000 + ch, 100 + ch, "deploying now", t0), false)
            .await
            .unwrap();
    }
    assert_eq!(s.channels_held(), 200);
    // …are dropped by the messages that come a day later, whichever channels they are in.
    let later = t0 + chrono::Duration::days(1);
    for ch in 0..200u64 {
        s.observe(
            g,
            &msg_at(5_000 + ch, 1_000 + ch % 3, "still here", later),
            false,
        )
        .await
        .unwrap();
    }
    assert_eq!(s.channels_held(), 3);
}
