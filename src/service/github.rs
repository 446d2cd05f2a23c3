//! Exporting a plan to a GitHub issue: the first export to a repository opens one, later
//! exports to it update that issue. The issue is decided by `export::github` (pure), sent
//! by `crate::github` (HTTP), and remembered by the store.

use super::Service;
use crate::error::{Error, Result};
use crate::export::github::{self as render, Repo};
use crate::github::{GitHub, GitHubError};
use crate::ids::PlanId;
use crate::plan::Plan;
use crate::store::GithubIssue;
use chrono::Utc;

/// The GitHub client, and a lock so exports run one at a time: two clicks at once
/// cannot open two issues for one plan.
pub(crate) struct Exporter {
    client: GitHub,
    one_at_a_time: tokio::sync::Mutex<()>,
}

/// What an export did.
#[derive(Debug, Clone)]
pub struct Exported {
    pub plan: Plan,
    pub issue: GithubIssue,
    /// True when a new issue was opened, false when the plan's issue was updated.
    pub created: bool,
}

impl Exported {
    /// `Opened issue #3 in octo/api: URL` or `Updated …`: what the CLI prints and the
    /// thread is told.
    pub fn text(&self) -> String {
        format!(
            "{} issue #{} in {} for plan {}: {}",
            if self.created { "Opened" } else { "Updated" },
            self.issue.number,
            self.issue.repo,
            self.plan.id,
            self.issue.url
        )
    }
}

impl From<GitHubError> for Error {
    fn from(e: GitHubError) -> Self {
        Error::User(e.to_string())
    }
}

/// What a server without a repository is told.
pub const NO_REPO: &str = "No GitHub repository is set for this server: someone with Manage Server sets one with `/plancheck settings github_repo:OWNER/REPO`.";

impl Service {
    /// Exports to GitHub through `client` (its token and labels from the config).
    pub fn with_github(mut self, client: GitHub) -> Service {
        self.github = Some(Exporter {
            client,
            one_at_a_time: tokio::sync::Mutex::new(()),
        });
        self
    }

    /// Opens an issue for `plan` in `repo` (default: the server's `github_repo`), or
    /// updates the one it already has there. Each repository gets its own issue: exporting
    /// to another repository opens one there and leaves the first as it is.
    pub async fn export_github(&self, plan: PlanId, repo: Option<Repo>) -> Result<Exported> {
        let p = self.plan(plan).await?;
        let repo = match repo {
            Some(r) => r,
            None => self
                .settings(p.guild)
                .await?
                .github_repo
                .ok_or_else(|| Error::user(NO_REPO))?,
        };
        let Some(gh) = &self.github else {
            return Err(GitHubError::NoToken.into());
        };
        let text = render::issue(&p);
        let _one = gh.one_at_a_time.lock().await;
        let known = self.store.github_issue(plan, &repo).await?;
        let sent = match &known {
            Some(k) => match gh.client.update(&repo, k.number, &text).await {
                // Deleted on GitHub: open a new one.
                Err(GitHubError::Gone { .. }) => gh.client.create(&repo, &text).await,
                r => r,
            },
            None => gh.client.create(&repo, &text).await,
        };
        let sent = sent.inspect_err(|e| {
            tracing::warn!(plan = %plan, repo = %repo, error = %e, "GitHub export failed");
        })?;
        let created = known.as_ref().is_none_or(|k| k.number != sent.number);
        let issue = GithubIssue {
            repo,
            number: sent.number,
            url: sent.url,
        };
        self.store
            .save_github_issue(plan, &issue, Utc::now())
            .await?;
        tracing::info!(plan = %plan, repo = %issue.repo, number = issue.number, created, "GitHub issue exported");
        Ok(Exported {
            plan: p,
            issue,
            created,
        })
    }
}
