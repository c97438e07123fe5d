-- One statement stores a handled update's id together with the conversation state it
-- produced, so both are committed at once and cost one trip to the database
-- (storage/ledger.py says why). Inserting into this view runs the trigger below;
-- the view itself never has rows. PostgreSQL: a writable CTE does the same
-- (WITH u AS (INSERT INTO processed_updates ...) INSERT INTO conversations ...).

CREATE VIEW handled_updates AS
    SELECT NULL AS channel, NULL AS update_id, NULL AS user_id, NULL AS state_json,
           NULL AS pack_id, NULL AS pack_version, NULL AS updated_at
    WHERE 0;

CREATE TRIGGER handled_updates_insert INSTEAD OF INSERT ON handled_updates
BEGIN
    INSERT INTO processed_updates (channel, update_id, created_at)
        VALUES (NEW.channel, NEW.update_id, NEW.updated_at)
        ON CONFLICT (channel, update_id) DO NOTHING;
    INSERT INTO conversations (user_id, state_json, pack_id, pack_version, updated_at)
        VALUES (NEW.user_id, NEW.state_json, NEW.pack_id, NEW.pack_version, NEW.updated_at)
        ON CONFLICT (user_id) DO UPDATE SET
            state_json = excluded.state_json, pack_id = excluded.pack_id,
            pack_version = excluded.pack_version, updated_at = excluded.updated_at;
END;
