"""The store keeps every consolidated result and stage problem; outputs read them instead of recomputing."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
from pathlib import Path

import pytest

from corroborator.api import export_case, load_case
from corroborator.consolidate.duplicates import find_duplicates, original_of
from corroborator.consolidate.timeline import build_timeline
from corroborator.errors import Problem
from corroborator.model import Case, Duplicate, Origin
from corroborator.outputs import report
from corroborator.outputs.briefing import build_briefing
from corroborator.outputs.export import case_to_dict, to_markdown
from corroborator.outputs.redact import redact_case
from corroborator.outputs.report import render_report
from corroborator.store import open_case
from tests.conftest import PLAIN_ARTICLE, write_corpus
from tests.test_store import _extraction

# A second report that copies the first one and adds a line: a near-duplicate.
COPY = PLAIN_ARTICLE.replace("© 2021 Riverton Daily. All rights reserved.",
                             "The agency's full report follows later today.\n\n© 2021 Riverton Daily.")


@pytest.fixture(scope="module")
def copied_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny corpus plus a near-copy of its article, built once."""
    from corroborator.engines.local import build

    root = tmp_path_factory.mktemp("copies")
    corpus = write_corpus(root)
    (corpus / "article-copy.txt").write_text(COPY, encoding="utf-8")
    case = root / "case.duckdb"
    build([corpus], case)
    return case


_ALIKE = re.compile(r"\(\d+% alike\)")


def recomputed(case: Case) -> Case:
    """``case`` with its near-duplicates and timeline computed again, as outputs did before they were stored."""
    links = find_duplicates(case.documents)
    timeline = build_timeline(case.events, case.documents, case.mentions, original_of(links), case.claims)
    return dataclasses.replace(case, timeline=timeline, duplicates={
        link.doc_id: Duplicate(link.doc_id, link.original_id, link.similarity) for link in links})


def _old_redaction(case: Case, **options: bool) -> Case:
    """Redaction followed by the recomputation the report used to run on the redacted case."""
    return recomputed(redact_case(case, **options))


def test_load_case_returns_duplicates_provenance_timeline_and_details(copied_case: Path) -> None:
    case = load_case(copied_case, reviewed=False)
    paths = {d.id: Path(d.path).name for d in case.documents}
    (link,) = case.duplicates.values()
    assert {paths[link.doc_id], paths[link.original_id]} == {"article.txt", "article-copy.txt"}
    assert 0.5 <= link.similarity <= 1
    figures = {f.mention.id for f in case.figures}
    quotes = {q.mention.id for q in case.quotes}
    assert figures and set(case.provenance) == figures | quotes
    origin = case.provenance[next(iter(figures))]
    assert isinstance(origin, Origin) and origin.kind == "figure" and origin.doc_id in paths
    assert set(case.claim_details) == {c.id for c in case.claims}
    assert case.timeline and case.timeline == recomputed(case).timeline
    # The copy's events are told once, with two reports but one independent one.
    told_twice = [t for t in case.timeline if len(t["docs"]) == 2]
    assert told_twice and all(t["independent_reports"] == 1 for t in told_twice)


def test_report_and_briefing_from_stored_results_match_recomputation(copied_case: Path) -> None:
    case = load_case(copied_case)
    assert case.duplicates and case.timeline
    again = recomputed(case)
    assert build_briefing(case).to_dict() == build_briefing(again).to_dict()
    assert render_report(case) == render_report(again)
    assert to_markdown(case) == to_markdown(again)
    assert "copy of" in render_report(case).lower()


@pytest.mark.parametrize("withhold", [False, True])
def test_redacted_report_from_stored_results_matches_recomputation(copied_case: Path, withhold: bool,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    case = load_case(copied_case)
    assert case.protected
    new = render_report(case, redact=True, withhold_testimony=withhold)
    monkeypatch.setattr(report, "redact_case", _old_redaction)
    old = render_report(case, redact=True, withhold_testimony=withhold)
    if withhold:
        # Withheld testimony made the copies look less alike than they are: the report now
        # gives the similarity of the reports themselves, as the build measured it.
        (link,) = case.duplicates.values()
        assert f"({link.similarity:.0%} alike)" in new
        new, old = (_ALIKE.sub("(N% alike)", page) for page in (new, old))
    assert new == old


def test_sample_report_and_briefing_from_stored_results_match_recomputation(built_sample: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    case = load_case(built_sample)
    again = recomputed(case)
    assert case.timeline == again.timeline and case.duplicates == again.duplicates
    assert build_briefing(case).to_dict() == build_briefing(again).to_dict()
    assert render_report(case) == render_report(again)
    redacted = render_report(case, redact=True)
    monkeypatch.setattr(report, "redact_case", _old_redaction)
    assert redacted == render_report(case, redact=True)


def test_stage_problems_are_stored_loaded_and_exported(tmp_path: Path) -> None:
    ex = _extraction()
    doc = ex.document
    ex.problems = [Problem("quotes.rules.v1", doc.id, "ValueError", "no closing quote"),
                   "figures.rules.v1: KeyError: 'value'"]
    with open_case(tmp_path / "c.duckdb", create=True) as store:
        store.add_extractions([ex])
    case = load_case(tmp_path / "c.duckdb")
    assert case.problems == [Problem("quotes.rules.v1", doc.id, "ValueError", "no closing quote"),
                             Problem("figures.rules.v1", doc.id, "KeyError", "'value'")]
    data = json.loads(export_case(tmp_path / "c.duckdb", "json"))
    assert data["stage_problems"] == [
        {"stage": "quotes.rules.v1", "doc": doc.id, "path": "a.txt", "error": "ValueError",
         "message": "no closing quote"},
        {"stage": "figures.rules.v1", "doc": doc.id, "path": "a.txt", "error": "KeyError", "message": "'value'"}]
    assert f"document {doc.id}: quotes.rules.v1: ValueError: no closing quote" in data["problems"]
    assert case_to_dict(case)["stage_problems"] == data["stage_problems"]
    # Written again without problems, the document keeps none.
    with open_case(tmp_path / "c.duckdb") as store:
        store.add_extractions([dataclasses.replace(ex, problems=[])])
        assert store.problems() == [] and store.load_case().problems == []


def test_redacted_export_scrubs_stage_problems(tmp_path: Path) -> None:
    ex = _extraction()
    ex.problems = [Problem("quotes.rules.v1", ex.document.id, "ValueError", "cannot place Ahmed")]
    with open_case(tmp_path / "c.duckdb", create=True) as store:
        store.add_extractions([ex])
    data = json.loads(export_case(tmp_path / "c.duckdb", "json", redact=True))
    (problem,) = data["stage_problems"]
    assert "Ahmed" not in problem["message"] and problem["message"].startswith("cannot place [Witness")


#: What recomputes a consolidated result; outputs read the stored result instead.
RECOMPUTING = {"find_duplicates", "original_of", "build_timeline", "signatures", "consolidate", "consolidate_case",
               "figure_provenance", "quote_provenance", "build_claims", "compute_totals", "resolve_case_entities",
               "resolve_entities", "apply_consolidation"}


def test_outputs_import_nothing_that_recomputes_a_stored_result() -> None:
    outputs = Path(report.__file__).resolve().parent
    for path in sorted(outputs.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("corroborator.consolidate"):
                assert node.module != "corroborator.consolidate.duplicates", path.name
                assert not {a.name for a in node.names} & RECOMPUTING, (path.name, node.module)
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("corroborator.consolidate") for a in node.names), path.name
