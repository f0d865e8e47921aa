"""Export: the JSON contract, CSV tables, the Markdown digest and the dispatcher."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from corroborator.errors import ExportError
from corroborator.outputs.export import FORMATS, case_to_dict, export, to_markdown, write_csv, write_json
from corroborator.model import Document, Mention, NoiseSpan, mention_id
from tests.test_redact import DOC_A, PROTECTED_NAMES, exported_mentions, make_case

MENTION_KEYS = {"id", "doc", "start", "end", "text", "kind", "extractor"}
CONTRACT_KEYS = {"documents", "entities", "quotes", "figures", "events", "claims", "totals"}


def test_export_json_follows_the_contract():
    data = case_to_dict(make_case())
    assert CONTRACT_KEYS <= set(data)
    assert data["protected"] == 3 and data["problems"] == []
    texts = {d["id"]: d["text"] for d in data["documents"]}
    for d in data["documents"]:
        assert {"id", "path", "sha256", "title", "outlet", "author", "published", "text", "noise"} <= set(d)
        assert all(set(n) == {"start", "end", "kind"} for n in d["noise"])
    mentions = exported_mentions(data)
    assert len(mentions) == 21
    for m in mentions:
        assert MENTION_KEYS <= set(m)
        assert texts[m["doc"]][m["start"]:m["end"]] == m["text"]
    entity = data["entities"][0]
    assert set(entity) >= {"id", "name", "type", "aliases", "mentions", "protected"}
    assert entity["protected"] is True and len(entity["mentions"]) == 5
    quote = data["quotes"][0]
    assert (quote["speaker"], quote["speaker_label"], quote["protected"]) == ("person:azmad", "Azmad", True)
    assert data["quotes"][2]["reported_by"] == "CNN"
    figure = data["figures"][0]
    assert {k: figure[k] for k in ("event", "value", "qualifier", "subject", "attributed_to", "when")} == {
        "event": "detained", "value": 100, "qualifier": "more_than", "subject": "gay men",
        "attributed_to": "Novaya Gazeta", "when": "2017-04"}
    assert set(data["events"][0]) >= {"id", "date", "precision", "what", "mentions"}
    claim = data["claims"][0]
    assert set(claim) == {"id", "event", "low", "high", "figures", "independent_sources", "status", "note",
                          "copies", "review", "credibility"}
    assert claim["credibility"]["code"][0] in "ABCDEF" and 1 <= claim["credibility"]["credibility"] <= 6
    assert set(claim["figures"]) == {f["id"] for f in data["figures"]}
    assert data["totals"]["detained"]["best"] == 100
    assert json.loads(json.dumps(data)) == data


def test_export_write_json_roundtrips():
    out = io.StringIO()
    write_json(make_case(), out)
    assert json.loads(out.getvalue()) == case_to_dict(make_case())
    assert "Mélanie" in out.getvalue()  # UTF-8 text, not \u escapes


def test_export_lists_dangling_mentions_as_problems():
    case = make_case()
    case.mentions.pop(case.entities[0].mention_ids[0])
    data = case_to_dict(case)
    assert len(data["entities"][0]["mentions"]) == 4
    assert data["problems"] == [f"entity person:azmad: mention {case.entities[0].mention_ids[0]} is not in the case"]


def read_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV file as dicts."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_export_csv_writes_one_table_per_kind(tmp_path: Path):
    case = make_case()
    paths = write_csv(case, tmp_path / "tables")
    assert sorted(p.name for p in paths) == sorted(
        ["documents.csv", "entities.csv", "quotes.csv", "figures.csv", "events.csv", "dates.csv", "claims.csv",
         "noise.csv"])
    tables = {p.stem: read_csv(p) for p in paths}
    # make_case's date mentions carry no normalised value, so dates.csv holds its header only.
    assert [len(tables[k]) for k in ("documents", "entities", "quotes", "figures", "events", "dates", "claims",
                                     "noise")] == [2, 7, 5, 2, 2, 0, 1, 3]
    texts = {d.id: d.text for d in case.documents}
    for row in tables["quotes"] + tables["figures"] + tables["noise"]:
        assert texts[row["doc"]][int(row["start"]):int(row["end"])] == row["text"]
    assert tables["quotes"][2]["speaker_label"] == "Ahmed" and tables["quotes"][2]["protected"] == "true"
    assert tables["entities"][0]["mention_count"] == "5"
    assert tables["claims"][0]["figures"].split() == list(case.claims[0].figure_ids)
    assert "text" not in tables["documents"][0]


def test_export_csv_defuses_spreadsheet_formulas(tmp_path: Path):
    case = make_case()
    text = "=HYPERLINK(\"http://evil\")\n"
    doc = Document("d" * 64, "f.txt", "d" * 64, "text/plain", text, title="@SUM(A1)", noise=(NoiseSpan(0, 25, "caption"),))
    m = Mention(mention_id(doc.id, "entity", 0, 10), doc.id, 0, 10, "entity", "test", text[:10])
    case.documents.append(doc)
    case.mentions[m.id] = m
    tables = {p.stem: read_csv(p) for p in write_csv(case, tmp_path)}
    assert tables["documents"][-1]["title"] == "'@SUM(A1)"
    assert tables["noise"][-1]["text"] == "'" + text[:25]
    assert tables["documents"][-1]["chars"] == str(len(text))


def test_export_markdown_has_sections_citations_and_escapes():
    case = make_case()
    case.documents[0] = Document(DOC_A, "a.txt", DOC_A, "text/plain", case.documents[0].text,
                                 title="<script>alert(1)</script> | [x](javascript:alert(1))")
    md = to_markdown(case)
    for heading in ("# Case file", "## Totals", "## Claims", "## Figures", "## Quotes", "## Timeline",
                    "## Entities", "## Documents"):
        assert heading in md
    fig = case.figures[0].mention
    assert f"\\[{DOC_A[:12]}:{fig.start}-{fig.end}\\]" in md
    assert "> — Guillaume Mélanie" in md and "Ahmed (protected), reported by CNN" in md
    assert md.index("**2017-04**") < md.index("**2017-summer**")
    # Every markup character of case text is backslash-escaped: no tag, no link survives.
    assert not re.search(r"(?<!\\)<", md)
    assert "<script>" not in md and not re.search(r"(?<!\\)\]\(", md)
    assert "\\<script\\>alert(1)\\</script\\> \\| \\[x\\](javascript:alert(1))" in md
    assert "100–200" in md and "conflicting" in md


def test_export_unknown_format_names_the_valid_ones():
    with pytest.raises(ExportError) as info:
        export(make_case(), "xlsx", None)
    for fmt in FORMATS:
        assert fmt in str(info.value)
    with pytest.raises(ExportError, match="folder"):
        export(make_case(), "csv", None)


def test_export_returns_text_or_path(tmp_path: Path):
    case = make_case()
    assert json.loads(export(case, "json", None))["redacted"] is False
    assert export(case, "markdown", None).startswith("# Case file")
    assert export(case, "md", tmp_path) == tmp_path / "case.md"
    path = export(case, "JSON", tmp_path / "out" / "x.json")
    assert path == tmp_path / "out" / "x.json" and json.loads(path.read_text(encoding="utf-8"))["documents"]
    assert export(case, "csv", tmp_path / "csv") == tmp_path / "csv"
    assert "<!doctype html>" in export(case, "html", None)


@pytest.mark.parametrize("fmt", ["json", "csv", "md", "html"])
def test_export_redacted_output_holds_no_protected_name(tmp_path: Path, fmt: str):
    result = export(make_case(), fmt, tmp_path / fmt, redact=True)
    files = sorted(result.iterdir()) if result.is_dir() else [result]
    written = "\n".join(p.read_text(encoding="utf-8") for p in files).casefold()
    assert "witness 1" in written
    for name in PROTECTED_NAMES:
        assert name.casefold() not in written
    assert "ramzan kadyrov" in written
