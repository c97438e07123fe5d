"""The Telegram channel: python-telegram-bot in front of the GuidanceService."""
