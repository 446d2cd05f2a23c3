use super::*;

pub(crate) fn sample_plan() -> Plan {
    let packs = PackSet::shipped().unwrap();
    let questions = snapshot(&packs, &["payments".into(), "errors".into()]).unwrap();
    Plan {
        id: PlanId(1),
        guild: GuildId(10),
        channel: ChannelId(20),
        thread: None,
        title: "Refunds".into(),
        status: Status::Open,
        created_by: Author {
            id: UserId(1),
            name: "ana".into(),
        },
        created_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
        closed_at: None,
        packs: vec!["payments".into(), "errors".into()],
        depth: crate::plan::select::Depth::Thorough,
        questions,
        events: vec![],
    }
}

fn event(q: &str, kind: EventKind, text: &str, user: u64) -> AnswerEvent {
    AnswerEvent {
        question_id: q.into(),
        kind,
        text: text.into(),
        author: Author {
            id: UserId(user),
            name: format!("user{user}"),
        },
        at: DateTime::from_timestamp(1_700_000_100, 0).unwrap(),
        source: None,
        said_in: None,
        decision: None,
    }
}

#[test]
fn a_snapshot_groups_questions_by_category_and_numbers_them_in_order() {
    let p = sample_plan();
    let numbers: Vec<u32> = p.questions.iter().map(|q| q.number).collect();
    assert_eq!(numbers, (1..=p.questions.len() as u32).collect::<Vec<_>>());
    let order: Vec<usize> = p
        .questions
        .iter()
        .map(|q| Category::ALL.iter().position(|c| *c == q.category).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
    // Within a category, pack order: payments before errors.
    let errors: Vec<&str> = p
        .questions
        .iter()
        .filter(|q| q.category == Category::Errors)
        .map(|q| q.pack_id.as_str())
        .collect();
    assert_eq!(errors.first(), Some(&"payments"));
    assert_eq!(errors.last(), Some(&"errors"));
}

#[test]
fn a_snapshot_rejects_unknown_packs_and_ignores_repeats() {
    let packs = PackSet::shipped().unwrap();
    assert_eq!(
        snapshot(&packs, &["nope".into()]),
        Err(PlanError::UnknownPack("nope".into()))
    );
    assert_eq!(snapshot(&packs, &[]), Err(PlanError::NoPacks));
    let once = snapshot(&packs, &["api".into()]).unwrap();
    let twice = snapshot(&packs, &["api".into(), "api".into()]).unwrap();
    assert_eq!(once, twice);
}

#[test]
fn the_latest_event_decides_the_state_and_revisions_are_counted() {
    let mut p = sample_plan();
    let q = p.questions[0].id.clone();
    p.events.push(event(&q, EventKind::Answer, "first", 1));
    p.events.push(event(&q, EventKind::Answer, "second", 2));
    match p.state(&q) {
        QuestionState::Answered { latest, revisions } => {
            assert_eq!(latest.text, "second");
            assert_eq!(revisions, 2);
        }
        other => panic!("{other:?}"),
    }
    p.events.push(event(&q, EventKind::Reopen, "", 1));
    assert!(p.is_open(&q));
    p.events.push(event(&q, EventKind::Skip, "not needed", 1));
    assert!(matches!(p.state(&q), QuestionState::Skipped { .. }));
    assert_eq!(p.history(&q).count(), 4);
}

#[test]
fn coverage_counts_answered_and_skipped_per_category() {
    let mut p = sample_plan();
    let critical: Vec<String> = p.critical_open().iter().map(|q| q.id.clone()).collect();
    let before = p.coverage();
    assert_eq!(before.answered + before.skipped, 0);
    assert_eq!(before.critical_open, critical.len());
    p.events
        .push(event(&critical[0], EventKind::Answer, "a key", 1));
    p.events
        .push(event(&critical[1], EventKind::Skip, "n/a", 1));
    let after = p.coverage();
    assert_eq!(after.answered, 1);
    assert_eq!(after.skipped, 1);
    assert_eq!(after.critical_open, critical.len() - 2);
    assert_eq!(after.total, p.questions.len());
    let sum: usize = after.categories.iter().map(|c| c.total).sum();
    assert_eq!(sum, after.total);
    assert_eq!(after.percent(), (200 / after.total) as u32);
}

#[test]
fn next_open_prefers_critical_questions() {
    let mut p = sample_plan();
    let first_critical = p.critical_open()[0].id.clone();
    assert_eq!(p.next_open().unwrap().id, first_critical);
    for q in p
        .critical_open()
        .iter()
        .map(|q| q.id.clone())
        .collect::<Vec<_>>()
    {
        p.events.push(event(&q, EventKind::Answer, "x", 1));
    }
    assert!(!p.next_open().unwrap().critical);
}

#[test]
fn questions_are_found_by_number_or_id() {
    let p = sample_plan();
    assert_eq!(p.find_question("Q2").unwrap().number, 2);
    assert_eq!(p.find_question("#3").unwrap().number, 3);
    assert_eq!(p.find_question(" 1 ").unwrap().number, 1);
    assert_eq!(
        p.find_question("payments.refunds").unwrap().id,
        "payments.refunds"
    );
    assert!(p.find_question("Q999").is_none());
}

#[test]
fn a_closed_plan_refuses_changes_and_an_open_question_cannot_be_reopened() {
    let mut p = sample_plan();
    let q = p.questions[0].clone();
    assert_eq!(
        p.check_change(&q, EventKind::Reopen),
        Err(PlanError::AlreadyOpen(1))
    );
    p.status = Status::Closed;
    assert_eq!(
        p.check_change(&q, EventKind::Answer),
        Err(PlanError::Closed)
    );
}

#[test]
fn texts_are_trimmed_and_limited() {
    assert_eq!(parse_answer("  30 days  "), Ok("30 days".into()));
    assert_eq!(parse_answer("   "), Err(PlanError::EmptyAnswer));
    assert_eq!(
        parse_answer(&"x".repeat(MAX_ANSWER_LEN)).map(|s| s.len()),
        Ok(MAX_ANSWER_LEN)
    );
    assert_eq!(
        parse_answer(&"x".repeat(MAX_ANSWER_LEN + 1)),
        Err(PlanError::AnswerTooLong(MAX_ANSWER_LEN + 1))
    );
    assert_eq!(parse_reason(""), Err(PlanError::EmptyReason));
    assert_eq!(
        parse_title(&"é".repeat(101)),
        Err(PlanError::TitleTooLong(101))
    );
}

#[test]
fn titles_made_only_of_invisible_characters_are_refused() {
    for t in [
        "\u{200B}",
        "\u{200B}\u{200C}\u{200D}\u{2060}",
        " \u{FEFF} ",
        "\u{3164}\u{115F}",
        "\u{202E}\u{2066}",
        "\u{E0020}\u{E0041}",
    ] {
        assert_eq!(parse_title(t), Err(PlanError::InvisibleTitle), "{t:?}");
    }
    assert_eq!(
        PlanError::InvisibleTitle.to_string(),
        "the title has nothing visible in it (only blank or zero-width characters)"
    );
    assert_eq!(parse_title("\u{200B}Refunds"), Ok("\u{200B}Refunds".into()));
    assert_eq!(parse_title(" 退款 "), Ok("退款".into()));
}

#[test]
fn participants_are_listed_once_in_order() {
    let mut p = sample_plan();
    p.events
        .push(event("payments.refunds", EventKind::Answer, "x", 2));
    p.events
        .push(event("payments.pci", EventKind::Answer, "x", 1));
    p.events
        .push(event("payments.pci", EventKind::Answer, "y", 2));
    let ids: Vec<u64> = p.participants().iter().map(|a| a.id.0).collect();
    assert_eq!(ids, vec![1, 2]);
}

#[test]
fn reading_is_looked_up_from_the_packs_and_a_question_of_a_missing_pack_has_none() {
    let packs = PackSet::shipped().unwrap();
    let mut p = sample_plan();
    for q in &mut p.questions {
        q.reading.clear();
    }
    let gone = p.questions.len() - 1;
    p.questions[gone].pack_id = "no_such_pack".into();
    p.attach_reading(&packs);
    let idem = p
        .questions
        .iter()
        .find(|q| q.id == "payments.idempotency")
        .unwrap();
    assert_eq!(
        idem.reading[0].url,
        "https://docs.stripe.com/api/idempotent_requests"
    );
    assert!(p.questions[gone].reading.is_empty());
}
