-- Operators' releases of flow packs, their actions, and the anonymous event log.
-- (Numbers 0003-0005 belong to other changes; gaps between versions are allowed.)

-- An immutable snapshot of a pack (its files and templates, zlib-compressed JSON: opaque
-- here). The bot serves, per pack, the newest release whose action is not 'stage'.
CREATE TABLE pack_releases (
    id             INTEGER PRIMARY KEY,
    pack_id        TEXT NOT NULL,
    number         INTEGER NOT NULL,
    content_hash   TEXT NOT NULL,
    label          TEXT,
    snapshot       BLOB NOT NULL,
    action         TEXT NOT NULL,
    source_number  INTEGER,
    published_by   TEXT NOT NULL,
    reviewed_by    TEXT,
    reviewed_on    TEXT,
    last_reviewer  TEXT,
    note           TEXT NOT NULL DEFAULT '',
    changes        TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    UNIQUE (pack_id, number)
);

CREATE TRIGGER pack_releases_immutable BEFORE UPDATE ON pack_releases
BEGIN
    SELECT RAISE(ABORT, 'pack releases are immutable: publish a new release instead');
END;

CREATE TRIGGER pack_releases_kept BEFORE DELETE ON pack_releases
BEGIN
    SELECT RAISE(ABORT, 'pack releases are kept for the audit: roll back instead');
END;

-- Who did what to packs (published, staged, rolled back, refused, failed to load): append only.
CREATE TABLE operator_log (
    id             INTEGER PRIMARY KEY,
    actor          TEXT NOT NULL,
    action         TEXT NOT NULL,
    pack_id        TEXT,
    release_number INTEGER,
    detail         TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL
);

CREATE TRIGGER operator_log_append_only BEFORE UPDATE ON operator_log
BEGIN
    SELECT RAISE(ABORT, 'the operator log is append only');
END;

-- Analytics without personal data: no user id, no text, no answer values; the day only (not
-- the time); token is a random per-conversation value that exists nowhere else (bot/analytics.py).
CREATE TABLE events (
    id       INTEGER PRIMARY KEY,
    day      TEXT NOT NULL,
    kind     TEXT NOT NULL,
    pack_id  TEXT NOT NULL,
    version  TEXT NOT NULL,
    item     TEXT,
    token    TEXT,
    seq      INTEGER
);

CREATE INDEX events_day ON events (day);
