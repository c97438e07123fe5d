"""Where the data key comes from: CALLSHIELD_DATA_KEY, or a key file next to the database.

* ``CALLSHIELD_DATA_KEY`` — one or more keys (44-character base64 of 32 random bytes, from
  ``callshield db new-key``), separated by commas; the first encrypts, the others are only
  read (a key rotation in progress). Best kept in a secret store, apart from the database.
* otherwise a **key file**: ``CALLSHIELD_DATA_KEY_FILE``, by default ``<database>.key`` next
  to the database; one key per line, ``#`` comments. When it does not exist and the database
  holds no encrypted data yet, a key is generated into it (mode 0600) with a loud warning:
  back it up, because without it the data cannot be read.

A database that already holds encrypted data never gets a new key behind the operator's back:
a missing key file then stops the start with a message saying where the key should be.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .crypto import DataKey, Keyring, new_key, parse_keys
from .errors import Cause, StorageUnavailable
from .files import create_private_once, tighten

logger = logging.getLogger(__name__)

ENV_KEY = "CALLSHIELD_DATA_KEY"
ENV_KEY_FILE = "CALLSHIELD_DATA_KEY_FILE"
KEY_FILE_SUFFIX = ".key"
KEY_FILE_HEADER = (
    "# CallShield data key (AES-256-GCM). BACK THIS FILE UP, apart from the database:\n"
    "# without it the stored answers and reports cannot be read. One key per line; the\n"
    "# first encrypts new data, the others are only read (during a key rotation).\n"
)


@dataclass(frozen=True, slots=True)
class KeyConfig:
    """The operator's choice of key source (from the environment unless given)."""

    key_text: str | None = None
    key_file: Path | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> KeyConfig:
        env = os.environ if env is None else env
        text = (env.get(ENV_KEY) or "").strip() or None
        file = (env.get(ENV_KEY_FILE) or "").strip()
        return cls(key_text=text, key_file=Path(file) if file else None)

    def check(self) -> None:
        """Refuse settings that cannot work (before anything is opened)."""
        if self.key_text and self.key_file:
            raise _key_error(f"Both {ENV_KEY} and {ENV_KEY_FILE} are set; set only one "
                             "(the key itself, or the file that holds it).")
        if self.key_text:
            self.env_keys()

    def env_keys(self) -> list[DataKey]:
        assert self.key_text is not None
        try:
            return parse_keys(self.key_text, source=ENV_KEY)
        except ValueError as error:
            raise _key_error(f"{error}.") from None

    def file_for(self, database: Path) -> Path:
        """The key file used for ``database`` when CALLSHIELD_DATA_KEY is not set."""
        if self.key_file is not None:
            return self.key_file
        return database.with_name(database.name + KEY_FILE_SUFFIX)


@dataclass(frozen=True, slots=True)
class LoadedKeys:
    keyring: Keyring
    origin: str
    """Where the keys came from, for messages: ``CALLSHIELD_DATA_KEY`` or ``key file PATH``."""
    file: Path | None
    """The key file, when the keys came from one."""


def load_keys(config: KeyConfig, database: Path | None, *, may_generate: bool) -> LoadedKeys:
    """The keyring for ``database`` (None: an in-memory database, which gets a throwaway key
    unless one is configured). ``may_generate``: the database holds no encrypted data yet."""
    config.check()
    if config.key_text:
        return LoadedKeys(Keyring(config.env_keys()), ENV_KEY, None)
    if database is None and config.key_file is None:
        return LoadedKeys(Keyring([new_key()]), "a throwaway key (in-memory database)", None)
    path = config.file_for(database) if database is not None else config.key_file
    assert path is not None
    if not path.exists():
        if not may_generate:
            raise _key_error(
                f"The database holds encrypted data but there is no key: {ENV_KEY} is not set "
                f"and the key file {path} does not exist. Restore the key file from your "
                f"backup (or set {ENV_KEY}, or {ENV_KEY_FILE} to where the file is). "
                "CallShield will not make a new key for data it could then never read.")
        _generate(path)
    return LoadedKeys(Keyring(read_key_file(path)), f"key file {path}", path)


def read_key_file(path: Path) -> list[DataKey]:
    """The keys in a key file (tightened to 0600 first if it was readable by others)."""
    try:
        tighten(path)
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as error:
        raise _key_error(f"Cannot read the key file {path} ({error.__class__.__name__}); "
                         "check that it is a readable text file.") from None
    try:
        return parse_keys(text, source=f"the key file {path}")
    except ValueError as error:
        raise _key_error(f"{error}. Restore the key file from your backup.") from None


def key_file_text(keys: list[DataKey]) -> str:
    return KEY_FILE_HEADER + "".join(f"{key.text()}\n" for key in keys)


def _generate(path: Path) -> None:
    if not path.parent.is_dir():
        raise _key_error(f"Cannot create the key file {path}: its directory does not exist; "
                         f"create it or set {ENV_KEY_FILE}.")
    try:
        created = create_private_once(path, key_file_text([new_key()]))
    except OSError as error:
        raise _key_error(f"Cannot create the key file {path} ({error.strerror}); make its "
                         f"directory writable or set {ENV_KEY} / {ENV_KEY_FILE}.") from None
    if created:
        logger.warning(
            "WARNING: %s is not set, so a NEW DATA KEY was generated into %s (mode 0600). "
            "BACK THIS FILE UP NOW and keep it apart from the database: without it the "
            "stored answers and reports CANNOT BE READ. For production, set %s from a "
            "secret store instead.", ENV_KEY, path, ENV_KEY)


def _key_error(message: str) -> StorageUnavailable:
    return StorageUnavailable(message, cause=Cause.DATA_KEY)
