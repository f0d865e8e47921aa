"""Protected people in Russian text: anonymous and pseudonymous witnesses.

:func:`detect_cues_ru` finds what says someone is anonymous ("попросил не называть его
имени", "попросившая не называть своего имени", "пожелавший остаться неизвестным", "на
условиях анонимности", "имя героя изменено") or pseudonymous ("назвавшийся Азматом",
"под псевдонимом Азмат", "назовём его Азматом", "Азмат (имя изменено по его просьбе)",
"Азмат*" with a footnote "*Имя изменено"). A pseudonym is kept in the nominative.

:class:`RussianPeople` is the language-independent people tracker
(:class:`corroborator.analyze.protection.People`) with these cues, Russian name
matching (any grammatical case of a name is the same person) and Russian description
matching (a repeated "правозащитник" is the same person). Redaction must hide every
form of a pseudonym: :func:`protected_forms` adds the case forms ("Азмата", "Азмату").
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Sequence

from corroborator.analyze._speakers import Phrase
from corroborator.analyze.protection import People, Person, ProtectionCue
from corroborator.analyze.ru._phrases import QUANTIFIERS
from corroborator.analyze.ru._speech import (
    ANAPHORIC_LEMMAS,
    grammemes,
    lemma,
    name_forms,
    nominative_pseudonym,
    parses,
    yo,
)
from corroborator.model import Document, Mention, ProtectedPerson

logger = logging.getLogger(__name__)

__all__ = ["RussianPeople", "detect_cues_ru", "protected_forms"]

_I = re.I
_NAME = r"[«\"“]?(?-i:(?P<name>[А-ЯЁ][а-яё-]+(?:\s[А-ЯЁ][а-яё-]+)?))[»\"”]?"
_HIS = r"(?:(?:его|её|ее|их|свое|своё|своего|своей|свои|своих)\s+)?(?:(?:настоящ|подлинн|полн)\w*\s+)?"
_NAME_WORD = r"(?:имени|имя|имена|имен|имён|фамили[июяей]\w*|личност[ьи])"
_ANONYMOUS = re.compile(
    r"\b(?:попрос\w*|просил\w*|просящ\w*)\s+(?:редакцию\s+|нас\s+|журналистов\s+)?не\s+"
    r"(?:называть|указывать|публиковать|раскрывать|называть\s+в\s+\w+)\s+" + _HIS + _NAME_WORD +
    r"|\b(?:по)?жела\w*\s+(?:остаться\s+(?:неизвестн|анонимн|неназванн|инкогнито)\w*|сохранить\s+анонимность)"
    r"|\b(?:не\s+)?(?:за)?хот\w*\s+(?:называть|назвать|раскрывать|раскрыть)\s+" + _HIS + _NAME_WORD +
    r"|\b(?:не\s+)?(?:по)?жела\w*\s+(?:не\s+)?(?:называть|назвать|раскрывать|раскрыть|сообщать|публиковать)\s+"
    + _HIS + _NAME_WORD +
    r"|\bна\s+услови(?:ях|и)\s+анонимности|\bанонимно\b|\bна\s+анонимной\s+основе"
    r"|\b(?:им(?:я|ена)|фамили[яи])\s+(?:\w+\s+){0,2}изменен\w*"
    r"|\b(?:им(?:я|ена)|фамили[яи])\s+(?:\w+\s+){0,3}(?:известн\w+\s+редакции|не\s+(?:называется|раскрывается|"
    r"указывается|публикуется|раскрывается|приводится|сообщается|разглашается))"
    r"|\b(?:в\s+целях|по\s+соображениям|из\s+соображений)\s+(?:его\s+|её\s+|ее\s+|их\s+)?безопасности\s+"
    r"(?:мы\s+|редакция\s+)?не\s+(?:называем|называет|указываем|раскрываем|публикуем)", _I)
_PSEUDONYM = re.compile(
    r"\b(?:назвавш|представивш|назвал|назвала|представил|представилась|представился)\w*\s+(?:себя\s+)?(?:[а-яё]+\s+(?=как\s))?(?:как\s+)?"
    + _NAME +
    r"|\bпод\s+(?:псевдонимом|вымышленным\s+именем|именем|другим\s+именем)\s+" + _NAME.replace("name>", "name2>") +
    r"|\b(?:назов[её]м|будем\s+называть|называем|назовем)\s+(?:его|её|ее|их)\s+(?:здесь\s+)?"
    + _NAME.replace("name>", "name3>") +
    r"|\bпопрос\w*\s+называть\s+(?:его|её|ее|себя)\s+" + _NAME.replace("name>", "name4>") +
    r"|\b(?:которого|которую|которой|кого|которых)\s+(?:мы\s+|редакция\s+|«[^«»]{1,40}»\s+)?(?:называем|назовём|назовем|будем\s+называть|"
    r"называет)\s+" + _NAME.replace("name>", "name5>"), _I)
_PSEUDONYM_AFTER = re.compile(
    r"(?-i:(?P<name>[А-ЯЁ][а-яё-]+(?:\s[А-ЯЁ][а-яё-]+)?))[»\"”]?\*?\s*(?:\(\s*|,\s*(?:чь[её]\s+|у\s+которого\s+|"
    r"у\s+которой\s+)?)(?:им(?:я|ена)|фамили[яи])(?:\s+(?:которого|которой|героя|героини|собеседника|"
    r"собеседницы|изменено|изменена|изменены|по\s+\w+\s+просьбе))*\s*(?:изменен\w*)?", _I)
#: "Тимур — мы будем называть его так по его просьбе —", "Зелимхан (так попросил называть себя собеседник)".
_PSEUDONYM_SO = re.compile(
    r"(?-i:(?P<name>[А-ЯЁ][а-яё-]+))[»\"”]?\s*[—–(,]\s*(?:[^.—–()]{0,40}?\b(?:называть|назовём|назовем|называем|"
    r"зовут)\s+(?:его|её|ее|их|себя)\s+так|(?:именно\s+)?так\s+[^.—–()]{0,40}?\b(?:называть|назовём|назовем|называем)\s+"
    r"(?:его|её|ее|их|себя))", _I)
#: "его настоящее имя — Ахмед", "чьё настоящее имя Ахмед Исаев": one more name to hide if the person is protected.
_REAL_NAME = re.compile(r"\b(?:его|её|ее|их|чь[её])\s+(?:настоящ|подлинн|реальн)\w*\s+(?:имя|фамилия)\s*[—–-]?\s*"
                        + _NAME.replace("name>", "real>"), _I)
_FOOTNOTE = re.compile(r"^[ \t]*\*+[ \t]*(?:им(?:я|ена)|фамили)\S*.*$", re.M | re.I)
_STAR_NAME = re.compile(r"(?P<name>[А-ЯЁ][а-яё-]+)\*")
_INTRODUCER = frozenset("назвался назвалась назвались представился представилась представились".split())


def detect_cues_ru(view: str) -> list[ProtectionCue]:
    """Every Russian protection cue in ``view`` (the normalised text), sorted by position.

    Args:
        view: ``corroborator.text.normalized(doc.text)``; offsets are those of the text.

    Returns:
        The cues; pseudonym cues carry the pseudonym, in the nominative, in ``name``.
    """
    cues: list[ProtectionCue] = []
    for match in _PSEUDONYM.finditer(view):
        group = next(g for g in ("name", "name2", "name3", "name4", "name5") if match.group(g))
        name = match.group(group)
        if group == "name" and not _names_a_person(view, match):
            continue
        cues.append(ProtectionCue(match.start(), match.end(group), "pseudonym", nominative_pseudonym(name, view)))
    for match in _PSEUDONYM_SO.finditer(view):
        cues.append(ProtectionCue(match.start("name"), match.end(), "pseudonym",
                                  nominative_pseudonym(match.group("name"), view)))
    for match in _PSEUDONYM_AFTER.finditer(view):
        if "измен" not in match.group().lower():
            continue
        name = _trim(match.group("name"))
        cues.append(ProtectionCue(match.end("name") - len(name), match.end(), "pseudonym",
                                  nominative_pseudonym(name, view)))
    for match in _REAL_NAME.finditer(view):
        cues.append(ProtectionCue(match.start(), match.end("real"), "real_name", match.group("real")))
    footnotes = list(_FOOTNOTE.finditer(view))
    for note in footnotes:
        cues.append(ProtectionCue(note.start() + len(note.group()) - len(note.group().lstrip()), note.end(),
                                  "footnote"))
    if footnotes:
        for star in _STAR_NAME.finditer(view):
            cues.append(ProtectionCue(star.start(), star.end("name"), "pseudonym",
                                      nominative_pseudonym(star.group("name"), view)))
    named = [(c.start, c.end) for c in cues]
    for match in _ANONYMOUS.finditer(view):
        if not any(s <= match.start() < e or match.start() <= s < match.end() for s, e in named):
            cues.append(ProtectionCue(match.start(), match.end(), "anonymous"))
    return sorted(set(cues), key=lambda c: (c.start, c.end, c.kind))


def _trim(name: str) -> str:
    """The name of two capitalised words, without a first word that is not a name ("Потерпевший Хамзат")."""
    words = name.split()
    if len(words) == 2 and not any({"Name", "Surn", "Patr"} & grammemes(p) for p in parses(words[0].lower())):
        return words[1]
    return name


def _names_a_person(view: str, match: re.Match[str]) -> bool:
    """True for "назвался X", "назвавшийся X"; "Кадыров назвал Мемориал …" names no one."""
    word = match.group().split()[0].lower()
    return word.startswith(("назвавш", "представивш")) or word in _INTRODUCER


class RussianPeople(People):
    """The people tracker with Russian protection cues and case-blind name matching."""

    def __init__(self, doc: Document, view: str, entities: Sequence[Mention], subject_reach: int):
        super().__init__(doc, view, entities, subject_reach)
        self.cues = detect_cues_ru(view)
        self.cue_starts = [c.start for c in self.cues]
        self.pseudonyms = {}
        for cue in self.cues:
            if cue.name and cue.kind == "pseudonym":
                for form in name_forms(cue.name):
                    self.pseudonyms.setdefault(form.lower(), cue)
        self.footnote = next((c for c in self.cues if c.kind == "footnote"), None)

    def _lookup(self, phrase: Phrase) -> Person | None:
        """An earlier person with this name (any case) or with this description's head noun."""
        if phrase.kind == "name":
            words = yo(phrase.label.lower()).split()
            if (cue := self.pseudonyms.get(" ".join(words))) is not None and cue.name and \
                    (person := self.by_name.get(yo(cue.name.lower()))) is not None:
                return person  # any case form of a declared pseudonym
            return self.by_name.get(" ".join(words)) or self.by_name.get(words[-1]) or (
                self.by_name.get(words[0]) if len(words) > 1 and (p := self.by_name.get(words[0])) and p.protected
                else None)
        quantified = phrase.label.split()[0].lower() in QUANTIFIERS
        if phrase.heads & ANAPHORIC_LEMMAS and not quantified:
            # "— говорит собеседник": the private person the report has been quoting.
            for person in reversed(self.salient):
                if person.category in ("private", "name") and not person.plural and not person.org and (
                        person.spoke or person.protected) and not (person.gender and phrase.gender
                                                                   and person.gender != phrase.gender):
                    return person
        if phrase.kind == "description" and not quantified and not phrase.plural:
            for person in reversed(self.salient):
                # "правозащитник" points back to "правозащитник Олег Орлов"; "житель Грозного" is not
                # "житель Гудермеса".
                if person.heads & phrase.heads and not person.plural and (
                        len(phrase.label.split()) == 1 or _lemmas(phrase.label) == _lemmas(person.label)):
                    return person
        return None

    def protect(self, cue_index: int, person: Person) -> None:
        """Mark ``person`` protected by the cue at ``cue_index`` (once per cue)."""
        if cue_index in self.used:
            return
        self.used.add(cue_index)
        self._protect(person, self.cues[cue_index])

    def pseudonym_of(self, phrase: Phrase) -> ProtectionCue | None:
        """The pseudonym cue that declares this name phrase, if any."""
        return self.pseudonyms.get(yo(phrase.label.lower())) if phrase.kind == "name" else None


def _lemmas(label: str) -> tuple[str, ...]:
    """The lemmas of a description's words, to compare descriptions in any case."""
    return tuple(lemma(word) for word in re.findall(r"[^\W\d_][\w-]*", label))


def protected_forms(protected: list[ProtectedPerson], view: str) -> list[ProtectedPerson]:
    """The protected people with every case form of their names added (for redaction).

    Forms come from pymorphy3's lexeme of a known first name or surname, plus every word
    of the text that is the name with a case ending ("Хеду" of "Хеда").
    """
    out = []
    for person in protected:
        names: list[str] = []
        for name in person.names:
            for form in [*name_forms(name), *_shown_forms(name, view)]:
                if form not in names:
                    names.append(form)
        out.append(dataclasses.replace(person, names=tuple(names)))
    return out


_ENDINGS = ("", "а", "я", "у", "ю", "ом", "ем", "ой", "ей", "е", "и", "ы", "ём", "ою", "ею")


def _shown_forms(name: str, view: str) -> list[str]:
    """Words of the text that are ``name`` (one word) with another case ending."""
    if " " in name or len(name) < 3:
        return []
    stem = name[:-1] if name[-1] in "аяйьоеы" else name
    found = []
    for match in re.finditer(r"\b" + re.escape(stem) + r"(?P<end>[а-яё]{0,3})\b", view):
        if match.group("end") in _ENDINGS and match.group() not in found:
            found.append(match.group())
    return found


def is_person_label(person: Person) -> bool:
    """True for someone a witness pseudonym could belong to: not a group or an official."""
    return not person.org and person.category in ("name", "private")
