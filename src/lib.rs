//! plancheck: notices feature discussions and offers backend planning questions.
//!
//! The pure core (`packs`, `detect`, `plan`, `export`) knows nothing of Discord, SQL or
//! the terminal; `store` holds all SQL, `service` joins them, and `discord`, `console`,
//! `cli` are adapters. See `ARCHITECTURE.md`.

pub mod config;
pub mod detect;
pub mod error;
pub mod export;
pub mod guild;
pub mod ids;
pub mod packs;
pub mod plan;
pub mod service;
pub mod store;
