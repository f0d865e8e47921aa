"""The cited briefing: every sentence carries exact spans; figures table, series and timeline."""

from __future__ import annotations

import pytest

from corroborator.outputs.briefing import build_briefing
from corroborator.consolidate import apply_consolidation, consolidate_case
from corroborator.model import Case, Mention, Quote, mention_id
from tests.test_consolidate_claims import shooting_case
from tests.test_consolidate_sample import load_sample, sample_events


@pytest.fixture(scope="module")
def sample_case() -> Case:
    case = load_sample()
    case.events = sample_events(case)
    # A witness's testimony: the briefing must never extract it.
    doc = case.documents[0]
    start = doc.text.index("At home, I didn't know")
    quote = Mention(mention_id(doc.id, "quote", start, start + 40), doc.id, start, start + 40, "quote", "quotes.test",
                    doc.text[start:start + 40])
    case.quotes.append(Quote(quote, "Azmad", None, protected=True))
    case.mentions[quote.id] = quote
    return apply_consolidation(case, consolidate_case(case))


def _check_citations(case: Case, briefing) -> None:
    texts = {d.id: d.text for d in case.documents}
    assert briefing.sentences
    for sentence in briefing.sentences:
        assert sentence.citations, sentence
        for c in sentence.citations:
            assert texts[c.doc][c.start:c.end] == c.text


def test_briefing_every_sentence_cites_exact_spans(sample_case: Case) -> None:
    briefing = build_briefing(sample_case)
    _check_citations(sample_case, briefing)
    kinds = {s.kind for s in briefing.sentences}
    assert {"total", "claim", "extract"} <= kinds
    print("\n" + briefing.to_markdown())


def test_briefing_states_the_totals_with_their_sources(sample_case: Case) -> None:
    sentences = {s.text: s for s in build_briefing(sample_case).sentences if s.kind == "total"}
    detained = sentences["At least 200 gay people were detained, according to The Russian LGBT Network."]
    assert [c.text for c in detained.citations] == ["at least 200 gay people were held"]
    assert "At least 3 men were killed, according to Novaya Gazeta." in sentences
    claims = [s.text for s in build_briefing(sample_case).sentences if s.kind == "claim"]
    assert any(t.startswith("Detained (2017-04): Novaya Gazeta (more than 100)") for t in claims)


def test_briefing_never_extracts_quotes_teasers_or_witnesses(sample_case: Case) -> None:
    briefing = build_briefing(sample_case)
    for s in briefing.sentences:
        assert "Azmad" not in s.text
        assert s.kind != "extract" or ("“" not in s.text and "\"" not in s.text)
        assert "names of 27 victims" not in s.text and "as many as 56" not in s.text


def test_briefing_figures_table_and_series(sample_case: Case) -> None:
    briefing = build_briefing(sample_case)
    rows = {r["claim"]: r for r in briefing.figures_table}
    assert set(rows) == {c.id for c in sample_case.claims}
    detained = [r for r in briefing.figures_table if r["event"] == "detained"]
    assert sorted(r["range"] for r in detained) == ["100", "200"]
    assert all(r["status"] == "single_source" and r["sources"] and r["citations"] for r in detained)
    series = [p for p in briefing.figure_series if p["event"] == "detained"]
    assert [(p["value"], p["source"]) for p in series] == [(100, "Novaya Gazeta"), (200, "The Russian LGBT Network")]
    assert briefing.timeline_series and all({"date", "reports", "what"} <= set(p) for p in briefing.timeline_series)
    markdown = briefing.to_markdown()
    assert "### Figures" in markdown and "### References" in markdown and "[1] " in markdown


def test_briefing_of_a_multi_report_incident() -> None:
    case = shooting_case()
    full = apply_consolidation(case, consolidate_case(case))
    briefing = build_briefing(full)
    _check_citations(full, briefing)
    totals = [s.text for s in briefing.sentences if s.kind == "total"]
    assert totals[0].startswith("4 people were killed") and totals[1].startswith("2 people were injured")
    # The syndicated copy is never extracted as if it were another report.
    copy_id = full.documents[2].id
    assert all(s.citations[0].doc != copy_id for s in briefing.sentences if s.kind == "extract")


def test_briefing_of_a_redacted_case_keeps_exact_spans(sample_case: Case) -> None:
    redact = pytest.importorskip("corroborator.outputs.redact")
    redacted = redact.redact_case(sample_case)
    briefing = build_briefing(redacted)
    _check_citations(redacted, briefing)
    assert "Azmad" not in briefing.to_markdown()
