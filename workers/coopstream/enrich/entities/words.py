"""Word-class questions about the words of a capitalised name, answered from the language's lexicon."""

from __future__ import annotations

from coopstream.enrich.knowledge.language import LanguagePack


def org_head(pack: LanguagePack, words: list[str]) -> bool:
    heads = pack.lex.org_heads
    if any(w in heads for w in words):
        return True
    return _has_head_phrase(pack, words)


def _has_head_phrase(pack: LanguagePack, words: list[str]) -> bool:
    if not any(w in pack.head_phrase_words for w in words):
        return False
    joined = " ".join(words)
    return any(p in joined for p in pack.lex.org_head_phrases)


def place_head(pack: LanguagePack, words: list[str]) -> bool:
    """Ends with a place head ("... Air Base") or starts with one ("Fort ...")."""
    lex = pack.lex
    n = len(words)
    if not n or (words[-1] not in pack.place_after_last and words[0] not in pack.place_before_first):
        return False
    for k in range(1, min(n, pack.head_words) + 1):
        if " ".join(words[n - k :]) in lex.place_heads_after:
            return True
        if k < n and " ".join(words[:k]) in lex.place_heads_before:
            return True
    return False


def conference_name(pack: LanguagePack, words: list[str]) -> bool:
    """Named by a conference head where the language puts it: last in English ("Security Conference"),
    first where heads open names ("Conferencia de Seguridad", "Mesa Redonda de ...")."""
    heads = pack.lex.conference_heads
    if not words:
        return False
    if not pack.lex.org_head_first:
        return words[-1] in heads or " ".join(words[-2:]) in heads
    return words[0] in heads or " ".join(words[:2]) in heads


def strong_place(pack: LanguagePack, words: list[str]) -> bool:
    """ "Krtsanisi National Training Center": a place head after a proper, non-generic word."""
    lex = pack.lex
    if not words or (words[-1] not in pack.strong_place_words and words[0] not in pack.strong_place_words):
        return False
    joined = " ".join(words)
    for head in lex.strong_place_heads:
        if joined.endswith(" " + head):
            before = joined[: -len(head)].split()
            return any(w not in lex.generic_qualifiers and w not in pack.demonyms for w in before)
        if joined.startswith(head + " "):
            return True
    return False


def core_words(pack: LanguagePack, words: list[str]) -> list[str]:
    """The words before the first segment break ("of", "for"): the name's own head."""
    for i, w in enumerate(words):
        if w in pack.lex.segment_breaks:
            return words[:i]
    return words


def org_strong(pack: LanguagePack, words: list[str]) -> bool:
    """An organization name: a head word that is not merely a trailing weak head of a short phrase."""
    lex = pack.lex
    if _has_head_phrase(pack, words):
        return True
    if len(words) == 1:
        return False
    core = core_words(pack, words)
    heads = [w for w in core if w in lex.org_heads] or [w for w in words if w in lex.org_heads]
    if not heads:
        return False
    if lex.org_head_first:  # the head opens the name, after at most one adjective ("Heroico Colegio Militar")
        if not any(w in lex.org_heads for w in core[:2]) and not _has_head_phrase(pack, core[:3]):
            return False
    else:
        last = core[-1] if core else words[-1]
        if last not in lex.org_heads and last not in lex.org_trailers and not last.isdigit() and not last.isupper():
            return False
    return not (len(heads) == 1 and heads[0] in lex.weak_org_heads and len(words) < 3)


def generic(pack: LanguagePack, words: list[str]) -> bool:
    """A short name made only of generic words ("Armed Forces", "Maritime Force", "Coast Guard")."""
    lex = pack.lex
    if lex.org_head_first:  # "Escuadra Nacional", "Guardia Nacional": a head and its adjective name one body
        return len(words) <= 2 and all(w in lex.generic_org_words for w in words)
    return len(words) <= 2 and all(w in lex.generic_org_words or w in lex.org_heads for w in words)


def named(pack: LanguagePack, words: list[str]) -> bool:
    if len(words) == 1 and words[0].isupper() and len(words[0]) > 1:
        return True  # an acronym
    if len(words) == 1 and pack.lex.org_head_first and words[0] in pack.lex.org_heads:
        return True  # "la Cancillería y la Subsecretaría de Pesca": an institution named by its head alone
    return org_strong(pack, words) or place_head(pack, words) or " ".join(words) in pack.country_names
