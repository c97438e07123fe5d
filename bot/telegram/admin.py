"""``/admin`` for operators in Telegram: stats, the releases being served, and publishing or
rolling back a release that was already reviewed.

Only Telegram user ids listed in CALLSHIELD_ADMINS (comma-separated) get it, in a private chat.
For everyone else nothing here exists: ``/admin`` and ``A:`` buttons fall through to the normal
handling of an unknown command or button, and the command is not in the command menu. Review
needs the pack's text in front of the reviewer, so it stays on the command line (``packs
publish --stage --reviewed-by``); from Telegram an admin only makes a reviewed release live.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os

from telegram import InputFile, Update
from telegram.constants import ChatType

from bot.operators.chart import render_png
from bot.operators.publishing import Refused, republish
from bot.operators.stats import build_report
from bot.packs import PackRegistry
from bot.telegram.keyboard import keyboard
from bot.telegram.render import Out
from bot.telegram.sender import Sender
from storage import ReleaseRow, Store

logger = logging.getLogger(__name__)
DAYS = 7
OFFERED = 3  # earlier reviewed releases offered for rollback, per pack
REPUBLISH_WALKS = 200
"""Random walks before a release goes live again from Telegram: it passed 1,000 when it was
first published; these catch what a newer CallShield would refuse, without keeping the admin
waiting (they run in a worker thread, so users are served meanwhile)."""


def admin_ids(env: dict[str, str] | None = None) -> frozenset[int]:
    """CALLSHIELD_ADMINS: Telegram user ids (numbers), separated by commas or spaces."""
    text = (env if env is not None else os.environ).get("CALLSHIELD_ADMINS", "")
    ids = set()
    for part in text.replace(",", " ").split():
        if part.lstrip("-").isdigit():
            ids.add(int(part))
        else:
            logger.warning("CALLSHIELD_ADMINS: %r is not a Telegram user id; ignored", part)
    return frozenset(ids)


class AdminPanel:
    def __init__(self, store: Store, registry: PackRegistry, admins: frozenset[int],
                 walks: int = REPUBLISH_WALKS) -> None:
        self.store = store
        self.registry = registry
        self.admins = admins
        self.walks = walks

    async def intercept(self, update: Update, send: Sender) -> bool:
        """Handle the update if it is an admin's /admin or admin button; else False."""
        user, chat = update.effective_user, update.effective_chat
        if user is None or chat is None or chat.type != ChatType.PRIVATE or \
                user.id not in self.admins:
            return False
        query, message = update.callback_query, update.message
        if query is not None and (query.data or "").startswith("A:"):
            await query.answer()
            await self.on_button(query.data or "", send, user.id)
            return True
        text = (message.text or "") if message is not None else ""
        if text.split("@", 1)[0].strip().lower() == "/admin":
            logger.info("admin %s opened /admin", user.id)
            await send.outs([await self.overview()])
            return True
        return False

    async def overview(self) -> Out:
        since = (dt.date.today() - dt.timedelta(days=DAYS)).isoformat()
        releases = await self.store.list_releases()
        lines = ["<b>CallShield admin</b>", "", "<b>Packs</b>"]
        for pack_id in sorted(set(self.registry.status) | set(self.registry.packs)):
            pack, status = self.registry.packs.get(pack_id), self.registry.status.get(pack_id)
            if pack is None:
                lines.append(f"⛔ {html.escape(pack_id)}: NOT SERVED")
            else:
                where = f"release #{pack.release}" if pack.release else "packs folder"
                lines.append(f"• {html.escape(pack_id)}: {where} ({pack.version}), reviewed "
                             f"{pack.data.pack.reviewed_on} by "
                             f"{html.escape(pack.data.pack.reviewed_by)}")
            if status is not None and status.problems:
                lines.append(f"  ⚠️ {html.escape(status.failed)} failed to load: "
                             f"{html.escape(status.problems[0][:200])}")
        report = build_report(await self.store.list_events(since), since=since,
                              releases=releases, packs=self.registry.packs)
        lines += ["", f"<b>Last {DAYS} days</b>: {report.started} interviews started, "
                  f"{report.finished} finished, {report.abandoned} stopped."]
        left = sorted((q for q in report.questions if q.stopped), key=lambda q: -q.stopped)
        if left:
            lines.append("Left most at: " + ", ".join(
                f"{q.pack}/{q.node} ({q.stopped})" for q in left[:5]))
        if report.rules:
            lines.append("Findings: " + ", ".join(f"{p}/{r} ({n})"
                                                  for p, r, _, n in report.rules[:5]))
        if report.letters:
            lines.append("Letters: " + ", ".join(f"{p}/{x} ({n})"
                                                 for p, x, _, n in report.letters[:5]))
        rows = [(("📊 Chart", "A:c"),)] + [((label, data),) for label, data in
                                          self._choices(releases)] + [(("↻ Refresh", "A:s"),)]
        return Out("\n".join(lines), keyboard(tuple(rows)))

    def _choices(self, releases: list[ReleaseRow]) -> list[tuple[str, str]]:
        """Reviewed releases that could be made live: staged newer ones, earlier ones."""
        choices = []
        for pack_id in sorted({r.pack_id for r in releases}):
            pack = self.registry.packs.get(pack_id)
            live = pack.release if pack is not None else None
            mine = [r for r in releases if r.pack_id == pack_id and r.reviewed_by
                    and r.number != live and (pack is None or r.content_hash != pack.version)]
            staged = [r for r in mine if r.staged and (live is None or r.number > live)]
            older = [r for r in mine if not r.staged and (live is None or r.number < live)]
            choices += [(f"Publish {pack_id} #{r.number} (reviewed by {r.reviewed_by})",
                         f"A:p:{pack_id}:{r.number}") for r in staged]
            choices += [(f"Roll back {pack_id} to #{r.number}", f"A:r:{pack_id}:{r.number}")
                        for r in older[-OFFERED:][::-1]]
        return choices

    async def on_button(self, data: str, send: Sender, admin: int) -> None:
        _, kind, rest = (data.split(":", 2) + ["", ""])[:3]
        pack_id, _, number_text = rest.partition(":")
        if kind == "c":
            since = (dt.date.today() - dt.timedelta(days=DAYS)).isoformat()
            report = build_report(await self.store.list_events(since), since=since,
                                  releases=await self.store.list_releases(),
                                  packs=self.registry.packs)
            await send.document(InputFile(render_png(report), filename="callshield-stats.png"),
                                f"Stats, last {DAYS} days (no personal data)")
        elif kind in ("p", "r") and number_text.isdigit():
            verb = "Publish" if kind == "p" else "Roll back to"
            confirm = ((f"Yes: {verb.lower()} {pack_id} #{number_text}",
                        f"A:{kind.upper()}:{pack_id}:{number_text}"),), (("Cancel", "A:s"),)
            await send.outs([Out(f"{verb} <b>{html.escape(pack_id)}</b> release "
                                 f"#{number_text}? Users move to it within seconds; their "
                                 "answers are replayed and they are told what changed.",
                                 keyboard(confirm))])
        elif kind in ("P", "R") and number_text.isdigit():
            await send.outs([await self._act(kind, pack_id, int(number_text), admin)])
        else:
            await send.outs([await self.overview()])

    async def _act(self, kind: str, pack_id: str, number: int, admin: int) -> Out:
        action = "promote" if kind == "P" else "rollback"
        try:
            done = await republish(self.store, pack_id, number, by=f"telegram admin {admin}",
                                   note=f"{'published' if kind == 'P' else 'rolled back'} "
                                   "from /admin", action=action, walks=self.walks,
                                   reviewed_only=True)
        except Refused as refused:
            return Out("Not done:\n" + html.escape("\n".join(refused.lines[:5])),
                       keyboard(((("Back", "A:s"),),)))
        await self.registry.refresh()
        row = done.release
        logger.info("admin %s made %s release %d live", admin, pack_id, row.number)
        return Out(f"Done: {html.escape(pack_id)} release #{row.number} (the content of "
                   f"#{number}) is live. Changes: {html.escape(row.changes or '-')}",
                   keyboard(((("Back", "A:s"),),)))
