//! End to end: a server sets its repository, `/plan export format:github` opens an issue
//! in the GitHub stand-in and tells the plan's thread; exporting again updates it. The real
//! bot against the Discord stand-in, each test its own stand-ins, ports and database.

use crate::prelude::*;

use crate::fake_github::{FakeGithub, TOKEN};

/// `github` in `/plan export`'s format choices (markdown, json, csv, github).
const GITHUB_CHOICE: u64 = 3;

async fn bot(gh: &FakeGithub) -> Harness {
    let api = gh.url();
    Harness::start_with(&[], move |c| {
        c.stderr(Stdio::inherit())
            .env("GITHUB_TOKEN", TOKEN)
            .env("PLANCHECK_GITHUB_API_URL", api);
    })
    .await
}

fn export_github(h: &Harness, id: u64, channel: u64) {
    h.fake.command(
        id,
        Caller {
            channel,
            user: ALICE,
            perms: 0,
        },
        "plan",
        slash(
            "export",
            json!([{"name": "format", "type": 4, "value": GITHUB_CHOICE}]),
        ),
        json!({}),
    );
}

fn repo_option(value: &str) -> Value {
    json!([{"name": "github_repo", "type": 3, "value": value}])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_repository_gets_one_issue_and_the_thread_its_url() {
    let gh = FakeGithub::start().await;
    let h = bot(&gh).await;
    let (_, thread) = h
        .start_by_command(300_000_000_000_000_101, "Bulk export", "api")
        .await;

    // Before a repository is set, the export says how to set one, and sends nothing.
    export_github(&h, 300_000_000_000_000_102, thread);
    let r = h
        .wait_response(300_000_000_000_000_102, "no repository", |r| {
            content(r).contains("No GitHub repository is set")
        })
        .await;
    assert!(content(&r).contains("/plancheck settings github_repo:"));
    assert!(gh.requests().is_empty());

    // A repository GitHub would not allow is refused; a good one is kept and shown.
    h.admin(
        300_000_000_000_000_103,
        MANAGE_GUILD,
        "settings",
        repo_option("octo/api/x"),
    );
    h.wait_response(300_000_000_000_000_103, "a refusal", |r| {
        content(r).contains("OWNER/REPO")
    })
    .await;
    h.admin(
        300_000_000_000_000_104,
        MANAGE_GUILD,
        "settings",
        repo_option("octo/api"),
    );
    h.wait_response(300_000_000_000_000_104, "the settings", |r| {
        content(r).contains("GitHub issues in: octo/api")
    })
    .await;

    // The issue is opened; the thread is told its URL in a public reply that cannot ping.
    let url = "https://github.example/octo/api/issues/1";
    export_github(&h, 300_000_000_000_000_105, thread);
    let reply = h
        .wait_response(300_000_000_000_000_105, "the issue's URL", |r| {
            content(r).contains(url)
        })
        .await;
    assert!(
        content(&reply).starts_with("Opened issue #1 in octo/api"),
        "{}",
        content(&reply)
    );
    assert!(mentions_suppressed(&reply), "{}", reply.body);
    assert_ne!(reply.body["flags"], json!(64), "public, in the thread");
    let post = &gh.requests()[0];
    assert_eq!(post.method, "POST");
    assert_eq!(post.headers["authorization"], format!("Bearer {TOKEN}"));
    assert_eq!(post.body["title"], "Bulk export");
    assert!(
        post.body["body"]
            .as_str()
            .unwrap()
            .contains(&format!("/channels/{}/{thread})", fake_discord::GUILD)),
        "links back to the thread: {}",
        post.body["body"]
    );

    // Again: the same issue is updated, no second one.
    export_github(&h, 300_000_000_000_000_106, thread);
    let again = h
        .wait_response(300_000_000_000_000_106, "the update", |r| {
            content(r).contains("Updated issue #1")
        })
        .await;
    assert!(content(&again).contains(url));
    let requests = gh.requests();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(requests[1].method, "PATCH");
    assert_eq!(requests[1].path, "/repos/octo/api/issues/1");
    assert_eq!(gh.issues("octo/api").len(), 1);
}
