"""Long texts: split for spaCy with offsets kept, and the rule extractors on a text with no line breaks."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import pytest

from corroborator.analyze.clean import clean
from corroborator.analyze.dates import extract_dates
from corroborator.analyze.entities import document_entities, load_pipeline, split_text
from corroborator.analyze.figures import extract_figures
from corroborator.analyze.pipeline import analyze_batch, clean_document
from corroborator.analyze.quotes import extract_quotes
from corroborator.model import Document
from corroborator.settings import DEFAULTS
from tests.conftest import PLAIN_ARTICLE
from tests.spacy_double import Parsed, Span

SENTENCE = ('Amnesty International said on April 3, 2017 that 26 men were detained in Grozny. '
            '"We were beaten every day," said Ivan Petrov, a witness. ')


def _flat(chars: int) -> str:
    """A report with no line breaks, ``chars`` long."""
    return (SENTENCE * (chars // len(SENTENCE) + 1))[:chars]


def _doc(text: str, doc_id: str = "d1") -> Document:
    return Document(doc_id, f"{doc_id}.txt", doc_id, "text/plain", text)


def _covers(text: str, parts: list[tuple[int, int]], most: int) -> None:
    assert parts[0][0] == 0 and parts[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(parts, parts[1:]))
    assert all(0 < end - start <= most for start, end in parts) or text == ""


def test_split_text_prefers_paragraph_breaks() -> None:
    text = ("One sentence here. Another one there. " * 20 + "\n\n") * 10
    parts = split_text(text, 1000)
    _covers(text, parts, 1000)
    assert all(text[start:end].endswith("\n\n") for start, end in parts[:-1])


def test_split_text_then_sentence_ends_then_spaces_then_a_hard_cut() -> None:
    sentences = "Ivan Petrov spoke to the commission in Grozny. " * 100
    parts = split_text(sentences, 500)
    _covers(sentences, parts, 500)
    assert all(sentences[start:end].endswith(". ") for start, end in parts[:-1])
    words = "word " * 300
    parts = split_text(words, 128)
    _covers(words, parts, 128)
    assert all(words[start:end].endswith(" ") for start, end in parts[:-1])
    solid = "x" * 1000
    assert split_text(solid, 300) == [(0, 300), (300, 600), (600, 900), (900, 1000)]


def test_split_text_leaves_short_texts_whole() -> None:
    assert split_text(PLAIN_ARTICLE) == [(0, len(PLAIN_ARTICLE))]
    assert split_text("") == [(0, 0)]


class _CapitalNames:
    """A stand-in pipeline: every run of capitalised words is a PERSON; refuses texts over ``max_length``."""

    def __init__(self, max_length: int) -> None:
        self.max_length = max_length
        self.seen: list[int] = []

    def pipe(self, texts: Iterable[str], batch_size: int = 1) -> Iterator[Parsed]:
        assert batch_size >= 1
        for text in texts:
            if len(text) > self.max_length:
                raise ValueError(f"[E088] Text of length {len(text)} exceeds maximum of {self.max_length}")
            self.seen.append(len(text))
            yield Parsed([Span(m.start(), m.end(), "PERSON") for m in re.finditer(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*", text)])


def test_document_entities_offsets_point_into_the_whole_text() -> None:
    long_doc, short_doc = _doc(_flat(50_000), "long"), _doc(PLAIN_ARTICLE, "short")
    nlp = _CapitalNames(max_length=8_000)
    long_found, short_found = document_entities(nlp, [long_doc, short_doc])
    assert max(nlp.seen) <= 8_000 and len(nlp.seen) > 6
    assert all(m.text == long_doc.text[m.start:m.end] and m.doc_id == "long" for m in long_found)
    assert all(m.text == short_doc.text[m.start:m.end] for m in short_found)
    expected = {(m.start(), m.end()) for m in re.finditer(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*", long_doc.text)}
    assert {(m.start, m.end) for m in long_found} == expected  # cut between sentences: no name is split
    assert max(m.end for m in long_found) > 49_000


@pytest.mark.slow
def test_analyze_reads_a_text_past_spacys_max_length() -> None:
    nlp = load_pipeline()
    saved = nlp.max_length
    nlp.max_length = 20_000  # the mechanism of spaCy's 1,000,000 limit, at a size a test can parse
    try:
        text = _flat(70_000)
        (ex,) = analyze_batch([_doc(text)], DEFAULTS.overlay({"stages": {"document": [
            "clean.rules.v1", "entities.spacy.v1", "dates.rules.v1", "quotes.rules.v1"]}}))
    finally:
        nlp.max_length = saved
    assert not ex.problems and ex.quotes
    assert all(m.text == text[m.start:m.end] for m in ex.mentions)
    people = [m for m in ex.mentions if m.kind == "entity" and m.text == "Ivan Petrov"]
    assert people and max(m.start for m in people) > 60_000


def test_clean_does_not_take_a_report_on_one_line_for_a_caption() -> None:
    text = "Photo credit: Getty Images. " + _flat(20_000)
    assert not clean(text).noise
    assert clean("Demonstrators in London on June 2, 2017. (Photo credit should read JUSTIN TALLIS/AFP/Getty Images)").noise


def test_rule_extractors_find_mentions_throughout_a_long_flat_text() -> None:
    text = _flat(400_000)
    doc = clean_document(_doc(text))
    dates = extract_dates(doc)
    result = extract_quotes(doc, [])
    figures = extract_figures(doc, [], dates)
    found = [*dates, *result.mentions, *(q.mention for q in result.quotes), *(f.mention for f in figures)]
    assert all(m.text == text[m.start:m.end] for m in found)
    for mentions in (dates, [q.mention for q in result.quotes], [f.mention for f in figures]):
        assert len(mentions) >= 400_000 // len(SENTENCE) // 2 and max(m.end for m in mentions) > 390_000
