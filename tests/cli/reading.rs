//! Reading links through the real binary: the console's `/plan why`, and `packs --check`
//! reporting the share of questions with reading and naming a bad link's file and line.

use crate::common::*;

#[test]
fn the_console_says_why_a_question_matters_with_its_links_or_that_it_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let out = run(
        &["console"],
        &db,
        "/plan start Card payments | payments | thorough\n\
         /plan why payments.idempotency\n\
         /plan why payments.reconciliation\n\
         /plan why Q99\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    // Each question named: its why and what a good answer names; the one with reading
    // lists its link as plain text.
    assert_eq!(said.matches("Why it matters: ").count(), 2, "{said}");
    assert_eq!(said.matches("A good answer names: ").count(), 2, "{said}");
    assert!(said.contains("A client retries POST /payments"), "{said}");
    assert!(
        said.contains(
            "Read more:\n- Stripe API: Idempotent requests: https://docs.stripe.com/api/idempotent_requests"
        ),
        "{said}"
    );
    // Control: a question without reading says so instead of an empty list.
    assert_eq!(
        said.matches("No reading is linked to this question.")
            .count(),
        1,
        "{said}"
    );
    assert_eq!(said.matches("Read more:").count(), 1, "{said}");
    // A question the plan does not hold is a user mistake, named.
    assert!(said.contains("! no question 'Q99' in this plan"), "{said}");
}

#[test]
fn packs_check_reports_the_share_of_questions_with_reading() {
    let dir = tempfile::tempdir().unwrap();
    let ok = run(&["packs", "--check"], &dir.path().join("c.db"), "");
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let out = text(&ok.stdout);
    let line = out
        .lines()
        .find(|l| l.starts_with("reading: "))
        .unwrap_or_else(|| panic!("no reading line in {out}"));
    // `reading: N of 172 questions (P %) link what to read`
    let words: Vec<&str> = line.split_whitespace().collect();
    let with: usize = words[1].parse().unwrap();
    assert_eq!(words[3], "172", "{line}");
    assert!(with * 100 >= 172 * 60, "{line}");
    assert_eq!(words[5], format!("({}", with * 100 / 172), "{line}");
}

#[test]
fn packs_check_names_file_line_and_key_of_a_link_that_is_not_https() {
    let dir = tempfile::tempdir().unwrap();
    let packs = dir.path().join("packs");
    std::fs::create_dir(&packs).unwrap();
    let pack = |url: &str| {
        format!(
            "id = \"ours\"\nname = \"Ours\"\ndescription = \"d\"\nkind = \"domain\"\n\
             [[cues]]\npattern = 'ours'\nweight = 1.0\n\
             [[questions]]\nid = \"ours.a\"\ncategory = \"api\"\ntext = \"Q?\"\nwhy = \"w\"\n\
             reading = [{{ title = \"Ours\", url = \"{url}\" }}]\n"
        )
    };
    let check = || {
        bin()
            .args(["packs", "--check"])
            .env("PLANCHECK_DATABASE", dir.path().join("c.db"))
            .env("PLANCHECK_PACKS_DIR", &packs)
            .output()
            .unwrap()
    };
    std::fs::write(packs.join("ours.toml"), pack("http://example.com/ours")).unwrap();
    let bad = check();
    assert!(!bad.status.success());
    let err = text(&bad.stderr);
    assert!(
        err.contains(
            "ours.toml:13: questions[0].reading[0].url: 'http://example.com/ours' is not https"
        ),
        "{err}"
    );
    // Control: the same pack with an https link passes, and counts towards the share.
    std::fs::write(packs.join("ours.toml"), pack("https://example.com/ours")).unwrap();
    let ok = check();
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(text(&ok.stdout).contains("24 packs, 173 questions"));
}
