use super::*;
use crate::ids::UserId;
use crate::plan::select::{self, Depth};

fn lines(said: &[&str]) -> Vec<Line> {
    said.iter()
        .enumerate()
        .map(|(i, s)| {
            let (name, text) = s.split_once(": ").expect("name: text");
            Line::new(
                MessageId(100 + i as u64),
                Author {
                    id: UserId(name.len() as u64 * 31 + name.as_bytes()[0] as u64),
                    name: name.to_string(),
                },
                text,
            )
        })
        .collect()
}

fn questions(set: &PackSet, ids: &[&str]) -> Vec<PlanQuestion> {
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            let pack = set
                .iter()
                .find(|p| p.questions.iter().any(|q| q.id == *id))
                .unwrap_or_else(|| panic!("no question {id}"));
            let q = pack.questions.iter().find(|q| q.id == *id).unwrap();
            PlanQuestion::of(i as u32 + 1, &pack.id, q)
        })
        .collect()
}

#[test]
fn a_stated_decision_is_suggested_with_its_author_and_message() {
    let set = PackSet::shipped().unwrap();
    let qs = questions(&set, &["webhooks.verify", "webhooks.duplicates"]);
    let convo = lines(&[
        "ana: stripe will send us payout webhooks, we need a receiver",
        "raj: we'll verify the HMAC signature and reject anything with a timestamp older than 5 min",
        "ana: and we keep the event id with a unique key to dedupe, they redeliver",
    ]);
    let got = suggestions(&set, &qs, &convo);
    let verify = got[0].as_ref().expect("verify is answered");
    assert!(verify.text.contains("HMAC signature"), "{verify:?}");
    assert_eq!(verify.author.name, "raj");
    assert_eq!(verify.message, MessageId(101));
    let dupes = got[1].as_ref().expect("duplicates are answered");
    assert!(dupes.text.contains("unique key to dedupe"), "{dupes:?}");
}

#[test]
fn mentions_questions_and_hedges_are_not_answers() {
    let set = PackSet::shipped().unwrap();
    let qs = questions(&set, &["webhooks.verify"]);
    for said in [
        "raj: how do we verify the signature on their webhooks?",
        "raj: not sure about the signature check, maybe HMAC",
        "raj: signatures",
    ] {
        let convo = lines(&["ana: stripe sends us webhooks for payouts", said]);
        assert_eq!(suggestions(&set, &qs, &convo), vec![None], "{said}");
    }
}

#[test]
fn an_open_design_question_joins_and_an_answered_one_does_not() {
    let set = PackSet::shipped().unwrap();
    let convo = lines(&[
        "ana: partners want us to retry failed payout webhooks",
        "raj: separate queue or the same jobs table?",
        "ana: same jobs table, one more job type",
        "raj: who owns the retry budget, us or the partner?",
        "ana: lunch?",
    ]);
    let team = team_questions(&set, &convo);
    assert_eq!(team.len(), 1, "{team:?}");
    assert!(team[0].quote.text.starts_with("who owns the retry budget"));
    assert_eq!(team[0].quote.author.name, "raj");
    assert_eq!(team[0].category, Category::Errors);
}

#[test]
fn a_reply_answers_and_rhetoric_is_left_out() {
    let set = PackSet::shipped().unwrap();
    let mut convo = lines(&[
        "ana: do archived orders still count toward the storage quota?",
        "raj: unrelated but the deploy is green",
        "raj: yes, until they are purged",
    ]);
    convo[2].reply_to = Some(convo[0].message);
    assert!(team_questions(&set, &convo).is_empty());
    let convo = lines(&[
        "ana: we cache the whole feed per user, what could go wrong?",
        "raj: can you review my PR for the cache key?",
    ]);
    assert!(team_questions(&set, &convo).is_empty());
}

#[test]
fn team_questions_come_first_in_their_category() {
    let set = PackSet::shipped().unwrap();
    let convo = lines(&[
        "ana: exports of all invoices as csv for finance, async job",
        "raj: do we keep the generated files or delete them after a day?",
    ]);
    let team = team_plan_questions(&team_questions(&set, &convo));
    assert_eq!(team.len(), 1);
    let texts: Vec<&str> = convo.iter().map(|l| l.text.as_str()).collect();
    let c = select::checklist(
        &set,
        &[],
        &texts,
        Some(&["data_model".to_string()]),
        Depth::Thorough,
        0,
    );
    let pack = select::snapshot_of(&set, &c.first, 1).unwrap();
    let all = merge(team, pack);
    let first_of_its_category = all
        .iter()
        .find(|q| {
            q.category
                == all
                    .iter()
                    .find(|q| q.pack_id == TEAM_PACK)
                    .unwrap()
                    .category
        })
        .unwrap();
    assert_eq!(first_of_its_category.pack_id, TEAM_PACK);
    let numbers: Vec<u32> = all.iter().map(|q| q.number).collect();
    assert_eq!(numbers, (1..=all.len() as u32).collect::<Vec<_>>());
}

#[test]
fn sentences_split_on_stops_but_keep_versions_and_code_out() {
    let convo = lines(&["ana: v2.3 ships. then what? ```\nlet x = 1;\n```\n> quoted? no"]);
    let got: Vec<String> = sentences(&convo).into_iter().map(|s| s.text).collect();
    assert_eq!(got, vec!["v2.3 ships.", "then what?"]);
}
