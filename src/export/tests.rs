use super::*;
use crate::ids::MessageId;
use crate::ids::{ChannelId, GuildId, PlanId, UserId};
use crate::packs::PackSet;
use crate::plan::{AnswerEvent, Author, Decision, EventKind, Plan, Quote, Status, said, snapshot};
use chrono::DateTime;
use std::path::PathBuf;

const HOSTILE: &str = "@everyone <@123> | pipe | ```rust\nfn x() {}\n``` <img src=x onerror=alert(1)> [link](javascript:alert(1))";

/// An answer as people write them: a link, inline code, a code block, emphasis.
const RICH: &str = "Nightly job, see https://wiki.example/Webhooks_(v2)#retry.\nIt fills `recon_runs` and *pages* on-call:\n\n```sql\nselect * from recon_runs where status <> 'ok';\n```\n1. compare\n2. report to @finance";

fn at(s: i64) -> chrono::DateTime<chrono::Utc> {
    DateTime::from_timestamp(1_764_000_000 + s, 0).unwrap()
}

pub(super) fn plan() -> Plan {
    let packs = PackSet::shipped().unwrap();
    let mut questions = snapshot(&packs, &["payments".into()]).unwrap();
    // What the discussion said: a suggested answer nobody accepted yet (hostile text, as
    // people write it), and a question of the team's own.
    let raj = Author {
        id: UserId(444),
        name: "raj".into(),
    };
    let open = questions
        .iter_mut()
        .find(|q| q.id == "payments.refunds")
        .expect("a payments question");
    open.suggested = Some(Quote {
        text: "full refunds only within 30 days, `partial` ones by support @everyone".into(),
        author: raj.clone(),
        message: MessageId(900),
    });
    let team = said::team_plan_questions(&[said::TeamQuestion {
        quote: Quote {
            text: "who owns the refund budget, us or the *merchant*?".into(),
            author: raj.clone(),
            message: MessageId(901),
        },
        category: crate::packs::Category::Product,
    }]);
    let questions = said::merge(team, questions);
    let ana = Author {
        id: UserId(111),
        name: "ana".into(),
    };
    let evil = Author {
        id: UserId(222),
        name: "@here | <b>bo</b>".into(),
    };
    // The console numbers its speakers per session: the same person under another id.
    let ana_again = Author {
        id: UserId(333),
        name: "ana".into(),
    };
    let ev = |q: &str, kind, text: &str, who: &Author, s| AnswerEvent {
        question_id: q.into(),
        kind,
        text: text.into(),
        author: who.clone(),
        at: at(s),
        source: None,
        said_in: None,
        decision: None,
    };
    Plan {
        id: PlanId(7),
        guild: GuildId(1_234_567_890_123_456_789),
        channel: ChannelId(42),
        thread: Some(ChannelId(43)),
        title: "Refunds | *partial* @everyone".into(),
        status: Status::Open,
        created_by: ana.clone(),
        created_at: at(0),
        closed_at: None,
        packs: vec!["payments".into()],
        depth: crate::plan::select::Depth::Standard,
        questions,
        events: vec![
            ev(
                "payments.idempotency",
                EventKind::Answer,
                "Idempotency-Key header",
                &ana,
                60,
            ),
            // The revision is the decision (marked by someone who did not write it).
            AnswerEvent {
                decision: Some(Decision {
                    by: raj.clone(),
                    at: at(130),
                    source: None,
                }),
                ..ev(
                    "payments.idempotency",
                    EventKind::Answer,
                    "Idempotency-Key header, kept 24 h\n- stored with the response",
                    &ana,
                    120,
                )
            },
            ev("payments.states", EventKind::Answer, HOSTILE, &evil, 180),
            ev(
                "payments.reconciliation",
                EventKind::Answer,
                RICH,
                &ana_again,
                200,
            ),
            // An accepted suggestion: the answer of the person who said it, with where.
            AnswerEvent {
                said_in: Some(MessageId(902)),
                decision: Some(Decision {
                    by: evil.clone(),
                    at: at(230),
                    source: None,
                }),
                ..ev(
                    "payments.disputes",
                    EventKind::Answer,
                    "we verify the Stripe-Signature header",
                    &raj,
                    220,
                )
            },
            ev(
                "payments.currency",
                EventKind::Skip,
                "=cmd|' /C calc'!A0 single currency",
                &evil,
                240,
            ),
        ],
    }
}

pub(super) fn golden(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with UPDATE_GOLDEN=1 once, then review)",
            path.display()
        )
    });
    if actual != expected {
        let line = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or(0);
        panic!(
            "{name} differs from its golden file at line {}:\n  actual:   {:?}\n  expected: {:?}\n(run with UPDATE_GOLDEN=1 and review the diff if the change is intended)",
            line + 1,
            actual.lines().nth(line),
            expected.lines().nth(line)
        );
    }
}

#[test]
fn markdown_matches_its_golden_file() {
    golden("plan.md", &render(&plan(), Format::Markdown));
}

#[test]
fn json_matches_its_golden_file() {
    golden("plan.json", &render(&plan(), Format::Json));
}

#[test]
fn csv_matches_its_golden_file() {
    golden("plan.csv", &render(&plan(), Format::Csv));
}

#[path = "../../tests/support/gfm.rs"]
pub(super) mod gfm;
use gfm::{render as html, tags};

#[test]
fn markdown_renders_links_code_task_lists_and_tables() {
    let p = plan();
    let h = html(&render(&p, Format::Markdown));
    assert!(
        h.contains(
            r#"<a href="https://wiki.example/Webhooks_(v2)#retry">https://wiki.example/Webhooks_(v2)#retry</a>."#
        ),
        "{h}"
    );
    assert!(
        h.contains("It fills <code>recon_runs</code> and *pages* on-call"),
        "{h}"
    );
    assert!(h.contains(
        "<pre><code class=\"language-sql\">select * from recon_runs where status &lt;&gt; 'ok';\n</code></pre>"
    ), "{h}");
    assert!(
        h.contains("<p>1. compare\n2. report to @\u{200b}finance</p>"),
        "{h}"
    );
    // One checkbox per question: ticked when answered or skipped.
    let cov = p.coverage();
    let ticked = h
        .matches(r#"<input disabled="" type="checkbox" checked=""/>"#)
        .count();
    let open = h.matches(r#"<input disabled="" type="checkbox"/>"#).count();
    assert_eq!(ticked, cov.answered + cov.skipped);
    assert_eq!(open, cov.open());
    // The coverage table: a header and a row per category, then the total.
    assert_eq!(h.matches("<table>").count(), 1);
    assert!(h.contains("<th>Category</th>"), "{h}");
    assert_eq!(h.matches("<tr>").count(), 1 + cov.categories.len() + 1);
    assert!(h.contains("<td><strong>Overall</strong></td>"), "{h}");
    // Each answer is quoted; who answered and when is written after the quote, not in it.
    assert_eq!(h.matches("<blockquote>").count(), cov.answered);
    for quote in h.split("<blockquote>").skip(1) {
        let inside = quote.split("</blockquote>").next().unwrap();
        assert!(!inside.contains("<sub>"), "{inside}");
        let after = quote.split("</blockquote>").nth(1).unwrap();
        assert!(after.trim_start().starts_with("<sub>"), "{after}");
    }
}

#[test]
fn each_questions_reading_renders_as_real_links_under_it() {
    let p = plan();
    let h = html(&render(&p, Format::Markdown));
    let with: Vec<_> = p
        .questions
        .iter()
        .filter(|q| !q.reading.is_empty())
        .collect();
    assert!(with.len() >= 3, "the sample plan's pack links reading");
    // Each link once per question that names it (two questions may share a page).
    let all: Vec<_> = with.iter().flat_map(|q| &q.reading).collect();
    for r in &all {
        let a = format!("<a href=\"{}\">{}</a>", r.url, r.title);
        let times = all.iter().filter(|o| o == &r).count();
        assert_eq!(h.matches(&a).count(), times, "{a} in {h}");
    }
    // Open, answered and skipped questions all show theirs.
    for id in [
        "payments.refunds",
        "payments.idempotency",
        "payments.currency",
    ] {
        assert!(with.iter().any(|q| q.id == id), "{id} has reading");
    }
    // A question without reading gets no empty line for it.
    let md = render(&p, Format::Markdown);
    assert_eq!(md.matches("Read more:").count(), with.len());
}

#[test]
fn participants_are_listed_once_by_name() {
    let md = render(&plan(), Format::Markdown);
    assert!(
        md.contains("**Participants:** ana, @\u{200b}here \\| &lt;b>bo&lt;/b>, raj\n"),
        "{md}"
    );
}

#[test]
fn no_mention_or_raw_html_survives_rendering() {
    let h = html(&render(&plan(), Format::Markdown));
    for tag in tags(&h) {
        assert!(gfm::EXPORT_TAGS.contains(&tag.as_str()), "<{tag}> in {h}");
    }
    for bad in ["@everyone", "@here", "<script", "<img", "<b>"] {
        assert!(!h.contains(bad), "{bad:?} in {h}");
    }
    // `<@123>` shows as text, broken by a zero-width space so Discord cannot read it.
    for after in h.split("&lt;@").skip(1) {
        assert!(
            !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '!' || c == '&'),
            "a mention in {h}"
        );
    }
    // The only links are the URL an answer gave (`[link](javascript:…)` stays text), the
    // plan's own links to what was said in its channel, and the questions' reading.
    let said = "https://discord.com/channels/1234567890123456789/42/";
    let reading: Vec<String> = plan()
        .questions
        .iter()
        .flat_map(|q| q.reading.iter().map(|r| format!("{}\"", r.url)))
        .collect();
    let hrefs: Vec<&str> = h.split("href=\"").skip(1).collect();
    for href in &hrefs {
        assert!(
            href.starts_with("https://wiki.example/")
                || href.starts_with(said)
                || reading.iter().any(|r| href.starts_with(r.as_str())),
            "{href}"
        );
    }
    // A suggestion, an accepted one and the team's question each link to their message.
    for m in [900, 901, 902] {
        assert!(
            h.contains(&format!("{said}{m}\"")),
            "no link to message {m}"
        );
    }
}

#[test]
fn hostile_text_cannot_ping_or_inject_markup_in_markdown() {
    let md = render(&plan(), Format::Markdown);
    for bad in [
        "@everyone",
        "@here",
        "<@123>",
        "<img",
        "```",
        "](javascript",
    ] {
        assert!(!md.contains(bad), "markdown contains {bad:?}");
    }
    // Every line of the multi-line answer stays inside its quote.
    assert!(md.contains(
        "  > Idempotency-Key header, kept 24 h\n  > \\- stored with the response\n  >\n  <sub>"
    ));
}

#[test]
fn json_round_trips_user_text_exactly_and_carries_its_schema() {
    let v: serde_json::Value = serde_json::from_str(&render(&plan(), Format::Json)).unwrap();
    assert_eq!(v["schema"], JSON_SCHEMA);
    assert_eq!(v["version"], JSON_VERSION);
    assert_eq!(v["plan"]["guild_id"], "1234567890123456789");
    let q = v["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "payments.states")
        .unwrap();
    assert_eq!(q["answer"]["text"], HOSTILE);
    let idem = v["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "payments.idempotency")
        .unwrap();
    assert_eq!(idem["answer"]["revisions"], 2);
    assert_eq!(idem["history"].as_array().unwrap().len(), 2);
}

#[test]
fn csv_has_one_row_per_question_and_no_live_formulas() {
    let p = plan();
    let out = render(&p, Format::Csv);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), p.questions.len());
    let skipped = rows.iter().find(|r| &r[2] == "payments.currency").unwrap();
    assert_eq!(&skipped[7], "skipped");
    assert!(skipped[9].starts_with("'="));
    let answered = rows.iter().find(|r| &r[2] == "payments.states").unwrap();
    assert_eq!(
        answered[8].to_string(),
        format!("'{HOSTILE}"),
        "CSV quoting keeps the text whole, behind the formula guard"
    );
}

#[test]
fn file_names_are_slugs() {
    assert_eq!(
        file_name(&plan(), Format::Markdown),
        "plan-7-refunds-partial-everyone.md"
    );
    let mut p = plan();
    p.title = "!!!".into();
    assert_eq!(file_name(&p, Format::Csv), "plan-7.csv");
}

#[test]
fn decisions_come_first_in_every_export() {
    let p = plan();
    let md = render(&p, Format::Markdown);
    let decisions = md.find("## Decisions").expect("a Decisions section");
    assert!(decisions < md.find("## Coverage").unwrap());
    assert!(md.contains("decision marked by raj"), "{md}");
    // The decided answer is quoted once, under Decisions; Answered points there.
    assert_eq!(md.matches("Idempotency-Key header, kept 24 h").count(), 1);
    assert!(md.contains("— decided, see *Decisions*"));
    let v: serde_json::Value = serde_json::from_str(&render(&p, Format::Json)).unwrap();
    let ids: Vec<&str> = v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec!["payments.idempotency", "payments.disputes"]);
    assert_eq!(v["decisions"][0]["decided_by"]["name"], "raj");
    let q = |id: &str| {
        v["questions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|q| q["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(q("payments.idempotency")["decision"], true);
    assert_eq!(q("payments.states")["decision"], false, "a plain answer");
    let history = q("payments.idempotency")["history"].clone();
    assert_eq!(history[0]["decision"], false);
    assert_eq!(history[1]["decision"], true);
    let csv = render(&p, Format::Csv);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(r.headers().unwrap().iter().next_back(), Some("decision"));
    let decided: Vec<String> = r
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[16] == "true")
        .map(|r| r[2].to_string())
        .collect();
    assert_eq!(decided, vec!["payments.idempotency", "payments.disputes"]);
}

#[test]
fn a_plan_without_decisions_has_no_decisions_section() {
    let mut p = plan();
    p.events.iter_mut().for_each(|e| e.decision = None);
    let md = render(&p, Format::Markdown);
    assert!(!md.contains("## Decisions"));
    let v: serde_json::Value = serde_json::from_str(&render(&p, Format::Json)).unwrap();
    assert_eq!(v["decisions"], serde_json::json!([]));
}

#[path = "adr_tests.rs"]
mod adr_tests;
