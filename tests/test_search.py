"""Full-text search: BM25 ranking, stemming, snippets as plain pieces, redacted indexes."""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborator.model import Case, Document, Mention, Quote
from corroborator.store.search import SearchIndex, snippet
from corroborator.store import open_case
from tests.webcase import build_case


def _doc(doc_id: str, text: str, title: str = "") -> Document:
    return Document(doc_id, f"{doc_id}.txt", doc_id, "text/plain", text, title=title or doc_id)


def _index(*docs: Document, quotes: tuple[Quote, ...] = ()) -> SearchIndex:
    return SearchIndex(Case(documents=list(docs), quotes=list(quotes)))


def test_search_ranks_by_bm25_and_stems_words() -> None:
    index = _index(_doc("one", "Police detained three men. Later they detained two more and kept detaining people."),
                   _doc("two", "The market reopened on Monday. One man was detained."),
                   _doc("three", "Floods hit the valley."))
    results = index.search("detaining")
    assert [h.id for h in results.hits] == ["one", "two"] and results.total == 2
    assert results.hits[0].score > results.hits[1].score


def test_search_snippet_marks_hits_and_keeps_markup_as_text() -> None:
    text = "Intro words here. <script>alert(1)</script> Soldiers detained 40 people in Argun on Monday."
    index = _index(_doc("d", text))
    (hit,) = index.search("detained Argun").hits
    marked = [piece for piece, is_hit in hit.snippet if is_hit]
    assert marked == ["detained", "Argun"]
    joined = "".join(piece for piece, _ in hit.snippet)
    assert "<script>alert(1)</script>" in joined  # plain text: the template escapes it
    assert "Soldiers detained 40" in joined


def test_search_finds_digits_titles_and_other_scripts() -> None:
    index = _index(_doc("ru", "Кадыров заявил, что задержаны 56 человек.", title="Отчёт"),
                   _doc("en", "Nothing to see.", title="Grozny arrests"))
    assert [h.id for h in index.search("56").hits] == ["ru"]
    assert [h.id for h in index.search("кадыров").hits] == ["ru"]
    assert [h.id for h in index.search("grozny").hits] == ["en"]


def test_search_quotes_scope_and_paging() -> None:
    doc = _doc("d", 'He said: "We were beaten every night." Then: "We were beaten again."')
    quotes = []
    for words in ("We were beaten every night.", "We were beaten again."):
        start = doc.text.index(words)
        quotes.append(Quote(Mention(f"q{start}", "d", start, start + len(words), "quote", "t", words),
                            speaker_label="Azmad"))
    index = _index(doc, quotes=tuple(quotes))
    assert {h.kind for h in index.search("beaten").hits} == {"document", "quote"}
    only = index.search("beaten", scope="quotes", limit=1)
    assert only.total == 2 and len(only.hits) == 1 and only.hits[0].kind == "quote"
    assert only.hits[0].speaker == "Azmad" and only.hits[0].start >= doc.text.index('"We')
    second = index.search("beaten", scope="quotes", limit=1, offset=1)
    assert second.hits[0].id != only.hits[0].id
    assert index.search("azmad", scope="quotes").total == 2  # the speaker is indexed too


def test_search_edge_cases() -> None:
    index = _index(_doc("d", "Some text."))
    assert index.search("   ").hits == [] and index.search("the").total == 0
    assert index.search("'; DROP TABLE docs; --").total == 0
    with pytest.raises(ValueError, match="unknown search scope"):
        index.search("text", scope="people")
    assert _index().search("anything").total == 0


def test_search_redacted_index_cannot_find_protected_names(tmp_path: Path) -> None:
    from corroborator.outputs.redact import redact_case

    build_case(tmp_path / "c.duckdb")
    with open_case(tmp_path / "c.duckdb", read_only=True) as store:
        case = store.load_case()
    assert SearchIndex(case).search("Karim").total >= 1
    redacted = SearchIndex(redact_case(case))
    assert redacted.search("Karim").total == 0
    hits = redacted.search("student").hits
    assert hits and all("Karim" not in piece for h in hits for piece, _ in h.snippet)


def test_search_snippet_window_prefers_the_densest_stretch() -> None:
    text = "alpha " * 80 + "detained here " + "beta " * 80 + "detained detained detained " + "gamma " * 80
    pieces, start = snippet(text, ["detain"], width=120)
    assert sum(1 for _, hit in pieces if hit) == 3 and start > 400
    assert pieces[0] == ("…", False) and pieces[-1] == ("…", False)
