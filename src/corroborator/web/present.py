"""Turning case data into what templates draw: text pieces with highlights, evidence, charts.

Texts are never marked up by string replacement: a document is cut at span boundaries
into plain pieces, each carrying its offset, classes and link; the template escapes
every piece. Charts are plain coordinates from :mod:`corroborator.outputs.charts` (shared with the
static report) that the template draws as inline SVG.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote as urlquote

from corroborator.outputs import charts
from corroborator.model import Document, Event, Mention
from corroborator.text import paragraphs
from corroborator.web.state import View

_CONTEXT = 420


@dataclass(frozen=True)
class Span:
    """A highlighted stretch of text."""

    start: int
    end: int
    cls: str
    href: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Piece:
    """A stretch of text with the spans covering it; ``start`` is its offset in the document."""

    text: str
    start: int
    cls: str
    href: str | None
    title: str | None
    anchor: str | None = None


def doc_title(doc: Document) -> str:
    """What to call a document: its title, else its headline, else its file name."""
    if doc.title:
        return doc.title
    for n in doc.noise:
        if n.kind == "headline" and doc.text[n.start:n.end].strip():
            return " ".join(doc.text[n.start:n.end].split())[:160]
    return doc.path.rsplit("/", 1)[-1]


def url(*parts: str) -> str:
    """A path from id parts, each quoted (ids may hold ``:`` or ``/``)."""
    return "/" + "/".join(urlquote(p, safe="") for p in parts)


def cut(text: str, spans: list[Span], lo: int = 0, hi: int | None = None) -> list[Piece]:
    """Cut ``text[lo:hi]`` at every span boundary (a sweep; spans may nest or overlap)."""
    hi = len(text) if hi is None else hi
    spans = [s for s in spans if s.end > lo and s.start < hi and s.end > s.start]
    points = sorted({lo, hi, *(max(lo, s.start) for s in spans), *(min(hi, s.end) for s in spans)})
    starts: dict[int, list[Span]] = {}
    for s in spans:
        starts.setdefault(max(lo, s.start), []).append(s)
    active: list[Span] = []
    anchored: set[int] = set()
    pieces = []
    for a, b in zip(points, points[1:]):
        active = [s for s in active if s.end > a] + starts.get(a, [])
        linked = sorted((s for s in active if s.href), key=lambda s: s.end - s.start)
        titled = sorted((s for s in active if s.title), key=lambda s: s.end - s.start)
        anchor = None
        if any(s.start == a and s.href for s in active) and a not in anchored:
            anchor = f"at-{a}"
            anchored.add(a)
        pieces.append(Piece(text[a:b], a, " ".join(dict.fromkeys(s.cls for s in active)),
                            linked[0].href if linked else None, titled[0].title if titled else None, anchor))
    return pieces


def doc_spans(view: View, doc: Document, *, noise: bool = True) -> list[Span]:
    """Every highlight of a document: noise, entities, quotes, figures, dates, speaker spans."""
    spans: list[Span] = []
    if noise:
        for n in doc.noise:
            cls = "headline" if n.kind == "headline" else f"noise noise-{n.kind}"
            spans.append(Span(n.start, n.end, cls, None, f"{n.kind.replace('_', ' ')} (not report text)"))
    for m in view.case.mentions.values():
        if m.doc_id != doc.id:
            continue
        if m.kind == "entity" and m.id in view.entity_of_mention:
            e = view.entities[view.entity_of_mention[m.id]]
            spans.append(Span(m.start, m.end, "m-entity" + (" m-protected" if e.protected else ""),
                              url("entities", e.id), f"{e.type}: {e.name}"))
        elif m.kind == "date":
            spans.append(Span(m.start, m.end, "m-date", None, f"date: {m.attrs.get('value') or m.text}"))
        elif m.kind == "identifying":
            spans.append(Span(m.start, m.end, "m-protected m-identifying", None,
                              f"marked as identifying {m.attrs.get('label') or 'a protected person'}"))
        elif m.kind == "speaker":
            spans.append(Span(m.start, m.end, "m-speaker", None, "speaker (set by a reviewer)"))
    for q in view.case.quotes:
        if q.mention.doc_id == doc.id:
            spans.append(Span(q.mention.start, q.mention.end, "m-quote", url("quotes", q.mention.id),
                              f"quote — {q.speaker_label or 'unknown speaker'}"))
    for f in view.case.figures:
        if f.mention.doc_id == doc.id:
            spans.append(Span(f.mention.start, f.mention.end, "m-figure", url("figures", f.mention.id),
                              f"figure: {f.event} {f.value} ({f.qualifier})"))
    return spans


def window(text: str, start: int, end: int, width: int = _CONTEXT) -> tuple[int, int]:
    """The paragraph(s) around ``[start, end)``, clipped to about ``width`` characters each side."""
    lo, hi = start, end
    for p_start, p_end in paragraphs(text):
        if p_end >= start and p_start <= end:
            lo, hi = min(lo, p_start), max(hi, p_end)
    lo, hi = max(lo, start - width), min(hi, end + width)
    while lo > 0 and lo < start and not text[lo - 1].isspace():
        lo += 1
    while hi < len(text) and hi > end and not text[hi].isspace():
        hi -= 1
    return lo, hi


@dataclass(frozen=True)
class Evidence:
    """The source of an extracted value: context pieces and the exact characters."""

    doc: Document
    mention: Mention
    pieces: list[Piece]
    lo: int
    hi: int

    @property
    def exact(self) -> str:
        """The exact characters of the span."""
        return self.doc.text[self.mention.start:self.mention.end]


def evidence(view: View, mention: Mention, extra: list[Span] | None = None) -> Evidence | None:
    """The evidence pane of a mention: its paragraph with the span (and ``extra`` spans) marked."""
    doc = view.docs.get(mention.doc_id)
    if doc is None:
        return None
    lo, hi = window(doc.text, mention.start, mention.end)
    spans = [Span(mention.start, mention.end, "ev-target"), *(extra or [])]
    for s in extra or []:
        if abs(s.start - mention.start) < 1500:
            lo, hi = min(lo, window(doc.text, s.start, s.end, 120)[0]), max(hi, window(doc.text, s.start, s.end, 120)[1])
    spans += [s for s in doc_spans(view, doc) if s.cls.startswith(("noise", "m-entity"))]
    return Evidence(doc, mention, cut(doc.text, spans, lo, hi), lo, hi)


def kwic(text: str, start: int, end: int, width: int = 60) -> tuple[str, str, str]:
    """Key word in context: ``(left, match, right)``, each on one line."""
    left = " ".join(text[max(0, start - width):start].split())
    right = " ".join(text[end:end + width].split())
    return ("…" if start > width else "") + left, text[start:end], right + ("…" if end + width < len(text) else "")


def timeline_chart(view: View, limit: int = 400) -> dict[str, Any] | None:
    """Dated events placed on a time axis, each linked to its sentence in the reader."""
    def href(e: Event) -> str:
        """The reader page of the event's document, at its first mention."""
        first = e.mention_ids[0] if e.mention_ids else None
        at = f"#at-{view.case.mentions[first].start}" if first in view.case.mentions else ""
        return url("documents", e.doc_id) + at

    return charts.timeline_chart(charts.event_items(view.case, href), limit=limit)


def evolution_chart(view: View) -> list[dict[str, Any]]:
    """One panel per event kind from the totals' series, the chart model the report draws too."""
    return charts.case_evolution(view.case, lambda f: url("figures", f) if f in view.figures else "/claims")