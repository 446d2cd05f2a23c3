-- Data lifecycle (issue 11 §5).
-- One line per `forget`: when, the admin who asked (NULL: the command line), the server it
-- covered (NULL: every server), how many rows it changed, and the interaction that asked
-- (so a replay writes no second line). Never anything of the member forgotten.
CREATE TABLE forget_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT    NOT NULL,
    by_id      INTEGER,
    guild_id   INTEGER,
    count      INTEGER NOT NULL,
    source_id  INTEGER UNIQUE
);
-- Retention purges detections by age across every server.
CREATE INDEX detections_created ON detections (created_at);
CREATE INDEX feedback_at ON feedback (at);
