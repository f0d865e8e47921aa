"""The build end to end: stage failures isolated, the export contract kept, the sample cleaned."""

from __future__ import annotations

from pathlib import Path

import pytest

from corroborator.analyze import pipeline as analyze
from corroborator.analyze import Stage
from corroborator.engines.local import BuildOptions, build
from corroborator.model import Extraction
from corroborator.settings import DEFAULTS, Settings

pytestmark = pytest.mark.slow


def _mentions_of(data: dict) -> list[dict]:
    """Every mention of every kind in an export."""
    found = [q for q in data["quotes"]] + [f for f in data["figures"]]
    found += [m for e in data["entities"] for m in e["mentions"]]
    found += [m for e in data["events"] for m in e["mentions"]]
    return found


def test_build_stage_failure_is_recorded_and_other_stages_run(corpus: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(ex: Extraction, settings: Settings) -> None:
        if "Zürich" in ex.document.text:
            raise RuntimeError("boom")

    stages = analyze.STAGES.with_stages(Stage("explode.v1", (), (), explode))
    monkeypatch.setattr(analyze, "STAGES", stages)
    settings = DEFAULTS.overlay({"stages": {"document": ["explode.v1", *DEFAULTS.stages.document]}})
    summary = build([corpus / "latin1.txt", corpus / "article.txt"], tmp_path / "c.duckdb",
                    BuildOptions(workers=1, settings=settings))
    assert summary.documents_added == 2
    assert len(summary.problems) == 1
    path, problem = summary.problems[0]
    assert path.endswith("latin1.txt") and problem == "explode.v1: RuntimeError: boom"
    # The failing document still went through the stages after the failing one.
    assert summary.counts["figures"] >= 1


def test_build_in_worker_processes_matches_in_process(corpus: Path, tmp_path: Path) -> None:
    one = build([corpus], tmp_path / "one.duckdb", BuildOptions(workers=1))
    two = build([corpus], tmp_path / "two.duckdb", BuildOptions(workers=2, batch_size=2))
    assert one.counts == two.counts
    assert one.skipped == two.skipped


def test_build_export_contract_offsets_are_exact(sample_export: dict) -> None:
    docs = {d["id"]: d for d in sample_export["documents"]}
    mentions = _mentions_of(sample_export)
    assert len(mentions) > 50
    for m in mentions:
        assert {"doc", "start", "end", "text"} <= set(m)
        assert docs[m["doc"]]["text"][m["start"]:m["end"]] == m["text"], m
    for d in docs.values():
        assert {"id", "path", "sha256", "title", "outlet", "author", "published", "text", "noise"} <= set(d)
        for n in d["noise"]:
            assert set(n) >= {"start", "end", "kind"} and 0 <= n["start"] < n["end"] <= len(d["text"])


def test_build_sample_metadata_lifted_from_text(sample_export: dict) -> None:
    by_file = {Path(d["path"]).name[:3]: d for d in sample_export["documents"]}
    assert (by_file["000"]["published"], by_file["000"]["author"]) == ("2017-06-05", "Michaela Morgan")
    assert (by_file["003"]["published"], by_file["003"]["author"]) == ("2017-08-02", "Chloe Sargeant")
    assert by_file["001"]["author"] is None and by_file["002"]["published"] is None


def test_build_sample_noise_covers_non_body_text(sample_export: dict) -> None:
    def noise_text(doc: dict) -> str:
        return "\n".join(doc["text"][n["start"]:n["end"]] for n in doc["noise"])

    by_file = {Path(d["path"]).name[:3]: d for d in sample_export["documents"]}
    assert "Photo credit should read" in noise_text(by_file["000"])
    assert "Check out the FRANCE 24 video below." in noise_text(by_file["001"])
    assert "All rights reserved" in noise_text(by_file["004"])
    assert "The names of 27 victims killed" in noise_text(by_file["003"])
    # Body sentences are never noise.
    assert "Novaya Gazeta first reported in April" not in noise_text(by_file["000"])
    assert "Thirty-six people suffered" not in noise_text(by_file["002"])


def test_build_redacted_sample_keeps_every_cited_span_exact(built_sample: Path) -> None:
    import json

    from corroborator.api import export_case

    data = json.loads(export_case(built_sample, "json", redact=True))
    docs = {d["id"]: d["text"] for d in data["documents"]}
    citations = [c for total in data["totals"].values() for c in total.get("citations", [])]
    assert citations
    for c in citations + _mentions_of(data):
        assert docs[c["doc"]][c["start"]:c["end"]] == c["text"], c
    for name in ("Azmad", "Ahmed"):
        assert name.lower() not in json.dumps(data, ensure_ascii=False).lower()


def test_a_report_twice_in_one_feed_is_one_document(tmp_path: Path) -> None:
    line = '{"text": "Police in Riverton detained 12 protesters on Monday, the centre said."}'
    other = '{"text": "Police in Eastvale detained 30 protesters on Tuesday, the centre said."}'
    (tmp_path / "feed.jsonl").write_text("\n".join([line, other, line]) + "\n", encoding="utf-8")
    summary = build([tmp_path / "feed.jsonl"], tmp_path / "case.duckdb")
    assert summary.documents_added == 2 == summary.counts["documents"]
