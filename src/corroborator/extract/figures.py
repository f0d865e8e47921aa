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
  torture?); "beaten in custody" is ``tortured``; "missing" is ``disappeared``,
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
- Partitives and subsets ("one of the 6", "two of the wounded", "including three
  children") are not figures; "dozens"/"hundreds" carry no value and are skipped.
- A count without a subject after a counted subject in the same sentence inherits it:
  "Four people are dead and two are injured" gives two ``people`` figures.
- The original source is the innermost reporting clause around the figure; outer ones
  are relays: "The network reported that ..., reports The Moscow Times".
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from corroborator.extract import _figure_sources as src
from corroborator.extract import _figure_words as w
from corroborator.extract.numbers import (
    NUMBER_WORDS,
    non_count_reason,
    parse_count,
    qualifier_after,
    qualifier_before,
)
from corroborator.model import OWN_TEXT_NOISE_KINDS, Document, Figure, Mention, mention_id
from corroborator.text import sentences

logger = logging.getLogger(__name__)

EXTRACTOR = "figures.rules.v1"
_COUNT_STARTS = NUMBER_WORDS | {"a", "an", "half"}
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


@dataclass(frozen=True, slots=True)
class _Context:
    """Per-document lookups shared by every sentence."""

    doc: Document
    sources: list[Mention]
    source_starts: list[int]
    dated: list[Mention]
    date_starts: list[int]


def extract_figures(doc: Document, entities: Sequence[Mention], dates: Sequence[Mention] = ()) -> list[Figure]:
    """Find the counts of people killed, injured, detained, ... in one document.

    Args:
        doc: The document; its noise spans are skipped except the headline.
        entities: Entity mentions (``attrs["label"]``); ORG and PERSON names found in
            a source phrase become ``attributed_to``.
        dates: Date mentions (``attrs["value"]``); the one nearest the figure in its
            sentence becomes ``when``.

    Returns:
        Figures in text order, one per (count, event).
    """
    sources = sorted((m for m in entities if m.attrs.get("label") in _SOURCE_LABELS), key=lambda m: m.start)
    dated = sorted((m for m in dates if m.kind == "date" and m.attrs.get("value")), key=lambda m: m.start)
    ctx = _Context(doc, sources, [m.start for m in sources], dated, [m.start for m in dated])
    quotes: list[tuple[int, int]] | None = None
    figures: list[Figure] = []
    seen: set[str] = set()
    for s_start, s_end in sentences(doc.text):
        noise = doc.in_noise(s_start, s_end)
        if (noise and noise.kind not in OWN_TEXT_NOISE_KINDS) or not w.HINT.search(doc.text, s_start, s_end):
            continue
        if quotes is None:
            quotes = [m.span() for m in w.QUOTE.finditer(doc.text)]
        sent = w.tokenize(doc.text, s_start, s_end)
        cues: list[src.Cue] | None = None
        for item in _sentence_counts(sent, quotes):
            cues = src.find_cues(sent) if cues is None else cues
            for figure in _figures(ctx, sent, item, cues):
                if figure.mention.id not in seen:
                    seen.add(figure.mention.id)
                    figures.append(figure)
    logger.debug("%s: %d figures", doc.id, len(figures))
    return figures


def _figures(ctx: _Context, sent: w.Sentence, item: _Count, cues: list[src.Cue]) -> list[Figure]:
    """One figure per event of a count found in ``sent``."""
    text = ctx.doc.text
    by_event: dict[str, list[int]] = {}
    for event, a, b in item.events:
        span = by_event.setdefault(event, [a, b])
        span[0], span[1] = min(span[0], a), max(span[1], b)
    start_tok = min(item.qual_start, item.start)
    subject = item.subject
    end_tok = max(item.end, subject[1] if subject and not item.inherited else 0)
    value_span = (sent.starts[item.start], sent.ends[item.end - 1])
    source, source_span, relays = src.attribute(sent, cues, start_tok, end_tok, text, ctx.sources, ctx.source_starts)
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
    while i < n and i < k + 14:
        hit = w.predicate(lows, i, after_aux)
        if hit:
            return [] if modal and lows[i] in w.BASE_PREDICATES else _coordinated(lows, hit)
        low = lows[i]
        if low in w.NEGATIONS:
            return []
        if low in w.AUX:
            after_aux = True
            modal = modal or low in w.MODALS
        elif low in w.ADVERBS or (after_aux and low in w.HEDGES):
            pass
        elif low in ("who", "that") and i == k and not strict:
            if not relative:
                return []
            after_aux = True  # the relative clause's verb decides, like after an auxiliary
        elif _skip_aside(lows, i) > i:
            i = _skip_aside(lows, i)
            continue
        elif not (after_aux or strict) and w.is_verbish(low) and lows[i + 1 : i + 2] and lows[i + 1] in w.PREPOSITIONS:
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


def _sentence_counts(sent: w.Sentence, quotes: list[tuple[int, int]]) -> list[_Count]:
    """Every count with its events in one sentence, subjects inherited where missing."""
    lows, raws, n = sent.lows, sent.raws, len(sent.lows)
    found: list[_Count] = []
    last_subject: tuple[int, int] | None = None
    previous: _Count | None = None
    i = 0
    while i < n:
        low = lows[i]
        item = _singular(sent, i, quotes) if low in ("a", "an", "another", "one") else None
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


def _singular(sent: w.Sentence, i: int, quotes: list[tuple[int, int]]) -> _Count | None:
    """"a man was shot and killed": a count of one (without events when it is no figure)."""
    lows, raws, n = sent.lows, sent.raws, len(sent.lows)
    k = i + 1
    while k < n and k <= i + 4 and lows[k] not in w.SINGULAR_PEOPLE and w.is_modifier(lows[k], raws[k]):
        k += 1
    if k >= n or lows[k] not in w.SINGULAR_PEOPLE:
        return None  # maybe "a dozen", "one was killed": the numeric reading decides
    found = _Count(1, i, i + 1, i, "exact", [], (i + 1, k + 1), k + 1)
    before = lows[i - 1] if i else ""
    # "said one person who was arrested", "like a man", testimony in quotes: no count.
    if before in w.REPORT_VERBS or before in ("of", "than", "like", "as", "with") or w.in_spans(quotes, sent.starts[i]):
        return found
    found.events = [e for e in _object_events(lows, i) if e[0] in ("killed", "injured")]
    if not found.events:
        strict = _predicate_events(lows, k + 1, relative=False, strict=True)
        found.events = [e for e in strict if e[0] in w.SINGULAR_EVENTS]
    return found


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
    prev = raws[i - 1] if i > 1 else ""  # a capitalised sentence opener is no name
    # "FRANCE 24", "Flight 17": a number glued to a name is a label.
    if raws[i][0].isdigit() and prev[:1].isupper() and prev.isalpha() and lows[i - 1] not in w.TOLL_LINKERS \
            and w.object_ending(lows, i) is None and qualifier_before(lows, i)[0] is None:
        return None
    qualifier, qi = qualifier_before(lows, i)
    post, j = qualifier_after(lows, count.end)
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
