"""Encryption at rest for personal values: AES-256-GCM with a keyring, no database code.

Why this shape: the codec knows bytes, keys and contexts only, so the SQLite backend and a
later PostgreSQL one seal values the same way and can read each other's exports.

A sealed value is ``version (1 byte) | key id (4) | nonce (12) | ciphertext + tag (16)``:

* **key id** — the first 4 bytes of SHA-256 over a fixed label and the key, so the right key
  of a :class:`Keyring` is found without trying each, and a value written with a key we do
  not have is named, not misread. It reveals nothing useful about the key.
* **nonce** — 96 random bits per value. NIST's bound for random nonces is 2^32 values per
  key; a key rotation (``callshield db rotate-key``) starts a new key long before that.
* **context** — associated data the caller passes (``table.column`` and the owning row's
  ids, see :func:`context`), authenticated with the header: a value copied into another
  column or another user's row fails to open instead of being read as theirs.

Opening fails loudly (:class:`~storage.errors.StorageError` with ``Cause.CORRUPT`` or
``Cause.DATA_KEY``); it never returns garbage.

Keys are 32 random bytes, written as base64 (url-safe or standard, 44 characters):
:func:`new_key_text` makes one, :func:`parse_keys` reads a list of them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from collections.abc import Iterable, Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .errors import Cause, StorageError

VERSION = b"\x01"
KEY_BYTES = 32
ID_BYTES = 4
NONCE_BYTES = 12
HEADER_BYTES = len(VERSION) + ID_BYTES + NONCE_BYTES
_ID_LABEL = b"callshield data key id\x00"
_SEPARATORS = re.compile(r"[\s,]+")


class DataKey:
    """One AES-256 key and its id."""

    __slots__ = ("_aead", "id", "secret")

    def __init__(self, secret: bytes) -> None:
        if len(secret) != KEY_BYTES:
            raise ValueError(f"a data key is {KEY_BYTES} bytes, not {len(secret)}")
        self.secret = secret
        self.id = hashlib.sha256(_ID_LABEL + secret).digest()[:ID_BYTES]
        self._aead = AESGCM(secret)

    @property
    def id_text(self) -> str:
        """The key id as 8 hex digits, for logs and messages (never the key itself)."""
        return self.id.hex()

    def text(self) -> str:
        """The key as url-safe base64, the form CALLSHIELD_DATA_KEY and key files hold."""
        return base64.urlsafe_b64encode(self.secret).decode("ascii")

    def __repr__(self) -> str:  # never the secret, even in a traceback
        return f"DataKey(id={self.id_text})"


class Keyring:
    """The keys that may open values; the first one seals new values."""

    def __init__(self, keys: Sequence[DataKey]) -> None:
        if not keys:
            raise ValueError("a keyring needs at least one key")
        self.primary = keys[0]
        self._by_id: dict[bytes, DataKey] = {}
        for key in keys:
            self._by_id.setdefault(key.id, key)
        self._prefix = VERSION + self.primary.id

    @property
    def keys(self) -> list[DataKey]:
        """Every key, the primary first."""
        return list(self._by_id.values())

    def has(self, key_id: bytes) -> bool:
        return key_id in self._by_id

    def seal(self, plaintext: str, context: bytes) -> bytes:
        """Encrypt ``plaintext`` under the primary key, bound to ``context``."""
        nonce = os.urandom(NONCE_BYTES)
        prefix = self._prefix
        return prefix + nonce + self.primary._aead.encrypt(
            nonce, plaintext.encode("utf-8"), prefix + context)

    def open(self, sealed: bytes, context: bytes) -> str:
        """Decrypt a value sealed for ``context``; raise StorageError if it cannot be trusted."""
        if len(sealed) < HEADER_BYTES + 16 or sealed[:1] != VERSION:
            raise StorageError(
                "A stored value is not in CallShield's encrypted format (damaged, or written "
                "by other software); restore the database from a backup.", cause=Cause.CORRUPT)
        key = self._by_id.get(sealed[1:5])
        if key is None:
            raise StorageError(
                f"A stored value was encrypted with data key {sealed[1:5].hex()}, which is not "
                "among the configured keys; add that key to CALLSHIELD_DATA_KEY or the key "
                "file (the first key stays the one that encrypts).", cause=Cause.DATA_KEY)
        try:
            plain = key._aead.decrypt(sealed[5:HEADER_BYTES], sealed[HEADER_BYTES:],
                                      sealed[:5] + context)
        except InvalidTag:
            raise StorageError(
                "A stored value failed its integrity check: it was damaged or moved from "
                "another column or row. Restore the database from a backup.",
                cause=Cause.CORRUPT) from None
        return plain.decode("utf-8")

    def key_id_of(self, sealed: bytes) -> bytes:
        """The id of the key a sealed value was written with."""
        return bytes(sealed[1:5])


def context(column: str, *owners: object) -> bytes:
    """Associated data for a value: ``table.column`` and the ids of the row that owns it.

    Parts are joined with NUL; owners are ints or fixed keys, so no two lists collide.
    """
    return "\x00".join((column, *map(str, owners))).encode("utf-8")


def new_key() -> DataKey:
    """A fresh random key."""
    return DataKey(AESGCM.generate_key(bit_length=KEY_BYTES * 8))


def new_key_text() -> str:
    """A fresh random key as CALLSHIELD_DATA_KEY expects it."""
    return new_key().text()


def parse_keys(text: str, *, source: str) -> list[DataKey]:
    """Keys written as base64, separated by commas, spaces or new lines; ``#`` starts a
    comment line. ``source`` names where they came from, for the error message."""
    lines = (line for line in text.splitlines() if not line.lstrip().startswith("#"))
    words = [word for line in lines for word in _SEPARATORS.split(line) if word]
    if not words:
        raise ValueError(f"{source} holds no key")
    return [_decode(word, source, number) for number, word in enumerate(words, start=1)]


def _decode(word: str, source: str, number: int) -> DataKey:
    padded = word + "=" * (-len(word) % 4)
    try:
        secret = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        secret = b""
    if len(secret) != KEY_BYTES:
        raise ValueError(
            f"key {number} in {source} is not {KEY_BYTES} bytes of base64; make one with "
            "`callshield db new-key`")
    return DataKey(secret)


def key_ids(keys: Iterable[DataKey]) -> str:
    """``"1a2b3c4d, 5e6f7a8b"``: key ids for messages."""
    return ", ".join(key.id_text for key in keys)
