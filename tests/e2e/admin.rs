//! Admin commands: refused without Manage Server, permission reports, a dev guild's commands, a status longer than a message.

use crate::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_commands_are_refused_to_members_without_manage_server() {
    let h = Harness::start(&[]).await;
    let channel = json!([{"name": "channel", "type": 7, "value": WATCHED.to_string()}]);
    h.admin(300_000_000_000_000_040, 0, "watch", channel.clone());
    let r = h
        .wait_response(300_000_000_000_000_040, "a refusal", |r| {
            content(r).contains("Manage Server")
        })
        .await;
    assert_eq!(r.body["data"]["flags"], json!(64));
    assert!(!h.is_watched(WATCHED).await);

    h.admin(300_000_000_000_000_041, ADMINISTRATOR, "watch", channel);
    h.wait_response(300_000_000_000_000_041, "watching", |r| {
        content(r).contains("Watching")
    })
    .await;
    assert!(h.is_watched(WATCHED).await);

    let settings = json!([{"name": "sensitivity", "type": 10, "value": 4.5}, {"name": "use_threads", "type": 5, "value": false}, {"name": "window_minutes", "type": 4, "value": 45}]);
    h.admin(300_000_000_000_000_042, MANAGE_GUILD, "settings", settings);
    h.wait_response(300_000_000_000_000_042, "settings", |r| {
        content(r).contains("Sensitivity (threshold): 4.50, set by hand")
    })
    .await;
    h.admin(
        300_000_000_000_000_043,
        MANAGE_GUILD,
        "settings",
        json!([{"name": "sensitivity", "type": 10, "value": 99.0}]),
    );
    h.wait_response(300_000_000_000_000_043, "a range error", |r| {
        content(r).contains("between 0.5 and 20")
    })
    .await;
    h.admin(300_000_000_000_000_044, MANAGE_GUILD, "status", json!([]));
    h.wait_response(300_000_000_000_000_044, "status", |r| {
        content(r).contains(&format!("<#{WATCHED}>"))
    })
    .await;
    let s = h
        .store()
        .await
        .guild_settings(GuildId(GUILD))
        .await
        .unwrap();
    assert_eq!(s.threshold, Some(4.5));
    assert!(!s.use_threads);
    assert_eq!(s.window_minutes, Some(45));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn watch_and_status_say_which_permissions_the_bot_lacks_in_a_channel() {
    let h = Harness::start(&[]).await;
    h.fake.deny_in_channel(WATCHED, SEND_MESSAGES);
    h.fake.deny_in_channel(SECOND, CREATE_PUBLIC_THREADS);
    let watch = |id: u64, ch: u64| {
        h.admin(
            id,
            MANAGE_GUILD,
            "watch",
            json!([{"name": "channel", "type": 7, "value": ch.to_string()}]),
        )
    };
    watch(300_000_000_000_000_100, WATCHED);
    let r = h
        .wait_response(
            300_000_000_000_000_100,
            "a missing-permission warning",
            |r| content(r).contains("Watching"),
        )
        .await;
    let text = content(&r);
    assert!(
        text.contains(&format!("In <#{WATCHED}> I lack **Send Messages**"))
            && text.contains("stay silent")
            && !text.contains("Create Public Threads"),
        "{text}"
    );
    assert!(mentions_suppressed(&r), "{}", r.body);
    assert!(
        h.is_watched(WATCHED).await,
        "the watch is stored all the same"
    );

    watch(300_000_000_000_000_101, SECOND);
    let text = content(
        &h.wait_response(300_000_000_000_000_101, "a thread warning", |r| {
            content(r).contains("Watching")
        })
        .await,
    );
    assert!(
        text.contains("**Create Public Threads**") && text.contains("instead of a thread"),
        "{text}"
    );
    assert!(!text.contains("Send Messages**"), "{text}");

    watch(300_000_000_000_000_102, OTHER);
    let text = content(
        &h.wait_response(300_000_000_000_000_102, "all is well", |r| {
            content(r).contains("Watching")
        })
        .await,
    );
    assert!(
        text.contains(&format!("I have the permissions I need in <#{OTHER}>")),
        "{text}"
    );
    // The bot read its own member, the server's roles and each channel's overwrites.
    let seen = h.fake.requests();
    assert!(seen.iter().any(
        |r| r.method == "GET" && r.path == format!("/api/v10/guilds/{GUILD}/members/{BOT_ID}")
    ));
    assert!(
        seen.iter()
            .any(|r| r.method == "GET" && r.path == format!("/api/v10/channels/{WATCHED}"))
    );

    h.admin(300_000_000_000_000_103, MANAGE_GUILD, "status", json!([]));
    let text = content(
        &h.wait_response(300_000_000_000_000_103, "status", |r| {
            content(r).contains("Watching:")
        })
        .await,
    );
    assert!(
        text.contains(&format!("In <#{WATCHED}> I lack **Send Messages**"))
            && text.contains(&format!("In <#{SECOND}> I lack **Create Public Threads**"))
            && !text.contains(&format!("In <#{OTHER}>")),
        "{text}"
    );

    // When Discord refuses the lookup, status says so and still answers.
    h.fake.fail("GET", "/members/", 403);
    h.admin(300_000_000_000_000_104, MANAGE_GUILD, "status", json!([]));
    let text = content(
        &h.wait_response(300_000_000_000_000_104, "status", |r| {
            content(r).contains("Watching:")
        })
        .await,
    );
    assert!(text.contains("I could not check my permissions"), "{text}");
    assert!(text.contains("Sensitivity"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dev_guild_gets_its_commands_registered_directly() {
    let fake = Fake::start().await;
    let dir = tempfile::tempdir().unwrap();
    let _bot = Bot(bot_command(&fake, &dir.path().join("bot.db"))
        .env("PLANCHECK_DEV_GUILD", GUILD.to_string())
        .spawn()
        .unwrap());
    let path = format!("/guilds/{GUILD}/commands");
    let seen = fake
        .wait_for("guild command registration", |r| {
            r.iter()
                .any(|r| r.method == "PUT" && r.path.ends_with(&path))
        })
        .await;
    let put = seen.iter().find(|r| r.path.ends_with(&path)).unwrap();
    let names: Vec<&str> = put
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["plancheck", "plan"]);
    // Every option of every command is described (Discord requires 1–100 characters).
    fn check(options: &Value) {
        for o in options.as_array().into_iter().flatten() {
            let d = o["description"].as_str().unwrap_or("");
            assert!(!d.is_empty() && d.chars().count() <= 100, "{o}");
            check(&o["options"]);
        }
    }
    for c in put.body.as_array().unwrap() {
        check(&c["options"]);
    }
    assert_eq!(
        put.body[0]["default_member_permissions"], "32",
        "/plancheck is for Manage Server"
    );
    assert!(!seen.iter().any(|r| {
        r.method == "PUT"
            && r.path
                .ends_with(&format!("{}/commands", fake_discord::APP_ID))
    }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_status_longer_than_a_message_is_split_not_cut_or_failed() {
    let h = Harness::start(&[]).await;
    let set = plancheck::packs::PackSet::shipped().unwrap();
    let all = set
        .iter()
        .map(|p| p.id.clone())
        .collect::<Vec<_>>()
        .join(",");
    // Every question of every pack, one of each same_as group.
    let groups: std::collections::BTreeSet<&str> = set
        .iter()
        .flat_map(|p| p.questions.iter())
        .map(|q| set.group_of(&q.id))
        .collect();
    assert!(groups.len() > 150, "{}", groups.len());
    let (started, thread) = h
        .start_by_command(300_000_000_000_000_090, "Everything", &all)
        .await;
    assert!(
        content(&started).contains(&format!("with {} questions", groups.len())),
        "{}",
        content(&started)
    );
    for p in h.posts(thread) {
        assert!(content(&p).chars().count() <= 2000);
        let rows = p.body["components"].as_array().cloned().unwrap_or_default();
        assert!(rows.len() <= 5, "{}", p.body);
        for row in rows {
            assert!(row["components"].as_array().unwrap().len() <= 5, "{row}");
        }
    }
    h.fake.command(
        300_000_000_000_000_091,
        Caller {
            channel: thread,
            user: ALICE,
            perms: 0,
        },
        "plan",
        slash("status", json!([])),
        json!({}),
    );
    let token = "token300000000000000091";
    let seen = h
        .fake
        .wait_for("a status in several parts", |r| {
            let parts: Vec<&Recorded> = r.iter().filter(|r| r.path.contains(token)).collect();
            parts.len() >= 2 && parts.iter().any(|p| content(p).contains("Product rules"))
        })
        .await;
    let parts: Vec<&Recorded> = seen.iter().filter(|r| r.path.contains(token)).collect();
    let plan = h.store().await.plan(PlanId(1)).await.unwrap().unwrap();
    let critical = plan.questions.iter().filter(|q| q.critical).count();
    h.fake
        .wait_for("every critical question listed", |r| {
            r.iter()
                .filter(|r| r.path.contains(token))
                .map(|r| content(r).matches(" ⚠ ").count())
                .sum::<usize>()
                == critical
        })
        .await;
    for p in parts {
        assert!(content(p).chars().count() <= 2000);
        assert!(mentions_suppressed(p), "{}", p.body);
    }
}
