-- PostgreSQL twin of ../0003_shown_replies.sql: which state's replies reached the user.
-- The save that clears both columns is storage/pg/dialect.py's SAVE_HANDLED and the plain
-- save in storage/sqlite.py (portable SQL).
ALTER TABLE conversations ADD COLUMN shown_at TEXT;
ALTER TABLE conversations ADD COLUMN shown_message BIGINT;
UPDATE conversations SET shown_at = updated_at;
