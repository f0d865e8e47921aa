"""Pages of a PDF and the WARC record of an archived page, through the case file, the exports and redaction.

The unit tests build a case by hand; the end-to-end test builds one from a generated
two-page PDF and a generated WARC archive (the writers of ``test_ingest_pdf`` and
``test_ingest_warc``).
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator.api import export_case, load_case
from corroborator.cli import cli
from corroborator.engines.local import BuildOptions, BuildSummary, build
from corroborator.model import (
    Case,
    Document,
    Entity,
    Event,
    Figure,
    Mention,
    ProtectedPerson,
    Quote,
    mention_id,
    page_of,
)
from corroborator.outputs.export import case_to_dict, export, to_markdown
from corroborator.outputs.redact import redact, redact_case
from corroborator.outputs.report import render_report
from tests.test_ingest_pdf import _content, make_pdf
from tests.test_ingest_warc import RESPONSES, write_warc

PAGE_ONE = ("At least 23 people were killed in Eastvale, the health office said.\n"
            "Ali Ahmed (not his real name) was held for a week.\n")
PAGE_TWO = "The mayor said 400 families had fled to the school on 11 March 2021.\n"
PDF_TEXT = PAGE_ONE + "\n" + PAGE_TWO
PDF_ID = "a" * 64
WARC_ID = "b" * 64


def _mention(doc: Document, text: str, kind: str, extractor: str = "test", **attrs: object) -> Mention:
    start = doc.text.index(text)
    return Mention(mention_id(doc.id, kind, start, start + len(text)), doc.id, start, start + len(text), kind,
                   extractor, text, dict(attrs))


def _case() -> Case:
    pdf = Document(PDF_ID, "in/report.pdf", PDF_ID, "application/pdf", PDF_TEXT, title="Floods",
                   pages=(0, len(PAGE_ONE) + 1))
    page = Document(WARC_ID, "in/crawl.warc.gz#urn:uuid:1", WARC_ID, "text/html",
                    "Police detained 12 men in Argun, the group said.", url="https://wire.example.com/argun",
                    record_id="<urn:uuid:1>", record_offset=776, container_sha256="c" * 64)
    killed = _mention(pdf, "At least 23 people were killed", "figure")
    fled = _mention(pdf, "400 families had fled", "figure")
    detained = _mention(page, "detained 12 men", "figure")
    ali = _mention(pdf, "Ali Ahmed", "entity", label="PERSON")
    mayor = _mention(pdf, "mayor", "entity", label="PERSON")
    date = _mention(pdf, "11 March 2021", "date", value="2021-03-11", precision="day")
    sentence = _mention(pdf, PAGE_TWO.strip(), "event")
    quote = _mention(pdf, "400 families had fled to the school", "quote")
    evidence = _mention(pdf, "Ali Ahmed (not his real name", "protection", name="Ali Ahmed")
    mentions = {m.id: m for m in (killed, fled, detained, ali, mayor, date, sentence, quote, evidence)}
    return Case(
        documents=[pdf, page], mentions=mentions,
        entities=[Entity("person:ali", "Ali Ahmed", "PERSON", mention_ids=(ali.id,), protected=True),
                  Entity("person:mayor", "mayor", "PERSON", mention_ids=(mayor.id,))],
        quotes=[Quote(quote, speaker_label="The mayor", speaker_mention_id=mayor.id)],
        figures=[Figure(killed, "killed", 23, "at_least"), Figure(fled, "fled", 400),
                 Figure(detained, "detained", 12)],
        events=[Event("event:1", PDF_ID, "2021-03-11", "day", "families fled", (date.id, sentence.id))],
        protected=[ProtectedPerson(PDF_ID, "Ali Ahmed", ("Ali Ahmed",), evidence)],
        settings_digest="d" * 64,
    )


def _every_mention(data: dict) -> list[dict]:
    return ([m for e in data["entities"] for m in e["mentions"]] + data["quotes"] + data["figures"] + data["dates"]
            + [m for e in data["events"] for m in e["mentions"]])


def test_json_export_gives_pages_of_mentions_and_records_of_documents() -> None:
    case = _case()
    data = case_to_dict(case)
    pdf, page = data["documents"]
    assert pdf["pages"] == [0, len(PAGE_ONE) + 1] and "record_id" not in pdf
    assert "pages" not in page
    assert (page["record_id"], page["record_offset"], page["container_sha256"]) == ("<urn:uuid:1>", 776, "c" * 64)
    mentions = _every_mention(data)
    assert len(mentions) == 9
    for m in mentions:
        if m["doc"] == PDF_ID:
            assert m["page"] == page_of(case.documents[0], m["start"])
        else:
            assert "page" not in m
    pages = {m["text"]: m.get("page") for m in data["figures"]}
    assert pages == {"At least 23 people were killed": 1, "400 families had fled": 2, "detained 12 men": None}
    assert data["dates"][0]["page"] == 2 and data["entities"][0]["mentions"][0]["page"] == 1
    assert json.loads(json.dumps(data)) == data


def test_csv_markdown_and_report_name_the_page(tmp_path: Path) -> None:
    case = _case()
    docs = {d.id: d for d in case.documents}
    export(case, "csv", tmp_path / "tables")
    for name in ("figures", "quotes", "dates"):
        with (tmp_path / "tables" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        assert rows and all(r["page"] == str(page_of(docs[r["doc"]], int(r["start"])) or "") for r in rows), name
        assert any(r["page"] for r in rows), name
    with (tmp_path / "tables" / "figures.csv").open(encoding="utf-8", newline="") as f:
        assert [r["page"] for r in csv.DictReader(f)] == ["1", "2", ""]
    md = to_markdown(case)
    fled = case.figures[1].mention
    assert f"\\[{PDF_ID[:12]}:{fled.start}-{fled.end}, p. 2\\]" in md
    detained = case.figures[2].mention
    assert f"\\[{WARC_ID[:12]}:{detained.start}-{detained.end}\\]" in md
    html = render_report(case)
    # The report names a citation's document by title (else file name), page, then characters.
    assert f"“Floods”, p. 2, characters {fled.start}–{fled.end}" in html
    assert f"crawl.warc.gz#urn:uuid:1, characters {detained.start}–{detained.end}<" in html


def test_redaction_moves_pages_and_keeps_records_and_digest() -> None:
    case = _case()
    done = redact(case)
    red = done.case
    pdf, page = red.documents
    assert "Ali Ahmed" not in pdf.text and "[Witness 1]" in pdf.text
    shift = len("[Witness 1]") - len("Ali Ahmed")
    assert pdf.pages == (0, case.documents[0].pages[1] + shift)
    assert pdf.text[pdf.pages[1]:].startswith("The mayor said")
    assert (page.record_id, page.record_offset, page.container_sha256) == ("<urn:uuid:1>", 776, "c" * 64)
    assert red.settings_digest == case.settings_digest
    machine = {f.mention.text: page_of(case.documents[0], f.mention.start) for f in case.figures[:2]}
    shown = {f.mention.text: page_of(pdf, f.mention.start) for f in red.figures[:2]}
    assert shown == machine == {"At least 23 people were killed": 1, "400 families had fled": 2}
    data = json.loads(export(case, "json", redact=True))
    assert data["settings_digest"] == "d" * 64 and data["documents"][0]["pages"] == list(pdf.pages)
    assert case_to_dict(redact_case(case))["settings_digest"] == "d" * 64


def test_not_read_records_are_not_listed_as_skipped() -> None:
    line = ("crawl.warc", "2 of 4 record(s) not read as reports: 1 warcinfo, 1 request")
    summary = BuildSummary(case=Path("case.duckdb"), read=["crawl.warc"], skipped=[line, ("bad.txt", "empty file")],
                           not_read={"crawl.warc": {"warcinfo": 1, "request": 1}}, not_read_lines=[line])
    assert summary.listed_skipped == [("bad.txt", "empty file")]
    assert summary.not_read_text("crawl.warc") == "2 record(s) not read as reports (1 warcinfo, 1 request)"


# -- end to end -------------------------------------------------------------------------------------------------------

PDF_PAGES = [
    ["Floods swept through the lower town of Eastvale on Tuesday, 9 March 2021.",
     "At least 23 people were killed, the regional health office said.",
     "Ali Ahmed (not his real name) was held in Eastvale for a week.",
     "\"They beat us every night,\" Ali said."],
    ["The mayor said 400 families had fled to the school on the hill.",
     "Aid convoys reached the school on 11 March 2021, the Red Cross said."],
]


@pytest.mark.slow
def test_pdf_and_warc_build_into_one_case_with_pages_and_records(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    pdf_path, warc_path = folder / "report.pdf", folder / "crawl.warc.gz"
    pdf_path.write_bytes(make_pdf([_content([(72, 700 - 16 * i, line) for i, line in enumerate(lines)])
                                   for lines in PDF_PAGES], title="Eastvale floods"))
    record_ids = write_warc(warc_path, gz=True)
    case_path = tmp_path / "case.duckdb"

    summary = build([folder], case_path, BuildOptions(workers=1))
    assert summary.documents_added == 3 and summary.read == [str(warc_path), str(pdf_path)]
    assert summary.not_read == {str(warc_path): {"warcinfo": 1, "response image/png": 1}}
    assert summary.listed_skipped == [] and len(summary.skipped) == 1

    case = load_case(case_path, reviewed=False)
    pdf = next(d for d in case.documents if d.path == str(pdf_path))
    assert len(pdf.pages) == 2 and pdf.pages[0] == 0
    assert pdf.text[pdf.pages[1]:].startswith("The mayor said 400 families")
    figures = {f.value: f for f in case.figures if f.mention.doc_id == pdf.id}
    assert page_of(pdf, figures[23].mention.start) == 1 and page_of(pdf, figures[400].mention.start) == 2
    archived = sorted((d for d in case.documents if d.record_id), key=lambda d: d.record_offset or 0)
    assert [d.record_id for d in archived] == record_ids[:2]
    assert [d.url for d in archived] == [r[0] for r in RESPONSES[:2]]
    container = hashlib.sha256(warc_path.read_bytes()).hexdigest()
    assert all(d.container_sha256 == container and d.record_offset for d in archived)

    data = json.loads(export_case(case_path, "json"))
    docs = {d["id"]: d for d in data["documents"]}
    assert docs[pdf.id]["pages"] == list(pdf.pages)
    for d in archived:
        assert {k: docs[d.id][k] for k in ("record_id", "record_offset", "container_sha256", "url")} == {
            "record_id": d.record_id, "record_offset": d.record_offset, "container_sha256": container, "url": d.url}
        assert "pages" not in docs[d.id]
    mentions = _every_mention(data)
    on_pdf = [m for m in mentions if m["doc"] == pdf.id]
    assert on_pdf and all(m["page"] == page_of(pdf, m["start"]) for m in on_pdf)
    assert all("page" not in m for m in mentions if m["doc"] != pdf.id)
    assert {(f["value"], f["page"]) for f in data["figures"] if f["doc"] == pdf.id} == {(23, 1), (400, 2)}

    redacted = json.loads(export_case(case_path, "json", redact=True))
    shown = next(d for d in redacted["documents"] if d.get("pages"))
    assert "Ali Ahmed" not in shown["text"] and shown["pages"][1] > pdf.pages[1]
    assert shown["text"][shown["pages"][1]:].startswith("The mayor said 400 families")
    assert {(f["value"], f["page"]) for f in redacted["figures"] if f["doc"] == shown["id"]} == {(23, 1), (400, 2)}
    shown_doc = Document(shown["id"], shown["path"], shown["sha256"], shown["media_type"], shown["text"],
                         pages=tuple(shown["pages"]))
    assert all(m["page"] == page_of(shown_doc, m["start"]) for m in _every_mention(redacted) if m["doc"] == shown["id"])
    assert {d["record_id"] for d in redacted["documents"] if "record_id" in d} == set(record_ids[:2])

    # The command line says what the archive held besides its pages, not that it was skipped.
    again = CliRunner().invoke(cli, ["build", str(folder), "--case", str(case_path)])
    assert again.exit_code == 0, again.output
    assert "0 read, 2 unchanged, 0 skipped; 0 document(s) added" in again.stdout
    assert f"  {warc_path}: 2 record(s) not read as reports (1 warcinfo, 1 response image/png)" in again.stderr
    assert "skipped" not in again.stderr
