-- Checklists start short and grow on demand: a plan keeps its depth and the questions it
-- could still add (best first); a server may set its own default depth.
-- Plans made before this held every question of their packs: 'thorough'.
ALTER TABLE plans ADD COLUMN depth TEXT COLLATE "C" NOT NULL DEFAULT 'thorough'
    CHECK (depth IN ('quick', 'standard', 'thorough'));
ALTER TABLE plans ADD COLUMN more TEXT COLLATE "C" NOT NULL DEFAULT '[]';  -- JSON array of [question id, pack id]
ALTER TABLE guild_settings ADD COLUMN depth TEXT COLLATE "C"
    CHECK (depth IS NULL OR depth IN ('quick', 'standard', 'thorough'));
