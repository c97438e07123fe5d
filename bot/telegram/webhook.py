"""The webhook's HTTP server: what Telegram posts updates to, built so nobody else can tire it.

Why not PTB's own server (tornado): it reads a whole body (up to 100 MB) before it checks the
secret, keeps a connection that never finishes its headers open for ever, has no cap on
connections, and its accept loop logs a traceback for every EMFILE. Here each step is ours,
on asyncio streams with h11 (the HTTP/1.1 parser httpx already uses) doing the parsing:

* the head must arrive within ``header_timeout``; the secret header is compared (in constant
  time) before a byte of body is read — wrong or missing: 403, body never read;
* a declared length over ``max_body`` gets 413 at once; a chunked body is cut off at the cap;
  the body must arrive within ``body_timeout``; a kept-alive connection waits ``idle_timeout``;
* at most ``connection_cap()`` connections: a new one pushes out the oldest connection that is
  not busy with an update (one that never showed the secret first), or is closed at once;
* the secret checked, the update is handed to ``deliver``, and its status is the answer:
  200 only once the update's effects are committed (bot/telegram/webhook_run.py);
* refusals, timeouts and running out of file descriptors are counted and logged at most once
  a minute, never with a traceback, never with what was sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hmac
import http
import logging
import socket
from collections import Counter
from collections.abc import Awaitable, Callable

import h11

from bot.telegram.quiet import Quiet
from bot.telegram.webhook_limits import WebhookLimits

logger = logging.getLogger(__name__)
CHUNK = 64 * 1024
MAX_HEAD = 16 * 1024
"""Bytes a request's head may have; Telegram's are a few hundred."""
LINGER_SECONDS, LINGER_BYTES = 0.5, 256 * 1024
"""After an early refusal, how long and how much of an unwanted body is read and dropped so
the client sees the answer rather than a reset; then the connection is cut."""
HEALTH_PATHS = (b"/healthz", b"/readyz")
SECRET_HEADER = b"x-telegram-bot-api-secret-token"
OUT_OF_RESOURCES = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
ACCEPT_BURST = 8
CLOSING_MAX = 16
"""Connections pushed out but not yet closed, at most; beyond it a new one is refused."""
"""Connections taken per wake-up beyond the first; small, so that descriptors of connections
pushed out (closed on the next loop turn) never pile up past FD_RESERVE."""
Deliver = Callable[[bytes], Awaitable[int]]
Health = Callable[[str], Awaitable[tuple[int, bytes]]]


class _Drop(Exception):
    """End this connection now (timed out, closed by the peer, or refused)."""


class _Conn:
    __slots__ = ("sock", "transport", "busy", "trusted", "task")

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.transport: asyncio.BaseTransport | None = None
        self.busy = False  # an authenticated request (or a health check) is in hand
        self.trusted = False  # has shown the secret once
        self.task: asyncio.Task[None] | None = None

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()
        else:
            self.sock.close()

    def push_out(self) -> None:
        """Close an idle connection now: its task ends on the next turn, without trying to
        answer on a connection that is gone."""
        self.abort()
        if self.task is not None:
            self.task.cancel()


class WebhookServer:
    def __init__(self, *, path: str | None, secret: str | None, limits: WebhookLimits,
                 deliver: Deliver | None, health: Health) -> None:
        # no path and secret: health only (polling mode's CALLSHIELD_HEALTH_PORT)
        self._path = ("/" + path.strip("/")).encode() if path is not None else None
        self._secret = secret.encode() if secret is not None else b""
        self._limits = limits
        self._cap = limits.connection_cap()
        self._deliver = deliver
        self._health = health
        self._conns: dict[_Conn, None] = {}  # insertion order: oldest first
        self._closing: set[_Conn] = set()  # pushed out, descriptor not yet closed
        self._socket: socket.socket | None = None
        self._acceptor: asyncio.Task[None] | None = None
        self._quiet = Quiet()
        self.draining = False
        self.counts: Counter[str] = Counter()

    @property
    def cap(self) -> int:
        """Connections served at once (``WebhookLimits.connection_cap``)."""
        return self._cap

    @property
    def port(self) -> int:
        assert self._socket is not None
        return int(self._socket.getsockname()[1])

    async def start(self, host: str, port: int) -> None:
        sock = socket.create_server((host, port), backlog=64,
                                    reuse_port=self._limits.reuse_port)
        sock.setblocking(False)
        self._socket = sock
        self._acceptor = asyncio.get_running_loop().create_task(self._accept(sock))
        logger.info("webhook listening on %s:%s (up to %d connections, body cap %d bytes)",
                    host, self.port, self._cap, self._limits.max_body)

    async def _accept(self, sock: socket.socket) -> None:
        """Each connection is admitted against the cap as it is taken, so there are never more
        descriptors than the cap allows (asyncio's own server accepts a whole backlog at once,
        and logs a traceback for every EMFILE)."""
        loop = asyncio.get_running_loop()
        while not self.draining:
            try:
                client, _ = await loop.sock_accept(sock)
            except OSError as error:
                if self.draining:
                    return
                name = errno.errorcode.get(error.errno or 0, type(error).__name__)
                if error.errno in OUT_OF_RESOURCES:
                    self._note("accept", "webhook: cannot accept connections: %s (raise the "
                               "open-files limit, `ulimit -n`, or lower CALLSHIELD_WEBHOOK_MAX_"
                               "CONNECTIONS)", name)
                else:  # a connection reset before we took it, and the like
                    self._note("accept_other", "webhook: accept failed: %s", name)
                await asyncio.sleep(0.05)
                continue
            self._take(client)
            for _ in range(ACCEPT_BURST):  # more waiting: take them without a loop trip each
                try:
                    client, _ = sock.accept()
                except OSError:  # none left (or the same failure, met on the next await)
                    break
                self._take(client)

    def _take(self, client: socket.socket) -> None:
        client.setblocking(False)
        conn = _Conn(client)
        if not self._admit(conn):
            client.close()
            return
        conn.task = asyncio.get_running_loop().create_task(self._serve(client, conn))

    async def close(self) -> None:
        """Stop accepting, let requests in hand finish (``shutdown_grace``), then cut the
        rest; an update cut off is not answered, so Telegram delivers it again."""
        self.draining = True
        if self._acceptor is not None:
            self._acceptor.cancel()
        if self._socket is not None:
            self._socket.close()
        for conn in list(self._conns):
            if not conn.busy:
                conn.abort()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._limits.shutdown_grace
        while any(c.busy for c in self._conns) and loop.time() < deadline:
            await asyncio.sleep(0.05)
        for conn in list(self._conns):
            conn.abort()
            if conn.busy and conn.task is not None:
                conn.task.cancel()
        busy = [c.task for c in self._conns if c.task is not None]
        if busy:
            await asyncio.wait(busy, timeout=2)

    # -- connections --------------------------------------------------------------------
    def _admit(self, conn: _Conn) -> bool:
        if self.draining:
            return False
        if len(self._conns) >= self._cap:  # descriptors: at most cap + CLOSING_MAX
            idle = [c for c in self._conns if not c.busy]
            victim = next((c for c in idle if not c.trusted), idle[0] if idle else None)
            if victim is None or len(self._closing) >= CLOSING_MAX:
                # all busy with updates, or enough already on their way out (their
                # descriptors are freed a loop turn or more after the abort)
                self._note("refused", "webhook: %d connections open; a new one was refused",
                           len(self._conns) + len(self._closing))
                return False
            del self._conns[victim]
            self._closing.add(victim)
            victim.push_out()
            self._note("evicted", "webhook: connection cap (%d) reached; the oldest idle "
                       "connection was closed to make room", self._cap)
        self._conns[conn] = None
        return True

    async def _serve(self, client: socket.socket, conn: _Conn) -> None:
        try:
            await self._serve_connection(client, conn)
        finally:
            self._conns.pop(conn, None)
            self._closing.discard(conn)  # its descriptor is closed by now

    async def _serve_connection(self, client: socket.socket, conn: _Conn) -> None:
        try:
            reader, writer = await asyncio.open_connection(sock=client, limit=CHUNK)
        except (OSError, ValueError):  # pushed out (or reset) before it started
            client.close()
            return
        conn.transport = writer.transport
        if conn not in self._conns:  # pushed out while its transport was being made
            writer.transport.abort()
            await asyncio.sleep(0)  # the transport closes its socket on the next turn
            return
        try:
            await self._converse(reader, writer, conn)
        except (_Drop, h11.ProtocolError, ConnectionError, TimeoutError, OSError):
            pass
        except asyncio.CancelledError:
            if not self.draining and conn in self._conns:  # not pushed out: a real cancel
                raise
        except Exception as error:  # noqa: BLE001 - one connection must not stop the server
            logger.error("webhook: connection failed: %s", type(error).__name__)
        finally:
            self._conns.pop(conn, None)
            writer.transport.abort()
            await asyncio.sleep(0)  # the transport closes its socket on the next turn

    async def _converse(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                        conn: _Conn) -> None:
        h = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD)
        loop = asyncio.get_running_loop()
        wait = self._limits.header_timeout
        while not self.draining:
            conn.busy = False
            try:
                event = await self._next(h, reader, loop.time() + wait, "header")
            except h11.RemoteProtocolError as error:  # not HTTP/1.1 we accept: say so, close
                self.counts["bad_request"] += 1
                if h.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                    await self._send(h, writer, error.error_status_hint, b"", close=True)
                return
            if not isinstance(event, h11.Request):
                return  # closed by the peer between requests
            conn.busy = True
            if not await self._answer(h, reader, writer, conn, event):
                return
            h.start_next_cycle()
            wait = self._limits.idle_timeout + self._limits.header_timeout

    async def _answer(self, h: h11.Connection, reader: asyncio.StreamReader,
                      writer: asyncio.StreamWriter, conn: _Conn, request: h11.Request) -> bool:
        """Answer one request; False when the connection must close after it."""
        target = request.target.split(b"?", 1)[0]
        if request.method == b"GET" and target in HEALTH_PATHS:
            status, payload = await self._health(target.decode()[1:])
            await self._send(h, writer, status, payload, close=True)
            return False
        if self._path is None or self._deliver is None or target != self._path or \
                request.method != b"POST":
            self.counts["not_found" if target != self._path else "bad_method"] += 1
            return await self._refuse(h, reader, writer, 404 if target != self._path else 405)
        headers = dict(request.headers)  # h11 lower-cases names; the first of a name is kept
        if not hmac.compare_digest(headers.get(SECRET_HEADER, b""), self._secret):
            self._note("bad_secret", "webhook: a request without the right secret was refused")
            return await self._refuse(h, reader, writer, 403)
        conn.trusted = True
        length = headers.get(b"content-length")
        if length is not None and int(length) > self._limits.max_body:
            self._note("too_large", "webhook: a body of %s bytes was refused (cap %d)",
                       int(length), self._limits.max_body)
            return await self._refuse(h, reader, writer, 413)
        if h.they_are_waiting_for_100_continue:
            writer.write(h.send(h11.InformationalResponse(status_code=100, headers=[])))
        body = await self._body(h, reader)
        if body is None:
            self._note("too_large", "webhook: a chunked body over %d bytes was cut off",
                       self._limits.max_body)
            return await self._refuse(h, reader, writer, 413)
        assert self._deliver is not None  # checked with the path above
        status = await self._deliver(body)
        await self._send(h, writer, status, b"", close=self.draining)
        return h.our_state is h11.DONE and h.their_state is h11.DONE

    async def _body(self, h: h11.Connection, reader: asyncio.StreamReader) -> bytes | None:
        """The whole body, or None once it passes the cap."""
        deadline = asyncio.get_running_loop().time() + self._limits.body_timeout
        body = bytearray()
        while True:
            event = await self._next(h, reader, deadline, "body")
            if isinstance(event, h11.EndOfMessage):
                return bytes(body)
            if not isinstance(event, h11.Data):
                raise _Drop("closed in the body")
            body += event.data
            if len(body) > self._limits.max_body:
                return None

    async def _next(self, h: h11.Connection, reader: asyncio.StreamReader, deadline: float,
                    phase: str) -> object:
        while True:
            event = h.next_event()
            if event is not h11.NEED_DATA:
                return event
            try:
                async with asyncio.timeout_at(deadline):
                    data = await reader.read(CHUNK)
            except TimeoutError:
                self._note(f"slow_{phase}", "webhook: a connection too slow to send its %s "
                           "was dropped", phase)
                raise _Drop(phase) from None
            h.receive_data(data)

    async def _refuse(self, h: h11.Connection, reader: asyncio.StreamReader,
                      writer: asyncio.StreamWriter, status: int) -> bool:
        """Answer ``status`` without reading the body, then close (a body may be on its way:
        a little of it is dropped so the client reads the answer instead of a reset)."""
        await self._send(h, writer, status, b"", close=True)
        with contextlib.suppress(Exception):
            if writer.can_write_eof():
                writer.write_eof()
            async with asyncio.timeout(LINGER_SECONDS):
                dropped = 0
                while dropped < LINGER_BYTES:
                    chunk = await reader.read(CHUNK)
                    if not chunk:
                        break
                    dropped += len(chunk)
        return False

    async def _send(self, h: h11.Connection, writer: asyncio.StreamWriter, status: int,
                    payload: bytes, *, close: bool) -> None:
        headers = [(b"content-length", str(len(payload)).encode())]
        if payload:
            headers.append((b"content-type", b"application/json"))
        if close:
            headers.append((b"connection", b"close"))
        reason = http.HTTPStatus(status).phrase.encode()
        data = h.send(h11.Response(status_code=status, headers=headers, reason=reason))
        if payload:
            data += h.send(h11.Data(data=payload))
        data += h.send(h11.EndOfMessage())
        writer.write(data)
        async with asyncio.timeout(self._limits.body_timeout):
            await writer.drain()

    def _note(self, kind: str, message: str, *args: object) -> None:
        self.counts[kind] += 1
        self._quiet.warn(kind, message, *args)

