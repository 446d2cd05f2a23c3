-- A prompt that could not be posted after retries keeps the reason, shown by /plancheck status.
ALTER TABLE detections ADD COLUMN undelivered TEXT COLLATE "C";
