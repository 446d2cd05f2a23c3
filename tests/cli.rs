//! Black-box tests of the command line: the real binary, a fresh database per test.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_plancheck"));
    for key in [
        "PLANCHECK_DATABASE",
        "PLANCHECK_THRESHOLD",
        "PLANCHECK_CONFIG",
        "DISCORD_TOKEN",
        "RUST_LOG",
    ] {
        c.env_remove(key);
    }
    c.env("PLANCHECK_LOG", "warn");
    c
}

fn run(args: &[&str], db: &Path, stdin: &str) -> Output {
    let mut child = bin()
        .args(args)
        .env("PLANCHECK_DATABASE", db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

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
        stdout.matches("Spotted a feature discussion").count(),
        1,
        "{stdout}"
    );
    assert!(stdout.contains("Packs: Payments"), "{stdout}");
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
    // The standard checklist it would open: 8 to 15 question ids, no id twice.
    let questions: Vec<&str> = p["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!((8..=15).contains(&questions.len()), "{questions:?}");
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
    run(
        &["console"],
        &db,
        "/plan start First | api\n/plan start Second | caching\n/plan close\n",
    );
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
