-- Decisions: an answer marked as the team's decision. The mark is a row of its own (answers
-- are never rewritten): an answer is marked at most once, and the interaction or message
-- that marked it is unique, so a replay marks nothing. A later answer, skip or reopen of
-- the question replaces the answer and with it the decision; the history keeps both.
CREATE TABLE decisions (
    answer_event_id  INTEGER PRIMARY KEY REFERENCES answer_events (id) ON DELETE CASCADE,
    author_id        INTEGER NOT NULL,
    author_name      TEXT    NOT NULL,
    at               TEXT    NOT NULL,
    source_id        INTEGER UNIQUE
);
