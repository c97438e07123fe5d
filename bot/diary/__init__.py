"""The evidence diary: the person's record of contacts (reports and quick additions), files
kept as evidence, the counts findings and letters read, exports, and follow-up reminders.
Channel-independent; bot/telegram/diary.py and bot/console_diary.py present it."""
