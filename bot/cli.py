"""The ``callshield`` command: run the bot, chat in a terminal, validate and test packs,
look after the database (``db …``, bot/dbcli.py)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.settings import Settings, SettingsError
from flows import PackInvalid, available_packs, inspect_pack, load_pack, resolve_pack
from flows.convtests import random_walk, run_pack_tests
from storage import StorageError, StorageUnavailable, open_store


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="callshield", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the bot: Telegram when TELEGRAM_BOT_TOKEN is "
                              "set, otherwise the console chat")
    run.add_argument("--workers", type=int, default=1, help="webhook worker processes on "
                     "one port (PostgreSQL only; bot/telegram/workers.py)")
    chat = commands.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--pack", help="a pack id (cn, us, elsewhere) or a pack folder's path")
    chat.add_argument("--lang", help="language: en, zh-Hans or zh-Hant")
    chat.add_argument("--user", default="console", help="who you are (keeps separate histories)")
    chat.add_argument("--letters-dir", type=Path, help="where /letter writes PDF and DOCX files "
                      "(default: $CALLSHIELD_LETTERS_DIR or ./callshield-letters)")
    flows = commands.add_parser("flows", help="check operator packs")
    flows_commands = flows.add_subparsers(dest="flows_command", required=True)
    validate = flows_commands.add_parser("validate", help="report every problem in packs")
    validate.add_argument("paths", nargs="*", help="pack folders or ids (default: all)")
    test = flows_commands.add_parser("test", help="run the packs' conversation tests")
    test.add_argument("paths", nargs="*", help="pack folders or ids (default: all)")
    test.add_argument("--walks", type=int, default=1000, help="random walks per pack")
    from bot.dbcli import add_commands as add_database_commands

    add_database_commands(commands)  # db new-key, rotate-key, migrate, copy
    from bot.operators.cli import add_commands  # packs, stats, flows goldens

    add_commands(commands, flows_commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"callshield: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from bot.logredact import install

    install()  # libraries' log records never carry arguments or tracebacks (user data)
    from bot.telegram.texts import set_retention_days

    set_retention_days(settings.retention_days)  # users are told the period
    from bot.operators.cli import handles, run as run_operators

    if handles(args):
        return run_operators(args, settings)
    if args.command == "db":
        from bot.dbcli import run as run_database

        return run_database(settings, args)
    if args.command == "flows":
        return validate(args.paths) if args.flows_command == "validate" else test(
            args.paths, args.walks)
    if args.command == "run" and getattr(args, "workers", 1) != 1:
        from bot.telegram.workers import Supervisor, refuse

        problem = refuse(args.workers, settings.database, settings.webhook_url)
        if problem is not None or not settings.token:
            print(f"callshield: {problem or '--workers needs TELEGRAM_BOT_TOKEN'}",
                  file=sys.stderr)
            return 2
        return Supervisor(args.workers).run()
    if args.command == "run" and settings.token:
        from bot.telegram.runner import run_telegram

        return run_telegram(settings)
    pack = getattr(args, "pack", None)
    letters_dir = getattr(args, "letters_dir", None) or settings.letters_dir
    return asyncio.run(_chat(settings, pack, getattr(args, "lang", None),
                             getattr(args, "user", "console"), letters_dir))


def _targets(paths: list[str]) -> list[str]:
    return paths or available_packs()


def validate(paths: list[str]) -> int:
    """Print every issue of every pack; exit 1 when any error is found."""
    failed = False
    for name in _targets(paths):
        try:
            folder = resolve_pack(name)
        except FileNotFoundError as error:
            print(f"{name}: {error}")
            failed = True
            continue
        pack, issues = inspect_pack(folder)
        for issue in issues:
            print(issue)
        errors = sum(issue.level == "error" for issue in issues)
        warnings = len(issues) - errors
        print(f"{folder}: {errors} error(s), {warnings} warning(s)")
        failed = failed or pack is None
    return 1 if failed else 0


def test(paths: list[str], walks: int) -> int:
    """Run conversation tests, random walks and golden letters; exit 1 when any fails."""
    passed = failed = 0
    for name in _targets(paths):
        try:
            pack = load_pack(name)
        except (PackInvalid, FileNotFoundError) as error:
            print(f"{name}: {error}")
            failed += 1
            continue
        for outcome in run_pack_tests(pack):
            if outcome.passed:
                passed += 1
            else:
                failed += 1
                print(f"FAIL {outcome.file}: {outcome.name}")
                for failure in outcome.failures:
                    print(f"     {failure}")
        problems = random_walk(pack, walks) if walks else []
        for problem in problems[:10]:
            print(f"FAIL {pack.id} random walk: {problem}")
        failed += bool(problems)
        passed += not problems and walks > 0
        from bot.operators.goldens import check_goldens  # every letter against its golden

        goldens = check_goldens(pack)
        for problem in goldens:
            print(f"FAIL {pack.id} letters: {problem}")
        failed += bool(goldens)
        passed += not goldens and bool(pack.data.letters)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


async def _chat(settings: Settings, pack: str | None, language: str | None, user: str,
                letters_dir: Path) -> int:
    from bot.analytics import EventLog
    from bot.console import chat
    from bot.letters.desk import warm_up_fonts
    from bot.packs import PackRegistry, reload_seconds
    from bot.service import GuidanceService

    try:
        store = await open_store(settings.database, keys=settings.keys,
                                 retention=settings.retention)
    except StorageUnavailable as error:
        print(f"callshield: {error}", file=sys.stderr)
        return 2
    extra = [Path(pack)] if pack and Path(pack).is_dir() else []
    registry = PackRegistry(store, extra=extra, reload_seconds=reload_seconds())
    events = EventLog(store)
    try:
        packs = await registry.load()  # a pack that fails is skipped, with its errors logged
        if pack and extra:
            pack = next((p.id for p in packs.values() if p.folder and
                         p.folder.resolve() == extra[0].resolve()), None)
            if pack is None:
                status = registry.status.get(extra[0].name)
                print("callshield: that pack has errors; fix them and start again:",
                      file=sys.stderr)
                for line in status.problems if status else []:
                    print(f"  {line}", file=sys.stderr)
                return 2
        if pack and pack not in packs:
            print(f"callshield: no pack '{pack}' can be served (available: "
                  f"{', '.join(packs) or 'none'}; see `callshield packs status`)",
                  file=sys.stderr)
            return 2
        registry.listen_for_sighup()
        warm_up_fonts()
        service = GuidanceService(store, registry.packs, channel="console", events=events)
        return await chat(service, user, pack=pack, language=language,
                          letters_dir=letters_dir, registry=registry)
    finally:
        await events.flush()
        await store.close()


if __name__ == "__main__":
    sys.exit(main())
