"""Configuration from the environment, read once at start-up (never at import time)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from storage import KeyConfig, Retention, StorageError
from storage.pg.dialect import is_postgres_url
from storage.retention import parse_days

DEFAULT_DATABASE = "callshield.db"
DEFAULT_LETTERS_DIR = "callshield-letters"
TELEGRAM_API = "https://api.telegram.org"


def database_of(text: str) -> Path | str:
    """CALLSHIELD_DATABASE: a ``postgresql://`` URL stays text (a Path would fold its
    slashes); anything else is the SQLite file's path."""
    return text if is_postgres_url(text) else Path(text)


class SettingsError(ValueError):
    """A setting that cannot work; the message says which variable and how to fix it."""


@dataclass(frozen=True, slots=True)
class Settings:
    token: str | None
    database: Path | str
    """A SQLite file, or a ``postgresql://`` URL (several workers; storage/pg/)."""
    api_base_url: str
    webhook_url: str | None
    webhook_secret: str | None
    webhook_listen: str
    webhook_port: int
    log_level: str
    letters_dir: Path  # where the console writes letter files (Telegram sends them instead)
    keys: KeyConfig = field(default_factory=KeyConfig, repr=False)  # never print the key
    """CALLSHIELD_DATA_KEY or CALLSHIELD_DATA_KEY_FILE (storage/keys.py)."""
    retention_days: int | None = None
    """CALLSHIELD_RETENTION_DAYS; None: kept until the user deletes it."""

    @property
    def retention(self) -> Retention:
        return Retention(days=self.retention_days)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        webhook_url = env.get("CALLSHIELD_WEBHOOK_URL") or None
        secret = env.get("CALLSHIELD_WEBHOOK_SECRET") or None
        if webhook_url and not secret:
            raise SettingsError("CALLSHIELD_WEBHOOK_URL is set but CALLSHIELD_WEBHOOK_SECRET is "
                                "not: set a secret (1-256 characters A-Z a-z 0-9 _ -) so that "
                                "forged updates are rejected")
        keys = KeyConfig.from_env(env)
        try:
            keys.check()
            retention_days = parse_days(env.get("CALLSHIELD_RETENTION_DAYS"))
        except (StorageError, ValueError) as error:
            raise SettingsError(str(error)) from None
        port_text = env.get("CALLSHIELD_WEBHOOK_PORT", "8443")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise SettingsError(f"CALLSHIELD_WEBHOOK_PORT={port_text!r} is not a port number")
        return cls(
            token=env.get("TELEGRAM_BOT_TOKEN") or None,
            database=database_of(env.get("CALLSHIELD_DATABASE") or DEFAULT_DATABASE),
            api_base_url=(env.get("TELEGRAM_API_BASE_URL") or TELEGRAM_API).rstrip("/"),
            webhook_url=webhook_url,
            webhook_secret=secret,
            webhook_listen=env.get("CALLSHIELD_WEBHOOK_LISTEN", "127.0.0.1"),
            webhook_port=int(port_text),
            log_level=env.get("CALLSHIELD_LOG_LEVEL", "INFO").upper(),
            letters_dir=Path(env.get("CALLSHIELD_LETTERS_DIR") or DEFAULT_LETTERS_DIR),
            keys=keys,
            retention_days=retention_days,
        )
