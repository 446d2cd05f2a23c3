-- What the discussion already said. A plan question may carry a suggested answer (a
-- sentence of the discussion, its author and message) and, for the team's own questions,
-- who asked it and where. An answer taken from a suggestion keeps the message it was said in.
ALTER TABLE plan_questions ADD COLUMN suggested_text TEXT COLLATE "C";
ALTER TABLE plan_questions ADD COLUMN suggested_author_id BIGINT;
ALTER TABLE plan_questions ADD COLUMN suggested_author_name TEXT COLLATE "C";
ALTER TABLE plan_questions ADD COLUMN suggested_message_id BIGINT;
ALTER TABLE plan_questions ADD COLUMN asked_text TEXT COLLATE "C";
ALTER TABLE plan_questions ADD COLUMN asked_author_id BIGINT;
ALTER TABLE plan_questions ADD COLUMN asked_author_name TEXT COLLATE "C";
ALTER TABLE plan_questions ADD COLUMN asked_message_id BIGINT;
ALTER TABLE answer_events ADD COLUMN said_in_id BIGINT;
