"""Incidents and their findings."""

from __future__ import annotations

import pytest

from storage import NewFinding, NewIncident, SQLiteStore, UnknownUser


def incident(occurred_at: str | None, lender: str = "Bank", **facts: object) -> NewIncident:
    import json

    return NewIncident(
        occurred_at=occurred_at, caller_number="+70000000000", lender=lender,
        agency="Agency", channel="call", facts_json=json.dumps(facts),
        description="called at night", pack_id="debt-ru", pack_version="1",
    )  # fmt: skip


async def test_add_and_list_with_findings(store: SQLiteStore) -> None:
    user = await store.get_or_create_user("telegram", "1")
    findings = [
        NewFinding("night_call", "high", '{"hour": 23}'),
        NewFinding("third_party", "medium", "{}"),
    ]
    new = incident("2024-05-01T23:10:00+03:00")
    incident_id = await store.add_incident(user.id, new, findings)
    [row] = await store.list_incidents(user.id)
    assert row.id == incident_id and row.user_id == user.id
    assert row.occurred_at == "2024-05-01T23:10:00+03:00"  # kept as given
    assert (row.caller_number, row.lender, row.agency, row.channel) == (
        "+70000000000", "Bank", "Agency", "call",
    )  # fmt: skip
    assert (row.description, row.pack_id, row.pack_version) == ("called at night", "debt-ru", "1")
    assert [(f.rule_id, f.severity, f.data_json) for f in row.findings] == [
        ("night_call", "high", '{"hour": 23}'),
        ("third_party", "medium", "{}"),
    ]
    assert all(f.incident_id == incident_id for f in row.findings)
    assert isinstance(row.findings, tuple)


async def test_order_is_by_instant_then_unknown_times_last(store: SQLiteStore) -> None:
    user = await store.get_or_create_user("telegram", "1")
    ids = {}
    for label, when in [
        ("unknown-1", None),
        ("06:00Z", "2024-05-01T06:00:00+00:00"),
        ("05:00Z", "2024-05-01T10:00:00+05:00"),  # latest text, earliest instant
        ("unknown-2", None),
        ("05:30Z", "2024-05-01T05:30:00Z"),
    ]:
        ids[await store.add_incident(user.id, incident(when), [])] = label
    order = [ids[row.id] for row in await store.list_incidents(user.id)]
    assert order == ["05:00Z", "05:30Z", "06:00Z", "unknown-1", "unknown-2"]


async def test_list_only_shows_own_incidents(store: SQLiteStore) -> None:
    user = await store.get_or_create_user("telegram", "1")
    other = await store.get_or_create_user("telegram", "2")
    await store.add_incident(user.id, incident(None), [NewFinding("a", "low", "{}")])
    await store.add_incident(other.id, incident(None), [NewFinding("b", "low", "{}")])
    [mine] = await store.list_incidents(user.id)
    assert [f.rule_id for f in mine.findings] == ["a"]
    assert await store.list_incidents(12345) == []


async def test_delete_incident_only_for_its_owner(store: SQLiteStore, count) -> None:
    user = await store.get_or_create_user("telegram", "1")
    other = await store.get_or_create_user("telegram", "2")
    incident_id = await store.add_incident(user.id, incident(None), [NewFinding("a", "low", "{}")])
    assert await store.delete_incident(other.id, incident_id) is False
    assert count("SELECT COUNT(*) FROM incidents") == 1
    assert await store.delete_incident(user.id, incident_id) is True
    assert await store.delete_incident(user.id, incident_id) is False
    assert count("SELECT COUNT(*) FROM incidents") == 0
    assert count("SELECT COUNT(*) FROM findings") == 0  # cascaded


async def test_bad_input_is_rejected_before_writing(store: SQLiteStore, count) -> None:
    user = await store.get_or_create_user("telegram", "1")
    with pytest.raises(ValueError, match="no UTC offset"):
        await store.add_incident(user.id, incident("2024-05-01T10:00:00"), [])
    with pytest.raises(ValueError, match="not an ISO-8601 time"):
        await store.add_incident(user.id, incident("yesterday"), [])
    with pytest.raises(ValueError, match="data_json of finding 'x'"):
        await store.add_incident(user.id, incident(None), [NewFinding("x", "low", "nope")])
    with pytest.raises(UnknownUser):
        await store.add_incident(999, incident(None), [NewFinding("x", "low", "{}")])
    assert count("SELECT COUNT(*) FROM incidents") == 0
    assert count("SELECT COUNT(*) FROM findings") == 0
