"""Validator checks for the keys that shape a conversation beyond the graph: time zones on
options, exclusive "none of these" options, and conditional advice.

Kept apart from :mod:`flows.validator` so each module stays one concept; the checks use the
same checker (its data and its ``error``/``warn`` with ``file:line``).
"""

from __future__ import annotations

from typing import Any, Protocol

from flows.schema import PackData


class Checker(Protocol):
    """What these checks need from :class:`flows.validator._Checker`."""

    data: PackData

    def error(self, path: tuple[Any, ...], check: str, message: str) -> None: ...

    def warn(self, path: tuple[Any, ...], check: str, message: str) -> None: ...


def check_options(c: Checker) -> None:
    """``timezone`` only on choice options, ``exclusive`` only on multi options."""
    for node_id, node in c.data.nodes.items():
        options = node.options or []
        for index, option in enumerate(options):
            where = ("nodes", node_id, "options", index)
            if option.timezone and node.kind != "choice":
                c.error((*where, "timezone"), "node", f"option '{option.id}' of {node.kind} "
                        f"node '{node_id}': timezone applies to options of choice questions "
                        "only (one answer, one zone)")
            if option.exclusive and node.kind != "multi":
                c.error((*where, "exclusive"), "node", f"option '{option.id}' of {node.kind} "
                        f"node '{node_id}': exclusive applies to options of multi questions "
                        "only (a choice question takes one answer anyway)")
        if node.kind == "multi" and options and all(o.exclusive for o in options):
            c.error(("nodes", node_id, "options"), "node", f"every option of '{node_id}' is "
                    "exclusive; use kind: choice instead")


def _zone_nodes(c: Checker) -> list[str]:
    return [n for n, node in c.data.nodes.items()
            if node.kind == "choice" and any(o.timezone for o in node.options or [])]


def check_zone_order(c: Checker) -> None:
    """A date/time question asked before the question that sets the zone would read "today"
    and "just now" on the wrong clock: warn, so the pack asks the zone question first."""
    zone_nodes = _zone_nodes(c)
    if not zone_nodes:
        return
    for node_id, node in c.data.nodes.items():
        if node.kind != "datetime":
            continue
        later = _reachable(c, node_id)
        for zone_node in zone_nodes:
            if zone_node in later:
                c.warn(("nodes", node_id), "timezone", f"datetime question '{node_id}' can be "
                       f"asked before '{zone_node}', which sets the time zone; ask "
                       f"'{zone_node}' first so that times are read on the user's clock")


def _reachable(c: Checker, start: str) -> set[str]:
    seen: set[str] = set()
    stack = _successors(c, start)
    while stack:
        node_id = stack.pop()
        if node_id not in seen:
            seen.add(node_id)
            stack.extend(_successors(c, node_id))
    return seen


def _successors(c: Checker, node_id: str) -> list[str]:
    next_ = c.data.nodes[node_id].next
    targets = [next_] if isinstance(next_, str) else [b.goto for b in next_ or []]
    return [t for t in targets if t in c.data.nodes]


def check_advice(c: Checker) -> None:
    for advice_id, advice in c.data.advice.items():
        if advice.always and advice.when is not None:
            c.error(("advice", advice_id, "when"), "advice", f"advice '{advice_id}' has both "
                    "always: true and when:; keep one (always shows it after every interview)")
    _check_supersedes(c)


def check_safety_region(c: Checker) -> None:
    """``safety.region_from``: a choice question, its options, and regions with crisis lines."""
    chosen = c.data.safety.region_from
    if chosen is None:
        return
    where = ("safety", "region_from")
    node = c.data.nodes.get(chosen.node)
    if node is None or node.kind != "choice":
        c.error((*where, "node"), "reference", f"region_from.node '{chosen.node}' must be a "
                "choice question of this pack (the one that asks where the person is)")
        return
    options = {o.id for o in node.options or []}
    from flows.safety import safety_data  # the shared lines: loaded once, cached

    known = safety_data().regions
    for option, region in chosen.regions.items():
        if option not in options:
            c.error((*where, "regions", option), "reference", f"'{option}' is not an option of "
                    f"'{chosen.node}' (options: {', '.join(sorted(options))})")
        if region not in known:
            c.error((*where, "regions", option), "reference", f"region '{region}' has no crisis "
                    f"lines in flows/safety/data/lines.yaml (known: {', '.join(sorted(known))})")



def _check_supersedes(c: Checker) -> None:
    """``supersedes`` names other advice of the same kind, and never forms a loop (two
    items dropping each other would leave neither)."""
    advice = c.data.advice
    for advice_id, item in advice.items():
        for index, other in enumerate(item.supersedes):
            path = ("advice", advice_id, "supersedes", index)
            if other == advice_id:
                c.error(path, "advice", f"advice '{advice_id}' supersedes itself; remove it")
            elif other not in advice:
                c.error(path, "reference", f"advice '{advice_id}' supersedes unknown advice "
                        f"'{other}'; name an id from advice.yaml")
            elif advice[other].kind != item.kind:
                c.error(path, "advice", f"advice '{advice_id}' ({item.kind}) supersedes "
                        f"'{other}' ({advice[other].kind}); only items of the same kind can")
    for advice_id in advice:
        seen: set[str] = set()
        todo = [other for other in advice[advice_id].supersedes if other != advice_id]
        while todo:
            other = todo.pop()
            if other == advice_id:
                c.error(("advice", advice_id, "supersedes"), "advice", f"advice "
                        f"'{advice_id}' is superseded by an item it supersedes (a loop); "
                        "keep one direction")
                break
            if other in advice and other not in seen:
                seen.add(other)
                todo.extend(advice[other].supersedes)
