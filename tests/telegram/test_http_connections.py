"""CALLSHIELD_HTTP_CONNECTIONS: the Bot API connection pool size, with a kind fallback."""

from __future__ import annotations

import logging

import pytest

from bot.telegram.app import HTTP_CONNECTIONS
from bot.telegram.runner import _http_connections


@pytest.mark.parametrize(("value", "expected"), [
    (None, HTTP_CONNECTIONS), ("", HTTP_CONNECTIONS), ("12", 12), (" 4 ", 4), ("1", 1),
    ("256", 256)])
def test_pool_size_from_environment(monkeypatch: pytest.MonkeyPatch, value: str | None,
                                    expected: int) -> None:
    if value is None:
        monkeypatch.delenv("CALLSHIELD_HTTP_CONNECTIONS", raising=False)
    else:
        monkeypatch.setenv("CALLSHIELD_HTTP_CONNECTIONS", value)
    assert _http_connections() == expected


@pytest.mark.parametrize("value", ["0", "-3", "many", "2.5", "1000"])
def test_unusable_pool_size_says_how_to_fix_it(monkeypatch: pytest.MonkeyPatch,
                                               caplog: pytest.LogCaptureFixture,
                                               value: str) -> None:
    monkeypatch.setenv("CALLSHIELD_HTTP_CONNECTIONS", value)
    with caplog.at_level(logging.WARNING):
        assert _http_connections() == HTTP_CONNECTIONS
    assert "whole number from 1 to 256" in caplog.text
