"""Property-based tests: arbitrary bytes and text through every reader and every extractor.

No exception but :class:`~corroborator.errors.InputError` leaves a reader, none at all
leaves an extractor, and every span an extractor gives lies inside the text with
``text == doc.text[start:end]``.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corroborator.analyze.clean import clean
from corroborator.analyze.dates import extract_dates, extract_events
from corroborator.analyze.entities import document_entities, entity_mentions, load_pipeline, split_text
from corroborator.analyze.figures import extract_figures
from corroborator.analyze.pipeline import clean_document
from corroborator.analyze.quotes import extract_quotes
from corroborator.errors import InputError
from corroborator.ingest import IngestOptions, read_documents
from corroborator.ingest.files import capped_lines
from corroborator.ingest.html import html_document, plain_text
from corroborator.ingest.text import decode
from corroborator.model import Document, Mention, NoiseSpan
from tests.spacy_double import Parsed, Span

#: Few examples per property: the whole module runs in well under a minute.
FEW = settings(max_examples=30, deadline=None, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SOME = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: Pieces of reports the extractors react to, mixed with arbitrary text.
FRAGMENTS = [
    " ", "\n", "\n\n", "\r\n", ". ", ", ", "“", "”", '"', "‘", "’", "'", "(", ")", "—", "-", ":",
    "said", " said ", "told ", "according to ", "Ivan Petrov", "Amnesty International", "Grozny", "he ", "she ",
    "April 3, 2017", "3 April", "on Monday", "last week", "2017-04-03", "May", "12", "26", "1,500", "dozens of",
    "at least ", "more than ", "people", "men", "were detained", "were killed", "injured", "Photo: Reuters",
    "By Jane Doe", "© 2017 Novaya Gazeta. All rights reserved.", "Related: ", "a witness", "Anonymous", "\u00a0",
    "\u200b", "\ufeff", "\x00", "\ud7ff", "𝔸", "é", "ﬁ", "²", "٣", "１２", "9" * 25, "0", "1.5 million", "hundreds",
    "two dozen", "Feb 30, 2017", "0000-00-00", "31/02/2017", "9999-99-99", "between 10 and 20", "10–20", "’s", "[",
    "…", "!", "?", "\t", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "İ", "ß", "ǅ", "Σ", "\u0301",
    "the 1990s", "in 2017", "2017–2018", "Saturday, 1 April", "killed 12 people", "a source said.", "— ",
]
report_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40).map("".join)
_NAME = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+)*")


def _doc(text: str, published: str | None = None) -> Document:
    return Document("d", "d.txt", "d", "text/plain", text, published=published)


def _inside(text: str, mentions: Iterable[Mention]) -> None:
    for m in mentions:
        assert 0 <= m.start <= m.end <= len(text), m
        assert m.text == text[m.start:m.end], m


def _noise_inside(text: str, noise: Iterable[NoiseSpan]) -> None:
    for span in noise:
        assert 0 <= span.start <= span.end <= len(text), span


class _CapitalNames:
    """A stand-in spaCy pipeline: capitalised runs are PERSON, GPE or ORG by turns."""

    max_length = 1_000_000

    def pipe(self, texts: Iterable[str], batch_size: int = 1) -> Iterator[Parsed]:
        labels = ("PERSON", "GPE", "ORG")
        for text in texts:
            yield Parsed([Span(m.start(), m.end(), labels[i % 3]) for i, m in enumerate(_NAME.finditer(text))])


# ---- readers -----------------------------------------------------------------------

SUFFIXES = [".txt", ".md", ".html", ".jsonl", ".pdf", ".warc", ".warc.gz", ".gz"]
PREFIXES = [b"", b"%PDF-1.4\n", b"WARC/1.0\r\n", b"\x1f\x8b", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
            b"\xff\xfe\x00\x00", b"<html><body>", b'{"text": "', b"\n"]


def _read_bytes(raw: bytes, suffix: str, options: IngestOptions | None = None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(raw)
        try:
            result = read_documents(path, options)
        except InputError as exc:
            assert exc.reason and exc.path.startswith(str(path))
            return
        assert result.documents
        for doc in result.documents:
            assert isinstance(doc.text, str) and doc.text.strip() and doc.path.startswith(str(path))
            _noise_inside(doc.text, doc.noise)
            assert all(0 <= page <= len(doc.text) for page in doc.pages)


@SOME
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=400), suffix=st.sampled_from(SUFFIXES))
def test_properties_any_bytes_read_or_give_an_input_error(prefix: bytes, body: bytes, suffix: str) -> None:
    _read_bytes(prefix + body, suffix, IngestOptions(max_line_bytes=200))


@SOME
@given(text=report_text, suffix=st.sampled_from([".txt", ".md", ".html", ".jsonl"]),
       encoding=st.sampled_from(["utf-8", "utf-16", "utf-32", "cp1252", "latin-1"]))
def test_properties_any_text_reads_or_gives_an_input_error(text: str, suffix: str, encoding: str) -> None:
    _read_bytes(text.encode(encoding, errors="replace"), suffix)


@FEW
@given(lines=st.lists(st.one_of(
    st.fixed_dictionaries({"text": report_text}),
    st.fixed_dictionaries({"html": report_text.map(lambda t: f"<html><body><p>{t}</p></body></html>")}),
    st.fixed_dictionaries({"text": report_text, "id": st.one_of(st.text(max_size=5), st.integers())},
                          optional={"published": st.text(max_size=12), "title": st.text(max_size=10)}),
    st.text(max_size=30)), max_size=6))
def test_properties_jsonl_lines_of_any_shape(lines: list[object]) -> None:
    raw = "\n".join(json.dumps(line) if not isinstance(line, str) else line for line in lines)
    _read_bytes(raw.encode("utf-8"), ".jsonl", IngestOptions(max_line_bytes=120))


@FEW
@given(body=st.binary(max_size=600), gzipped=st.booleans())
def test_properties_warc_like_bytes(body: bytes, gzipped: bool) -> None:
    head = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http; msgtype=response\r\n"
    raw = head + f"Content-Length: {len(body)}\r\n\r\n".encode() + body + b"\r\n\r\n"
    _read_bytes(gzip.compress(raw) if gzipped else raw, ".warc.gz" if gzipped else ".warc")


@SOME
@given(raw=st.binary(max_size=300))
def test_properties_decode_gives_text_or_an_input_error(raw: bytes) -> None:
    try:
        text = decode(raw, "f.txt")
    except InputError as exc:
        assert exc.path == "f.txt" and exc.reason
    else:
        assert text.strip() and "\r" not in text


@FEW
@given(text=report_text, tags=st.lists(st.sampled_from(["<div>", "</div>", "<p>", "<script>", "</script>", "<b>",
                                                          "<title>", "</title>", "<!--", "-->", "<", ">", "&amp;"]),
                                         max_size=20))
def test_properties_html_of_any_shape(text: str, tags: list[str]) -> None:
    html = "".join(tags) + text + "".join(reversed(tags))
    assert isinstance(plain_text(html), str)
    try:
        doc = html_document("p.html", html.encode("utf-8", "replace"), html)
    except InputError as exc:
        assert exc.reason
    else:
        assert doc.text.strip()


@SOME
@given(raw=st.binary(max_size=200), cap=st.integers(min_value=1, max_value=40), chunk=st.integers(1, 16))
def test_properties_capped_lines_split_as_splitlines(raw: bytes, cap: int, chunk: int) -> None:
    raw = raw.replace(b"\r", b"")  # a lone CR splits only inside a line that is kept
    expected = [(n, line if len(line) <= cap else None, len(line)) for n, line in enumerate(raw.splitlines(), 1)]
    with mock.patch("corroborator.ingest.files.CHUNK_BYTES", chunk):
        assert list(capped_lines(io.BytesIO(raw), cap)) == expected


# ---- extractors --------------------------------------------------------------------

@SOME
@given(text=report_text, most=st.integers(min_value=2, max_value=60))
def test_properties_split_text_covers_the_text(text: str, most: int) -> None:
    parts = split_text(text, most)
    assert "".join(text[a:b] for a, b in parts) == text
    assert all(b - a <= most for a, b in parts) and all(a < b for a, b in parts if text)


@SOME
@given(text=report_text)
def test_properties_clean_marks_noise_inside_the_text(text: str) -> None:
    cleaned = clean(text)
    _noise_inside(text, cleaned.noise)
    spans = sorted((s.start, s.end) for s in cleaned.noise)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


@SOME
@given(text=report_text, published=st.sampled_from([None, "2017-04-05", "2017-04", "2017"]),
       max_chars=st.integers(min_value=2, max_value=50))
def test_properties_every_extractor_keeps_its_spans_in_the_text(text: str, published: str | None,
                                                                max_chars: int) -> None:
    doc = clean_document(_doc(text, published))
    _noise_inside(text, doc.noise)
    (entities,) = document_entities(_CapitalNames(), [doc], max_chars=max_chars)
    _inside(text, entities)
    dates = extract_dates(doc)
    _inside(text, dates)
    events, event_mentions = extract_events(doc, dates)
    _inside(text, event_mentions)
    known = {m.id for m in [*dates, *event_mentions]}
    assert all(set(e.mention_ids) <= known for e in events)
    result = extract_quotes(doc, entities)
    _inside(text, [*result.mentions, *(q.mention for q in result.quotes)])
    _inside(text, [p.evidence for p in result.protected if p.evidence is not None])
    figures = extract_figures(doc, entities, dates)
    _inside(text, [f.mention for f in figures])


@SOME
@given(text=report_text, spans=st.lists(st.tuples(st.integers(0, 60), st.integers(0, 20),
                                                  st.sampled_from(["PERSON", "ORG", "GPE", "DATE", "LOC"])),
                                        max_size=8))
def test_properties_entity_mentions_from_any_spans(text: str, spans: list[tuple[int, int, str]]) -> None:
    ents = [Span(min(s, len(text)), min(s + n, len(text)), label) for s, n, label in spans]
    _inside(text, entity_mentions(_doc(text), Parsed(ents)))


@pytest.mark.slow
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=report_text)
def test_properties_real_spacy_entities_stay_in_the_text(text: str) -> None:
    (found,) = document_entities(load_pipeline(), [_doc(text)], max_chars=40)
    _inside(text, found)
