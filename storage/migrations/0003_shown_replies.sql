-- Which state's replies reached the user (delivery lane, issue 10).
--
-- shown_at: when the bot began sending the replies of the conversation's current state (UTC,
-- ISO), written once they were all sent; shown_message: the id of the last message they went
-- out in (Telegram's message ids in a chat only grow). Every save of a new state clears both,
-- so NULL means "committed, but the user may never have seen the reply": after a crash the
-- bot re-sends the current question to those users, and a typed text sent before the
-- question it would answer was shown is not filed under it (bot/telegram/delivery.py).
ALTER TABLE conversations ADD COLUMN shown_at TEXT;
ALTER TABLE conversations ADD COLUMN shown_message INTEGER;
UPDATE conversations SET shown_at = updated_at;  -- states saved before this release were shown

DROP TRIGGER handled_updates_insert;
CREATE TRIGGER handled_updates_insert INSTEAD OF INSERT ON handled_updates
BEGIN
    INSERT INTO processed_updates (channel, update_id, created_at)
        VALUES (NEW.channel, NEW.update_id, NEW.updated_at)
        ON CONFLICT (channel, update_id) DO NOTHING;
    INSERT INTO conversations (user_id, state_json, pack_id, pack_version, updated_at)
        VALUES (NEW.user_id, NEW.state_json, NEW.pack_id, NEW.pack_version, NEW.updated_at)
        ON CONFLICT (user_id) DO UPDATE SET
            state_json = excluded.state_json, pack_id = excluded.pack_id,
            pack_version = excluded.pack_version, updated_at = excluded.updated_at,
            shown_at = NULL, shown_message = NULL;
END;
