"""Helpers for webhook tests: the real bot in webhook mode, a Telegram-like poster that posts
an update again until it gets a 2xx (as Telegram does), raw sockets for abusive clients, and
the bot process's resident memory."""

from __future__ import annotations

import asyncio
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp

from tests.telegram.conftest import ROOT, BotProcess, free_port

SECRET = "s3cret_ok"
SHORT = {"CALLSHIELD_WEBHOOK_HEADER_TIMEOUT": "1", "CALLSHIELD_WEBHOOK_BODY_TIMEOUT": "1",
         "CALLSHIELD_WEBHOOK_IDLE_TIMEOUT": "2", "CALLSHIELD_SHUTDOWN_GRACE": "5"}
"""Timeouts short enough for tests (production defaults are in the README)."""


class LimitedBot(BotProcess):
    """The bot with a lower open-files limit (set in the child before it starts)."""

    def __init__(self, env: dict[str, str], log: Path, nofile: int) -> None:
        super().__init__(env, log)
        self.nofile = nofile

    def start(self, **extra: str) -> LimitedBot:
        nofile = self.nofile

        def limit() -> None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run"], cwd=ROOT,
                                         env={**self.env, **extra}, stdout=out,
                                         stderr=subprocess.STDOUT, preexec_fn=limit)
        return self


def webhook_env(port: int | None = None, **extra: str) -> dict[str, str]:
    port = port or free_port()
    return {"CALLSHIELD_WEBHOOK_URL": f"http://127.0.0.1:{port}/tg",
            "CALLSHIELD_WEBHOOK_LISTEN": "127.0.0.1", "CALLSHIELD_WEBHOOK_PORT": str(port),
            "CALLSHIELD_WEBHOOK_SECRET": SECRET, **SHORT, **extra}


async def wait_ready(port: int, timeout: float = 30.0) -> None:
    """Until /readyz answers 200 (storage and packs up, webhook listening)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    async with aiohttp.ClientSession() as http:
        while True:
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            if loop.time() > deadline:
                raise TimeoutError(f"the webhook on port {port} never became ready")
            await asyncio.sleep(0.05)


class Poster:
    """Posts updates like Telegram: with the secret, again and again until a 2xx."""

    def __init__(self, port: int, secret: str = SECRET) -> None:
        self.url = f"http://127.0.0.1:{port}/tg"
        self.secret = secret
        self.attempts = 0
        self.refused: dict[int, int] = {}  # status -> how many times
        self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20))

    async def close(self) -> None:
        await self._http.close()

    async def post(self, update: dict[str, Any], secret: str | None = None) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.secret if secret is None else secret}
        async with self._http.post(self.url, json=update, headers=headers) as response:
            await response.read()
            return response.status

    async def deliver(self, update: dict[str, Any], timeout: float = 60.0) -> None:
        """Post until 2xx; a refused connection or a 5xx is tried again after a pause that
        grows (as Telegram's does), from 50 ms to half a second."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        pause = 0.05
        while True:
            self.attempts += 1
            try:
                status = await self.post(update)
                if 200 <= status < 300:
                    return
                self.refused[status] = self.refused.get(status, 0) + 1
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                pass
            if loop.time() > deadline:
                raise TimeoutError(f"update {update['update_id']} never got a 2xx")
            await asyncio.sleep(pause)
            pause = min(pause * 1.5, 0.5)


async def raw_head(port: int, head: bytes) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head)
    await writer.drain()
    return reader, writer


def post_head(length: int, secret: str | None, *, chunked: bool = False) -> bytes:
    lines = [b"POST /tg HTTP/1.1", b"Host: 127.0.0.1", b"Content-Type: application/json"]
    if secret is not None:
        lines.append(b"X-Telegram-Bot-Api-Secret-Token: " + secret.encode())
    lines.append(b"Transfer-Encoding: chunked" if chunked else
                 b"Content-Length: " + str(length).encode())
    return b"\r\n".join(lines) + b"\r\n\r\n"


async def status_of(reader: asyncio.StreamReader, timeout: float = 5.0) -> int:
    """The status code of the response on ``reader``."""
    async with asyncio.timeout(timeout):
        line = await reader.readline()
    return int(line.split()[1])


async def closed_within(reader: asyncio.StreamReader, timeout: float) -> bool:
    """True when the server closes the connection (EOF or reset) within ``timeout``."""
    try:
        async with asyncio.timeout(timeout):
            while await reader.read(4096):
                pass
        return True
    except TimeoutError:
        return False
    except ConnectionError:
        return True


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS line")


def count_lines(text: str, *fragments: str) -> int:
    return sum(1 for line in text.splitlines() if any(f in line for f in fragments))

