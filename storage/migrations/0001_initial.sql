-- Initial schema. Kept to SQL that PostgreSQL also accepts apart from
-- "INTEGER PRIMARY KEY" (use GENERATED ... AS IDENTITY there).
-- Timestamps are ISO-8601 UTC text; *_json columns are opaque JSON text.

CREATE TABLE users (
    id           INTEGER PRIMARY KEY,
    channel      TEXT NOT NULL,
    external_id  TEXT NOT NULL,
    language     TEXT,
    jurisdiction TEXT,
    timezone     TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    UNIQUE (channel, external_id)
);

CREATE TABLE conversations (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    state_json   TEXT NOT NULL,
    pack_id      TEXT NOT NULL,
    pack_version TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- occurred_at keeps the user's wall-clock time and offset as given;
-- occurred_at_utc is the same instant in UTC, so text order is time order.
CREATE TABLE incidents (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    occurred_at     TEXT,
    occurred_at_utc TEXT,
    caller_number   TEXT,
    lender          TEXT,
    agency          TEXT,
    channel         TEXT,
    facts_json      TEXT NOT NULL,
    description     TEXT,
    pack_id         TEXT NOT NULL,
    pack_version    TEXT NOT NULL,
    created_at      TEXT NOT NULL
);

CREATE INDEX incidents_user_occurred ON incidents (user_id, occurred_at_utc);

CREATE TABLE findings (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    rule_id     TEXT NOT NULL,
    severity    TEXT NOT NULL,
    data_json   TEXT NOT NULL
);

CREATE INDEX findings_incident ON findings (incident_id);

-- Values a user typed for letters (full name, address...).
CREATE TABLE profile_fields (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- Telegram may deliver an update twice; the first insert wins.
CREATE TABLE processed_updates (
    channel    TEXT NOT NULL,
    update_id  INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (channel, update_id)
);

CREATE INDEX processed_updates_created ON processed_updates (created_at);

-- user_id is NULL only for entries that must not identify anyone
-- (e.g. "user_deleted"); rows of a user go when the user is deleted.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    action     TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE INDEX audit_log_user ON audit_log (user_id, id);
