"""Figures: counts of people affected by an event, with qualifier, subject and source.

Rule-based and pure Python over ``Document.text``; entity and date mentions come from
the other stages. One :class:`~corroborator.model.Figure` per (count, event): "over 100
gay men had been detained and tortured" gives ``detained`` and ``tortured``.

The mention spans the figure phrase, from the first of (object-position trigger,
qualifier, number) to the last of (subject noun, the event word of that figure):
"over 100 gay men had been detained" / "evacuated and re-homed 64 gay Chechen men".
``attrs``: ``value_span``, ``sentence``, ``trigger`` (event words), and when known
``subject_span``, ``attribution_span``, ``relayed_by`` (outlets relaying the original
source), ``range`` ([low, high]), ``subject_inherited``, ``noise_kind`` ("headline").

Decisions (precision first):

- A count needs an event word tied to it: a predicate ("were detained", "feared dead",
  "4 dead"), an object position ("killing three", "the relocation of 64 people", "the
  death toll rose to 41") or an event noun ("300 arrests"). "Escaped" is not "fled"
  (escaping captivity is not flight), so "two men who managed to escape" is no figure;
  nor is "CNN has interviewed two men". "Beaten" alone maps to no event (injury or
  torture?); "beaten in custody" and "abusive treatment" are ``ill_treated`` (kept apart
  from ``tortured``); "missing" is ``disappeared``,
  "displaced"/"homeless" ``fled``, "rescued"/"airlifted" ``evacuated``, "affected"/
  "trapped" ``other``; "N bodies" (found, recovered, counted) is ``killed``. A modal
  makes "die"/"flee"/"kill" hypothetical ("100 could die", "threatened to kill 20").
- Only affected people are counted: the subject must be a people noun ("men",
  "protesters", "families"), an event noun, or nothing ("4 dead"); "three things",
  "6 kidnappers", "two weeks" are not counts.
- Singular counts ("a man was shot and killed", "another person was shot and wounded")
  are kept for killed, injured and disappeared only, outside direct quotes, and only
  when the event verb follows the noun directly: a lone arrest is usually a suspect's,
  and "said one person who was arrested" describes a speaker.
- One victim in local crime news: "a 23-year-old man was shot and killed", "the victim
  died", "Jane Doe, 27, of Tyler, was pronounced dead", "he died" (``single``: noun, name,
  pronoun), read along the subject's clause ("was taken to a hospital, but died the next
  day"); coordinated victims are summed ("a man and his daughter were found dead": 2).
  "Shot", "taken to a hospital", "in critical condition" say who was hit, killed or not:
  such injured figures carry ``hit`` (the totals subtract the killed). Ages (", 27,",
  "6 year old"), "3 charged in shooting that killed ...", "children who shot" count no
  victims. A sentence counting over many incidents or a period ("in 17 shootings across
  the city", "this year") marks its figures ``aggregate``: never counted in totals.
- Partitives and subsets ("one of the 6", "two of the wounded", "including three
  children") are not figures; "dozens"/"hundreds" carry no value and are skipped.
- A count without a subject after a counted subject in the same sentence inherits it:
  "Four people are dead and two are injured" gives two ``people`` figures.
- The original source is the innermost reporting clause around the figure; outer ones
  are relays: "The network reported that ..., reports The Moscow Times".
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from corroborator.analyze import _figure_sources as src
from corroborator.analyze import _figure_words as w
from corroborator.analyze._shared import text_sentences
from corroborator.analyze.numbers import (
    NUMBER_WORDS,
    non_count_reason,
    parse_count,
    qualifier_after,
    qualifier_before,
)
from corroborator.model import OWN_TEXT_NOISE_KINDS, Document, Figure, Mention, mention_id
from corroborator.settings import DEFAULTS, FigureSettings

logger = logging.getLogger(__name__)

EXTRACTOR = "figures.rules.v1"
_COUNT_STARTS = NUMBER_WORDS | {"a", "an", "half"}
_LEGAL_VERBS = frozenset({"charged", "arrested", "accused", "indicted", "sentenced", "convicted", "booked",
                          "jailed", "detained", "held", "questioned", "wanted", "sought"})
_AGE_ASIDE = re.compile(r"\s*[,(]\s*(\d{1,3})\s*[,)]")
_OTHERS = re.compile(r"\b(?:another|other|others|second|third|fourth|also|additional)\b", re.IGNORECASE)
_SINGULAR_STARTS = frozenset({"a", "an", "another", "one", "the", "both", "his", "her", "their"})
_PASSIVE_AUX = frozenset({"was", "were", "is", "are", "be", "been", "being", "got", "gets", "get", "remains",
                          "remained", "remain", "'s", "’s"})
_POSSESSIVES = frozenset({"his", "her", "their"})
_SOURCE_LABELS = frozenset({"ORG", "PERSON"})


#: An event word tied to a count: (event, first token, end token).
_Hit = tuple[str, int, int]


@dataclass(slots=True)
class _Count:
    """A count in a sentence, in token indices, with the events it is tied to."""

    value: int
    start: int
    end: int
    qual_start: int
    qualifier: str
    events: list[_Hit]
    subject: tuple[int, int] | None
    next: int
    high: int | None = None
    inherited: bool = False
    object_of: int = -1  # token after the noun phrase when the count is an event verb's object
    single: str = ""  # how a count of one names its person: "noun", "pronoun", "name"


@dataclass(frozen=True, slots=True)
class _Context:
    """Per-document lookups shared by every sentence."""

    doc: Document
    sources: list[Mention]
    source_starts: list[int]
    dated: list[Mention]
    date_starts: list[int]
    persons: dict[int, int]  # start -> end of PERSON names
    settings: FigureSettings
    #: Whether a pattern matches in a sentence, by (pattern, sentence start): searched
    #: once per sentence, not once per count in it (a long sentence has many counts).
    found_in: dict[tuple[re.Pattern[str], int], bool] = field(default_factory=dict)

    def sentence_has(self, pattern: re.Pattern[str], sent: w.Sentence) -> bool:
        """Whether ``pattern`` matches anywhere in ``sent``."""
        key = (pattern, sent.start)
        if key not in self.found_in:
            self.found_in[key] = pattern.search(self.doc.text, sent.start, sent.end) is not None
        return self.found_in[key]


def extract_figures(doc: Document, entities: Sequence[Mention], dates: Sequence[Mention] = (),
                    settings: FigureSettings = DEFAULTS.figures) -> list[Figure]:
    """Find the counts of people killed, injured, detained, ... in one document.

    Args:
        doc: The document; its noise spans are skipped except the headline.
        entities: Entity mentions (``attrs["label"]``); ORG and PERSON names found in
            a source phrase become ``attributed_to``.
        dates: Date mentions (``attrs["value"]``); the one nearest the figure in its
            sentence becomes ``when``.
        settings: ``longest_source_name`` bounds the entity names looked for in a source phrase.

    Returns:
        Figures in text order, one per (count, event).
    """
    sources = sorted((m for m in entities if m.attrs.get("label") in _SOURCE_LABELS), key=lambda m: m.start)
    dated = sorted((m for m in dates if m.kind == "date" and m.attrs.get("value")), key=lambda m: m.start)
    persons = {m.start: m.end for m in sources if m.attrs.get("label") == "PERSON"}
    ctx = _Context(doc, sources, [m.start for m in sources], dated, [m.start for m in dated], persons, settings)
    quotes: list[tuple[int, int]] | None = None
    figures: list[Figure] = []
    seen: set[str] = set()
    for s_start, s_end in text_sentences(doc.text):
        noise = doc.in_noise(s_start, s_end)
        if (noise and noise.kind not in OWN_TEXT_NOISE_KINDS) or not w.HINT.search(doc.text, s_start, s_end):
            continue
        if quotes is None:
            quotes = [m.span() for m in w.QUOTE.finditer(doc.text)]
        sent = w.tokenize(doc.text, s_start, s_end)
        cues: list[src.Cue] | None = None
        for item in _sentence_counts(sent, quotes, ctx.persons):
            cues = src.find_cues(sent) if cues is None else cues
            for figure in _figures(ctx, sent, item, cues):
                if figure.mention.id not in seen:
                    seen.add(figure.mention.id)
                    figures.append(figure)
    _distinct_survivors(figures, doc.text)
    logger.debug("%s: %d figures", doc.id, len(figures))
    return figures


_MALE = w.wordset("man boy male husband son father brother grandfather grandson nephew uncle boyfriend gentleman "
                  "policeman he")
_FEMALE = w.wordset("woman girl female wife daughter mother sister grandmother granddaughter niece aunt girlfriend "
                    "lady she")


def _who(figure: Figure, text: str) -> tuple[str | None, str | None, frozenset[str]]:
    """What a one-person figure says of its person: (gender, age, name words)."""
    m = figure.mention
    span = m.attrs.get("subject_span") or [m.start, m.end]
    words = w.TOKEN.findall(text, span[0], span[1])
    lows = [t.lower() for t in words]
    gender = "m" if _MALE.intersection(lows) else "f" if _FEMALE.intersection(lows) else None
    age = next((t.split("-")[0] for t in lows if w.YEAR_OLD.match(t)), None)
    aside = _AGE_ASIDE.match(text, span[1], span[1] + 8)
    age = age or (aside.group(1) if aside else None)  # "Jane Doe, 27, was shot"
    names = frozenset(t for t in lows if t[:1].isalpha()) if m.attrs.get("single") == "name" else frozenset()
    return gender, age, names


def _differ(a: tuple, b: tuple) -> bool:
    """Whether two person descriptions (gender, age, name words) cannot be the same person."""
    return bool((a[0] and b[0] and a[0] != b[0]) or (a[1] and b[1] and a[1] != b[1])
                or (a[2] and b[2] and not a[2] & b[2]))


def _people(found: list[tuple]) -> list[tuple]:
    """Person descriptions merged into the distinct people they can be, in text order."""
    people: list[tuple] = []
    for who in found:
        k = next((k for k, p in enumerate(people) if not _differ(p, who)), None)
        if k is None:
            people.append(who)
        else:
            p = people[k]
            people[k] = (p[0] or who[0], p[1] or who[1], p[2] | who[2])
    return people


def _distinct_survivors(figures: list[Figure], text: str) -> None:
    """Count the distinct people one report says were killed or hit, one figure each.

    "A 5-year-old boy was shot in the arm ... a 20-year-old woman was shot in the leg" are
    two people: each of those injured figures gets ``persons`` (2), the people the report
    tells apart (gender, age, name). A hit person the report tells apart from every person it
    says died is a survivor: "The 7-year-old has died ... the 8-year-old is hospitalized"
    is one killed and one injured, so the hospitalised one is no longer counted among the
    hit (whom the totals reduce by the killed). Pronouns tell no one apart.
    """
    def singles(event: str) -> list[Figure]:
        return [f for f in figures if f.event == event and f.mention.attrs.get("single") in ("noun", "name")]

    killed = singles("killed")
    dead = _people([_who(f, text) for f in killed])
    injured = singles("injured")
    for f in injured:
        if dead and f.mention.attrs.get("hit") and all(_differ(_who(f, text), d) for d in dead):
            del f.mention.attrs["hit"]
            f.mention.attrs["survivor"] = True
    # The killed are named and described in many ways across a report: only the injured
    # are told apart this way.
    groups = [[f for f in injured if f.mention.attrs.get("hit")],
              [f for f in injured if not f.mention.attrs.get("hit")]]
    for group in groups:
        people = len(_people([_who(f, text) for f in group]))
        for f in group if people > 1 else ():
            f.mention.attrs["persons"] = people


def _figures(ctx: _Context, sent: w.Sentence, item: _Count, cues: list[src.Cue]) -> list[Figure]:
    """One figure per event of a count found in ``sent``."""
    text = ctx.doc.text
    by_event: dict[str, list[int]] = {}
    for event, a, b in item.events:
        span = by_event.setdefault(event, [a, b])
        span[0], span[1] = min(span[0], a), max(span[1], b)
    hit = by_event.pop("hit", None)
    if hit is not None and not ({"killed", "injured"} & by_event.keys()):
        by_event["injured"] = hit  # shot (or hospitalised) without an outcome: hit, killed or not
    hit = hit is not None and "injured" in by_event and not any(e == "injured" for e, _a, _b in item.events)
    start_tok = min(item.qual_start, item.start)
    subject = item.subject
    end_tok = max(item.end, subject[1] if subject and not item.inherited else 0)
    value_span = (sent.starts[item.start], sent.ends[item.end - 1])
    source, source_span, relays = src.attribute(sent, cues, start_tok, end_tok, text, ctx.sources, ctx.source_starts,
                                                ctx.settings.longest_source_name)
    when = src.nearest_date(ctx.dated, ctx.date_starts, (sent.start, sent.end), value_span)
    figures = []
    for event, (a, b) in by_event.items():
        start, end = sent.starts[min(start_tok, a)], sent.ends[max(end_tok, b) - 1]
        if text[end : end + 1] == "”" and text.count("“", start, end) > text.count("”", start, end):
            end += 1  # close a quote the phrase opened: suffered “abusive treatment”
        noise = ctx.doc.in_noise(start, end)
        if noise and noise.kind not in OWN_TEXT_NOISE_KINDS:
            continue
        attrs: dict = {
            "value_span": list(value_span),
            "sentence": [sent.start, sent.end],
            "trigger": text[sent.starts[a] : sent.ends[b - 1]],
        }
        if subject:
            attrs["subject_span"] = [sent.starts[subject[0]], sent.ends[subject[1] - 1]]
        if item.inherited:
            attrs["subject_inherited"] = True
        if event == "injured" and (hit or item.single):
            attrs["hit"] = True
        if item.single:
            attrs["single"] = item.single
        if event in ("killed", "injured") and ctx.sentence_has(w.MANY_INCIDENTS if item.single else w.AGGREGATE,
                                                                sent):
            attrs["aggregate"] = True  # a count over many incidents or a period: not this incident's
        if attrs.get("hit") and item.single == "noun" and _OTHERS.search(text, start, end):
            del attrs["hit"]  # "another man was hospitalized", "two others were shot": not the killed
        if source_span:
            attrs["attribution_span"] = list(source_span)
        if relays:
            attrs["relayed_by"] = relays
        if item.high is not None:
            attrs["range"] = [item.value, item.high]
        if noise:
            attrs["noise_kind"] = noise.kind
        mention = Mention(mention_id(ctx.doc.id, "figure", start, end), ctx.doc.id, start, end, "figure", EXTRACTOR,
                          text[start:end], attrs)
        subject_text = text[attrs["subject_span"][0] : attrs["subject_span"][1]] if subject else None
        figures.append(Figure(mention, event, item.value, item.qualifier, subject_text, source, when))
    return figures


def _subject(sent: w.Sentence, j: int) -> tuple[str, int, str | None]:
    """Classify what follows a count: ("people" | "event" | "bare" | "reject", end, event)."""
    lows, raws, n = sent.lows, sent.raws, len(sent.lows)
    i, last = j, -1
    while i < n and i < j + 8:
        low, raw = lows[i], raws[i]
        if low in w.EVENT_NOUNS:
            return "event", i + 1, w.EVENT_NOUNS[low]  # "300 arrests", "1,417 civilian deaths"
        if w.is_people(low, raw):
            last = i
        elif not (w.is_modifier(low, raw) or (low in ("and", "or", ",") and i > j)):
            break
        i += 1
    if last >= 0:
        # "10,000 displaced people": the event sits in the noun phrase itself.
        hits = [w.match(w.PREDICATES, lows, k) for k in range(j, last) if lows[k] in w.PARTICIPLE_ADJECTIVES]
        return "people", last + 1, next((h[0] for h in hits if h), None)
    if j < n and w.is_modifier(lows[j], raws[j]) and w.predicate(lows, j, True) is None:
        return "reject", j, None
    return "bare", j, None


def _skip_aside(lows: list[str], i: int) -> int:
    """Index after an aside at ``i`` ("( ... )", ", including two children," before a verb), or ``i``."""
    closing = {"(": ")", ",": ","}.get(lows[i])
    for k in range(i + 1, min(len(lows), i + 12)) if closing else ():
        if lows[k] == closing:
            after = k + 1
            # A comma aside counts only when the clause's verb follows it.
            if closing == ")" or (after < len(lows) and (lows[after] in w.AUX or w.predicate(lows, after, True))):
                return after
            return i
        if lows[k] in (";", ".", ":"):
            return i
    return i


def _predicate_events(lows: list[str], k: int, *, relative: bool, strict: bool) -> list[_Hit]:
    """Events predicated of the count whose noun phrase ends before token ``k``."""
    i, after_aux, modal, n = k, False, False, len(lows)
    active = False  # "two children who shot", "the men have shot": the shooters, no victims
    while i < n and i < k + 14:
        hit = w.predicate(lows, i, after_aux)
        if hit:
            if hit[0] == "hit" and active and lows[i] in w.PASSIVE_ONLY:
                return []
            return [] if modal and lows[i] in w.BASE_PREDICATES else _coordinated(lows, hit)
        low = lows[i]
        if low in w.NEGATIONS:
            return []
        if low in w.AUX:
            after_aux = True
            modal = modal or low in w.MODALS
            active = low not in _PASSIVE_AUX
        elif low in w.ADVERBS or (after_aux and low in w.HEDGES):
            pass
        elif low in ("who", "that") and i == k and not strict:
            if not relative:
                return []
            after_aux = active = True  # the relative clause's verb decides, like after an auxiliary
        elif _skip_aside(lows, i) > i:
            i = _skip_aside(lows, i)
            continue
        elif not (after_aux or strict) and w.is_verbish(low) and lows[i + 1 : i + 2] and lows[i + 1] in w.PREPOSITIONS:
            if low in _LEGAL_VERBS:
                return []  # "3 charged in shooting that killed a man": the accused, no victims
            i += 2  # a reduced relative: "200 tourists stranded in the valley were airlifted"
            continue
        elif after_aux or strict or w.is_verbish(low):
            # "was shot and killed": one plain verb coordinated with an event verb.
            if i + 2 < n and lows[i + 1] in ("and", ",") and w.predicate(lows, i + 2, True):
                return _coordinated(lows, w.predicate(lows, i + 2, True))  # type: ignore[arg-type]
            return []
        elif low in w.STOP_PUNCT or low in w.CLAUSE_WORDS or low in NUMBER_WORDS or low[0].isdigit():
            return []
        i += 1
    return []


def _coordinated(lows: list[str], hit: _Hit) -> list[_Hit]:
    """``hit`` plus the event verbs coordinated with it ("detained and tortured")."""
    hits, i, n = [hit], hit[2], len(lows)
    while i < n and lows[i] in (",", "and", "or"):
        j = i + 1
        while j < n and (lows[j] == "and" or lows[j] in w.COORD_SKIP):
            j += 1
        nxt = w.predicate(lows, j, True)
        if nxt is None:
            break
        hits.append(nxt)
        i = nxt[2]
    return hits


def _object_events(lows: list[str], qi: int) -> list[_Hit]:
    """Events whose object is the count starting at ``qi`` ("killing at least 12")."""
    hits = []
    hit = w.object_ending(lows, qi)
    if hit and lows[hit[1]] in w.BASE_FORMS and hit[1] > 0 and lows[hit[1] - 1] in w.MODALS:
        return []  # "threatened to kill 20 people" counts no one
    while hit:
        hits.append(hit)
        j = hit[1]
        hit = w.object_ending(lows, j - 1, nouns=True) if j >= 2 and lows[j - 1] in ("and", ",", "or") else None
    if hits:
        return hits
    # "the death toll rose to 41", "the number of people detained stood at 400"
    j = qi
    while j > 0 and lows[j - 1] in w.TOLL_LINKERS:
        j -= 1
    if j == qi or j == 0:
        return []
    # "the death toll (from Hurricane Ian) climbed to 47"
    toll = next((b for b in range(j - 1, max(j - 6, 0) - 1, -1) if lows[b] == "toll"), None)
    if toll is not None and all(t[:1].isalnum() for t in lows[toll:j]):
        return [("killed", toll, qi)]
    # "the number of people killed in Douma over the past two days at 70"
    tally = next((b for b in range(j - 1, max(j - 12, 0) - 1, -1)
                  if lows[b] in w.TALLY_WORDS or not lows[b][0].isalnum()), None)
    if tally is None or lows[tally] not in w.TALLY_WORDS:
        return []
    for back in range(tally + 1, j):
        event = w.EVENT_NOUNS.get(lows[back]) or ((w.match(w.PREDICATES, lows, back) or (None,))[0])
        if event:
            return [(event, back, qi)]
    return []


def _sentence_counts(sent: w.Sentence, quotes: list[tuple[int, int]], persons: dict[int, int] | None = None
                     ) -> list[_Count]:
    """Every count with its events in one sentence, subjects inherited where missing."""
    lows, raws, n = sent.lows, sent.raws, len(sent.lows)
    found: list[_Count] = []
    last_subject: tuple[int, int] | None = None
    previous: _Count | None = None
    persons = persons or {}
    i = 0
    while i < n:
        low = lows[i]
        item = _singular(sent, i, quotes, persons) if low in _SINGULAR_STARTS else None
        if item is None and (low in ("he", "she") or sent.starts[i] in persons):
            item = _person(sent, i, quotes, persons)
        if item is None and (low[0].isdigit() or low in _COUNT_STARTS or low.partition("-")[0] in NUMBER_WORDS):
            item = _numeric(sent, i)
        if item is None:
            i += 1
            continue
        if not item.events and previous is not None and previous.object_of == item.qual_start - 1 \
                and lows[previous.object_of] in ("and", ","):
            # "abducted about 80 students and five teachers": the verb governs both objects.
            item.events, item.object_of = previous.events, -1
        if item.subject is not None and item.value > 1:
            last_subject = item.subject
        elif last_subject is not None and item.events:
            item.subject, item.inherited = last_subject, True
        if item.events:
            found.append(item)
            previous = item
        i = max(i + 1, item.next)
    return found


def _singular(sent: w.Sentence, i: int, quotes: list[tuple[int, int]], persons: dict[int, int] | None = None
              ) -> _Count | None:
    """"a man was shot and killed", "the 23-year-old died", "both men were wounded": a count
    of one (two for "both"), without events when it is no figure."""
    lows, raws, n = sent.lows, sent.raws, len(sent.lows)
    persons = persons or {}
    both = lows[i] == "both"
    people = w.PEOPLE if both else w.SINGULAR_PEOPLE
    k, aged = i + 1, -1
    while k < n and k <= i + 5 and lows[k] not in people:
        if w.YEAR_OLD.match(lows[k]):
            aged = k
        elif not w.is_modifier(lows[k], raws[k]) or (lows[k] in w.PEOPLE and not both):
            break
        k += 1
    if k < n and lows[k] in people:
        end = k + 1
    elif aged >= 0 and not both and k == aged + 1:
        end = k  # "a 23-year-old was shot"
    else:
        return None  # maybe "a dozen", "one was killed": the numeric reading decides
    if lows[i] in ("the", *_POSSESSIVES) and (end < n and lows[end] in ("of", "'s", "’s")):
        return None  # "the father of the victim", "the victim's mother"
    possessive = lows[i] in _POSSESSIVES
    value, end = _coordinated_victims(sent, 2 if both else 1, end, persons)
    found = _Count(value, i, i + 1, i, "exact", [], (i + 1, end), end, single="noun" if value == 1 else "")
    before = lows[i - 1] if i else ""
    # "said one person who was arrested", "like a man", testimony in quotes: no count.
    speaker = before in w.REPORT_VERBS and (lows[end : end + 1] in (["who"], [","]) or (i > 1 and lows[i - 2] == ","))
    objects = [e for e in _object_events(lows, i) if e[0] in w.PERSON_EVENTS] if lows[i] not in ("the", "both") else []
    if (speaker or before in ("of", "than", "like", "as", "with") or w.in_spans(quotes, sent.starts[i])) and not (
            objects and before == "of" and not w.in_spans(quotes, sent.starts[i])):  # "the death of a man" counts
        return None if possessive else found
    found.events = objects
    if possessive:  # "killed his wife and four daughters"
        found.events = [e for e in found.events if e[0] in ("killed", "injured")]
        return found if found.events else None
    if not found.events:
        found.events = _clause_events(sent, end, w.SINGULAR_EVENTS if not both else w.PERSON_EVENTS)
    return found


def _victim(sent: w.Sentence, i: int, persons: dict[int, int]) -> tuple[int, int] | None:
    """One person phrase at token ``i`` ("his daughter", "a 23-year-old woman", "four children",
    "Jane Doe"): (people counted, end token), or None."""
    lows, raws, n = sent.lows, sent.raws, len(sent.lows)
    if i >= n:
        return None
    if sent.starts[i] in persons:
        end = i + 1
        while end < n and sent.ends[end] <= persons[sent.starts[i]]:
            end += 1
        return 1, end
    value, k = 1, i
    if lows[i] in ("a", "an", "the", "his", "her", "their", "another"):
        k = i + 1
    if k < n and (lows[k][0].isdigit() or lows[k] in NUMBER_WORDS):
        count = parse_count(lows, k)
        if count is None or non_count_reason(lows, count):
            return None
        value, k = count.value, count.end
    people = w.SINGULAR_PEOPLE if value == 1 else w.PEOPLE
    start = k
    while k < n and k <= start + 4 and lows[k] not in people and (
            w.YEAR_OLD.match(lows[k]) or (w.is_modifier(lows[k], raws[k]) and lows[k] not in w.PEOPLE)):
        k += 1
    if k < n and lows[k] in people and k > i:
        return value, k + 1
    if k > start and w.YEAR_OLD.match(lows[k - 1]) and value == 1:
        return 1, k
    return None


def _coordinated_victims(sent: w.Sentence, value: int, end: int, persons: dict[int, int]) -> tuple[int, int]:
    """"A man and his daughter were found dead": the people of coordinated phrases, summed."""
    lows = sent.lows
    listed: list[tuple[int, int]] = []
    k = end
    for _ in range(6):
        if k + 1 < len(lows) and lows[k] in (",", "and"):
            if lows[k] == "," and lows[k + 1 : k + 2] == ["and"] and not listed:
                break  # "Cedric Ford, and 14 others": an aside, not a list
            nxt = _victim(sent, k + 1 + (lows[k] == "," and lows[k + 1 : k + 2] == ["and"]), persons)
            if nxt is None:
                break
            listed.append(nxt)
            if lows[k] == "and" or lows[k + 1 : k + 2] == ["and"]:
                return value + sum(v for v, _e in listed), nxt[1]  # "A, B and C": the list is complete
            k = nxt[1]
        else:
            break
    return value, end


def _person(sent: w.Sentence, i: int, quotes: list[tuple[int, int]], persons: dict[int, int]) -> _Count | None:
    """"Jane Doe, 27, was pronounced dead", "he died": one named victim or a pronoun."""
    lows, n = sent.lows, len(sent.lows)
    if lows[i] in ("he", "she"):
        end = i + 1
    else:
        stop = persons[sent.starts[i]]
        end = i + 1
        while end < n and sent.ends[end] <= stop:
            end += 1
    if w.in_spans(quotes, sent.starts[i]) or (i > 1 and lows[i - 1] in w.REPORT_VERBS and lows[i - 2] == ","):
        return None  # ", said John Smith, who ...": a speaker
    kind = "pronoun" if end == i + 1 and lows[i] in ("he", "she") else "name"
    value, end = _coordinated_victims(sent, 1, end, persons) if kind == "name" else (1, end)
    # "claimed the life of 17-year-old Jane Doe", "the death of Jane Doe"
    lead = i - 1 if i and w.YEAR_OLD.match(lows[i - 1]) else i
    events = [e for e in _object_events(lows, lead) if e[0] in w.PERSON_EVENTS] if kind == "name" else []
    events = events or _clause_events(sent, end, w.PERSON_EVENTS)
    return _Count(value, i, end, i, "exact", events, (i, end), end, single=kind if value == 1 else "")


def _care(lows: list[str], i: int) -> _Hit | None:
    """"taken to Mercy Regional Medical Center", "suffered a self-inflicted gunshot wound": hit."""
    low = lows[i]
    if low in w.CARE_VERBS and lows[i + 1 : i + 2] == ["to"]:
        for j in range(i + 2, min(i + 9, len(lows))):
            if lows[j] in w.CARE_PLACES:
                return "hit", i, j + 1
            if lows[j] in w.STOP_PUNCT and not (lows[j] == "." and len(lows[j - 1]) <= 3):  # "St. Elizabeth"
                break
    elif low in w.WOUND_VERBS:
        for j in range(i + 1, min(i + 6, len(lows))):
            if lows[j] in w.WOUNDS:
                return "hit", i, j + 1
            if lows[j] in w.STOP_PUNCT:
                break
    return None


def _clause_events(sent: w.Sentence, k: int, allowed: frozenset[str]) -> list[_Hit]:
    """Event predicates of a one-person subject ending before token ``k``, in its clause.

    Asides after the subject are skipped (", 27,", ", a Lorain man,"); the clause is read
    up to a clause boundary ("was taken to a hospital and later pronounced dead"). Verbs
    that take an object need an auxiliary: "a man who shot ..." is no victim.
    """
    lows, raws, n = sent.lows, sent.raws, len(sent.lows)
    # ", 27, of Tyler," / ", a 23-year-old Lorain man,": appositions of the subject.
    for _ in range(2):
        if k < n and lows[k] in (",", "("):
            close = "," if lows[k] == "," else ")"
            j = k + 1
            while j < n and j <= k + 10 and lows[j] != close and lows[j] not in w.STOP_PUNCT and not (
                    lows[j] in w.AUX or (raws[j][:1].islower() and w.is_verbish(lows[j]) and lows[j] != "aged")):
                j += 1
            if j < n and lows[j] == close and j > k + 1:
                k = j + 1
                if k < n and lows[k] == "of" and close == ",":  # ", 27, of Tyler,"
                    after = next((c for c in range(k + 1, min(k + 7, n)) if lows[c] == ","), -1)
                    k = after + 1 if after > 0 else k
            else:
                break
    if k < n and lows[k] in ("who", "that"):
        k += 1
    hits: list[_Hit] = []
    aux = False
    i = k
    while i < n and i < k + 18:
        low = lows[i]
        hit = w.match(w.PREDICATES, lows, i) or _care(lows, i)
        if hit:
            if hit[0] in allowed and (aux or lows[i] not in w.PASSIVE_ONLY):
                hits.append(hit)
            i = hit[2]
            continue
        if low in w.NEGATIONS or low in w.MODALS - {"to"} or (low in w.CLAUSE_WORDS and low != "and") \
                or (low in w.REPORT_VERBS and not hits) \
                or low in (";", ":", "(", ")", "?", "who", "which", "where", "when") or low in w.PRONOUNS:
            break
        if low in _PASSIVE_AUX:
            aux = True  # "was shot", "had been shot" (never "had shot": the shooter)
        elif low == ",":
            if not hits or lows[i + 1 : i + 2] != ["but"]:
                break
            i += 2  # "was rushed to a hospital, but died the next day" goes on
            continue
        i += 1
    if any(h[0] == "killed" for h in hits):
        return [h for h in hits if h[0] == "killed"]  # one person "died in hospital" is no injury
    return hits


def _numeric(sent: w.Sentence, i: int) -> _Count | None:
    """A count written in digits or words at token ``i`` with its events, or None."""
    lows, raws, n = sent.lows, sent.raws, len(sent.lows)
    count = parse_count(lows, i)
    if count is None or count.value < 1:
        return None
    reason = non_count_reason(lows, count)
    if reason == "year" and not (count.end < n and w.is_people(lows[count.end], raws[count.end])):
        return None
    if reason and reason != "year":
        return None
    if i >= 2 and lows[i - 1] == "," and (raws[i - 2][:1].isupper() or raws[i - 2] == ".") and raws[i][0].isdigit() \
            and lows[count.end : count.end + 1] in ([","], [")"], ["of"], ["and"]) and count.value <= 120:
        return None  # "Jane Doe, 27, of Tyler", "Larry Lynch Jr., 28,": an age after a name
    if i >= 1 and lows[i - 1] == "(" and raws[i][0].isdigit() and lows[count.end : count.end + 1] == [")"]:
        return None  # "Jane Doe (27)"
    prev = raws[i - 1] if i > 1 else ""  # a capitalised sentence opener is no name
    # "FRANCE 24", "Flight 17": a number glued to a name is a label.
    if raws[i][0].isdigit() and prev[:1].isupper() and prev.isalpha() and lows[i - 1] not in w.TOLL_LINKERS \
            and w.object_ending(lows, i) is None and qualifier_before(lows, i)[0] is None:
        return None
    qualifier, qi = qualifier_before(lows, i)
    post, j = qualifier_after(lows, count.end)
    fatally = lows[j : j + 1] == ["fatally"] or lows[j : j + 3] == ["of", "them", "fatally"]
    if fatally and lows[i] in ("one", "1", "two", "three", "2", "3") and i > 0 and lows[i - 1] in (",", "and"):
        # "Two people were shot, one fatally"
        end = j + (1 if lows[j] == "fatally" else 3)
        return _Count(count.value, i, count.end, i, "exact", [("killed", j, end)], None, end)
    if (j < n and lows[j] == "of") or (qi > 0 and lows[qi - 1] in w.SUBSETS):
        return None
    kind, sub_end, sub_event = _subject(sent, j)
    if kind == "reject":
        return None
    events = _object_events(lows, qi)
    object_of = sub_end if events else -1
    if not events:
        events = _predicate_events(lows, sub_end if kind != "bare" else j, relative=True, strict=False)
    if not events and sub_event:
        events = [(sub_event, j, sub_end)]
    if count.value == 1 and lows[i] == "one":
        events = [e for e in events if e[0] in w.SINGULAR_EVENTS]
    return _Count(count.value, i, count.end, qi, qualifier or post or count.qualifier or "exact", events,
                  (j, sub_end) if kind == "people" else None, j, count.high, object_of=object_of)
