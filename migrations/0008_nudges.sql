-- Anti-pattern nudges. `nudges_sent`: each note the bot said, claimed before it is posted,
-- so a replayed event posts nothing: once per plan per nudge (`plan_id`), and the nudge a
-- prompt carried (`detection_id`; copied to the plan started from that prompt).
-- `nudges_silenced`: *Not helpful* on a note silences that nudge for the server.
CREATE TABLE nudges_sent (
    id INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    plan_id INTEGER REFERENCES plans(id) ON DELETE CASCADE,
    detection_id INTEGER REFERENCES detections(id) ON DELETE CASCADE,
    nudge TEXT NOT NULL,
    source_message_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    CHECK ((plan_id IS NULL) <> (detection_id IS NULL)),
    UNIQUE (plan_id, nudge),
    UNIQUE (detection_id, nudge)
);

CREATE TABLE nudges_silenced (
    guild_id INTEGER NOT NULL,
    nudge TEXT NOT NULL,
    by_user_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (guild_id, nudge)
);
