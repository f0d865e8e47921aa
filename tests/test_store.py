"""The case file: schema, transactions and round trips."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from corroborator.errors import CaseFileError
from corroborator.model import Document, Event, Extraction, Figure, Mention, NoiseSpan, ProtectedPerson, Quote, mention_id
from corroborator.store import SCHEMA_VERSION, open_case

TEXT = 'Police detained 40 people. "We were beaten," said Ahmed*.\n*Name changed.'


def _span(doc_id: str, kind: str, text: str, extractor: str, attrs: dict | None = None) -> Mention:
    start = TEXT.index(text)
    end = start + len(text)
    return Mention(mention_id(doc_id, kind, start, end), doc_id, start, end, kind, extractor, text, attrs or {})


def _extraction(doc_id: str = "d" * 64) -> Extraction:
    doc = Document(id=doc_id, path="a.txt", sha256=doc_id, media_type="text/plain", text=TEXT,
                   noise=(NoiseSpan(TEXT.index("*Name"), len(TEXT), "footer"),), published="2021-03-04")
    fig = _span(doc_id, "figure", "detained 40 people", "figures.rules.v1")
    quote = _span(doc_id, "quote", "We were beaten,", "quotes.rules.v1")
    name = _span(doc_id, "entity", "Ahmed", "entities.spacy.v1", {"label": "PERSON"})
    return Extraction(
        document=doc,
        mentions=[name],
        quotes=[Quote(quote, speaker_label="Ahmed", speaker_mention_id=name.id, protected=True)],
        figures=[Figure(fig, event="detained", value=40, qualifier="exact", subject="people")],
        events=[Event("ev1", doc_id, "2021-03", "month", "Police detained 40 people.", (fig.id,))],
        protected=[ProtectedPerson(doc_id, "Ahmed", ("Ahmed",), name)],
    )


def test_store_new_case_has_schema_version(tmp_path: Path) -> None:
    with open_case(tmp_path / "c.duckdb", create=True) as store:
        assert store.schema_version == SCHEMA_VERSION
        assert store.counts()["documents"] == 0


def test_store_missing_case_is_a_case_file_error(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="no such case file"):
        open_case(tmp_path / "missing.duckdb")


def test_store_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (x INTEGER)")
    con.close()
    with pytest.raises(CaseFileError, match="not a Corroborator case file"):
        open_case(path)


def test_store_garbage_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.duckdb"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(CaseFileError, match="not a readable case file"):
        open_case(path)


def test_store_round_trip_keeps_every_field(tmp_path: Path) -> None:
    ex = _extraction()
    with open_case(tmp_path / "c.duckdb", create=True) as store:
        store.add_extractions([ex])
    with open_case(tmp_path / "c.duckdb", read_only=True) as store:
        case = store.load_case()
    (doc,) = case.documents
    assert doc == ex.document
    assert case.quotes == ex.quotes and case.figures == ex.figures and case.events == ex.events
    assert case.protected[0].names == ("Ahmed",) and case.protected[0].evidence == ex.mentions[0]
    for m in case.mentions.values():
        assert doc.text[m.start:m.end] == m.text


def test_store_failed_batch_leaves_nothing_half_written(tmp_path: Path) -> None:
    good, bad = _extraction("a" * 64), _extraction("b" * 64)
    bad.figures.append(Figure(bad.figures[0].mention, event="detained", value="not a number"))  # type: ignore[arg-type]
    with open_case(tmp_path / "c.duckdb", create=True) as store:
        store.add_extractions([good])
        with pytest.raises(duckdb.Error):
            store.add_extractions([bad])
        assert store.known_document_ids() == {"a" * 64}
        assert store.counts()["figures"] == 1


def test_store_span_in_noise_finds_the_covering_span() -> None:
    from corroborator.model import span_in_noise

    noise = tuple(NoiseSpan(s, s + 10, f"k{s}") for s in range(0, 100_000, 20))
    assert span_in_noise(noise, 40_002, 40_008).kind == "k40000"
    assert span_in_noise(noise, 40_005, 40_015).kind == "k40000"  # half inside
    assert span_in_noise(noise, 40_008, 40_019) is None  # mostly outside
    assert span_in_noise(noise, 99_982, 99_985).kind == "k99980"  # the last span
    assert span_in_noise(noise, 99_990, 99_995) is None  # after it
    assert span_in_noise((), 0, 5) is None
