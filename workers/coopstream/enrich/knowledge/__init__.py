"""Knowledge: the data files the enrichment reads, loaded once, checked, and compiled into matchers.

Language-independent files sit at the root of ``coopstream/enrich/data`` (countries' codes and
coordinates, places, organizations, operations, ambiguous names, theme and engagement rules); each
language has a folder of its own (``en/``, ``es/``, ``pt/``) with its names, demonyms, ranks,
titles, word classes, dates, page furniture and cue phrases. A language is added by adding a
folder. An operator points ``knowledge_dir`` at a folder of replacements laid out the same way.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from coopstream.enrich.engagements import TypeRule, load_rules
from coopstream.enrich.knowledge.common import Common, load_common
from coopstream.enrich.knowledge.files import Source
from coopstream.enrich.knowledge.language import OP, ORG, PLACE, Furniture, LanguagePack, common_names
from coopstream.enrich.language import LanguageGuesser
from coopstream.enrich.themes import ThemeParams
from coopstream.errors import KnowledgeError

__all__ = ["OP", "ORG", "PLACE", "Knowledge", "load_knowledge"]


@dataclass(frozen=True, slots=True)
class Knowledge:
    common: Common
    themes: ThemeParams
    engagements: dict[str, TypeRule]
    packs: dict[str, LanguagePack]
    neutral: LanguagePack  # no language's knowledge: only the language-independent passes run
    guesser: LanguageGuesser
    furniture: Furniture  # every language's page furniture (an English page may wrap a Spanish caption)
    stamps: tuple[re.Pattern[str], ...]  # every language's publication stamps
    digest: str

    def pack(self, language: str | None) -> LanguagePack:
        return self.packs.get(language or "", self.neutral)


def load_knowledge(knowledge_dir: Path | None = None, themes_file: Path | None = None) -> Knowledge:
    """Read, check and compile every knowledge file once (packaged, or the operator's replacements)."""
    source = Source(override_dir=knowledge_dir, themes_file=themes_file)
    common = load_common(source)
    themes = ThemeParams.from_spec(source.json("themes.json"), "themes.json")
    if source.themes_file is not None or source.exists_override("themes.json"):
        packaged = ThemeParams.from_spec(Source().json("themes.json"), "themes.json")
        themes = dataclasses.replace(themes, taxonomy=frozenset(packaged.labels))
    rules = load_rules(source.json("engagements.json"), "engagements.json")
    shared = common_names(common)
    packs = {lang: LanguagePack(lang, source, common, themes, rules, shared) for lang in source.languages()}
    if "en" not in packs:
        raise KnowledgeError("knowledge: no en/ folder (English is the fallback language)")
    neutral = LanguagePack("", None, common, themes, rules, shared)
    guesser = LanguageGuesser({code: pack.text.detect_words for code, pack in packs.items()})
    furniture = Furniture([p for pack in packs.values() for p in pack.text.boilerplate])
    stamps = tuple(p for pack in packs.values() for p in pack.text.stamps)
    return Knowledge(common, themes, rules, packs, neutral, guesser, furniture, stamps, source.digest.hexdigest()[:16])
