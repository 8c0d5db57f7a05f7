"""Tokens and capitalised chunks of the clean text."""

from __future__ import annotations

import re

# initialisms (U.S.), words with inner hyphens or apostrophes (d'Ivoire, Asante-Boateng), single punctuation
# and abbreviated ordinals written with a dot or a slash (1.er, 228.º, 3.ª, 36/a.)
_TOKEN = re.compile(
    r"(?:[A-Z]\.){2,}|\d+(?:\.(?:er|os?|as?|[º°ª])|/[ao]\.)(?![\w.])|\w+(?:[-–]\w+|'(?!s\b)\w+)*|[^\w\s]"
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")


def ordinal_pattern(suffixes: list[str] | tuple[str, ...]) -> re.Pattern[str]:
    """Ordinals ("4th", "2d", "1º") count as capitalised words inside names."""
    alternation = "|".join(re.escape(s) for s in sorted(suffixes, key=len, reverse=True))
    return re.compile(rf"^\d+[./]?(?:{alternation})\.?$" if suffixes else r"^(?!)")


class Token:
    """A word or a punctuation mark of the clean text, with its word classes."""

    __slots__ = ("cap", "end", "index", "is_number", "is_year", "start", "text", "word")

    text: str
    start: int
    end: int
    index: int
    word: bool  # starts with a letter or digit
    cap: bool  # capitalised, or an ordinal ("4th")
    is_number: bool
    is_year: bool

    def __repr__(self) -> str:
        return f"Token({self.text!r}, {self.start})"


def _classes(text: str, ordinal: re.Pattern[str]) -> tuple[bool, bool, bool, bool]:
    ch = text[0]
    number = text.isdigit()
    cap = (ch.isupper() and ch.isalpha()) or (ch.isdigit() and ordinal.match(text) is not None)
    return ch.isalnum(), cap, number, number and _YEAR.match(text) is not None


def tokenize(text: str, ordinal: re.Pattern[str], start: int = 0, end: int | None = None) -> list[Token]:
    """The tokens of ``text[start:end]``, with offsets into the whole text."""
    out: list[Token] = []
    classes: dict[str, tuple[bool, bool, bool, bool]] = {}  # words recur within an article
    new = Token.__new__
    for i, m in enumerate(_TOKEN.finditer(text, start, len(text) if end is None else end)):
        word = m.group()
        c = classes.get(word)
        if c is None:
            c = classes[word] = _classes(word, ordinal)
        t = new(Token)
        t.text = word
        t.start, t.end = m.span()
        t.index = i
        t.word, t.cap, t.is_number, t.is_year = c
        out.append(t)
    return out


def gap(text: str, a: Token, b: Token) -> str:
    """The characters between two tokens."""
    return text[a.end : b.start]


class Chunk:
    """A run of capitalised tokens, with connectors ("of the") between them."""

    __slots__ = ("end", "start", "tokens")

    def __init__(self, tokens: tuple[Token, ...]) -> None:
        self.tokens = tokens
        self.start = tokens[0].start
        self.end = tokens[-1].end

    def words(self) -> list[str]:
        return [t.text for t in self.tokens]


def chunks(
    text: str,
    tokens: list[Token],
    connectors: frozenset[str],
    in_words: frozenset[str] = frozenset(),
    in_after: frozenset[str] = frozenset(),
    head_first: bool = False,
) -> list[Chunk]:
    """Maximal capitalised runs; connectors and dashes only between capitalised tokens.

    A run does not cross a line break, a comma or any other punctuation except a dash between two
    capitalised tokens and the period of an initialism. A word of ``in_words`` joins a name after
    one of ``in_after`` ("Embassy in Lima"), or anywhere after one where the head opens the name
    ("Embaixada dos Estados Unidos em Maputo").
    """
    out: list[Chunk] = []
    i, n = 0, len(tokens)
    while i < n:
        if not tokens[i].cap:
            i += 1
            continue
        run = [tokens[i]]
        j = i + 1
        while j < n:
            prev, tok = run[-1], tokens[j]
            if "\n" in text[prev.end : tok.start]:
                break
            if tok.cap or (tok.is_number and prev.cap):
                run.append(tok)
                j += 1
                continue
            # connectors (possibly several: "of the") followed by a capitalised token
            k = j
            while (
                k < n
                and (
                    tokens[k].text in connectors
                    or tokens[k].text in ("–", "-")
                    or (
                        tokens[k].text in in_words
                        and (tokens[k - 1].text in in_after or (head_first and any(t.text in in_after for t in run)))
                    )
                )
                and "\n" not in text[tokens[k - 1].end : tokens[k].start]
            ):
                k += 1
            if k > j and k < n and tokens[k].cap and "\n" not in text[tokens[k - 1].end : tokens[k].start]:
                run.extend(tokens[j:k])
                j = k
                continue
            break
        out.append(Chunk(tuple(run)))
        i = j
    return out
