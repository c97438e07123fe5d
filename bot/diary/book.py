"""The diary as the channels use it: quick additions, files kept as evidence, the counts, a
proposal waiting for "yes, add it", and follow-up reminders. Telegram and the console both
call this; neither writes diary rows itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Sequence

from bot.diary import record as rec
from bot.service import GuidanceService
from flows import Pack
from flows.schema import FollowUp
from storage import DiaryEntryRow, NewAttachment, NewReminder, ReminderRow, UserRow

logger = logging.getLogger(__name__)

Fetch = Callable[[str], Awaitable[bytes]]
"""Bytes of a kept file by its id (Telegram: getFile + download; console: read the path)."""
PROPOSAL_KEY = "diary_proposal"
"""Profile field holding a contact recognised in typed text, until the person says yes or
no: kept with their data (sealed, exported, deleted), so a restart loses nothing."""
NOTE_KEY = "diary_note_for"
"""Profile field: the entry whose optional text the next typed message is."""
ATTACH_WITHIN = dt.timedelta(hours=24)
"""A file joins the latest entry when it was recorded this recently; else it gets its own."""
WHENS = ("now", "today", "yesterday")


class DiaryBook:
    def __init__(self, service: GuidanceService) -> None:
        self.service = service
        self.store = service.store

    def pack(self, user: UserRow) -> Pack | None:
        return self.service.pack_for(user)

    def zone_name(self, user: UserRow) -> str:
        pack = self.pack(user)
        return user.timezone or (pack.timezone if pack else "UTC")

    async def entries(self, user: UserRow) -> list[DiaryEntryRow]:
        return await self.store.list_diary_entries(user.id)

    async def record(self, user: UserRow) -> rec.Record:
        return rec.count(await self.entries(user), self.pack(user))

    # -- adding -------------------------------------------------------------------------
    async def add_quick(self, user: UserRow, channel: str | None, when: str,
                        note: str | None = None, contacts: int = 1,
                        source: str = "quick", third_parties: Sequence[str] = ()) -> int:
        pack = self.pack(user)
        if pack is None:
            raise LookupError("choose a region first")
        if when not in WHENS:
            raise ValueError(f"when must be one of {WHENS}")
        entry = rec.quick(pack, channel=channel, when=when, now=self.service.clock(),
                          tz=self.zone_name(user), like=await self.entries(user), note=note,
                          contacts=contacts, source=source, third_parties=third_parties)
        entry_id = await self.store.add_diary_entry(user.id, entry)
        await self.store.audit(user.id, "diary_added", f"source={source} when={when}")
        return entry_id

    async def set_note(self, user: UserRow, entry_id: int, note: str) -> bool:
        return await self.store.set_diary_note(user.id, entry_id, note)

    async def delete(self, user: UserRow, entry_id: int) -> bool:
        deleted = await self.store.delete_diary_entry(user.id, entry_id)
        if deleted:
            await self.store.audit(user.id, "diary_deleted", "")
        return deleted

    async def attach(self, user: UserRow, attachment: NewAttachment,
                     caption: str | None = None) -> tuple[int, bool]:
        """Keep a file on the latest entry (recorded in the last day) or on a new one that
        claims no contact (source "file": the counts leave it out, so a screenshot sent while
        reporting is not a second call); (entry id, whether the entry is new). A caption
        joins the entry's text."""
        entries = await self.entries(user)
        latest = max(entries, key=lambda e: (e.created_at, e.id), default=None)
        now = self.service.clock()
        fresh = latest is not None and \
            now - dt.datetime.fromisoformat(latest.created_at) < ATTACH_WITHIN
        if fresh:
            assert latest is not None
            entry_id, new = latest.id, False
        else:
            entry_id, new = await self.add_quick(user, None, "now", source="file"), True
        await self.store.add_attachment(user.id, entry_id, attachment)
        if caption and caption.strip():
            old = next((e.note for e in entries if e.id == entry_id), None)
            await self.set_note(user, entry_id, f"{old}\n{caption}" if old else caption)
        await self.store.audit(user.id, "diary_file_kept", f"kind={attachment.kind}")
        return entry_id, new

    async def hash_files(self, user: UserRow, fetch: Fetch) -> int:
        """Download the files not yet hashed and keep their SHA-256 (for a letter or export);
        a file that cannot be fetched is left unhashed and logged. Returns how many."""
        done = 0
        for entry in await self.entries(user):
            for attachment in entry.attachments:
                if attachment.sha256:
                    continue
                try:
                    data = await fetch(attachment.file_id)
                except Exception as error:  # noqa: BLE001 - a lost file must not stop the rest
                    logger.warning("a kept file could not be fetched: %s", type(error).__name__)
                    continue
                await self.store.set_attachment_hash(
                    user.id, attachment.id, hashlib.sha256(data).hexdigest(), len(data))
                done += 1
        return done

    # -- a contact recognised in typed text ----------------------------------------------
    async def propose(self, user: UserRow, proposal: dict[str, object]) -> None:
        await self.store.set_profile_field(user.id, PROPOSAL_KEY,
                                           json.dumps(proposal, ensure_ascii=False))

    async def proposal(self, user: UserRow) -> dict[str, object] | None:
        text = (await self.store.get_profile(user.id)).get(PROPOSAL_KEY)
        try:
            value = json.loads(text) if text else None
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    async def drop_proposal(self, user: UserRow) -> None:
        await self.store.set_profile_field(user.id, PROPOSAL_KEY, None)

    async def accept_proposal(self, user: UserRow) -> int | None:
        proposal = await self.proposal(user)
        if proposal is None:
            return None
        await self.drop_proposal(user)
        when = str(proposal.get("when") or "now")
        contacts = proposal.get("contacts")
        others = proposal.get("third_parties")
        return await self.add_quick(
            user, str(proposal["channel"]) if proposal.get("channel") else None,
            when if when in WHENS else "now", note=str(proposal.get("text") or "") or None,
            contacts=contacts if isinstance(contacts, int) and contacts > 0 else 1,
            third_parties=[str(o) for o in others] if isinstance(others, list) else ())

    async def awaiting_note(self, user: UserRow) -> int | None:
        value = (await self.store.get_profile(user.id)).get(NOTE_KEY)
        return int(value) if value and value.isdigit() else None

    async def await_note(self, user: UserRow, entry_id: int | None) -> None:
        await self.store.set_profile_field(user.id, NOTE_KEY,
                                           None if entry_id is None else str(entry_id))

    # -- follow-ups -----------------------------------------------------------------------
    def follow_ups(self, user: UserRow, letter_id: str) -> list[FollowUp]:
        pack = self.pack(user)
        letter = pack.data.letters.get(letter_id) if pack is not None else None
        return list(letter.follow_ups) if letter is not None else []

    async def remind(self, user: UserRow, letter_id: str, kind: str,
                     hours: tuple[int, int]) -> tuple[int, dt.datetime] | None:
        """Store the follow-up ``kind`` of this letter; (reminder id, local due time)."""
        pack = self.pack(user)
        follow = next((f for f in self.follow_ups(user, letter_id) if f.kind == kind), None)
        if pack is None or follow is None:
            return None
        state = await self.service.state_of(user)  # a US state answer gives the local zone
        zone = state.timezone if state is not None and state.timezone else self.zone_name(user)
        due = due_at(self.service.clock(), follow.days, rec.zone(zone), hours)
        reminder_id = await self.store.add_reminder(user.id, NewReminder(
            pack.id, letter_id, kind, due.isoformat()))
        await self.store.audit(user.id, "reminder_set", f"letter={letter_id} kind={kind}")
        return reminder_id, due

    async def reminders(self, user: UserRow) -> list[ReminderRow]:
        return await self.store.list_reminders(user.id)

    async def cancel(self, user: UserRow, reminder_id: int) -> bool:
        return await self.store.cancel_reminder(user.id, reminder_id)


def due_at(now: dt.datetime, days: int, tz: dt.tzinfo, hours: tuple[int, int]) -> dt.datetime:
    """``days`` from now on the person's clock, at the same time of day when that is within
    ``hours`` (e.g. 9–20), else at the start of them."""
    local = now.astimezone(tz) + dt.timedelta(days=days)
    start, end = hours
    if not start <= local.hour < end:
        local = local.replace(hour=start, minute=0, second=0, microsecond=0)
    return local.replace(microsecond=0)


def reminder_text(pack: Pack, row: ReminderRow, language: str) -> str | None:
    letter = pack.data.letters.get(row.letter_id)
    follow = next((f for f in letter.follow_ups if f.kind == row.kind), None) if letter else None
    return pack.text(follow.text, language) if follow is not None else None
