"""Russian figures: counts of people killed, injured, detained, ... with qualifier, subject, source.

The same contract as :mod:`corroborator.analyze.figures`: one
:class:`~corroborator.model.Figure` per (count, event), the same event kinds (killed,
injured, detained, tortured, disappeared, fled, evacuated) and qualifiers (exact,
at_least, more_than, at_most, about); the mention spans the figure phrase from the first
of (event word before the count, qualifier, number) to the last of (people noun, event
word after it); ``attrs`` ``value_span``, ``sentence``, ``trigger``, and when known
``subject_span``, ``attribution_span``, ``range``, ``vague``, ``noise_kind``.

Event words are matched by pymorphy3 lemma, so every form counts: "задержаны",
"задержали", "были задержаны", "задержанных" are all ``задержать``. Counts are read by
:mod:`corroborator.analyze.ru._numbers` (digits, number words in every case).

Decisions (precision first):

- A count needs an event word in its clause: a predicate after it ("более 100 человек
  задержаны", "не менее трёх погибли", "подверглись пыткам", "пропали без вести"), a verb
  before it (Russian puts it first as often: "задержали более 100 человек", "погибли
  трое"), an event noun before it ("гибель трёх человек", "задержание 40 мужчин") or an
  event participle as its noun ("12 раненых", "трое погибших"). Asides between them ("по
  данным «Новой газеты»," set off by commas) are skipped; another count, a clause word
  ("но", "а", "однако"), a negation ("не были задержаны") or an unrelated finite verb ends
  the search. An infinitive is hypothetical ("угрожали убить") unless "удалось/смогли/
  помогли" precede it.
- Only people are counted: the noun after the count (past up to three adjectives) must be
  a people noun ("человек", "мужчин", "жителей", any animate common noun) or absent; "три
  дня", "100 рублей", "3%" are no counts. Collective numbers ("трое", "двое") are people by
  themselves. Numbers inside a date mention are never counts. A participle naming the
  people by what happened to them ("100 задержанных") counts them for that event, unless
  the clause goes on to say something else of them ("шесть задержанных были избиты").
  A count of one is kept for killed, injured and disappeared only, as in English.
- Subsets are no figures ("в том числе 1 200 детей", "среди них 41 ребёнок"), nor is the
  state of people counted before ("один из них в тяжёлом состоянии"); "трое из них
  погибли" is.
- "десятки", "сотни", "тысячи" are the lowest reading of the plural (20, 200, 2000),
  ``at_least`` and ``vague``; "число погибших возросло до 40" is 40 killed (``exact``;
  "превысило 100" is ``more_than``).
- The source is the reporting phrase of the sentence nearest the count: "по данным X",
  "по словам X", "по информации X", "согласно X", "как сообщает X", "X сообщил(и)/заявил",
  ", — сообщили в X"; a PERSON or ORG entity in it names it by its nominative form
  (``attrs["lemma"]``), else the phrase itself.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from corroborator.analyze._figure_sources import nearest_date
from corroborator.analyze._shared import text_sentences
from corroborator.analyze.ru import _sources as src
from corroborator.analyze.ru import _words as w
from corroborator.analyze.ru._numbers import Count, is_number_start, parse_count, qualifier_after, qualifier_before
from corroborator.model import OWN_TEXT_NOISE_KINDS, Document, Figure, Mention, mention_id
from corroborator.settings import DEFAULTS, FigureSettings

logger = logging.getLogger(__name__)

EXTRACTOR = "figures.rules.v1"
_SOURCE_LABELS = frozenset({"ORG", "PERSON", "GPE"})
_LOOK_AFTER = 10
_LOOK_BEFORE = 7

#: An event word tied to a count: (event, first token, end token).
_Hit = tuple[str, int, int]


@dataclass(slots=True)
class _Found:
    """A count in a sentence, in token indices, with the events it is tied to."""

    count: Count
    qual_start: int
    qualifier: str
    subject: tuple[int, int] | None
    events: list[_Hit] = field(default_factory=list)


def extract_figures_ru(doc: Document, entities: Sequence[Mention], dates: Sequence[Mention] = (),
                       settings: FigureSettings = DEFAULTS.figures) -> list[Figure]:
    """Find the counts of people killed, injured, detained, ... in one Russian document.

    Args:
        doc: The document; noise spans are skipped except the headline.
        entities: Entity mentions (``attrs["label"]``, ``attrs["lemma"]``); a PERSON or
            ORG in a source phrase becomes ``attributed_to``.
        dates: Date mentions: numbers inside them are no counts, and the resolved one
            nearest the figure in its sentence becomes ``when``.
        settings: Figure settings (shared with English).

    Returns:
        Figures in text order, one per (count, event).
    """
    del settings  # the Russian rules have no thresholds yet; the argument keeps the English signature
    sources = sorted((m for m in entities if m.attrs.get("label") in _SOURCE_LABELS), key=lambda m: m.start)
    all_dates = sorted((m for m in dates if m.kind == "date"), key=lambda m: m.start)
    dated = [m for m in all_dates if m.attrs.get("value")]
    date_spans = [(m.start, m.end) for m in all_dates]
    figures: list[Figure] = []
    for s_start, s_end in text_sentences(doc.text):
        noise = doc.in_noise(s_start, s_end)
        if noise and noise.kind not in OWN_TEXT_NOISE_KINDS:
            continue
        sent = w.tokenize(doc.text, s_start, s_end)
        found = _counts(sent, date_spans)
        if not found:
            continue
        cues = src.find_cues(sent)
        for item in found:
            figures.extend(_figures(doc, sent, item, cues, sources, dated, noise.kind if noise else None))
    logger.debug("%s: %d Russian figures", doc.id, len(figures))
    return figures


def _in_date(date_spans: list[tuple[int, int]], start: int) -> bool:
    """Whether ``start`` lies inside one of the sorted date spans."""
    k = bisect.bisect_right(date_spans, (start, float("inf"))) - 1
    return k >= 0 and date_spans[k][0] <= start < date_spans[k][1]


def _counts(sent: w.Sentence, date_spans: list[tuple[int, int]]) -> list[_Found]:
    """Every count of people with its events in one sentence."""
    lows, n = sent.lows, len(sent.lows)
    found: list[_Found] = []
    i = 0
    while i < n:
        if not is_number_start(lows[i]) or _in_date(date_spans, sent.starts[i]):
            i += 1
            continue
        count = parse_count(lows, i)
        if count is None or count.value < 1:
            i += 1
            continue
        item = _read(sent, count)
        if item is not None and item.events:
            found.append(item)
        i = max(i + 1, count.end)
    return found


def _read(sent: w.Sentence, count: Count) -> _Found | None:
    """The subject, qualifier and events of one count, or None when it counts no people."""
    lows, n = sent.lows, len(sent.lows)
    if count.end < n and (lows[count.end] in ("%", "‰") or w.analysis(lows[count.end])[0] & {"процент"}):
        return None  # a share, not a count
    qualifier, qi = qualifier_before(lows, count.start)
    post, j = qualifier_after(lows, count.end)
    if _subset(lows, qi):
        return None  # "в том числе 1 200 детей", "среди погибших – 11 военнослужащих"
    toll = _toll(lows, qi if qualifier != "at_most" else count.start)
    if toll is not None:
        event, a, qual = toll
        return _Found(count, count.start, qual if qual != "exact" else (count.qualifier or "exact"), None,
                      [(event, a, a + 1)])
    partitive = j < n and lows[j] == "из"
    if partitive:
        j = min(n, j + 2)  # "трое из них погибли", "двое из задержанных"
    k = j
    events: list[_Hit] = []
    substantive = False
    while k < n and k < j + 3 and w.is_modifier(lows[k]) and not w.is_people(lows[k]):
        hit = w.trigger(lows[k], nouns=False)
        last = not (k + 1 < n and (w.is_people(lows[k + 1]) or w.is_modifier(lows[k + 1])))
        if hit:
            events.append((hit[0], k, k + 1))  # "40 задержанных мужчин"
        if last and (hit or _plural(lows[k])):
            substantive = True  # "десятки задержанных", "десятерых осуждённых": the adjective is the noun
            break
        k += 1
    subject: tuple[int, int] | None = None
    if substantive:
        subject = (j, k + 1)
        after = k + 1
        if not _after(lows, after) and _goes_on(lows, after):
            return None  # "шесть задержанных были избиты", "двоих похищенных отпустили": said of them, not counted
    elif k < n and w.is_people(lows[k]):
        subject = (j, k + 1)
        hit = w.trigger(lows[k], nouns=False)
        if hit and lows[k] not in ("человек", "людей"):
            events.append((hit[0], k, k + 1))  # "12 раненых", "трое погибших"
        after = k + 1
    elif k < n and w.analysis(lows[k])[0] & w.CASE_NOUNS and k + 1 < n and w.trigger(lows[k + 1]):
        return _Found(count, qi, qualifier or post or count.qualifier or "exact", None,
                      [(w.trigger(lows[k + 1])[0], k, k + 2)])  # "27 случаев похищений"
    elif k < n and lows[k][:1].isalpha() and w.is_noun(lows[k]) and not w.trigger(lows[k]):
        return None  # "три дня", "100 рублей"
    else:
        after = k
        if k > j:
            subject = None
    if count.vague and subject is None:
        return None  # "сотни" alone: of what?
    events += [e for e in _after(lows, after) if all(e[0] != f[0] for f in events)]
    if not events:
        events = _before(lows, qi)
    if count.value == 1 and not count.collective:
        events = [e for e in events if e[0] in w.SINGULAR_EVENTS]
    if partitive and all(e[0] == "hit" for e in events):
        return None  # "один из них в тяжёлом состоянии": the state of people counted before
    return _Found(count, qi, qualifier or post or count.qualifier or "exact", subject, events)


def _plural(low: str) -> bool:
    """Whether the token's best reading is plural."""
    found = w.parses(low)
    return bool(found) and found[0].tag.number == "plur"


def _without_trace(lows: list[str], i: int) -> int:
    """The end of an event word at ``i``, "без вести" included ("пропали без вести")."""
    return i + 3 if lows[i + 1 : i + 3] == ["без", "вести"] else i + 1


def _subset(lows: list[str], qi: int) -> bool:
    """Whether a subset word opens the phrase of the count ("среди них", "в том числе", "включая")."""
    for i in range(qi - 1, max(qi - 4, -1), -1):
        if lows[i] in w.SUBSET_WORDS and (lows[i] != "числе" or lows[i - 1 : i] == ["том"]):
            return True
        if lows[i] in w.STOP_PUNCT or lows[i] == ",":
            return False
    return False


def _goes_on(lows: list[str], k: int) -> bool:
    """Whether the clause after token ``k`` says something else of the subject (a verb that is no event)."""
    for i in range(k, min(k + 4, len(lows))):
        lemmas = w.analysis(lows[i])[0]
        if lemmas & w.AUX or w.is_adverb(lows[i]):
            continue
        return w.is_finite_verb(lows[i]) and w.trigger(lows[i]) is None and not lemmas & w.SUPPORT_VERBS
    return False


def _toll(lows: list[str], qi: int) -> tuple[str, int, str] | None:
    """"число погибших возросло до 40", "количество задержанных превысило 100": (event, token, qualifier)."""
    k = qi - 1
    if k >= 0 and lows[k] == "до":
        k -= 1
    if k < 0:
        return None
    verb = next((w.TOLL_VERBS[lemma] for lemma in w.analysis(lows[k])[0] if lemma in w.TOLL_VERBS), None)
    if verb is None:
        return None
    for b in range(k - 1, max(k - 14, -1), -1):
        if lows[b] in w.STOP_PUNCT:
            return None
        if w.analysis(lows[b])[0] & w.TOLL_NOUNS:
            for c in range(b + 1, min(b + 3, k)):
                hit = w.trigger(lows[c])
                if hit:
                    return hit[0], c, verb
            return None
    return None


def _stops(low: str) -> bool:
    """Whether a token ends a clause (strong punctuation or "но", "а", "однако" ...)."""
    return low in w.STOP_PUNCT or low in w.CLAUSE_STOPS


def _after(lows: list[str], k: int) -> list[_Hit]:
    """Event predicates after the count's noun phrase, in its clause."""
    hits: list[_Hit] = []
    n = len(lows)
    i = k
    while i < n and i < k + _LOOK_AFTER:
        low = lows[i]
        if _stops(low) or is_number_start(low):
            break
        if low == ",":
            skip = _aside(lows, i)
            if skip is None:
                if hits or lows[i + 1 : i + 2] in (["которые"], ["которых"], ["и"]):
                    i += 1
                    continue
                break
            i = skip
            continue
        if low in w.NEGATIONS:
            break
        condition = _condition(lows, i)
        if condition:
            hits.append(condition)
            i = condition[2]
            continue
        hit = w.trigger(low)
        if hit and hit[1] in w.NOUNS and hit[1] != "стража" and _after_preposition(lows, i):
            break  # "пострадали при задержании", "погибли в результате пыток": a circumstance
        if hit:
            lemmas, pos, infinitive = w.analysis(low)
            if infinitive and not (i and w.analysis(lows[i - 1])[0] & w.REAL_INFINITIVE):
                break
            end = _without_trace(lows, i)
            hits.append((hit[0], i, end))
            i = end
            continue
        lemmas, pos, _inf = w.analysis(low)
        if lemmas & w.AUX or w.is_adverb(low) or low in ("и", "под", "в", "во", "без", "вести", "не"):
            i += 1
            continue
        if hits and not w.is_finite_verb(low):
            i += 1
            continue
        if w.is_finite_verb(low) and not (lemmas & w.REAL_INFINITIVE or lemmas & w.SUPPORT_VERBS):
            if not (lemmas & w.REPORT_VERBS and not hits):
                break
        i += 1
    return _one_clause(hits)


def _condition(lows: list[str], i: int) -> _Hit | None:
    """"в тяжёлом состоянии" at token ``i``: hurt (``hit``), alive when reported."""
    if lows[i] not in ("в", "во") or i + 2 >= len(lows):
        return None
    for k in (i + 2, i + 3):
        if k < len(lows) and w.analysis(lows[k])[0] & {"состояние"} and \
                all(w.analysis(lows[c])[0] & w.CONDITION_WORDS for c in range(i + 1, k)):
            return "hit", i, k + 1
    return None


def _after_preposition(lows: list[str], i: int) -> bool:
    """Whether a preposition opens the phrase of token ``i`` ("при задержании", "в результате пыток")."""
    return any("PREP" in w.analysis(lows[k])[1] for k in range(max(0, i - 2), i))


def _one_clause(hits: list[_Hit]) -> list[_Hit]:
    """Drop noun hits that only repeat an event a verb already gave."""
    seen: list[_Hit] = []
    for hit in hits:
        if all(hit[0] != s[0] for s in seen):
            seen.append(hit)
    return seen


def _aside(lows: list[str], i: int) -> int | None:
    """The token after an aside that starts at the comma at ``i`` (", по данным X,"), or None."""
    first = lows[i + 1] if i + 1 < len(lows) else ""
    if first not in ("по", "как", "согласно", "в", "во", "—", "-", "то"):
        return None
    for k in range(i + 2, min(i + 12, len(lows))):
        if lows[k] == ",":
            return k + 1
        if lows[k] in w.STOP_PUNCT:
            return None
    return None


def _before(lows: list[str], qi: int) -> list[_Hit]:
    """An event verb or noun before the count: "задержали более 100", "гибель трёх"."""
    if qi and (w.analysis(lows[qi - 1])[0] & set(w.OBJECT_ONLY)):
        lemma = next(iter(w.analysis(lows[qi - 1])[0] & set(w.OBJECT_ONLY)))
        return [(w.OBJECT_ONLY[lemma], qi - 1, qi)]
    hits: list[_Hit] = []
    supported = False
    for i in range(qi - 1, max(qi - 1 - _LOOK_BEFORE, -1), -1):
        low = lows[i]
        if _stops(low) or low == "," or (is_number_start(low)):
            break
        lemmas, pos, infinitive = w.analysis(low)
        helped = i > 0 and bool(w.analysis(lows[i - 1])[0] & w.HELP_VERBS)
        if lemmas & w.LEAVE_VERBS and helped:
            hits.append(("evacuated", i - 1, i + 1))  # "помогла покинуть Чечню 151 человеку"
            break
        hit = w.trigger(low, nouns=(i == qi - 1 or supported))
        if hit:
            negated = i > 0 and lows[i - 1] in w.NEGATIONS
            if negated or (infinitive and not (i and w.analysis(lows[i - 1])[0] & w.REAL_INFINITIVE)):
                break
            hits.append((hit[0], i, _without_trace(lows, i)))
            if i and lows[i - 1] == "и" and i > 1 and w.trigger(lows[i - 2], nouns=False):
                hits.append((w.trigger(lows[i - 2], nouns=False)[0], i - 2, i - 1))  # "задержали и пытали"
            break
        if lemmas & w.SUPPORT_VERBS:
            supported = True  # "пыткам подверглись не менее 15", "под стражу были взяты около 40"
            continue
        if lemmas & w.AUX or w.is_adverb(low) or low in ("в", "во", "на", "из", "под", "без", "вести"):
            continue
        if w.is_finite_verb(low) or lemmas & w.REPORT_VERBS:
            break
        supported = supported and "NOUN" in pos  # "Жертвами нападения стали 12 человек"
    return _one_clause(hits)


def _figures(doc: Document, sent: w.Sentence, item: _Found, cues: list[src.Cue], sources: list[Mention],
             dated: list[Mention], noise_kind: str | None) -> list[Figure]:
    """One figure per event of a count."""
    text = doc.text
    count = item.count
    start_tok = min(item.qual_start, count.start)
    end_tok = max(count.end, item.subject[1] if item.subject else 0)
    value_span = (sent.starts[count.start], sent.ends[count.end - 1])
    by_event: dict[str, list[int]] = {}
    for event, a, b in item.events:
        span = by_event.setdefault(event, [a, b])
        span[0], span[1] = min(span[0], a), max(span[1], b)
    if "hit" in by_event:
        hit = by_event.pop("hit")
        if not {"killed", "injured"} & by_event.keys():
            by_event["injured"] = hit
    attributed, source_span = src.source(sent, cues, min(start_tok, *(a for a, _ in by_event.values())),
                                      max(end_tok, *(b for _, b in by_event.values())), sources)
    when = nearest_date(dated, [m.start for m in dated], (sent.start, sent.end), value_span)
    figures = []
    for event, (a, b) in by_event.items():
        start, end = sent.starts[min(start_tok, a)], sent.ends[max(end_tok, b) - 1]
        attrs: dict = {"value_span": list(value_span), "sentence": [sent.start, sent.end],
                       "trigger": text[sent.starts[a] : sent.ends[b - 1]], "language": "ru"}
        if item.subject:
            attrs["subject_span"] = [sent.starts[item.subject[0]], sent.ends[item.subject[1] - 1]]
        if count.high is not None:
            attrs["range"] = [count.value, count.high]
        if count.vague:
            attrs["vague"] = True
        if source_span:
            attrs["attribution_span"] = list(source_span)
        if noise_kind:
            attrs["noise_kind"] = noise_kind
        subject = text[attrs["subject_span"][0] : attrs["subject_span"][1]] if item.subject else None
        mention = Mention(mention_id(doc.id, "figure", start, end), doc.id, start, end, "figure", EXTRACTOR,
                          text[start:end], attrs)
        figures.append(Figure(mention, event, count.value, item.qualifier, subject, attributed, when))
    return figures
