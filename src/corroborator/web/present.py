"""Turning case data into what templates draw: text pieces with highlights, evidence, charts.

Texts are never marked up by string replacement: a document is cut at span boundaries
into plain pieces, each carrying its offset, classes and link; the template escapes
every piece. Charts are plain coordinates that the template draws as inline SVG.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote as urlquote

from corroborator.model import Document, Mention
from corroborator.text import paragraphs
from corroborator.web.state import View

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_CONTEXT = 420
CHART_W, CHART_H, PAD = 760, 150, 44
# Figure panels sit two abreast, so they are drawn narrower to keep their labels legible.
PANEL_W = 520


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


def parse_date(value: str | None) -> tuple[date, date] | None:
    """The first and last day a date string may mean (``2017``, ``2017-04``, ``2017-04-01…``)."""
    m = _DATE.match(value or "")
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    try:
        if day:
            d = date(year, month, day)
            return d, d
        if month:
            last = date(year + (month == 12), month % 12 + 1, 1)
            return date(year, month, 1), date.fromordinal(last.toordinal() - 1)
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def _scale(lo: float, hi: float, a: float, b: float) -> Any:
    span = (hi - lo) or 1.0
    return lambda v: a + (v - lo) / span * (b - a)


def _ticks(first: date, last: date, x: Any) -> list[dict[str, Any]]:
    """Week, month or year ticks along a date axis, by its length."""
    days = last.toordinal() - first.toordinal()
    if days <= 62:
        step_days = 7 if days > 14 else 2 if days > 4 else 1
        return [{"x": round(x(o), 1), "label": date.fromordinal(o).strftime("%-d %b")}
                for o in range(first.toordinal(), last.toordinal() + 1, step_days)][:14]
    months = (last.year - first.year) * 12 + last.month - first.month
    step = 1 if months <= 12 else 3 if months <= 36 else 12
    ticks, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        d = date(y, m, 1)
        if d >= first or not ticks:
            ticks.append({"x": round(x(max(d, first).toordinal()), 1),
                          "label": d.strftime("%b %Y") if step < 12 else str(y)})
        m += step
        y, m = y + (m - 1) // 12, (m - 1) % 12 + 1
    return ticks[:14]


def timeline_chart(view: View, limit: int = 400) -> dict[str, Any] | None:
    """Dated events placed on a time axis; a period (month, year) is drawn as a bar."""
    items = []
    for e in view.case.events[:limit]:
        period = parse_date(e.date)
        if period:
            items.append((period, e))
    if not items:
        return None
    first = min(p[0] for p, _ in items)
    last = max(p[1] for p, _ in items)
    x = _scale(first.toordinal(), last.toordinal() + 1, PAD, CHART_W - 16)
    lanes: list[float] = []
    marks = []
    for (a, b), e in sorted(items, key=lambda i: (i[0][0], i[0][1])):
        x0, x1 = x(a.toordinal()), max(x(b.toordinal() + 1), x(a.toordinal()) + 6)
        lane = next((i for i, end in enumerate(lanes) if end < x0 - 2), None)
        if lane is None:
            lanes.append(x1)
            lane = len(lanes) - 1
        lanes[lane] = x1
        first_mention = e.mention_ids[0] if e.mention_ids else None
        href = url("documents", e.doc_id) + (f"#at-{view.case.mentions[first_mention].start}"
                                             if first_mention in view.case.mentions else "")
        marks.append({"x": round(x0, 1), "w": round(x1 - x0, 1), "lane": lane, "point": a == b,
                      "label": f"{e.date} ({e.precision}): {e.what[:140]}", "href": href})
    lane_h = 14
    height = max(60, 30 + lane_h * min(len(lanes), 24))
    for mark in marks:
        mark["y"] = 10 + lane_h * min(mark["lane"], 23)
    return {"width": CHART_W, "height": height, "marks": marks, "ticks": _ticks(first, last, x),
            "axis_y": height - 18, "count": len(items)}


def evolution_chart(view: View) -> list[dict[str, Any]]:
    """One panel per event kind: each figure's value against its report's publication date."""
    published = {d.id: parse_date(d.published) for d in view.case.documents}
    by_kind: dict[str, list[tuple[date, Any]]] = {}
    for f in view.case.figures:
        # A report without a publication date is placed by the date the figure refers to.
        period = published.get(f.mention.doc_id) or parse_date(f.when)
        if period:
            by_kind.setdefault(f.event, []).append((period[0], f))
    panels: list[dict[str, Any]] = []
    if not by_kind:
        return panels
    # One time axis for every panel, so panels can be compared at a glance.
    first = min(p[0] for points in by_kind.values() for p in points)
    last = max(p[0] for points in by_kind.values() for p in points)
    x = _scale(first.toordinal() - 1, last.toordinal() + 1, PAD, PANEL_W - 16)
    x_ticks = _ticks(first, last, x)[::2]
    for kind, points in sorted(by_kind.items(), key=lambda kv: -len(kv[1])):
        points.sort(key=lambda p: (p[0], p[1].value))
        days = [p[0].toordinal() for p in points]
        values = [p[1].value for p in points]
        log = max(values) > 50 * max(1, min(values))
        tf = (lambda v: math.log10(v + 1)) if log else float
        y = _scale(0, tf(max(values)) * 1.1 or 1, CHART_H - 24, 12)
        dots = [{"x": round(x(d), 1), "y": round(y(tf(v)), 1), "value": v,
                 "label": f"{f.value} {f.qualifier.replace('_', ' ')} {f.event} — “{f.mention.text[:100]}” "
                          f"({view.docs[f.mention.doc_id].outlet or view.docs[f.mention.doc_id].title or ''}, {day})",
                 "href": url("figures", f.mention.id)}
                for d, v, (day, f) in zip(days, values, points)]
        y_ticks = sorted({0, max(values), *([min(values)] if min(values) != max(values) else [])})
        panels.append({"kind": kind, "width": PANEL_W, "height": CHART_H, "dots": dots,
                       "path": " ".join(f"{'M' if i == 0 else 'L'}{d['x']},{d['y']}" for i, d in enumerate(dots)),
                       "y_ticks": [{"y": round(y(tf(v)), 1), "label": v} for v in y_ticks], "log": log,
                       "x_ticks": x_ticks,
                       "axis_y": CHART_H - 24})
    return panels
