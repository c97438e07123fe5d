"""Users, conversation state, profile fields, update de-duplication and audit."""

from __future__ import annotations

import pytest

from storage import UNSET, ConversationRow, SQLiteStore, UnknownUser


async def test_get_or_create_user_creates_once(store: SQLiteStore) -> None:
    created = await store.get_or_create_user(
        "telegram", "1001", language="ru", jurisdiction="RU", timezone="Europe/Moscow"
    )
    assert (created.channel, created.external_id) == ("telegram", "1001")
    assert (created.language, created.jurisdiction, created.timezone) == (
        "ru", "RU", "Europe/Moscow",
    )  # fmt: skip
    assert created.created_at == created.updated_at
    assert created.created_at.endswith("+00:00")
    # Settings only apply at creation; a second call returns the stored row.
    again = await store.get_or_create_user("telegram", "1001", language="en")
    assert again == created
    other_channel = await store.get_or_create_user("whatsapp", "1001")
    assert other_channel.id != created.id


async def test_get_user_and_get_user_by_id(store: SQLiteStore) -> None:
    assert await store.get_user("telegram", "1") is None
    assert await store.get_user_by_id(1) is None
    user = await store.get_or_create_user("telegram", "1")
    assert await store.get_user("telegram", "1") == user
    assert await store.get_user_by_id(user.id) == user


async def test_update_user_unset_keeps_none_clears(store: SQLiteStore) -> None:
    user = await store.get_or_create_user("telegram", "1", language="ru", timezone="UTC")
    updated = await store.update_user(user.id, language="en", timezone=None)
    assert (updated.language, updated.jurisdiction, updated.timezone) == ("en", None, None)
    assert updated.updated_at >= user.updated_at
    same = await store.update_user(user.id)  # nothing given: nothing changes
    assert same == updated
    kept = await store.update_user(user.id, jurisdiction="KZ", language=UNSET)
    assert (kept.language, kept.jurisdiction) == ("en", "KZ")
    with pytest.raises(UnknownUser, match="id 999"):
        await store.update_user(999, language="en")


async def test_user_keys_must_be_text(store: SQLiteStore) -> None:
    with pytest.raises(ValueError, match="external_id must be a non-empty string"):
        await store.get_or_create_user("telegram", "")


async def test_conversation_save_load_upsert_delete(store: SQLiteStore) -> None:
    user = await store.get_or_create_user("telegram", "1")
    assert await store.load_conversation(user.id) is None
    await store.save_conversation(user.id, '{"step": "a"}', "debt-ru", "1.0")
    first = await store.load_conversation(user.id)
    assert isinstance(first, ConversationRow)
    assert first.state_json == '{"step": "a"}'
    assert (first.pack_id, first.pack_version) == ("debt-ru", "1.0")
    await store.save_conversation(user.id, '{"step": "b"}', "debt-ru", "1.1")
    second = await store.load_conversation(user.id)
    assert second is not None
    assert (second.state_json, second.pack_version) == ('{"step": "b"}', "1.1")
    assert second.updated_at >= first.updated_at
    await store.delete_conversation(user.id)
    assert await store.load_conversation(user.id) is None
    await store.delete_conversation(user.id)  # deleting nothing is fine


async def test_conversation_state_must_be_json(store: SQLiteStore) -> None:
    user = await store.get_or_create_user("telegram", "1")
    with pytest.raises(ValueError, match="state_json must be JSON text"):
        await store.save_conversation(user.id, "{not json", "p", "1")


async def test_profile_fields_set_replace_delete(store: SQLiteStore) -> None:
    user = await store.get_or_create_user("telegram", "1")
    other = await store.get_or_create_user("telegram", "2")
    assert await store.get_profile(user.id) == {}
    await store.set_profile_field(user.id, "full_name", "Ivan Petrov")
    await store.set_profile_field(user.id, "address", "Lenina 1")
    await store.set_profile_field(other.id, "full_name", "Someone Else")
    await store.set_profile_field(user.id, "full_name", "Ivan I. Petrov")
    assert await store.get_profile(user.id) == {
        "address": "Lenina 1",
        "full_name": "Ivan I. Petrov",
    }
    await store.set_profile_field(user.id, "address", None)
    await store.set_profile_field(user.id, "never_set", None)
    assert await store.get_profile(user.id) == {"full_name": "Ivan I. Petrov"}
    assert await store.get_profile(other.id) == {"full_name": "Someone Else"}
    with pytest.raises(UnknownUser):
        await store.set_profile_field(999, "full_name", "x")


async def test_record_update_deduplicates_per_channel(store: SQLiteStore, count) -> None:
    assert await store.record_update("telegram", 10) is True
    assert await store.record_update("telegram", 10) is False
    assert await store.record_update("telegram", 11) is True
    assert await store.record_update("whatsapp", 10) is True
    assert count("SELECT COUNT(*) FROM processed_updates") == 3


async def test_prune_updates(store: SQLiteStore, raw) -> None:
    await store.record_update("telegram", 1)
    raw.execute("UPDATE processed_updates SET created_at = '2020-01-01T00:00:00.000000+00:00'")
    await store.record_update("telegram", 2)
    # 2020-01-01 03:00 at +05:00 is 2019-12-31 22:00 UTC: nothing is older than that.
    assert await store.prune_updates("2020-01-01T03:00:00+05:00") == 0
    assert await store.prune_updates("2021-01-01T00:00:00+00:00") == 1
    assert await store.record_update("telegram", 1) is True  # forgotten, so new again
    assert await store.record_update("telegram", 2) is False
    with pytest.raises(ValueError, match="no UTC offset"):
        await store.prune_updates("2021-01-01T00:00:00")


async def test_audit_entries(store: SQLiteStore) -> None:
    user = await store.get_or_create_user("telegram", "1")
    other = await store.get_or_create_user("telegram", "2")
    await store.audit(user.id, "letter_generated", "template=complaint")
    await store.audit(user.id, "consent_given")
    await store.audit(other.id, "consent_given")
    await store.audit(None, "pack_reloaded")
    entries = await store.list_audit(user.id)
    assert [(e.action, e.detail) for e in entries] == [
        ("letter_generated", "template=complaint"),
        ("consent_given", ""),
    ]
    assert all(e.user_id == user.id for e in entries)
    assert entries[0].id < entries[1].id
    with pytest.raises(UnknownUser):
        await store.audit(999, "consent_given")
