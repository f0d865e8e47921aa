"""Russian entities (natasha) with nominative lemmas, the Russian pipeline dispatch, and the gold gate."""

from __future__ import annotations

import pytest

from corroborator.analyze import pipeline
from corroborator.analyze.ru.entities import entity_mentions_ru, nominative
from corroborator.model import Document, NoiseSpan, mention_id
from corroborator.settings import DEFAULTS
from tests import ru_gold

REPORT = ("В Чечне задерживают геев\n\n12 апреля 2017, 14:30\n\n"
          "По данным «Новой газеты», в конце марта в Чечне были задержаны более 100 мужчин. Не менее трёх из них "
          "погибли. Пресс-секретарь Рамзана Кадырова Альви Каримов назвал публикацию ложью. Вчера журналист "
          "Елена Милашина сообщила, что редакция получила новые свидетельства.")


@pytest.mark.parametrize(("name", "label", "lemma"), [
    ("Рамзана Кадырова", "PERSON", "Рамзан Кадыров"),
    ("Кадырова", "PERSON", "Кадыров"),
    ("Анны Кадыровой", "PERSON", "Анна Кадырова"),
    ("Владимира Колокольцева", "PERSON", "Владимир Колокольцев"),
    ("Сергей Меликов", "PERSON", "Сергей Меликов"),
    ("Сергея Цивилева", "PERSON", "Сергей Цивилев"),
    ("Новой газеты", "ORG", "Новая газета"),
    ("Верховного суда Чечни", "ORG", "Верховный суд Чечни"),
    ("Министерства внутренних дел", "ORG", "Министерство внутренних дел"),
    ("МВД", "ORG", "МВД"),
    ("Российской ЛГБТ-сети", "ORG", "Российская ЛГБТ-сеть"),
    ("Human Rights Watch", "ORG", "Human Rights Watch"),
    ("Чечне", "GPE", "Чечня"),
    ("Нижнем Новгороде", "GPE", "Нижний Новгород"),
    ("Северном Кавказе", "GPE", "Северный Кавказ"),
])
def test_nominative(name: str, label: str, lemma: str) -> None:
    assert nominative(name, label) == lemma


def test_mentions_have_the_english_contract() -> None:
    doc = Document("e" * 64, "e.txt", "e" * 64, "text/plain", REPORT, noise=(NoiseSpan(0, 24, "headline"),))
    found = entity_mentions_ru(doc)
    by_text = {m.text: m for m in found}
    assert by_text["Новой газеты"].attrs["label"] == "ORG"
    assert by_text["Новой газеты"].attrs["lemma"] == "Новая газета"
    assert by_text["Рамзана Кадырова"].attrs["label"] == "PERSON"
    assert by_text["Рамзана Кадырова"].attrs["lemma"] == "Рамзан Кадыров"
    assert by_text["Альви Каримов"].attrs["label"] == "PERSON"
    assert by_text["Елена Милашина"].attrs["lemma"] == "Елена Милашина"
    assert by_text["Чечне"].attrs["label"] == "GPE" and by_text["Чечне"].attrs["ner_label"] == "LOC"
    for m in found:
        assert m.text == doc.text[m.start:m.end] and m.kind == "entity"
        assert m.id == mention_id(doc.id, "entity", m.start, m.end)
        assert not m.text.startswith(("«", " ")) and not m.text.endswith(("»", " ", "."))
    headline = [m for m in found if m.end <= 24]
    assert headline and all(m.attrs.get("in_noise") for m in headline)
    assert not any(m.attrs.get("in_noise") for m in found if m.start > 24)


def test_a_common_word_opening_a_headline_is_no_place() -> None:
    doc = Document("e" * 64, "e.txt", "e" * 64, "text/plain",
                   "Паводок в Оренбургской области\n\nВода поднялась в Орске.")
    places = [m.text for m in entity_mentions_ru(doc) if m.attrs["label"] == "GPE"]
    assert "Паводок" not in places and {"Оренбургской области", "Орске"} <= set(places)


def test_a_regional_agency_is_one_organisation() -> None:
    doc = Document("e" * 64, "e.txt", "e" * 64, "text/plain",
                   "В МВД Ингушетии сообщили о проверке, а в МВД по Республике Дагестан промолчали. "
                   "В ГУ МВД России по Москве сообщили о задержаниях.")
    orgs = [m.text for m in entity_mentions_ru(doc) if m.attrs["label"] == "ORG"]
    assert orgs == ["МВД Ингушетии", "МВД по Республике Дагестан", "ГУ МВД России по Москве"]


@pytest.mark.slow
def test_a_russian_report_runs_the_russian_pipeline() -> None:
    doc = Document("r" * 64, "ru.txt", "r" * 64, "text/plain", REPORT)
    ex = pipeline.analyze(doc, DEFAULTS)
    assert ex.document.language == "ru" and ex.no_extraction is None and ex.problems == []
    assert ex.document.published == "2017-04-12"  # the header line, not the English cleaner
    assert any(n.kind == "dateline" for n in ex.document.noise)
    entities = {m.text: m.attrs["lemma"] for m in ex.mentions if m.kind == "entity"}
    assert entities["Рамзана Кадырова"] == "Рамзан Кадыров"
    dates = {m.text: m.attrs["value"] for m in ex.mentions if m.kind == "date"}
    assert dates["марта"] == "2017-03" and dates["Вчера"] == "2017-04-11"
    figures = {(f.event, f.value, f.qualifier) for f in ex.figures}
    assert figures == {("detained", 100, "more_than"), ("killed", 3, "at_least")}
    assert [f.attributed_to for f in ex.figures if f.event == "detained"] == ["Новая газета"]
    assert ex.events and {e.date for e in ex.events} >= {"2017-03", "2017-04-11"}
    # English quote rules never run on a Russian text.
    assert ex.quotes == [] and not [m for m in ex.mentions if m.kind not in ("entity", "date", "event")]


@pytest.mark.slow
def test_a_batch_mixing_languages_gives_what_each_alone_gives() -> None:
    ru = Document("r" * 64, "ru.txt", "r" * 64, "text/plain", REPORT)
    en = Document("z" * 64, "en.txt", "z" * 64, "text/plain",
                  "Police in Grozny arrested 12 people after the protest, Novaya Gazeta reported on Tuesday.")
    both = pipeline.analyze_batch([en, ru], DEFAULTS)
    for ex, doc in zip(both, (en, ru)):
        alone = pipeline.analyze(doc, DEFAULTS)
        assert [m.id for m in ex.mentions] == [m.id for m in alone.mentions]
        assert ex.figures == alone.figures and ex.quotes == alone.quotes
    assert both[0].document.language == "en" and both[0].figures


def test_gold_quality_gate() -> None:
    score = ru_gold.score_entities()
    print(score.line())
    # Measured: precision 0.97 (74/76), recall 0.95 (74/78), every lemma right.
    assert score.precision >= 0.9 and score.recall >= 0.9
    assert score.rate("lemma") >= 0.95


def test_the_issue_paragraph_has_no_junk_entities() -> None:
    """The issue's complaint: the English pipeline made a person of a clause and an entity of "Пресс"."""
    text = ("Более 100 человек задержаны в Чечне по подозрению в гомосексуальности, сообщила «Новая газета». "
            "Пресс-секретарь главы республики Альви Каримов назвал эти сведения ложью. Глава Чечни Рамзан Кадыров "
            "встретился с Владимиром Путиным. Human Rights Watch призвала провести расследование.")
    doc = Document("e" * 64, "e.txt", "e" * 64, "text/plain", text)
    found = {(m.text, m.attrs["label"], m.attrs["lemma"]) for m in entity_mentions_ru(doc)}
    assert found == {("Чечне", "GPE", "Чечня"), ("Новая газета", "ORG", "Новая газета"),
                     ("Альви Каримов", "PERSON", "Альви Каримов"), ("Чечни", "GPE", "Чечня"),
                     ("Рамзан Кадыров", "PERSON", "Рамзан Кадыров"), ("Владимиром Путиным", "PERSON", "Владимир Путин"),
                     ("Human Rights Watch", "ORG", "Human Rights Watch")}
