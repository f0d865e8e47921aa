"""Word lists (pymorphy3 lemmas, ё written е) and the tokenizer of :mod:`corroborator.analyze.ru.figures`."""

from __future__ import annotations

import re
from functools import lru_cache

from corroborator.analyze._figure_words import Sentence
from corroborator.analyze.ru._morph import parses


def _table(rows: dict[str, str]) -> dict[str, str]:
    """``{event: "lemma lemma ..."}`` as ``{lemma: event}``."""
    return {lemma: event for event, words in rows.items() for lemma in words.split()}


#: Verbs, participles and adjectives that say what happened to the counted people.
PREDICATES = _table({
    "killed": "погибнуть погибший убить убитый умереть умерший скончаться застрелить застреленный расстрелять "
              "расстрелянный казнить казненный мертвый зарезать задушить ликвидировать ликвидированный",
    "injured": "ранить раненый пострадать пострадавший травмировать травмированный покалечить искалечить",
    "hit": "госпитализировать госпитализированный",
    "detained": "задержать задержанный задерживать арестовать арестованный арестовывать схватить схваченный "
                "удерживать удерживаться содержаться посадить",
    "tortured": "пытать истязать",
    "disappeared": "пропасть пропавший похитить похищенный исчезнуть исчезнувший похищать",
    "fled": "бежать бежавший покинуть",
    "evacuated": "эвакуировать эвакуированный эвакуироваться вывезти вывезенный спасти спасенный переселить "
                 "переправить переправленный вывести выведенный",
})
#: Nouns that carry the event in a predicate ("подверглись пыткам", "получили ранения",
#: "взяты под стражу", "стали жертвами") or before the count ("гибель трёх человек").
NOUNS = _table({
    "killed": "гибель смерть жертва убийство расстрел казнь",
    "injured": "ранение травма",
    "detained": "задержание арест стража заключение",
    "tortured": "пытка истязание",
    "disappeared": "похищение исчезновение",
    "fled": "бегство",
    "evacuated": "эвакуация вывоз спасение",
})
#: Nouns before a count that make it the event's object only there: "тела пяти человек".
OBJECT_ONLY = {"тело": "killed", "останки": "killed"}
#: Events a count of one is kept for, as in English: a lone arrest is usually a suspect's.
SINGULAR_EVENTS = frozenset({"killed", "injured", "disappeared", "hit"})
#: Words after which an infinitive trigger is real: "удалось эвакуировать 40 человек".
REAL_INFINITIVE = frozenset("удаться смочь успеть помочь получиться".split())
PEOPLE = frozenset((
    "человек люди мужчина женщина ребенок дети житель жительница гражданин гражданка гей гомосексуал "
    "гомосексуалист лесбиянка трансгендер представитель активист активистка правозащитник журналист "
    "журналистка студент студентка школьник подросток участник демонстрант протестующий военный "
    "военнослужащий солдат полицейский сотрудник силовик боевик заложник пассажир беженец переселенец "
    "пленный заключенный узник задержанный пострадавший погибший раненый родственник член сторонник "
    "иностранец мигрант рабочий врач медик волонтер пенсионер девушка юноша парень мальчик девочка "
    "семья чеченец уроженец сельчанин фигурант подозреваемый обвиняемый спасатель пожарный горожанин "
    "фермер строитель шахтер моряк рыбак турист паломник верующий прихожанин зритель болельщик пациент "
    "жертва мусульманин ингуш дагестанец украинец россиянин иностранка младенец старик "
    "пропавший похищенный эвакуированный арестованный убитый мертвый бежавший мигрантка коллега "
    "оппозиционер блогер адвокат юрист корреспондент фотограф оператор депутат чиновник").split())
#: Verbs that take an event noun as their object or complement: "подверглись пыткам",
#: "получили ранения", "взяты под стражу", "стали жертвами".
SUPPORT_VERBS = frozenset("подвергнуться подвергнуть подвергать подвергаться получить получать стать взять брать "
                          "поместить заключить оказаться".split())
#: "помогла покинуть Чечню 151 человеку": helping people leave is evacuating them.
HELP_VERBS = frozenset("помочь помогать".split())
LEAVE_VERBS = frozenset("покинуть выехать уехать бежать вырваться".split())
#: "в тяжёлом состоянии": a person hurt, alive at the time of the report.
CONDITION_WORDS = frozenset("тяжелый критический крайне среднетяжелый стабильно-тяжелый".split())
AUX = frozenset("быть стать оказаться остаться являться находиться числиться считаться значиться".split())
ADVERBS = frozenset(("также уже ранее позднее позже затем потом впоследствии якобы предположительно "
                     "незаконно вероятно возможно сразу тогда еще лишь только даже всего итого "
                     "в общей сложности").split())
REPORT_VERBS = frozenset(("сообщить сообщать заявить заявлять рассказать рассказывать утверждать писать "
                          "напомнить напоминать добавить пояснить подчеркнуть указать признать объявить "
                          "подсчитать подсчитывать насчитать считать оценить оценивать полагать "
                          "передавать передать отметить отмечать подтвердить подтверждать уточнить сказать "
                          "говорить информировать опубликовать привести приводить сообщаться").split())
CUE_NOUNS = frozenset("данные слово информация сведение подсчет оценка заявление сообщение".split())
TOLL_NOUNS = frozenset("число количество счет".split())
#: "27 случаев похищений": the count is of the events the noun after these names.
CASE_NOUNS = frozenset("случай факт эпизод".split())
#: Words that make the count a part of one counted before: "среди них", "в том числе", "включая".
SUBSET_WORDS = frozenset("среди включая числе".split())
TOLL_VERBS = {"возрасти": "exact", "вырасти": "exact", "увеличиться": "exact", "достигнуть": "exact",
              "достичь": "exact", "дойти": "exact", "составить": "exact", "составлять": "exact",
              "превысить": "more_than", "превышать": "more_than", "перевалить": "more_than"}
CLAUSE_STOPS = frozenset("но однако а зато хотя если чтобы когда пока потому поскольку".split())
STOP_PUNCT = frozenset(";:.!?()[]")
NEGATIONS = frozenset({"не", "ни"})

TOKEN = re.compile(r"\d{1,3}(?:[\u00a0\u202f ]\d{3})+(?!\d)|\d+(?:[-–]\d+)?(?:[.,]\d+)?(?:-[а-яё]+)?"
                   r"|[^\W\d_]+(?:-[^\W\d_]+)*\.?(?<=тыс\.|млн\.)|[^\W\d_]+(?:-[^\W\d_]+)*|[^\w\s]")


def tokenize(text: str, start: int, end: int) -> Sentence:
    """Tokenize ``text[start:end]`` keeping offsets."""
    found = list(TOKEN.finditer(text, start, end))
    raws = [m.group() for m in found]
    return Sentence(start, end, raws, [r.lower().replace("ё", "е") for r in raws],
                    [m.start() for m in found], [m.end() for m in found])


@lru_cache(maxsize=65536)
def analysis(low: str) -> tuple[frozenset[str], frozenset[str], bool]:
    """(lemmas, parts of speech, can be an infinitive) of a lower-cased token."""
    if not low[:1].isalpha():
        return frozenset(), frozenset(), False
    found = parses(low)
    lemmas = frozenset(p.normal_form.replace("ё", "е") for p in found)
    pos = frozenset(str(p.tag.POS) for p in found)
    return lemmas, pos, bool(found) and found[0].tag.POS == "INFN"


def trigger(low: str, nouns: bool = True) -> tuple[str, str] | None:
    """(event, lemma) when the token is an event word; nouns only if ``nouns``."""
    lemmas, pos, _inf = analysis(low)
    for lemma in lemmas:
        if lemma in PREDICATES:
            return PREDICATES[lemma], lemma
        if nouns and lemma in NOUNS:
            return NOUNS[lemma], lemma
    return None


_NOT_PEOPLE_TAGS = ("Name", "Surn", "Patr", "Geox", "Orgn", "Abbr")


@lru_cache(maxsize=65536)
def is_people(low: str) -> bool:
    """Whether a token names people: a listed noun ("человек", "жителей") or any animate
    common noun ("горняков", "осуждённых" read as nouns), not a name."""
    if analysis(low)[0] & PEOPLE:
        return True
    found = parses(low) if low[:1].isalpha() else ()
    best = found[0] if found else None
    return best is not None and best.tag.POS == "NOUN" and "anim" in best.tag and \
        not any(t in best.tag for t in _NOT_PEOPLE_TAGS)


def is_noun(low: str) -> bool:
    """Whether the token's best reading is a noun."""
    found = parses(low) if low[:1].isalpha() else ()
    return bool(found) and found[0].tag.POS == "NOUN"


def is_adverb(low: str) -> bool:
    """Whether a token is one of the adverbs skipped around an event word ("также", "позднее")."""
    return low in ADVERBS or bool(analysis(low)[0] & ADVERBS)


def is_modifier(low: str) -> bool:
    """Whether a token can sit between a count and its noun ("мирных", "местных", "задержанных")."""
    found = parses(low) if low[:1].isalpha() else ()
    return bool(found) and found[0].tag.POS in ("ADJF", "PRTF") and "COMP" not in found[0].tag \
        and not is_adverb(low)


def is_finite_verb(low: str) -> bool:
    """Whether the token's best reading is a finite verb, a short participle or a short adjective (a predicate)."""
    found = parses(low) if low[:1].isalpha() else ()
    return bool(found) and found[0].tag.POS in ("VERB", "PRTS", "ADJS")
