//! plancheck: notices feature discussions and offers backend planning questions.
//!
//! The pure core (`packs`, `detect`, `plan`, `export`) knows nothing of Discord, SQL or
//! the terminal; `store` holds all SQL, `service` joins them, and `discord`, `console`,
//! `cli` are adapters. See `ARCHITECTURE.md`.

pub mod cli;
pub mod config;
pub mod console;
pub mod detect;
pub mod discord;
pub mod error;
pub mod eval;
pub mod export;
pub mod github;
pub mod guild;
pub mod ids;
pub mod metrics;
pub mod output;
pub mod packs;
pub mod plan;
pub mod service;
pub mod store;
pub mod telemetry;
pub mod text;
pub mod transcript;
