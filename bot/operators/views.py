"""What the operators' commands print (bot/operators/cli.py parses, this module answers)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from bot.operators.chart import render_png
from bot.operators.goldens import check_goldens, write_goldens
from bot.operators.publishing import Refused, load_release, publish as publish_pack
from bot.operators.publishing import republish, served
from bot.operators.review import review_packet
from bot.operators.stats import as_text, build_report
from bot.packs import PackRegistry
from flows import Pack, PackInvalid, available_packs, inspect_pack, load_pack, resolve_pack
from flows.graph import dot, mermaid, svg
from flows.packdiff import as_text as diff_text
from flows.packdiff import diff_packs
from flows.snapshot import PackFiles, read_files
from storage import ReleaseRow, Store


def _refused(error: Refused, what: str) -> int:
    print(f"{what} refused; nothing was stored:")
    for line in error.lines:
        print(f"  {line}")
    return 1


async def publish(store: Store, args: argparse.Namespace) -> int:
    try:
        if args.release is not None:
            row = await store.get_release(args.pack, args.release)
            action = "promote" if row is not None and row.staged else "rollback"
            done = await republish(store, args.pack, args.release, by=args.by,
                                   note=args.note or "published from the command line",
                                   action=action, walks=args.walks)
        else:
            done = await publish_pack(store, args.pack, by=args.by,
                                      reviewed_by=args.reviewed_by, note=args.note,
                                      stage=args.stage, walks=args.walks)
    except (Refused, PackInvalid, FileNotFoundError) as error:
        if isinstance(error, Refused):
            return _refused(error, "publish")
        print(f"publish refused: {error}")
        return 1
    row = done.release
    served_now = "stored (staged, not served yet)" if row.staged else "published"
    print(f"{row.pack_id} release {row.number} {served_now}: version {row.content_hash}, by "
          f"{row.published_by}, reviewed by {row.reviewed_by or '-'}")
    print(f"  changes: {row.changes}")
    if not row.staged:
        print("  running bots serve it within seconds (or at once on SIGHUP)")
    return 0


async def rollback(store: Store, args: argparse.Namespace) -> int:
    try:
        done = await republish(store, args.pack, args.release, by=args.by, note=args.note,
                               walks=args.walks)
    except Refused as error:
        return _refused(error, "rollback")
    row = done.release
    print(f"{row.pack_id} release {row.number} published: the content of release "
          f"{args.release} (version {row.content_hash}), by {row.published_by}")
    print(f"  changes: {row.changes}")
    return 0


def _release_line(row: ReleaseRow, live: int | None) -> list[str]:
    review = (f"reviewed by {row.reviewed_by} on {row.reviewed_on}" if row.reviewed_by else
              f"not reviewed itself (last review {row.reviewed_on or '-'} by "
              f"{row.last_reviewer or '-'})")
    action = row.action + (f" of #{row.source_number}" if row.source_number else "")
    mark = "  <- served" if row.number == live else ""
    lines = [f"{row.pack_id:<10} #{row.number:<3} {row.created_at[:16].replace('T', ' ')} UTC "
             f"{action:<15} {row.content_hash}  by {row.published_by}; {review}{mark}",
             f"{'':15}changes: {row.changes or '-'}"]
    if row.label:
        lines[0] += f" (label {row.label})"
    if row.note:
        lines.append(f"{'':15}note: {row.note}")
    return lines


async def history(store: Store, args: argparse.Namespace) -> int:
    rows = await store.list_releases(args.pack)
    live = await store.served_releases()
    if not rows:
        print("no releases yet: the bot serves the packs folder "
              "(publish with `callshield packs publish PACK --by NAME`)")
    for row in rows:
        print("\n".join(_release_line(row, live.get(row.pack_id))))
    return 0


async def _spec(store: Store | None, spec: str) -> tuple[str, Pack, PackFiles | None]:
    """(description, pack, files) for PACK@N, PACK@served, a folder or a pack id."""
    name, _, which = spec.partition("@")
    if which:
        if store is None:
            raise ValueError("releases need the database")
        if which in ("served", "live", "latest"):
            row, pack, files = await served(store, name)
        else:
            row, pack, files = await load_release(store, name, int(which))
        if row is None or pack is None:
            raise ValueError(f"no loadable release {spec}; see `callshield packs history {name}`")
        return f"{name} release {row.number}", pack, files
    folder = resolve_pack(spec)
    pack = load_pack(folder)
    return f"folder {folder}", pack, read_files(folder, pack.templates or folder, pack.data)


async def diff(store: Store, args: argparse.Namespace) -> int:
    pairs: list[tuple[str | None, str]] = []
    if args.a is None:
        live = await store.served_releases()
        pairs = [(f"{p}@served" if p in live else None, p) for p in available_packs()]
    elif args.b is None:
        live = await store.served_releases()
        name = args.a.partition("@")[0]
        pairs = [(f"{name}@served" if name in live else None, args.a)]
    else:
        pairs = [(args.a, args.b)]
    for old_spec, new_spec in pairs:
        try:
            new_name, new, new_files = await _spec(store, new_spec)
            old_name, old, old_files = (await _spec(store, old_spec)) if old_spec else (
                "nothing published", None, None)
        except (ValueError, FileNotFoundError, PackInvalid) as error:
            print(f"cannot compare: {error}")
            return 1
        changes = diff_packs(old.data if old else None, new.data,
                             old_files.templates if old_files else None,
                             new_files.templates if new_files else None, args.lang)
        print(f"== {new.id}: {old_name} -> {new_name}")
        print(diff_text(changes))
    return 0


async def status(store: Store, args: argparse.Namespace) -> int:
    registry = PackRegistry(store, report=False)
    await registry.load()
    releases = await store.list_releases()
    counts = await store.conversation_versions()
    failed = 0
    for pack_id in sorted(set(registry.status) | {r.pack_id for r in releases}):
        state = registry.status.get(pack_id)
        pack = registry.packs.get(pack_id)
        if pack is None:
            print(f"{pack_id}: NOT SERVED")
        else:
            where = f"release #{pack.release}" if pack.release else "the packs folder"
            print(f"{pack_id}: serving {where}, version {pack.version}, reviewed "
                  f"{pack.data.pack.reviewed_on} by {pack.data.pack.reviewed_by}")
        if state is not None and state.problems:
            failed += 1
            print(f"  ERROR: {state.failed} does not load:")
            print("\n".join(f"    {line}" for line in state.problems[:10]))
        for row in releases:
            if row.pack_id == pack_id and row.staged and (pack is None or pack.release is None
                                                          or row.number > pack.release):
                print(f"  staged: release #{row.number} by {row.published_by}, reviewed by "
                      f"{row.reviewed_by or '-'}: publish it with `callshield packs publish "
                      f"{pack_id} --release {row.number} --by NAME`")
        on = {v: n for (p, v), n in counts.items() if p == pack_id}
        if on:
            current = on.pop(pack.version, 0) if pack else 0
            older = sum(on.values())
            print(f"  saved conversations: {current} on this version, {older} on earlier "
                  "ones (moved by replay at their next step)")
    since = (dt.datetime.now(dt.UTC) - dt.timedelta(days=7)).isoformat()
    problems = [e for e in await store.list_operator_log(since) if e.action == "load_failed"]
    if problems:
        print("\nreported by running bots in the last 7 days:")
        for entry in problems[:10]:
            release = f" release #{entry.release_number}" if entry.release_number else ""
            first = entry.detail.splitlines()[0] if entry.detail else ""
            print(f"  {entry.created_at[:16]} {entry.pack_id}{release} failed to load: {first}")
    return 1 if failed else 0


async def review(store: Store | None, args: argparse.Namespace) -> int:
    try:
        _, pack, _ = await _spec(store, args.pack)
    except (ValueError, FileNotFoundError, PackInvalid) as error:
        print(f"cannot make the review packet: {error}")
        return 1
    language = args.lang or pack.default_language
    args.out.write_text(review_packet(pack, language), encoding="utf-8")
    print(f"review packet for {pack.id} ({language}) written to {args.out}")
    return 0


async def graph(store: Store | None, args: argparse.Namespace) -> int:
    try:
        _, pack, _ = await _spec(store, args.pack)
    except (ValueError, FileNotFoundError, PackInvalid) as error:
        print(f"cannot draw the flow: {error}")
        return 1
    render = {"mermaid": mermaid, "dot": dot, "svg": svg}[args.format]
    text = render(pack.data, args.lang or pack.default_language)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"{args.format} of {pack.id} written to {args.out}")
    else:
        print(text, end="")
    return 0


async def stats(store: Store, args: argparse.Namespace) -> int:
    since = (args.since or dt.date.today() - dt.timedelta(days=30)).isoformat()
    events = await store.list_events(since, args.pack)
    packs: dict[str, Pack] = {}
    for name in available_packs():
        pack, _ = inspect_pack(resolve_pack(name))
        if pack is not None:
            packs[pack.id] = pack
    report = build_report(events, since=since, pack=args.pack,
                          releases=await store.list_releases(), packs=packs)
    print(as_text(report), end="")
    if args.png:
        args.png.write_bytes(render_png(report))
        print(f"chart written to {args.png}")
    return 0


def goldens(paths: list[str], update: bool) -> int:
    failed = 0
    for name in paths or available_packs():
        try:
            pack = load_pack(name)
        except (PackInvalid, FileNotFoundError) as error:
            print(f"{name}: {error}")
            failed += 1
            continue
        if update:
            for path in write_goldens(pack):
                print(f"written {Path(path)}")
            continue
        problems = check_goldens(pack)
        failed += bool(problems)
        for problem in problems:
            print(f"FAIL {pack.id}: {problem}")
        if not problems:
            print(f"{pack.id}: {len(pack.data.letters)} letter(s) match their golden texts")
    return 1 if failed else 0
