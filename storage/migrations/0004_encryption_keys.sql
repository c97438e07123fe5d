-- Encryption at rest (storage/crypto.py, storage/sealing.py). Personal values are stored
-- sealed, as BLOBs, in the existing columns (SQLite keeps a BLOB as is in a TEXT column;
-- PostgreSQL: make those columns BYTEA). This table lists every key that has sealed data,
-- by id, with a fixed text sealed by it: at start the configured keys are checked against
-- it, so a missing or wrong key is refused before anything is read or written.

CREATE TABLE encryption_keys (
    key_id      TEXT PRIMARY KEY,
    check_value BLOB NOT NULL,
    added_at    TEXT NOT NULL
);
