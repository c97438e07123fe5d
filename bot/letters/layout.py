"""A letter context laid out as a real letter: who writes, to whom, when, about what, signed.

The template gives the body; everything around it comes from data: the sender's details
(only those the letter asks for, a blank only where the user gave nothing), the addressee's
name and mailing address, the date in the letter's language, the reference (loan or account
number), the formal title, the enclosures (the annex, files with their SHA-256) and the
signature line with the printed name and the date. Nothing of the product is printed: the
"not legal advice" note travels in the chat message that carries the letter.
"""

from __future__ import annotations

from pathlib import Path

from bot.documents import AnnexTable, LetterDocument, TextBlock
from bot.documents.markup import plain_text
from bot.letters.style import COLUMN_WIDTHS, HouseStyle, style_for
from flows.letters import BLANK, LetterContext, letter_of, render_letter_text
from flows.pack import Pack

SIGNATURE_LINE = "_" * 16
"""Where the sender signs by hand (longer than a blank, ``________``, on purpose)."""
SENDER_ORDER = ("id_number", "phone", "address")  # after the name; loan_number is the reference


def formal_title(pack: Pack, letter_id: str, language: str) -> str:
    letter = letter_of(pack, letter_id)
    return pack.text(letter.formal_title or letter.title, language)


def letter_document(pack: Pack, letter_id: str, context: LetterContext,
                    root: Path | None = None) -> LetterDocument:
    """The letter as a document model for the PDF and DOCX renderers."""
    letter = letter_of(pack, letter_id)
    language = context["letter"]["language"]
    style = style_for(language)
    rows = annex_rows(context)
    width = len(rows[0]) if rows else 0
    annex = AnnexTable(style.annex_title.format(count=len(rows)), style.columns[:width], rows,
                       COLUMN_WIDTHS[style.western][:width]) if rows else None
    sender = _sender(style, context, letter.fields)
    addressee = _addressee(style, context, pack, letter_id)
    reference = ([TextBlock((style.reference.format(number=context["sender"]["loan_number"]),),
                            space_before=1.0)] if "loan_number" in letter.fields else [])
    signature = _signature(style, context)
    enclosures = _enclosures(style, context)
    if style.western:
        head = [sender, TextBlock((dated(style, context),), space_before=1.0)]
        head += [TextBlock(addressee.lines, space_before=1.0)] if addressee.lines else []
        head += reference
        front: list[TextBlock] = []
        closing = [signature] + ([enclosures] if enclosures else [])
    else:
        head = []
        front = [addressee] if addressee.lines else []
        front += [TextBlock(sender.lines, space_before=0.5 if front else 0.0)] + reference
        closing = ([enclosures] if enclosures else []) + [signature]
    return LetterDocument(
        title=formal_title(pack, letter_id, language), language=language,
        body=render_letter_text(pack, letter_id, context, root).strip(), annex=annex,
        page_label=style.page_label, head=tuple(head), front=tuple(front),
        closing=tuple(closing), page_size=letter.page_size or pack.data.pack.paper,
    )


def annex_rows(context: LetterContext) -> tuple[tuple[str, ...], ...]:
    """The annex's rows; the user's own words ("what happened") only when they chose so
    (``annex_words``), else the structured columns alone."""
    words = context.get("annex_words", True) and any(
        i["what"] != BLANK for i in context["incidents"])
    return tuple((i["date"], i["time"], i["channel"], i["number"], i["who"])
                 + (("" if i["what"] == BLANK else i["what"],) if words else ())
                 for i in context["incidents"])


def _sender(style: HouseStyle, context: LetterContext, fields: list[str]) -> TextBlock:
    sender = context["sender"]
    shown = [f for f in SENDER_ORDER if f in fields and (f != "id_number" or not style.western)]
    if style.western:  # a US business letter: name, address, phone, unlabelled
        order = [f for f in ("address", "phone") if f in shown]
        return TextBlock((sender["full_name"], *(sender[f] for f in order)))  # type: ignore[literal-required]
    role = style.roles.get(context["addressee"]["type"], style.roles[""])
    lines = [f"{role}：{sender['full_name']}"]
    lines += [style.sender_labels[f] + sender[f] for f in shown]  # type: ignore[literal-required]
    return TextBlock(tuple(lines))


def _addressee(style: HouseStyle, context: LetterContext, pack: Pack,
               letter_id: str) -> TextBlock:
    party = context["addressee"]
    letter = letter_of(pack, letter_id)
    if letter.addressee is None:  # undeclared: the pack's recipient text, if any
        recipient = context["letter"]["recipient"]
        return TextBlock((style.addressee.format(name=recipient),) if recipient != BLANK else ())
    lines = [style.addressee.format(name=party["name"])]
    if "address" in letter.addressee.ask:
        lines.append(style.address.format(address=party["address"]))
    return TextBlock(tuple(lines))


def _signature(style: HouseStyle, context: LetterContext) -> TextBlock:
    if style.western:
        return TextBlock((SIGNATURE_LINE, context["sender"]["full_name"], context["today"]),
                         space_before=2.0)
    role = style.roles.get(context["addressee"]["type"], style.roles[""])
    return TextBlock((style.signature.format(role=role) + SIGNATURE_LINE,
                      style.signed_name.format(name=context["sender"]["full_name"]),
                      style.signed_date.format(date=dated(style, context))),
                     align="end", space_before=1.5)


def dated(style: HouseStyle, context: LetterContext) -> str:
    """The date, with the place when the user gave the town they sign in (``city``)."""
    place = context["sender"]["city"]
    if place == BLANK:
        return context["today"]
    return style.dated.format(place=place, date=context["today"])


def signature_text(context: LetterContext) -> str:
    """Who signs and when, for the end of a letter pasted as text (no signature line)."""
    style = style_for(context["letter"]["language"])
    name = context["sender"]["full_name"]
    if not style.western:
        name = f"{style.roles.get(context['addressee']['type'], style.roles[''])}：{name}"
    return f"{name}\n{context['today']}"


def _enclosures(style: HouseStyle, context: LetterContext) -> TextBlock | None:
    items = context["enclosures"]
    if not items:
        return None
    lines = [style.enclosures]
    for number, item in enumerate(items, start=1):
        name = (style.digest.format(name=item["name"], digest=item["sha256"])
                if item["sha256"] else item["name"])
        lines.append(f"{number}. {name}")
    return TextBlock(tuple(lines), space_before=1.0)


def document_text(doc: LetterDocument) -> str:
    """The whole letter as plain text, in print order (the console shows it; goldens keep it)."""
    parts = ["\n".join(block.lines) for block in doc.head]
    parts.append(doc.title)
    parts += ["\n".join(block.lines) for block in doc.front]
    parts.append(plain_text(doc.body))
    parts += ["\n".join(block.lines) for block in doc.closing]
    if doc.annex is not None and doc.annex.printed:
        parts.append("\n".join([doc.annex.title, " | ".join(doc.annex.columns),
                                *(" | ".join(row) for row in doc.annex.rows)]))
    return "\n\n".join(part for part in parts if part.strip()) + "\n"
