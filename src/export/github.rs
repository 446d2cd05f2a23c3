//! A plan as a GitHub issue: its title, and a body in GitHub Flavored Markdown (readiness,
//! a link back to the discussion, the questions as a task list) within GitHub's limit on
//! an issue body. Pure; `crate::github` sends it.

use super::escape::{markdown_block, markdown_inline as esc};
use super::markdown::{status_line, status_word};
use crate::plan::{Plan, PlanQuestion, QuestionState};
use crate::text::{is_bidi_control, is_stray_control};
use std::fmt::{self, Write};

/// GitHub refuses an issue body longer than this many characters.
pub const MAX_BODY: usize = 65_536;

/// A GitHub repository, `OWNER/REPO`, checked against the characters GitHub allows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Repo {
    owner: String,
    name: String,
}

/// Longest owner (user or organisation) name GitHub allows.
const MAX_OWNER: usize = 39;
/// Longest repository name GitHub allows.
const MAX_NAME: usize = 100;

impl Repo {
    /// Parses `OWNER/REPO`: the owner of letters, digits and single hyphens (not first or
    /// last), at most 39; the name of letters, digits, `.`, `-` and `_`, at most 100, and
    /// neither `.` nor `..`. The message says what is wrong.
    pub fn parse(s: &str) -> Result<Repo, String> {
        let s = s.trim();
        let shown: String = s.chars().take(100).collect();
        let Some((owner, name)) = s.split_once('/') else {
            return Err(format!(
                "'{shown}' is not a GitHub repository: write OWNER/REPO, e.g. octo-org/backend"
            ));
        };
        let owner_ok = !owner.is_empty()
            && owner.len() <= MAX_OWNER
            && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !owner.starts_with('-')
            && !owner.ends_with('-')
            && !owner.contains("--");
        if !owner_ok {
            return Err(format!(
                "'{shown}': the owner must be 1 to {MAX_OWNER} letters, digits or single hyphens (not first or last), as GitHub allows; write OWNER/REPO"
            ));
        }
        let name_ok = !name.is_empty()
            && name.len() <= MAX_NAME
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            && name != "."
            && name != "..";
        if !name_ok {
            return Err(format!(
                "'{shown}': the repository name must be 1 to {MAX_NAME} letters, digits, '.', '-' or '_' (not '.' or '..'), as GitHub allows; write OWNER/REPO"
            ));
        }
        Ok(Repo {
            owner: owner.to_string(),
            name: name.to_string(),
        })
    }

    pub fn owner(&self) -> &str {
        &self.owner
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The same repository: GitHub's names are not case-sensitive.
    pub fn same_as(&self, other: &Repo) -> bool {
        self.owner.eq_ignore_ascii_case(&other.owner) && self.name.eq_ignore_ascii_case(&other.name)
    }
}

impl fmt::Display for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

impl std::str::FromStr for Repo {
    type Err = String;
    fn from_str(s: &str) -> Result<Repo, String> {
        Repo::parse(s)
    }
}

/// What an issue says: its title and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueText {
    pub title: String,
    pub body: String,
}

/// The plan as an issue, its body within [`MAX_BODY`] characters.
pub fn issue(plan: &Plan) -> IssueText {
    issue_within(plan, MAX_BODY)
}

/// The plan as an issue whose body holds at most `limit` characters: questions that do
/// not fit are left out, and a note at the end says how many and where to find them.
fn issue_within(plan: &Plan, limit: usize) -> IssueText {
    let head = head(plan);
    let foot = "\n<sub>Exported by plancheck; exporting the plan again updates this issue. Questions are a snapshot taken when the plan started.</sub>\n";
    let items: Vec<String> = plan.questions.iter().map(|q| item(plan, q)).collect();
    let mut body = head;
    let mut used = body.chars().count() + foot.chars().count();
    let mut shown = 0;
    for (k, it) in items.iter().enumerate() {
        let left = items.len() - k - 1;
        // Room for this item, and for the note should a later one not fit.
        let reserve = if left > 0 {
            left_out(plan, left).chars().count()
        } else {
            0
        };
        let size = it.chars().count();
        if used + size + reserve > limit {
            break;
        }
        body.push_str(it);
        used += size;
        shown += 1;
    }
    if shown < items.len() {
        body.push_str(&left_out(plan, items.len() - shown));
    }
    body.push_str(foot);
    IssueText {
        title: plan
            .title
            .chars()
            .filter(|&c| !is_stray_control(c) && !is_bidi_control(c))
            .collect(),
        body,
    }
}

/// The note that ends a body cut short.
fn left_out(plan: &Plan, n: usize) -> String {
    format!(
        "\n_{n} more question(s) not shown: GitHub limits an issue body to {MAX_BODY} characters. `plancheck export --plan {}` prints the whole plan._\n",
        plan.id
    )
}

/// Readiness, status, where the discussion is, and the heading of the task list.
fn head(plan: &Plan) -> String {
    let mut o = String::new();
    let readiness = if plan.is_ready() {
        format!("✅ {}", plan.readiness(10))
    } else {
        format!("⚠️ {}", plan.readiness(10))
    };
    let _ = writeln!(o, "**Readiness:** {readiness}  ");
    let status = if plan.closed_unready() {
        format!("{}, **closed unready**", status_word(plan))
    } else {
        status_word(plan)
    };
    o.push_str(&status_line(plan, &status));
    let cov = plan.coverage();
    let _ = writeln!(
        o,
        "**Progress:** {} answered, {} skipped, {} open of {} questions ({}% decided)  ",
        cov.answered,
        cov.skipped,
        cov.open(),
        plan.questions.len(),
        cov.percent()
    );
    match plan.place_link() {
        Some(link) => {
            let _ = writeln!(o, "**Discussion:** [the plan's thread on Discord]({link})");
        }
        None => {
            let _ = writeln!(
                o,
                "**Discussion:** in plancheck's console (no Discord thread)"
            );
        }
    }
    let _ = writeln!(o, "\n## Questions\n");
    o
}

/// One question as a task-list item: open unchecked; answered checked, with the answer;
/// skipped checked and struck through, with the reason.
fn item(plan: &Plan, q: &PlanQuestion) -> String {
    let critical = if q.critical { " · critical" } else { "" };
    let label = format!(
        "**Q{}** {} _({}{critical})_",
        q.number,
        esc(&q.text),
        q.category.label()
    );
    match plan.state(&q.id) {
        QuestionState::Open => format!("- [ ] {label}\n"),
        QuestionState::Answered { latest, .. } => format!(
            "- [x] {label}\n{}\n  <sub>answered by {} · {}</sub>\n",
            markdown_block(&latest.text, "  "),
            esc(&latest.author.name),
            latest.at.format("%Y-%m-%d %H:%M UTC")
        ),
        QuestionState::Skipped { latest } => format!(
            "- [x] ~~**Q{}** {}~~ — skipped by {}: {}\n",
            q.number,
            esc(&q.text),
            esc(&latest.author.name),
            esc(&latest.text)
        ),
    }
}

#[cfg(test)]
#[path = "github_tests.rs"]
mod tests;
