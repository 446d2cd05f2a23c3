//! What every command-line test starts from: the binary with a clean environment, run
//! with some standard input, and its output as text.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `plancheck` binary with no `PLANCHECK_*` variable, config, token or proxy of the
/// machine running the tests, logging warnings only.
pub fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_plancheck"));
    for var in plancheck::config::env_vars() {
        c.env_remove(var.name);
    }
    for key in [
        "PLANCHECK_CONFIG",
        "DISCORD_TOKEN",
        "GITHUB_TOKEN",
        "RUST_LOG",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "http_proxy",
        "https_proxy",
        "ALL_PROXY",
    ] {
        c.env_remove(key);
    }
    c.env("PLANCHECK_LOG", "warn");
    c
}

/// Runs `c` with `stdin` written to it and waits for its output.
pub fn run_with(mut c: Command, stdin: &str) -> Output {
    let mut child = c
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

/// `plancheck ARGS` on the database `db`, with `stdin`.
pub fn run(args: &[&str], db: &Path, stdin: &str) -> Output {
    let mut c = bin();
    c.args(args).env("PLANCHECK_DATABASE", db);
    run_with(c, stdin)
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}
