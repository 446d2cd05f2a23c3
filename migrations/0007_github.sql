-- Plans exported to GitHub issues. A server may set the repository `/plan export` uses;
-- a plan keeps the issue it got in each repository, so exporting again updates it.
ALTER TABLE guild_settings ADD COLUMN github_repo TEXT;  -- OWNER/REPO; NULL: none set
CREATE TABLE github_issues (
    plan_id     INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    repo        TEXT    NOT NULL COLLATE NOCASE,      -- OWNER/REPO (GitHub ignores case)
    number      INTEGER NOT NULL,
    url         TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    PRIMARY KEY (plan_id, repo)
);
