use super::*;
use crate::packs::PackSet;
use std::sync::Arc;

fn detector() -> Detector {
    let packs = PackSet::shipped().unwrap();
    Detector::new(
        Arc::new(CompiledCues::shipped().unwrap()),
        Arc::new(PackRanker::new(&packs)),
    )
}

fn msg(id: u64, channel: u64, minute: i64, text: &str) -> ChatMessage {
    ChatMessage {
        id: MessageId(id),
        channel: ChannelId(channel),
        author: UserId(id % 3 + 1),
        author_is_bot: false,
        at: DateTime::from_timestamp(1_700_000_000 + minute * 60, 0).unwrap(),
        text: text.to_string(),
        reply_to: None,
        author_name: format!("user{}", id % 3 + 1),
    }
}

/// The hand-written cues' verdict (an input of the model): their scores, added up over the
/// messages as the cue-only detector did, reach the default threshold at a message that
/// itself speaks for a feature.
fn fires(texts: &[&str]) -> bool {
    // Only the cues are needed, compiled once for every case: a whole detector per case
    // (packs, ranker, model) made this the slowest test of the crate.
    static CUES: std::sync::OnceLock<CompiledCues> = std::sync::OnceLock::new();
    let cues = CUES.get_or_init(|| CompiledCues::shipped().unwrap());
    let mut total = 0.0;
    texts.iter().enumerate().any(|(i, t)| {
        let prose = normalize::prose(t);
        let (_, score) = features::families(cues, &prose, i < OPENER_MESSAGES);
        total += score;
        score > 0.0 && total >= DEFAULT_THRESHOLD
    })
}

#[test]
fn the_cues_tell_feature_talk_from_other_talk() {
    let table: &[(&[&str], bool)] = &[
        (
            &["We should add an endpoint for bulk refunds so support can stop doing it by hand"],
            true,
        ),
        (
            &["it would be nice to have an option to export invoices as CSV"],
            true,
        ),
        (
            &[
                "Let's add support for webhooks when an order ships",
                "we need to store the delivery attempts in a new table",
            ],
            true,
        ),
        (
            &[
                "what if we add a setting per workspace for retention",
                "yeah, and a new endpoint to change it",
            ],
            true,
        ),
        (
            &["I get an error when I call the endpoint: TypeError undefined"],
            false,
        ),
        (&["how do I add a column in postgres?"], false),
        (&["thanks, that fixed it!"], false),
        (
            &["the build is broken again after upgrading to version 5"],
            false,
        ),
        (&["lol", "good morning", "anyone around?"], false),
        (
            &[
                "**Is your feature request related to a problem?** Exports time out.\n**Describe the solution you'd like** A background export job.",
            ],
            true,
        ),
        (
            &[
                "Steps to reproduce: open the page. Expected behavior: it loads. Actual behavior: it would be nice if it loaded",
            ],
            false,
        ),
        (&["Dark Mode Support"], true),
        (&["I would like to know why this returns null"], false),
        (&["I suggest you ask in the support channel"], false),
        // Issue-tracker titles: requests fire, bug reports do not.
        (
            &["Feature request: support for exporting dashboards as PDF"],
            true,
        ),
        (&["Add an option to disable telemetry"], true),
        (&["Allow configuring the retry backoff per queue"], true),
        (&["App crashes when opening settings on Android 14"], false),
        (&["Login button does not work in Safari"], false),
        (&["Build fails on Windows with MSVC"], false),
        (&["Are there any plans to support Postgres 16?"], true),
        (
            &["As an admin, I want to export audit logs so that I can answer auditors"],
            true,
        ),
        (&["Currently there is no way to rename a workspace"], true),
        // Asking whether a capability already exists.
        (
            &["is there something like a soft delete for projects already?"],
            true,
        ),
        (&["do we have anything for rate limiting per tenant?"], true),
        (&["is there something wrong with my config?"], false),
        // Offering an idea, or judging one as a sensible addition.
        (
            &["I want to float an idea: per-tenant API keys with scopes"],
            true,
        ),
        (
            &["an audit trail would be a sensible addition to the admin API"],
            true,
        ),
        (&["any idea why the build hangs?"], false),
        // Greetings in Title Case are not subjects, and do not count against what follows.
        (&["Hi Bob"], false),
        (&["Happy Friday Everyone!"], false),
        (&["Hey Team"], false),
        // "Request" in the HTTP sense is not a feature request.
        (
            &["the client keeps requesting new tokens every second"],
            false,
        ),
        (&["I request the page twice and get a 200"], false),
        (&["Request: bulk delete for archived projects"], true),
        (&["we should also add audit logs for admin actions"], true),
        // Typographic apostrophes, as phones type them.
        (&["Let\u{2019}s add webhooks for shipments"], true),
        (
            &["I\u{2019}d like to propose soft deletes for projects"],
            true,
        ),
        // A status code is an error report when met as one, not as an amount.
        (
            &["what if we add an approval step for refunds above 500 EUR?"],
            true,
        ),
        (&["I'm getting a 500 from the orders endpoint"], false),
        (&["customers keep asking for SSO"], false),
        (
            &[
                "customers keep asking for SSO",
                "it would be nice to support SAML at least",
            ],
            true,
        ),
        (
            &["I would like to request an option to export audit logs"],
            true,
        ),
        (&["hi", "is there a way to export invoices as CSV?"], true),
    ];
    for (texts, expected) in table {
        assert_eq!(fires(texts), *expected, "{texts:?}");
    }
}

#[test]
fn code_blocks_quotes_and_urls_do_not_count() {
    assert!(!fires(&[
        "```\n// we should add support for retries, it would be nice to have an option to\n```"
    ]));
    assert!(!fires(&[
        "> we should add an endpoint for refunds, it would be nice to have an option"
    ]));
    assert!(!fires(&[
        "https://example.com/we-should-add-an-endpoint-would-be-nice-to-have-option-to"
    ]));
    // The control: the same words, written as prose, do fire.
    assert!(fires(&[
        "we should add an endpoint for refunds, it would be nice to have an option"
    ]));
}

#[test]
fn bot_messages_are_ignored() {
    let mut d = detector();
    let mut m = msg(
        1,
        1,
        0,
        "We should add an endpoint for bulk refunds, it would be nice to have an option to undo",
    );
    m.author_is_bot = true;
    assert!(d.observe(&m, &Settings::default()).is_none());
    // The control: the same message from a person fires.
    let mut d = detector();
    m.author_is_bot = false;
    assert!(d.observe(&m, &Settings::default()).is_some());
}

#[test]
fn a_discussion_spread_over_messages_fires_once_then_the_channel_cools_down() {
    let mut d = detector();
    let s = Settings::default();
    let lines = [
        "so for the team plan",
        "we could add a new endpoint for invitations",
        "and it would be nice to let admins revoke them",
        "we should also add an option to expire invites after a week",
        "let's add an audit table too",
    ];
    let fired: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, t)| d.observe(&msg(i as u64 + 1, 1, i as i64, t), &s).map(|_| i))
        .collect();
    assert_eq!(fired.len(), 1, "fired at {fired:?}");
    // After the cooldown the same channel may fire again.
    let later = msg(
        100,
        1,
        200,
        "we should add an endpoint for bulk refunds, it would be nice to have an option to undo",
    );
    assert!(d.observe(&later, &s).is_some());
}

#[test]
fn messages_older_than_the_window_do_not_add_up() {
    let mut d = detector();
    let s = Settings {
        threshold: 3.5,
        ..Settings::default()
    };
    assert!(
        d.observe(&msg(1, 1, 0, "an option to mute would help"), &s)
            .is_none()
    );
    // 30 minutes later: outside the 20-minute window.
    assert!(
        d.observe(&msg(2, 1, 30, "it would be nice to have a dark theme"), &s)
            .is_none()
    );
}

#[test]
fn channels_are_independent() {
    let mut d = detector();
    let s = Settings {
        threshold: 3.5,
        ..Settings::default()
    };
    assert!(
        d.observe(&msg(1, 1, 0, "an option to mute would help"), &s)
            .is_none()
    );
    assert!(
        d.observe(&msg(2, 2, 1, "it would be nice to have a dark theme"), &s)
            .is_none()
    );
}

#[test]
fn a_replayed_message_is_not_counted_twice() {
    let mut d = detector();
    let s = Settings {
        threshold: 3.5,
        ..Settings::default()
    };
    let m = msg(1, 1, 0, "an option to mute would help");
    assert!(d.observe(&m, &s).is_none());
    assert!(
        d.observe(&m, &s).is_none(),
        "the replay must not push the window over"
    );
}

#[test]
fn a_detection_explains_itself() {
    let mut d = detector();
    let det = d
        .observe(
            &msg(7, 1, 0, "We should add refunds for card payments, it would be nice to have an option to undo a charge"),
            &Settings::default(),
        )
        .expect("fires");
    assert_eq!(det.message_id, MessageId(7));
    assert!(det.score >= det.threshold);
    assert!(
        det.evidence
            .iter()
            .any(|e| e.family == "proposal" && e.matched.eq_ignore_ascii_case("We should add"))
    );
    assert_eq!(det.packs[0].id, "payments");
    assert_eq!(det.title, "Refunds for card payments");
    let reasons = det.reasons(10);
    // The cues' phrases come first (among them, the model's weights decide the order).
    let mut first: Vec<&str> = reasons[..3].iter().map(String::as_str).collect();
    first.sort_unstable();
    assert_eq!(
        first,
        ["We should add", "it would be nice", "option to"],
        "the cues' phrases come first: {reasons:?}"
    );
    assert!(
        !reasons
            .iter()
            .any(|r| ["would", "be", "a", "to"].contains(&r.as_str())),
        "function words explain nothing: {reasons:?}"
    );
    assert_eq!(det.reasons(1), reasons[..1], "reasons(n) is the first n");
    for core in ["api", "data_model", "errors", "performance"] {
        assert!(
            det.packs.iter().any(|p| p.id == core),
            "core pack {core} missing"
        );
    }
}

#[test]
fn a_higher_threshold_needs_more_evidence() {
    let text = "an option to mute would help";
    let mut d = detector();
    let low = Settings {
        threshold: 1.0,
        ..Settings::default()
    };
    let high = Settings {
        threshold: 9.0,
        ..Settings::default()
    };
    assert!(d.observe(&msg(1, 1, 0, text), &high).is_none());
    assert!(d.observe(&msg(2, 2, 0, text), &low).is_some());
}

#[test]
fn a_capability_question_counts_only_when_it_opens_a_conversation() {
    let question = normalize::prose("is there a way to export invoices as CSV?");
    let d = detector();
    let (opening, _) = features::families(&d.cues, &question, true);
    let (later, _) = features::families(&d.cues, &question, false);
    assert_ne!(
        opening, 0,
        "opening a conversation, the cues read it as a request"
    );
    assert_eq!(later, 0, "deep in a thread it is a follow-up");
    assert!(d.message_score(&question, true) > d.message_score(&question, false));

    // The detector tells the two apart by the message's place in its conversation.
    let mut d = detector();
    let s = Settings::default();
    let thread = [
        "my invoice page shows the wrong totals",
        "which version are you on?",
        "the latest, I just updated",
    ];
    for (i, t) in thread.iter().enumerate() {
        assert!(d.observe(&msg(i as u64 + 1, 1, i as i64, t), &s).is_none());
    }
    let entries = |d: &Detector| d.channels[&ChannelId(1)].entries.len();
    d.observe(
        &msg(4, 1, 3, "is there a way to export invoices as CSV?"),
        &s,
    );
    assert_eq!(entries(&d), 4);
    assert!(!d.channels[&ChannelId(1)].entries[3].opener);
    // After a long silence the same question opens a new conversation.
    d.observe(
        &msg(5, 1, 120, "is there a way to export invoices as CSV?"),
        &s,
    );
    let last = d.channels[&ChannelId(1)].entries.back().unwrap();
    assert!(last.opener);
}

#[test]
fn packs_after_a_prompt_come_from_its_channel_within_the_window() {
    let s = Settings::default();
    let mut d = detector();
    let p = d
        .observe(
            &msg(1, 1, 0, "it would be great to let users schedule posts"),
            &s,
        )
        .expect("prompts");
    let none = BTreeSet::new();
    assert!(
        d.packs_after_prompt(ChannelId(1), p.message_id, &none)
            .is_empty()
    );
    let later = "a delayed job queue with workers, and a cron job for cleanup";
    d.observe(&msg(2, 1, 1, later), &s);
    // Replayed: counted once; too late (after the 20-minute window): not counted.
    d.observe(&msg(2, 1, 1, later), &s);
    d.observe(
        &msg(3, 1, 60, "the webhooks need signatures and retries"),
        &s,
    );
    let packs = d.packs_after_prompt(ChannelId(1), p.message_id, &none);
    assert_eq!(packs.len(), 1, "{packs:?}");
    assert_eq!(packs[0].id, "jobs");
    // The replay adds nothing: the score is that of the one message alone.
    let alone = PackRanker::new(&PackSet::shipped().unwrap())
        .rank([normalize::prose(later).as_str()], &none)
        .into_iter()
        .find(|m| m.id == "jobs")
        .expect("jobs fits the message alone");
    assert_eq!(packs[0].score, alone.score);
    assert_eq!(packs[0].matched, alone.matched);
    // Another prompt's id, or another channel, gets nothing.
    assert!(
        d.packs_after_prompt(ChannelId(1), MessageId(99), &none)
            .is_empty()
    );
    assert!(
        d.packs_after_prompt(ChannelId(2), p.message_id, &none)
            .is_empty()
    );
}

#[test]
fn a_multibyte_character_right_after_a_cue_gives_a_title_instead_of_a_panic() {
    for after in ["naïve", "退款", "\u{200B}refunds", "\u{FEFF}refunds", "é"] {
        let mut d = detector();
        let text = format!("we should add {after} refunds to the checkout flow");
        let got =
            (0..3).find_map(|i| d.observe(&msg(i + 1, 1, i as i64, &text), &Settings::default()));
        let det = got.unwrap_or_else(|| panic!("{text:?} should prompt"));
        assert!(det.title.contains("refunds"), "{:?}", det.title);
    }
}

#[test]
fn a_timestamp_at_the_end_of_time_and_huge_settings_do_not_panic() {
    let mut d = detector();
    let s = Settings {
        window_minutes: i64::MAX,
        cooldown_minutes: i64::MAX,
        ..Settings::default()
    };
    let mut m = msg(1, 1, 0, "we should add bulk refunds to the checkout flow");
    m.at = DateTime::<Utc>::MAX_UTC;
    for i in 1..4 {
        m.id = MessageId(i);
        d.observe(&m, &s);
    }
    m.at = DateTime::<Utc>::MIN_UTC;
    m.id = MessageId(9);
    d.observe(&m, &s);
}
