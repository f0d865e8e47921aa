"""What researchers hold, in one case: a PDF report, a web-archive capture of two news pages,
a UTF-16 text, a Russian report and an English report on the same events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from corroborator.api import export_case
from corroborator.engines.local import BuildOptions, build
from tests.test_ingest_pdf import make_pdf
from tests.test_ingest_warc import page, write_warc

RUSSIAN = """Задержания в Чечне продолжаются

12 апреля 2017 года правозащитники сообщили, что в Чечне были задержаны более 100 мужчин. По данным «Новой газеты», не менее трёх из них погибли.

Глава Чечни Рамзан Кадыров заявил, что сообщения о задержаниях — «ложь и провокация».

Один из задержанных, попросивший не называть его имени, рассказал: «Нас держали в подвале и били каждый день».

Другой бывший задержанный, назвавшийся Азаматом (имя изменено), рассказал: «Мы не знали, выйдем ли оттуда живыми».
"""

ENGLISH = """Chechnya denies reports of detentions

Novaya Gazeta reported that more than 100 men had been detained in Chechnya, and at least three of them died.

Ramzan Kadyrov, the head of the republic, called the reports "lies and provocation".
"""

UTF16 = """Activists in Moscow said on 20 April 2017 that 40 men had fled Chechnya with their help.
Kadyrov's spokesman denied everything.
"""


def _pdf() -> bytes:
    one = "BT /F1 11 Tf 72 720 Td (Annual report on the North Caucasus) Tj ET"
    two = "BT /F1 11 Tf 72 720 Td (At least 23 people were detained in Argun in March 2017.) Tj ET"
    return make_pdf([one, two], title="North Caucasus report")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> dict:
    folder = tmp_path_factory.mktemp("mixed") / "in"
    folder.mkdir()
    (folder / "report.pdf").write_bytes(_pdf())
    captures = [("https://news.example.org/grozny", "200 OK", "text/html; charset=utf-8",
                 page("Raids in Grozny", "Grozny", published="2017-04-03T09:00:00Z"), "2017-05-01T10:00:00Z"),
                ("https://wire.example.com/argun", "200 OK", "text/html", page("Arrests in Argun", "Argun"),
                 "2017-05-02T11:30:00Z")]
    record_ids = write_warc(folder / "crawl.warc.gz", captures, gz=True)
    (folder / "activists.txt").write_bytes(UTF16.encode("utf-16"))  # with its byte-order mark
    (folder / "ru.txt").write_text(RUSSIAN, encoding="utf-8")
    (folder / "en.txt").write_text(ENGLISH, encoding="utf-8")
    case = folder.parent / "case.duckdb"
    summary = build([folder], case, BuildOptions(workers=1))
    return {"folder": folder, "case": case, "summary": summary, "records": record_ids,
            "data": json.loads(export_case(case)), "redacted": json.loads(export_case(case, redact=True))}


def _doc(data: dict, ends: str) -> dict:
    return next(d for d in data["documents"] if d["path"].split("#")[0].endswith(ends))


def test_everything_is_read_into_one_case(mixed: dict) -> None:
    data = mixed["data"]
    # Nothing is lost: the only thing not read as a report is the archive's own warcinfo record, counted.
    assert [reason for _, reason in mixed["summary"].skipped] == ["1 of 3 record(s) not read as reports: 1 warcinfo"]
    assert len(data["documents"]) == 6  # pdf, two captured pages, utf-16 text, russian, english
    assert {d["language"] for d in data["documents"]} == {"en", "ru"}
    assert "Activists in Moscow" in _doc(data, "activists.txt")["text"]


def test_pdf_pages_and_warc_records_are_exact(mixed: dict) -> None:
    data = mixed["data"]
    pdf = _doc(data, "report.pdf")
    detained = next(f for f in data["figures"] if f["doc"] == pdf["id"])
    assert (detained["event"], detained["value"], detained["page"]) == ("detained", 23, 2)
    assert pdf["text"][detained["start"]:detained["end"]] == detained["text"]
    pages = [d for d in data["documents"] if "crawl.warc.gz" in d["path"]]
    assert sorted(d["record_id"] for d in pages) == sorted(mixed["records"])
    with (mixed["folder"] / "crawl.warc.gz").open("rb") as fh:
        for d in pages:
            fh.seek(d["record_offset"])
            assert next(iter(ArchiveIterator(fh))).rec_headers.get_header("WARC-Record-ID") == d["record_id"]


def test_the_russian_report_is_read_in_russian(mixed: dict) -> None:
    data = mixed["data"]
    ru = _doc(data, "ru.txt")["id"]
    figures = {(f["event"], f["value"], f["qualifier"]) for f in data["figures"] if f["doc"] == ru}
    assert {("detained", 100, "more_than"), ("killed", 3, "at_least")} <= figures
    dates = {(d["text"], d["value"]) for d in data["dates"] if d["doc"] == ru}
    assert ("12 апреля 2017 года", "2017-04-12") in dates
    quotes = {q["text"]: q for q in data["quotes"] if q["doc"] == ru}
    said = quotes["ложь и провокация"]
    assert said["speaker_label"] in ("Рамзан Кадыров", "Глава Чечни Рамзан Кадыров")
    assert quotes["Нас держали в подвале и били каждый день"]["protected"] is True
    assert quotes["Мы не знали, выйдем ли оттуда живыми"]["protected"] is True


def test_kadyrov_is_one_entity_across_both_languages(mixed: dict) -> None:
    data = mixed["data"]
    ru, en = _doc(data, "ru.txt")["id"], _doc(data, "en.txt")["id"]
    kadyrov = [e for e in data["entities"] if any("Kadyrov" in m["text"] or "Кадыров" in m["text"]
                                                 for m in e["mentions"])]
    assert len(kadyrov) == 1
    docs = {m["doc"] for m in kadyrov[0]["mentions"]}
    assert {ru, en} <= docs


def test_the_redacted_case_hides_the_russian_witness(mixed: dict) -> None:
    plain = json.dumps(mixed["data"], ensure_ascii=False)
    text = json.dumps(mixed["redacted"], ensure_ascii=False)
    assert "Азамат" in plain
    assert "Азамат" not in text and mixed["redacted"]["redacted"] is True  # every case form: Азамат, Азаматом
    assert "Мы не знали, выйдем ли оттуда живыми" in text  # the words stay; only the identity goes
