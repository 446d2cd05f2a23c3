//! The ADR export on the shared export fixture: its golden file, its rendering as GitHub
//! would show it, and its links.

use super::gfm::{self, render as html, tags};
use super::{golden, plan};
use crate::export::{Format, file_name, render};
use crate::ids::{GuildId, MessageId, UserId};
use crate::plan::{AnswerEvent, Author, Decision, EventKind, Plan};

/// The export fixture with one more decision, on a critical question, whose answer names
/// the options it weighed.
fn adr_plan() -> Plan {
    let mut p = plan();
    let lea = Author {
        id: UserId(555),
        name: "lea".into(),
    };
    let at = chrono::DateTime::from_timestamp(1_764_000_300, 0).unwrap();
    p.events.push(AnswerEvent {
        question_id: "payments.pci".into(),
        kind: EventKind::Answer,
        text: "Hosted fields instead of our own card form. Stripe or Adyen: Stripe for now <@123>"
            .into(),
        author: lea.clone(),
        at,
        source: Some(MessageId(77)),
        said_in: Some(MessageId(903)),
        decision: Some(Decision {
            by: lea,
            at,
            source: Some(MessageId(77)),
        }),
    });
    p
}

#[test]
fn adr_matches_its_golden_file() {
    golden("plan.adr.md", &render(&adr_plan(), Format::Adr));
}

#[test]
fn adr_follows_the_madr_layout_in_order() {
    let md = render(&adr_plan(), Format::Adr);
    let headings = [
        "# Refunds",
        "* Status: proposed (plan open, not ready",
        "## Context and Problem Statement",
        "## Decision Drivers",
        "## Considered Options",
        "## Decision Outcome",
        "### Consequences",
        "## Links",
    ];
    let mut at = 0;
    for h in headings {
        let found = md[at..]
            .find(h)
            .unwrap_or_else(|| panic!("{h:?} missing or out of order in\n{md}"));
        at += found + h.len();
    }
    // Every critical question is a driver; the decisions are the outcome.
    let p = adr_plan();
    let drivers = md
        .split("## Decision Drivers")
        .nth(1)
        .unwrap()
        .split("## Considered Options")
        .next()
        .unwrap();
    for q in p.questions.iter().filter(|q| q.critical) {
        assert!(drivers.contains(&format!("**Q{}**", q.number)), "{drivers}");
    }
    assert!(drivers.contains("_(decided)_") && drivers.contains("_(**open**)_"));
    let options = md
        .split("## Considered Options")
        .nth(1)
        .unwrap()
        .split("## Decision Outcome")
        .next()
        .unwrap();
    assert!(
        options.contains("Hosted fields (chosen) · our own card form · Stripe · Adyen"),
        "{options}"
    );
    let outcome = md.split("## Decision Outcome").nth(1).unwrap();
    assert!(outcome.contains("Idempotency-Key header, kept 24 h"));
    assert!(outcome.contains("we verify the Stripe-Signature header"));
    assert!(
        !outcome
            .split("### Consequences")
            .next()
            .unwrap()
            .contains("1. compare"),
        "a plain answer is not an outcome"
    );
    assert!(md.contains("* Out of scope: **Q9**"), "the skip: {md}");
}

#[test]
fn adr_renders_without_mentions_or_raw_html_and_links_only_to_the_plan() {
    let h = html(&render(&adr_plan(), Format::Adr));
    for tag in tags(&h) {
        assert!(
            gfm::EXPORT_TAGS.contains(&tag.as_str()) || tag == "h3",
            "<{tag}> in {h}"
        );
    }
    for bad in ["@everyone", "@here", "<script", "<img", "<b>"] {
        assert!(!h.contains(bad), "{bad:?} in {h}");
    }
    for after in h.split("&lt;@").skip(1) {
        assert!(
            !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '!' || c == '&'),
            "a mention in {h}"
        );
    }
    let plan_links = "https://discord.com/channels/1234567890123456789/";
    let hrefs: Vec<&str> = h.split("href=\"").skip(1).collect();
    assert!(!hrefs.is_empty());
    for href in &hrefs {
        assert!(href.starts_with(plan_links), "{href}");
    }
    assert!(h.contains(&format!("{plan_links}43\"")), "the thread: {h}");
    assert!(
        h.contains(&format!("{plan_links}42/903\"")),
        "where Q was decided"
    );
    // Headings are real headings, not text that happens to start with #.
    assert_eq!(h.matches("<h1>").count(), 1);
    assert!(h.contains("<h2>Decision Outcome</h2>"));
    assert!(h.contains("<h3>Consequences</h3>"));
}

#[test]
fn a_console_plan_has_no_links_and_a_plan_without_decisions_says_so() {
    let mut p = plan();
    p.guild = GuildId(0);
    p.events.iter_mut().for_each(|e| e.decision = None);
    let md = render(&p, Format::Adr);
    assert!(!md.contains("discord.com"), "{md}");
    assert!(!md.contains("## Links"));
    assert!(md.contains("No answer is marked as a decision yet"));
    assert!(!md.contains("* Deciders:"));
}

#[test]
fn a_closed_ready_plan_is_accepted_and_named_as_an_adr_file() {
    let mut p = adr_plan();
    p.status = crate::plan::Status::Closed;
    p.closed_at = Some(chrono::DateTime::from_timestamp(1_764_086_400, 0).unwrap());
    p.questions.iter_mut().for_each(|q| q.critical = false);
    let md = render(&p, Format::Adr);
    assert!(
        md.contains("* Status: accepted\n* Date: 2025-11-25\n"),
        "{md}"
    );
    assert_eq!(
        file_name(&p, Format::Adr),
        "adr-7-refunds-partial-everyone.md"
    );
    assert_eq!(Format::parse("ADR"), Some(Format::Adr));
}
