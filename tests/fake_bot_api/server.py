"""FakeBotApi: an in-process HTTP server that speaks the Telegram Bot API, honest to the spec.

The bot under test talks to it over real HTTP (PTB's ``base_url=f"{api_root}/bot"``), so the
request encoding, error replies and timing are exercised exactly as against api.telegram.org.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web

from . import errors
from .errors import ApiError, bad_request
from .handlers_messages import HANDLERS as MESSAGE_HANDLERS
from .handlers_messages import MAX_FILE, SKIP_REQUIRED
from .handlers_misc import HANDLERS as MISC_HANDLERS
from .handlers_misc import scope_key
from .models import ApiCall, BotMessage, UploadedFile
from .params import check_required, normalise, read_request
from .spec import Spec, load_spec
from .state import CLIENT_GONE, ClientGone, State
from .users import UserActions

HANDLERS = {**MESSAGE_HANDLERS, **MISC_HANDLERS}
logger = logging.getLogger(__name__)


class FakeBotApi(UserActions):
    """A fake Telegram Bot API server; see tests/test_fake_bot_api.py for usage."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "callshield_test_bot",
        *,
        bot_name: str = "CallShield",
        host: str = "127.0.0.1",
        port: int = 0,
        strict_ampersand: bool = True,
    ) -> None:
        self.token = token
        self.bot_username = bot_username
        self.spec: Spec = load_spec()
        self._state = State(token, bot_username, bot_name, strict_ampersand)
        self._host, self._port = host, port
        self._runner: web.AppRunner | None = None
        self._root: str | None = None

    # -- lifecycle ------------------------------------------------------------------------
    async def start(self) -> FakeBotApi:
        """Listen on a free port; after a stop(), start() again reuses the port and the state
        (so a test can take "Telegram" down and bring it back under the running bot)."""
        self._state.closing = False
        app = web.Application(client_max_size=MAX_FILE + 10 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        host, self._port = self._runner.addresses[0][:2]
        self._root = f"http://{host}:{self._port}"
        return self

    async def stop(self) -> None:
        """Answer pending long polls, then close every connection."""
        self._state.closing = True
        self._state.update_signal.fire()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def api_root(self) -> str:
        """``http://127.0.0.1:PORT``; the bot uses ``{root}/bot`` and ``{root}/file/bot``."""
        if self._root is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._root

    @property
    def base_url(self) -> str:
        return f"{self.api_root}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_root}/file/bot"

    @property
    def bot_id(self) -> int:
        return self._state.bot_id

    # -- observing the bot ----------------------------------------------------------------
    @property
    def calls(self) -> list[ApiCall]:
        return self._state.calls

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self._state.calls if c.method.lower() == method.lower()]

    @property
    def failed_calls(self) -> list[ApiCall]:
        """Calls the fake refused (not counting fail_next/drop_next injections' own)."""
        return [c for c in self._state.calls if c.error is not None]

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        timeout: float = 10.0,
        after_index: int = 0,
    ) -> ApiCall:
        """The first call of ``method`` at index >= after_index matching ``predicate``.

        Calls are logged after they are answered, so the state (chat_messages) already shows
        their effect. Raises TimeoutError listing the recent calls when none comes in time.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        index = after_index
        while True:
            calls = self._state.calls
            for call in calls[index:]:
                if call.method.lower() != method.lower():
                    continue
                if predicate is None or predicate(call):
                    return call
            index = max(index, len(calls))
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = ", ".join(f"{c.method}{'!' if c.error else ''}" for c in calls[-10:])
                raise TimeoutError(f"no matching {method} call within {timeout}s; "
                                   f"last calls: [{recent}]")
            await self._state.call_signal.wait(min(remaining, 0.5))

    async def watch(self, after_index: int = 0) -> AsyncIterator[ApiCall]:
        """Every call from ``after_index`` on, as it is recorded, for as long as you iterate.

        One watcher over the whole log costs O(calls), where many ``wait_for_call`` waiters
        rescan it on every call; benchmarks driving hundreds of chats need the former.
        """
        index = after_index
        while True:
            calls = self._state.calls
            while index < len(calls):
                yield calls[index]
                index += 1
            await self._state.call_signal.wait(0.5)

    def chat_messages(self, chat_id: int, *, include_user: bool = False) -> list[BotMessage]:
        """The bot's messages in a chat, in order, as they are now (deleted ones flagged)."""
        messages = self._state.messages.get(chat_id, {}).values()
        return [m for m in messages if m.from_bot or include_user]

    def last_message(self, chat_id: int) -> BotMessage | None:
        """The bot's latest message in the chat that is not deleted."""
        alive = [m for m in self.chat_messages(chat_id) if not m.deleted]
        return alive[-1] if alive else None

    def documents(self, chat_id: int) -> list[UploadedFile]:
        return [m.document for m in self.chat_messages(chat_id)
                if m.document is not None and not m.deleted]

    def commands(self, scope: dict[str, Any] | None = None,
                 language_code: str = "") -> list[dict[str, str]]:
        """The command list setMyCommands stored for exactly this scope and language."""
        return list(self._state.commands.get((scope_key(scope), language_code), []))

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by an offset."""
        return list(self._state.updates)

    @property
    def webhook(self) -> dict[str, Any]:
        return dict(self._state.webhook)

    def unanswered_callback_queries(self) -> list[str]:
        return [qid for qid, answered in self._state.callbacks.items() if not answered]

    # -- steering failures ----------------------------------------------------------------
    def fail_next(self, method: str, *, error_code: int = 429,
                  description: str = "Too Many Requests: retry after 1",
                  retry_after: int | None = 1) -> None:
        """The next call of ``method`` gets this error (queued: call twice for two failures)."""
        name = self._known(method)
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        error = ApiError(error_code, description, parameters)
        self._state.failures.setdefault(name.lower(), []).append(error)

    def drop_next(self, method: str) -> None:
        """The next call of ``method`` is read, then its connection closed with no response."""
        name = self._known(method).lower()
        self._state.drops[name] = self._state.drops.get(name, 0) + 1

    def delay_next(self, method: str, seconds: float) -> None:
        """The next call of ``method`` is answered only after ``seconds`` (a slow network);
        ``delayed_now`` names the calls being held back at this moment."""
        name = self._known(method).lower()
        self._state.delays.setdefault(name, []).append(seconds)

    @property
    def delayed_now(self) -> list[str]:
        return list(self._state.delayed_now)

    def user_blocks_bot(self, chat_id: int, blocked: bool = True) -> None:
        """From now on sends to this chat get 403 "Forbidden: bot was blocked by the user"."""
        (self._state.blocked.add if blocked else self._state.blocked.discard)(chat_id)

    def _known(self, method: str) -> str:
        found = self.spec.find(method)
        if found is None:
            raise ValueError(f"{method!r} is not a Bot API method")
        return found.name

    # -- HTTP -----------------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        if path.startswith("/file/bot"):
            return await self._download(path[len("/file/bot"):])
        if not path.startswith("/bot"):
            return _reply(errors.not_found())
        token, _, name = path[len("/bot"):].partition("/")
        call = ApiCall(name, {}, {}, at=time.monotonic(), http_method=request.method)
        method = self.spec.find(name) if name and "/" not in name else None
        if token != self.token or method is None:
            error = errors.unauthorized() if token != self.token else errors.not_found()
            call.error, call.status = error.description, error.code
            self._state.record(call)  # visible in failed_calls: a misconfigured bot shows up
            return _reply(error)
        call.method = method.name
        try:
            raw, call.files = await read_request(request)
            call.params = raw
            if self._state.take_drop(method.name):
                call.dropped = True
                self._state.record(call)
                if request.transport is not None:
                    request.transport.abort()
                return web.Response(status=500)  # never reaches the client
            delay = self._state.take_delay(method.name)
            if delay:
                self._state.delayed_now.append(method.name)
                try:
                    await asyncio.sleep(delay)
                finally:
                    self._state.delayed_now.remove(method.name)
            parse_error: ApiError | None = None
            try:
                call.params = normalise(method, raw, call.files)
            except ApiError as exc:
                parse_error = exc
            failure = self._state.take_failure(method.name) or parse_error
            if failure is not None:
                raise failure
            key = method.name.lower()
            check_required(method, call.params, SKIP_REQUIRED.get(key, ()))
            handler = HANDLERS.get(key)
            if handler is not None:
                CLIENT_GONE.set(lambda: _client_gone(request))
                call.result = await handler(self._state, call.params)
            elif method.returns_true:
                call.result = True
            else:
                raise bad_request(errors.NOT_SUPPORTED)
            reply: dict[str, Any] = {"ok": True, "result": call.result}
        except ApiError as exc:
            call.error, call.status = exc.description, exc.code
            reply = exc.payload()
        except ClientGone:
            call.abandoned = True
            reply = {"ok": True, "result": []}
        except Exception as exc:  # a bug in the fake: make it loud in the call log, not a hang
            logger.exception("fake Bot API failed on %s", method.name)
            call.error, call.status = f"Internal Server Error: {exc!r}", 500
            reply = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        self._state.record(call)
        return web.json_response(reply, status=call.status)

    async def _download(self, rest: str) -> web.StreamResponse:
        token, _, file_path = rest.partition("/")
        if token != self.token:
            return _reply(errors.unauthorized())
        stored = self._state.files_by_path.get(file_path)
        if stored is None:
            return _reply(errors.not_found())
        return web.Response(body=stored.upload.data, content_type="application/octet-stream")


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


def _reply(error: ApiError) -> web.Response:
    return web.json_response(error.payload(), status=error.code)
