"""A fake Telegram Bot API server for tests and benchmarks, honest to the Bot API spec.

    server = FakeBotApi()
    await server.start()
    bot = telegram.Bot(server.token, base_url=server.base_url, base_file_url=server.base_file_url)
    server.user_sends_text(42, "/start")
    call = await server.wait_for_call("sendMessage")
    await server.stop()
"""

from .errors import ApiError
from .models import ApiCall, BotMessage, StoredFile, UploadedFile
from .server import FakeBotApi

__all__ = ["ApiCall", "ApiError", "BotMessage", "FakeBotApi", "StoredFile", "UploadedFile"]
