//! Table `github_issues`: the issue a plan was exported to, one per repository.

use super::{Result, Store, StoreError, ts};
use crate::export::github::Repo;
use crate::ids::PlanId;
use chrono::{DateTime, Utc};

/// An issue a plan was exported to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GithubIssue {
    pub repo: Repo,
    pub number: u64,
    pub url: String,
}

impl Store {
    /// The issue `plan` was exported to in `repo` (names compared as GitHub does, ignoring
    /// case), if any.
    #[tracing::instrument(skip_all, fields(plan = %plan))]
    pub async fn github_issue(&self, plan: PlanId, repo: &Repo) -> Result<Option<GithubIssue>> {
        let row: Option<(String, i64, String)> = sqlx::query_as(
            "SELECT repo, number, url FROM github_issues WHERE plan_id = $1 AND repo = $2",
        )
        .bind(plan.0)
        .bind(repo.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(to_issue).transpose()
    }

    /// Every issue `plan` was exported to, oldest first.
    #[tracing::instrument(skip_all, fields(plan = %plan))]
    pub async fn github_issues(&self, plan: PlanId) -> Result<Vec<GithubIssue>> {
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT repo, number, url FROM github_issues WHERE plan_id = $1 ORDER BY created_at, repo",
        )
        .bind(plan.0)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter().map(to_issue).collect()
    }

    /// Remembers (or replaces) the issue of `plan` in `issue.repo`.
    #[tracing::instrument(skip_all, fields(plan = %plan, number = issue.number))]
    pub async fn save_github_issue(
        &self,
        plan: PlanId,
        issue: &GithubIssue,
        at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO github_issues (plan_id, repo, number, url, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (plan_id, repo) DO UPDATE SET
                number = excluded.number, url = excluded.url, updated_at = excluded.updated_at",
        )
        .bind(plan.0)
        .bind(issue.repo.to_string())
        .bind(issue.number as i64)
        .bind(&issue.url)
        .bind(ts(at))
        .bind(ts(at))
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

fn to_issue((repo, number, url): (String, i64, String)) -> Result<GithubIssue> {
    let repo = Repo::parse(&repo).map_err(|detail| StoreError::Corrupt {
        table: "github_issues",
        column: "repo",
        detail,
    })?;
    Ok(GithubIssue {
        repo,
        number: number as u64,
        url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{Backend, on_both_backends};

    on_both_backends!(a_plan_keeps_one_issue_per_repository_whatever_the_case,);

    async fn a_plan(store: &Store) -> PlanId {
        let np = super::super::tests::new_plan(1);
        store.create_plan(&np).await.unwrap().0
    }

    fn issue(repo: &str, number: u64) -> GithubIssue {
        GithubIssue {
            repo: Repo::parse(repo).unwrap(),
            number,
            url: format!("https://github.com/{repo}/issues/{number}"),
        }
    }

    async fn a_plan_keeps_one_issue_per_repository_whatever_the_case(backend: Backend) {
        let (store, _db) = backend.fresh().await;
        let plan = a_plan(&store).await;
        let repo = Repo::parse("octo/api").unwrap();
        assert_eq!(store.github_issue(plan, &repo).await.unwrap(), None);
        store
            .save_github_issue(plan, &issue("octo/api", 5), Utc::now())
            .await
            .unwrap();
        let upper = Repo::parse("Octo/API").unwrap();
        assert_eq!(
            store.github_issue(plan, &upper).await.unwrap(),
            Some(issue("octo/api", 5))
        );
        // Saving again for the same repository replaces; another repository adds.
        store
            .save_github_issue(plan, &issue("OCTO/api", 6), Utc::now())
            .await
            .unwrap();
        store
            .save_github_issue(plan, &issue("octo/web", 1), Utc::now())
            .await
            .unwrap();
        let all = store.github_issues(plan).await.unwrap();
        assert_eq!(all.len(), 2, "{all:?}");
        assert_eq!(
            store
                .github_issue(plan, &repo)
                .await
                .unwrap()
                .unwrap()
                .number,
            6
        );
        // Control: another plan has none.
        assert_eq!(
            store.github_issue(PlanId(plan.0 + 1), &repo).await.unwrap(),
            None
        );
    }
}
