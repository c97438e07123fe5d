"""The letter desk: which letters a user can have, the details they need, and the files.

Channel-independent, so Telegram and the console offer the same letters in the same order and
ask for the same details. The details a user types (name, ID number, address...) are stored
in their profile — deleted with the rest of their data — and each one can be skipped: a
skipped detail prints as a blank to fill in by hand. Which detail is being asked is stored
too, so an answer typed after a restart still lands in the right place.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from bot.documents import LetterDocument, TextBlock, prepare_fonts, render_docx, render_pdf
from bot.diary.letters import apply_record
from bot.letters.context import build_context
from bot.letters.output import missing_fields, preview_text, render_file, write_letter_files
from bot.letters.parties import all_party_fields, party_fields, report_name, write_date
from bot.service import GuidanceService
from flows import Pack, State
from flows.letterchecks import LetterFailed
from flows.letters import BLANK, LetterContext, letter_of
from storage import UserRow

logger = logging.getLogger(__name__)

PENDING_KEY = "letter_in_progress"
"""Profile key holding "<letter id> <field>" while the bot waits for that detail."""

SKIPPED_KEY = "letter_skipped"
"""Profile key holding the details the user skipped (space-separated), never asked again
until they choose to re-enter their details."""

SETTINGS = "_details"
"""The pseudo-letter of a detail changed from Settings ("change my details"): once typed or
skipped, the bot goes back to the list of details, not to a letter."""

WORDS_KEY = "annex_words_{type}"
"""Profile key: "yes"/"no", whether the user's own descriptions go into the annex of letters to
this kind of party (absent: the default, not to a collector or lender)."""

MAX_DETAIL = 200
"""Longest detail we accept (characters); a postal address fits, a pasted essay does not."""


@dataclass(frozen=True, slots=True)
class LetterChoice:
    id: str
    title: str  # in the chat's language
    suggested: bool  # a finding of the user's last report names this letter


@dataclass(frozen=True, slots=True)
class Pending:
    """The detail the bot is waiting for, for which letter."""

    letter: str
    field: str


class LetterBroken(Exception):
    """A letter that could not be made (``kind``: "text", "pdf" or "docx"). It has been logged
    with its template, line and error class; the channel tells the user what still works."""

    def __init__(self, letter_id: str, kind: str) -> None:
        super().__init__(f"letter {letter_id} ({kind}) could not be made")
        self.letter_id = letter_id
        self.kind = kind


def _broken(letter_id: str, kind: str, error: Exception) -> LetterBroken:
    """Log where a letter failed — never the error's message, which may quote user data."""
    if isinstance(error, LetterFailed):
        logger.error("letter %s (%s) failed: template %s line %d: %s", letter_id, kind,
                     error.template, error.line, error.error_class)
    else:
        logger.error("letter %s (%s) failed: %s", letter_id, kind, type(error).__name__)
    return LetterBroken(letter_id, kind)


class DetailRejected(ValueError):
    """A typed detail we cannot use; ``reason`` is a key of the channel's texts."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class LetterDesk:
    def __init__(self, service: GuidanceService) -> None:
        self.service = service

    # -- what can be drafted -------------------------------------------------------------
    async def choices(self, user: UserRow) -> list[LetterChoice]:
        """Every letter of the user's pack; those their last report points at come first."""
        pack = self.service.pack_for(user)
        if pack is None:
            return []
        result = await self.service.last_result(user)
        suggested = [letter.id for letter in result.letters] if result is not None else []
        language = user.language or pack.default_language
        order = suggested + [lid for lid in pack.data.letters if lid not in suggested]
        return [LetterChoice(lid, pack.text(pack.data.letters[lid].title, language),
                             lid in suggested) for lid in order if lid in pack.data.letters]

    async def has_reports(self, user: UserRow) -> bool:
        """A letter needs at least one finished report of this pack to say anything."""
        pack = self.service.pack_for(user)
        return pack is not None and any(
            i.pack_id == pack.id for i in await self.service.incidents(user))

    def letter_exists(self, user: UserRow, letter_id: str) -> bool:
        pack = self.service.pack_for(user)
        return pack is not None and letter_id in pack.data.letters

    # -- the details a letter needs ------------------------------------------------------
    def fields(self, user: UserRow, letter_id: str) -> tuple[str, ...]:
        """Every detail this letter may print, each one the user may give or skip: the
        sender's (``fields:``), then the name and address of any party the answers may
        address it to (``addressee:``, its ``instead:``)."""
        letter = letter_of(self._pack(user), letter_id)
        return (*letter.fields, *all_party_fields(letter))

    async def next_detail(self, user: UserRow, letter_id: str,
                          after: str | None = None) -> str | None:
        """The first detail this letter needs that the user has neither given nor skipped,
        after ``after``: the sender's, then those of the party the answers address it to (a
        validation request: the collector, or the lender when the lender collected). A skipped
        detail is not asked again, for this letter or the next."""
        pack = self._pack(user)
        profile = await self.service.store.get_profile(user.id)
        context = await self.context(user, letter_id)
        fields = [f for f in missing_fields(pack, letter_id, profile, context)]
        order = list(self.fields(user, letter_id))
        fields.sort(key=lambda f: order.index(f) if f in order else len(order))
        if after in order:
            fields = [f for f in fields if order.index(f) > order.index(after)]
        skipped = set(profile.get(SKIPPED_KEY, "").split())
        return next((f for f in fields if f not in skipped), None)

    async def hint(self, user: UserRow, letter_id: str, field: str) -> str | None:
        """For an addressee's name: the name the user's report gives that party, if any
        (the letter uses it when the user skips the question)."""
        letter = letter_of(self._pack(user), letter_id)
        if not field.endswith("_name") or field not in all_party_fields(letter):
            return None
        context = await self.context(user, letter_id)
        return report_name(field.removesuffix("_name"),
                           {"lender": context["lender"], "agency": context["agency"]})

    async def pending(self, user: UserRow) -> Pending | None:
        """The detail being asked, if any (and only while its letter still exists)."""
        value = (await self.service.store.get_profile(user.id)).get(PENDING_KEY, "")
        letter, _, field = value.partition(" ")
        if not field or not (letter == SETTINGS or self.letter_exists(user, letter)):
            return None
        return Pending(letter, field)

    async def ask(self, user: UserRow, letter_id: str, field: str | None) -> None:
        """Remember which detail we wait for (None: we wait for nothing)."""
        value = f"{letter_id} {field}" if field else None
        await self.service.store.set_profile_field(user.id, PENDING_KEY, value)

    async def give(self, user: UserRow, pending: Pending, text: str) -> str | None:
        """Store a typed detail; the next detail to ask (or None). Rejects unusable text."""
        value = " ".join(text.split())
        if not value:
            raise DetailRejected("detail_empty")
        if len(value) > MAX_DETAIL:
            raise DetailRejected("detail_too_long")
        async with self.service.store.transaction():
            await self.service.store.set_profile_field(user.id, pending.field, value)
            await self._unskip(user, pending.field)
            following = None if pending.letter == SETTINGS else \
                await self.next_detail(user, pending.letter, after=pending.field)
            await self.ask(user, pending.letter, following)
        return following

    async def _unskip(self, user: UserRow, field: str) -> None:
        profile = await self.service.store.get_profile(user.id)
        skipped = profile.get(SKIPPED_KEY, "").split()
        if field in skipped:
            kept = " ".join(f for f in skipped if f != field) or None
            await self.service.store.set_profile_field(user.id, SKIPPED_KEY, kept)

    async def skip(self, user: UserRow, pending: Pending) -> str | None:
        """Leave a detail blank (remembered: not asked again); the next detail to ask."""
        async with self.service.store.transaction():
            profile = await self.service.store.get_profile(user.id)
            skipped = profile.get(SKIPPED_KEY, "").split()
            if pending.field not in skipped:
                await self.service.store.set_profile_field(
                    user.id, SKIPPED_KEY, " ".join([*skipped, pending.field]))
            following = None if pending.letter == SETTINGS else \
                await self.next_detail(user, pending.letter, after=pending.field)
            await self.ask(user, pending.letter, following)
        return following

    async def details(self, user: UserRow) -> dict[str, str]:
        """The letter details the user has given (not the desk's own bookkeeping)."""
        profile = await self.service.store.get_profile(user.id)
        return {k: v for k, v in profile.items() if k not in (PENDING_KEY, SKIPPED_KEY)}

    async def my_details(self, user: UserRow) -> list[tuple[str, str | None]]:
        """For "change my details" in Settings: every letter detail the user gave or skipped,
        (field, value or None when skipped), in the order the letters ask them."""
        from bot.letters.words import DETAILS

        profile = await self.service.store.get_profile(user.id)
        skipped = profile.get(SKIPPED_KEY, "").split()
        known = list(DETAILS["en"])
        fields = [f for f in known if f in profile or f in skipped]
        return [(f, profile.get(f) or None) for f in fields]

    async def change_detail(self, user: UserRow, field: str) -> bool:
        """Start changing one detail from Settings (False for a field that is no detail)."""
        from bot.letters.words import DETAILS

        if field not in DETAILS["en"]:
            return False
        await self.ask(user, SETTINGS, field)
        return True

    async def annex_words(self, user: UserRow, letter_id: str) -> bool | None:
        """The user's choice for this letter's addressee: own words in the annex or not
        (None: not chosen, the default applies)."""
        kind = await self._party_type(user, letter_id)
        value = (await self.service.store.get_profile(user.id)).get(
            WORDS_KEY.format(type=kind))
        return None if value is None else value == "yes"

    async def choose_annex_words(self, user: UserRow, letter_id: str, include: bool) -> None:
        """Remember whether the user's own words go into the annex of letters to this party."""
        kind = await self._party_type(user, letter_id)
        await self.service.store.set_profile_field(user.id, WORDS_KEY.format(type=kind),
                                                   "yes" if include else "no")

    async def own_words(self, user: UserRow, letter_id: str) -> list[str]:
        """The user's own descriptions the annex can hold (shown before they go in)."""
        context = await self.context(user, letter_id, words=True)
        return [i["what"] for i in context["incidents"] if i["what"] != BLANK]

    async def _party_type(self, user: UserRow, letter_id: str) -> str:
        context = await self.context(user, letter_id)
        return context["addressee"]["type"] or "none"

    async def forget_details(self, user: UserRow, fields: tuple[str, ...]) -> None:
        """Forget these details and that any of them was skipped: all are asked again."""
        async with self.service.store.transaction():
            profile = await self.service.store.get_profile(user.id)
            kept = [f for f in profile.get(SKIPPED_KEY, "").split() if f not in fields]
            for field in (*fields, PENDING_KEY):
                await self.service.store.set_profile_field(user.id, field, None)
            await self.service.store.set_profile_field(user.id, SKIPPED_KEY,
                                                       " ".join(kept) or None)

    # -- the letter itself ---------------------------------------------------------------
    async def context(self, user: UserRow, letter_id: str,
                      words: bool | None = None) -> LetterContext:
        """The template context from every incident, the profile and the last interview, its
        contacts and counts from the person's record (the diary) once they keep one. The
        user's own words go into the annex as they chose (``words`` overrides)."""
        pack = self._pack(user)
        row = await self.service.store.load_conversation(user.id)
        saved = None
        if row is not None and row.pack_id == pack.id:
            try:
                saved = State.from_json(row.state_json)
            except ValueError:  # unreadable: the incidents alone still make the letter
                saved = None
        zone = saved.timezone if saved is not None else user.timezone
        if saved is not None:  # its findings read the record as it is now, not as it was
            saved = saved.with_(record=await self.service.record_facts(user, pack))
        profile = await self.details(user)
        context = build_context(pack, letter_id, incidents=await self.service.incidents(user),
                                profile=profile, today=self.today(zone or pack.timezone),
                                state_json=saved.to_json() if saved is not None else None)
        if words is None:
            chosen = profile.get(WORDS_KEY.format(type=context["addressee"]["type"] or "none"))
            words = None if chosen is None else chosen == "yes"
        if words is not None:
            context = {**context, "annex_words": words}
        # the contacts, counts and files of the whole record (bot/diary/letters.py)
        return apply_record(context, pack, await self.service.store.list_diary_entries(user.id))

    def today(self, zone: str) -> dt.date:
        """The date on the user's calendar (a US pack learns the zone from the user's state)."""
        try:
            return self.service.clock().astimezone(zoneinfo.ZoneInfo(zone)).date()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return self.service.clock().date()

    async def preview(self, user: UserRow, letter_id: str) -> str:
        pack = self._pack(user)
        context = await self.context(user, letter_id)
        try:
            return preview_text(pack, letter_id, context,
                                chat_language=user.language or pack.default_language)
        except LetterFailed as error:
            raise _broken(letter_id, "text", error) from error

    async def file(self, user: UserRow, letter_id: str, kind: str) -> tuple[str, bytes]:
        """(file name, bytes) of the letter as ``kind`` ("pdf" or "docx").

        Rendering takes a few hundred milliseconds of CPU, so it runs in a worker thread and
        other users' updates keep flowing meanwhile.
        """
        pack = self._pack(user)
        context = await self.context(user, letter_id)
        try:
            name, data = await asyncio.to_thread(render_file, pack, letter_id, context, kind)
        except Exception as error:  # noqa: BLE001 - logged by place and class; user told
            raise _broken(letter_id, kind, error) from error
        await self.service.store.audit(user.id, "letter_drafted", f"letter={letter_id} {kind}")
        self.service.letter_drafted(user, letter_id)
        return name, data

    async def write(self, user: UserRow, letter_id: str, folder: Path) -> list[Path]:
        """Write the PDF and the DOCX into ``folder`` (the console's way); their paths."""
        pack = self._pack(user)
        context = await self.context(user, letter_id)
        try:
            paths = await asyncio.to_thread(write_letter_files, folder, pack, letter_id, context)
        except Exception as error:  # noqa: BLE001 - logged by place and class; user told
            raise _broken(letter_id, "files", error) from error
        await self.service.store.audit(user.id, "letter_drafted", f"letter={letter_id} files")
        self.service.letter_drafted(user, letter_id)
        return paths

    def _pack(self, user: UserRow) -> Pack:
        pack = self.service.pack_for(user)
        if pack is None:
            raise LookupError("the user has not chosen a jurisdiction we serve")
        return pack


def warm_up_fonts() -> threading.Thread:
    """Load (on a new machine: build, ~12 s) the PDF font in the background at start-up, and
    everything else a first letter loads: the templates compiled, the hyphenation patterns,
    the dates' locale data and the DOCX styles (bench/letter_delivery.py: the first letter
    after a start took 340 ms instead of 60 without this).

    Otherwise the first user who asks for a PDF waits for it. A failure here is only logged:
    the same error reaches that user's request, which answers it kindly.
    """
    def work() -> None:
        try:
            prepare_fonts()
            warm_up_letters()
        except Exception as error:  # noqa: BLE001 - logged; the PDF request reports it again
            logger.warning("could not prepare the letters: %s", error)

    thread = threading.Thread(target=work, name="font-warm-up", daemon=True)
    thread.start()
    return thread


def warm_up_letters() -> None:
    """Compile every letter template and render a short letter in each script and paper."""
    from bot.documents.linebreak import prepare_hyphenation
    from flows.letters import environment
    from flows.loader import templates_dir

    prepare_hyphenation("en")
    env = environment(templates_dir().resolve())
    for name in env.list_templates(extensions=["j2"]):
        env.get_template(name)
    for language, text, paper in (("en", "Collector voicemail, November 28, 2026.", "Letter"),
                                  ("zh-Hans", "催收电话，2026年11月28日。", "A4")):
        doc = LetterDocument(title=text, language=language, body=f"# {text}\n{text}",
                             closing=(TextBlock((text,)),), page_size=paper)
        render_pdf(doc)
        render_docx(doc)
        write_date(dt.date(2026, 11, 28), language)
