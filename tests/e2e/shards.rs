//! Shard ranges (issue 11 §4): bot processes that split the gateway's shards against one
//! stand-in and share one PostgreSQL database. The stand-in sends a server's events only
//! to shard `(guild_id >> 22) % shard_count`, as Discord does.

use crate::postgres::TestPostgres;
use crate::prelude::*;
use plancheck::ids::UserId;
use plancheck::store::{Location, Store};

const COUNT: u64 = 4;

/// `plancheck run` for `shards` of four, on the PostgreSQL database at `url`.
fn process(fake: &Fake, url: &str, shards: &str) -> Bot {
    let mut c = bot_command(fake, std::path::Path::new(url));
    c.env("PLANCHECK_DISCORD_SHARD_COUNT", COUNT.to_string())
        .env("PLANCHECK_DISCORD_SHARDS", shards)
        .env("PLANCHECK_DEPTH", "thorough")
        .stderr(Stdio::inherit());
    Bot(c.spawn().expect("the bot starts"))
}

fn registrations(r: &[Recorded]) -> usize {
    r.iter()
        .filter(|r| r.method == "PUT" && r.path.ends_with("/commands"))
        .count()
}

#[tokio::test]
async fn two_processes_split_the_shards_and_share_one_postgres_database() {
    let pg = TestPostgres::create().await;
    let db = Location::Postgres(pg.url.clone());
    let store = Store::open(&db).await.unwrap();
    store
        .watch(
            GuildId(GUILD),
            ChannelId(WATCHED),
            UserId(1),
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let owner = (GUILD >> 22) % COUNT;
    assert!(
        owner < 2,
        "the test server is on the first process's shards"
    );

    let fake = Fake::start().await;
    let first = process(&fake, &pg.url, "0-1");
    let second = process(&fake, &pg.url, "2-3");
    fake.wait_for_sessions(4).await;
    fake.wait_for("both processes ready", |r| registrations(r) >= 2)
        .await;
    let mut shards = fake.identified_shards();
    shards.sort();
    assert_eq!(shards, [(0, COUNT), (1, COUNT), (2, COUNT), (3, COUNT)]);

    // A feature discussion reaches one shard of one process: one prompt, one detection.
    let h = Harness::over(fake.clone(), first);
    let (thread, _pages) = start_checklist(&h).await;
    let message = 500_000_000_000_000_010;
    assert_eq!(fake.delivered_to("MESSAGE_CREATE", message), [owner]);
    assert_eq!(prompts_in(&fake.requests(), WATCHED), 1, "no second prompt");
    let plans = store.list_plans(&PlanFilter::default(), 10).await.unwrap();
    assert_eq!(plans.len(), 1, "{plans:?}");
    let plan = plans[0].id;
    // A server setting, changed through the same process.
    h.admin(
        300_000_000_000_000_042,
        MANAGE_GUILD,
        "settings",
        json!([{"name": "sensitivity", "type": 10, "value": 4.5}]),
    );
    h.wait_response(300_000_000_000_000_042, "settings", |r| {
        content(r).contains("Sensitivity (threshold): 4.50, set by hand")
    })
    .await;

    // The process that started the plan stops; another takes its shards over and the
    // plan is answered through it, from the shared database.
    drop(h);
    let third = process(&fake, &pg.url, "0-1");
    // Both of its shards connected (serenity starts a process's shards one by one).
    fake.wait_for_sessions(6).await;
    fake.wait_for("the new process ready", |r| registrations(r) >= 3)
        .await;
    let h = Harness::over(fake.clone(), third);
    let answer = 300_000_000_000_000_051;
    h.plan_command(
        answer,
        thread,
        "answer",
        json!([{"name": "question", "type": 3, "value": "Q1"}, {"name": "text", "type": 3, "value": "hosted fields"}]),
    );
    h.wait_response(answer, "the answer", |r| {
        content(r).starts_with("Recorded Q1.")
    })
    .await;
    assert_eq!(fake.delivered_to("INTERACTION_CREATE", answer), [owner]);
    // The new process has the server's setting and watched channel from the database.
    h.admin(300_000_000_000_000_044, MANAGE_GUILD, "status", json!([]));
    h.wait_response(300_000_000_000_000_044, "status", |r| {
        content(r).contains("4.50, set by hand") && content(r).contains(&format!("<#{WATCHED}>"))
    })
    .await;
    let saved = store.plan(plan).await.unwrap().unwrap();
    assert_eq!(saved.events.len(), 1);
    assert_eq!(saved.events[0].text, "hosted fields");
    // Control: the process on the other shards never saw either event.
    assert!(
        !fake
            .delivered_to("MESSAGE_CREATE", message)
            .iter()
            .chain(&fake.delivered_to("INTERACTION_CREATE", answer))
            .any(|s| *s >= 2)
    );
    drop(second);
    store.close().await;
}
