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
