"""Russian quotes and speakers: constructions one by one, then a quality gate on a gold set.

The gold set (``tests/gold/ru_quotes/NN.txt`` + ``NN.json``) is short reports written in
the style of Russian news and NGO reports, annotated by hand: each quote's exact text
and who may be named as its speaker (the nominative name, the description as written,
or the label a protected witness gets; ``"null"`` when no speaker is right). Entity
mentions are built the way the NER gives them (the ``entities`` of the json, found by
exact string), so the rules are measured without a model.
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from corroborator.analyze.quotes import EXTRACTOR, QuoteResult
from corroborator.analyze.ru.quotes import extract_quotes_ru
from corroborator.model import Document, Mention, NoiseSpan, mention_id

GOLD_DIR = Path(__file__).parent / "gold" / "ru_quotes"
GOLD_FILES = sorted(GOLD_DIR.glob("[0-9][0-9].txt"))
HELD_OUT = sorted(GOLD_DIR.glob("h[0-9]*.txt"))

# Floors a little below what the rules measure on the gold set (printed by the gate): 1.0 each when set.
QUOTE_RECALL_FLOOR = 0.95
SPEAKER_FLOOR = 0.95
PRECISION_FLOOR = 0.95


def ru_doc(text: str, doc_id: str = "ru-doc") -> Document:
    """A Russian document of ``text``."""
    return Document(doc_id, f"{doc_id}.txt", "0" * 64, "text/plain", text, language="ru")


def entities_for(doc: Document, specs: list[dict]) -> list[Mention]:
    """Entity mentions as the NER gives them: every exact occurrence of each spec's text."""
    found: dict[tuple[int, int], Mention] = {}
    for spec in sorted(specs, key=lambda s: -len(s["text"])):
        for match in re.finditer(r"(?<![\w-])" + re.escape(spec["text"]) + r"(?![\w-])", doc.text):
            if any(s < match.end() and match.start() < e for s, e in found):
                continue  # a longer name already covers it
            attrs = {"label": spec["label"], "lemma": spec.get("lemma", spec["text"])}
            found[(match.start(), match.end())] = Mention(
                mention_id(doc.id, "entity", match.start(), match.end()), doc.id, match.start(), match.end(),
                "entity", "test.ner", match.group(), attrs)
    return sorted(found.values(), key=lambda m: m.start)


def run_gold(path: Path) -> tuple[Document, dict, QuoteResult]:
    """The document, its annotation and what the rules find in it."""
    gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    doc = ru_doc(path.read_text(encoding="utf-8"), path.stem)
    return doc, gold, extract_quotes_ru(doc, entities_for(doc, gold["entities"]))


def _norm(text: str | None) -> str:
    """Lower case, ё as е, single spaces."""
    return " ".join((text or "null").lower().replace("ё", "е").split())


def speaker_right(quote, accepted: list[str]) -> bool:  # noqa: ANN001
    """True when the quote's speaker label or speaker text is one the annotation accepts."""
    said = {_norm(quote.speaker_label), _norm(quote.mention.attrs.get("speaker_text"))} if quote.speaker_label \
        else {"null"}
    return bool(said & {_norm(a) for a in accepted})


def score(paths: list[Path]) -> dict[str, float]:
    """Quote recall, precision and speaker accuracy over gold files, printed per file."""
    gold_n = found_n = right_n = produced_n = 0
    for path in paths:
        doc, gold, result = run_gold(path)
        by_text = {q.mention.text: q for q in result.quotes}
        produced_n += len(result.quotes)
        misses = []
        for item in gold["quotes"]:
            gold_n += 1
            quote = by_text.get(item["text"])
            if quote is None:
                misses.append(f"missed {item['text'][:40]!r}")
                continue
            found_n += 1
            if speaker_right(quote, item["speaker"]):
                right_n += 1
            else:
                misses.append(f"speaker {quote.speaker_label!r} for {item['text'][:40]!r}")
        extra = [q.mention.text[:40] for q in result.quotes if q.mention.text not in {g["text"] for g in gold["quotes"]}]
        print(path.name, misses, "extra:", extra)
    scores = {"recall": found_n / gold_n, "precision": found_n / max(1, produced_n),
              "speaker": right_n / max(1, found_n)}
    print({k: round(v, 3) for k, v in scores.items()}, f"({gold_n} gold quotes)")
    return scores


def test_gold_set_is_big_enough_and_well_formed() -> None:
    assert len(GOLD_FILES) >= 10
    for path in GOLD_FILES:
        text = path.read_text(encoding="utf-8")
        gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        assert 80 <= len(text.split()) <= 250, path.name
        for item in gold["quotes"]:
            assert item["text"] in text, (path.name, item["text"])
        for spec in gold["entities"]:
            assert spec["text"] in text, (path.name, spec["text"])


def test_quality_gate_on_the_russian_gold_set() -> None:
    scores = score(GOLD_FILES)
    assert scores["recall"] >= QUOTE_RECALL_FLOOR
    assert scores["precision"] >= PRECISION_FLOOR
    assert scores["speaker"] >= SPEAKER_FLOOR


@pytest.mark.skipif(not HELD_OUT, reason="no held-out reports")
def test_held_out_reports_are_scored() -> None:
    """Reports written after the rules, scored and printed; the floor is below the gold set's.

    Five rounds of three, each first scored as written, before the fixes its misses led to:
    quote recall 1.0 every time; precision 0.92, 0.92, 1.0, 0.9, 1.0; speakers 0.92, 0.82, 0.92,
    1.0, 1.0.
    """
    scores = score(HELD_OUT)
    assert scores["recall"] >= 0.9 and scores["precision"] >= 0.85 and scores["speaker"] >= 0.85


def _quotes(text: str, specs: list[dict] | None = None) -> list[tuple[str, str | None]]:
    """(quoted text, speaker label) of each quote found in ``text``."""
    doc = ru_doc(text)
    result = extract_quotes_ru(doc, entities_for(doc, specs or []))
    return [(q.mention.text, q.speaker_label) for q in result.quotes]


def test_author_words_between_dashes_split_one_utterance_into_two_quotes_of_one_speaker() -> None:
    text = "«Нас держали в подвале, — рассказал Иванов. — Кормили раз в день».\n"
    assert _quotes(text, [{"text": "Иванов", "label": "PERSON"}]) == [
        ("Нас держали в подвале", "Иванов"), ("Кормили раз в день", "Иванов")]


def test_dash_introduced_direct_speech() -> None:
    text = ("Ахмед Исаев провёл в камере две недели.\n"
            "— Нас били каждый день, — сказал Исаев. — Требовали назвать имена.\n"
            "— Потом отпустили без объяснений.\n")
    specs = [{"text": "Ахмед Исаев", "label": "PERSON"}, {"text": "Исаева", "label": "PERSON", "lemma": "Исаев"},
             {"text": "Исаев", "label": "PERSON"}]
    # A quote is labelled as its attribution names the speaker; the next paragraph's with the full name.
    assert _quotes(text, specs) == [("Нас били каждый день", "Исаев"), ("Требовали назвать имена.", "Исаев"),
                                    ("Потом отпустили без объяснений.", "Ахмед Исаев")]


def test_a_quote_span_is_the_quoted_words_only() -> None:
    text = "Пресс-секретарь Петров заявил: «Все задержанные отпущены». Других комментариев не было.\n"
    doc = ru_doc(text)
    result = extract_quotes_ru(doc, entities_for(doc, [{"text": "Петров", "label": "PERSON"}]))
    (quote,) = result.quotes
    assert text[quote.mention.start: quote.mention.end] == "Все задержанные отпущены"
    assert quote.mention.kind == "quote" and quote.mention.extractor == EXTRACTOR
    assert quote.speaker_label == "Петров"
    assert quote.speaker_mention_id == mention_id(doc.id, "entity", text.index("Петров"),
                                                  text.index("Петров") + len("Петров"))


def test_nested_quotes_belong_to_the_outer_one() -> None:
    text = "«Мне сказали: „Уезжай, пока жив“. Я уехал на следующий день», — рассказала она.\n"
    assert [q for q, _ in _quotes(text)] == ["Мне сказали: „Уезжай, пока жив“. Я уехал на следующий день"]


def test_lower_quotes_and_straight_quotes() -> None:
    text = ('„Мы не получали никаких жалоб“, — сообщил Сидоров.\n'
            '"Проверка продолжается и будет доведена до конца", - добавил Сидоров.\n')
    specs = [{"text": "Сидоров", "label": "PERSON"}]
    assert _quotes(text, specs) == [("Мы не получали никаких жалоб", "Сидоров"),
                                    ("Проверка продолжается и будет доведена до конца", "Сидоров")]


def test_names_of_organisations_and_outlets_in_quotes_are_not_quotes() -> None:
    text = ("Сотрудники правозащитного центра «Мемориал» и журналисты «Новой газеты» передали доклад "
            "в «Комитет против пыток».\n«Новая газета» сообщила о задержаниях в Чечне.\n"
            "«Комитет по предотвращению пыток Чеченской Республики» обратился в прокуратуру.\n")
    assert _quotes(text) == []


def test_speaker_named_in_the_genitive_is_labelled_in_the_nominative_and_points_at_the_entity() -> None:
    text = "По словам Рамзана Кадырова, «в республике таких людей просто нет».\n"
    doc = ru_doc(text)
    ents = entities_for(doc, [{"text": "Рамзана Кадырова", "label": "PERSON", "lemma": "Рамзан Кадыров"}])
    (quote,) = extract_quotes_ru(doc, ents).quotes
    assert quote.speaker_label == "Рамзан Кадыров"
    assert quote.speaker_mention_id == ents[0].id


def test_speaker_without_a_lemma_is_put_in_the_nominative_by_morphology() -> None:
    text = "По словам Рамзана Кадырова, «в республике таких людей просто нет».\n"
    doc = ru_doc(text)
    ents = [Mention("e1", doc.id, 10, 26, "entity", "t", "Рамзана Кадырова", {"label": "PERSON"})]
    assert [q.speaker_label for q in extract_quotes_ru(doc, ents).quotes] == ["Рамзан Кадыров"]


@pytest.mark.parametrize("verb", ["сказал", "заявила", "рассказали", "сообщил", "отметила", "подчеркнул",
                                  "добавила", "пояснил", "признался", "говорит", "говорят", "рассказывает"])
def test_speech_verbs_in_every_gender_tense_and_number(verb: str) -> None:
    text = f"«Мы не знаем, где он сейчас находится», — {verb} Мовсаева.\n"
    assert _quotes(text, [{"text": "Мовсаева", "label": "PERSON"}]) == [
        ("Мы не знаем, где он сейчас находится", "Мовсаева")]


def test_introductions_before_the_quote() -> None:
    text = ("Глава МВД Чечни Руслан Алханов заявил: «Никаких задержаний не было».\n"
            "Как рассказал правозащитник Игорь Каляпин, «людей держат без всякого оформления».\n"
            "Прокурор республики сообщил, что «проверка ничего не подтвердила».\n")
    specs = [{"text": "Руслан Алханов", "label": "PERSON"}, {"text": "Игорь Каляпин", "label": "PERSON"},
             {"text": "МВД Чечни", "label": "ORG"}]
    assert _quotes(text, specs) == [("Никаких задержаний не было", "Руслан Алханов"),
                                    ("людей держат без всякого оформления", "Игорь Каляпин"),
                                    ("проверка ничего не подтвердила", "Прокурор республики")]


def test_pronouns_carry_over_to_the_last_person_of_their_gender() -> None:
    text = ("Адвокат Анна Петрова подала жалобу. Судья Олег Смирнов её отклонил.\n"
            "«Мы дойдём до Верховного суда», — сказала она.\n"
            "«Жалоба не имеет оснований», — заявил он.\n")
    specs = [{"text": "Анна Петрова", "label": "PERSON"}, {"text": "Олег Смирнов", "label": "PERSON"}]
    assert _quotes(text, specs) == [("Мы дойдём до Верховного суда", "Анна Петрова"),
                                    ("Жалоба не имеет оснований", "Олег Смирнов")]


def test_a_quote_opening_its_paragraph_takes_the_person_the_paragraph_before_introduced() -> None:
    text = ("Марьям Алиева рассказала о том, как искала сына.\n"
            "«Я обошла все отделы полиции, и везде мне говорили, что его у них нет».\n")
    assert _quotes(text, [{"text": "Марьям Алиева", "label": "PERSON"}]) == [
        ("Я обошла все отделы полиции, и везде мне говорили, что его у них нет", "Марьям Алиева")]


def test_an_interviewers_question_is_not_a_quote() -> None:
    text = ("— Вас отпустили?\n"
            "— Через две недели отдали родственникам, — ответил собеседник.\n")
    assert [q for q, _ in _quotes(text)] == ["Через две недели отдали родственникам"]


def test_an_office_speaks_in_the_impersonal_plural() -> None:
    text = "«Сообщения о задержаниях не соответствуют действительности», — сообщили «Интерфаксу» в пресс-службе МВД.\n"
    doc = ru_doc(text)
    result = extract_quotes_ru(doc, entities_for(doc, [{"text": "МВД", "label": "ORG"},
                                                       {"text": "Интерфаксу", "label": "ORG", "lemma": "Интерфакс"}]))
    assert [q.speaker_label for q in result.quotes] == ["пресс-служба МВД"]
    assert result.protected == []


def test_short_words_in_quotes_need_a_speech_verb() -> None:
    text = ("Кадыров назвал публикацию «провокацией». Жители называют это место «подвалом».\n"
            "Операция получила название «Чистка».\n")
    found = _quotes(text, [{"text": "Кадыров", "label": "PERSON"}])
    assert ("провокацией", "Кадыров") in found
    assert all(q != "Чистка" for q, _ in found)


def test_the_result_carries_speaker_mentions_for_descriptions() -> None:
    text = "«Нас было человек тридцать в одной комнате», — рассказал один из задержанных.\n"
    doc = ru_doc(text)
    result = extract_quotes_ru(doc, [])
    (quote,) = result.quotes
    speaker = next(m for m in result.mentions if m.id == quote.speaker_mention_id)
    assert speaker.text == "один из задержанных" and speaker.kind == "speaker"
    assert quote.protected and quote.speaker_label == "anonymous witness 1"


def test_an_empty_or_quote_free_document() -> None:
    assert extract_quotes_ru(ru_doc(""), []).quotes == []
    assert extract_quotes_ru(ru_doc("В Грозном прошёл митинг.\n"), []).quotes == []


def test_the_outlet_that_reports_a_quote_is_not_its_speaker() -> None:
    text = "«Мы не отступим», — сказал Кадыров, передаёт «Интерфакс».\n"
    doc = ru_doc(text)
    ents = entities_for(doc, [{"text": "Кадыров", "label": "PERSON"}, {"text": "Интерфакс", "label": "ORG"}])
    (quote,) = extract_quotes_ru(doc, ents).quotes
    assert (quote.speaker_label, quote.reported_by) == ("Кадыров", "Интерфакс")


def test_a_comma_then_the_speech_verb_attributes_without_a_dash_but_a_name_in_quotes_does_not_speak() -> None:
    text = "«Людей забирают по ночам», сказал Петров. «Мемориал» сообщил о новых задержаниях.\n"
    assert _quotes(text, [{"text": "Петров", "label": "PERSON"}]) == [("Людей забирают по ночам", "Петров")]


def test_author_words_without_a_speech_verb_follow_the_punctuation_rule() -> None:
    text = ("— Это неправда, — уверен адвокат Сергей Ким. — Доказательств нет.\n"
            "«Мы ничего не знаем», — разводит руками сотрудник полиции.\n")
    assert _quotes(text, [{"text": "Сергей Ким", "label": "PERSON"}]) == [
        ("Это неправда", "Сергей Ким"), ("Доказательств нет.", "Сергей Ким"),
        ("Мы ничего не знаем", "сотрудник полиции")]


@pytest.mark.parametrize("author", ["сообщил «Интерфаксу» источник в силовых структурах",
                                    "сообщил РИА Новости источник в силовых структурах",
                                    "рассказал в интервью Би-би-си источник в силовых структурах"])
def test_an_outlet_that_is_told_is_not_the_speaker(author: str) -> None:
    text = f"«Списки составляли заранее», — {author}.\n"
    specs = [{"text": "Интерфаксу", "label": "ORG", "lemma": "Интерфакс"}, {"text": "РИА Новости", "label": "ORG"},
             {"text": "Би-би-си", "label": "ORG"}]
    (quote,) = extract_quotes_ru(ru_doc(text), entities_for(ru_doc(text), specs)).quotes
    assert quote.mention.attrs["speaker_text"] == "источник в силовых структурах"


def test_a_quoting_outlet_passes_on_the_words_of_the_person_it_names() -> None:
    text = "«Мы наведём порядок», — цитирует Кадырова ТАСС.\nКак пояснили «Коммерсанту» в МВД, «проверка ещё идёт».\n"
    specs = [{"text": "Кадырова", "label": "PERSON", "lemma": "Рамзан Кадыров"}, {"text": "ТАСС", "label": "ORG"},
             {"text": "МВД", "label": "ORG"}, {"text": "Коммерсанту", "label": "ORG", "lemma": "Коммерсантъ"}]
    assert _quotes(text, specs) == [("Мы наведём порядок", "Рамзан Кадыров"), ("проверка ещё идёт", "МВД")]


def test_a_name_in_the_genitive_after_a_role_is_a_complement_when_the_speakers_name_follows() -> None:
    text = "«Оснований держать её в СИЗО нет», — заявил адвокат Алиевой Магомед Гаджиев.\n"
    specs = [{"text": "Алиевой", "label": "PERSON", "lemma": "Алиева"}, {"text": "Магомед Гаджиев", "label": "PERSON"}]
    assert _quotes(text, specs) == [("Оснований держать её в СИЗО нет", "Магомед Гаджиев")]


def test_the_words_an_office_passes_on_are_the_persons_it_names() -> None:
    text = ("Об этом сообщил министр внутренних дел республики Руслан Алханов.\n"
            "«Работа продолжается», — приводит слова министра пресс-служба ведомства.\n")
    assert _quotes(text, [{"text": "Руслан Алханов", "label": "PERSON"}]) == [("Работа продолжается", "Руслан Алханов")]


def test_a_second_quote_of_a_paragraph_takes_the_speaker_of_the_first() -> None:
    text = "«Мы подали жалобу», — сказал адвокат Ким. «Ответа пока нет».\n"
    assert _quotes(text, [{"text": "Ким", "label": "PERSON"}]) == [("Мы подали жалобу", "Ким"),
                                                                    ("Ответа пока нет", "Ким")]


def test_a_headline_quote_gives_no_speaker_to_the_first_paragraph() -> None:
    text = "«Нас держали в подвале»: рассказ Азмата\n«Это было в апреле», — вспоминает он.\n"
    doc = ru_doc(text)
    doc = dataclasses.replace(doc, noise=(NoiseSpan(0, text.index("\n"), "headline"),))
    result = extract_quotes_ru(doc, entities_for(doc, [{"text": "Азмата", "label": "PERSON", "lemma": "Азмат"}]))
    assert [q.mention.text for q in result.quotes] == ["Нас держали в подвале", "Это было в апреле"]
    assert result.quotes[1].speaker_label is None


def test_a_relatives_name_in_the_genitive_is_not_the_speaker_but_a_name_set_off_by_a_comma_is() -> None:
    specs = [{"text": "Азмата", "label": "PERSON", "lemma": "Азмат"}, {"text": "Хеда", "label": "PERSON"}]
    assert _quotes("«Мы не знали, куда его увезли», — говорит мать Азмата.\n", specs) == [
        ("Мы не знали, куда его увезли", "anonymous witness 1")]
    assert _quotes("«Мы не знали, куда его увезли», — говорит мать Азмата, Хеда.\n", specs) == [
        ("Мы не знали, куда его увезли", "Хеда")]


def test_a_dashed_list_is_not_direct_speech() -> None:
    text = ("Правозащитник Олег Орлов перечислил нарушения:\n"
            "— задержания без оформления документов;\n"
            "— содержание в неофициальных местах;\n"
            "— пытки электрическим током.\n")
    assert _quotes(text, [{"text": "Олег Орлов", "label": "PERSON"}]) == []


def test_a_document_that_says_something_is_its_speaker() -> None:
    text = "«Нарушений не выявлено», — отмечается в сообщении ведомства.\n"
    assert _quotes(text) == [("Нарушений не выявлено", "сообщение ведомства")]


def test_a_subjects_name_as_written_beats_a_lemma_that_reads_it_in_another_case() -> None:
    text = "«Соседи видели, как его увезли», — рассказывает его тётя Малика.\n"
    assert _quotes(text, [{"text": "Малика", "label": "PERSON", "lemma": "Малик"}]) == [
        ("Соседи видели, как его увезли", "Малика")]


def test_a_name_in_the_genitive_after_a_place_is_not_the_subjects_name() -> None:
    text = "«Его увезли ночью», — рассказала мать задержанного в Грозном Ахмеда Исаева.\n"
    specs = [{"text": "Ахмеда Исаева", "label": "PERSON", "lemma": "Ахмед Исаев"}, {"text": "Грозном", "label": "LOC"}]
    assert _quotes(text, specs) == [("Его увезли ночью", "anonymous witness 1")]


def test_a_name_in_quotes_that_labels_a_headline_is_not_a_quote() -> None:
    assert _quotes("«Кавказский узел»: в Дагестане задержан правозащитник\n") == []
    assert [q for q, _ in _quotes("«Нас держали в подвале»: рассказ бывшего задержанного\n")] == [
        "Нас держали в подвале"]


def test_a_hyphen_for_a_dash_in_wire_copy() -> None:
    text = ("- Мы не получали никаких жалоб, - сказал Сидоров. - Проверка идёт.\n"
            "- задержано 15 человек\n")
    assert _quotes(text, [{"text": "Сидоров", "label": "PERSON"}]) == [
        ("Мы не получали никаких жалоб", "Сидоров"), ("Проверка идёт.", "Сидоров")]


@pytest.mark.parametrize("path", GOLD_FILES + HELD_OUT, ids=lambda p: p.name)
def test_every_span_is_exact_and_every_speaker_mention_exists(path: Path) -> None:
    doc, gold, result = run_gold(path)
    entity_ids = {m.id for m in entities_for(doc, gold["entities"])}
    mention_ids = {m.id for m in result.mentions}
    for mention in [q.mention for q in result.quotes] + result.mentions:
        assert doc.text[mention.start: mention.end] == mention.text
    for quote in result.quotes:
        assert quote.speaker_mention_id is None or quote.speaker_mention_id in mention_ids | entity_ids
        assert quote.protected == (quote.speaker_label in {p.label for p in result.protected})
    for person in result.protected:
        assert person.evidence is not None and person.evidence.kind in ("protection", "speaker")


@pytest.mark.parametrize("text", ["«— сказал он.»\n", "«»\n", "— \n", "— , — сказал он.\n", "«„“»\n", "»«\n",
                                  "«Нас держали, — сказал он, — и» — «\n"])
def test_broken_marks_and_dashes_give_exact_spans_and_no_error(text: str) -> None:
    doc = ru_doc(text)
    result = extract_quotes_ru(doc, [])
    for mention in [q.mention for q in result.quotes] + result.mentions:
        assert mention.end > mention.start and doc.text[mention.start: mention.end] == mention.text
