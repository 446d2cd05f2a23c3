//! The console shows the same anti-pattern notes as the bot: once per plan per nudge,
//! none for a rejection, and `/nudge off ID` silences one.

use crate::common::*;
use std::path::Path;
use std::process::Output;

fn console(db: &Path, stdin: &str) -> Output {
    run(&["console"], db, stdin)
}

const NOTE: &str = "💡 Note (Cache before measuring): Measure first";

#[test]
fn the_console_shows_a_note_once_per_plan_and_nudge_off_silences_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let out = console(
        &db,
        "/plan start Orders page | api
ana: let's not just slap Redis on it
bo: just put redis in front of it
ana: ok, let's just slap a cache on it then
/nudge off cache_before_measuring
/nudge off nope
/plan close force
/plan start Search page | api
bo: just put redis in front of it
",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.matches(NOTE).count(), 1, "{stdout}");
    assert!(
        stdout.contains("(not helpful? /nudge off cache_before_measuring)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Notes about “Cache before measuring” are off here."),
        "{stdout}"
    );
    assert!(stdout.contains("! there is no nudge 'nope'"), "{stdout}");
    // The note came after bo's message, not after the rejection before it.
    let note_at = stdout.find(NOTE).unwrap();
    assert!(stdout[..note_at].contains("Checklist started"), "{stdout}");
}

#[test]
fn a_prompt_in_the_console_carries_its_note() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let out = console(
        &db,
        "ana: We should add a product comparison page, it would be nice to compare prices. Let's just put redis in front of it
",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Sounds like a new feature"), "{stdout}");
    assert_eq!(stdout.matches(NOTE).count(), 1, "{stdout}");
}
