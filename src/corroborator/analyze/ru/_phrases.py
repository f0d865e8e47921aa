"""Russian speaker phrases: who a clause names as speaking, read with pymorphy3.

A phrase is returned as the language-independent
:class:`~corroborator.analyze._speakers.Phrase` the people tracker understands: names
(a PERSON mention, alone or after a role: "пресс-секретарь главы Чечни Альви Каримов")
are labelled in the nominative, pronouns carry the English pronoun the tracker resolves
("он" is "he"), descriptions ("один из задержанных", "источник в силовых структурах")
keep their text and the lemma of their head noun.
"""

from __future__ import annotations

import bisect
import logging
import re

from corroborator.analyze._speakers import Phrase
from corroborator.analyze.ru._speech import (
    GROUP_LEMMAS,
    PRIVATE_LEMMAS,
    PRONOUNS,
    ROLE_LEMMAS,
    Entities,
    Token,
    cases,
    grammemes,
    lemma,
    name_gender,
    nominative_name,
    parses,
    same_case,
    speech_verb,
    tokens,
    yo,
)
from corroborator.model import Mention

logger = logging.getLogger(__name__)
_W = str.split
_PREPOSITIONS = frozenset(_W("в во на с со к ко у от из по о об при для за под над про без до через"))
_NOMINATIVE_QUANTIFIERS = frozenset(_W("один одна одно другой другая еще ещё некий некая"))
#: Words that make a description someone new ("один из задержанных"), in any case.
QUANTIFIERS = _NOMINATIVE_QUANTIFIERS | frozenset(_W("одного одной одному одним другого другому другим"))
_STOP = frozenset(_W("что как и а но когда если чтобы потому так также тоже уже ранее позже затем"))


def _label_of(entity: Mention, gender: str | None, subject: bool = False) -> str:
    """The nominative label of an entity mention (its NER lemma when it has one).

    A PERSON mention that is a clause's ``subject`` is already in the nominative: when
    every word can be, the text as written wins over a lemma that differs ("тётя
    Малика" is Малика, whatever a lemmatiser that reads a man's name in the genitive says).
    """
    lemma_ = entity.attrs.get("lemma")
    words = entity.text.split()
    if subject and _is_person(entity) and lemma_ != entity.text and all(
            any(p.tag.case == "nomn" and {"Name", "Surn", "Patr"} & grammemes(p) for p in parses(w.lower()))
            for w in words):
        return " ".join(words)
    if isinstance(lemma_, str) and lemma_:
        return lemma_
    return nominative_name(entity.text, gender) if entity.attrs.get("label") in ("PERSON", "PER") else entity.text


def _is_person(entity: Mention) -> bool:
    """True for a PERSON mention (natasha writes PER)."""
    return entity.attrs.get("label") in ("PERSON", "PER")


def pronoun_phrase(tok: Token) -> Phrase | None:
    """The tracker's pronoun phrase for "он", "она", "они" ..."""
    if tok.low not in PRONOUNS:
        return None
    english, gender, plural = PRONOUNS[tok.low]
    return Phrase(tok.start, tok.end, "pronoun", english, "pronoun", {english}, plural, gender)


def _head(tok: Token) -> tuple[str, str] | None:
    """``(lemma, category)`` when a word can head a speaker description in any case."""
    for p in parses(tok.low):
        base = yo(p.normal_form)
        if p.tag.POS in ("PRTF", "ADJF"):
            # A participle or adjective used as a noun: "задержанных" is "задержанный".
            form = p.inflect({"nomn", "sing", p.tag.gender or "masc"}) or p.inflect({"nomn", "sing", "masc"})
            base = yo(form.word) if form else base
        if base in PRIVATE_LEMMAS:
            return base, "private"
        if base in ROLE_LEMMAS:
            return base, "role"
        if base in GROUP_LEMMAS or tok.text.isupper() and len(tok.text) > 1:
            return base, "group"
    for p in parses(tok.low)[:2]:
        # Any other animate common noun in lower case names someone by what they do ("администратор канала").
        if tok.text[:1].islower() and p.tag.POS == "NOUN" and p.tag.animacy == "anim" and not (
                {"Name", "Surn", "Patr", "Geox", "Orgn"} & grammemes(p)):
            return yo(p.normal_form), "role"
    return None


def phrase_at(view: str, toks: list[Token], i: int, entities: Entities, gender: str | None,
              end: int, nominative_label: bool = False) -> Phrase | None:
    """The speaker phrase that starts at ``toks[i]`` and runs at most to ``end``.

    A description ("пресс-секретарь главы Чечни Альви Каримов", "один из задержанных")
    runs over the genitive words after its head; a PERSON mention inside or right after
    it names the speaker ("name" phrase, labelled in the nominative).
    """
    first = toks[i]
    if (pro := pronoun_phrase(first)) is not None:
        return pro
    entity = entities.at(first.start)
    if entity is not None and entity.end <= end:
        category = "name" if _is_person(entity) else "group"
        label = _label_of(entity, gender, not nominative_label)
        gender = gender or (name_gender(label) if category == "name" else None)
        return Phrase(entity.start, entity.end, "name", label, category, set(), False, gender, None, entity.start)
    j, quantified = i, False
    if first.low in QUANTIFIERS:
        quantified = True
        j += 1
        if j < len(toks) and toks[j].low in ("из", "один", "одна"):
            j += 1
    head = None
    k = j
    while k < len(toks) and k <= j + 3 and toks[k].start < end:
        gap = view[toks[k - 1].end: toks[k].start] if k > i else ""
        if k > i and gap.strip():
            break
        if (found := _head(toks[k])) is not None:
            head = (k, *found)
            break
        if not _modifier(toks[k]):
            break
        k += 1
    if head is None and quantified and j > i + 1 and j < len(toks) and _substantive(toks[j]):
        head = (j, lemma(toks[j].text), "private")  # "один из обратившихся"
    if head is None:
        return None
    k, base, category = head
    last = k
    # Genitive words after the head ("главы Чечни", "правозащитного центра «Мемориал»"), then a name.
    while last + 1 < len(toks) and toks[last + 1].start < end and last - k < 6:
        gap = view[toks[last].end: toks[last + 1].start]
        if gap.strip(" «»\"") or toks[last + 1].low in _STOP or toks[last + 1].low in _PREPOSITIONS:
            break
        nxt = toks[last + 1]
        ent = entities.at(nxt.start)
        # A name after the head is the speaker's, unless a subject's name cannot be nominative: then it is
        # the head's complement ("мать Азмата", "адвокат Алиевой Магомед Гаджиев").
        if ent is not None and _is_person(ent) and ent.end <= end and not (
                not nominative_label and "nomn" not in cases(nxt.text)):
            label = _label_of(ent, gender, not nominative_label)
            return Phrase(first.start, ent.end, "name", label, "name", {base}, False, gender or name_gender(label), None,
                          ent.start)
        if ent is not None:
            last = max(last + 1, _index_at(toks, ent.end - 1))
            continue
        if not ({"gent"} & cases(nxt.text)) or speech_verb(nxt.text):
            break
        last += 1
    if category in ("role", "private") and last == k:
        last = _place_after(view, toks, last, end)  # "источник в силовых структурах"
    if (named := _name_after(view, toks, last, end, entities, not nominative_label) or _appositive(
            view, toks, last, end, entities)) is not None:
        label = _label_of(named, gender, not nominative_label)
        return Phrase(first.start, named.end, "name", label, "name", {base}, False, gender or name_gender(label), None,
                      named.start)
    gender = gender or next(({"masc": "m", "femn": "f"}.get(p.tag.gender or "") for p in parses(toks[k].low)[:1]
                             if p.tag.POS == "NOUN" and p.tag.animacy == "anim" and category == "private"), None)
    text = _nominative_phrase(toks[i: last + 1], k - i, view) if nominative_label else re.sub(
        r"\s+", " ", view[first.start: toks[last].end])
    plural = not quantified and any(p.tag.number == "plur" for p in parses(toks[k].low)[:1])
    return Phrase(first.start, toks[last].end, "description", text, category, {base}, plural, gender)


def _appositive(view: str, toks: list[Token], last: int, end: int, entities: Entities) -> Mention | None:
    """A name set off by a comma after a description that it ends: "мать Азмата, Хеда." """
    if last + 1 >= len(toks) or view[toks[last].end: toks[last + 1].start].strip() != ",":
        return None
    ent = entities.at(toks[last + 1].start)
    if ent is None or not _is_person(ent) or ent.end > end or "nomn" not in cases(toks[last + 1].text) and cases(
            toks[last + 1].text):
        return None
    rest = view[ent.end: end].lstrip()
    return ent if not rest or rest[0] in ".,;:!?—–" else None


def _name_after(view: str, toks: list[Token], last: int, end: int, entities: Entities,
                subject: bool) -> Mention | None:
    """A PERSON mention a few words after a description ("уполномоченный по правам человека Татьяна ...").

    For a ``subject`` the name must be able to stand in the nominative.
    """
    for k in range(last + 1, min(len(toks), last + 7)):
        if toks[k].start >= end or any(ch in view[toks[k - 1].end: toks[k].start] for ch in ",.:;!?—–()"):
            return None
        if speech_verb(toks[k].text) or toks[k].low in _STOP:
            return None
        ent = entities.at(toks[k].start)
        if ent is not None and _is_person(ent) and ent.end <= end:
            found = cases(toks[k].text)
            return ent if not subject or not found or "nomn" in found else None
    return None


_TIME_WORDS = frozenset(_W("понедельник вторник среда четверг пятница суббота воскресенье день неделя месяц год "
                           "время утро вечер ночь интервью беседа разговор эфир телеграм-канал канал соцсеть"))


def _place_after(view: str, toks: list[Token], last: int, end: int) -> int:
    """The last word of a place after a head noun ("источник *в силовых структурах*"), else ``last``."""
    k = last + 1
    if k + 1 >= len(toks) or toks[k].low not in ("в", "во", "из", "при") or toks[k + 1].start >= end:
        return last
    if view[toks[last].end: toks[k].start].strip():
        return last
    j = k + 1
    while j < len(toks) and j < k + 4 and toks[j].start < end and not view[toks[j - 1].end: toks[j].start].strip():
        if lemma(toks[j].text) in _TIME_WORDS or speech_verb(toks[j].text):
            return last
        if any(p.tag.POS == "NOUN" for p in parses(toks[j].low)[:1]):
            return j
        j += 1
    return last


def _substantive(tok: Token) -> bool:
    """True for a participle or adjective in the genitive plural used as a noun ("задержанных")."""
    return any(p.tag.POS in ("PRTF", "ADJF") and p.tag.number == "plur" and p.tag.case == "gent"
               for p in parses(tok.low))


def _nominative_phrase(toks: list[Token], head: int, view: str) -> str:
    """A description with its words up to the head in the nominative ("пресс-службе МВД" → "пресс-служба МВД")."""
    words = []
    for n, tok in enumerate(toks):
        word = tok.text
        if n <= head:
            found = [p for p in parses(tok.low) if p.tag.case and p.tag.case != "nomn" and p.tag.POS in
                     ("NOUN", "ADJF", "PRTF")]
            form = found[0].inflect({"nomn"}) if found and not any(p.tag.case == "nomn" for p in parses(tok.low)) \
                else None
            word = same_case(tok.text, form.word) if form else word
        words.append(word)
    return " ".join(words)


def _index_at(toks: list[Token], pos: int) -> int:
    """Index of the token covering ``pos``."""
    return max(0, bisect.bisect_right([t.start for t in toks], pos) - 1)


def _modifier(tok: Token) -> bool:
    """True for an adjective or participle that may stand before a head noun ("бывший", "местный")."""
    return any(p.tag.POS in ("ADJF", "PRTF", "NUMR") for p in parses(tok.low))


def find_phrase(view: str, start: int, end: int, entities: Entities, gender: str | None = None, *,
                nominative: bool = True) -> Phrase | None:
    """The first speaker phrase in ``view[start:end]``, skipping an audience and adverbs.

    "рассказал «Новой газете» один из задержанных" reads past the dative outlet; a
    phrase after a preposition ("в интервью Би-би-си") is not the speaker. With
    ``nominative`` the phrase must be able to stand in the nominative (a subject); without
    it any case is read ("по словам Рамзана Кадырова").
    """
    toks = tokens(view, start, end)
    skip_next, skipped_at, outlet = False, -1, None
    for i, tok in enumerate(toks):
        if tok.low in _PREPOSITIONS:
            skip_next = True
            continue
        if skip_next:
            skip_next = _modifier(tok) and not _head(tok)
            skipped_at = tok.end
            continue
        if outlet is not None and tok.end <= outlet.end:
            continue
        entity = entities.at(tok.start)
        if entity is not None and not _is_person(entity) and skipped_at >= 0 and \
                not view[skipped_at: tok.start].strip():
            skipped_at = entity.end  # "в интервью Би-би-си": the outlet belongs to the prepositional phrase
            continue
        phrase = phrase_at(view, toks, i, entities, gender, end, not nominative)
        if phrase is None:
            continue
        if nominative and phrase.kind != "pronoun" and not _can_be_subject(view, phrase, toks[i]):
            continue
        if nominative and phrase.kind == "name" and phrase.category == "group" and outlet is None:
            outlet = phrase  # "сообщил РИА Новости источник": an outlet is an audience if a speaker follows
            continue
        return phrase
    return outlet


def _can_be_subject(view: str, phrase: Phrase, first: Token) -> bool:
    """True when a phrase's first word can be nominative (not "изданию", "журналистам")."""
    found = cases(first.text)
    return not found or "nomn" in found or first.low in _NOMINATIVE_QUANTIFIERS


def phrase_before(view: str, start: int, end: int, entities: Entities, gender: str | None = None) -> Phrase | None:
    """The subject phrase that ends right before ``end`` (a verb), within ``view[start:end]``.

    "Пресс-секретарь главы Чечни Альви Каримов заявил": the phrase from the clause start;
    "Иванов, глава фонда, заявил" gives Иванов; "он заявил" the pronoun.
    """
    toks = tokens(view, start, end)
    if not toks:
        return None
    if (pro := pronoun_phrase(toks[-1])) is not None:
        return pro
    # The clause starts after the last boundary that is not a comma of an appositive.
    cut = 0
    for i, tok in enumerate(toks):
        gap = view[toks[i - 1].end: tok.start] if i else ""
        if tok.low in _STOP or any(ch in gap for ch in ".!?:;—–"):
            cut = i + (1 if tok.low in _STOP else 0)
    last = entities.at(toks[-1].start)
    if last is not None and _is_person(last) and not view[last.end:end].strip(" ,") and last.start >= toks[cut].start:
        # "Уполномоченный по правам человека Татьяна Москалькова сообщила": the name before the verb.
        for i in range(cut, len(toks)):
            phrase = phrase_at(view, toks, i, entities, gender, end)
            if phrase is not None and phrase.end == last.end:
                return phrase
        label = _label_of(last, gender, True)
        return Phrase(last.start, last.end, "name", label, "name", set(), False, gender or name_gender(label), None,
                      last.start)
    for i in range(cut, len(toks)):
        phrase = phrase_at(view, toks, i, entities, gender, end)
        if phrase is not None and _can_be_subject(view, phrase, toks[i]):
            return phrase
    return None


def phrase_in(view: str, start: int, end: int, entities: Entities) -> Phrase | None:
    """The office or document after "в": "сообщили в пресс-службе МВД", "говорится в докладе"."""
    toks = tokens(view, start, end)
    for i, tok in enumerate(toks[:-1]):
        if tok.low in ("в", "во"):
            phrase = phrase_at(view, toks, i + 1, entities, None, end, True)
            if phrase is not None:
                phrase.category = "group"
                return phrase
            break
    return None
