"""Russian words for the quote rules: speech verbs, speaker nouns and name forms (pymorphy3).

Speech verbs are known by lemma, so every tense, gender, number and aspect counts
("сказала", "говорят", "рассказывает"). Names are put in the nominative ("Рамзана
Кадырова" is "Рамзан Кадыров") and a pseudonym's case forms are generated from its
lexeme. Works on the normalised text (offsets are those of ``Document.text``).
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pymorphy3

from corroborator.model import Mention

logger = logging.getLogger(__name__)

_W = str.split
#: Lemmas (ё written е) of the verbs that attribute speech: every tense, gender and aspect.
SPEECH_LEMMAS = frozenset(_W(
    "сказать говорить заявить заявлять рассказать рассказывать сообщить сообщать отметить отмечать "
    "подчеркнуть подчеркивать добавить добавлять пояснить пояснять признаться признаваться утверждать "
    "уточнить уточнять ответить отвечать объяснить объяснять вспоминать вспомнить продолжить продолжать "
    "написать писать заверить заверять жаловаться пожаловаться возмутиться возмущаться передать передавать "
    "констатировать настаивать напомнить напоминать цитировать процитировать опровергнуть опровергать "
    "прокомментировать комментировать указать указывать воскликнуть спросить спрашивать предупредить "
    "предупреждать призвать призывать считать уверять говориться отмечаться сообщаться указываться "
    "подчеркиваться"))
#: Impersonal verbs whose speaker is the document they stand in: "— говорится в докладе".
DOCUMENT_LEMMAS = frozenset(_W("говориться отмечаться сообщаться указываться подчеркиваться"))
#: Verbs that call something by a short quoted word: "назвал задержания «провокацией»".
NAMING_LEMMAS = frozenset(_W("назвать называть охарактеризовать характеризовать"))
PRONOUNS = {"он": ("he", "m", False), "она": ("she", "f", False), "они": ("they", None, True),
            "я": ("i", None, False), "мы": ("we", None, True)}
#: Unnamed private people: protected when they speak without a name.
PRIVATE_LEMMAS = frozenset(_W(
    "мужчина женщина человек житель жительница задержанный задержанная пострадавший пострадавшая свидетель "
    "свидетельница очевидец очевидица собеседник собеседница родственник родственница мать отец сын дочь брат "
    "сестра жена муж друг подруга знакомый знакомая сосед соседка парень девушка юноша студент студентка "
    "пленник узник заключенный заключенная беженец беженка житель местный пациент рабочий вдова потерпевший "
    "потерпевшая освобожденный выживший герой героиня заявитель заявительница обратившийся эвакуированный "
    "погибший похищенный"))
#: Nouns that point back to the report's main interviewee: "— говорит собеседник".
ANAPHORIC_LEMMAS = frozenset(_W("собеседник собеседница герой героиня"))
ROLE_LEMMAS = frozenset(_W(
    "пресс-секретарь представитель представительница глава министр президент губернатор мэр прокурор судья "
    "адвокат юрист правозащитник правозащитница активист активистка журналист журналистка корреспондент "
    "эксперт аналитик депутат сенатор директор руководитель руководительница председатель сотрудник сотрудница "
    "следователь полицейский чиновник источник уполномоченный омбудсмен координатор врач "
    "политолог социолог спикер генпрокурор замглавы замминистра начальник командир лидер основатель "
    "редактор автор исследователь"))
GROUP_LEMMAS = frozenset(_W(
    "пресс-служба служба ведомство министерство мвд правительство администрация организация центр сеть "
    "комитет фонд прокуратура суд полиция власть власти ск фсб кремль управление издание газета агентство "
    "телеканал канал проект мемориал доклад заявление сообщение публикация релиз письмо отчет"))
#: Nouns a name in quotes follows: "организация «Мемориал»", "газета «Новая газета»".
NAMED_THINGS = GROUP_LEMMAS | frozenset(_W(
    "группа движение партия компания программа фильм книга статья операция акция кампания передача журнал "
    "сайт телеграм-канал приложение колония завод банк клуб объединение учреждение больница школа"))
_WORD = re.compile(r"[^\W\d_][\w-]*")


@functools.cache
def morph() -> pymorphy3.MorphAnalyzer:
    """The shared Russian analyser (loaded once: its dictionaries ship with pymorphy3-dicts-ru)."""
    return pymorphy3.MorphAnalyzer(lang="ru")


@functools.lru_cache(maxsize=65536)
def parses(word: str) -> tuple[pymorphy3.analyzer.Parse, ...]:
    """Every pymorphy3 parse of a word."""
    return tuple(morph().parse(word))


def yo(text: str) -> str:
    """``text`` with ё written е, as lemma lists are."""
    return text.replace("ё", "е").replace("Ё", "Е")


@functools.lru_cache(maxsize=65536)
def speech_verb(word: str) -> tuple[str, str | None, bool] | None:
    """``(lemma, gender, plural)`` when ``word`` is a form of a speech verb, else None.

    Gerunds ("добавив") count; the gender and number come from past-tense forms.
    """
    for p in parses(word.lower()):
        if p.tag.POS in ("VERB", "GRND", "INFN") and yo(p.normal_form) in SPEECH_LEMMAS:
            gender = {"masc": "m", "femn": "f"}.get(p.tag.gender or "")
            return yo(p.normal_form), gender, p.tag.number == "plur"
    return None


def lemma(word: str) -> str:
    """The first lemma of a word (ё written е)."""
    found = parses(word.lower())
    return yo(found[0].normal_form) if found else word.lower()


def cases(word: str) -> set[str]:
    """The grammatical cases a word can be in."""
    return {p.tag.case for p in parses(word.lower()) if p.tag.case}


def nominative_name(text: str, gender: str | None = None) -> str:
    """A person's name in the nominative: "Рамзана Кадырова" is "Рамзан Кадыров".

    Words that pymorphy3 knows as first names, surnames or patronymics are put in the
    nominative (of ``gender`` when given, else the first name's); other words are kept.
    """
    words = text.split()
    if gender is None:
        for word in words:
            named = [p for p in parses(word.lower()) if "Name" in p.tag]
            if named:
                gender = {"masc": "m", "femn": "f"}.get(named[0].tag.gender or "")
                break
    out = []
    for word in words:
        found = [p for p in parses(word.lower()) if {"Name", "Surn", "Patr"} & set(str(p.tag).replace(" ", ",")
                                                                                    .split(","))]
        if gender:
            found = [p for p in found if p.tag.gender == {"m": "masc", "f": "femn"}[gender]] or found
        form = found[0].inflect({"nomn", "sing"}) if found and found[0].tag.case != "nomn" else None
        new = form.word if form else word.lower() if found else word
        out.append(same_case(word, new))
    return " ".join(out)


def same_case(model: str, word: str) -> str:
    """``word`` capitalised like ``model`` (hyphenated parts too)."""
    if not model[:1].isupper():
        return word
    return "-".join(part[:1].upper() + part[1:] for part in word.split("-"))


def name_forms(name: str) -> list[str]:
    """Every singular case form of a (pseudonymous) first name or surname, the name first.

    "Азмат" gives "Азмат", "Азмата", "Азмату", "Азматом", "Азмате"; a multi-word name gives
    the forms of each word as well as the whole name. Words pymorphy3 does not know as
    names give only themselves.
    """
    forms = [name]
    for word in name.split():
        own = [p for p in parses(word.lower()) if p.tag.POS == "NOUN" and p.normal_form == word.lower()]
        # The name's own lexeme ("Зелимхан"), a first name or surname first; never another name's forms.
        known = sorted(own, key=lambda p: not {"Name", "Surn"} & grammemes(p)) or [
            p for p in parses(word.lower()) if {"Name", "Surn"} & grammemes(p)]
        if word not in forms:
            forms.append(word)
        for p in known[:1]:
            for form in p.lexeme:
                if form.tag.number != "plur":
                    spelled = same_case(word, form.word)
                    if spelled not in forms:
                        forms.append(spelled)
    return forms


def grammemes(parse: pymorphy3.analyzer.Parse) -> set[str]:
    """The grammemes of a parse, as a set of strings."""
    return set(str(parse.tag).replace(" ", ",").split(","))


def nominative_pseudonym(word: str, view: str = "") -> str:
    """A pseudonym the text shows in some case ("назвавшийся Азматом") in the nominative.

    When pymorphy3 offers several ("Луизу": Луиза or Луиз), the one ``view`` (the
    document) also writes wins.
    """
    if " " in word:
        return " ".join(nominative_pseudonym(w, view) for w in word.split())
    if any(p.tag.case == "nomn" and p.tag.number == "sing" and p.tag.POS == "NOUN" for p in parses(word.lower())):
        return word  # already the nominative ("Зелимхан", "Мадина")
    named = [p for p in parses(word.lower()) if {"Name", "Surn"} & grammemes(p)]
    if named:
        shown = [p for p in named if re.search(r"(?<!\w)" + re.escape(same_case(word, p.normal_form)) + r"(?!\w)", view)]
        return same_case(word, (shown or named)[0].normal_form)
    if word.lower().endswith("ом") and len(word) > 4:
        return word[:-2]  # an unknown masculine name in the instrumental: "Мурадом"
    return word


@dataclass(frozen=True)
class Token:
    """A word of the text with its span."""

    start: int
    end: int
    text: str

    @property
    def low(self) -> str:
        """The word in lower case."""
        return self.text.lower()


def tokens(view: str, start: int, end: int) -> list[Token]:
    """The words of ``view[start:end]``."""
    return [Token(m.start(), m.end(), m.group()) for m in _WORD.finditer(view, start, end)]


class Entities:
    """The NER mentions of a document, found by position."""

    def __init__(self, entities: Sequence[Mention]):
        self.items = sorted((m for m in entities if m.attrs.get("label")), key=lambda m: m.start)
        self.starts = [m.start for m in self.items]

    def inside(self, start: int, end: int) -> list[Mention]:
        """The mentions that lie within ``[start, end)``."""
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return [m for m in self.items[lo:hi] if m.end <= end]

    def at(self, pos: int) -> Mention | None:
        """The mention that covers ``pos``."""
        at = bisect.bisect_right(self.starts, pos) - 1
        return self.items[at] if at >= 0 and self.items[at].end > pos else None


def name_gender(name: str) -> str | None:
    """"m" or "f" for a person's name when its first name or surname tells ("Анна Петрова" is "f")."""
    for tags in ({"Name"}, {"Surn"}, {"Patr"}):
        for word in name.split():
            genders = {p.tag.gender for p in parses(word.lower()) if tags & grammemes(p)}
            if len(genders) == 1:
                return {"masc": "m", "femn": "f"}.get(genders.pop() or "")
    return None
