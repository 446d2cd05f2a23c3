-- plancheck schema v1. Released migrations are never edited; add a new file instead.
-- Discord ids are stored as INTEGER (i64); times as RFC 3339 text in UTC.

CREATE TABLE guild_settings (
    guild_id          INTEGER PRIMARY KEY,
    threshold         REAL,                 -- NULL: the configured default
    window_messages   INTEGER,
    window_minutes    INTEGER,
    cooldown_minutes  INTEGER,
    use_threads       INTEGER NOT NULL DEFAULT 1 CHECK (use_threads IN (0, 1)),
    disabled_packs    TEXT    NOT NULL DEFAULT '[]',  -- JSON array of pack ids
    updated_at        TEXT    NOT NULL
);

CREATE TABLE watched_channels (
    channel_id   INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    muted_until  TEXT,
    added_by     INTEGER NOT NULL,
    added_at     TEXT    NOT NULL
);
CREATE INDEX watched_channels_guild ON watched_channels (guild_id);

CREATE TABLE detections (
    id                 INTEGER PRIMARY KEY,
    guild_id           INTEGER NOT NULL,
    channel_id         INTEGER NOT NULL,
    message_id         INTEGER NOT NULL UNIQUE,   -- replays of the same message are no-ops
    score              REAL    NOT NULL,
    threshold          REAL    NOT NULL,
    title              TEXT    NOT NULL,
    evidence           TEXT    NOT NULL,          -- JSON
    packs              TEXT    NOT NULL,          -- JSON array of ranked pack ids
    created_at         TEXT    NOT NULL,
    prompt_message_id  INTEGER,
    outcome            TEXT    NOT NULL DEFAULT 'pending'
                       CHECK (outcome IN ('pending', 'started', 'dismissed', 'muted'))
);
CREATE INDEX detections_guild ON detections (guild_id, created_at);

CREATE TABLE plans (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER NOT NULL,
    channel_id       INTEGER NOT NULL,
    thread_id        INTEGER,
    title            TEXT    NOT NULL,
    status           TEXT    NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_by_id    INTEGER NOT NULL,
    created_by_name  TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    closed_at        TEXT,
    packs            TEXT    NOT NULL,            -- JSON array of pack ids
    detection_id     INTEGER UNIQUE REFERENCES detections (id),
    source_id        INTEGER UNIQUE               -- the interaction or message that started it
);
CREATE INDEX plans_guild ON plans (guild_id, channel_id, status);
CREATE INDEX plans_thread ON plans (thread_id);

CREATE TABLE plan_questions (
    plan_id      INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,
    question_id  TEXT    NOT NULL,
    pack_id      TEXT    NOT NULL,
    category     TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    why          TEXT    NOT NULL,
    critical     INTEGER NOT NULL CHECK (critical IN (0, 1)),
    hint         TEXT,
    PRIMARY KEY (plan_id, number),
    UNIQUE (plan_id, question_id)
);

CREATE TABLE answer_events (
    id           INTEGER PRIMARY KEY,             -- order of revisions
    plan_id      INTEGER NOT NULL,
    question_id  TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('answer', 'skip', 'reopen')),
    text         TEXT    NOT NULL,
    author_id    INTEGER NOT NULL,
    author_name  TEXT    NOT NULL,
    at           TEXT    NOT NULL,
    source_id    INTEGER,                         -- the message or interaction that caused it
    UNIQUE (source_id, question_id),              -- so a replay of it is a no-op
    FOREIGN KEY (plan_id, question_id) REFERENCES plan_questions (plan_id, question_id) ON DELETE CASCADE
);
CREATE INDEX answer_events_plan ON answer_events (plan_id, question_id, id);

-- Bot messages that show questions, so a reply to one is recorded as an answer.
CREATE TABLE plan_messages (
    message_id    INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    first_number  INTEGER NOT NULL,
    last_number   INTEGER NOT NULL
);

CREATE TABLE feedback (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    channel_id    INTEGER NOT NULL,
    detection_id  INTEGER REFERENCES detections (id),
    kind          TEXT    NOT NULL CHECK (kind IN ('not_feature', 'started')),
    user_id       INTEGER NOT NULL,
    at            TEXT    NOT NULL,
    source_id     INTEGER UNIQUE
);
CREATE INDEX feedback_guild ON feedback (guild_id, at);
