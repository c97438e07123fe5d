"""The webhook server on its own, in this process, where the test can take the process's
file descriptors away: running out of them while accepting is one quiet line, and serving
resumes when they come back. (Everything else is tested against the real bot process in
test_webhook_limits.py; here ``deliver`` only needs to answer.)"""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import resource

import pytest

from bot.telegram.webhook import WebhookServer
from bot.telegram.webhook_limits import WebhookLimits
from tests.telegram.webhook_kit import SECRET, closed_within, raw_head, status_of


async def deliver(body: bytes) -> int:
    return 200


async def health(which: str) -> tuple[int, bytes]:
    return 200, json.dumps({"which": which}).encode()


async def test_running_out_of_descriptors_while_accepting_is_one_quiet_line(
        caplog: pytest.LogCaptureFixture) -> None:
    server = WebhookServer(path="tg", secret=SECRET, limits=WebhookLimits(), deliver=deliver,
                           health=health)
    await server.start("127.0.0.1", 0)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    clients: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    caplog.set_level(logging.WARNING, logger="bot.telegram.webhook")
    resource.setrlimit(resource.RLIMIT_NOFILE, (len(os.listdir("/proc/self/fd")) + 16, hard))
    try:
        for _ in range(64):  # clients and the server's accepts share what is left
            try:
                clients.append(await asyncio.open_connection("127.0.0.1", server.port))
            except OSError:
                break
        await asyncio.sleep(0.5)  # the server keeps trying to accept, and failing
    finally:
        for _, writer in clients:
            writer.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    for _, writer in clients:
        await writer.wait_closed()
    reader, writer = await raw_head(server.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert await status_of(reader) == 200  # serving again
    writer.close()
    await writer.wait_closed()
    await server.close()
    lines = [r for r in caplog.records if "cannot accept" in r.getMessage()]
    assert len(lines) == 1 and "EMFILE" in lines[0].getMessage()
    assert server.counts["accept"] > 1  # many failures, one line
    assert all(r.exc_info is None for r in caplog.records)


async def test_workers_share_one_port_only_when_asked() -> None:
    shared = WebhookLimits(reuse_port=True)
    first = WebhookServer(path="tg", secret=SECRET, limits=shared, deliver=deliver,
                          health=health)
    await first.start("127.0.0.1", 0)
    second = WebhookServer(path="tg", secret=SECRET, limits=shared, deliver=deliver,
                           health=health)
    alone = WebhookServer(path="tg", secret=SECRET, limits=WebhookLimits(), deliver=deliver,
                          health=health)
    try:
        await second.start("127.0.0.1", first.port)  # a second worker on the same port
        with pytest.raises(OSError) as refused:
            await alone.start("127.0.0.1", first.port)
        assert refused.value.errno == errno.EADDRINUSE
        for _ in range(8):  # both answer through the one port
            reader, writer = await raw_head(first.port,
                                            b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert await status_of(reader) == 200
            writer.close()
            await writer.wait_closed()
    finally:
        await first.close()
        await second.close()


async def test_a_request_that_is_not_http_gets_400() -> None:
    server = WebhookServer(path="tg", secret=SECRET, limits=WebhookLimits(), deliver=deliver,
                           health=health)
    await server.start("127.0.0.1", 0)
    try:
        for head in (b"GET /readyz HTTP/1.1\r\n\r\n", b"NONSENSE\r\n\r\n",
                     b"POST /tg HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n"):
            reader, writer = await raw_head(server.port, head)
            assert await status_of(reader) == 400
            writer.close()
            await writer.wait_closed()
    finally:
        await server.close()
    assert server.counts["bad_request"] == 3


async def test_a_kept_alive_connection_serves_again_then_closes_when_idle() -> None:
    bodies: list[bytes] = []

    async def take(body: bytes) -> int:
        bodies.append(body)
        return 200

    limits = WebhookLimits(idle_timeout=0.5, header_timeout=0.5)
    server = WebhookServer(path="tg", secret=SECRET, limits=limits, deliver=take, health=health)
    await server.start("127.0.0.1", 0)
    request = (b"POST /tg HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
               b"X-Telegram-Bot-Api-Secret-Token: " + SECRET.encode() + b"\r\n\r\n{}")
    try:
        reader, writer = await raw_head(server.port, request)
        assert await status_of(reader) == 200
        await reader.readuntil(b"\r\n\r\n")  # the rest of the answer's head (no body)
        writer.write(request)  # the same connection, kept alive
        assert await status_of(reader) == 200
        loop = asyncio.get_running_loop()
        idle_from = loop.time()
        assert await closed_within(reader, 3)  # nothing more: closed once idle
        assert 0.9 <= loop.time() - idle_from < 2.5  # idle 0.5 s + head 0.5 s
        writer.close()
        await writer.wait_closed()
    finally:
        await server.close()
    assert bodies == [b"{}", b"{}"]
