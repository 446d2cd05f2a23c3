//! Plan summaries: Markdown (a GitHub task list), JSON (versioned schema), CSV, and an
//! architecture decision record (MADR layout).
//! Pure functions from a [`Plan`] to text; user text is escaped for each format.

mod adr;
mod csv_out;
pub use csv_out::HEADER as CSV_HEADER;
mod escape;
pub mod github;
mod json;
mod markdown;

pub use escape::{csv_cell, markdown_inline};
pub use json::{JSON_SCHEMA, JSON_VERSION};

use crate::plan::Plan;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
    Csv,
    /// An architecture decision record in the MADR layout (Markdown).
    Adr,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "adr" => Some(Format::Adr),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Adr => "md",
        }
    }
}

/// Renders a plan in `format`.
pub fn render(plan: &Plan, format: Format) -> String {
    match format {
        Format::Markdown => markdown::render(plan),
        Format::Json => json::render(plan),
        Format::Csv => csv_out::render(plan),
        Format::Adr => adr::render(plan),
    }
}

/// A file name for a plan's export: `plan-12-refunds-for-orders.md` (an ADR:
/// `adr-12-refunds-for-orders.md`).
pub fn file_name(plan: &Plan, format: Format) -> String {
    let mut slug = String::new();
    for c in plan.title.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let kind = if format == Format::Adr { "adr" } else { "plan" };
    if slug.is_empty() {
        format!("{kind}-{}.{}", plan.id, format.extension())
    } else {
        format!("{kind}-{}-{}.{}", plan.id, slug, format.extension())
    }
}

#[cfg(test)]
mod tests;
