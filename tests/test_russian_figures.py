"""Russian figures: the constructions Russian news uses, and the quality gate on the gold set."""

from __future__ import annotations

import pytest

from corroborator.analyze.ru._numbers import parse_count
from corroborator.analyze.ru.clean import russian_noise
from corroborator.analyze.ru.dates import extract_dates_ru
from corroborator.analyze.ru.figures import extract_figures_ru
from corroborator.model import Document, Figure, Mention, mention_id
from tests import ru_gold


def _doc(text: str, published: str | None = "2017-04-20") -> Document:
    return Document("f" * 64, "f.txt", "f" * 64, "text/plain", text, published=published)


def _figures(text: str, entities: tuple[Mention, ...] = ()) -> list[Figure]:
    doc = _doc(text)
    return extract_figures_ru(doc, entities, extract_dates_ru(doc))


def _entity(doc: Document, text: str, label: str, lemma: str) -> Mention:
    start = doc.text.index(text)
    end = start + len(text)
    return Mention(mention_id(doc.id, "entity", start, end), doc.id, start, end, "entity", "entities.spacy.v1",
                   text, {"label": label, "lemma": lemma})


@pytest.mark.parametrize(("words", "value"), [
    ("трое", 3), ("троих", 3), ("трёх", 3), ("пятьдесят шесть", 56), ("пятидесяти шести", 56), ("двое", 2),
    ("двухсот", 200), ("сорока", 40), ("ста двадцати трех", 123), ("тысяча двести", 1200), ("десятерых", 10),
    ("одного", 1), ("двадцать одного", 21),
])
def test_number_words_in_every_case(words: str, value: int) -> None:
    count = parse_count(words.replace("ё", "е").split(), 0)
    assert count is not None and count.value == value and count.end == len(words.split())


@pytest.mark.parametrize(("text", "expected"), [
    ("сотни", (200, "at_least")), ("десятки", (20, "at_least")), ("тысячи", (2000, "at_least")),
])
def test_vague_plurals_are_their_lowest_reading(text: str, expected: tuple[int, str]) -> None:
    count = parse_count([text], 0)
    assert count is not None and (count.value, count.qualifier) == expected and count.vague


def test_around_a_hundred_is_one_hundred_not_hundreds() -> None:
    count = parse_count(["около", "сотни"], 1)
    assert count is not None and (count.value, count.vague) == (100, False)


@pytest.mark.parametrize(("text", "event", "value", "qualifier", "span"), [
    ("В Чечне более 100 человек задержаны.", "detained", 100, "more_than", "более 100 человек задержаны"),
    ("Не менее трёх погибли.", "killed", 3, "at_least", "Не менее трёх погибли"),
    ("Силовики задержали около 40 мужчин.", "detained", 40, "about", "задержали около 40 мужчин"),
    ("По меньшей мере 56 человек были убиты.", "killed", 56, "at_least", "По меньшей мере 56 человек были убиты"),
    ("Свыше 200 жителей покинули свои дома.", "fled", 200, "more_than", "Свыше 200 жителей покинули"),
    ("До 200 человек были эвакуированы.", "evacuated", 200, "at_most", "До 200 человек были эвакуированы"),
    ("Сотни людей пропали без вести.", "disappeared", 200, "at_least", "Сотни людей пропали без вести"),
    ("Десятки задержанных подверглись пыткам.", "tortured", 20, "at_least",
     "Десятки задержанных подверглись пыткам"),
    ("Трое мужчин были похищены.", "disappeared", 3, "exact", "Трое мужчин были похищены"),
    ("Пятьдесят шесть человек ранены.", "injured", 56, "exact", "Пятьдесят шесть человек ранены"),
    ("Погибли пятьдесят шесть человек.", "killed", 56, "exact", "Погибли пятьдесят шесть человек"),
    ("Полиция задержала пятидесяти шести участников.", "detained", 56, "exact",
     "задержала пятидесяти шести участников"),
    ("В результате атаки пострадали двое.", "injured", 2, "exact", "пострадали двое"),
    ("Были эвакуированы около 9 тысяч детей.", "evacuated", 9000, "about", "эвакуированы около 9 тысяч детей"),
    ("Эвакуированы более 4 тыс. человек.", "evacuated", 4000, "more_than", "Эвакуированы более 4 тыс. человек"),
    ("Пытали по меньшей мере десятерых заключённых.", "tortured", 10, "at_least",
     "Пытали по меньшей мере десятерых заключённых"),
    ("Вывезли 250 человек.", "evacuated", 250, "exact", "Вывезли 250 человек"),
    ("Число погибших возросло до 41.", "killed", 41, "exact", "погибших возросло до 41"),
    ("Число задержанных превысило 100.", "detained", 100, "more_than", "задержанных превысило 100"),
    ("Гибель трёх человек подтвердили врачи.", "killed", 3, "exact", "Гибель трёх человек"),
    ("Под стражу взяты 12 человек.", "detained", 12, "exact", "стражу взяты 12 человек"),
    ("Пыткам подверглись не менее 15 заключённых.", "tortured", 15, "at_least",
     "Пыткам подверглись не менее 15 заключённых"),
    ("Ещё 40 получили ранения.", "injured", 40, "exact", "40 получили ранения"),
    ("Около 40 человек госпитализированы.", "injured", 40, "about", "Около 40 человек госпитализированы"),
    ("Сеть помогла покинуть Чечню 151 человеку.", "evacuated", 151, "exact", "помогла покинуть Чечню 151 человеку"),
    ("Спасатели смогли эвакуировать 64 человека.", "evacuated", 64, "exact", "эвакуировать 64 человека"),
    ("Более 100 человек, по данным правозащитников, были задержаны.", "detained", 100, "more_than",
     "Более 100 человек, по данным правозащитников, были задержаны"),
    ("В акции 50-60 человек были задержаны.", "detained", 50, "at_least", "50-60 человек были задержаны"),
    ("Задержаны 100 с лишним человек.", "detained", 100, "more_than", "Задержаны 100 с лишним человек"),
    ("Порядка 1,5 тыс. человек покинули зону бедствия.", "fled", 1500, "about", "Порядка 1,5 тыс. человек покинули"),
    ("Правозащитники насчитали 27 случаев похищений.", "disappeared", 27, "exact", "27 случаев похищений"),
    ("Ещё 12 человек числятся пропавшими без вести.", "disappeared", 12, "exact",
     "12 человек числятся пропавшими без вести"),
    ("В ходе спецоперации были ликвидированы трое боевиков.", "killed", 3, "exact", "ликвидированы трое боевиков"),
    ("Из-под завалов извлечены тела 14 человек.", "killed", 14, "exact", "тела 14 человек"),
    ("Количество пострадавших выросло до 89 человек.", "injured", 89, "exact", "пострадавших выросло до 89"),
    ("Жертвами нападения стали 12 человек.", "killed", 12, "exact", "Жертвами нападения стали 12 человек"),
    ("Известно о 12 погибших.", "killed", 12, "exact", "12 погибших"),
    ("Задержан 21 человек.", "detained", 21, "exact", "Задержан 21 человек"),
    ("Семьдесят восемь человек погибли при крушении.", "killed", 78, "exact", "Семьдесят восемь человек погибли"),
])
def test_constructions(text: str, event: str, value: int, qualifier: str, span: str) -> None:
    found = [(f.event, f.value, f.qualifier, f.mention.text) for f in _figures(text)]
    assert (event, value, qualifier, span) in found, found


@pytest.mark.parametrize("text", [
    "Трое суток они провели в подвале.",          # not people
    "Полиция не задержала 5 человек.",              # negated
    "Кадыров угрожал убить 20 человек.",            # hypothetical: an infinitive
    "До 200 человек могут быть эвакуированы.",      # hypothetical: a modal
    "За 100 рублей задержанных кормили.",           # money
    "12 апреля 2017 года задержаны активисты.",     # a date, no count
    "Погибли 3% опрошенных.",                      # not a count of people: a share
    "Сотни домов разрушены.",                       # not people
    "Ранее погибших опознали.",                     # no count
    "Среди погибших – 11 военнослужащих.",          # a subset of the killed
    "Двоих похищенных позднее отпустили.",          # said of the abducted, not a count of them
    "Одного задержанного отпустили.",               # one: only killed, injured, disappeared
])
def test_no_figure(text: str) -> None:
    assert _figures(text) == []


def test_several_events_of_one_count() -> None:
    events = {(f.event, f.value) for f in _figures("Около 40 человек были задержаны и подверглись пыткам.")}
    assert events == {("detained", 40), ("tortured", 40)}


def test_subsets_after_a_count_are_no_figures() -> None:
    found = _figures("Пострадали 15 человек, в том числе четверо детей. Погибли 334 человека, из них 186 детей.")
    assert [(f.event, f.value) for f in found] == [("injured", 15), ("killed", 334)]


def test_each_count_keeps_its_own_event() -> None:
    found = _figures("Пятеро полицейских ранены, один погиб. Погибли 2 человека и ещё 5 пропали без вести.")
    assert [(f.event, f.value) for f in found] == [("injured", 5), ("killed", 1), ("killed", 2), ("disappeared", 5)]


def test_a_circumstance_is_no_second_event() -> None:
    found = _figures("Не менее 40 человек пострадали при задержании.")
    assert [(f.event, f.value) for f in found] == [("injured", 40)]


def test_the_state_of_people_counted_before_is_no_new_figure() -> None:
    found = _figures("В больницы доставлены 13 пострадавших, один из них в тяжёлом состоянии.")
    assert [(f.event, f.value) for f in found] == [("injured", 13)]


def test_mention_text_value_span_and_subject() -> None:
    doc = _doc("По словам адвоката, задержаны более 100 мужчин.")
    (figure,) = extract_figures_ru(doc, ())
    m = figure.mention
    assert m.text == doc.text[m.start:m.end] == "задержаны более 100 мужчин"
    assert m.kind == "figure" and m.id == mention_id(doc.id, "figure", m.start, m.end)
    assert doc.text[slice(*m.attrs["value_span"])] == "100"
    assert figure.subject == "мужчин" and m.attrs["trigger"] == "задержаны"
    assert figure.attributed_to == "адвоката"


@pytest.mark.parametrize(("text", "name", "label", "lemma"), [
    ("По данным «Новой газеты», в Чечне задержаны более 100 мужчин.", "Новой газеты", "ORG", "Новая газета"),
    ("Как сообщает Интерфакс, погибли 12 человек.", "Интерфакс", "ORG", "Интерфакс"),
    ("Погибли 12 человек, сообщили в МВД.", "МВД", "ORG", "МВД"),
    ("Глава Чечни Рамзан Кадыров заявил, что задержаны 27 человек.", "Рамзан Кадыров", "PERSON", "Рамзан Кадыров"),
    ("По словам Елены Милашиной, трое погибли.", "Елены Милашиной", "PERSON", "Елена Милашина"),
])
def test_attributed_to_the_named_source_in_the_nominative(text: str, name: str, label: str, lemma: str) -> None:
    doc = _doc(text)
    (figure,) = extract_figures_ru(doc, [_entity(doc, name, label, lemma)])
    assert figure.attributed_to == lemma
    assert doc.text[slice(*figure.mention.attrs["attribution_span"])] == name


def test_a_pronoun_source_names_no_one() -> None:
    (figure,) = _figures("По его словам, задержаны 12 человек.")
    assert figure.attributed_to is None and figure.mention.attrs["attribution_span"]


def test_when_is_the_nearest_date_of_the_sentence() -> None:
    (figure,) = _figures("12 апреля 2017 года в Грозном были задержаны трое мужчин.")
    assert figure.when == "2017-04-12"


def test_gold_quality_gate() -> None:
    score = ru_gold.score_figures()
    print(score.line())
    print("\n".join(ru_gold.misses()))
    # Measured: precision 1.00 (44/44), recall 1.00; qualifier, text and source all agree.
    assert score.precision >= 0.95 and score.recall >= 0.95
    assert score.rate("qualifier") >= 0.95 and score.rate("text") >= 0.9 and score.rate("attributed_to") >= 0.9


def test_held_out_reports() -> None:
    """Three reports written after the rules (tests/gold/ru-heldout): lower floors, numbers printed."""
    folder = ru_gold.GOLD.parent / "ru-heldout"
    figures, dates, entities = (ru_gold.score_figures(folder), ru_gold.score_dates(folder),
                                ru_gold.score_entities(folder))
    print("\n".join(s.line() for s in (figures, dates, entities)))
    # Measured: figures 1.00/0.92, dates 1.00/1.00, entities 0.95/0.90 (precision/recall).
    assert figures.precision >= 0.8 and figures.recall >= 0.8
    assert dates.precision >= 0.8 and dates.recall >= 0.8 and entities.precision >= 0.8 and entities.recall >= 0.8


def test_russian_page_furniture_is_noise() -> None:
    text = ("В Грозном задержаны 12 человек.\n"
            "Фото: РИА Новости / задержаны 300 человек на акции\n"
            "Читайте также: В Москве задержали 40 человек\n"
            "Подписывайтесь на наш канал, где уже 5000 человек\n"
            "© 2017 «Новая газета». Все права защищены.\n")
    spans = russian_noise(text)
    assert [s.kind for s in spans] == ["caption", "teaser", "call_to_action", "footer"]
    assert [text[s.start:s.end].split()[0] for s in spans] == ["Фото:", "Читайте", "Подписывайтесь", "©"]
    doc = Document("f" * 64, "f.txt", "f" * 64, "text/plain", text, noise=tuple(spans))
    assert [(f.event, f.value) for f in extract_figures_ru(doc, ())] == [("detained", 12)]
