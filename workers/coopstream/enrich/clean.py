"""The clean pass: a raw article in, a ``Document`` out.

The document carries the clean view of the text (HTML entities decoded, invisible characters
dropped, page furniture blanked) with the map back to raw offsets, the article's language and the
knowledge chosen for it, its sentences, its dateline and the dates every later pass needs: the
published date and the year. Cleaning keeps one clean character per raw character wherever it can:
page furniture is replaced by spaces and typographic quotes by plain ones; only HTML entities and
invisible characters change the length.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date

from coopstream.enrich.dates import normalise_published, stamp_date
from coopstream.enrich.entities.places import DatelineInfo
from coopstream.enrich.knowledge import Knowledge
from coopstream.enrich.knowledge.language import LanguagePack
from coopstream.enrich.language import normalise_language
from coopstream.schemas import RawArticle

_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# one-to-one replacements that keep offsets aligned
_SAME_LENGTH = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\t": " ",
        "\r": "\n",
        "\u2018": "'",
        "\u2019": "'",
        "\u201b": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2028": "\n",
        "\u2029": "\n",
        "\x00": " ",
    }
)
# characters dropped from the clean view: zero-width and directional marks
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_NEEDS_SLOW = re.compile("[" + "".join(sorted(_INVISIBLE)) + "\ud800-\udfff]")
_REPLACED = re.compile("[" + re.escape("".join(chr(c) for c in _SAME_LENGTH)) + "]")


def _same_length(text: str) -> str:
    """The one-to-one replacements, applied only where such a character occurs (most text has few)."""
    return _REPLACED.sub(_replacement, text)


def _replacement(m: re.Match[str]) -> str:
    return str(_SAME_LENGTH[ord(m.group())])


@dataclass(frozen=True, slots=True)
class Document:
    """What the clean pass hands on: the clean text with its raw offsets, language, sentences and dates."""

    raw: str
    clean: str
    offsets: OffsetMap = field(repr=False)
    language: str | None = None  # the article's language, given or detected (ISO 639-1)
    pack: LanguagePack | None = field(default=None, repr=False)  # the knowledge the passes use
    sentences: list[tuple[int, int]] = field(default_factory=list, repr=False)
    dateline: DatelineInfo | None = None
    dateline_date: date | None = None
    published: str | None = None
    year: int | None = None
    filed_dates: list[tuple[int, int]] = field(default_factory=list, repr=False)

    def raw_range(self, start: int, end: int) -> tuple[int, int]:
        """Raw [start, end) of the clean range [start, end); ``end > start``."""
        return self.offsets.raw_start(start), self.offsets.raw_end(end - 1)


class OffsetMap:
    """Where each clean character comes from in the raw text, in memory proportional to the changes.

    The clean text is a sequence of segments: in a copied segment clean character ``c`` comes from raw
    character ``raw + (c - clean)``; every character of a decoded HTML entity comes from the whole
    entity ``[raw, end)``.
    """

    __slots__ = ("clean", "ends", "raw")

    def __init__(self) -> None:
        self.clean: list[int] = []
        self.raw: list[int] = []
        self.ends: list[int] = []  # -1 for a copied segment

    def copied(self, clean: int, raw: int) -> None:
        if self.ends and self.ends[-1] == -1 and self.raw[-1] - self.clean[-1] == raw - clean:
            return  # continues the previous copied segment
        self._add(clean, raw, -1)

    def entity(self, clean: int, raw: int, end: int) -> None:
        self._add(clean, raw, end)

    def _add(self, clean: int, raw: int, end: int) -> None:
        if self.clean and self.clean[-1] == clean:  # the previous segment is empty: replace it
            self.clean.pop()
            self.raw.pop()
            self.ends.pop()
        self.clean.append(clean)
        self.raw.append(raw)
        self.ends.append(end)

    def raw_start(self, c: int) -> int:
        j = bisect_right(self.clean, c) - 1
        return self.raw[j] + (c - self.clean[j]) if self.ends[j] == -1 else self.raw[j]

    def raw_end(self, c: int) -> int:
        """The raw end of clean character ``c``."""
        j = bisect_right(self.clean, c) - 1
        return self.raw[j] + (c - self.clean[j]) + 1 if self.ends[j] == -1 else self.ends[j]


def clean(article: RawArticle, knowledge: Knowledge) -> Document:
    raw = article.text
    text, offsets = decode(raw)
    text = blank(text, knowledge.furniture.spans(text))
    language = normalise_language(article.language) or knowledge.guesser.guess(text, article.title)
    pack = knowledge.pack(language) if language else knowledge.packs["en"]
    sents = sentences(text, pack)
    dl, dl_date = find_dateline(text, pack, knowledge)
    published = (
        normalise_published(article.published_at)
        or stamp_date(knowledge.stamps, raw)
        or (dl_date.isoformat() if dl_date else None)
    )
    year = dl_date.year if dl_date else (int(published[:4]) if published else None)
    filed = [(m.start(), m.end()) for m in pack.grammar.paren_date_re.finditer(text)] if pack.grammar else []
    return Document(raw, text, offsets, language, pack, sents, dl, dl_date, published, year, filed)


def decode(raw: str) -> tuple[str, OffsetMap]:
    """HTML entities decoded and invisible characters dropped, with the map back to raw offsets."""
    offsets = OffsetMap()
    if "&" not in raw and not _NEEDS_SLOW.search(raw):  # common case: one clean character per raw one
        offsets.copied(0, 0)
        return _same_length(raw), offsets
    out: list[str] = []
    size = 0
    pos = 0
    for m in _ENTITY.finditer(raw):
        size = _copy(raw, pos, m.start(), out, size, offsets)
        decoded = html.unescape(m.group())
        if decoded == m.group():
            size = _copy(raw, m.start(), m.end(), out, size, offsets)
        else:
            kept = "".join(ch for ch in decoded.translate(_SAME_LENGTH) if ch not in _INVISIBLE)
            if kept:
                offsets.entity(size, m.start(), m.end())
                out.append(kept)
                size += len(kept)
        pos = m.end()
    size = _copy(raw, pos, len(raw), out, size, offsets)
    offsets.copied(size, len(raw))  # past the end
    return "".join(out), offsets


def _copy(raw: str, a: int, b: int, out: list[str], size: int, offsets: OffsetMap) -> int:
    """Append raw[a:b] (less its invisible characters) at clean offset ``size``; the new size."""
    chunk = _same_length(raw[a:b])
    if not _NEEDS_SLOW.search(chunk):
        if chunk:
            offsets.copied(size, a)
            out.append(chunk)
        return size + len(chunk)
    start = 0
    for m in _NEEDS_SLOW.finditer(chunk):
        if m.start() > start:
            offsets.copied(size, a + start)
            out.append(chunk[start : m.start()])
            size += m.start() - start
        start = m.end()
    if start < len(chunk):
        offsets.copied(size, a + start)
        out.append(chunk[start:])
        size += len(chunk) - start
    return size


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace the given stretches (sorted) by spaces, keeping every offset (and line breaks)."""
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for a, b in spans:
        a = max(a, pos)
        if b <= a:
            continue
        out.append(text[pos:a])
        out.append(_NOT_NEWLINE.sub(" ", text[a:b]))
        pos = b
    out.append(text[pos:])
    return "".join(out)


_NOT_NEWLINE = re.compile(r"[^\n]")
_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[¿¡]?[A-Z0-9À-ÖØ-Þ])|\n\s*\n|\n(?=[A-ZÀ-ÖØ-Þ\"¿¡])")


def sentences(text: str, pack: LanguagePack) -> list[tuple[int, int]]:
    """Sentence ranges of the clean text; a period after an abbreviation of the language does not end one."""
    no_break = pack.no_break_re
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        soft = m.group().strip() == "" and "\n" not in m.group()
        if soft and no_break is not None and no_break.search(text, max(0, m.start() - 16), m.start()):
            continue
        if text[start : m.start()].strip():
            out.append(_trim(text, start, m.start()))
        start = m.end()
    if text[start:].strip():
        out.append(_trim(text, start, len(text)))
    return out


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def find_dateline(text: str, pack: LanguagePack, knowledge: Knowledge) -> tuple[DatelineInfo | None, date | None]:
    """The first "PLACE, Region (date) —" line, read with the article's language first, then the others."""
    grammars = [pack.grammar] + [p.grammar for p in knowledge.packs.values() if p is not pack]
    for grammar in grammars:
        if grammar is None:
            continue
        for m in grammar.dateline_re.finditer(text):
            written = m.group("date") or m.group("bare")
            when = grammar.parse_full(written) if written else None
            if when is None:
                continue
            place = m.group("place").strip()
            start = m.start("place")
            return DatelineInfo(place, m.group("region"), start, start + len(place)), when
    return None, None
