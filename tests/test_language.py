"""Language identification: a report in a language without a pipeline (French) is stored, searchable and
flagged, never run through English rules; Russian has its own pipeline (tests/test_russian_*.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator import build
from corroborator.analyze import pipeline
from corroborator.analyze.language import detect_language
from corroborator.cli import cli
from corroborator.model import Document
from corroborator.settings import DEFAULTS
from corroborator.store import open_case
from corroborator.store.search import SearchIndex

RUSSIAN = ("ГРОЗНЫЙ, 14 апреля. Силовики задержали не менее двенадцати человек после акции протеста в центре "
           "города, сообщила во вторник правозащитная организация «Мемориал». «Моего сына увезли ночью, и с тех "
           "пор мы ничего о нём не знаем», — сказала мать одного из задержанных. По словам адвокатов, задержанных "
           "удерживают без связи с родственниками. В полиции отказались комментировать сообщения о задержаниях.")
FRENCH = ("GROZNY, 14 avril. Les forces de sécurité ont arrêté au moins douze personnes après une manifestation "
          "dans le centre de la ville, a indiqué mardi l'organisation de défense des droits humains Mémorial. "
          "« Mon fils a été emmené la nuit et depuis nous ne savons rien de lui », a déclaré la mère d'un des "
          "détenus. Selon les avocats, les détenus sont gardés sans contact avec leurs proches.")
ZURICH = "Café owners in Zürich said the police arrested 12 people after the protest."
NAMES = ("Magomed Daudov, Ramzan Kadyrov's aide, told Novaya Gazeta in Grozny that Abubakar Yangulbaev and "
         "Zelimkhan Bakaev were detained by the Kadyrovtsy in Argun, Shali and Gudermes on Tuesday.")


@pytest.mark.parametrize("text", [ZURICH, NAMES, "Hello", "Zürich", "", "Grozny, Argun, Shali."])
def test_english_short_and_foreign_name_texts_stay_english(text: str) -> None:
    assert detect_language(text) == "en"


def test_russian_report_is_russian() -> None:
    assert detect_language(RUSSIAN) == "ru"
    assert detect_language(FRENCH) == "fr"


@pytest.mark.slow
def test_unsupported_language_report_is_flagged_and_nothing_is_extracted() -> None:
    doc = Document("f" * 64, "fr.txt", "f" * 64, "text/plain", FRENCH)
    ex = pipeline.analyze(doc, DEFAULTS)
    assert ex.document.language == "fr" and ex.no_extraction == "no extraction for language fr"
    assert (ex.mentions, ex.quotes, ex.figures, ex.events, ex.protected, ex.problems) == ([], [], [], [], [], [])
    assert ex.document.text == FRENCH
    # A language taken out of the supported list is flagged the same way.
    english_only = DEFAULTS.overlay({"language": {"supported": ["en"]}})
    ru = pipeline.analyze(Document("r" * 64, "ru.txt", "r" * 64, "text/plain", RUSSIAN), english_only)
    assert ru.no_extraction == "no extraction for language ru" and (ru.mentions, ru.figures) == ([], [])


@pytest.mark.slow
def test_english_fixture_is_extracted_as_before() -> None:
    doc = Document("z" * 64, "z.txt", "z" * 64, "text/plain", ZURICH)
    ex = pipeline.analyze(doc, DEFAULTS)
    assert ex.document.language == "en" and ex.no_extraction is None
    assert ex.figures  # "arrested 12 people"
    without = pipeline.analyze(doc, DEFAULTS.overlay({"stages": {"document": [
        s for s in DEFAULTS.stages.document if s != "language.lingua.v1"]}}))
    assert without.document.language is None and without.figures == ex.figures


@pytest.mark.slow
def test_unsupported_language_report_is_stored_searchable_and_reported(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "fr.txt").write_text(FRENCH, encoding="utf-8")
    (inputs / "en.txt").write_text(ZURICH, encoding="utf-8")
    summary = build([inputs], tmp_path / "case.duckdb")
    assert summary.no_extraction == [(str(inputs / "fr.txt"), "fr")] and summary.problems == []
    with open_case(tmp_path / "case.duckdb", read_only=True) as store:
        case = store.load_case()
    docs = {Path(d.path).name: d for d in case.documents}
    fr, en = docs["fr.txt"], docs["en.txt"]
    assert (fr.language, fr.no_extraction) == ("fr", "no extraction for language fr")
    assert (en.language, en.no_extraction) == ("en", None)
    assert not [m for m in case.mentions.values() if m.doc_id == fr.id]
    assert case.problems == []
    hits = SearchIndex(case).search("Mémorial").hits
    assert [h.doc_id for h in hits] == [fr.id]


@pytest.mark.slow
def test_cli_build_names_the_documents_without_extraction(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "fr.txt").write_text(FRENCH, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(inputs), "--case", str(tmp_path / "case.duckdb")])
    assert result.exit_code == 0, result.output
    assert "No extraction: 1 document(s) in a language without a pipeline (fr: 1)" in result.output
    assert f"no extraction for language fr: {inputs / 'fr.txt'}" in result.output
