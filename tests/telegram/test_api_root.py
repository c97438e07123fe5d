"""TELEGRAM_API_BASE_URL: the application calls ``{root}/bot<token>/<method>`` and downloads
files from ``{root}/file/bot<token>/<path>`` — here the root is the fake server's."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.packs import load_all
from bot.service import GuidanceService
from bot.telegram.app import build_application
from storage import open_store
from tests.fake_bot_api import FakeBotApi
from tests.telegram.conftest import TOKEN


async def test_methods_and_file_downloads_use_the_configured_root(
        server: FakeBotApi, packs_dir: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLSHIELD_PACKS", str(packs_dir))
    contents = b"%PDF-1.7\n" + bytes(range(256)) * 40
    server.user_sends_document(5001, "call-log.pdf", contents)
    async with await open_store(tmp_path / "bot.sqlite3") as store:
        app = build_application(GuidanceService(store, load_all(), channel="telegram"), TOKEN,
                                api_root=server.api_root, rate_limit=False)
        async with app:  # getMe, through the root
            [update] = await app.bot.get_updates()
            assert update.message is not None and update.message.document is not None
            found = await app.bot.get_file(update.message.document.file_id)
            assert found.file_path is not None
            assert found.file_path.startswith(f"{server.api_root}/file/bot{TOKEN}/")
            assert bytes(await found.download_as_bytearray()) == contents
    assert [c.method for c in server.calls[:3]] == ["getMe", "getUpdates", "getFile"]
    assert not server.failed_calls
