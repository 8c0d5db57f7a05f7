from __future__ import annotations

from coopstream.enrich import Knowledge
from coopstream.enrich.clean import Document, clean, sentences
from coopstream.schemas import RawArticle


def make_doc(knowledge: Knowledge, raw: str) -> Document:
    return clean(RawArticle(id="t", text=raw), knowledge)


def test_entities_decoded_and_offsets_point_into_raw(knowledge: Knowledge) -> None:
    raw = "Navy &amp; Marines met in Nassau&#8217;s port &#8211; then left."
    doc = make_doc(knowledge, raw)
    assert "Navy & Marines" in doc.clean
    assert "Nassau's port – then" in doc.clean
    i = doc.clean.index("&")
    a, b = doc.raw_range(i, i + 1)
    assert raw[a:b] == "&amp;"
    j = doc.clean.index("Nassau's")
    a, b = doc.raw_range(j, j + len("Nassau's"))
    assert raw[a:b] == "Nassau&#8217;s"


def test_boilerplate_blanked_keeping_length(knowledge: Knowledge, seed_text: str) -> None:
    doc = make_doc(knowledge, seed_text)
    assert len(doc.clean) == len(seed_text)  # the seed has no entity: one clean character per raw one
    assert "read more" not in doc.clean
    assert "View Image Page" not in doc.clean
    assert not doc.clean.lstrip().startswith("date")
    assert "LIMA, Peru (Sept. 15, 2023) --" in doc.clean


def test_invisible_characters_dropped_but_mapped(knowledge: Knowledge) -> None:
    raw = "Gen.\u200b Laura\u200f Richardson"
    doc = make_doc(knowledge, raw)
    assert doc.clean == "Gen. Laura Richardson"
    k = doc.clean.index("Richardson")
    a, b = doc.raw_range(k, k + len("Richardson"))
    assert raw[a:b] == "Richardson"


def test_offsets_map_every_clean_character_back(knowledge: Knowledge) -> None:
    raw = "A&amp;B\u200b C&#8217;s &lt;x&gt; \u200e&nbsp;end&unknown; z"
    doc = make_doc(knowledge, raw)
    assert doc.clean == "A&B C's <x>  end&unknown; z"
    for i, ch in enumerate(doc.clean):
        a, b = doc.raw_range(i, i + 1)
        piece = raw[a:b]
        assert piece == ch or piece.startswith("&"), (i, ch, piece)


def test_share_lines_blanked(knowledge: Knowledge) -> None:
    doc = make_doc(knowledge, "First paragraph.\nShare this:\nSecond paragraph.")
    assert "Share" not in doc.clean


def test_sentences_keep_abbreviations_together(knowledge: Knowledge) -> None:
    text = "Army Gen. Laura Richardson visited Peru Sept. 13. She met the U.S. Ambassador. Then she left."
    got = [text[a:b] for a, b in sentences(text, knowledge.packs["en"])]
    assert got == [
        "Army Gen. Laura Richardson visited Peru Sept. 13.",
        "She met the U.S. Ambassador.",
        "Then she left.",
    ]
