-- PostgreSQL twin of ../0004_encryption_keys.sql.
CREATE TABLE encryption_keys (
    key_id      TEXT COLLATE "C" PRIMARY KEY,
    check_value BYTEA NOT NULL,
    added_at    TEXT COLLATE "C" NOT NULL
);
