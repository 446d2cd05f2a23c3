//! The real `plancheck` binary from the command line, a fresh database per test: one test
//! binary, one file per feature (the console walk and the subcommands in `walk.rs`).

#[path = "../support/fake_github.rs"]
mod fake_github;
#[path = "../support/gfm.rs"]
mod gfm;

mod adr;
mod common;
mod forget;
mod github;
mod nudges;
mod reading;
mod walk;
