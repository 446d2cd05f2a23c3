//! The invariants of ARCHITECTURE.md that a grep can check.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_pure_core_imports_no_discord_sql_or_runtime_crate() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for part in ["packs", "detect", "plan", "export", "eval"] {
        rust_files(&src.join(part), &mut files);
    }
    files.push(src.join("guild.rs"));
    files.push(src.join("ids.rs"));
    assert!(files.len() > 10, "found {files:?}");
    let mut offenders = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for krate in ["serenity", "poise", "sqlx", "tokio"] {
                if code.contains(&format!("{krate}::")) || code.contains(&format!("use {krate}")) {
                    offenders.push(format!("{}:{}: {krate}", f.display(), n + 1));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn sql_lives_only_in_the_store() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let outside: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(src.join("store")))
        .filter(|f| std::fs::read_to_string(f).unwrap().contains("sqlx::query"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
}

/// Lines of `file` that name `krate` in code (not in a comment or a string literal).
fn naming(file: &Path, krate: &str) -> Vec<String> {
    let strings = regex::Regex::new(r#""(?:[^"\\]|\\.)*""#).unwrap();
    let text = std::fs::read_to_string(file).unwrap();
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            let code = line.split("//").next().unwrap_or("");
            let code = strings.replace_all(code, "\"\"");
            code.contains(&format!("{krate}::")) || code.contains(&format!("use {krate}"))
        })
        .map(|(n, _)| format!("{}:{}", file.display(), n + 1))
        .collect()
}

#[test]
fn discord_crates_live_only_in_the_discord_adapter_and_sqlx_only_in_the_store() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 40, "found {files:?}");
    let mut offenders = Vec::new();
    for f in &files {
        for (krate, home) in [
            ("serenity", "discord"),
            ("poise", "discord"),
            ("sqlx", "store"),
        ] {
            if !f.starts_with(src.join(home)) {
                offenders.extend(
                    naming(f, krate)
                        .into_iter()
                        .map(|l| format!("{l}: {krate}")),
                );
            }
        }
    }
    assert!(offenders.is_empty(), "{}", offenders.join("\n"));
}

#[test]
fn the_crate_check_sees_imports_and_paths_but_not_strings_or_comments() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.rs");
    std::fs::write(
        &f,
        "use serenity::all as sy;\nlet t = \"serenity::gateway\"; // serenity::x\nfn f(e: sqlx::Error) {}\n",
    )
    .unwrap();
    assert_eq!(naming(&f, "serenity").len(), 1);
    assert_eq!(naming(&f, "sqlx").len(), 1);
    assert!(naming(&f, "poise").is_empty());
}
