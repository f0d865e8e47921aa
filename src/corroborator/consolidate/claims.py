"""Claims: figures about the same thing across reports, with their independent sources.

Figures are blocked by event family (``detained`` and ``disappeared`` count the same
people), then grouped by time with a sweep over sorted periods (sub-quadratic):
figures whose periods overlap form one group; a figure without a precise time joins
the group where its source already says the same count, else a compatible group of
its time, else starts its own. A group whose sources disagree is split by subject
("soldiers" / "civilians") or place only when that settles the disagreement.

Status of each claim:

- ``superseded``: every source of the claim later reported another count of the same
  thing (the later claim is named in the note);
- ``conflicting``: sources disagree about the same time;
- ``corroborated``: two or more independent sources agree;
- ``single_source``: one original source, however many reports repeat it.

A source's earlier statement inside a group it later updated becomes a superseded
claim of its own. Independent sources are distinct original sources (see
:mod:`~corroborator.consolidate.provenance`): copies and repeats never add one.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from corroborator.consolidate._copies import find_copies
from corroborator.consolidate.credibility import rate_claims
from corroborator.consolidate._facts import BACKGROUND_SUFFIX, INF, Fact, intersect, make_fact, phrase
from corroborator.consolidate._names import UnionFind
from corroborator.consolidate.provenance import Provenance, Source
from corroborator.model import EVENT_KINDS, OWN_TEXT_NOISE_KINDS, Claim, Document, Figure, document_label
from corroborator.settings import DEFAULTS, ClaimSettings

logger = logging.getLogger(__name__)

# Settings (``claims``): ``candidates``, the groups a figure without a precise time may join,
# nearest first; ``max_span_days``, the longest time one claim covers (a month, so "April" is
# one period but a year of daily reports is not); ``background_days``, how long before the
# first report a figure's time must end to be about an earlier incident.


@dataclass(frozen=True)
class ClaimSet:
    """Claims of a case and, per claim id, the detail behind it (sources, figures, time)."""

    claims: list[Claim]
    details: dict[str, dict[str, Any]] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)


class _Group:
    """Facts about one thing, with per-source ranges kept up to date as facts join."""

    def __init__(self, facts: list[Fact], start: Any = None, end: Any = None, superseded_by: int | None = None,
                 part: str | None = None) -> None:
        self.start, self.end, self.part = start, end, part
        self.superseded_by = superseded_by  # index of the group that updates this one
        self.facts: list[Fact] = []
        self.sources: dict[str, list[Fact]] = {}
        self.ranges: dict[str, tuple[float, float]] = {}
        self.places: set[str] = set()
        self._allowed: tuple[float, float] | None = None
        self._fresh = False
        for f in facts:
            self.add(f)

    def add(self, fact: Fact) -> None:
        """Add a fact; only its source's range changes: narrowed, or replaced if it disagrees."""
        self.facts.append(fact)
        self.places |= fact.places
        key = fact.prov.source.key
        found = self.sources.setdefault(key, [])
        found.append(fact)
        narrowed = intersect([self.ranges[key], (fact.lo, fact.hi)]) if key in self.ranges else (fact.lo, fact.hi)
        # A source that contradicts itself is taken at its latest word (facts come in time order).
        self.ranges[key] = narrowed or (fact.lo, fact.hi)
        self._fresh = False

    def allows(self) -> tuple[float, float] | None:
        """Values every source of the group allows, or None if they disagree."""
        if not self._fresh:
            self._allowed = intersect(list(self.ranges.values())) if self.ranges else None
            self._fresh = True
        return self._allowed


def usable(figure: Figure, doc: Document | None) -> bool:
    """False for figures of teasers, captions and other noise, for counts over many incidents or a
    period ("aggregate": "the city's 45th homicide this year"), and for values that count nothing."""
    if figure.mention.attrs.get("in_noise") or figure.mention.attrs.get("aggregate") or figure.value <= 0 \
            or figure.event not in EVENT_KINDS:
        return False
    noise = doc.in_noise(figure.mention.start, figure.mention.end) if doc is not None else None
    return noise is None or noise.kind in OWN_TEXT_NOISE_KINDS


def build_claims(figures: Sequence[Figure], documents: Sequence[Document], provenance: Mapping[str, Provenance],
                 places: Mapping[str, frozenset[str]] | None = None,
                 settings: ClaimSettings = DEFAULTS.claims, *, reliability: Mapping[str, str] | None = None,
                 verified: Sequence[str] = ()) -> ClaimSet:
    """Group figures into claims and give each its independent sources and status.

    Args:
        figures: Every figure of the case (noise figures are ignored).
        documents: The documents (publication dates order reports).
        provenance: Original source of each figure, by figure mention id.
        places: Place entity ids named in each figure's sentence, by figure mention id.
        settings: Candidate counts and time windows of the grouping.
        reliability: Source key to the letter an editor rated it (A-F; unrated sources are F).
        verified: Ids of claims a reviewer verified (rated confirmed).

    Returns:
        The claims, ordered by event and time, with their details; each detail has its
        ``credibility`` (:mod:`~corroborator.consolidate.credibility`).
    """
    docs = {d.id: d for d in documents}
    places = places or {}
    first = _first_report(documents)
    kept = [f for f in figures if usable(f, docs.get(f.mention.doc_id))]
    originals = {p.doc_id: p.original_doc for p in provenance.values() if p.original_doc}
    copies = find_copies(kept, originals, docs, {f.mention.id for f in kept})
    facts: list[Fact] = []
    for f in kept:
        if f.mention.id in copies.copy_of or f.mention.id in copies.dropped:
            continue  # a copy's figure: its original's figure stands for it
        doc = docs.get(f.mention.doc_id)
        prov = provenance.get(f.mention.id) or Provenance(
            f.mention.id, f.mention.doc_id, Source("doc:" + f.mention.doc_id, document_label(doc), "report"),
            "first-hand", original_doc=f.mention.doc_id)
        fact = make_fact(f, prov, doc, places.get(f.mention.id, frozenset()), settings.report_window_days)
        if _background(fact, first, settings.background_days):
            fact.family += BACKGROUND_SUFFIX  # grouped apart, listed, never counted
        facts.append(fact)
    _parts_of_larger_counts(facts)
    by_family: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_family[fact.family].append(fact)
    groups: list[_Group] = []
    for family in sorted(by_family):
        for group in _group_by_time(by_family[family], settings):
            for part in _split_disagreement(group):
                groups.extend(_split_updates(part, len(groups)))
    _supersede_across(groups, settings.candidates)
    claim_set = _claims(groups, {f.id: f for f in facts}, copies.copies(), {d.id: document_label(d) for d in documents})
    rate_claims(claim_set.claims, claim_set.details, reliability or {}, verified)
    return claim_set


def _first_report(documents: Sequence[Document]) -> date | None:
    """The earliest publication date of the case's reports."""
    found = []
    for d in documents:
        try:
            found.append(date.fromisoformat((d.published or "")[:10]))
        except ValueError:
            continue
    return min(found, default=None)


def _background(fact: Fact, first: date | None, days: int) -> bool:
    """True for a figure about a time that ends ``days`` before the case's first report ("In 2008, a
    man was killed at the club", "Last year, two people died there"): another, earlier incident."""
    if fact.period is None or first is None or fact.figure.when is None:
        return False
    return fact.period[1] < first - timedelta(days=days)


def _parts_of_larger_counts(facts: list[Fact]) -> None:
    """In one report, a smaller exact count from the same source is a part of the larger one."""
    largest: dict[tuple[str, str, str], float] = {}
    for f in facts:
        if f.lo == f.hi:
            key = (f.figure.mention.doc_id, f.family, f.prov.source.key)
            largest[key] = max(largest.get(key, 0), f.lo)
    for f in facts:
        if f.lo == f.hi and f.lo < largest[(f.figure.mention.doc_id, f.family, f.prov.source.key)]:
            f.hi = INF


def _group_by_time(facts: list[Fact], settings: ClaimSettings) -> list[_Group]:
    """Sweep precise periods into groups of one time and place, then place the imprecise figures.

    Facts are taken in order of their period's start; a fact joins an open group whose
    period it overlaps and whose places it shares (or that names none), and a group
    never spans more than ``max_span_days``, so daily reports of many incidents do
    not chain into one claim. Only open groups are looked at: the work is
    ``n log n`` for the sort plus a bounded scan per fact.
    """
    candidates, max_span = settings.candidates, timedelta(days=settings.max_span_days)
    groups: list[_Group] = []
    by_place: dict[str, list[_Group]] = defaultdict(list)  # recent groups naming each place
    for fact in sorted((f for f in facts if f.fine), key=lambda f: (f.period[0], f.period[1], f.id)):
        placed = {id(g): g for p in fact.places for g in _last(by_place[p], candidates)}
        near = [g for g in [*placed.values(), *_last(groups, candidates)] if g.end >= fact.period[0]
                and fact.period[1] <= max(g.end, g.start + max_span) and _same_place(fact, g)]
        group = max(near, key=lambda g: (bool(fact.places & g.places), _fits(fact, g), len(g.facts)), default=None)
        if group is None:
            group = _Group([], fact.period[0], fact.period[1])
            groups.append(group)
        for p in fact.places - group.places:
            by_place[p].append(group)
        group.add(fact)
        group.end = max(group.end, fact.period[1])
    starts = [g.start for g in groups]
    said: dict[tuple[str, tuple[int, str]], _Group] = {}
    for g in groups:
        for f in g.facts:
            said.setdefault((f.prov.source.key, f.statement), g)
    loose: list[_Group] = []
    for fact in sorted((f for f in facts if not f.fine), key=lambda f: (f.order, f.id)):
        group = said.get((fact.prov.source.key, fact.statement))
        stale = group is not None and fact.order and group.start and group.start > _date(fact.order)
        if group is None or stale or not _same_place(fact, group):
            group = _best_candidate(fact, _candidates(fact, groups, starts, loose, candidates))
        if group is None:
            group = _Group([], fact.period[0] if fact.period else None, fact.period[1] if fact.period else None)
            loose.append(group)
        group.add(fact)
        said.setdefault((fact.prov.source.key, fact.statement), group)
    return groups + loose


def _same_place(fact: Fact, group: _Group) -> bool:
    """True unless both name places and share none."""
    return not fact.places or not group.places or bool(fact.places & group.places)


def _fits(fact: Fact, group: _Group) -> bool:
    """True when the group's sources allow the fact's value."""
    allowed = group.allows()
    return allowed is not None and intersect([allowed, (fact.lo, fact.hi)]) is not None


def _candidates(fact: Fact, groups: list[_Group], starts: list[Any], loose: list[_Group], n: int) -> list[_Group]:
    """Groups a figure without a precise time could belong to: the ``n`` nearest in time first."""
    if fact.period is not None:
        k = bisect.bisect_right(starts, fact.period[1])
        near = [g for g in groups[max(0, k - n):k] if g.end >= fact.period[0]]
    elif fact.order:
        k = bisect.bisect_right(starts, _date(fact.order))
        near = groups[max(0, k - n):k]
    else:
        near = sorted(groups, key=lambda g: -len(g.facts))[:n]
    return [g for g in [*reversed(near), *_last(loose, n)] if _same_place(fact, g)]


def _last(groups: list[_Group], n: int) -> list[_Group]:
    """The last ``n`` groups (none for ``n`` 0)."""
    return groups[-n:] if n else []


def _best_candidate(fact: Fact, candidates: list[_Group]) -> _Group | None:
    """The group of the fact's place (even one it disagrees with), else a compatible one, or None."""
    best, best_rank = None, None
    for g in candidates:
        shared, fits = bool(fact.places & g.places), _fits(fact, g)
        if not (shared or fits):
            continue
        rank = (shared, fits, len(g.sources), len(g.facts))
        if best_rank is None or rank > best_rank:
            best, best_rank = g, rank
    return best


def _split_disagreement(group: _Group) -> list[_Group]:
    """Split a disagreeing group by subject, then by place, when the parts then agree."""
    if group.allows() is not None:
        return [group]
    for kind, key in (("subject", lambda f: f.subject_class), ("place", _place_key(group.facts))):
        parts: dict[Any, list[Fact]] = defaultdict(list)
        unknown = []
        for f in group.facts:
            k = key(f)
            (parts[k] if k is not None else unknown).append(f)
        if len(parts) > 1:
            max(parts.values(), key=len).extend(unknown)
            split = [_Group(fs, group.start, group.end, part=f"{kind}:{k}") for k, fs in parts.items()]
            if all(g.allows() is not None for g in split):
                return split
    return [group]


def _place_key(facts: list[Fact]) -> Any:
    """A key function grouping facts that share a named place (union-find over place ids)."""
    places = UnionFind()
    for f in facts:
        for p in f.places:
            places.union(next(iter(f.places)), p)
    return lambda f: places.find(next(iter(f.places))) if f.places else None


def _split_updates(group: _Group, offset: int) -> list[_Group]:
    """Move each source's earlier statements that a later report of it updated into superseded groups."""
    earlier: dict[tuple[str, tuple[int, str]], list[Fact]] = {}
    for facts in group.sources.values():
        latest = max(facts, key=lambda f: f.reported or "")
        if not latest.reported:
            continue
        for f in facts:
            if f.reported and f.reported < latest.reported and f.statement != latest.statement and not f.implies(latest):
                earlier.setdefault((f.prov.source.key, f.statement), []).append(f)
    if not earlier:
        return [group]
    moved = {f.id for fs in earlier.values() for f in fs}
    group = _Group([f for f in group.facts if f.id not in moved], group.start, group.end, None, group.part)
    return [group] + [_Group(fs, group.start, group.end, offset, group.part) for fs in earlier.values()]


def _supersede_across(groups: list[_Group], candidates: int) -> None:
    """A group is superseded when each of its named sources later reported another count of the same thing.

    Only named sources (organisations, people, outlets) are followed across groups:
    "police" in one town is not "police" in another. The next later statement of each
    source is found by bisection in its date-sorted list; the ``candidates`` statements
    after it are looked at.
    """
    said: dict[tuple[str, str], list[tuple[str, int, int]]] = defaultdict(list)
    for i, g in enumerate(groups):
        for n, f in enumerate(g.facts):
            if f.reported and not f.prov.source.key.startswith("name:"):
                said[(f.family, f.prov.source.key)].append((f.reported, i, n))
    for found in said.values():
        found.sort()
    for i, g in enumerate(groups):
        if g.superseded_by is not None or not g.facts:
            continue
        later = []
        for key, facts in g.sources.items():
            last = max((f.reported for f in facts), default="")
            found = said.get((facts[0].family, key), []) if last else []
            k = bisect.bisect_right(found, (last, len(groups), 0))
            update = next(((o, j) for o, j, n in found[k:k + candidates] if j != i and groups[j].superseded_by is None
                           and _updates(groups[j].facts[n], facts, g)), None)
            later.append(update)
        if later and all(later):
            g.superseded_by = max(later)[1]


def _updates(new: Fact, old: list[Fact], group: _Group) -> bool:
    """True when ``new`` says something ``old`` did not, about a place ``group`` shares."""
    places = {p for f in group.facts for p in f.places}
    return (all(f.statement != new.statement and not f.implies(new) for f in old)
            and (not places or not new.places or bool(places & new.places)))


def _claims(groups: list[_Group], facts: dict[str, Fact], copies: Mapping[str, list[str]],
            labels: Mapping[str, str]) -> ClaimSet:
    """Claims, statuses and notes from the final groups; ``copies`` lists the figures of copies that repeat
    each figure (they are named in the claim's detail, never counted)."""
    ids = [_claim_id(g) for g in groups]
    claims, details = [], {}
    for i, g in enumerate(groups):
        if not g.facts:
            continue
        sources = g.sources
        allowed = g.allows()
        values = [f.figure.value for f in g.facts]
        events = Counter(f.figure.event for f in g.facts)
        event = max(events, key=lambda e: (events[e], e == g.facts[0].family))
        order = min((f.order for f in g.facts if f.order), default="")
        if g.superseded_by is not None and groups[g.superseded_by].facts:
            status = "superseded"
            newer = groups[g.superseded_by]
            names = ", ".join(sorted(sources_names(g.facts)))
            note = (f"superseded: {names} later reported {_said(newer.facts)} "
                    f"({min((f.order for f in newer.facts if f.order), default='date unknown')}, {ids[g.superseded_by]})")
        elif allowed is None:
            status = "conflicting"
            note = "sources disagree about the same time: " + "; ".join(
                f"{_said(fs)} ({fs[0].prov.source.name})" for fs in sources.values())
        elif len(sources) >= 2:
            status = "corroborated"
            note = f"{len(sources)} independent sources agree: " + "; ".join(
                f"{fs[0].prov.source.name} ({_said(fs)})" for fs in sources.values())
        else:
            status = "single_source"
            fs = next(iter(sources.values()))
            reports = sorted({labels.get(d, d[:12]) for d in {f.figure.mention.doc_id for f in g.facts}})
            when = _latest(fs).figure.when or order[:10]
            note = (f"one independent source: {fs[0].prov.source.name} ({_said(fs)}"
                    f"{', ' + when if when else ''}), in {len(reports)} report(s): {'; '.join(reports)}")
        # The figures of copies belong to the claim of the figure they repeat, after the claim's own.
        members = tuple(f.id for f in g.facts) + tuple(c for f in g.facts for c in copies.get(f.id, ()))
        claim = Claim(ids[i], event, *_range(values, allowed), members, len(sources), status, note)
        claims.append(claim)
        details[claim.id] = _detail(claim, g, sources, allowed, order,
                                    ids[g.superseded_by] if status == "superseded" else None)
        details[claim.id]["copies"] = {f.id: copies[f.id] for f in g.facts if f.id in copies}
    for claim in claims:
        newer = details[claim.id]["superseded_by"]
        if newer in details:
            details[newer].setdefault("supersedes", []).append(claim.id)
    claims.sort(key=lambda c: (EVENT_KINDS.index(c.event), details[c.id]["date"] or "9999", c.id))
    logger.info("%d figures form %d claims", len(facts), len(claims))
    return ClaimSet(claims, details, facts)


def _detail(claim: Claim, g: _Group, sources: dict[str, list[Fact]], allowed: tuple[float, float] | None,
            order: str, superseded_by: str | None) -> dict[str, Any]:
    """Everything behind a claim, as plain data."""
    whens = {f.figure.when for f in g.facts if f.figure.when}
    return {
        "id": claim.id, "event": claim.event, "family": g.facts[0].family, "date": order or None,
        "when": whens.pop() if len(whens) == 1 else (f"{g.start}/{g.end}" if g.start else None),
        "allows": [allowed[0], None if allowed[1] == INF else allowed[1]] if allowed else None,
        "superseded_by": superseded_by, "part": g.part,
        "sources": [{
            "key": key, "name": fs[0].prov.source.name, "kind": fs[0].prov.source.kind, "said": _said(fs),
            "value": _representative(fs).figure.value, "qualifier": _representative(fs).figure.qualifier,
            "date": min((f.order for f in fs if f.order), default=None),
            "figures": [f.id for f in fs], "docs": sorted({f.figure.mention.doc_id for f in fs}),
            "how": sorted({f.prov.how for f in fs}),
            "open": g.ranges[key][1] == INF,  # only a lower bound ("a man was killed", "at least 3")
        } for key, fs in sources.items()],
    }


def _range(values: list[int], allowed: tuple[float, float] | None) -> tuple[int, int]:
    """A claim's low and high: its figures' values, narrowed to what all its sources allow
    ("at least 3" and "at least 4" from one source read "at least 4", not 3 to 4)."""
    low, high = min(values), max(values)
    if allowed is not None and max(low, allowed[0]) <= min(high, allowed[1]):
        low, high = int(max(low, allowed[0])), int(min(high, allowed[1]))
    return low, high


def _latest(facts: list[Fact]) -> Fact:
    """The most recently reported fact (ties: the last in the list)."""
    return max(enumerate(facts), key=lambda p: (p[1].order, p[0]))[1]


def _said(facts: list[Fact]) -> str:
    """What a source says, e.g. "more than 100"."""
    f = _representative(facts).figure
    return phrase(f.value, f.qualifier)


def _representative(facts: list[Fact]) -> Fact:
    """A source's most telling figure: the narrowest range it states, the latest among equals."""
    return max(enumerate(facts), key=lambda p: (p[1].lo - p[1].hi, p[1].reported, p[0]))[1]


def sources_names(facts: list[Fact]) -> set[str]:
    """Display names of the sources of some facts."""
    return {f.prov.source.name for f in facts}


def _claim_id(g: _Group) -> str:
    """A stable id from the claim's figures."""
    digest = hashlib.sha1("|".join(sorted(f.id for f in g.facts)).encode()).hexdigest()[:10]
    return f"claim-{digest}"


def _date(iso: str) -> date:
    """An ISO date string as a date (for bisecting period starts)."""
    return date.fromisoformat(iso[:10])
