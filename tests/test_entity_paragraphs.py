"""Entities are parsed paragraph by paragraph, and a paragraph repeated word for word is parsed once."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pytest

from corroborator.analyze import entities
from corroborator.analyze.entities import document_entities, paragraphs
from corroborator.model import Document, Mention
from tests.spacy_double import Parsed, Span

WIRE = ("Police Chief Maria Lopez said two men were shot on Elm Street.\n\n"
        "\"We are asking anyone who saw it to call us,\" Lopez said.\n\n")


def _doc(text: str, doc_id: str) -> Document:
    return Document(doc_id, f"{doc_id}.txt", doc_id, "text/plain", text)


class _Counting:
    """A stand-in pipeline: runs of capitalised words are PERSONs; it keeps every text it was given."""

    max_length = 1_000_000

    def __init__(self) -> None:
        self.texts: list[str] = []

    def pipe(self, texts: Iterable[str], batch_size: int = 1) -> Iterator[Parsed]:
        for text in texts:
            self.texts.append(text)
            yield Parsed([Span(m.start(), m.end(), "PERSON") for m in re.finditer(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*", text)])


def test_paragraphs_keep_their_breaks_and_leave_out_blank_parts() -> None:
    text = "  \n\nFirst one.\n\n \n\nSecond one\nstill second.\n\n\nLast."
    parts = paragraphs(text)
    assert [text[a:b] for a, b in parts] == ["First one.\n\n \n\n", "Second one\nstill second.\n\n\n", "Last."]
    assert parts[-1][1] == len(text) and all(a[1] == b[0] for a, b in zip(parts, parts[1:]))


def test_a_long_paragraph_is_cut_below_the_limit() -> None:
    text = "Short.\n\n" + "A sentence that goes on. " * 40 + "\n\nEnd."
    parts = paragraphs(text, 200)
    assert all(b - a <= 200 for a, b in parts)
    assert "".join(text[a:b] for a, b in parts) == text


def test_a_repeated_paragraph_is_parsed_once_and_gives_the_same_mentions() -> None:
    nlp = _Counting()
    original = _doc("Local news.\n\n" + WIRE + "Reporting by Ann Smith.", "a")
    copy = _doc("Another outlet.\n\n" + WIRE + "Copyright Metro News.", "b")
    found_a, found_b = document_entities(nlp, [original])[0], document_entities(nlp, [copy])[0]
    parsed_wire = [t for t in nlp.texts if "Maria Lopez" in t]
    assert len(parsed_wire) == 1  # the copy's wire paragraphs came from what the original's parse found
    assert _in_wire(found_a, original) == _in_wire(found_b, copy)
    assert ("Police Chief Maria Lopez", 0) in _in_wire(found_b, copy)
    assert all(m.text == copy.text[m.start:m.end] and m.doc_id == "b" for m in found_b)
    # What the copy's mentions are does not depend on what was parsed before it.
    assert document_entities(_Counting(), [copy])[0] == found_b


def _in_wire(found: list[Mention], doc: Document) -> list[tuple[str, int]]:
    """The mentions inside the wire story, with their offsets from its start."""
    at = doc.text.index(WIRE)
    return [(m.text, m.start - at) for m in found if at <= m.start < at + len(WIRE)]


def test_a_paragraph_is_parsed_as_running_text_unless_it_opens_the_document() -> None:
    nlp = _Counting()
    document_entities(nlp, [_doc("Opening line.\n\nLopez said so.", "c")])
    assert nlp.texts == ["Opening line.\n\n", entities._BEFORE + "Lopez said so."]


def test_the_remembered_paragraphs_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entities, "CACHE_PARAGRAPHS", 3)
    nlp = _Counting()
    docs = [_doc("\n\n".join(f"Paragraph {n} of {i}." for n in range(4)), f"d{i}") for i in range(3)]
    document_entities(nlp, docs)
    assert len(entities._PARSED[nlp]) == 3
    before = len(nlp.texts)
    document_entities(nlp, [docs[-1]])  # its last three paragraphs are remembered, its first is not
    assert len(nlp.texts) == before + 1
