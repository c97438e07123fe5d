"""The flow of a pack as a picture: Mermaid and Graphviz text, or an SVG laid out here.

The SVG needs nothing but Python, so a review packet shows the flow on a fresh machine and
offline: questions are placed in layers by their distance from the start (the validator
guarantees the graph has no loops), ordered within a layer to keep edges short, and joined by
curves; a conditional branch is dashed and labelled. Mermaid and DOT are exported for those
who render them with their own tools.
"""

from __future__ import annotations

import html
import unicodedata
from dataclasses import dataclass

from flows.condwords import describe
from flows.schema import QUESTION_KINDS, PackData
from flows.texts import pick

BOX_W, LINE_H, PAD, GAP_X, GAP_Y = 210, 15, 8, 30, 56
WRAP = 30  # columns per label line (a CJK character counts two)
EDGE_LABEL = 34


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    label: str  # "" for the default (last) branch


def edges(data: PackData, language: str) -> list[Edge]:
    found = []
    for node_id, node in data.nodes.items():
        if isinstance(node.next, str):
            found.append(Edge(node_id, node.next, ""))
        elif node.next:
            for branch in node.next:
                words = describe(branch.when, data, language).lines()[0] if branch.when else ""
                found.append(Edge(node_id, branch.goto, _short(words, EDGE_LABEL)))
    return [e for e in found if e.target in data.nodes]


def _columns(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _short(text: str, limit: int) -> str:
    out, used = "", 0
    for ch in text:
        if used + _columns(ch) > limit:
            return out.rstrip() + "…"
        out += ch
        used += _columns(ch)
    return out


def _wrap(text: str, limit: int = WRAP, lines: int = 3) -> list[str]:
    rows, row, used = [], "", 0
    for ch in " ".join(text.split()):
        if used + _columns(ch) > limit:
            cut = row.rfind(" ")
            if cut > limit // 2:
                rows.append(row[:cut])
                row = row[cut + 1:]
            else:
                rows.append(row)
                row = ""
            used = sum(map(_columns, row))
        row += ch
        used += _columns(ch)
    rows.append(row)
    if len(rows) > lines:
        rows = rows[:lines]
        rows[-1] = _short(rows[-1], limit - 1) + ("" if rows[-1].endswith("…") else "…")
    return rows


def label(data: PackData, node_id: str, language: str) -> str:
    node = data.nodes[node_id]
    return pick(node.text, language, data.pack.default_language)


def asked_if(data: PackData, node_id: str, language: str) -> str:
    """"only if …" for a question with ``ask_if`` (skipped otherwise), else ""."""
    node = data.nodes[node_id]
    if node.ask_if is None:
        return ""
    return "? " + describe(node.ask_if, data, language).lines()[0]


def mermaid(data: PackData, language: str) -> str:
    def quoted(text: str) -> str:
        return '"' + html.escape(text, quote=True).replace("&quot;", "#quot;") + '"'

    lines = ["flowchart TD"]
    for node_id, node in data.nodes.items():
        text = quoted(f"{node_id}: {_short(label(data, node_id, language), 60)}")
        shape = {"end": f"(({text}))", "info": f"([{text}])"}.get(node.kind, f"[{text}]")
        lines.append(f"    {node_id}{shape}")
    for edge in edges(data, language):
        arrow = f" -.->|{quoted(edge.label)}| " if edge.label else " --> "
        lines.append(f"    {edge.source}{arrow}{edge.target}")
    return "\n".join(lines) + "\n"


def dot(data: PackData, language: str) -> str:
    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    lines = ["digraph pack {", "  rankdir=TB;", '  node [shape=box, fontname="sans-serif"];']
    for node_id, node in data.nodes.items():
        shape = {"end": "doublecircle", "info": "note"}.get(node.kind, "box")
        text = "\n".join([node_id, *_wrap(label(data, node_id, language))])
        lines.append(f"  {node_id} [shape={shape}, label={quoted(text)}];")
    for edge in edges(data, language):
        extra = f", style=dashed, label={quoted(edge.label)}" if edge.label else ""
        lines.append(f"  {edge.source} -> {edge.target} [{extra.lstrip(', ')}];")
    return "\n".join(lines) + "\n}\n"


def layers(data: PackData) -> list[list[str]]:
    """Nodes by their longest distance from the start, each layer ordered to keep edges short."""
    succ: dict[str, list[str]] = {n: [] for n in data.nodes}
    for edge in edges(data, data.pack.default_language):
        if edge.target not in succ[edge.source]:
            succ[edge.source].append(edge.target)
    depth = {data.pack.start: 0} if data.pack.start in data.nodes else {}
    order = _topological(succ, data.pack.start)
    for node_id in order:
        for target in succ[node_id]:
            depth[target] = max(depth.get(target, 0), depth.get(node_id, 0) + 1)
    for node_id in data.nodes:  # unreachable ones (an invalid pack) go at the bottom
        depth.setdefault(node_id, max(depth.values(), default=0) + 1)
    rows: list[list[str]] = [[] for _ in range(max(depth.values(), default=0) + 1)]
    for node_id in [*order, *[n for n in data.nodes if n not in order]]:
        rows[depth[node_id]].append(node_id)
    position = {n: float(i) for row in rows for i, n in enumerate(row)}
    parents: dict[str, list[str]] = {n: [] for n in data.nodes}
    for node_id, targets in succ.items():
        for target in targets:
            parents[target].append(node_id)
    for row in rows[1:]:  # barycentre pass: under the questions that lead to each
        row.sort(key=lambda n: sum(position[p] for p in parents[n]) / len(parents[n])
                 if parents[n] else position[n])
        for index, node_id in enumerate(row):
            position[node_id] = float(index)
    return [row for row in rows if row]


def _topological(succ: dict[str, list[str]], start: str) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []

    def visit(node_id: str) -> None:
        if node_id in seen or node_id not in succ:
            return
        seen.add(node_id)
        for target in succ[node_id]:
            visit(target)
        out.append(node_id)

    visit(start)
    return out[::-1]


def svg(data: PackData, language: str) -> str:
    """A self-contained SVG of the flow (no script, no external font or file)."""
    rows = layers(data)
    box: dict[str, tuple[float, float, float, list[str]]] = {}
    width = max(len(row) for row in rows) * (BOX_W + GAP_X) + GAP_X
    y = float(GAP_X)
    for row in rows:
        texts = {n: [n, *_wrap(label(data, n, language)),
                     *_wrap(asked_if(data, n, language), lines=2)] for n in row}
        texts = {n: [line for line in lines if line] for n, lines in texts.items()}
        height = max(len(t) for t in texts.values()) * LINE_H + 2 * PAD
        offset = (width - len(row) * (BOX_W + GAP_X) + GAP_X) / 2
        for index, node_id in enumerate(row):
            box[node_id] = (offset + index * (BOX_W + GAP_X), y, height, texts[node_id])
        y += height + GAP_Y
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{y:.0f}" '
             f'viewBox="0 0 {width:.0f} {y:.0f}" font-family="sans-serif" font-size="12">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
             'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>'
             '</defs>']
    for edge in edges(data, language):
        x1, y1, h1, _ = box[edge.source]
        x2, y2, _, _ = box[edge.target]
        sx, sy, tx, ty = x1 + BOX_W / 2, y1 + h1, x2 + BOX_W / 2, y2
        bend = max(30.0, (ty - sy) / 2)
        dash = ' stroke-dasharray="5,3"' if edge.label else ""
        parts.append(f'<path d="M{sx:.0f},{sy:.0f} C{sx:.0f},{sy + bend:.0f} {tx:.0f},'
                     f'{ty - bend:.0f} {tx:.0f},{ty:.0f}" fill="none" stroke="#555"{dash} '
                     'marker-end="url(#arrow)"/>')
        if edge.label:
            parts.append(f'<text x="{(sx + tx) / 2 + 4:.0f}" y="{sy + 14:.0f}" fill="#1a5" '
                         f'font-size="10">{html.escape(edge.label)}</text>')
    colours = {"end": "#e8f5e9", "info": "#fff8e1"}
    for node_id, (x, y0, height, lines) in box.items():
        kind = data.nodes[node_id].kind
        fill = colours.get(kind, "#e3f2fd" if kind in QUESTION_KINDS else "#fff")
        parts.append(f'<g><title>{html.escape(node_id)} ({kind})</title><rect x="{x:.0f}" '
                     f'y="{y0:.0f}" width="{BOX_W}" height="{height:.0f}" rx="6" fill="{fill}" '
                     'stroke="#345"/>')
        for index, line in enumerate(lines):
            weight = ' font-weight="bold"' if index == 0 else ""
            if line.startswith("? ") or (index and lines[index - 1].startswith("? ")):
                weight = ' fill="#a33" font-style="italic" font-size="11"'

            parts.append(f'<text x="{x + PAD:.0f}" y="{y0 + PAD + (index + 0.8) * LINE_H:.0f}"'
                         f'{weight}>{html.escape(line)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
