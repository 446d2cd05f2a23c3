-- Decisions: an answer marked as the team's decision (see ../0006_decisions.sql).
CREATE TABLE decisions (
    answer_event_id  BIGINT PRIMARY KEY REFERENCES answer_events (id) ON DELETE CASCADE,
    author_id        BIGINT NOT NULL,
    author_name      TEXT COLLATE "C" NOT NULL,
    at               TEXT COLLATE "C" NOT NULL,
    source_id        BIGINT UNIQUE
);
