//! Decisions from the console, and `plancheck export --format adr`: the real binary, a
//! fresh database per test.

use crate::common::*;

const DECIDE: &str = "\
/plan start Card refunds | payments | thorough
/plan decide Q1 Postgres advisory locks instead of Redis @everyone
/plan answer Q2 Kafka or SQS, not sure yet
/plan decide Q2
/plan decide Q2
/plan decide Q3
/plan answer Q4 first idea
/plan decide Q4
/plan answer Q4 second idea
/plan decide Q999 nope
";

#[test]
fn the_console_marks_decisions_and_says_when_one_is_withdrawn() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let out = run(&["console"], &db, DECIDE);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains(
            "Q1 is now a decision (marked by you): “Postgres advisory locks instead of Redis @everyone”"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("Q2 is now a decision (marked by you): “Kafka or SQS, not sure yet”"),
        "{stdout}"
    );
    assert!(
        stdout.contains("! Q2's answer is already a decision"),
        "{stdout}"
    );
    assert!(
        stdout.contains("! Q3 has no answer to mark as a decision"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Recorded Q4.") && stdout.contains("Q4 is no longer a decision"),
        "a new answer withdraws the decision: {stdout}"
    );
    assert!(
        stdout.contains("! no question 'Q999' in this plan"),
        "{stdout}"
    );

    let adr = run(&["export", "--plan", "1", "--format", "adr"], &db, "");
    assert!(adr.status.success(), "{}", text(&adr.stderr));
    let md = text(&adr.stdout);
    assert!(md.starts_with("# Card refunds\n"), "{md}");
    assert!(md.contains("* Status: proposed (plan open"), "{md}");
    let outcome = md.split("## Decision Outcome").nth(1).expect("an outcome");
    assert!(
        outcome.contains("**Q1**") && outcome.contains("**Q2**"),
        "{md}"
    );
    assert!(
        !outcome.contains("**Q4**"),
        "Q4's decision was withdrawn: {md}"
    );
    assert!(
        md.contains("Postgres advisory locks (chosen) · Redis"),
        "{md}"
    );
    assert!(md.contains("Kafka · SQS"), "{md}");
    assert!(!md.contains("@everyone"), "no mention survives: {md}");
    assert!(
        !md.contains("discord.com"),
        "a console plan has no links: {md}"
    );

    // The other exports list the decisions too.
    let json = run(&["export", "--plan", "1", "--format", "json"], &db, "");
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let decided: Vec<u64> = v["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["number"].as_u64().unwrap())
        .collect();
    assert_eq!(decided, vec![1, 2]);
    let csv = text(&run(&["export", "--plan", "1", "--format", "csv"], &db, "").stdout);
    assert!(csv.lines().next().unwrap().ends_with(",decision"), "{csv}");
    assert_eq!(csv.matches(",true\n").count(), 2, "{csv}");
}

#[test]
fn export_adr_writes_a_file_and_a_missing_plan_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let out = run(
        &["console"],
        &db,
        "/plan start Bulk export | api\n/plan decide 1 the web app\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = dir.path().join("adr.md");
    let written = run(
        &[
            "export",
            "--plan",
            "1",
            "--format",
            "adr",
            "--out",
            file.to_str().unwrap(),
        ],
        &db,
        "",
    );
    assert!(written.status.success(), "{}", text(&written.stderr));
    let md = std::fs::read_to_string(&file).unwrap();
    assert!(md.contains("## Decision Outcome"), "{md}");
    assert!(md.contains("the web app"), "{md}");
    let missing = run(&["export", "--plan", "42", "--format", "adr"], &db, "");
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("no plan 42"));
}
