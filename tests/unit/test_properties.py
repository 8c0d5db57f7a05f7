"""Property tests of the core: never raises, offsets always valid, deterministic."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coopstream.enrich import Enricher
from coopstream.schemas import EnrichedEvent, RawArticle

_WORDS = st.sampled_from(
    [
        "Gen.",
        "Gen. Gen.",
        "Lt.",
        "Col.",
        "U.S.",
        "Southern",
        "Command",
        "(SOUTHCOM)",
        "Peru",
        "Peruvian",
        "Lima,",
        "Minister",
        "of",
        "Defense",
        "Jorge",
        "Chavez",
        "said",
        "visited",
        "Sept.",
        "13",
        "–",
        "15,",
        "2023",
        "&amp;",
        "&#8217;",
        "\u200f",
        "\n\n",
        "LIMA, Peru (Sept. 15, 2023) --",
        "read more",
        "see less | View Image Page",
        "maritime security",
        "cocaine",
        "Georgia",
        "Gulf of Guinea",
        "(",
        ")",
        ",",
        ".",
        '"',
        "Operation",
        "Exercise",
        "the",
        "and",
        "İstanbul",
        "ß",
        "\x00",
    ]
)
_TEXTS = st.one_of(st.text(min_size=1, max_size=400), st.lists(_WORDS, min_size=1, max_size=80).map(" ".join))


def _spans(event: EnrichedEvent) -> list[tuple[int, int, str]]:
    out = [(m.start, m.end, m.text) for e in event.entities for m in e.mentions]
    out += [(s.start, s.end, s.text) for t in event.themes for s in t.evidence]
    out += [(e.evidence.start, e.evidence.end, e.evidence.text) for e in event.engagements]
    if event.dateline:
        out.append((event.dateline.span.start, event.dateline.span.end, event.dateline.span.text))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXTS)
def test_never_raises_and_offsets_valid(enricher: Enricher, text: str) -> None:
    if not text.strip():
        return
    event = enricher.enrich(RawArticle(id="p", text=text), processed_at="t")
    for start, end, span_text in _spans(event):
        assert 0 <= start <= end <= len(text)
        assert text[start:end] == span_text
    for theme in event.themes:
        assert 0.0 <= theme.score <= 1.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXTS)
def test_deterministic(enricher: Enricher, text: str) -> None:
    if not text.strip():
        return
    a = enricher.enrich(RawArticle(id="p", text=text), processed_at="t1")
    b = enricher.enrich(RawArticle(id="p", text=text), processed_at="t2")
    assert a.event_id == b.event_id
    assert a.model_copy(update={"provenance": None}) == b.model_copy(update={"provenance": None})


def _repeated(paragraph: str) -> str:
    return (paragraph + "\n\n") * (130_000 // (len(paragraph) + 2) + 1)


_BIG = st.lists(_WORDS, min_size=20, max_size=60).map(" ".join).map(_repeated)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_BIG)
def test_big_inputs_read_in_windows_keep_valid_offsets(enricher: Enricher, text: str) -> None:
    """Texts past the reading window (about 60,000 characters): offsets stay valid and results repeatable."""
    assert len(text) > 120_000
    a = enricher.enrich(RawArticle(id="p", text=text), processed_at="t")
    for start, end, span_text in _spans(a):
        assert 0 <= start <= end <= len(text)
        assert text[start:end] == span_text
    b = enricher.enrich(RawArticle(id="p", text=text), processed_at="t")
    assert a == b


def test_articles_joined_past_the_window_keep_their_people(enricher: Enricher) -> None:
    """Windows cut at paragraph breaks: every person an article gives alone, it gives inside a long text."""
    from importlib import resources

    lines = resources.files("coopstream").joinpath("samples/articles.jsonl").read_text(encoding="utf-8")
    texts = [json.loads(line)["text"] for line in lines.splitlines() if json.loads(line).get("language") is None]
    alone: set[str] = set()
    for t in texts:
        alone |= {e.name for e in enricher.enrich(RawArticle(id="a", text=t), "t").entities if e.type == "person"}
    joined = "\n\n".join(texts * 4)
    assert len(joined) > 90_000 and alone
    together = {e.name for e in enricher.enrich(RawArticle(id="j", text=joined), "t").entities if e.type == "person"}
    assert alone <= together
