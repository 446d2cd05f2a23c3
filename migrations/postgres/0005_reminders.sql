-- Reminders for open plans with open critical questions (see ../0005_reminders.sql).
ALTER TABLE plans ADD COLUMN remind_at TEXT COLLATE "C";
ALTER TABLE plans ADD COLUMN reminded_for TEXT COLLATE "C";
ALTER TABLE plans ADD COLUMN reminded_at TEXT COLLATE "C";
ALTER TABLE plans ADD COLUMN snoozed_until TEXT COLLATE "C";
CREATE INDEX plans_remind_at ON plans (remind_at) WHERE remind_at IS NOT NULL;
-- A server's own reminder setting: NULL for the configured default, 'off', or a quiet
-- period such as '2d'.
ALTER TABLE guild_settings ADD COLUMN reminders TEXT COLLATE "C";
