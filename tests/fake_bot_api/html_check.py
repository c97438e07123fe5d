"""A strict parser for Telegram's HTML parse mode, modelled on TDLib's ``parse_html``.

Why by hand: Python's html.parser forgives exactly the mistakes Telegram refuses (unknown tags,
unclosed tags, a bare ``<``). This walks the text the way TDLib does, produces the plain text and
the MessageEntity list Telegram would, and fails with TDLib's wording and *byte* offsets.
"""

from __future__ import annotations

from dataclasses import dataclass

SPACES = " \t\r\n\v\f\0"
ALLOWED_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
     "code", "pre", "blockquote", "tg-emoji", "tg-time"}
)
ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "span": "spoiler", "tg-spoiler": "spoiler", "code": "code", "pre": "pre", "a": "text_link",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji", "tg-time": "date_time",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class EntityParseError(ValueError):
    """The reason Telegram gives after "can't parse entities: "."""


@dataclass
class _Open:
    tag: str
    attrs: dict[str, str]
    start16: int
    entity_count: int
    start_char: int


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of every Telegram offset and limit."""
    return len(text.encode("utf-16-le")) // 2


def decode_entity(text: str, pos: int) -> tuple[str | None, int]:
    """Decode an HTML entity at ``pos`` (which holds '&'); (None, pos) when it is not one.

    Like TDLib: only lt/gt/amp/quot and numeric references; the ';' is optional.
    """
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        hexa = end < n and text[end] == "x"
        if hexa:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexa else "0123456789"
        start = end
        while end < n and text[end] in digits:
            end += 1
        if end == start:
            return None, pos
        code = int(text[start:end], 16 if hexa else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None, pos
        char = chr(code)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        char = NAMED_ENTITIES.get(text[pos + 1 : end])
        if char is None:
            return None, pos
    if end < n and text[end] == ";":
        end += 1
    return char, end


def parse_html(text: str, *, strict_ampersand: bool = True) -> tuple[str, list[dict]]:
    """Return (plain text, entities) or raise EntityParseError.

    ``strict_ampersand``: reject a '&' that starts no valid entity. TDLib itself keeps such a
    '&' as a literal; Telegram's documentation says it must be escaped, and being stricter than
    the server only ever catches a missing ``html.escape`` earlier.
    """
    parser = _Parser(text, strict_ampersand)
    return parser.run()


class _Parser:
    def __init__(self, text: str, strict_ampersand: bool) -> None:
        self.text = text
        self.n = len(text)
        self.strict = strict_ampersand
        self.out: list[str] = []
        self.u16 = 0
        self.stack: list[_Open] = []
        self.entities: list[dict] = []

    def boff(self, pos: int) -> int:
        return len(self.text[:pos].encode("utf-8"))

    def emit(self, char: str) -> None:
        self.out.append(char)
        self.u16 += 2 if ord(char) > 0xFFFF else 1

    def run(self) -> tuple[str, list[dict]]:
        i = 0
        while i < self.n:
            c = self.text[i]
            if c == "&":
                char, end = decode_entity(self.text, i)
                if char is not None:
                    self.emit(char)
                    i = end
                    continue
                if self.strict:
                    raise EntityParseError(f'Unescaped "&" at byte offset {self.boff(i)}')
            if c != "<":
                self.emit(c)
                i += 1
                continue
            if i + 1 < self.n and self.text[i + 1] == "/":
                i = self.end_tag(i)
            else:
                i = self.start_tag(i)
        if self.stack:
            tag = self.stack[-1].tag
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)  # only a <pre> keeps the language of its <code>
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def skip_spaces(self, i: int) -> int:
        while i < self.n and self.text[i] in SPACES:
            i += 1
        return i

    def start_tag(self, begin: int) -> int:
        text, n = self.text, self.n
        i = begin + 1
        while i < n and text[i] not in SPACES and text[i] != ">":
            i += 1
        if i >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {self.boff(begin)}")
        tag = text[begin + 1 : i].lower()
        if tag not in ALLOWED_TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{tag}" at byte offset {self.boff(begin)}'
            )
        attrs: dict[str, str] = {}
        while True:
            i = self.skip_spaces(i)
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {self.boff(begin)}")
            if text[i] == ">":
                break
            name_start = i
            while i < n and text[i] not in SPACES and text[i] not in "=>":
                i += 1
            name = text[name_start:i]
            if not name:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {self.boff(begin)}'
                )
            i = self.skip_spaces(i)
            if i >= n or text[i] != "=":
                if tag == "blockquote" and name == "expandable":
                    attrs[name] = ""
                    continue
                raise EntityParseError(
                    f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                    f"at byte offset {self.boff(begin)}"
                )
            i = self.skip_spaces(i + 1)
            if i >= n:
                raise EntityParseError(
                    f'Unclosed start tag "{tag}" at byte offset {self.boff(begin)}'
                )
            value, i = self.attribute_value(i)
            attrs[name] = value
        if tag == "tg-emoji" and not (attrs.get("emoji-id", "").isdigit()
                                      and int(attrs["emoji-id"]) > 0):
            raise EntityParseError("Invalid custom emoji identifier specified")
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.boff(begin)}'
            )
        self.stack.append(_Open(tag, attrs, self.u16, len(self.entities), len(self.out)))
        return i + 1

    def attribute_value(self, i: int) -> tuple[str, int]:
        text, n = self.text, self.n
        if text[i] not in "'\"":
            start = i
            while i < n and (text[i].isascii() and text[i].isalnum() or text[i] in ".-"):
                i += 1
            if i < n and text[i] not in SPACES and text[i] != ">":
                raise EntityParseError(
                    f"Unexpected end of name token at byte offset {self.boff(start)}")
            return text[start:i].lower(), i
        quote = text[i]
        i += 1
        value: list[str] = []
        while i < n and text[i] != quote:
            if text[i] == "&":
                char, end = decode_entity(text, i)
                if char is not None:
                    value.append(char)
                    i = end
                    continue
            value.append(text[i])
            i += 1
        if i < n:
            i += 1
        return "".join(value), i

    def end_tag(self, begin: int) -> int:
        text, n = self.text, self.n
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {self.boff(begin)}")
        i = begin + 2
        while i < n and text[i] not in SPACES and text[i] != ">":
            i += 1
        end_name = text[begin + 2 : i].lower()
        i = self.skip_spaces(i)
        if i >= n or text[i] != ">":
            raise EntityParseError(f"Unclosed end tag at byte offset {self.boff(begin)}")
        opened = self.stack.pop()
        if end_name and end_name != opened.tag:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {self.boff(begin)}, "
                f'expected "</{opened.tag}>", found "</{end_name}>"'
            )
        self.close_entity(opened)
        return i + 1

    def close_entity(self, opened: _Open) -> None:
        length = self.u16 - opened.start16
        if length <= 0:
            return
        entity: dict = {"type": ENTITY_TYPES[opened.tag], "offset": opened.start16,
                        "length": length}
        attrs = opened.attrs
        if opened.tag == "a":
            entity["url"] = attrs.get("href") or "".join(self.out)[opened.start_char:]
        elif opened.tag == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        elif opened.tag == "tg-emoji":
            entity["custom_emoji_id"] = attrs["emoji-id"]
        elif opened.tag == "tg-time":
            if attrs.get("unix", "").isdigit():
                entity["unix_time"] = int(attrs["unix"])
            if attrs.get("format"):
                entity["date_time_format"] = attrs["format"]
        elif opened.tag == "code" and attrs.get("class", "").startswith("language-"):
            entity["language"] = attrs["class"][len("language-"):]
        elif opened.tag == "pre":
            # <pre><code class="language-x">…</code></pre> becomes one pre entity with a language.
            inner = self.entities[opened.entity_count:]
            if (len(inner) == 1 and inner[0]["type"] == "code"
                    and inner[0]["offset"] == opened.start16 and inner[0]["length"] == length):
                language = inner[0].get("language")
                self.entities.pop()
                if language:
                    entity["language"] = language
        self.entities.append(entity)
