-- Plans exported to GitHub issues (see ../0007_github.sql). SQLite's `COLLATE NOCASE` on
-- `repo` becomes an ICU collation that ignores case (GitHub names are ASCII), so the key,
-- `ON CONFLICT (plan_id, repo)` and `repo = $2` ignore case here too.
CREATE COLLATION IF NOT EXISTS plancheck_nocase
    (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
ALTER TABLE guild_settings ADD COLUMN github_repo TEXT COLLATE "C";  -- OWNER/REPO; NULL: none set
CREATE TABLE github_issues (
    plan_id     BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    repo        TEXT COLLATE plancheck_nocase NOT NULL,  -- OWNER/REPO (GitHub ignores case)
    number      BIGINT NOT NULL,
    url         TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (plan_id, repo)
);
