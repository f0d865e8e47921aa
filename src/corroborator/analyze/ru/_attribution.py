"""Russian quote candidates and the author's words or introduction that attribute each.

Candidates are quotes in marks (read by :mod:`corroborator.analyze._marks`) and lines of
direct speech that open with a dash; both are split at the author's words in the
Russian punctuation pattern «Цитата, — сказал Иванов. — Продолжение», so the parts are
quotes of one speaker and their mentions span the quoted words only. :func:`attribute`
reads the author's words after a dash ("— сказал он", "— сообщили в пресс-службе МВД",
"— цитирует Кадырова ТАСС") or the introduction before the marks ("Иванов заявил:",
"Как рассказал Иванов,", "по словам Рамзана Кадырова", "назвал публикацию «…»").
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass

from corroborator.analyze._marks import Candidate, scan
from corroborator.analyze._speakers import Phrase
from corroborator.analyze.ru._phrases import find_phrase, phrase_before, phrase_in
from corroborator.analyze.ru._speech import DOCUMENT_LEMMAS, NAMING_LEMMAS, Entities, Token, parses, speech_verb, tokens
from corroborator.model import OWN_TEXT_NOISE_KINDS, Document

logger = logging.getLogger(__name__)

_DASH_LINE = re.compile(r"[—–][ \t]+")
#: A hyphen for a dash, as wire copies write it: direct speech only with the author's words in it.
_HYPHEN_LINE = re.compile(r"-[ \t]+")
#: A dash that opens the author's words: after the quote's own punctuation.
_AUTHOR_DASH = re.compile(r"(?<=[,!?….])[ \t]+[—–-][ \t]+")
#: The dash that reopens the quote after the author's words.
_RESUME = re.compile(r"[,.:][ \t]+[—–-][ \t]+")
_AFTER_MARK = re.compile(r"[ \t]*[,.!?]?[ \t]*[—–-][ \t]+")
_AFTER_COMMA = re.compile(r"[ \t]*,[ \t]+(?=\w)")
#: "…, передаёт «Интерфакс»", "…, пишет РБК": the outlet that reports the quote.
_REPORTERS = frozenset("передавать сообщать писать цитировать процитировать".split())
_LEAD_SOURCE = re.compile(r"\b(?:[Пп]о\s+(?:словам|данным|информации|мнению|утверждению|версии|оценке)|"
                          r"[Сс]о\s+слов)\s+", re.I)
#: "приводит слова министра", "передаёт слова Кадырова": whose words the author's words pass on.
_WORDS_OF = re.compile(r"\bслова\s+")
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)")


@dataclass(eq=False)
class Part(Candidate):
    """A quote candidate with the span of the author's words that attribute it (if any)."""

    author: tuple[int, int] | None = None
    group: int = -1  # parts of one utterance share a group


def noise(doc: Document, start: int, end: int) -> bool:
    """True when the span lies in noise that is not the report's own text."""
    span = doc.in_noise(start, end)
    return span is not None and span.kind not in OWN_TEXT_NOISE_KINDS


def candidates(view: str, body: list[tuple[int, int]], doc: Document) -> list[Part]:
    """Quote parts of every body paragraph: dash lines and quotes in marks, author's words split off."""
    dash_paras = {i for i, (s, _) in enumerate(body) if _DASH_LINE.match(view, s)}
    marked = [r for r in scan(view, body) if r.para not in dash_paras and not noise(doc, r.start, r.end)]
    parts: list[Part] = []
    group = 0
    by_para = {p: list(g) for p, g in itertools.groupby(marked, key=lambda r: r.para)}
    for index, (p_start, p_end) in enumerate(body):
        if index not in dash_paras and (hyphen := _HYPHEN_LINE.match(view, p_start)) is not None:
            split = _split(view, hyphen.end(), p_end, index, group, p_start, p_end)
            if any(part.author for part in split):
                parts.extend(split)
                group += 1
            continue
        if index in dash_paras:
            start = _DASH_LINE.match(view, p_start).end()
            parts.extend(_split(view, start, p_end, index, group, p_start, p_end))
            group += 1
            continue
        for raw in by_para.get(index, []):
            split = _split(view, raw.start, raw.end, index, group, raw.open, raw.close)
            if not split:
                continue  # nothing but the author's words in the marks
            split[0].unclosed, split[-1].unclosed = False, raw.unclosed
            split[0].orphan = raw.orphan
            parts.extend(split)
            group += 1
    return parts


def _split(view: str, start: int, end: int, para: int, group: int, mark_open: int, mark_close: int) -> list[Part]:
    """The parts of one utterance, split at the author's words set off by dashes.

    "Цитата, — сказал Иванов. — Продолжение" gives "Цитата" and "Продолжение", both with
    the author's words "сказал Иванов"; a dash that no speech verb follows is the
    quote's own punctuation.
    """
    parts: list[Part] = []
    cursor, pos = start, start
    while (dash := _AUTHOR_DASH.search(view, pos, end)) is not None:
        resume = _RESUME.search(view, dash.end(), end)
        author_end = resume.start() if resume else _author_end(view, dash.end(), end)
        if not (_has_speech_verb(view, dash.end(), author_end, 6) or _lower_author(view, dash, author_end)):
            pos = dash.end()
            continue
        author = (dash.end(), author_end)
        parts.append(_part(view, cursor, dash.start(), mark_open if not parts else cursor, para, group, author))
        if resume is None:
            cursor = end
            break
        cursor = pos = resume.end()
    if cursor < end:
        parts.append(_part(view, cursor, end, mark_open if not parts else cursor, para, group, None))
    if parts:
        parts[-1].close = mark_close if parts[-1].author is None else parts[-1].close
    for before, after in zip(parts, parts[1:]):
        after.author = after.author or before.author
        after.continued = True
    return [p for p in parts if p.end > p.start]


def _lower_author(view: str, dash: re.Match[str], end: int) -> bool:
    """Author's words with no speech verb ("— уверен адвокат"), by the punctuation rule.

    After ", —" (or "?", "!") the author's words start in lower case; they are short and
    start with a verb or a short adjective.
    """
    before = view[max(0, dash.start() - 2): dash.start()] + dash.group()
    words = tokens(view, dash.end(), end)
    if not any(ch in before for ch in ",!?…") or not words or not words[0].text[0].islower() or len(words) > 8:
        return False
    return any(p.tag.POS == "VERB" for p in parses(words[0].low)[:1]) or any(
        p.tag.POS in ("ADJS", "PRTS") for p in parses(words[0].low)[:1])


def _author_end(view: str, start: int, end: int) -> int:
    """Where author's words that run to the end of the utterance stop (before a final full stop)."""
    text = view[start:end].rstrip()
    return start + len(text.rstrip("."))


def _part(view: str, start: int, end: int, mark_open: int, para: int, group: int,
          author: tuple[int, int] | None) -> Part:
    """One quote part, its content stripped of spaces and a trailing comma."""
    while start < end and view[start].isspace():
        start += 1
    while end > start and (view[end - 1].isspace() or view[end - 1] == ","):
        end -= 1
    return Part(start, end, mark_open, end, para, author=author, group=group)


def _has_speech_verb(view: str, start: int, end: int, within: int) -> bool:
    """True when one of the first ``within`` words of ``view[start:end]`` is a speech verb."""
    return any(speech_verb(t.text) for t in tokens(view, start, end)[:within])


def attribute(view: str, raw: Part, paragraph: tuple[int, int], known: Entities) -> None:
    """Find the author's words or the introduction that attribute one quote part."""
    p_start, p_end = paragraph
    raw.lead_start = _lead_start(view, raw, p_start)
    lead = view[raw.lead_start: raw.open].strip()
    # Inside a sentence: words before it, or a sentence that runs on after it ("«Новая газета» сообщила").
    runs_on = re.match(r"[ \t]+\w", view[raw.close: raw.close + 3]) is not None
    raw.partial = (bool(lead) and not lead.endswith((":", ",")) and raw.open != p_start) or runs_on
    if raw.author is None and not raw.unclosed:
        after = _AFTER_MARK.match(view, raw.close, p_end)
        if after is not None:
            end = _segment_end(view, after.end(), p_end)
            if _has_speech_verb(view, after.end(), end, 6) or _lower_author(view, after, end):
                raw.author = (after.end(), end)
        elif (comma := _AFTER_COMMA.match(view, raw.close, p_end)) is not None:
            end = _segment_end(view, comma.end(), p_end)
            if _has_speech_verb(view, comma.end(), end, 1):
                raw.author = (comma.end(), end)  # "«…», сказал он" without the dash
    if raw.author is not None and (cue := _speaker_in(view, *raw.author, known)) is not None:
        raw.cue = (cue[0], cue[1], "after")
        raw.reported_by = _reporter(view, *raw.author, known, cue[0])
        return
    if lead and (cue := _lead_cue(view, raw.lead_start, raw.open, known)) is not None:
        # "Иванов заявил, что «…»" quotes part of a sentence: attributed as a partial quote.
        raw.cue = (cue[0], cue[1], "partial") if raw.partial and cue[2] == "before" else cue


def _lead_start(view: str, raw: Part, p_start: int) -> int:
    """Start of the sentence that leads up to a quote's opening mark."""
    start = p_start
    for match in _SENTENCE_END.finditer(view, p_start, raw.open):
        start = match.end()
    return start


def _segment_end(view: str, start: int, end: int) -> int:
    """End of the author's words after a closing mark: the sentence end, or the next quote."""
    stop = _SENTENCE_END.search(view, start, end)
    stop_at = stop.start() if stop else end
    mark = re.compile(r":\s*[«„\"“—–]").search(view, start, stop_at)
    return mark.start() if mark else stop_at


def _speaker_in(view: str, start: int, end: int, known: Entities) -> tuple[Phrase, str] | None:
    """The speaker the author's words name: after the verb ("сказал Иванов") or before it ("он сказал")."""
    toks = tokens(view, start, end)
    for tok in toks:
        verb = speech_verb(tok.text)
        if verb is None:
            continue
        phrase = _verb_speaker(view, start, end, tok, verb, known)
        return (phrase, verb[0]) if phrase is not None else None
    if (words := _WORDS_OF.search(view, start, end)) is not None and (
            quoted := find_phrase(view, words.end(), end, known, None, nominative=False)) is not None:
        return quoted, "слова"  # "— приводит слова министра пресс-служба ведомства"
    if toks and (phrase := find_phrase(view, toks[0].end, end, known, None)) is not None:
        return phrase, toks[0].low  # "— уверен адвокат"
    return None


def _verb_speaker(view: str, start: int, end: int, tok: Token, verb: tuple[str, str | None, bool],
                  known: Entities) -> Phrase | None:
    """Who a speech verb's clause names as speaking, in ``view[start:end]``."""
    base, gender, plural = verb
    if base in ("цитировать", "процитировать", "передавать"):
        quoted = _quoted_person(view, tok.end, end, known)
        if quoted is not None:
            return quoted  # "— цитирует Кадырова ТАСС", "— передаёт слова Кадырова РИА Новости"
    phrase = None
    if plural and _office_follows(view, tok.end, end):
        phrase = phrase_in(view, tok.end, end, known)  # "— сообщили агентству в пресс-службе МВД"
    phrase = phrase or find_phrase(view, tok.end, end, known, gender) or phrase_before(
        view, start, tok.start, known, gender)
    if base in DOCUMENT_LEMMAS and (document := phrase_in(view, tok.end, end, known)) is not None:
        return document  # "— отмечается в сообщении ведомства"
    if phrase is None and plural:
        # "— говорится в докладе": the document.
        phrase = phrase_in(view, tok.end, end, known)
    if phrase is None:
        phrase = source_phrase(view, start, end, known)
    return phrase


def _quoted_person(view: str, start: int, end: int, known: Entities) -> Phrase | None:
    """The person whose words a quoting verb passes on: "цитирует Кадырова", "слова Кадырова"."""
    for entity in known.inside(start, end):
        if entity.attrs.get("label") in ("PERSON", "PER"):
            return find_phrase(view, entity.start, entity.end, known, None, nominative=False)
    return None


def _reporter(view: str, start: int, end: int, known: Entities, speaker: Phrase) -> str | None:
    """The outlet that reports a quote, after the speaker's own verb: "сказал он, передаёт «Интерфакс»"."""
    for tok in tokens(view, speaker.end, end):
        verb = speech_verb(tok.text)
        if verb is not None and verb[0] in _REPORTERS:
            outlet = find_phrase(view, tok.end, end, known, None)
            return outlet.label if outlet is not None and outlet.kind == "name" else None
    return None


def _office_follows(view: str, start: int, end: int) -> bool:
    """True when "в" follows a verb, after at most a dative audience ("агентству", "«Интерфаксу»")."""
    for tok in tokens(view, start, end)[:4]:
        if tok.low in ("в", "во"):
            return True
        if "nomn" in {p.tag.case for p in parses(tok.low)}:
            return False
    return False


def source_phrase(view: str, start: int, end: int, known: Entities) -> Phrase | None:
    """The X of "по словам X", "по данным X" in ``view[start:end]``."""
    match = _LEAD_SOURCE.search(view, start, end)
    if match is None:
        return None
    return find_phrase(view, match.end(), end, known, None, nominative=False)


def _lead_cue(view: str, start: int, end: int, known: Entities) -> tuple[Phrase, str, str] | None:
    """An introduction before the opening mark: "Иванов заявил:", "Как рассказал Иванов,", "по словам X"."""
    if (phrase := source_phrase(view, start, end, known)) is not None:
        return phrase, "по словам", "according"
    speech = [(t, v) for t in tokens(view, start, end) if (v := speech_verb(t.text) or _naming_verb(t.text))]
    if speech:
        tok, (base, gender, plural) = speech[-1]
        if plural and _office_follows(view, tok.end, end) and (office := phrase_in(view, tok.end, end, known)):
            return office, base, "before"  # "Как пояснили «Коммерсанту» в МВД, «…»"
        phrase = phrase_before(view, start, tok.start, known, gender)
        after = find_phrase(view, tok.end, end, known, gender)
        if after is not None and (phrase is None or view[start:tok.start].lstrip().lower().startswith("как")):
            phrase = after
        if phrase is None:
            phrase = after or _subject(view, start, tok.start, known, gender)
        if phrase is not None:
            return phrase, base, "before"
        return None
    if view[start:end].rstrip().endswith(":"):
        colon = start + len(view[start:end].rstrip()) - 1
        phrase = find_phrase(view, start, colon, known, None)
        if phrase is not None:
            return phrase, ":", "before"
    return None


def _naming_verb(word: str) -> tuple[str, str | None, bool] | None:
    """``(lemma, gender, plural)`` for "назвал", "называют" ... (a short quote's verb)."""
    for p in parses(word.lower()):
        if p.tag.POS == "VERB" and p.normal_form in NAMING_LEMMAS:
            return p.normal_form, {"masc": "m", "femn": "f"}.get(p.tag.gender or ""), p.tag.number == "plur"
    return None


def _subject(view: str, start: int, end: int, known: Entities, gender: str | None) -> Phrase | None:
    """The sentence's subject when the verb's own subject is left out ("…, и добавил:")."""
    return find_phrase(view, start, end, known, gender)


