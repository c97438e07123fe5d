"""The review packet: a pack as one HTML document for lawyers and translators.

Every question with its options and help, every rule with its condition in words, its
citations (linked, dated), its advice, channels and letters, every letter rendered for the
sample case, and the flow as a picture. The picture is an SVG laid out by flows/graph.py and
embedded in the page: no script, no network, so it shows on any machine and when printed.
Texts appear in the chosen language; when that is not the pack's own language, the source
text follows in grey, so a translator checks one against the other.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping

from bot.operators.samples import sample_whole_letter
from flows import Pack
from flows.condwords import Words, describe
from flows.graph import layers, mermaid, svg
from flows.letterchecks import LetterFailed
from flows.schema import QUESTION_KINDS

STYLE = """
body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.45}
h1{font-size:1.6em}h2{border-bottom:2px solid #345;margin-top:2em}h3{margin-bottom:.2em}
.src{color:#777;font-size:.92em}.id{font-family:monospace;color:#345}
.box{border:1px solid #ccd;border-radius:6px;padding:.6em 1em;margin:.8em 0}
table{border-collapse:collapse}td,th{border:1px solid #ccd;padding:.25em .5em;vertical-align:top}
pre{white-space:pre-wrap;background:#f7f7f9;padding:1em;border-radius:6px}
.sev{font-weight:bold;text-transform:uppercase;font-size:.8em}.graph{overflow-x:auto}
@media print{.graph{overflow:visible}}
"""
LABELS = {
    "en": ("Review packet", "Questions", "Rules", "Citations", "What to say and do",
           "Where to complain", "Letters", "Safety", "The flow", "when", "cites", "no in-force "
           "date given by the research", "asked only if", "next", "options", "why we ask",
           "if the answer cannot be used", "sample letter", "otherwise"),
    "zh": ("审核材料", "问题", "规则", "法律依据", "怎么说、怎么做", "投诉渠道", "信件", "安全",
           "流程图", "适用条件", "依据", "研究资料未给出施行日期", "仅在以下情况提问", "下一步",
           "选项", "为什么问", "回答无法使用时", "信件样本", "否则"),
}


def _e(text: object) -> str:
    return html.escape(str(text))


def _link(url: str | None) -> str:
    return f'<a href="{_e(url)}">{_e(url)}</a>' if url else ""


class _Packet:
    def __init__(self, pack: Pack, language: str) -> None:
        self.pack, self.lang = pack, language
        self.words = LABELS["zh" if language.startswith("zh") else "en"]
        self.out: list[str] = []

    def text(self, value: Mapping[str, str] | None) -> str:
        """The text in the packet's language, and the source language's below it."""
        if not value:
            return ""
        shown = self.pack.text(value, self.lang)
        source = self.pack.text(value, self.pack.default_language)
        extra = f'<div class="src">{_e(source)}</div>' if source != shown else ""
        return f"<div>{_e(shown)}</div>{extra}"

    def condition(self, words: Words) -> str:
        items = "".join(f"<li>{self.condition(item)}</li>" for item in words.items)
        return _e(words.text) + (f"<ul>{items}</ul>" if items else "")

    def when(self, condition: object) -> str:
        return self.condition(describe(condition, self.pack.data, self.lang))  # type: ignore

    def build(self) -> str:
        data, w = self.pack.data, self.words
        meta = data.pack
        self.out.append(f"<h1>{_e(self.pack.text(meta.name, self.lang))} — {w[0]}</h1>")
        release = f"release {self.pack.release}, " if self.pack.release else ""
        self.out.append(
            f"<p>{release}version <span class='id'>{_e(self.pack.version)}</span>"
            f"{' (' + _e(self.pack.label) + ')' if self.pack.label else ''} · reviewed "
            f"{_e(meta.reviewed_on)} by {_e(meta.reviewed_by)} · languages "
            f"{_e(', '.join(meta.languages))} · generated {dt.date.today()}</p>"
            f"<div class='box'>{self.text(meta.disclaimer)}</div>")
        self.section(w[8], self.flow())
        self.section(w[1], "".join(self.question(n) for row in layers(data) for n in row))
        self.section(w[2], "".join(self.rule(index) for index in range(len(data.rules))))
        self.section(w[3], self.citations())
        self.section(w[4], "".join(self.advice(i) for i in data.advice))
        self.section(w[5], "".join(
            f"<div class='box'><span class='id'>{_e(i)}</span>{self.text(c.name)}"
            f"{self.text(c.contact)}{self.text(c.bring)}{_link(c.url)}</div>"
            for i, c in data.channels.items()))
        self.section(w[6], "".join(self.letter(i) for i in data.letters))
        self.section(w[7], self.text(data.safety.unsafe) + "".join(
            f"<div class='box'><span class='id'>{_e(t.id)}</span>: "
            f"{_e(', '.join(x for words in t.words.values() for x in words))}"
            f"{self.text(t.text)}</div>" for t in data.safety.triggers))
        body = "\n".join(self.out)
        return (f"<!DOCTYPE html><html lang='{_e(self.lang)}'><head><meta charset='utf-8'>"
                f"<title>{_e(meta.id)} — {w[0]}</title><style>{STYLE}</style></head>"
                f"<body>{body}</body></html>\n")

    def section(self, title: str, content: str) -> None:
        self.out.append(f"<h2>{_e(title)}</h2>{content or '<p>—</p>'}")

    def flow(self) -> str:
        source = mermaid(self.pack.data, self.lang)
        return (f"<div class='graph'>{svg(self.pack.data, self.lang)}</div>"
                "<details><summary>Mermaid source (e.g. for mermaid.live; the picture above "
                f"needs nothing)</summary><pre>{_e(source)}</pre></details>")

    def question(self, node_id: str) -> str:
        node, w = self.pack.data.nodes[node_id], self.words
        parts = [f"<div class='box'><h3><span class='id'>{_e(node_id)}</span> "
                 f"<small>({_e(node.kind)}{', required' if node.required else ''})</small></h3>",
                 self.text(node.text)]
        if node.kind in QUESTION_KINDS and node.options:
            parts.append(f"<p>{w[14]}:</p><ul>" + "".join(
                f"<li><span class='id'>{_e(o.id)}</span>{self.text(o.label)}</li>"
                for o in node.options) + "</ul>")
        for title, value in ((w[15], node.help), (w[16], node.reprompt)):
            if value:
                parts.append(f"<p><i>{title}:</i></p>{self.text(value)}")
        if node.ask_if is not None:
            parts.append(f"<p><i>{w[12]}:</i> {self.when(node.ask_if)}</p>")
        if isinstance(node.next, list):
            parts.append(f"<p><i>{w[13]}:</i></p><ul>" + "".join(
                f"<li>{(w[9] + ': ' + self.when(b.when)) if b.when else w[18]} → "
                f"<span class='id'>{_e(b.goto)}</span></li>" for b in node.next) + "</ul>")
        elif node.next:
            parts.append(f"<p><i>{w[13]}:</i> <span class='id'>{_e(node.next)}</span></p>")
        return "".join(parts) + "</div>"

    def rule(self, index: int) -> str:
        rule, data, w = self.pack.data.rules[index], self.pack.data, self.words
        advice = "".join(f"<li>{_e(k)}: {self.text(data.advice[a].text)}</li>"
                         for k in ("say", "do") for a in getattr(rule, k) if a in data.advice)
        return (f"<div class='box'><h3><span class='id'>{_e(rule.id)}</span> "
                f"<span class='sev'>{_e(rule.severity)}</span></h3>{self.text(rule.title)}"
                f"{self.text(rule.explanation)}<p><b>{w[9]}:</b> {self.when(rule.when)}</p>"
                f"<p><b>{w[10]}:</b></p><ul>"
                + "".join(f"<li>{self.citation(c)}</li>" for c in rule.citations)
                + f"</ul><ul>{advice}</ul><p>{_e(', '.join(rule.channels))} · "
                f"{_e(', '.join(rule.letters))}</p></div>")

    def advice(self, advice_id: str) -> str:
        item = self.pack.data.advice[advice_id]
        when = f"<p>{self.words[9]}: {self.when(item.when)}</p>" if item.when else ""
        extra = (", always" if item.always else "") + (
            f", order {item.order}" if item.order is not None else "")
        return (f"<div class='box'><span class='id'>{_e(advice_id)}</span> ({_e(item.kind)}"
                f"{extra}){self.text(item.text)}{when}</div>")

    def citation(self, cid: str) -> str:
        c = self.pack.data.citations[cid]
        date = str(c.effective) if c.effective else self.words[11]
        quote = f"<div class='src'>“{_e(c.quote)}”</div>" if c.quote else ""
        return (f"<span class='id'>{_e(cid)}</span> {_e(self.pack.text(c.law, self.lang))} "
                f"{_e(self.pack.text(c.article, self.lang))} · {_e(date)} · {_e(c.confidence)}"
                f" · {_link(c.url)}{quote}")

    def citations(self) -> str:
        used: dict[str, list[str]] = {}
        for rule in self.pack.data.rules:
            for cid in rule.citations:
                used.setdefault(cid, []).append(rule.id)
        return "<ul>" + "".join(
            f"<li>{self.citation(cid)}<div class='src'>← {_e(', '.join(used.get(cid, [])))}"
            "</div></li>" for cid in self.pack.data.citations) + "</ul>"

    def letter(self, letter_id: str) -> str:
        letter = self.pack.data.letters[letter_id]
        try:
            sample = _e(sample_whole_letter(self.pack, letter_id))
        except LetterFailed as failed:
            sample = _e(f"this letter could not be rendered: {failed}")
        return (f"<div class='box'><h3><span class='id'>{_e(letter_id)}</span></h3>"
                f"{self.text(letter.title)}{self.text(letter.recipient)}<p>{_e(letter.template)}"
                f" · {_e(letter.language)} · {_e(', '.join(letter.fields))}</p>"
                f"<p><i>{self.words[17]}:</i></p><pre>{sample}</pre></div>")


def review_packet(pack: Pack, language: str) -> str:
    """The packet as one self-contained HTML page."""
    return _Packet(pack, language).build()
