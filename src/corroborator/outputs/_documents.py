"""The documents of the HTML report: their texts cut into highlighted pieces, and the anchors citations link to.

Shared by the one-file report (:mod:`corroborator.outputs.report`) and the paged one
(:mod:`corroborator.outputs.report_pages`), whose documents are in page files and whose
citations find their anchors as they are made.
"""

from __future__ import annotations

import re
from collections import OrderedDict, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from corroborator.model import Case, Document, Duplicate, Entity, Mention, Quote, document_label, page_of
from corroborator.witnesses import Witnesses

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")
_KIND_CLASS = {"entity": "m-entity", "quote": "m-quote", "figure": "m-figure", "date": "m-date"}


def _anchor(doc_id: str) -> str:
    """A safe HTML id for a document (ids from a .jsonl file can hold anything)."""
    return "doc-" + _UNSAFE_ID.sub("_", doc_id)


@dataclass(frozen=True)
class _Span:
    """A highlighted stretch of a document: CSS classes and a tooltip."""

    key: str
    start: int
    end: int
    classes: str
    title: str
    noise_kind: str | None = None


@dataclass
class _Cites:
    """Where each mention can be linked to: ``#doc-ID-OFFSET`` anchors that exist.

    ``docs`` are the case's documents by id: a citation of a paged one names its page.
    """

    anchors: set[str] = field(default_factory=set)
    docs: Mapping[str, Document] = field(default_factory=dict)
    #: In a paged report: document id -> the page file it is on (relative to the report).
    files: Mapping[str, str] = field(default_factory=dict)
    #: In a paged report, the anchors are known from the highlights, a document at a time, not from ``anchors``.
    marks: _Marks | None = None
    _starts: OrderedDict[str, set[int]] = field(default_factory=OrderedDict)

    def link(self, m: Mention) -> dict[str, str]:
        """A citation for the template: label and href (the document, or the list, if no anchor)."""
        return self.span(m.doc_id, m.start, m.end)

    def span(self, doc_id: str, start: int, end: int) -> dict[str, str]:
        """The citation of ``[start, end)`` of a document, linked to its anchor when it has one."""
        doc = self.docs.get(doc_id)
        if self.marks is None:
            target = f"{_anchor(doc_id)}-{start}"
            href = next((a for a in (target, _anchor(doc_id)) if a in self.anchors), None)
        else:
            href = None if doc is None else f"{_anchor(doc_id)}-{start}" if start in self._anchored(doc) \
                else _anchor(doc_id)
        page = page_of(doc, start) if doc is not None else None
        where = f", p. {page}" if page is not None else ""
        name = document_label(doc) if doc is not None else doc_id[:12]
        link = "#documents" if href is None else f"{self.files.get(doc_id, '')}#{href}"
        return {"label": f"{name}{where}, characters {start}–{end}", "href": link, "doc": doc_id}

    def _anchored(self, doc: Document) -> set[int]:
        """The offsets of ``doc`` its page puts an anchor at (the last few documents' are kept)."""
        found = self._starts.get(doc.id)
        if found is None:
            assert self.marks is not None
            found = self._starts[doc.id] = _mention_starts(self.marks.spans(doc), len(doc.text))
            if len(self._starts) > 256:
                self._starts.popitem(last=False)
        return found


def _segments(doc: Document, spans: list[_Span], cites: _Cites) -> list[dict[str, Any]]:
    """Cut ``doc.text`` at every span boundary; each piece knows the spans covering it."""
    text, n = doc.text, len(doc.text)
    opens: dict[int, list[_Span]] = defaultdict(list)
    closes: dict[int, list[_Span]] = defaultdict(list)
    for span in spans:
        start, end = max(0, span.start), min(n, span.end)
        if start < end:
            opens[start].append(span)
            closes[end].append(span)
    mention_starts = _mention_starts(spans, n)
    points = sorted({0, n, *opens, *closes})
    active: dict[str, _Span] = {}
    pieces = []
    base = _anchor(doc.id)
    for a, b in zip(points, points[1:]):
        for span in closes.get(a, ()):
            active.pop(span.key, None)
        for span in opens.get(a, ()):
            active[span.key] = span
        anchor = f"{base}-{a}" if a in mention_starts else None
        if anchor:
            cites.anchors.add(anchor)
        noise = next((s for s in active.values() if s.noise_kind is not None), None)
        pieces.append({
            "text": text[a:b],
            "anchor": anchor,
            "classes": " ".join(dict.fromkeys(s.classes for s in active.values())),
            "title": " | ".join(dict.fromkeys(s.title for s in active.values())),
            # The noise label shows once, where the noise span begins.
            "noise_label": noise.noise_kind if noise is not None and noise.start == a else None,
        })
    return pieces


def _mention_starts(spans: list[_Span], n: int) -> set[int]:
    """Offsets where a mention or cited span starts in a text of ``n`` characters: each gets an anchor."""
    return {max(0, s.start) for s in spans if s.noise_kind is None and max(0, s.start) < min(n, s.end)}


def _mention_titles(case: Case, w: Witnesses) -> dict[str, str]:
    """Tooltip text of each mention: its entity, quote speaker, figure or date."""
    titles: dict[str, str] = {}
    for e in case.entities:
        label = f"{_entity_name(e, w)} ({e.type})"
        titles.update((m, label) for m in e.mention_ids)
    for ev in case.events:
        titles.update((m, f"date: {ev.date} ({ev.precision})") for m in ev.mention_ids)
    entities = {e.id: e for e in case.entities}
    for q in case.quotes:
        titles[q.mention.id] = f"quote — {_speaker(q, entities, w)}"
    for f in case.figures:
        titles[f.mention.id] = f"figure: {f.event} {f.value} ({f.qualifier})"
    return titles


def _entity_name(e: Entity, w: Witnesses) -> str:
    """How the report shows an entity: a protected witness by pseudonym only."""
    return w.entities.get(e.id, "protected witness") if e.protected else e.name


def _speaker(q: Quote, entities: dict[str, Entity], w: Witnesses) -> str:
    """Who speaks a quote, as the report shows it."""
    if q.mention.id in w.quotes:
        return w.quotes[q.mention.id]
    entity = entities.get(q.speaker or "")
    if entity is not None and not entity.protected:
        return entity.name
    return q.speaker_label or "unknown speaker"


@dataclass(frozen=True)
class _Page:
    """A page file of a paged report: its link from the report, and the documents on it (numbered from 1)."""

    href: str
    first: int
    last: int
    documents: list[Document]


@dataclass
class _Marks:
    """What the documents are highlighted with: each mention's tooltip, the mentions per
    document, the spans the briefing cites, the copies and the names of the documents."""

    titles: dict[str, str]
    by_doc: _ByDocument
    cited: Mapping[str, list[_Span]]
    copies: Mapping[str, Duplicate]
    names: dict[str, str]

    def spans(self, doc: Document) -> list[_Span]:
        """Every highlighted span of a document: noise, mentions, cited spans."""
        spans = [_Span(f"\x00noise{i}", n.start, n.end, f"noise noise-{n.kind}", f"{n.kind}: not the report's own text",
                       n.kind) for i, n in enumerate(doc.noise)]
        spans += [_Span(m.id, m.start, m.end, _KIND_CLASS.get(m.kind, "m-other"), self.titles.get(m.id, m.kind))
                  for m in self.by_doc.of(doc.id).values()]
        return spans + list(self.cited.get(doc.id, []))


class _ByDocument:
    """Every mention of a case (its quotes' and figures' too), found by document.

    One list sorted by document, and where each document's run is, instead of a dict
    per document: a large case has a million mentions.
    """

    def __init__(self, case: Case) -> None:
        every = [*case.mentions.values(), *(q.mention for q in case.quotes), *(f.mention for f in case.figures)]
        every.sort(key=lambda m: m.doc_id)  # stable: a document's mentions keep their order
        self.every = every
        self.runs: dict[str, tuple[int, int]] = {}
        start = 0
        for i in range(1, len(every) + 1):
            if i == len(every) or every[i].doc_id != every[start].doc_id:
                self.runs[every[start].doc_id] = (start, i)
                start = i

    def of(self, doc_id: str) -> dict[str, Mention]:
        """The mentions of a document by id, in the case's order (a later one of the same id replaces it)."""
        lo, hi = self.runs.get(doc_id, (0, 0))
        return {m.id: m for m in self.every[lo:hi]}


def _marks(case: Case, w: Witnesses, cited: Mapping[str, list[_Span]]) -> _Marks:
    """The highlights of every document of ``case``."""
    return _Marks(_mention_titles(case, w), _ByDocument(case), cited, case.duplicates,
                  {d.id: d.title or d.path for d in case.documents})


def _documents(docs: list[Document], marks: _Marks, cites: _Cites) -> list[dict[str, Any]]:
    """Documents with their text cut into highlighted pieces; ``cited`` spans get anchors too.

    A copy links to its original where :attr:`_Cites.files` puts it (this page when not paged).
    """
    out = []
    for doc in docs:
        cites.anchors.add(_anchor(doc.id))
        link = marks.copies.get(doc.id)
        copy_of = link and {"href": f"{cites.files.get(link.original_id, '')}#{_anchor(link.original_id)}",
                            "similarity": f"{link.similarity:.0%}",
                            "title": marks.names.get(link.original_id, link.original_id)}
        out.append({"copy_of": copy_of,
                    "id": doc.id, "anchor": _anchor(doc.id), "short": doc.id[:8], "title": doc.title,
                    "outlet": doc.outlet, "author": doc.author, "published": doc.published, "url": doc.url,
                    "path": doc.path, "noise": len(doc.noise), "segments": _segments(doc, marks.spans(doc), cites)})
    return out
