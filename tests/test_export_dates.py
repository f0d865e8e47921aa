"""Export: the top-level ``dates[]`` extension (every normalised date mention).

Checked on the hand-written case of :mod:`tests.test_redact` (with normalised values
given to its date mentions) and on the bundled sample, plain and redacted.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from corroborator.outputs.export import case_to_dict, export, to_markdown
from corroborator.model import DATE_PRECISIONS, Case, Document, Entity, Mention, ProtectedPerson, Quote, mention_id
from corroborator.outputs.redact import RedactionError
from tests.test_redact import DOC_A, DOC_B, PROTECTED_NAMES, TEXT_A, TEXT_B, make_case, span

DATE_KEYS = {"id", "doc", "start", "end", "text", "value", "precision", "end_value", "in_noise"}
_VALUE = {
    "day": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "month": re.compile(r"\d{4}-(?:0[1-9]|1[0-2])"),
    "season": re.compile(r"\d{4}-(?:spring|summer|autumn|winter)"),
    "year": re.compile(r"\d{4}"),
    "range": re.compile(r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-\d{2})?)?"),
}


def well_formed(entry: dict) -> bool:
    """Whether a ``dates[]`` entry's value (and range end) has the form its precision says."""
    precision, value, end = entry["precision"], entry["value"], entry["end_value"]
    if precision not in DATE_PRECISIONS or not isinstance(value, str) or not _VALUE[precision].fullmatch(value):
        return False
    if precision == "day":
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
    if precision == "range":
        return isinstance(end, str) and _VALUE["range"].fullmatch(end) is not None and end >= value
    return end is None


def assert_dates_aligned(data: dict) -> None:
    """Every ``dates[]`` entry has the fields and points at exactly its text."""
    texts = {d["id"]: d["text"] for d in data["documents"]}
    for entry in data["dates"]:
        assert DATE_KEYS <= set(entry), entry
        assert entry["kind"] == "date"
        assert texts[entry["doc"]][entry["start"]:entry["end"]] == entry["text"], entry
        assert well_formed(entry), entry


def dated_case() -> Case:
    """make_case with its two date mentions normalised, and one date that could not be."""
    case = make_case()
    values = {"April 2017": {"value": "2017-04", "precision": "month", "in_noise": False,
                             "resolved_by": "explicit", "reference": "Azmad's report"},  # a name to redact
              "the summer of 2017": {"value": "2017-summer", "precision": "season", "in_noise": False}}
    for mid, m in list(case.mentions.items()):
        if m.kind == "date":
            case.mentions[mid] = dataclasses.replace(m, attrs=values[m.text])
    # The footer's "2017" (noise), read as a range to cover end_value.
    past = span(DOC_B, TEXT_B, "date", "2017", 1, value="2016", precision="range", end_value="2017", in_noise=True)
    unresolved = span(DOC_A, TEXT_A, "date", "April", value=None, precision="month", unresolved="no reference year",
                      partial="--04")
    case.mentions[past.id] = past
    case.mentions[unresolved.id] = unresolved
    return case


def test_export_dates_lists_every_normalised_date_mention():
    case = dated_case()
    data = case_to_dict(case)
    assert {"documents", "entities", "quotes", "figures", "events", "claims", "totals"} <= set(data)
    assert_dates_aligned(data)
    # Document order, then text order; the unresolved "April" (value None) is not a normalised date.
    assert [(d["text"], d["value"], d["precision"], d["end_value"]) for d in data["dates"]] == [
        ("April 2017", "2017-04", "month", None),
        ("the summer of 2017", "2017-summer", "season", None),
        ("2017", "2016", "range", "2017"),
    ]
    april = data["dates"][0]
    assert april["doc"] == DOC_A and april["start"] == TEXT_A.index("April 2017") and april["in_noise"] is False
    # The date mention an event points at is the same entry in dates[].
    event_dates = {m["id"] for e in data["events"] for m in e["mentions"] if m["kind"] == "date"}
    assert event_dates == {d["id"] for d in data["dates"][:2]}
    assert json.loads(json.dumps(data)) == data


def test_export_dates_in_csv_and_markdown(tmp_path: Path):
    case = dated_case()
    export(case, "csv", tmp_path / "tables")
    with (tmp_path / "tables" / "dates.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    texts = {d.id: d.text for d in case.documents}
    assert [(r["text"], r["value"], r["precision"], r["end_value"], r["in_noise"]) for r in rows] == [
        ("April 2017", "2017-04", "month", "", "false"), ("the summer of 2017", "2017-summer", "season", "", "false"),
        ("2017", "2016", "range", "2017", "true")]
    for r in rows:
        assert texts[r["doc"]][int(r["start"]):int(r["end"])] == r["text"]
    md = to_markdown(case)
    assert "## Dates" in md and "3 date mentions" in md
    april = next(m for m in case.mentions.values() if m.text == "April 2017")
    assert f"| 2017-04 | month | April 2017 |  | \\[{DOC_A[:12]}:{april.start}-{april.end}\\] |" in md
    assert "| 2016–2017 | range | 2017 | yes |" in md
    assert md.index("## Timeline") < md.index("## Dates") < md.index("## Entities")


@pytest.mark.parametrize("fmt", ["json", "csv", "md"])
def test_export_redacted_dates_stay_aligned_and_hold_no_name(tmp_path: Path, fmt: str):
    case = dated_case()
    result = export(case, fmt, tmp_path / fmt, redact=True)
    files = sorted(result.iterdir()) if result.is_dir() else [result]
    written = "\n".join(p.read_text(encoding="utf-8") for p in files)
    for name in PROTECTED_NAMES:
        assert name.casefold() not in written.casefold()
    if fmt != "json":
        assert "2017-summer" in written
        return
    data = json.loads(written)
    assert data["redacted"] is True
    assert_dates_aligned(data)
    assert [d["text"] for d in data["dates"]] == ["April 2017", "the summer of 2017", "2017"]
    april = data["dates"][0]
    # The witness's name and testimony before it became pseudonyms, so the span moved with the text.
    redacted_a = next(d["text"] for d in data["documents"] if d["id"] == april["doc"])
    assert "[Witness 1]" in redacted_a[:april["start"]]
    assert april["start"] == redacted_a.index("April 2017") != TEXT_A.index("April 2017")
    assert "[Witness 1]'s report" == april["attrs"]["reference"]
    mentions = {m["id"] for e in data["events"] for m in e["mentions"]}
    assert april["id"] in mentions  # the event still points at the remapped date


def test_export_redacted_leak_in_a_date_fails_the_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import corroborator.outputs.export as export_module

    real = export_module.redact_case

    def leaky(case: Case, **options: bool) -> Case:
        redacted = real(case, **options)
        m = next(m for m in redacted.mentions.values() if m.kind == "date" and m.attrs.get("value"))
        redacted.mentions[m.id] = dataclasses.replace(m, attrs=m.attrs | {"value": "2017-04 told by Azmad"})
        return redacted

    monkeypatch.setattr(export_module, "redact_case", leaky)
    for fmt in ("json", "csv", "md"):
        out = tmp_path / fmt
        with pytest.raises(RedactionError):
            export(dated_case(), fmt, out, redact=True)
        assert not out.exists()


def make_testimony_case() -> Case:
    """One report in which a protected witness dates his own arrest, and police date their denial."""
    doc_id = "cccc3333" * 8
    text = ('A man who uses the pseudonym Azmad told AFP: "They took me on 3 April 2017 and beat me," Azmad says.\n'
            "Police denied it on 5 April 2017.\n")
    doc = Document(doc_id, "azmad.txt", doc_id, "text/plain", text, published="2017-06-01")
    names = [span(doc_id, text, "entity", "Azmad", i, label="PERSON") for i in range(2)]
    evidence = span(doc_id, text, "protection", "uses the pseudonym Azmad")
    quote = span(doc_id, text, "quote", "They took me on 3 April 2017 and beat me,")
    dates = [span(doc_id, text, "date", "3 April 2017", value="2017-04-03", precision="day", in_noise=False),
             span(doc_id, text, "date", "5 April 2017", value="2017-04-05", precision="day", in_noise=False)]
    every = [*names, evidence, quote, *dates]
    return Case(documents=[doc], mentions={m.id: m for m in every},
                entities=[Entity("person:azmad", "Azmad", "PERSON", (), tuple(m.id for m in names), True)],
                quotes=[Quote(quote, "Azmad", names[1].id, "person:azmad", protected=True)],
                protected=[ProtectedPerson(doc_id, "Azmad", ("Azmad",), evidence)])


def test_export_redacted_keeps_dates_told_in_protected_testimony():
    # Redaction hides who the witness is, not what he said: the date he gives stays.
    case = make_testimony_case()
    assert [d["text"] for d in case_to_dict(case)["dates"]] == ["3 April 2017", "5 April 2017"]
    data = json.loads(export(case, "json", None, redact=True))
    assert_dates_aligned(data)
    assert [(d["text"], d["value"]) for d in data["dates"]] == [("3 April 2017", "2017-04-03"),
                                                                ("5 April 2017", "2017-04-05")]
    assert "Azmad" not in json.dumps(data, ensure_ascii=False)


def test_export_withheld_testimony_drops_dates_told_in_it():
    case = make_testimony_case()
    data = json.loads(export(case, "json", None, withhold_testimony=True))
    assert_dates_aligned(data)
    assert [(d["text"], d["value"]) for d in data["dates"]] == [("5 April 2017", "2017-04-05")]
    # The date keeps its machine id (one id per item, redacted or not) while its span moves.
    machine = next(m for m in case.mentions.values() if m.kind == "date" and m.text == "5 April 2017")
    assert data["dates"][0]["id"] == machine.id == mention_id(machine.doc_id, "date", machine.start, machine.end)
    assert data["redaction"]["mode"] == "testimony_withheld" and "3 April" not in json.dumps(data)


# The bundled sample, built once per session (slow: spaCy).


@pytest.mark.slow
def test_export_sample_dates(sample_export: dict):
    data = sample_export
    assert "dates" in data and len(data["dates"]) >= 5
    assert_dates_aligned(data)
    paths = {d["id"]: Path(d["path"]).name for d in data["documents"]}
    found = {(paths[d["doc"]], d["text"], d["value"], d["precision"]) for d in data["dates"]}
    # The dateline of the AFP photo caption, a full day, in two reports.
    for name in ("000_42d309905ccddbbf.txt", "003_78d1522f80f251db.txt"):
        assert (name, "June 2, 2017", "2017-06-02", "day") in found
    assert ("002_ca6433f55288dbd4.txt", "summer of 2017", "2017-summer", "season") in found
    caption = next(d for d in data["dates"] if d["text"] == "June 2, 2017")
    assert caption["in_noise"] is True
    assert {d["precision"] for d in data["dates"]} >= {"day", "month", "season", "year"}
    ids = [d["id"] for d in data["dates"]]
    assert len(ids) == len(set(ids))
    # Every date an event rests on is listed in dates[].
    event_dates = {m["id"] for e in data["events"] for m in e["mentions"] if m["kind"] == "date"}
    assert event_dates and event_dates <= set(ids)


@pytest.mark.slow
def test_export_sample_redacted_dates_follow_the_redacted_text(built_sample: Path, sample_export: dict,
                                                                tmp_path: Path):
    from corroborator.api import export_case

    data = json.loads(export_case(built_sample, "json", redact=True))
    assert data["redacted"] is True
    assert_dates_aligned(data)
    plain = Counter((d["text"], d["value"], d["precision"]) for d in sample_export["dates"])
    redacted = Counter((d["text"], d["value"], d["precision"]) for d in data["dates"])
    assert redacted and not redacted - plain  # nothing new; only dates told in testimony may go
    assert sum(redacted.values()) >= sum(plain.values()) - 2
    # Pseudonyms are longer or shorter than names: some dates after a witness's name moved.
    moved = {(d["text"], d["start"]) for d in data["dates"]} - {(d["text"], d["start"]) for d in sample_export["dates"]}
    assert moved
    export_case(built_sample, "csv", tmp_path / "tables", redact=True)
    with (tmp_path / "tables" / "dates.csv").open(encoding="utf-8", newline="") as f:
        rows = [(r["text"], int(r["start"]), int(r["end"]), r["value"]) for r in csv.DictReader(f)]
    assert rows == [(d["text"], d["start"], d["end"], d["value"]) for d in data["dates"]]
