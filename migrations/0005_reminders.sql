-- Reminders for open plans with open critical questions. A plan keeps when its next
-- reminder is due (NULL: none scheduled), the quiet period its last reminder was for (the
-- period's start: its last answer, skip or reopen, or its creation), when that reminder was
-- sent, and a snooze. A reminder is claimed by setting reminded_for before it is sent, so a
-- restart or a second process never sends it twice.
ALTER TABLE plans ADD COLUMN remind_at TEXT;
ALTER TABLE plans ADD COLUMN reminded_for TEXT;
ALTER TABLE plans ADD COLUMN reminded_at TEXT;
ALTER TABLE plans ADD COLUMN snoozed_until TEXT;
CREATE INDEX plans_remind_at ON plans (remind_at) WHERE remind_at IS NOT NULL;
-- A server's own reminder setting: NULL for the configured default, 'off', or a quiet
-- period such as '2d'.
ALTER TABLE guild_settings ADD COLUMN reminders TEXT;
