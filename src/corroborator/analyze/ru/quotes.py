"""Direct quotes and their speakers in Russian text (``quotes.rules.v1``, Russian rules).

What counts as a quote:

- Text in «…», „…“ or "…" marks, nested ones («… „…“ …») belonging to the outer quote
  (the mark reader of :mod:`corroborator.analyze._marks`). A quote inside a sentence
  needs ``quotes.min_words`` words and a verb, or a speech verb right before it
  ("назвал задержания «провокацией»"); «Новая газета» or «Мемориал» name things.
- Direct speech introduced by a dash: a line that opens with "— " or "– " (or "- ", as
  wire copies write it, when the line holds the author's words).
- Either kind may hold the author's words between dashes, in the Russian punctuation
  pattern «Цитата, — сказал Иванов. — Продолжение»: the parts are separate quotes of one
  speaker, and the mention spans the quoted words only. A dash line with no author's
  words that ends with "?" is an interviewer's question, and one that ends with ";" or
  "," or opens in lower case an item of a list: neither is kept.

Speakers, first rule that applies: the author's words after a dash ("— сказал он",
"— рассказал «Новой газете» один из задержанных", "— сообщили в пресс-службе МВД"); an
introduction before the quote (``Иванов заявил: «…»``, "Как рассказал Иванов, «…»",
"по словам Рамзана Кадырова", "по данным X", "Иванов заявил, что «…»"); the person the
paragraph introduced before the quote; the speaker or person of the paragraph before,
for a quote that opens its paragraph. Speech verbs are recognised by lemma in every
tense, gender and aspect (:mod:`._speech`). Names are matched in any case and labelled
in the nominative; pronouns ("он сказал") take the most recent person of their gender.
Protection cues (:mod:`.protection`) are linked to the nearest person before them in
their sentence, else the quote speaker of that sentence, else the witness last quoted.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import logging
import re
from collections.abc import Sequence

from corroborator.analyze._marks import ParagraphQuotes, link_chains
from corroborator.analyze._speakers import Phrase
from corroborator.analyze.protection import Person, ProtectionCue
from corroborator.analyze.quotes import QuoteResult, assemble_result
from corroborator.analyze.ru._attribution import Part, attribute, candidates, noise, source_phrase
from corroborator.analyze.ru._phrases import find_phrase, phrase_before
from corroborator.analyze.ru._speech import (
    NAMED_THINGS,
    NAMING_LEMMAS,
    Entities,
    Token,
    lemma,
    name_forms,
    parses,
    speech_verb,
    tokens,
)
from corroborator.analyze.ru.protection import RussianPeople, is_person_label, protected_forms
from corroborator.model import Document, Mention
from corroborator.settings import DEFAULTS, QuoteSettings
from corroborator.text import normalized, paragraphs

logger = logging.getLogger(__name__)

__all__ = ["extract_quotes_ru"]

_SENTENCE_BREAK = re.compile(r"(?<![\s.][А-ЯЁA-Z])[.!?…]+[»\"“]?(?=\s+[А-ЯЁA-Z«„\"—–])")


def sentences(view: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph of Russian text."""
    spans, cursor = [], start
    for match in _SENTENCE_BREAK.finditer(view, start, end):
        spans.append((cursor, match.end()))
        cursor = match.end()
        while cursor < end and view[cursor].isspace():
            cursor += 1
    if cursor < end:
        spans.append((cursor, end))
    return spans


def extract_quotes_ru(doc: Document, entities: Sequence[Mention],
                      settings: QuoteSettings = DEFAULTS.quotes) -> QuoteResult:
    """Find the direct quotes of a Russian ``doc``, their speakers and the protected people.

    The same contract as :func:`corroborator.analyze.quotes.extract_quotes`.

    Args:
        doc: The document; its noise spans (except the headline) are skipped.
        entities: Entity mentions from Russian NER (``attrs["label"]`` PERSON, ORG, GPE,
            LOC; ``attrs["lemma"]`` the nominative form). They name speakers; the rules
            find descriptions ("один из задержанных") without them.
        settings: Word counts, reaches and confidences of the rules.

    Returns:
        A :class:`~corroborator.analyze.quotes.QuoteResult`: quote mentions spanning the
        quoted words only, the speaker and protection mentions made, and the protected
        people with every case form of their names.
    """
    view = normalized(doc.text)
    body = [p for p in paragraphs(view) if not noise(doc, *p)]
    people = RussianPeople(doc, view, entities, settings.subject_reach)
    known = Entities([*entities, *_pseudonym_mentions(doc, view, people, entities)])
    raws = candidates(view, body, doc)
    for raw in raws:
        attribute(view, raw, body[raw.para], known)
    raws = [r for r in raws if _keep(view, r, settings)]
    for index, raw in enumerate(raws):
        raw.index = index
    by_para = {para: list(group) for para, group in itertools.groupby(raws, key=lambda r: r.para)}
    link_chains(by_para, body)  # type: ignore[arg-type]
    headlines = {i for i, p in enumerate(body) if (n := doc.in_noise(*p)) is not None and n.kind == "headline"}
    _Walker(view, people, known, raws, by_para, body, headlines, settings).run()
    result = assemble_result(doc, people, list(raws), settings)
    result.protected = protected_forms(result.protected, view)
    logger.debug("%s: %d Russian quotes, %d protected", doc.id, len(result.quotes), len(result.protected))
    return result


def _pseudonym_mentions(doc: Document, view: str, people: RussianPeople,
                        entities: Sequence[Mention]) -> list[Mention]:
    """Working PERSON spans for every form of a declared pseudonym that NER did not tag.

    They let a phrase reader see "Азмат" as a name; they are never output.
    """
    covered = Entities(entities)
    found = []
    for cue in people.cues:
        if not cue.name:
            continue
        for form in name_forms(cue.name):
            for match in re.finditer(r"(?<![\w-])" + re.escape(form) + r"(?![\w-])", view):
                if covered.at(match.start()) is None:
                    found.append(Mention(f"pseudonym:{match.start()}", doc.id, match.start(), match.end(), "entity",
                                         "ru.pseudonym", match.group(), {"label": "PERSON", "lemma": cue.name}))
    return found


def _keep(view: str, raw: Part, settings: QuoteSettings) -> bool:
    """Quote or the name of something? Long enough, and speech, for where it stands."""
    text = view[raw.start: raw.end]
    words = [t for t in tokens(view, raw.start, raw.end)]
    if not words:
        return False
    if raw.open < raw.start and view[raw.open] in "—–" and raw.author is None and not raw.continued:
        if text.rstrip().endswith("?"):
            return False  # an interviewer's question
        if text.rstrip().endswith(";") or view[raw.end: raw.end + 1] == "," or text[:1].islower():
            return False  # an item of a dashed list: direct speech opens with a capital
    if raw.cue is not None and raw.cue[2] == "after":
        return True
    if not raw.partial:
        # "«Кавказский узел»: в Дагестане …": a name with no verb that labels what follows.
        label = raw.cue is None and view[raw.close: raw.close + 1] == ":" and _names_something(view, raw, words)
        return (len(words) >= 2 or raw.cue is not None) and not label
    if _names_something(view, raw, words):
        return False
    lead_words = tokens(view, raw.lead_start, raw.open)[-settings.partial_gap:] if settings.partial_gap else []
    governed = any(lemma(t.text) in NAMING_LEMMAS or speech_verb(t.text) for t in lead_words)
    if len(words) >= settings.min_words and (_has_verb(words) or governed) and not _title_like(text):
        return True
    return governed and words[0].text[:1].islower() and raw.cue is not None


def _names_something(view: str, raw: Part, words: list[Token]) -> bool:
    """A name in quotes inside a sentence: after "организация", "газета" ..., or capitalised with no verb.

    "правозащитная организация «Кризисная группа СК SOS»", "в «Комитет против пыток»".
    """
    if not words[0].text[:1].isupper():
        return False  # names are capitalised; "назвал публикацию «ложью»" is speech
    before = tokens(view, max(raw.lead_start, raw.open - 40), raw.open)
    if before and not view[before[-1].end: raw.open].strip() and lemma(before[-1].text) in NAMED_THINGS:
        return True
    return len(words) <= 6 and not _has_verb(words) and \
        not re.search(r"[.!?…]$", view[raw.start: raw.end])


def _has_verb(words: list[Token]) -> bool:
    """True when some word is a finite verb, an infinitive or a short participle."""
    return any(p.tag.POS in ("VERB", "INFN", "PRTS") for w in words for p in parses(w.low)[:1])


def _title_like(text: str) -> bool:
    """A name of an organisation or a work: every long word capitalised, no sentence punctuation."""
    if re.search(r"[.!?,:;]", text):
        return False
    long = [w for w in text.split() if len(w) > 3]
    return bool(long) and all(w[:1].isupper() for w in long)


class _Walker:
    """Reads the body in order, giving quotes speakers and protection cues their owners."""

    def __init__(self, view: str, people: RussianPeople, known: Entities, raws: list[Part],
                 by_para: dict[int, list[Part]], body: list[tuple[int, int]], headlines: set[int],
                 settings: QuoteSettings):
        self.view, self.people, self.known, self.raws = view, people, known, raws
        self.by_para, self.body, self.headlines, self.settings = by_para, body, headlines, settings
        self.phrases: list[tuple[int, int, Person]] = []  # every resolved phrase, in text order
        self.last_witness: Person | None = None

    def run(self) -> None:
        """Resolve every quote and cue; remember who speaks or is introduced last in each paragraph."""
        previous: Person | None = None
        for index, (p_start, p_end) in enumerate(self.body):
            quotes = self.by_para.get(index, [])
            para = ParagraphQuotes(quotes)  # type: ignore[arg-type]
            items: list[tuple[int, Part | tuple[int, int]]] = [(r.open, r) for r in quotes]
            for s, e in sentences(self.view, p_start, p_end):
                if not para.overlaps(s, e):
                    items.append((s, (s, e)))
            intro: Person | None = None
            last: Person | None = None
            for _, item in sorted(items, key=lambda x: x[0]):
                if isinstance(item, Part):
                    self._quote(item, intro, previous, quotes)
                    last = item.person or last
                    upto = max(item.close, item.author[1] if item.author else 0)
                else:
                    if (person := self._narrative(*item)) is not None:
                        intro = last = person
                    upto = item[1]
                self._link_cues(p_start, upto, quotes, p_end)
            self._link_cues(p_start, p_end, quotes, p_end)
            if index not in self.headlines:  # a headline stands alone
                previous = last or previous

    def _resolve(self, phrase: Phrase) -> Person | None:
        """The person of a phrase, remembered by position for the protection cues."""
        person = self.people.resolve(phrase)
        if person is not None:
            bisect.insort(self.phrases, (phrase.start, phrase.end, person), key=lambda x: (x[0], x[1]))
        return person

    def _quote(self, raw: Part, intro: Person | None, previous: Person | None, quotes: list[Part]) -> None:
        """Give one quote part its speaker."""
        person, how = None, None
        if raw.cue is not None:
            raw.phrase = raw.cue[0]
            person, how = self._resolve(raw.cue[0]), raw.cue[2]
            if person is not None and person.names and raw.phrase.kind == "description" and not person.org:
                # "— приводит слова министра": the minister named before is labelled by name.
                raw.phrase = dataclasses.replace(raw.phrase, label=person.names[0])
        if raw.para in self.headlines:
            self._settle(raw, person, how)
            return
        if person is None and raw.continued:
            earlier = next((q for q in reversed(quotes) if q.group == raw.group and q is not raw and q.person), None)
            if earlier is not None:
                person, how = earlier.person, "continued"
        if person is None and raw.cue is None:
            same = next((q for q in quotes if q.group == raw.group and q is not raw and q.cue is not None), None)
            if same is not None:
                person, how, raw.phrase = self._resolve(same.cue[0]), "paragraph", same.cue[0]
        if person is None and intro is not None and (raw.cue is None or raw.cue[0].kind != "pronoun"):
            person, how = intro, "intro"
        if person is None and raw.cue is None:
            # "«…», — сказал он. «…»": the quote before it in the paragraph.
            earlier = next((q for q in reversed(quotes) if q.open < raw.open and q.person is not None), None)
            if earlier is not None:
                person, how = earlier.person, "paragraph"
        at_start = raw.open == self.body[raw.para][0] or raw.continued
        if person is None and at_start and previous is not None:
            person, how = previous, "previous"
        self._settle(raw, person, how)

    def _settle(self, raw: Part, person: Person | None, how: str | None) -> None:
        """Record a quote's speaker and the mention that names them."""
        raw.person, raw.how = person, how if person is not None else None
        if person is not None:
            named = raw.phrase is not None and how in ("after", "before", "according", "partial") \
                and raw.phrase.kind != "pronoun"
            raw.speaker_mention = self.people.mention_for(raw.phrase) if named else person.mention_id
            person.spoke = True
            self.people.touch(person)
            if is_person_label(person):
                self.last_witness = person

    def _narrative(self, start: int, end: int) -> Person | None:
        """Read a sentence without quotes: the person its speech verb or subject brings in."""
        toks = tokens(self.view, start, end)
        for tok in toks:
            verb = speech_verb(tok.text)
            if verb is None:
                continue
            phrase = phrase_before(self.view, start, tok.start, self.known, verb[1]) or find_phrase(
                self.view, tok.end, end, self.known, verb[1])
            if phrase is not None:
                return self._resolve(phrase)
        if (source := source_phrase(self.view, start, end, self.known)) is not None:
            return self._resolve(source)  # "По словам одного из опрошенных, ..."
        subject = find_phrase(self.view, start, min(end, start + 120), self.known, None)
        if subject is not None:
            self._resolve(subject)
        return None

    def _link_cues(self, p_start: int, upto: int, quotes: list[Part], p_end: int) -> None:
        """Give each protection cue of a paragraph, up to ``upto``, the person it describes."""
        cues = self.people.cues
        lo, hi = bisect.bisect_left(self.people.cue_starts, p_start), bisect.bisect_left(self.people.cue_starts, upto)
        spans = [(q.start, q.end) for q in quotes]
        for index in range(lo, hi):
            cue = cues[index]
            if index in self.people.used or cue.kind == "footnote":
                continue
            if any(s <= cue.start < e for s, e in spans) and not (cue.name and cue.kind == "pseudonym"):
                continue  # a cue inside a quote describes nobody here
            owner = self._cue_owner(cue, p_start, p_end, quotes)
            if owner is not None:
                self.people.protect(index, owner)

    def _cue_owner(self, cue: ProtectionCue, p_start: int, p_end: int, quotes: list[Part]) -> Person | None:
        """The nearest person before the cue in its sentence, else that sentence's speaker, else the last witness."""
        if cue.kind == "real_name":
            # "Его настоящее имя — …": the protected person the pronoun points back to, not the name itself.
            named = [p for p in reversed(self.people.salient) if not p.org and not p.plural and cue.name not in p.names]
            return next((p for p in named if p.protected), named[0] if named else None)
        if cue.name and cue.kind == "pseudonym":
            named = self.people.by_name.get(cue.name.lower())
            if named is not None and self.view[cue.start: cue.start + len(cue.name)].lower() \
                    .startswith(cue.name.lower()[:3]):
                return named  # "Азмат (имя изменено)": the name the cue follows
        sentence = next(((s, e) for s, e in sentences(self.view, p_start, p_end) if s <= cue.start < e),
                        (p_start, p_end))
        before = [p for s, e, p in self.phrases if sentence[0] <= s and e <= cue.start + 1 and not p.org]
        if before:
            return before[-1]
        speakers = [q.person for q in quotes if q.person is not None and not q.person.org and (
            sentence[0] <= q.open < sentence[1] or (q.author and sentence[0] <= q.author[0] < sentence[1]))]
        if speakers:
            return speakers[0]
        if cue.name and (person := self.people.by_name.get(cue.name.lower())) is not None:
            return person
        if cue.name:
            phrase = Phrase(cue.start, cue.end, "name", cue.name, "name", set(), False, None,
                            self._name_span(cue), None)
            return self._resolve(phrase)
        return self.last_witness

    def _name_span(self, cue: ProtectionCue) -> tuple[int, int] | None:
        """Where the pseudonym's word stands inside its cue."""
        stem = cue.name[:-1] if len(cue.name) > 3 else cue.name
        at = self.view.find(stem, cue.start, cue.end)
        if at < 0:
            return None
        end = at
        while end < cue.end and (self.view[end].isalpha() or self.view[end] in "- "):
            end += 1
        return at, len(self.view[:end].rstrip())
