//! `plancheck export --to-github`: the real binary against the GitHub stand-in
//! (`support/fake_github.rs`), a fresh database and port per test.

use crate::common::{bin as plain, run_with, text};
use crate::fake_github::{FakeGithub, TOKEN};
use crate::gfm;
use plancheck::export::github::Repo;
use plancheck::ids::{PlanId, UserId};
use plancheck::plan::{AnswerEvent, Author, EventKind};
use plancheck::store::Store;
use serde_json::json;
use std::path::Path;
use std::process::{Command, Output};

/// The binary talking to the GitHub stand-in at `api`.
fn bin(api: &str) -> Command {
    let mut c = plain();
    c.env("PLANCHECK_GITHUB_API_URL", api);
    c
}

/// Runs the binary with `stdin`, off the runtime's threads (the stand-in runs on them).
async fn run(c: Command, stdin: &str) -> Output {
    let stdin = stdin.to_string();
    tokio::task::spawn_blocking(move || run_with(c, &stdin))
        .await
        .unwrap()
}

/// How a checked task-list box renders.
const CHECKED: &str = "checked=\"\"";

/// Plan 1 from the console: Q1 answered, Q2 skipped, the rest open.
async fn console_plan(gh: &FakeGithub, db: &Path) {
    let mut c = bin(&gh.url());
    c.arg("console").env("PLANCHECK_DATABASE", db);
    let out = run(
        c,
        "/plan start Bulk export | api | thorough\n/plan answer 1 the web app @everyone\n/plan skip 2 no mobile client yet\n",
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
}

async fn export(gh: &FakeGithub, db: &Path, repo: &str, token: Option<&str>) -> Output {
    let mut c = bin(&gh.url());
    c.args(["export", "--plan", "1", "--to-github", repo])
        .env("PLANCHECK_DATABASE", db);
    if let Some(t) = token {
        c.env("GITHUB_TOKEN", t);
    }
    run(c, "").await
}

fn assert_no_token(out: &Output) {
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    assert!(!all.contains(TOKEN), "the token was printed: {all}");
    assert!(
        !all.contains("SECRET"),
        "part of the token was printed: {all}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_export_updates_the_same_issue_instead_of_opening_another() {
    let gh = FakeGithub::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    console_plan(&gh, &db).await;

    let first = export(&gh, &db, "octo/api", Some(TOKEN)).await;
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert_eq!(
        text(&first.stdout).trim(),
        "Opened issue #1 in octo/api for plan 1: https://github.example/octo/api/issues/1"
    );
    assert_no_token(&first);
    let requests = gh.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    let post = &requests[0];
    assert_eq!(
        (post.method.as_str(), post.path.as_str()),
        ("POST", "/repos/octo/api/issues")
    );
    assert_eq!(post.headers["authorization"], format!("Bearer {TOKEN}"));
    assert_eq!(post.headers["accept"], "application/vnd.github+json");
    assert_eq!(post.headers["x-github-api-version"], "2022-11-28");
    assert!(post.headers["user-agent"].starts_with("plancheck/"));
    assert_eq!(post.body["title"], "Bulk export");
    assert_eq!(
        post.body["labels"],
        json!(["planning"]),
        "the default label"
    );

    // The body: a task list, answered checked with the answer, skipped with its reason.
    let html = gfm::render(post.body["body"].as_str().unwrap());
    let items: Vec<&str> = html
        .split("<li>")
        .skip(1)
        .filter(|li| li.starts_with("<input"))
        .collect();
    assert_eq!(items.len(), 10, "every API question: {html}");
    assert!(
        items[0].contains(CHECKED) && items[0].contains("the web app"),
        "{}",
        items[0]
    );
    assert!(!items[0].contains("@everyone"), "cannot ping: {}", items[0]);
    assert!(
        items[1].contains(CHECKED) && items[1].contains("no mobile client yet"),
        "{}",
        items[1]
    );
    assert!(
        items[2..].iter().all(|i| !i.contains(CHECKED)),
        "the rest are open"
    );
    assert!(html.contains("not ready"), "readiness is shown: {html}");

    // An answer later, then the same repository (in other letters): the same issue.
    let store = Store::open(&db).await.unwrap();
    assert_eq!(store.github_issues(PlanId(1)).await.unwrap().len(), 1);
    let plan = store.plan(PlanId(1)).await.unwrap().unwrap();
    let q3 = plan.questions[2].id.clone();
    let answer = AnswerEvent {
        question_id: q3,
        kind: EventKind::Answer,
        text: "cursor pagination".into(),
        author: Author {
            id: UserId(9),
            name: "bo".into(),
        },
        at: chrono::Utc::now(),
        source: None,
        said_in: None,
        decision: None,
    };
    store.record_event(PlanId(1), &answer).await.unwrap();
    store.close().await;
    let second = export(&gh, &db, "Octo/API", Some(TOKEN)).await;
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(
        text(&second.stdout).starts_with("Updated issue #1 in "),
        "{}",
        text(&second.stdout)
    );
    let requests = gh.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[1].method, "PATCH");
    assert_eq!(requests[1].path.to_lowercase(), "/repos/octo/api/issues/1");
    assert!(
        requests[1].body.get("labels").is_none(),
        "labels people set are kept"
    );
    assert_eq!(gh.issues("octo/api").len(), 1, "no second issue");
    let body = gfm::render(requests[1].body["body"].as_str().unwrap());
    assert!(
        body.contains("cursor pagination"),
        "the update carries the new answer"
    );

    // Another repository gets its own issue; the first stays the plan's issue there.
    let other = export(&gh, &db, "octo/web", Some(TOKEN)).await;
    assert!(
        text(&other.stdout).starts_with("Opened issue #1 in octo/web"),
        "{}",
        text(&other.stdout)
    );
    let store = Store::open(&db).await.unwrap();
    let api = Repo::parse("octo/api").unwrap();
    assert_eq!(
        store
            .github_issue(PlanId(1), &api)
            .await
            .unwrap()
            .unwrap()
            .number,
        1
    );
    assert_eq!(store.github_issues(PlanId(1)).await.unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_come_from_the_config() {
    let gh = FakeGithub::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    console_plan(&gh, &db).await;
    let config = dir.path().join("plancheck.toml");
    std::fs::write(
        &config,
        "[github]\nlabels = [\"design\", \"needs review\"]\n",
    )
    .unwrap();
    let mut c = bin(&gh.url());
    c.args(["--config", config.to_str().unwrap()])
        .args(["export", "--plan", "1", "--to-github", "octo/api"])
        .env("PLANCHECK_DATABASE", &db)
        .env("GITHUB_TOKEN", TOKEN);
    let out = run(c, "").await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        gh.requests()[0].body["labels"],
        json!(["design", "needs review"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_is_sent_as_a_header_and_never_printed_or_logged() {
    let gh = FakeGithub::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    console_plan(&gh, &db).await;
    // From a file, with every library logging at trace.
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{TOKEN}\n")).unwrap();
    let mut c = bin(&gh.url());
    c.args(["export", "--plan", "1", "--to-github", "octo/api"])
        .env("PLANCHECK_DATABASE", &db)
        .env("PLANCHECK_GITHUB_TOKEN_FILE", &file)
        .env("PLANCHECK_LOG", "trace");
    let out = run(c, "").await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        !text(&out.stderr).is_empty(),
        "control: trace logs were written"
    );
    assert_no_token(&out);
    assert_eq!(
        gh.requests()[0].headers["authorization"],
        format!("Bearer {TOKEN}")
    );
    // A failure names the repository, never the token.
    let bad = export(&gh, &db, "octo/missing", Some(TOKEN)).await;
    assert!(!bad.status.success());
    assert_no_token(&bad);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_told_plainly_and_store_nothing() {
    let gh = FakeGithub::start().await;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    console_plan(&gh, &db).await;
    let cases: &[(&str, Option<&str>, &str)] = &[
        (
            "octo/api",
            Some("ghp_wrong"),
            "GitHub rejected the token (401) when writing to octo/api",
        ),
        (
            "octo/missing",
            Some(TOKEN),
            "GitHub found no repository octo/missing (404)",
        ),
        (
            "octo/invalid",
            Some(TOKEN),
            "(422, validation failed): Validation Failed; body is too long (maximum is 65536 characters)",
        ),
        (
            "octo/busy",
            Some(TOKEN),
            "rate limit stopped the export to octo/busy (429): try again in 30 s",
        ),
        (
            "octo/limited",
            Some(TOKEN),
            "rate limit stopped the export to octo/limited (403): the limit resets at",
        ),
        ("octo/api", None, "no GitHub token: set GITHUB_TOKEN"),
    ];
    for (repo, token, said) in cases {
        let out = export(&gh, &db, repo, *token).await;
        assert_eq!(out.status.code(), Some(1), "{repo}");
        let err = text(&out.stderr);
        assert!(err.contains(said), "{repo}: {err}");
        assert!(!err.contains("ghp_wrong"), "{err}");
        assert_no_token(&out);
    }
    let store = Store::open(&db).await.unwrap();
    assert!(store.github_issues(PlanId(1)).await.unwrap().is_empty());
    store.close().await;

    // A repository GitHub would not allow is refused before any request.
    let before = gh.requests().len();
    let out = export(&gh, &db, "octo", Some(TOKEN)).await;
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(
        text(&out.stderr).contains("OWNER/REPO"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(gh.requests().len(), before);
    // --to-github does not mix with a file format.
    let mut c = bin(&gh.url());
    c.args([
        "export",
        "--plan",
        "1",
        "--to-github",
        "octo/api",
        "--format",
        "json",
    ])
    .env("PLANCHECK_DATABASE", &db);
    assert_eq!(run(c, "").await.status.code(), Some(2));

    // GitHub out of reach: said, naming the address.
    let mut c = bin("http://127.0.0.1:9");
    c.args(["export", "--plan", "1", "--to-github", "octo/api"])
        .env("PLANCHECK_DATABASE", &db)
        .env("GITHUB_TOKEN", TOKEN);
    let out = run(c, "").await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr)
            .contains("cannot reach GitHub at http://127.0.0.1:9 to export to octo/api"),
        "{}",
        text(&out.stderr)
    );
    assert_no_token(&out);

    // Control: the same plan exports once the repository is right.
    let ok = export(&gh, &db, "octo/api", Some(TOKEN)).await;
    assert!(ok.status.success(), "{}", text(&ok.stderr));
}
