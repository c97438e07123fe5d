"""What the bot does with each update: the channel's logic between Telegram and the service.

One entry point (:meth:`Channel.on_update`) so de-duplication and the private-chat rule are
applied once, before anything reads or writes a user's data. Logs carry chat id, node id and
error class only — never what anyone wrote.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
from contextvars import ContextVar
from typing import Any

from telegram import CallbackQuery, InputFile, Message as TgMessage, Update
from telegram.error import TelegramError
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.diary.book import DiaryBook
from bot.letters.desk import LetterDesk
from bot.safety import SafetyGate
from bot.service import LOAD, GuidanceService, Turn
from bot.telegram import delivery, render as r
from bot.telegram.admin import AdminPanel
from bot.telegram.intake import Outcome, report
from bot.telegram.diary import KIND as DIARY_KIND, DiaryScreens
from bot.telegram.safety_screens import KIND as SAFETY_KIND, SafetyScreens
from bot.telegram.letters import KINDS as LETTER_KINDS, LetterScreens
from bot.telegram.results import KIND as RESULT_KIND, ResultScreens, next_steps, return_visit
from bot.telegram.sender import Sender
from bot.telegram.texts import LANGUAGES, language_from_code, t
from flows import Result, State, events
from storage import StorageError, UserRow

logger = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE

SIMPLE = {"back": events.Back, "restart": events.Restart, "cancel": events.Cancel}
MENU_COMMANDS = {"language": "language", "privacy": "settings", "delete_my_data": "delete",
                 "export_my_data": "export", "rights": "rights", "letters": "letters",
                 "diary": "diary", "add": "add", "export": "diary_export"}
"""Commands that do exactly what a menu button does (command -> menu item)."""
_HANDLING: ContextVar[int | None] = ContextVar("update_being_handled", default=None)
"""The id of the update this task is handling, so the state it produces is stored with it
(each update runs in a task of its own, so this never leaks into another update)."""


class Channel:
    def __init__(self, service: GuidanceService, admin: AdminPanel | None = None) -> None:
        self.service = service
        self.letters = LetterScreens(LetterDesk(service))
        self.admin = admin  # /admin for CALLSHIELD_ADMINS only (bot/telegram/admin.py)
        self.safety = SafetyScreens(SafetyGate(service), self.letters, self._resume_or_menu)
        self.diary = DiaryScreens(DiaryBook(service))  # the evidence diary (bot/telegram/diary.py)
        self.letters.after_file = self.diary.reminder_offer
        self.letters.before_file = self.diary.hash_files
        self.results = ResultScreens(service, self.safety.gate, self.letters,
                                     diary=self.diary)

    # -- entry --------------------------------------------------------------------------
    async def on_update(self, update: Update, context: Context) -> None:
        store, channel = self.service.store, self.service.channel
        try:
            if not await store.claim_update(channel, update.update_id):
                logger.info("update %s repeated; ignored", update.update_id)
                report(Outcome.REPEATED)
                return
            token = _HANDLING.set(update.update_id)
            shown = delivery.begin()
            try:
                await self._handle(update, context)
            finally:
                _HANDLING.reset(token)
            # stored now unless the state it produced carried it (a menu tap, /help, a letter)
            await store.finish_update(channel, update.update_id)
            await self._mark_shown(shown)
        except StorageError:
            # not committed: let Telegram's redelivery be handled, not dropped as a repeat
            with contextlib.suppress(StorageError):
                await store.release_update(channel, update.update_id)
            report(Outcome.NOT_SAVED)
            raise  # the error handler tells the user
        except Exception:
            report(Outcome.FAILED)
            raise
        report(Outcome.COMMITTED)

    async def _mark_shown(self, shown: delivery.Shown) -> None:
        """Every reply went out: the state is marked shown (bot/telegram/delivery.py). A
        failure here loses nothing: the answer is committed and the next typed text is
        checked against the unmarked question (and told, not misfiled)."""
        try:
            await delivery.finish(self.service.store, shown)
        except StorageError as error:
            logger.warning("user %s: could not mark the reply sent: cause=%s", shown.user_id,
                           error.cause.value)

    async def _handle(self, update: Update, context: Context) -> None:
        chat = update.effective_chat
        if chat is None:
            if update.callback_query is not None:  # e.g. from an inline message: no chat
                await _answer(update.callback_query)
            return
        send = Sender(context.bot, chat.id)
        if self.admin is not None and await self.admin.intercept(update, send):
            return  # an operator's /admin; for anyone else it is an unknown command
        lang = language_from_code(update.effective_user.language_code
                                  if update.effective_user else None)
        if chat.type != ChatType.PRIVATE:
            await self._not_private(update, send, lang)
            return
        user = await self.service.user(str(chat.id), language=lang)
        context.chat_data["node"] = None
        context.chat_data["locale"] = update.effective_user.language_code \
            if update.effective_user else None  # guesses crisis lines before a region is set
        if update.callback_query is not None:
            await self.on_button(update, context, send, user)
        elif update.message is not None:
            await self.on_message(update.message, context, send, user)
        elif update.edited_message is not None:
            await self.on_edit(update.edited_message, context, send, user)

    async def _not_private(self, update: Update, send: Sender, lang: str) -> None:
        if update.callback_query is not None:
            await _answer(update.callback_query, t(lang, "private_only"), show_alert=True)
        elif update.message is not None:
            await send.outs([r.Out(html.escape(t(lang, "private_only")))])

    # -- messages -----------------------------------------------------------------------
    async def on_edit(self, message: TgMessage, context: Context, send: Sender,
                      user: UserRow) -> None:
        """An edit of the text the current question still awaits (the last one typed, which
        did not move the interview on) is taken as the answer, through the safety gate like
        any typed text; any other edit is not applied, and the user is told so."""
        if self.service.pack_for(user) is not None and message.text is not None:
            state = await self.service.state_of(user)
            node = state.path[-1] if state is not None and state.status == "active" and \
                state.path else None
            if node is not None and context.chat_data.get("last_text") == \
                    (message.message_id, node):
                await self.on_message(message, context, send, user, edit=True)
                return
        if await self.safety.screen(message, context, send, user, edited=True):
            return  # the crisis or danger message was shown
        await send.outs([r.Out(html.escape(t(user.language, "edit_not_applied")))])

    async def on_message(self, message: TgMessage, context: Context, send: Sender,
                         user: UserRow, *, edit: bool = False) -> None:
        if await self.safety.screen(message, context, send, user):  # before anything else
            return
        text = message.text
        if text is not None and text.startswith("/"):
            command = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 \
                else ""
            await self.letters.stop_waiting(context, user)
            await self.diary.stop_waiting(user)
            await self.on_command(command, context, send, user)
            return
        if self.service.pack_for(user) is not None and (kept := await self.diary.on_file(
                message, user)):  # a screenshot, photo, voice message...: evidence
            state = await self.service.state_of(user)
            if state is not None and state.status == "active":
                kept += await self._turn(context, user, events.Repeat(), state=state)
            await send.outs(kept)
            return
        pending = await self.letters.awaiting(context, user)
        if pending is not None:  # the user is giving a detail for a letter
            if text is None:
                await send.outs([r.Out(html.escape(t(user.language, "cannot_use"))),
                                 self.letters.again(user, pending)])
            else:
                await send.outs(await self.letters.on_text(text, pending, context, user))
            return
        if self.service.pack_for(user) is None:
            await send.outs([r.first_screen(user.language)])
            return
        state = await self.service.state_of(user)
        active = state is not None and state.status == "active"
        if text is None or not text.strip():
            outs = [r.Out(html.escape(t(user.language, "cannot_use")))]
            if active:
                outs += await self._turn(context, user, events.Repeat(), state=state)
            else:
                outs.append(r.menu(user.language))
            await send.outs(outs)
        elif active:
            assert state is not None
            if not edit and delivery.written_before_shown(
                    await self.service.store.load_conversation(user.id), message):
                # typed for an earlier question, whose answer is saved: never file it here
                logger.info("chat %s: message %s was written before question %s was shown; "
                            "not used as its answer", send.chat_id, message.message_id,
                            context.chat_data.get("node"))
                await send.outs([r.Out(html.escape(t(user.language, "written_before")))] +
                                await self._turn(context, user, events.Repeat(), state=state))
                return
            node = state.path[-1] if state.path else None
            await send.outs(await self._turn(context, user, events.Say(text), state=state))
            if node is not None and context.chat_data.get("node") == node:
                context.chat_data["last_text"] = (message.message_id, node)  # an edit may fix it
            else:
                context.chat_data.pop("last_text", None)
        else:  # the words of a quick addition, a new contact to offer for the record, or
            outs = await self.diary.on_text(text, user)  # back after a finished report
            if outs is None and state is not None and state.status == "done":
                outs = [return_visit(user.language, diary=self.results.diary is not None)]
            await send.outs(outs or [r.menu(user.language)])

    async def on_command(self, command: str, context: Context, send: Sender,
                         user: UserRow) -> None:
        lang = user.language
        if command == "start":
            outs = await self._resume_or_menu(context, user)
            if self.service.pack_for(user) is None:  # language first, then the region
                outs = [r.first_screen(lang)]
            elif outs[0].text == return_visit(lang, diary=self.results.diary is not None).text:
                pass  # welcome back: the greeting was read on the first visit
            elif len(outs) == 1 and outs[0].markup is not None:  # the menu
                outs = [r.joined(t(lang, "greeting"), outs[0])]
            else:  # a question is waiting: it stays a message of its own, to be edited
                outs = [r.Out(t(lang, "greeting"))] + outs
        elif command in MENU_COMMANDS:
            await self.on_menu(MENU_COMMANDS[command], context, send, user)
            return
        elif command == "help":
            outs = [r.Out(html.escape(t(lang, "help"))), r.menu(lang)]
        elif self.service.pack_for(user) is None:
            outs = [r.jurisdiction_chooser(self.service.packs, lang)]
        elif command in ("back", "cancel") and await self._finished(user):
            outs = [r.Out(html.escape(t(lang, "report_finished"))),  # never reopened
                    next_steps(lang, diary=self.results.diary is not None)]
        elif command in SIMPLE:
            outs = await self._turn(context, user, SIMPLE[command]())
            if command == "cancel":
                outs.append(r.menu(lang))
        else:
            outs = [r.Out(html.escape(t(lang, "help"))), r.menu(lang)]
        await send.outs(outs)

    # -- buttons ------------------------------------------------------------------------
    async def on_button(self, update: Update, context: Context, send: Sender,
                        user: UserRow) -> None:
        query = update.callback_query
        assert query is not None
        data = query.data or ""
        kind, _, rest = data.partition(":")
        stale = await self._stale(kind, rest, user)
        await _answer(query, stale)  # a stale button: a short toast, and nothing else
        if stale is not None:
            return
        pressed = query.message.message_id if query.message is not None else None
        lang = user.language
        if kind == RESULT_KIND:  # a result card's button: new messages, the card stays
            if self.service.pack_for(user) is not None:
                await self.results.on_button(rest, context, send, user)
            return
        if kind == SAFETY_KIND:  # the crisis message's buttons: the place is kept
            await self.safety.on_button(rest, context, send, user)
            return
        if kind not in LETTER_KINDS:  # the user went elsewhere: typed text is no detail now
            await self.letters.stop_waiting(context, user)
        if kind != DIARY_KIND:
            await self.diary.stop_waiting(user)
        if kind == "j" and rest in self.service.packs:
            first_time = user.jurisdiction is None
            user = await self.service.set_jurisdiction(user, rest)
            name = r.jurisdiction_name(rest, self.service.packs, lang)
            saved = r.joined(html.escape(t(lang, "jurisdiction_saved", name=name)), r.menu(lang))
            # the first chooser came with the greeting (after the language): keep its words
            await send.edit_then(pressed, [r.joined(t(lang, "greeting"), saved)
                                           if first_time else saved])
        elif kind == "l" and rest in LANGUAGES:
            await self._language(context, send, user, rest, pressed)
        elif kind == "x" and rest == "yes":
            await self.service.forget(user)
            await send.edit_then(pressed, [r.Out(html.escape(t(lang, "deleted")))])
        elif kind == DIARY_KIND and self.service.pack_for(user) is not None:
            await self.diary.on_button(rest, context, send, user, pressed)
        elif kind in LETTER_KINDS and self.service.pack_for(user) is not None:
            await self.letters.on_button(kind, rest, context, send, user)
            return
        elif kind == "m":
            await self.on_menu(rest, context, send, user)
        elif self.service.pack_for(user) is None:
            await send.outs([r.jurisdiction_chooser(self.service.packs, lang)])
        elif kind == "u" and await self._finished(user):  # safety, without reopening
            await self.on_menu("unsafe", context, send, user)
        elif (event := _button_event(kind, rest)) is not None:
            await send.edit_then(pressed, await self._turn(context, user, event))
        else:
            logger.info("chat %s: unknown button", send.chat_id)
            await send.outs(await self._resume_or_menu(context, user))

    async def on_menu(self, item: str, context: Context, send: Sender, user: UserRow) -> None:
        lang = user.language
        pack = self.service.pack_for(user)
        if item == "language":
            outs = [r.language_chooser(lang)]
        elif item == "settings":
            outs = [self._settings(user)]
        elif item == "export":
            await self._export(send, user)
            return
        elif item == "delete":
            outs = [r.delete_confirm(lang)]
        elif item == "where" or pack is None:
            outs = [r.jurisdiction_chooser(self.service.packs, lang)]
        elif item in ("interview", "new"):  # "new" after results: a new report
            outs = await self._turn(context, user, events.Start())
        elif item == "rights":
            outs = await self._rights(context, user)
        elif item == "letters":
            outs = await self.letters.menu(user)
        elif item in ("add", "diary"):
            await self.diary.on_button("add" if item == "add" else "v", context, send, user,
                                       None)
            return
        elif item == "diary_export":
            await self.diary.export(context.bot, send, user)
            return
        elif item == "unsafe":
            text = pack.text(pack.data.safety.unsafe, lang or pack.default_language)
            outs = [r.Out(r.TONE_MARK["safety"] + html.escape(text)), r.menu(lang)]
            self.service.crisis_shown(user, "menu")
        else:
            outs = [r.menu(lang)]
        await send.outs(outs)

    # -- pieces -------------------------------------------------------------------------
    async def _turn(self, context: Context, user: UserRow, event: events.Event, *,
                    state: State | None | object = LOAD) -> list[r.Out]:
        """Run the event; ``state``, when the caller has just read it, saves reading it again."""
        turn: Turn = await self.service.handle(user, event, state=state,
                                               update_id=_HANDLING.get())
        delivery.turned(user.id)  # committed; its replies go out next
        if turn.state is not None and turn.state.path:
            context.chat_data["node"] = turn.state.path[-1]
        if any(isinstance(reply, Result) for reply in turn.replies):
            return await self.results.show(context, user, turn.replies, turn.state)
        return r.render(turn.replies)

    async def acknowledge(self, context: Context, chat_id: int, user: UserRow) -> None:
        """After a crash: the user's last answer was saved but its reply never sent. Say so,
        and show where they are — the question, their results, or the menu."""
        delivery.turned(user.id)  # what is sent now acknowledges the saved state
        state = await self.service.state_of(user) if self.service.pack_for(user) else None
        if state is not None and state.status == "done":
            outs = await self._rights(context, user)
        else:
            outs = await self._resume_or_menu(context, user)
        await Sender(context.bot, chat_id).outs(
            [r.Out(html.escape(t(user.language, "ack_saved")))] + outs)

    async def _resume_or_menu(self, context: Context, user: UserRow) -> list[r.Out]:
        if self.service.pack_for(user) is None:
            return [r.jurisdiction_chooser(self.service.packs, user.language)]
        state = await self.service.state_of(user)
        if state is not None and state.status == "active":
            return await self._turn(context, user, events.Repeat(), state=state)
        if state is not None and state.status == "done":
            return [return_visit(user.language, diary=self.results.diary is not None)]
        return [r.menu(user.language)]

    async def _rights(self, context: Context, user: UserRow) -> list[r.Out]:
        result = await self.service.last_result(user)
        if result is None:
            return [r.Out(html.escape(t(user.language, "no_result"))), r.menu(user.language)]
        state = await self.service.state_of(user)
        return await self.results.show(context, user, [result], state)

    async def _language(self, context: Context, send: Sender, user: UserRow, language: str,
                        pressed: int | None) -> None:
        user = await self.service.set_language(user, language)
        if self.service.pack_for(user) is None:  # the first screen: now the region
            await send.edit_then(pressed, [r.joined(t(language, "greeting"), r.jurisdiction_chooser(
                self.service.packs, language))])
            return
        outs = [r.Out(html.escape(t(language, "language_set")))]
        state = await self.service.state_of(user) if self.service.pack_for(user) else None
        if state is not None and state.status == "active":
            outs += await self._turn(context, user, events.SetLanguage(language))
        else:
            outs.append(r.menu(language))
        await send.edit_then(pressed, outs)

    async def _finished(self, user: UserRow) -> bool:
        if self.service.pack_for(user) is None:
            return False
        state = await self.service.state_of(user)
        return state is not None and state.status == "done"

    async def _stale(self, kind: str, rest: str, user: UserRow) -> str | None:
        """The toast for a button that no longer means anything (None when it does): a
        question's button once its report is finished, or on a question answered since. The
        old message is left as it is: no edit, no duplicate incident."""
        if kind == RESULT_KIND and self.service.pack_for(user) is not None:
            return await self.results.stale(rest, user)
        if kind not in ("c", "d", "k", "b", "w") or self.service.pack_for(user) is None:
            return None
        state = await self.service.state_of(user)
        if state is None or state.status == "cancelled":
            return None  # the engine starts afresh or says it stopped, as before
        if state.status == "done":
            return t(user.language, "report_finished")
        node = rest.partition(":")[0]
        if kind != "w" and node and state.path and node != state.path[-1]:
            return t(user.language, "stale")
        return None

    def _settings(self, user: UserRow) -> r.Out:
        where = (r.jurisdiction_name(user.jurisdiction, self.service.packs, user.language)
                 if user.jurisdiction else "—")
        return r.settings_menu(user.language, where)

    async def _export(self, send: Sender, user: UserRow) -> None:
        data: dict[str, Any] = await self.service.export(user)
        body = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
        await send.document(InputFile(body, filename="callshield-my-data.json"),
                            html.escape(t(user.language, "export_caption")))

    # -- errors -------------------------------------------------------------------------
    async def on_error(self, update: object, context: Context) -> None:
        chat_id = update.effective_chat.id if isinstance(update, Update) and \
            update.effective_chat else None
        node = context.chat_data.get("node") if context.chat_data is not None else None
        error = context.error
        if isinstance(error, StorageError):  # the cause, never the values
            logger.error("chat %s node %s: %s cause=%s; the user was told it was not saved",
                         chat_id, node, type(error).__name__, error.cause.value)
        else:
            logger.error("chat %s node %s: %s", chat_id, node, type(error).__name__)
        if error is not None:  # tracebacks only at debug level: messages may quote content
            logger.debug("traceback", exc_info=(type(error), error, error.__traceback__))
        if chat_id is None or not isinstance(update, Update) or \
                update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE:
            return
        lang = language_from_code(update.effective_user.language_code
                                  if update.effective_user else None)
        # the truth: a storage failure saved nothing of this message; anything else may not
        # have been used either, so neither says "saved"
        outs = [r.Out(html.escape(t(lang, "not_saved")))] if isinstance(error, StorageError) \
            else [r.Out(html.escape(t(lang, "sorry"))), r.menu(lang)]
        try:
            await Sender(context.bot, chat_id).outs(outs)
        except Exception as again:  # noqa: BLE001 - the way out failed too; log and move on
            logger.error("chat %s: could not send the apology: %s", chat_id,
                         type(again).__name__)


async def _answer(query: CallbackQuery, text: str | None = None, *,
                  show_alert: bool = False) -> None:
    """Answer a button tap (Telegram's spinner stops); a query too old to answer is fine."""
    try:
        await query.answer(text, show_alert=show_alert)
    except TelegramError as error:
        logger.info("callback query not answered: %s", type(error).__name__)


def _button_event(kind: str, rest: str) -> events.Event | None:
    node, _, option = rest.partition(":")
    if kind == "c" and node and option:
        return events.Pick(node, option)
    if kind == "d" and node:
        return events.Done(node)
    if kind == "k" and node:
        return events.DontKnow(node)
    return {"b": events.Back(), "w": events.WhyAsk(), "u": events.Unsafe()}.get(kind)
