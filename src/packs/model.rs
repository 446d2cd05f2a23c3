//! The question-pack model: plain data, validated once at load time.

use super::lazy::LazyRegex;
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a pack is for, which decides when it is offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PackKind {
    /// Always offered: data model, API, performance, errors.
    Core,
    /// Offered when the discussion names the domain (payments, tenants, …).
    Domain,
    /// Offered when the discussion names the integration (queues, webhooks, …).
    Integration,
}

impl PackKind {
    pub const ALL: [PackKind; 3] = [PackKind::Core, PackKind::Domain, PackKind::Integration];

    pub fn as_str(self) -> &'static str {
        match self {
            PackKind::Core => "core",
            PackKind::Domain => "domain",
            PackKind::Integration => "integration",
        }
    }

    pub fn parse(s: &str) -> Option<PackKind> {
        PackKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The theme a question belongs to; coverage is reported per category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    DataModel,
    Api,
    Performance,
    Errors,
    Security,
    Operations,
    Compliance,
    Product,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::DataModel,
        Category::Api,
        Category::Performance,
        Category::Errors,
        Category::Security,
        Category::Operations,
        Category::Compliance,
        Category::Product,
    ];

    /// The key used in pack files, the database and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::DataModel => "data_model",
            Category::Api => "api",
            Category::Performance => "performance",
            Category::Errors => "errors",
            Category::Security => "security",
            Category::Operations => "operations",
            Category::Compliance => "compliance",
            Category::Product => "product",
        }
    }

    /// The heading people read.
    pub fn label(self) -> &'static str {
        match self {
            Category::DataModel => "Data model",
            Category::Api => "API design",
            Category::Performance => "Performance & scale",
            Category::Errors => "Errors & edge cases",
            Category::Security => "Security",
            Category::Operations => "Operations",
            Category::Compliance => "Compliance",
            Category::Product => "Product rules",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A regular expression that makes a pack relevant, with its weight.
#[derive(Debug, Clone)]
pub struct Cue {
    pub pattern: String,
    pub regex: Regex,
    pub weight: f32,
}

/// One planning question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// Stable id, unique across all loaded packs (`pack.slug`).
    pub id: String,
    pub category: Category,
    pub text: String,
    /// What goes wrong in production when nobody asks.
    pub why: String,
    /// A wrong or missing answer causes data loss, money loss, a security incident or an outage.
    pub critical: bool,
    /// What a good answer contains.
    pub hint: Option<String>,
    /// When the question applies to a discussion (see [`When`]).
    #[serde(skip)]
    pub when: When,
    /// Another question (of any pack) that asks the same thing: a checklist holds one of
    /// such a group, the one from the best-fitting pack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_as: Option<String>,
    /// The chapter, RFC or vendor page that explains why the question matters.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reading: Vec<Reading>,
}

/// A link to read about a question: a title people recognise and an absolute `https` URL
/// (checked at load time: a host, no spaces, nothing that breaks a Markdown link).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    pub title: String,
    pub url: String,
}

/// Cues of a single question, matched against the whole conversation.
#[derive(Debug, Clone, Default)]
pub struct When {
    /// Offered only when one of these matches (none: always).
    pub applies_when: Vec<LazyRegex>,
    /// Never offered when one of these matches.
    pub unless: Vec<LazyRegex>,
    /// Each one that matches makes the question more relevant.
    pub cues: Vec<LazyRegex>,
}

impl PartialEq for When {
    fn eq(&self, other: &When) -> bool {
        fn pats(v: &[LazyRegex]) -> Vec<&str> {
            v.iter().map(LazyRegex::pattern).collect()
        }
        pats(&self.applies_when) == pats(&other.applies_when)
            && pats(&self.unless) == pats(&other.unless)
            && pats(&self.cues) == pats(&other.cues)
    }
}

/// A question pack as loaded from `prompts/packs/*.toml` or a server's own folder.
#[derive(Debug, Clone)]
pub struct Pack {
    pub id: String,
    pub name: String,
    pub description: String,
    pub kind: PackKind,
    pub cues: Vec<Cue>,
    pub questions: Vec<Question>,
    /// Where it came from, for messages (`prompts/packs/payments.toml` or a path).
    pub source: String,
    /// Line of the pack's `id`, and of each question's `id` (same order as `questions`),
    /// for errors found when packs are combined.
    pub id_line: usize,
    pub question_lines: Vec<usize>,
}
