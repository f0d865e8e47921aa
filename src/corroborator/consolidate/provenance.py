"""Provenance: the original source of every figure and quote.

A figure's original source is the one its report cites ("Novaya Gazeta reported ...",
"according to PinkNews", "the British government reports"), else the report itself
(its outlet, or the document when the outlet is unknown). Copies found by
:mod:`~corroborator.consolidate.duplicates` report first-hand only as their original.
Attribution carries on in a report: an unattributed figure takes the source of the
attributed figure before it in the same paragraph ("X reported that over 100 ...
At least three men are now dead"), and a headline or summary figure takes the source
the same report gives for the same count. Names resolve to case entities through the
attribution span's entity mentions, then through entity names and aliases, so
"Russian newspaper Novaya Gazeta", "Novaya Gazeta" and "the paper" are one source.

Names match across scripts and romanisations (:mod:`corroborator.translit`): an English
article "according to Novaya Gazeta" cites the Russian report whose outlet is "Новая
газета". A cited name that is the outlet of a report of the case is that outlet as a
source, so the English article's figures and the Russian report's own count as one
source, and ``cited_doc`` points at the cited report when the case holds it.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from corroborator.consolidate._names import normalise_name
from corroborator.model import Document, Entity, Figure, Mention, Quote
from corroborator.text import paragraphs, sentences
from corroborator.translit import NameIndex, has_cyrillic, stem_key

logger = logging.getLogger(__name__)

#: Event kinds that count the same people under another verb ("detained" / "disappeared").
#: Event kinds counted together. None: kinds stay apart ("disappeared" is not "detained") unless a
#: figure's own words equate them, which the figure extractor decides.
EVENT_FAMILY: dict[str, str] = {}
_ARTICLES = frozenset({"a", "an", "the"})
_DESCRIPTIVE = frozenset({"description", "appositive"})
_TYPE_KIND = {"ORG": "organisation", "PERSON": "person", "GPE": "authority", "NORP": "authority", "FAC": "place"}
_SOURCE_TYPES = ("PERSON", "ORG", "GPE", "NORP", "FAC")
_CITED_IN_QUOTE = re.compile(r"\b(?:according to|told|in an interview with|speaking to|spoke to)\s+$", re.I)


def event_family(event: str) -> str:
    """The event a claim groups ``event`` under (each kind on its own, see :data:`EVENT_FAMILY`)."""
    return EVENT_FAMILY.get(event, event)


@dataclass(frozen=True)
class Source:
    """An original source: ``key`` identifies it across the case, ``name`` shows it."""

    key: str
    name: str
    kind: str


@dataclass(frozen=True)
class Provenance:
    """Where a figure or quote comes from.

    ``how``: "first-hand" (the report's own), "cited" (the report names the source),
    "inherited" (an earlier sentence of the paragraph names it), "same report" (the
    report gives this count elsewhere with its source), "copy" (first-hand in a copy of
    another report). ``evidence`` is the span naming the source, ``doc_id`` the report
    it was read in and ``original_doc`` the report it was first published in (a copy's
    original, else the report itself). ``cited_doc`` is the report of the case by the
    cited source that the report relays ("according to Novaya Gazeta" in English, the
    Russian Новая газета report in the case), when the case holds one.
    """

    mention_id: str
    doc_id: str
    source: Source
    how: str
    relayed_by: tuple[str, ...] = ()
    evidence: tuple[int, int] | None = None
    original_doc: str | None = None
    cited_doc: str | None = None


class SourceNames:
    """Resolves a source phrase to a case-wide :class:`Source`."""

    def __init__(self, entities: Sequence[Entity], by_mention: Mapping[str, str], mentions: Iterable[Mention]) -> None:
        self.entities = {e.id: e for e in entities}
        self.by_name: dict[str, str] = {}
        for e in sorted(entities, key=lambda e: -len(e.mention_ids)):
            if e.type in ("PERSON", "ORG"):
                self.by_name.setdefault(normalise_name(e.name), e.id)
        self.spans: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
        for m in mentions:
            entity_id = by_mention.get(m.id)
            if entity_id is not None and m.kind == "entity":
                self.spans[m.doc_id].append((m.start, m.end, entity_id))
                # Names and titles identify a source; "the paper" only where it is written.
                if m.attrs.get("via") not in _DESCRIPTIVE and self.entities[entity_id].type in ("PERSON", "ORG"):
                    self.by_name.setdefault(normalise_name(m.text), entity_id)
                    lemma = m.attrs.get("lemma")
                    if isinstance(lemma, str) and lemma.strip():
                        self.by_name.setdefault(normalise_name(lemma), entity_id)
        for spans in self.spans.values():
            spans.sort()
        # Names in the other script or romanisation ("Новая газета" for "Novaya Gazeta").
        self.spellings: NameIndex[str] = NameIndex()
        # A Russian organisation in any case ("по данным «Новой газеты»"): by its stem.
        self.stems: dict[str, set[Source]] = defaultdict(set)
        for name, entity_id in self.by_name.items():
            self.spellings.add(name, entity_id)
            if self.entities[entity_id].type == "ORG" and has_cyrillic(name):
                self.stems[stem_key(name)].add(self.entity_source(entity_id))
        self.outlets: dict[str, Source] = {}
        self.outlet_spellings: NameIndex[str] = NameIndex()
        self.reports: dict[str, list[Document]] = defaultdict(list)
        self._known_docs: set[str] = set()
        self._outlet_of: dict[str, Source] = {}
        self._learned: set[str] = set()

    def entity_source(self, entity_id: str) -> Source:
        """The source an entity is."""
        e = self.entities[entity_id]
        return Source("entity:" + e.id, e.name, _TYPE_KIND.get(e.type, "organisation"))

    def resolve(self, doc_id: str, text: str | None, span: tuple[int, int] | None = None) -> Source | None:
        """The source named by ``text`` (at ``span`` of ``doc_id``), or None if nothing names one."""
        if span is not None:
            spans = self.spans.get(doc_id, [])
            k = bisect.bisect_left(spans, (span[0] - 200, 0, ""))
            best, best_rank = None, None
            for start, end, entity_id in spans[k:]:
                if start >= span[1]:
                    break
                overlap = min(end, span[1]) - max(start, span[0])
                # "a Russian rights group" is not Russia: a place or nationality must be most of the phrase.
                if overlap > 0 and (self.entities[entity_id].type in ("PERSON", "ORG")
                                    or overlap * 5 >= (span[1] - span[0]) * 3):
                    rank = (_SOURCE_TYPES.index(self.entities[entity_id].type)
                            if self.entities[entity_id].type in _SOURCE_TYPES else 9, -overlap)
                    if best_rank is None or rank < best_rank:
                        best, best_rank = entity_id, rank
            if best is not None:
                return self.entity_source(best)
        if not text or not text.strip():
            return None
        key = normalise_name(text)
        words = key.split()
        suffixes = [" ".join(words[i:]) for i in range(max(1, len(words) - 1))]
        for name in suffixes:
            entity_id = self.by_name.get(name)
            if entity_id is not None:
                return self.entity_source(entity_id)
        for name in suffixes:
            found = self.spellings.find(name)
            if len(found) == 1:
                return self.entity_source(found.pop())
        # A report of the case by the outlet named: "according to Novaya Gazeta", outlet "Новая газета".
        for name in suffixes:
            found = {name} if name in self.outlets else self.outlet_spellings.find(name)
            if len(found) == 1:
                return self.outlets[found.pop()]
        for name in suffixes if has_cyrillic(key) else ():
            stemmed = self.stems.get(stem_key(name), set())
            if len(stemmed) == 1:
                return next(iter(stemmed))
        bare = " ".join(w for w in words if w not in _ARTICLES)
        return Source("name:" + bare, " ".join(text.split()), "description") if bare else None

    def outlet_source(self, doc: Document) -> Source:
        """The report itself as a source: its outlet (an entity when the case knows it), else the document."""
        if not doc.outlet:
            return Source("doc:" + doc.id, report_label(doc), "report")
        own = self._outlet_of.get(doc.outlet)
        if own is None:  # an outlet's many reports are one source: found once
            own = self._outlet_of[doc.outlet] = self._find_outlet(doc.outlet)
        return own

    def _find_outlet(self, outlet: str) -> Source:
        """An outlet as a source: the entity its name (in any spelling) is, else the outlet."""
        parts = [normalise_name(p) for p in (outlet, *re.findall(r"\(([^)]+)\)", outlet), outlet.split("(")[0])]
        for part in parts:
            entity_id = self.by_name.get(part)
            if entity_id is not None:
                return self.entity_source(entity_id)
        for part in parts:
            found = self.spellings.find(part)
            if len(found) == 1:
                return self.entity_source(found.pop())
        return Source("outlet:" + normalise_name(outlet), outlet, "outlet")

    def add_reports(self, documents: Iterable[Document]) -> None:
        """Learn the outlets of the case's reports, so a name citing one is that outlet (idempotent)."""
        for doc in documents:
            if doc.id in self._known_docs:
                continue
            self._known_docs.add(doc.id)
            if not doc.outlet:
                continue
            own = self.outlet_source(doc)
            if doc.outlet not in self._learned:  # an outlet's reports share its names: learn them once
                self._learned.add(doc.outlet)
                for part in (doc.outlet, *re.findall(r"\(([^)]+)\)", doc.outlet), doc.outlet.split("(")[0]):
                    name = normalise_name(part)
                    if name and self.outlets.setdefault(name, own) == own:
                        self.outlet_spellings.add(name, name)
                        if has_cyrillic(name):
                            self.stems[stem_key(name)].add(own)
            self.reports[own.key].append(doc)

    def cited_report(self, source: Source, doc: Document, count: tuple[str, int] | None = None,
                     by_count: Mapping[tuple[str, str, int], list[tuple[str, str]]] | None = None) -> str | None:
        """The report of the case that ``source`` published and ``doc`` relays, or None.

        A report published after ``doc`` is not its source. With several reports of the
        source, the earliest giving the same ``count`` (event family, value) is, found in
        ``by_count`` (:meth:`reports_by_count`); otherwise none.
        """
        if count is not None and by_count:
            for published, doc_id in by_count.get((source.key, *count), ()):
                if doc_id != doc.id:
                    return doc_id if _not_after(published, doc.published) else None
        reports = self.reports.get(source.key, ())
        others = [r for r in reports if r.id != doc.id] if len(reports) <= 2 else reports
        return others[0].id if len(others) == 1 and _not_after(others[0].published, doc.published) else None

    def reports_by_count(self, counts: Mapping[str, set[tuple[str, int]]]) -> dict[tuple[str, str, int],
                                                                                   list[tuple[str, str]]]:
        """``(source key, event family, value)`` -> ``(published, doc id)`` of the source's reports giving
        that count, earliest first."""
        index: dict[tuple[str, str, int], list[tuple[str, str]]] = defaultdict(list)
        for key, reports in self.reports.items():
            for r in reports:
                for count in counts.get(r.id, ()):
                    index[(key, *count)].append(((r.published or "")[:10], r.id))
        for found in index.values():
            found.sort()
        return index


def report_label(doc: Document) -> str:
    """How a report without a known outlet is named: by its title, else its file name."""
    if doc.title:
        title = " ".join(doc.title.split())
        return f"report “{title[:60]}{'…' if len(title) > 60 else ''}”"
    return f"report {doc.path.rsplit('/', 1)[-1] or doc.id[:12]}"


def figure_provenance(figures: Sequence[Figure], documents: Sequence[Document], names: SourceNames,
                      originals: Mapping[str, str] | None = None) -> dict[str, Provenance]:
    """The original source of every figure.

    Args:
        figures: Figures of the case.
        documents: Their documents.
        names: Source name resolver built from the case's entities.
        originals: Copy document id to original document id (near-duplicates).

    Returns:
        Figure mention id to its provenance.
    """
    docs = {d.id: d for d in documents}
    originals = originals or {}
    names.add_reports(documents)
    by_doc: dict[str, list[Figure]] = defaultdict(list)
    counts: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for f in figures:
        by_doc[f.mention.doc_id].append(f)
        counts[f.mention.doc_id].add((event_family(f.event), f.value))
    by_count = names.reports_by_count(counts)
    result: dict[str, Provenance] = {}
    for doc_id, found in by_doc.items():
        doc = docs.get(doc_id)
        if doc is None:
            logger.warning("figures of unknown document %s skipped", doc_id)
            continue
        result.update(_document_figures(doc, sorted(found, key=lambda f: f.mention.start), names, docs, originals,
                                        by_count))
    return result


def _document_figures(doc: Document, found: list[Figure], names: SourceNames, docs: Mapping[str, Document],
                      originals: Mapping[str, str],
                      by_count: Mapping[tuple[str, str, int], list[tuple[str, str]]]) -> dict[str, Provenance]:
    """Provenance of one report's figures, in text order."""
    paras = paragraphs(doc.text)
    original = originals.get(doc.id)
    own = names.outlet_source(docs.get(original, doc) if original else doc)
    explicit: dict[str, Provenance] = {}
    for f in found:
        span = _span(f.mention.attrs.get("attribution_span"))
        relayed = tuple(str(r) for r in f.mention.attrs.get("relayed_by") or ())
        source = names.resolve(doc.id, f.attributed_to, span) if (f.attributed_to or span) else None
        if source is not None:
            cited = names.cited_report(source, doc, (event_family(f.event), f.value), by_count)
            explicit[f.mention.id] = Provenance(f.mention.id, doc.id, source, "cited", relayed, span,
                                                original or doc.id, cited)
    by_count: dict[tuple[str, int], Provenance] = {}
    for f in found:
        prov = explicit.get(f.mention.id)
        if prov is not None and (prov.source.kind != "description" or (event_family(f.event), f.value) not in by_count):
            by_count[(event_family(f.event), f.value)] = prov
    for f in found:
        # "A Russian activist group is reporting ... 64" then "The Russian LGBT Network ... 64":
        # a report introduces the source of a count before naming it.
        prov = explicit.get(f.mention.id)
        named = by_count.get((event_family(f.event), f.value))
        if prov is not None and named is not None and prov.source.kind == "description" != named.source.kind:
            explicit[f.mention.id] = Provenance(f.mention.id, doc.id, named.source, "same report", prov.relayed_by,
                                                prov.evidence, prov.original_doc, named.cited_doc)
    result: dict[str, Provenance] = {}
    last_in_para: dict[tuple[int, int] | None, Provenance] = {}
    for f in found:
        para = _enclosing(paras, f.mention.start)
        prov = explicit.get(f.mention.id)
        if prov is None and para in last_in_para:
            prev = last_in_para[para]
            prov = Provenance(f.mention.id, doc.id, prev.source, "inherited", prev.relayed_by, prev.evidence,
                              prev.original_doc, prev.cited_doc)
        if prov is None and (event_family(f.event), f.value) in by_count:
            same = by_count[(event_family(f.event), f.value)]
            prov = Provenance(f.mention.id, doc.id, same.source, "same report", same.relayed_by, same.evidence,
                              same.original_doc, same.cited_doc)
        if prov is None:
            prov = Provenance(f.mention.id, doc.id, own, "copy" if original else "first-hand", (), None, original or doc.id)
        if f.mention.id in explicit:
            last_in_para[para] = prov
        result[f.mention.id] = prov
    return result


def quote_provenance(quotes: Sequence[Quote], documents: Sequence[Document], names: SourceNames,
                     originals: Mapping[str, str] | None = None) -> dict[str, Provenance]:
    """Where each quote was first published: the outlet it is credited to, else the report.

    ``Quote.reported_by`` names the crediting outlet when the quote extractor found one;
    otherwise "according to X", "told X" or "in an interview with X" in the quote's
    sentence credits X.

    Returns:
        Quote mention id to provenance.
    """
    docs = {d.id: d for d in documents}
    originals = originals or {}
    names.add_reports(documents)
    sents: dict[str, list[tuple[int, int]]] = {}
    result = {}
    for q in quotes:
        m = q.mention
        doc = docs.get(m.doc_id)
        if doc is None:
            continue
        original = originals.get(doc.id)
        source, evidence = None, None
        if q.reported_by:
            source = names.resolve(doc.id, q.reported_by)
        else:
            spans = sents.get(doc.id)
            if spans is None:
                spans = sents[doc.id] = sentences(doc.text)
            sentence = _enclosing(spans, max(m.start, m.end - 1))
            credit = _credit_in(doc, names, m.start, max(sentence[1] if sentence else m.end, m.end))
            if credit:
                source, evidence = credit
        if source is not None:
            result[m.id] = Provenance(m.id, doc.id, source, "cited", (), evidence, original or doc.id,
                                      names.cited_report(source, doc))
        else:
            own = names.outlet_source(docs.get(original, doc) if original else doc)
            result[m.id] = Provenance(m.id, doc.id, own, "copy" if original else "first-hand", (), None,
                                      original or doc.id)
    return result


def _credit_in(doc: Document, names: SourceNames, start: int, end: int) -> tuple[Source, tuple[int, int]] | None:
    """An organisation or person credited by "according to X" / "told X" within ``[start, end)``."""
    spans = names.spans.get(doc.id, [])
    k = bisect.bisect_left(spans, (start, 0, ""))
    for s, e, entity_id in spans[k:]:
        if s >= end:
            break
        if names.entities[entity_id].type in ("ORG", "PERSON") and _CITED_IN_QUOTE.search(doc.text, max(start, s - 40), s):
            return names.entity_source(entity_id), (s, e)
    return None


def _not_after(published: str | None, than: str | None) -> bool:
    """False only when both dates are known and ``published`` is the later day."""
    return not (published and than and published[:10] > than[:10])


def _span(value: object) -> tuple[int, int] | None:
    """A ``[start, end]`` attribute as a tuple, or None."""
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return int(value[0]), int(value[1])
    return None


def _enclosing(spans: list[tuple[int, int]], position: int) -> tuple[int, int] | None:
    """The span of sorted ``spans`` containing ``position``, or None."""
    k = bisect.bisect_right(spans, (position, 10**12)) - 1
    if k >= 0 and spans[k][0] <= position < spans[k][1] + 1:
        return spans[k]
    return None
