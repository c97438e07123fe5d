"""How much the webhook server gives any one connection, from the environment.

Why a module of its own: every limit is a number an operator may need to change (a slow
reverse proxy, a bigger machine) and the tests set short ones; each is read, checked and
explained here once, and a bad value stops the start with a message naming the variable.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass

from bot.settings import SettingsError

FD_RESERVE = 64
"""File descriptors kept free for everything but webhook connections: the Bot API connection
pool (bot/telegram/app.py), the database and its -wal/-shm, fonts and letter files."""
IN_PASSING = 24
"""Connections pushed out and not yet closed (webhook.CLOSING_MAX) plus one accept burst."""


@dataclass(frozen=True, slots=True)
class WebhookLimits:
    max_body: int = 1 << 20
    """Bytes an update's body may have (Telegram's updates are far smaller); more: 413."""
    header_timeout: float = 10.0
    """Seconds a client has to send a request's whole head (method, path, headers)."""
    body_timeout: float = 10.0
    """Seconds a client has to send the body once the head is in."""
    idle_timeout: float = 60.0
    """Seconds a kept-alive connection may wait for its next request."""
    max_connections: int = 200
    """Open connections at once (lowered to fit the process's file-descriptor limit)."""
    shutdown_grace: float = 25.0
    """Seconds SIGTERM waits for updates in hand to finish before the process stops anyway."""
    reuse_port: bool = False
    """SO_REUSEPORT: several worker processes on one machine listen on one port and the
    kernel spreads connections among them (PostgreSQL, or SQLite with the row cache off)."""

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> WebhookLimits:
        env = dict(os.environ if env is None else env)
        d = cls()
        return cls(
            max_body=int(_number(env, "CALLSHIELD_WEBHOOK_MAX_BODY", d.max_body, 1024,
                                 64 << 20, whole=True)),
            header_timeout=_number(env, "CALLSHIELD_WEBHOOK_HEADER_TIMEOUT",
                                   d.header_timeout, 0.05, 600),
            body_timeout=_number(env, "CALLSHIELD_WEBHOOK_BODY_TIMEOUT", d.body_timeout,
                                 0.05, 600),
            idle_timeout=_number(env, "CALLSHIELD_WEBHOOK_IDLE_TIMEOUT", d.idle_timeout,
                                 0.05, 3600),
            max_connections=int(_number(env, "CALLSHIELD_WEBHOOK_MAX_CONNECTIONS",
                                        d.max_connections, 1, 100_000, whole=True)),
            shutdown_grace=_number(env, "CALLSHIELD_SHUTDOWN_GRACE", d.shutdown_grace, 0,
                                   3600),
            reuse_port=_flag(env, "CALLSHIELD_WEBHOOK_REUSE_PORT"),
        )

    def connection_cap(self) -> int:
        """``max_connections``, lowered so that a full house of connections still leaves
        FD_RESERVE descriptors free: accepting must never run the process out of them."""
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft == resource.RLIM_INFINITY:
            return self.max_connections
        room = soft - _open_fds() - FD_RESERVE - IN_PASSING
        return max(4, min(self.max_connections, room))


def _open_fds() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:  # not Linux: assume a typical start-up
        return 32


def _number(env: dict[str, str], name: str, default: float, low: float, high: float, *,
            whole: bool = False) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        kind = "a whole number" if whole else "a number"
        raise SettingsError(f"{name}={text!r} must be {kind} from {low:g} to {high:g} "
                            f"(default {default:g})")
    return value


def _flag(env: dict[str, str], name: str) -> bool:
    text = env.get(name, "").strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name}={text!r} must be 1 or 0")
