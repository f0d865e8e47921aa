"""Russian named entities with natasha, and their nominative forms with pymorphy3.

natasha's news NER (``NewsEmbedding`` + ``NewsNERTagger``, models shipped in the
package, nothing downloaded) finds PER, ORG and LOC spans; they become mentions with
the labels the English extractor uses (PER -> PERSON, ORG -> ORG, LOC -> GPE: in news
nearly every place named is a country, region or town; ``attrs["ner_label"]`` keeps
natasha's own). ``attrs["lemma"]`` is the name in the nominative, the form
cross-lingual entity merging compares ("Рамзана Кадырова" -> "Рамзан Кадыров",
"Новой газеты" -> "Новая газета"):

- a person's name: every word inflected to the nominative singular, in the gender and
  case most of its words agree on ("Кадырова" alone is the genitive of Кадыров, as
  pymorphy3 ranks it; "Анны Кадыровой" is feminine);
- an organisation or place: the leading adjectives and the first noun (the head)
  inflected, the words after the head kept ("Верховного суда Чечни" -> "Верховный суд
  Чечни"); abbreviations ("МВД") and words pymorphy3 does not know are kept as written.
  An agency's abbreviation and the region after it are one ORG ("МВД Ингушетии",
  "МВД по Республике Дагестан", "ГУ МВД России по Москве"), as news names regional branches.

The first letters keep the case of the text ("МВД", "ЛГБТ-сеть"). A place or person that
is one capitalised common word opening a line or sentence ("Паводок в Оренбургской
области", a headline) is dropped: pymorphy3 knows the word, never as a name.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from functools import cache
from typing import Any

from corroborator.analyze.ru._morph import parses
from corroborator.model import Document, Mention, mention_id, span_in_noise

logger = logging.getLogger(__name__)

EXTRACTOR = "entities.spacy.v1"  # the stage's name: the rules per language are chosen inside it
ENGINE = "natasha"
#: natasha's labels as the English mentions spell them.
LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_NAME_TAGS = ("Name", "Surn", "Patr")
_PROPER_TAGS = (*_NAME_TAGS, "Geox", "Orgn", "Trad", "Abbr")
_REGION_LINK = re.compile(r"\s+(?:по\s+)?")


@cache
def load_ner() -> tuple[Any, Any]:
    """natasha's segmenter and news NER tagger, loaded once per process (about 1 s)."""
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter  # heavy optional dependency

    logger.debug("loading natasha news NER")
    return Segmenter(), NewsNERTagger(NewsEmbedding())


def entity_mentions_ru(doc: Document) -> list[Mention]:
    """The PERSON, ORG and GPE mentions of a Russian document.

    Args:
        doc: The document; spans in noise get ``attrs["in_noise"]`` as in English.

    Returns:
        Mentions of kind ``"entity"`` in text order, ``attrs`` ``label``, ``ner_label``,
        ``lemma`` (the nominative form) and ``engine``.
    """
    from natasha import Doc  # heavy optional dependency

    segmenter, tagger = load_ner()
    parsed = Doc(doc.text)
    parsed.segment(segmenter)
    parsed.tag_ner(tagger)
    mentions = []
    for span_type, span_start, span_stop in _joined(doc.text, parsed.spans):
        label = LABELS.get(span_type)
        if label is None:
            continue
        start, end = _trim(doc.text, span_start, span_stop)
        if end <= start:
            continue
        text = doc.text[start:end]
        if label != "ORG" and _common_word_opening(doc.text, start, text):
            continue
        attrs: dict[str, Any] = {"label": label, "ner_label": span_type, "lemma": nominative(text, label),
                                 "engine": ENGINE}
        if span_in_noise(doc.noise, start, end):
            attrs["in_noise"] = True
        mentions.append(Mention(mention_id(doc.id, "entity", start, end), doc.id, start, end, "entity",
                                EXTRACTOR, text, attrs))
    return mentions


def _joined(text: str, spans: list[Any]) -> list[tuple[str, int, int]]:
    """natasha's spans as (type, start, stop), an agency's abbreviation joined to its region:
    "МВД Ингушетии", "МВД по Республике Дагестан", "ГУ МВД России по Москве" are one ORG."""
    out: list[tuple[str, int, int]] = []
    for span in spans:
        if out and out[-1][0] == "ORG" and span.type in ("LOC", "ORG"):
            _type, start, stop = out[-1]
            head = text[start:stop].split()[0]
            agency = span.type == "LOC" or text[span.start:span.stop].isupper()  # "ГУ МВД", "МВД России"
            if head.isupper() and len(head) > 1 and agency and _REGION_LINK.fullmatch(text[stop:span.start]):
                out[-1] = ("ORG", start, span.stop)
                continue
        out.append((span.type, span.start, span.stop))
    return out


def _common_word_opening(text: str, start: int, name: str) -> bool:
    """A capitalised common word opening a line or sentence ("Паводок в Оренбургской области")
    that natasha took for a place or person: pymorphy3 knows it, and never as a name."""
    before = text[max(0, start - 3):start].rstrip(" «\"")
    if " " in name or "-" in name or (before and before[-1] not in ".!?\n"):
        return False
    found = parses(name)
    return bool(found) and all(p.is_known and not any(t in p.tag for t in _PROPER_TAGS) for p in found)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without quote marks, brackets or punctuation at its ends."""
    strip = " \t\n«»„“”\"'()[],.:;!?—–-"
    while start < end and text[start] in strip:
        start += 1
    while end > start and text[end - 1] in strip:
        end -= 1
    return start, end


def nominative(name: str, label: str) -> str:
    """The nominative form of an entity name (see the module docstring for the rules)."""
    words = list(_WORD.finditer(name))
    if not words:
        return name
    if label == "PERSON":
        forms = _person_forms([m.group() for m in words])
    else:
        forms = _head_forms([m.group() for m in words])
    out, last = [], 0
    for m, form in zip(words, forms):
        out.append(name[last:m.start()])
        out.append(_recase(form, m.group()))
        last = m.end()
    out.append(name[last:])
    return "".join(out)


def _recase(form: str, original: str) -> str:
    """``form`` with the capitals of ``original`` where their letters line up; ё only if the text has it."""
    if "ё" not in original.lower():
        form = form.replace("ё", "е")
    if original.isupper() and len(original) > 1:
        return form.upper()
    chars = list(form)
    for k, ch in enumerate(original[: len(chars)]):
        if ch.isupper():
            chars[k] = chars[k].upper()
    return "".join(chars)


def _inflect(parse: Any, number: str = "sing") -> str | None:
    """The nominative of one parse, keeping a plural noun plural ("Соединённые Штаты")."""
    grams = {"nomn"} | ({"sing"} if number == "sing" and parse.tag.number else set())
    if parse.tag.number == "plur" and number != "sing":
        grams = {"nomn", "plur"}
    try:
        form = parse.inflect(grams)
    except ValueError:
        return None
    return form.word if form else None


def _keep(word: str) -> bool:
    """Whether a word is left as written: abbreviations and words pymorphy3 does not know."""
    if len(word) > 1 and word.isupper():
        return True
    found = parses(word)
    return not found or all("UNKN" in p.tag or "LATN" in p.tag for p in found)


def _person_forms(words: list[str]) -> list[str]:
    """Every word of a person's name in the nominative, in the gender and case most agree on."""
    votes: Counter[tuple[str | None, str | None]] = Counter()
    for rank, word in enumerate(words):
        seen = set()
        for p in parses(word):
            key = (p.tag.gender, p.tag.case)
            if key not in seen and p.tag.case and p.tag.number != "plur":  # one person: singular readings
                seen.add(key)
                votes[key] += 1
    order = {key: k for k, key in enumerate(votes)}  # the first word's best parse breaks ties
    best = max(votes, key=lambda key: (votes[key], -order[key])) if votes else (None, None)
    forms = []
    for word in words:
        if _keep(word):
            forms.append(word)
            continue
        candidates = [p for p in parses(word) if (p.tag.gender, p.tag.case) == best and p.tag.number != "plur"] or \
            [p for p in parses(word) if p.tag.case == best[1] and p.tag.number != "plur"]
        if not candidates:
            forms.append(word)  # "Меликов" read as a plural of something else: as written
            continue
        named = [p for p in candidates if any(t in p.tag for t in _NAME_TAGS)]
        form = _inflect((named or candidates)[0])
        forms.append(form or word)
    return forms


def _head_forms(words: list[str]) -> list[str]:
    """Leading adjectives and the head noun in the nominative; the words after the head kept."""
    forms = list(words)
    case = None
    for k, word in enumerate(words):
        if _keep(word):
            if k == 0:
                return forms  # "МВД Чечни", "ООН": a head that does not inflect
            break
        found = [p for p in parses(word) if p.tag.case and (case is None or p.tag.case == case)]
        adjective = next((p for p in found if p.tag.POS in ("ADJF", "PRTF")), None)
        noun = next((p for p in found if p.tag.POS == "NOUN"), None)
        if k == 0 and adjective and noun and not word[:1].isupper():
            adjective = None
        chosen = adjective if adjective is not None and (noun is None or k + 1 < len(words)) else noun
        if chosen is None:
            break
        case = case or chosen.tag.case
        number = "plur" if chosen.tag.number == "plur" else "sing"
        forms[k] = _inflect(chosen, number) or word
        if chosen is noun:
            break
    return forms
