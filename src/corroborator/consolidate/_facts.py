"""Figures as comparable facts: value constraints, time periods, subjects and places.

A figure "over 100 detained" is the constraint ``[100, inf)``; "as many as 56" is
``[0, 56]``; "about 300" is ``[240, 360]``; "another person was wounded" adds to a count
told elsewhere, so it is only a lower bound. A ``when`` of "2017-04" is April 2017; a
first-hand figure without one describes the days before its report was published; a
cited figure without one was said at some time before the report, so its time is
unknown.
"""

from __future__ import annotations

import bisect
import logging
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from corroborator.consolidate.provenance import Provenance, event_family
from corroborator.model import Document, Figure, Mention
from corroborator.settings import DEFAULTS
from corroborator.text import sentences

logger = logging.getLogger(__name__)

INF = math.inf
#: Family suffix of "hit" figures: shot or hospitalised, whether they survived or not.
HIT_SUFFIX = "/hit"
#: Family suffix of figures about a time well before their report (another, earlier incident).
BACKGROUND_SUFFIX = "/background"
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 14)}
_INCREMENT = re.compile(r"\b(?:another|a further|an additional|additional)\b|\bmore\b(?!\s+than)", re.I)
_INCREMENT_BEFORE = re.compile(r"\b(?:another|a further|an additional|additional)\s*$", re.I)
_LOWER = frozenset({"at_least", "more_than"})
#: Subjects that can never be the same people ("soldiers" vs "civilians").
_SUBJECT_CLASSES = {
    "combatant": "soldier soldiers troops militants fighters rebels insurgents servicemen police policemen officers "
                 "guards gunmen attackers militia",
    "civilian": "civilians civilian residents villagers protesters demonstrators worshippers shoppers students",
    "child": "children child kids minors boys girls babies infants",
    "perpetrator": "gunman shooter attacker bomber suspect suspects perpetrator assailant",
}
_SUBJECT_CLASS = {w: cls for cls, words in _SUBJECT_CLASSES.items() for w in words.split()}


@dataclass
class Fact:
    """One figure, ready to compare with others."""

    figure: Figure
    prov: Provenance
    family: str
    lo: float
    hi: float
    period: tuple[date, date] | None
    fine: bool
    order: str
    reported: str
    subject_class: str | None
    places: frozenset[str]

    @property
    def id(self) -> str:
        """The figure's mention id."""
        return self.figure.mention.id

    def implies(self, other: Fact) -> bool:
        """True when everything this fact allows, ``other`` allows too (``other`` adds nothing)."""
        return other.lo <= self.lo and self.hi <= other.hi

    @property
    def statement(self) -> tuple[int, str]:
        """What was said, loosely: "over 100" and "at least 100" are one statement."""
        if self.hi == INF:
            return self.figure.value, "lower"
        return self.figure.value, "upper" if self.figure.qualifier == "at_most" else "point"


def constraint(figure: Figure, doc: Document | None = None) -> tuple[float, float]:
    """The values a figure allows: ``(low, high)``, ``high`` may be infinite."""
    v, q = figure.value, figure.qualifier
    m = figure.mention
    before = doc.text[max(0, m.start - 20):m.start].rsplit(".", 1)[-1] if doc is not None else ""
    if _INCREMENT.search(m.text) or _INCREMENT_BEFORE.search(before):
        return v, INF  # "another person was wounded": part of a count told elsewhere
    if m.attrs.get("single"):
        # "a man was killed", "Jane Doe died": one victim, maybe of several; at least as many
        # as the distinct people the same report tells apart ("persons").
        return max(v, int(m.attrs.get("persons") or v)), INF
    if q in _LOWER:
        return v, INF
    if q == "at_most":
        return 0, v
    if q == "about":
        return math.floor(v * 0.8), math.ceil(v * 1.2)
    return v, v


def parse_period(when: str | None) -> tuple[date, date, bool] | None:
    """``(first day, last day, fine)`` of an ISO date, month, season, year or range; None if unknown."""
    if not when:
        return None
    try:
        if "/" in when:
            a, b = (parse_period(part) for part in when.split("/", 1))
            return (a[0], b[1], True) if a and b else None
        parts = when.split("-")
        year = int(parts[0])
        if len(parts) == 1:
            return date(year, 1, 1), date(year, 12, 31), False
        if parts[1].isalpha():
            first, last = _SEASONS[parts[1].lower()]
            end = date(year + (last - 1) // 12, (last - 1) % 12 + 1, 1)
            return date(year, first, 1), _month_end(end), True
        month = int(parts[1])
        if len(parts) == 2:
            return date(year, month, 1), _month_end(date(year, month, 1)), True
        day = date(year, month, int(parts[2][:2]))
        return day, day, True
    except (ValueError, KeyError, IndexError):
        logger.debug("unreadable date %r treated as unknown", when)
        return None


def _month_end(first: date) -> date:
    """Last day of ``first``'s month."""
    nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def make_fact(figure: Figure, prov: Provenance, doc: Document | None, places: frozenset[str] = frozenset(),
              report_window_days: int = DEFAULTS.claims.report_window_days) -> Fact:
    """A figure with its constraint, period, report order, subject class and places.

    A first-hand figure without a date is about the ``report_window_days`` before its
    report's publication.
    """
    lo, hi = constraint(figure, doc)
    period = parse_period(figure.when)
    published = parse_period(doc.published[:10]) if doc is not None and doc.published else None
    fine = bool(period and period[2])
    span: tuple[date, date] | None = (period[0], period[1]) if period else None
    if span is None and published and prov.how in ("first-hand", "copy"):
        # A report's own undated figure describes the days just before it was published.
        span, fine = (published[0] - timedelta(days=report_window_days), published[1]), True
    order = span[0].isoformat() if span else (published[0].isoformat() if published else "")
    subject_words = (figure.subject or "").casefold().split()
    classes = {_SUBJECT_CLASS[w] for w in subject_words if w in _SUBJECT_CLASS}
    # When the source said it: the report's date (a cited figure's own date is the event's).
    reported = published[0].isoformat() if published else order
    # Hit by gunfire ("shot", "taken to a hospital") counts the killed and injured together.
    family = event_family(figure.event) + (HIT_SUFFIX if figure.mention.attrs.get("hit") else "")
    return Fact(figure, prov, family, lo, hi, span, fine, order, reported,
                classes.pop() if len(classes) == 1 else None, places)


def intersect(ranges: list[tuple[float, float]]) -> tuple[float, float] | None:
    """The values every range allows, or None when they exclude one another."""
    lo = max(r[0] for r in ranges)
    hi = min(r[1] for r in ranges)
    return (lo, hi) if lo <= hi else None


def phrase(value: int, qualifier: str) -> str:
    """A count as a researcher would say it: "more than 100", "as many as 56"."""
    words = {"at_least": "at least", "more_than": "more than", "at_most": "as many as", "about": "about"}
    return f"{words[qualifier]} {value}" if qualifier in words else str(value)


#: Place entity spans per document: ``doc_id -> [(start, end, entity_id)]``, sorted.
PlaceSpans = dict[str, list[tuple[int, int, str]]]


def figure_places(figures: Sequence[Figure], documents: Mapping[str, Document], mentions: Iterable[Mention],
                  by_mention: Mapping[str, str], place_entities: set[str]) -> dict[str, frozenset[str]]:
    """Place entity ids named in each figure's sentence, by figure mention id."""
    return places_of(figures, documents, place_spans(mentions, by_mention, place_entities))


def place_spans(mentions: Iterable[Mention], by_mention: Mapping[str, str], place_entities: set[str]) -> PlaceSpans:
    """Where the mentions that resolve to a place entity are, per document (all :func:`places_of` needs of them)."""
    spans: PlaceSpans = defaultdict(list)
    for m in mentions:
        entity_id = by_mention.get(m.id)
        if entity_id in place_entities:
            spans[m.doc_id].append((m.start, m.end, entity_id))
    for found in spans.values():
        found.sort()
    return dict(spans)


def places_of(figures: Sequence[Figure], documents: Mapping[str, Document],
              spans: Mapping[str, list[tuple[int, int, str]]]) -> dict[str, frozenset[str]]:
    """Place entity ids named in each figure's sentence, by figure mention id, from :func:`place_spans`."""
    sents: dict[str, list[tuple[int, int]]] = {}
    result = {}
    for f in figures:
        m = f.mention
        if m.doc_id not in spans:
            continue
        sentence = f.mention.attrs.get("sentence")
        if not (isinstance(sentence, (list, tuple)) and len(sentence) == 2):
            doc = documents.get(m.doc_id)
            if doc is None:
                continue
            found = sents.get(m.doc_id)
            if found is None:
                found = sents[m.doc_id] = sentences(doc.text)
            k = bisect.bisect_right(found, (m.start, 10**12)) - 1
            sentence = found[k] if k >= 0 and found[k][1] >= m.end else (m.start, m.end)
        doc_spans = spans[m.doc_id]
        k = bisect.bisect_left(doc_spans, (sentence[0], 0, ""))
        ids = set()
        while k < len(doc_spans) and doc_spans[k][0] < sentence[1]:
            ids.add(doc_spans[k][2])
            k += 1
        if ids:
            result[m.id] = frozenset(ids)
    return result
