"""The clean view of a raw article, with a map back to raw offsets.

Every later pass reads ``Doc.clean``; every span it reports goes through
``Doc.span`` so that offsets always point into the raw ``text`` as received.
Cleaning keeps one clean character per raw character wherever it can:
page boilerplate is blanked (replaced by spaces, so nothing matches inside
it), typographic quotes become plain ones, and only HTML entities and
invisible characters change the length.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from coopstream.schemas import Span

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
        "\u2028": "\n",
        "\u2029": "\n",
        "\x00": " ",
    }
)
# characters dropped from the clean view: zero-width and directional marks
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

# page furniture of scraped public-affairs pages
_BOILERPLATE = [
    # leading "date 2023-09-13 " stamp
    re.compile(r"\A\s*date \d{4}-\d{2}-\d{2}\s"),
    # the truncated caption that the full caption repeats: "... ...... read more read more"
    re.compile(r"(?:Courtesy Photo|Photo By [^|\n]{1,80}) \|[^\n]{0,400}?\.{3,} ?read more(?: read more)?"),
    re.compile(r"see less \| View Image Page"),
    re.compile(
        r"^[ \t]*(?:Share this:?|Share on \w+|Related (?:Stories|Links|Articles):?|Print|Email)[ \t]*$", re.MULTILINE
    ),
    re.compile(r"\bShare this:"),
]


@dataclass(frozen=True, slots=True)
class Doc:
    """Raw text, its clean view, and the map from clean to raw offsets."""

    raw: str
    clean: str
    starts: list[int] = field(repr=False)
    ends: list[int] = field(repr=False)

    def raw_range(self, start: int, end: int) -> tuple[int, int]:
        """Raw [start, end) of the clean range [start, end); ``end > start``."""
        return self.starts[start], self.ends[end - 1]

    def span(self, start: int, end: int) -> Span:
        rs, re_ = self.raw_range(start, end)
        return Span(start=rs, end=re_, text=self.raw[rs:re_])

    def clean_index(self, raw_offset: int) -> int:
        """The clean index whose raw character starts at or before ``raw_offset``."""
        return max(0, bisect_right(self.starts, raw_offset) - 1)


def _decode(raw: str) -> tuple[str, list[int], list[int]]:
    if "&" not in raw and not _NEEDS_SLOW.search(raw):  # common case: one clean character per raw one
        n = len(raw)
        return raw.translate(_SAME_LENGTH), list(range(n)), list(range(1, n + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in _ENTITY.finditer(raw):
        _copy(raw, pos, m.start(), out, starts, ends)
        decoded = html.unescape(m.group())
        if decoded == m.group():
            _copy(raw, m.start(), m.end(), out, starts, ends)
        else:
            for ch in decoded.translate(_SAME_LENGTH):
                if ch in _INVISIBLE:
                    continue
                out.append(ch)
                starts.append(m.start())
                ends.append(m.end())
        pos = m.end()
    _copy(raw, pos, len(raw), out, starts, ends)
    return "".join(out), starts, ends


def _copy(raw: str, a: int, b: int, out: list[str], starts: list[int], ends: list[int]) -> None:
    chunk = raw[a:b].translate(_SAME_LENGTH)
    if not _NEEDS_SLOW.search(chunk):
        out.append(chunk)
        starts.extend(range(a, b))
        ends.extend(range(a + 1, b + 1))
        return
    for i, ch in enumerate(chunk, a):
        if ch in _INVISIBLE or _is_surrogate(ch):
            continue
        out.append(ch)
        starts.append(i)
        ends.append(i + 1)


_NEEDS_SLOW = re.compile("[" + "".join(sorted(_INVISIBLE)) + "\ud800-\udfff]")


def _is_surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def blank_boilerplate(clean: str) -> str:
    """Replace page furniture by spaces, keeping every offset."""
    chars = list(clean)
    for pattern in _BOILERPLATE:
        for m in pattern.finditer(clean):
            for i in range(m.start(), m.end()):
                if chars[i] != "\n":
                    chars[i] = " "
    return "".join(chars)


def make_doc(raw: str) -> Doc:
    clean, starts, ends = _decode(raw)
    return Doc(raw=raw, clean=blank_boilerplate(clean), starts=starts, ends=ends)


_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n|\n(?=[A-Z\"])")
# abbreviations after which a period does not end a sentence
_NO_BREAK = re.compile(
    r"(?:\b(?:[A-Z]|Gen|Lt|Col|Maj|Capt|Cmdr|Adm|Sgt|Cpl|Spc|Pfc|Pvt|Rear|Vice|Brig|Sen|Rep|Gov|Dr|Mr|Mrs|Ms|"
    r"St|Mt|Ft|No|Jan|Feb|Mar|Apr|Aug|Sept|Sep|Oct|Nov|Dec|Ga|Fla|Ala|Va|Calif|Tex|U\.S|U\.K|U\.N|Jr|Sr|Inc|"
    r"Co|Corp|Tech|Gy|Lance|Cmdt|Hon|Amb|vs|approx|e\.g|i\.e)\.)$"
)


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence ranges of ``text`` (clean view)."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        head = text[max(0, m.start() - 12) : m.start()]
        if m.group().strip() == "" and "\n" not in m.group() and _NO_BREAK.search(head):
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
