//! End to end, reading links: the *Why Q3?* button under a checklist page and `/plan why`
//! answer the person who asked with the question's *why*, a good answer and its links
//! (links that do not unfurl), never pinging; the real bot against the local stand-in.

use crate::prelude::*;

use plancheck::plan::Plan;

const IDEMPOTENCY: &str =
    "[Stripe API: Idempotent requests](<https://docs.stripe.com/api/idempotent_requests>)";

fn number_of(plan: &Plan, id: &str) -> u32 {
    plan.questions
        .iter()
        .find(|q| q.id == id)
        .unwrap_or_else(|| panic!("{id} is in the plan"))
        .number
}

fn ephemeral(r: &Recorded) -> bool {
    r.body["flags"] == json!(64) || r.body["data"]["flags"] == json!(64)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_why_button_answers_with_why_a_good_answer_and_links_that_do_not_unfurl() {
    let h = Harness::start(&[]).await;
    let (_, thread) = h
        .start_by_command(300_000_000_000_000_700, "Card payments", "payments")
        .await;
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    let pages = h.posts(thread);
    // Every page keeps Discord's limits with its new row, and every pack question on it
    // has its button.
    for page in &pages {
        let rows = page.body["components"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(rows.len() <= 5, "{}", page.body);
        for row in &rows {
            assert!(row["components"].as_array().unwrap().len() <= 5, "{row}");
        }
    }
    let ids: Vec<String> = pages.iter().flat_map(|p| custom_ids(&p.body)).collect();
    for q in &plan.questions {
        let why = format!("pc1:why:1:{}", q.number);
        assert_eq!(ids.contains(&why), q.asked.is_none(), "{why} in {ids:?}");
    }

    let n = number_of(&plan, "payments.idempotency");
    let why = format!("pc1:why:1:{n}");
    let page = pages
        .iter()
        .find(|p| custom_ids(&p.body).contains(&why))
        .expect("a page has the button");
    h.fake
        .click(300_000_000_000_000_701, thread, ALICE, &why, &page.response);
    let r = h
        .wait_response(300_000_000_000_000_701, "the why answer", |r| {
            content(r).contains("Why it matters")
        })
        .await;
    let text = content(&r);
    assert!(
        ephemeral(&r),
        "only the person who asked sees it: {}",
        r.body
    );
    assert!(mentions_suppressed(&r), "{}", r.body);
    assert!(text.starts_with(&format!("Q{n} ")), "{text}");
    assert!(text.contains("A good answer names: "), "{text}");
    assert!(
        text.contains(&format!("Read more:\n- {IDEMPOTENCY}")),
        "{text}"
    );
    // Showing it changes nothing: the page is not edited, no answer is recorded.
    let page_id = page.response["id"].as_str().unwrap();
    assert!(
        !h.fake
            .requests()
            .iter()
            .any(|r| r.method == "PATCH" && r.path.ends_with(page_id)),
        "the page was edited"
    );
    let after = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    assert!(after.events.is_empty());

    // Control: a question without reading says so, with no list of links.
    let n = number_of(&plan, "payments.reconciliation");
    let why = format!("pc1:why:1:{n}");
    let page = pages
        .iter()
        .find(|p| custom_ids(&p.body).contains(&why))
        .expect("a page has the button");
    h.fake
        .click(300_000_000_000_000_702, thread, ALICE, &why, &page.response);
    let r = h
        .wait_response(300_000_000_000_000_702, "the why answer", |r| {
            content(r).contains("Why it matters")
        })
        .await;
    assert!(content(&r).contains("No reading is linked to this question."));
    assert!(!content(&r).contains("Read more"), "{}", content(&r));

    // The button acts only where its plan is: clicked in another channel, it is refused.
    h.fake
        .click(300_000_000_000_000_703, OTHER, ALICE, &why, &page.response);
    let r = h
        .wait_response(300_000_000_000_000_703, "the refusal", |r| {
            !content(r).is_empty()
        })
        .await;
    assert!(content(&r).contains("another channel"), "{}", content(&r));
    assert!(!content(&r).contains("Why it matters"), "{}", content(&r));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_why_answers_with_the_links_and_names_a_question_the_plan_lacks() {
    let h = Harness::start(&[]).await;
    let (_, thread) = h
        .start_by_command(300_000_000_000_000_710, "Card payments", "payments")
        .await;
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    let why = |id: u64, question: String| {
        let options = json!([{"name": "question", "type": 3, "value": question}]);
        h.plan_command(id, thread, "why", options)
    };
    let n = number_of(&plan, "payments.idempotency");
    why(300_000_000_000_000_711, format!("Q{n}"));
    let r = h
        .wait_response(300_000_000_000_000_711, "the why answer", |r| {
            content(r).contains("Why it matters")
        })
        .await;
    let text = content(&r);
    assert!(ephemeral(&r), "{}", r.body);
    assert!(mentions_suppressed(&r), "{}", r.body);
    assert!(
        text.contains(&format!("Read more:\n- {IDEMPOTENCY}")),
        "{text}"
    );
    // Every link is wrapped in <…> so Discord shows no preview for it.
    assert_eq!(
        text.matches("](<https://").count(),
        text.matches("https://").count()
    );

    // A question with two links lists both, each on its line.
    let n = number_of(&plan, "payments.currency");
    why(300_000_000_000_000_712, format!("Q{n}"));
    let r = h
        .wait_response(300_000_000_000_000_712, "the why answer", |r| {
            content(r).contains("Why it matters")
        })
        .await;
    assert!(
        content(&r).contains("\n- [Stripe docs: Supported currencies](<https://docs.stripe.com/currencies>)\n- [Martin Fowler, PoEAA: Money](<https://martinfowler.com/eaaCatalog/money.html>)"),
        "{}",
        content(&r)
    );

    // A question the plan does not hold is named back, privately.
    why(300_000_000_000_000_713, "Q99".into());
    let r = h
        .wait_response(300_000_000_000_000_713, "the refusal", |r| {
            content(r).contains("Q99")
        })
        .await;
    assert!(
        content(&r).contains("no question 'Q99' in this plan"),
        "{}",
        content(&r)
    );
    assert!(ephemeral(&r), "{}", r.body);
    assert!(mentions_suppressed(&r), "{}", r.body);
}
