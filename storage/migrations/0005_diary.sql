-- The evidence diary: every contact a user records (a finished report or a quick addition),
-- the files kept on an entry, and the follow-up reminders a letter offers.
-- Personal columns are BLOBs sealed by storage/sealing.py (SEALED lists them).

-- occurred_at is what the user gave, in their local time: an instant with its offset
-- (2026-11-27T22:00:00+08:00) or a day alone (2026-11-27); occurred_day is the local day,
-- occurred_at_utc the instant (NULL for a day alone), so text order is time order.
CREATE TABLE diary_entries (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    incident_id     INTEGER REFERENCES incidents (id) ON DELETE SET NULL,
    source          TEXT NOT NULL,
    pack_id         TEXT,
    occurred_at     TEXT,
    occurred_day    TEXT,
    occurred_at_utc TEXT,
    channel         TEXT,
    contacts        INTEGER NOT NULL DEFAULT 1,
    caller_number   BLOB,
    caller_name     BLOB,
    third_parties   BLOB,
    said            BLOB,
    note            BLOB,
    created_at      TEXT NOT NULL
);

CREATE INDEX diary_entries_user_day ON diary_entries (user_id, occurred_day);

-- A file sent to the bot as evidence: Telegram keeps the bytes; we keep how to fetch them
-- (file_id, sealed), what it is, and its SHA-256 once it was downloaded for a letter or export.
CREATE TABLE diary_attachments (
    id           INTEGER PRIMARY KEY,
    entry_id     INTEGER NOT NULL REFERENCES diary_entries (id) ON DELETE CASCADE,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    file_id      BLOB NOT NULL,
    file_name    BLOB,
    mime_type    TEXT,
    size         INTEGER,
    sha256       TEXT,
    received_at  TEXT NOT NULL,
    hashed_at    TEXT
);

CREATE INDEX diary_attachments_entry ON diary_attachments (entry_id);

-- A follow-up the user asked for after downloading a letter; the text is pack data
-- (pack_id, letter_id, kind), so nothing here is personal beyond the user and a time.
CREATE TABLE reminders (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    pack_id      TEXT NOT NULL,
    letter_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,
    due_at_utc   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    sent_at      TEXT,
    cancelled_at TEXT
);

CREATE INDEX reminders_due ON reminders (due_at_utc);
CREATE INDEX reminders_user ON reminders (user_id);
