//! Black-box tests of the command line: the real binary, a fresh database per test.

use crate::common::*;
use std::io::Write;
use std::path::Path;
use std::process::{Output, Stdio};

const WALK: &str = "\
ana: the deploy is broken again, I get an error
bo: thanks, fixed
ana: we should add partial refunds for card payments
bo: it would be nice to have an option to refund a single line item
/start
/plan answer Q1 Idempotency-Key header, kept 24 h @everyone
/plan answer Q1 Idempotency-Key header, kept 48 h
/plan skip Q7 single currency for now
/plan answer Q999 nope
/plan status
/plan export md
";

#[test]
fn a_console_walk_goes_from_discussion_to_prompt_answers_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let out = run(&["console"], &db, WALK);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        stdout.matches("Sounds like a new feature").count(),
        1,
        "{stdout}"
    );
    assert!(
        stdout.contains("Planning packs that fit: Payments"),
        "{stdout}"
    );
    assert!(stdout.contains("Checklist started: plan 1"), "{stdout}");
    assert!(stdout.contains("Recorded Q1."), "{stdout}");
    assert!(stdout.contains("Skipped Q7."), "{stdout}");
    assert!(
        stdout.contains("! no question 'Q999' in this plan"),
        "{stdout}"
    );
    assert!(
        stdout.contains("# Plan: Partial refunds for card payments"),
        "{stdout}"
    );
    assert!(
        stdout.contains("> Idempotency\\-Key header, kept 48 h")
            || stdout.contains("> Idempotency-Key header, kept 48 h"),
        "{stdout}"
    );
    assert!(stdout.contains("2 revisions"), "{stdout}");
    assert!(
        !stdout.contains("@everyone"),
        "no mention survives the export"
    );

    // The same database serves the export command, with history kept.
    let json = run(&["export", "--plan", "1", "--format", "json"], &db, "");
    assert!(json.status.success(), "{}", text(&json.stderr));
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["schema"], "plancheck.plan");
    let q1 = &v["questions"][0];
    assert_eq!(q1["answer"]["text"], "Idempotency-Key header, kept 48 h");
    assert_eq!(q1["history"].as_array().unwrap().len(), 2);
    assert_eq!(v["questions"][6]["state"], "skipped");
}

#[test]
fn export_writes_a_file_and_a_missing_plan_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let out = run(
        &["console"],
        &db,
        "/plan start Bulk export | api | thorough\n/plan answer 1 the web app\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let file = dir.path().join("plan.csv");
    let ok = run(
        &[
            "export",
            "--plan",
            "1",
            "--format",
            "csv",
            "--out",
            file.to_str().unwrap(),
        ],
        &db,
        "",
    );
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let csv = std::fs::read_to_string(&file).unwrap();
    assert!(csv.starts_with("plan_id,number,question_id"));
    assert_eq!(csv.lines().count(), 11, "header + 10 API questions");

    let missing = dir.path().join("nothing.md");
    let bad = run(
        &["export", "--plan", "42", "--out", missing.to_str().unwrap()],
        &db,
        "",
    );
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("there is no plan 42"),
        "{}",
        text(&bad.stderr)
    );
    assert!(!missing.exists(), "nothing written");

    let usage = run(&["export", "--plan", "1", "--format", "pdf"], &db, "");
    assert!(!usage.status.success());
    assert!(
        text(&usage.stderr).contains("pdf"),
        "{}",
        text(&usage.stderr)
    );
}

#[cfg(unix)]
#[test]
fn an_exported_file_gets_the_permissions_any_new_file_gets() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let out = run(&["console"], &db, "/plan start Bulk export | api\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    // What this process's umask makes of a new file, e.g. 0644.
    let sibling = dir.path().join("sibling.md");
    std::fs::File::create(&sibling).unwrap();
    let export = |file: &Path| {
        let out = run(
            &["export", "--plan", "1", "--out", file.to_str().unwrap()],
            &db,
            "",
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    };
    let file = dir.path().join("plan.md");
    export(&file);
    assert_eq!(
        mode(&file),
        mode(&sibling),
        "not the 0600 of a temporary file"
    );
    assert_ne!(
        mode(&file),
        0o600,
        "a umask of 077 would hide the difference"
    );

    // Writing over a file keeps its permissions, as File::create does.
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    export(&file);
    assert_eq!(mode(&file), 0o640);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .starts_with("# Plan: Bulk export")
    );
}

#[test]
fn scan_prints_each_prompt_once_with_evidence_and_packs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let file = fixture("design-chat.txt");
    let out = run(&["scan", file.to_str().unwrap(), "--json"], &db, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "one prompt for one discussion: {lines:?}");
    let p = &lines[0];
    assert!(
        p["message_index"].as_u64().unwrap() >= 3,
        "not on the bug report: {p}"
    );
    assert!(p["score"].as_f64().unwrap() >= p["threshold"].as_f64().unwrap());
    let packs: Vec<&str> = p["packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        packs.contains(&"payments") || packs.contains(&"ecommerce"),
        "{packs:?}"
    );
    assert!(packs.contains(&"api"));
    // The standard checklist it would open: 8 to 12 question ids, no id twice.
    let questions: Vec<&str> = p["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!((8..=12).contains(&questions.len()), "{questions:?}");
    let distinct: std::collections::BTreeSet<&&str> = questions.iter().collect();
    assert_eq!(distinct.len(), questions.len());
    assert!(!p["evidence"].as_array().unwrap().is_empty());
    assert!(
        p["title"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("refund"),
        "{p}"
    );

    let human = run(&["scan", file.to_str().unwrap()], &db, "");
    assert!(
        text(&human.stdout).contains("1 prompt(s) in 7 message(s)."),
        "{}",
        text(&human.stdout)
    );
}

#[test]
fn scan_of_a_broken_export_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("export.json");
    std::fs::write(
        &bad,
        "{\n  \"channel\": {\"id\": \"1\", \"name\": \"x\"},\n  \"messages\": [ oops ]\n}\n",
    )
    .unwrap();
    let out = run(
        &["scan", bad.to_str().unwrap()],
        &dir.path().join("c.db"),
        "",
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{}:3:", bad.display())), "{err}");
    let missing = run(
        &["scan", "/nonexistent/log.txt"],
        &dir.path().join("c.db"),
        "",
    );
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("cannot read /nonexistent/log.txt"));
}

/// A feature discussion that prompts, at the given times (`[time] ` prefixes, or none).
fn proposal(times: [&str; 3], topic: &str) -> String {
    let lines = [
        format!("carla: so, for next sprint: we should add {topic} to the checkout flow"),
        format!("bo: it would be nice to let support staff use {topic} for a single line item"),
        "carla: and we need a new endpoint for it, POST /orders/{id}/refunds".to_string(),
    ];
    times
        .iter()
        .zip(lines)
        .map(|(t, l)| format!("{t}{l}\n"))
        .collect()
}

fn prompts(out: &Output) -> Vec<serde_json::Value> {
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn scan_uses_the_times_of_a_plain_log_for_windows_and_cooldowns() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    // Two proposals 7.5 hours apart: the cooldown (60 minutes) is long over by the second.
    let timed = format!(
        "{}{}",
        proposal(["[10:20] ", "[10:21] ", "[10:22] "], "partial refunds"),
        proposal(
            ["[2026-03-01T17:50:00Z] ", "[17:51] ", "[17:52] "],
            "gift cards"
        )
    );
    let log = dir.path().join("chat.txt");
    std::fs::write(&log, &timed).unwrap();
    let found = prompts(&run(&["scan", log.to_str().unwrap(), "--json"], &db, ""));
    assert_eq!(found.len(), 2, "{found:?}");
    let second = found[1]["message_index"].as_u64().unwrap();
    assert!(
        (3..6).contains(&second),
        "the second proposal prompts: {found:?}"
    );

    // The control: without times the same lines are a minute apart, and the second
    // proposal falls in the first one's cooldown.
    let untimed = format!(
        "{}{}",
        proposal(["", "", ""], "partial refunds"),
        proposal(["", "", ""], "gift cards")
    );
    std::fs::write(&log, untimed).unwrap();
    let found = prompts(&run(&["scan", log.to_str().unwrap(), "--json"], &db, ""));
    assert_eq!(found.len(), 1, "{found:?}");
}

#[test]
fn scan_json_previews_the_checklist_with_what_was_said_after_the_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let log = dir.path().join("chat.txt");
    // The prompt fires on the first message; the answer and the open question come after
    // it, and count as they would when someone clicks *Start* later.
    std::fs::write(
        &log,
        "ana: partners asked for refund webhooks, stripe will send us refund events for card payments and we need a receiver for them\n\
         raj: we will verify the HMAC signature and reject anything older than 5 min\n\
         ana: who owns the retry budget when our handler is down, us or stripe?\n",
    )
    .unwrap();
    let out = run(&["scan", log.to_str().unwrap(), "--json"], &db, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let p = &lines[0];
    assert_eq!(p["message_index"], 0, "{p}");
    let suggested = p["suggested"].as_array().unwrap();
    assert_eq!(suggested.len(), 1, "{p}");
    assert_eq!(suggested[0]["author"], "raj");
    assert!(suggested[0]["text"].as_str().unwrap().contains("HMAC"));
    let team = p["team_questions"].as_array().unwrap();
    assert_eq!(team.len(), 1, "{p}");
    assert_eq!(team[0]["author"], "ana");
    // Both are in the checklist's question ids.
    let ids: Vec<&str> = p["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(ids.contains(&team[0]["id"].as_str().unwrap()), "{ids:?}");
    assert!(
        ids.contains(&suggested[0]["question"].as_str().unwrap()),
        "{ids:?}"
    );
}

/// A DiscordChatExporter export of one channel holding one proposal.
fn export(channel: u64, nickname: &str) -> String {
    let messages: Vec<serde_json::Value> = proposal(["", "", ""], "partial refunds")
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let (name, content) = line.split_once(": ").unwrap();
            serde_json::json!({
                "id": (channel * 100 + i as u64).to_string(),
                "type": "Default",
                "timestamp": format!("2026-03-01T10:2{i}:00+00:00"),
                "content": content,
                "author": {"id": "7", "name": name, "nickname": nickname, "isBot": false},
                "reference": if i > 0 { serde_json::json!({"messageId": (channel * 100).to_string()}) } else { serde_json::Value::Null },
            })
        })
        .collect();
    serde_json::json!({
        "guild": {"id": "1", "name": "g"},
        "channel": {"id": channel.to_string(), "name": format!("design-{channel}")},
        "messages": messages,
    })
    .to_string()
}

#[test]
fn scan_reads_several_files_a_folder_of_exports_and_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    // A byte-order mark, as some editors and Windows tools write.
    std::fs::write(
        exports.join("b.json"),
        format!("\u{FEFF}{}", export(22, "Carla R.")),
    )
    .unwrap();
    std::fs::write(exports.join("a.json"), export(11, "")).unwrap();
    std::fs::write(exports.join("notes.txt"), "not an export").unwrap();
    let plain = dir.path().join("chat.txt");
    std::fs::write(&plain, proposal(["", "", ""], "gift cards")).unwrap();
    let stdin = proposal(["[09:00] ", "[09:01] ", "[09:02] "], "store credit");
    let args = [
        "scan",
        plain.to_str().unwrap(),
        exports.to_str().unwrap(),
        "-",
    ];

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let found = prompts(&run(&json_args, &db, &stdin));
    let files: Vec<&str> = found.iter().map(|p| p["file"].as_str().unwrap()).collect();
    let a = exports.join("a.json").display().to_string();
    let b = exports.join("b.json").display().to_string();
    assert_eq!(
        files,
        [plain.to_str().unwrap(), a.as_str(), b.as_str(), "<stdin>"],
        "one prompt a channel, in the order given, a folder's files by name"
    );
    assert_eq!(found[1]["channel"], "design-11");
    assert_eq!(found[2]["channel"], "design-22");

    let human = run(&args, &db, &stdin);
    let out = text(&human.stdout);
    assert!(human.status.success(), "{}", text(&human.stderr));
    let line_of = |file: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{file} #")))
            .unwrap_or_else(|| panic!("no prompt for {file}: {out}"))
            .to_string()
    };
    assert!(line_of(&b).contains(" Carla R.: "), "the nickname: {out}");
    let plain_names = line_of(&a);
    assert!(
        plain_names.contains(" carla: ") || plain_names.contains(" bo: "),
        "no nickname: {out}"
    );
    assert!(
        out.contains("4 prompt(s) in 12 message(s) of 4 logs."),
        "{out}"
    );
}

#[test]
fn scan_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let err = |args: &[&str], stdin: &str| {
        let out = run(args, &db, stdin);
        assert_eq!(out.status.code(), Some(1));
        text(&out.stderr)
    };
    let e = err(&["scan", "-"], "[10:00] ana: hi\n[10:61] bo: hello\n");
    assert!(e.contains("<stdin>:2: '[10:61]' is not a time"), "{e}");

    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        export(5, "")
            .replacen("\"id\":\"7\"", "\"id\":\"ana\"", 1)
            .replace(",{", ",\n{"),
    )
    .unwrap();
    let e = err(&["scan", bad.to_str().unwrap()], "");
    assert!(
        e.contains(&format!("{}:1: ", bad.display())) && e.contains("'ana' is not a Discord id"),
        "{e}"
    );

    let latin1 = dir.path().join("latin1.txt");
    std::fs::write(&latin1, b"ana: hi\nbo: caf\xE9\n").unwrap();
    let e = err(&["scan", latin1.to_str().unwrap()], "");
    assert!(
        e.contains(&format!("{}:2: not UTF-8", latin1.display())),
        "{e}"
    );

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let e = err(&["scan", empty.to_str().unwrap()], "");
    assert!(e.contains("no DiscordChatExporter exports"), "{e}");
}

#[test]
fn eval_reports_per_source_and_pooled_figures_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("c.jsonl");
    std::fs::write(
        &corpus,
        [
            r#"{"id":"a","source":"forum","label":"feature","text":"It would be nice to have an option to export playlists"}"#,
            r#"{"id":"b","source":"forum","label":"not_feature","text":"I get an error when I open the file"}"#,
            r#"{"id":"c","source":"chat","label":"feature","n_messages":2,"text":"hey\nwe should add support for subtitles in a new settings page"}"#,
            r#"{"id":"d","source":"chat","label":"not_feature","n_messages":2,"text":"anyone know why this crashes?\nthanks"}"#,
        ]
        .join("\n"),
    )
    .unwrap();
    let out = run(
        &["eval", corpus.to_str().unwrap(), "--json"],
        &dir.path().join("c.db"),
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for source in ["forum", "chat"] {
        let s = &v["sources"][source];
        for key in ["precision", "recall", "f1", "tp", "fp", "fn", "tn"] {
            assert!(s.get(key).is_some(), "{source} lacks {key}: {v}");
        }
        assert_eq!(s["tp"].as_u64().unwrap() + s["fn"].as_u64().unwrap(), 1);
    }
    assert_eq!(
        v["pooled"]["tp"].as_u64().unwrap()
            + v["pooled"]["fp"].as_u64().unwrap()
            + v["pooled"]["fn"].as_u64().unwrap()
            + v["pooled"]["tn"].as_u64().unwrap(),
        4
    );
    assert_eq!(v["pooled"]["tp"], 2, "both feature rows are found: {v}");
    assert_eq!(v["pooled"]["fp"], 0, "{v}");

    std::fs::write(&corpus, "{\"id\":\"a\"}\n").unwrap();
    let bad = run(
        &["eval", corpus.to_str().unwrap()],
        &dir.path().join("c.db"),
        "",
    );
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains(&format!("{}:1: not a corpus row", corpus.display())),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn packs_check_passes_for_shipped_packs_and_names_file_and_line_for_a_bad_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let ok = run(&["packs", "--check"], &db, "");
    assert!(ok.status.success());
    assert!(
        text(&ok.stdout).starts_with("ok: 23 packs, 172 questions"),
        "{}",
        text(&ok.stdout)
    );

    let packs = dir.path().join("packs");
    std::fs::create_dir(&packs).unwrap();
    std::fs::write(
        packs.join("ours.toml"),
        "id = \"ours\"\nname = \"Ours\"\ndescription = \"d\"\nkind = \"domain\"\n[[questions]]\nid = \"ours.a\"\ncategory = \"vibes\"\ntext = \"Q?\"\nwhy = \"w\"\n",
    )
    .unwrap();
    let bad = bin()
        .args(["packs", "--check"])
        .env("PLANCHECK_DATABASE", &db)
        .env("PLANCHECK_PACKS_DIR", &packs)
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let err = text(&bad.stderr);
    assert!(
        err.contains("ours.toml:7: questions[0].category: unknown category 'vibes'"),
        "{err}"
    );
}

#[test]
fn a_bad_config_names_file_and_line_and_run_without_a_token_explains() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("plancheck.toml");
    std::fs::write(
        &cfg,
        "database = \"x.db\"\n[detection]\nthreshold = \"high\"\n",
    )
    .unwrap();
    let out = bin()
        .args(["--config", cfg.to_str().unwrap(), "packs", "--check"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains(&format!("{}:3:", cfg.display())),
        "{}",
        text(&out.stderr)
    );

    let out = bin()
        .args(["run"])
        .env("PLANCHECK_DATABASE", dir.path().join("c.db"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("DISCORD_TOKEN"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn plans_lists_what_the_console_created() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let console = run(
        &["console"],
        &db,
        "/plan start First | api\n/plan start Second | caching\n/plan close\n/plan close force\n",
    );
    // Its critical questions are open: refused, naming them, then closed when forced.
    let said = text(&console.stdout);
    assert!(
        said.contains("stays open") && said.contains("critical and open"),
        "{said}"
    );
    assert!(said.contains("closed unready"), "{said}");
    let out = run(&["plans"], &db, "");
    let s = text(&out.stdout);
    assert!(s.contains("First") && s.contains("Second"), "{s}");
    let closed = run(&["plans", "--status", "closed"], &db, "");
    let s = text(&closed.stdout);
    assert!(s.contains("Second") && !s.contains("First"), "{s}");
}

#[test]
fn invite_url_asks_for_exactly_the_needed_permissions() {
    let out = bin()
        .args(["invite-url", "--application-id", "1234"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        text(&out.stdout).trim(),
        "https://discord.com/oauth2/authorize?client_id=1234&scope=bot+applications.commands&permissions=309237763136"
    );
}

#[test]
fn a_custom_cue_file_is_used_and_its_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cues = dir.path().join("cues.toml");
    std::fs::write(
        &cues,
        "[[intent]]\nfamily = \"x\"\npattern = 'zebra crossing'\nweight = 3.0\n",
    )
    .unwrap();
    let cfg = dir.path().join("plancheck.toml");
    std::fs::write(
        &cfg,
        format!(
            "[detection]\ncues_file = {:?}\n",
            cues.display().to_string()
        ),
    )
    .unwrap();
    let log = dir.path().join("chat.txt");
    std::fs::write(
        &log,
        "ana: we need a zebra crossing\nbo: we should add refunds, it would be nice\n",
    )
    .unwrap();
    let out = bin()
        .args([
            "--config",
            cfg.to_str().unwrap(),
            "scan",
            log.to_str().unwrap(),
            "--json",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let prompts: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(prompts.len(), 1, "only the custom cue fires: {prompts:?}");
    assert_eq!(prompts[0]["message_index"], 0);

    std::fs::write(
        &cues,
        "[[intent]]\nfamily = \"x\"\npattern = 'zebra ('\nweight = 3.0\n",
    )
    .unwrap();
    let bad = bin()
        .args(["--config", cfg.to_str().unwrap(), "packs", "--check"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains(&format!("{}:3: intent[0].pattern", cues.display())),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn plans_and_export_on_a_missing_database_say_so_and_create_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("absent.db");
    for args in [&["plans"][..], &["export", "--plan", "1"][..]] {
        let out = run(args, &db, "");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains(&format!("no database at {}", db.display())),
            "{args:?}: {err}"
        );
        assert!(!db.exists(), "{args:?} created the database");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "{args:?} left files behind"
        );
    }
    // Control: the console creates it, after which both read it.
    run(&["console"], &db, "/plan start First | api\n");
    assert!(db.exists());
    let plans = run(&["plans"], &db, "");
    assert!(plans.status.success(), "{}", text(&plans.stderr));
    assert!(text(&plans.stdout).contains("First"));
    let export = run(&["export", "--plan", "1"], &db, "");
    assert!(export.status.success(), "{}", text(&export.stderr));
}

#[test]
fn output_into_a_closed_pipe_ends_quietly_with_status_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    run(&["console"], &db, "/plan start First | api\n");
    // `plancheck … | head -1`, at its most abrupt: the reader is gone before the first
    // write, so every write fails with a broken pipe.
    for args in [
        &["packs"][..],
        &["plans"][..],
        &["export", "--plan", "1"][..],
    ] {
        let mut child = bin()
            .args(args)
            .env("PLANCHECK_DATABASE", &db)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = text(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {err}", out.status);
        assert!(err.is_empty(), "{args:?} printed: {err}");
    }
}

#[test]
fn completions_and_manual_pages_describe_every_command_without_a_config() {
    let dir = tempfile::tempdir().unwrap();
    // Neither reads the config, so a missing one is not in the way.
    let missing_config = dir.path().join("absent.toml");
    let with = |args: &[&str]| {
        bin()
            .args(args)
            .env("PLANCHECK_CONFIG", &missing_config)
            .env("PLANCHECK_DATABASE", dir.path().join("c.db"))
            .output()
            .unwrap()
    };
    let commands = [
        "run",
        "invite-url",
        "console",
        "scan",
        "eval",
        "packs",
        "plans",
        "export",
        "completions",
        "man",
    ];

    let bash = with(&["completions", "bash"]);
    assert!(bash.status.success(), "{}", text(&bash.stderr));
    let script = text(&bash.stdout);
    assert!(script.contains("_plancheck()"), "{script}");
    assert!(script.contains("complete -F _plancheck"), "{script}");
    for c in commands {
        assert!(script.contains(c), "bash completion lacks {c}");
    }
    let zsh = with(&["completions", "zsh"]);
    assert!(text(&zsh.stdout).starts_with("#compdef plancheck"));
    let bad = with(&["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2), "a usage error");

    let man = with(&["man"]);
    assert!(man.status.success(), "{}", text(&man.stderr));
    let page = text(&man.stdout);
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{page}");
    assert!(page.contains(".TH plancheck 1"), "{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    for c in commands {
        let roff = format!("plancheck\\-{}(1)", c.replace('-', "\\-"));
        assert!(page.contains(&roff), "the man page lacks {roff}");
    }

    let pages = dir.path().join("man1");
    std::fs::create_dir(&pages).unwrap();
    let out = with(&["man", "--dir", pages.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let export = std::fs::read_to_string(pages.join("plancheck-export.1")).unwrap();
    assert!(export.contains(".TH plancheck-export 1"), "{export}");
    assert!(export.contains("\\-\\-format"), "{export}");
    assert!(pages.join("plancheck.1").is_file());
    assert!(!dir.path().join("c.db").exists(), "no database touched");
}

/// What a pseudo-terminal's program has shown so far, read on a thread.
struct Screen {
    chunks: std::sync::mpsc::Receiver<Vec<u8>>,
    text: String,
    /// Where the next `wait_for` starts looking.
    seen: usize,
}

impl Screen {
    const PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

    fn new(mut master: std::fs::File) -> Screen {
        use std::io::Read;
        let (tx, chunks) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            // Ends when the program has exited and the terminal is closed (EIO).
            while let Ok(n @ 1..) = master.read(&mut buf) {
                if tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Screen {
            chunks,
            text: String::new(),
            seen: 0,
        }
    }

    /// Waits until `needle` shows after what earlier waits found.
    fn wait_for(&mut self, needle: &str) {
        let deadline = std::time::Instant::now() + Self::PATIENCE;
        loop {
            if let Some(at) = self.text[self.seen..].find(needle) {
                self.seen += at + needle.len();
                return;
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.chunks.recv_timeout(left) {
                Ok(chunk) => self.text.push_str(&String::from_utf8_lossy(&chunk)),
                Err(e) => panic!("{e}: no {needle:?} in {:?}", &self.text[self.seen..]),
            }
        }
    }

    /// Waits until the program has closed the terminal.
    fn wait_for_close(&mut self) {
        let deadline = std::time::Instant::now() + Self::PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.chunks.recv_timeout(left) {
                Ok(chunk) => self.text.push_str(&String::from_utf8_lossy(&chunk)),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                Err(e) => panic!("{e}: still open after {:?}", &self.text[self.seen..]),
            }
        }
    }
}

/// Kills the child if the test fails half-way.
struct Reaper(std::process::Child);

impl Drop for Reaper {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_console_on_a_terminal_has_a_prompt_line_editing_and_history() {
    use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let name = ptsname(&master, Vec::new()).unwrap();
    let terminal = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(name.to_str().unwrap())
        .unwrap();
    let child = bin()
        .arg("console")
        .env("PLANCHECK_DATABASE", &db)
        .env("TERM", "xterm")
        .stdin(terminal.try_clone().unwrap())
        .stdout(terminal.try_clone().unwrap())
        .stderr(terminal)
        .spawn()
        .unwrap();
    let mut child = Reaper(child);
    let mut keys = std::fs::File::from(master);
    let mut screen = Screen::new(keys.try_clone().unwrap());
    let mut type_keys = |s: &str| keys.write_all(s.as_bytes()).unwrap();

    // A prompt, shown once the console is ready for a line.
    screen.wait_for("/help lists commands.");
    screen.wait_for("> ");
    type_keys("/plan start First | api\r");
    screen.wait_for("Checklist started: plan 1");
    // The prompt names the plan that commands go to.
    screen.wait_for("plan 1> ");

    // History: ↑ brings back the last line (on a plain terminal it would be "^[[A").
    type_keys("\x1b[A\r");
    screen.wait_for("Checklist started: plan 2");
    screen.wait_for("plan 2> ");

    // Editing: type "plan status", go to the start (Ctrl-A), add the "/".
    type_keys("plan status\x01/\r");
    screen.wait_for("Plan 2 \"First\" (open, not ready)");
    screen.wait_for("plan 2> ");

    // Ctrl-D on an empty line leaves.
    type_keys("\x04");
    screen.wait_for_close();
    let status = child.0.wait().unwrap();
    assert!(status.success(), "{status:?}: {}", screen.text);
    assert!(!screen.text.contains("panicked"), "{}", screen.text);
}

#[test]
fn every_config_key_is_read_from_its_environment_variable() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    // Out of range: the variable is read (and named in the error).
    let out = bin()
        .args(["packs", "--check"])
        .env("PLANCHECK_DATABASE", &db)
        .env("PLANCHECK_DETECTION_WINDOW_MINUTES", "0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(
            "PLANCHECK_DETECTION_WINDOW_MINUTES: detection.window_minutes = 0 must be between"
        ),
        "{}",
        text(&out.stderr)
    );
    // Control: in range, the same command passes.
    let ok = bin()
        .args(["packs", "--check"])
        .env("PLANCHECK_DATABASE", &db)
        .env("PLANCHECK_DETECTION_WINDOW_MINUTES", "45")
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", text(&ok.stderr));
}
