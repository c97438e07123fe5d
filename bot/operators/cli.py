"""``callshield packs …``, ``callshield stats`` and ``callshield flows goldens``.

Hooked into bot/cli.py by :func:`add_commands` and :func:`run`; each command opens the
database named by CALLSHIELD_DATABASE (the one the bot uses) and closes it again. Only the
parser is imported with ``callshield``; the commands' modules load when one runs.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from bot.settings import Settings
from storage import StorageUnavailable, Store, open_store


def add_commands(commands: Any, flows_commands: Any) -> None:
    """Add the operators' subcommands to the ``callshield`` parser."""
    packs = commands.add_parser("packs", help="publish, review and roll back packs")
    sub = packs.add_subparsers(dest="packs_command", required=True)
    publish = sub.add_parser("publish", help="check a pack and store it as a new release")
    publish.add_argument("pack", help="a pack id or folder")
    publish.add_argument("--by", required=True, help="who publishes (your name)")
    publish.add_argument("--reviewed-by", help="who reviewed it (needed when rules, "
                         "conditions, citations or letters change; not the publisher)")
    publish.add_argument("--note", default="", help="what changed and why")
    publish.add_argument("--stage", action="store_true", help="store it without serving it; "
                         "publish it later (e.g. from /admin)")
    publish.add_argument("--release", type=int, help="publish this stored (staged) release")
    publish.add_argument("--walks", type=int, default=1000, help="random walks to run")
    history = sub.add_parser("history", help="every release, who published and reviewed it")
    history.add_argument("pack", nargs="?")
    diff = sub.add_parser("diff", help="what changed: rules, texts, citations, letters…")
    diff.add_argument("a", nargs="?", help="PACK (served release vs folder), PACK@N or a "
                      "folder; default: every pack")
    diff.add_argument("b", nargs="?", help="PACK@N, PACK@served or a folder")
    diff.add_argument("--lang", help="language to quote texts in")
    rollback = sub.add_parser("rollback", help="serve an earlier release again (as a new one)")
    rollback.add_argument("pack")
    rollback.add_argument("release", type=int)
    rollback.add_argument("--by", required=True)
    rollback.add_argument("--note", required=True, help="why")
    rollback.add_argument("--walks", type=int, default=1000)
    sub.add_parser("status", help="what each pack serves, and what failed to load")
    review = sub.add_parser("review", help="an HTML review packet for lawyers and translators")
    review.add_argument("pack", help="a pack id or folder, or PACK@N for a release")
    review.add_argument("--lang", help="language of the packet (default: the pack's)")
    review.add_argument("--out", type=Path, required=True, help="the .html file to write")
    graph = sub.add_parser("graph", help="the flow as Mermaid, Graphviz DOT or SVG")
    graph.add_argument("pack")
    graph.add_argument("--format", choices=("mermaid", "dot", "svg"), default="mermaid")
    graph.add_argument("--lang")
    graph.add_argument("--out", type=Path, help="write here instead of printing")
    stats = commands.add_parser("stats", help="drop-off, findings and letters (no personal "
                                "data)")
    stats.add_argument("--since", type=dt.date.fromisoformat, help="YYYY-MM-DD (default: 30 "
                       "days ago)")
    stats.add_argument("--pack")
    stats.add_argument("--png", type=Path, help="also draw the figures into this PNG file")
    goldens = flows_commands.add_parser("goldens", help="check (or --update) every letter's "
                                        "golden text")
    goldens.add_argument("paths", nargs="*", help="pack folders or ids (default: all)")
    goldens.add_argument("--update", action="store_true", help="write them (then review the "
                         "diff)")


def handles(args: argparse.Namespace) -> bool:
    return args.command in ("packs", "stats") or (
        args.command == "flows" and args.flows_command == "goldens")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.operators import views  # heavy (letters, charts): only when a command needs it

    if args.command == "flows":
        return views.goldens(args.paths, args.update)
    if args.command == "packs" and args.packs_command in ("graph", "review") \
            and "@" not in args.pack:  # a folder: no database needed
        handler = views.graph if args.packs_command == "graph" else views.review
        return asyncio.run(handler(None, args))
    return asyncio.run(_with_store(args, settings))


async def _with_store(args: argparse.Namespace, settings: Settings) -> int:
    try:
        store = await open_store(settings.database, cache=False, keys=settings.keys,
                                 retention=settings.retention)
    except StorageUnavailable as error:
        print(f"callshield: {error}", file=sys.stderr)
        return 2
    try:
        return await _dispatch(store, args)
    finally:
        await store.close()


async def _dispatch(store: Store, args: argparse.Namespace) -> int:
    from bot.operators import views

    if args.command == "stats":
        return await views.stats(store, args)
    command = args.packs_command
    handler = {"publish": views.publish, "history": views.history, "diff": views.diff,
               "rollback": views.rollback, "status": views.status, "review": views.review,
               "graph": views.graph}[command]
    return await handler(store, args)
