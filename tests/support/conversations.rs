//! Conversation fixtures (`tests/fixtures/*.toml`), shared by the test binaries that read them.

#![allow(dead_code)] // each test binary reads a different part of it

use serde::Deserialize;

#[derive(Deserialize)]
struct Fixtures {
    conversation: Vec<Conversation>,
}

/// One conversation of a channel, in order.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conversation {
    pub name: String,
    /// Packs that must be among the top three domain/integration packs.
    #[serde(default)]
    pub suggest: Vec<String>,
    /// Packs that must not be suggested at all.
    #[serde(default)]
    pub not: Vec<String>,
    pub messages: Vec<String>,
}

/// Feature discussions, each with the packs it should suggest.
pub fn features() -> Vec<Conversation> {
    parse(include_str!("../fixtures/conversations.toml"))
}

/// Everyday team talk that must never prompt.
pub fn quiet() -> Vec<Conversation> {
    parse(include_str!("../fixtures/quiet.toml"))
}

fn parse(src: &str) -> Vec<Conversation> {
    toml::from_str::<Fixtures>(src).unwrap().conversation
}
