from __future__ import annotations

from coopstream.enrich.text import make_doc, sentences


def test_entities_decoded_and_offsets_point_into_raw() -> None:
    raw = "Navy &amp; Marines met in Nassau&#8217;s port &#8211; then left."
    doc = make_doc(raw)
    assert "Navy & Marines" in doc.clean
    assert "Nassau's port – then" in doc.clean
    i = doc.clean.index("&")
    span = doc.span(i, i + 1)
    assert span.text == "&amp;"
    assert raw[span.start : span.end] == span.text
    j = doc.clean.index("Nassau's")
    span = doc.span(j, j + len("Nassau's"))
    assert span.text == "Nassau&#8217;s"


def test_boilerplate_blanked_keeping_length(seed_text: str) -> None:
    doc = make_doc(seed_text)
    assert len(doc.clean) == len(seed_text)  # the seed has no entity: one clean character per raw one
    assert "read more" not in doc.clean
    assert "View Image Page" not in doc.clean
    assert not doc.clean.lstrip().startswith("date")
    assert "LIMA, Peru (Sept. 15, 2023) --" in doc.clean


def test_invisible_characters_dropped_but_mapped() -> None:
    raw = "Gen.\u200b Laura\u200f Richardson"
    doc = make_doc(raw)
    assert doc.clean == "Gen. Laura Richardson"
    k = doc.clean.index("Richardson")
    span = doc.span(k, k + len("Richardson"))
    assert raw[span.start : span.end] == "Richardson"


def test_share_lines_blanked() -> None:
    doc = make_doc("First paragraph.\nShare this:\nSecond paragraph.")
    assert "Share" not in doc.clean


def test_sentences_keep_abbreviations_together() -> None:
    text = "Army Gen. Laura Richardson visited Peru Sept. 13. She met the U.S. Ambassador. Then she left."
    got = [text[a:b] for a, b in sentences(text)]
    assert got == [
        "Army Gen. Laura Richardson visited Peru Sept. 13.",
        "She met the U.S. Ambassador.",
        "Then she left.",
    ]
