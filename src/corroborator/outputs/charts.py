"""Chart coordinates for inline SVG: dated events on a time axis, figures over time.

One implementation for the static HTML report and the web app. The layout functions
take plain items (:class:`TimelineItem`, :class:`Point`) and return plain numbers and
strings that a template draws as inline SVG, escaping every label; nothing here
produces markup. Adapters build the items from a :class:`~corroborator.model.Case`
(its events and figures) or from the series of a total (one point per source of each
claim, as ``case.totals[kind]["series"]`` and the briefing's ``figure_series`` hold
them). Links are the caller's: every adapter takes a function giving an item's href.
"""

from __future__ import annotations

import dataclasses

import logging
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from corroborator.model import Case, Event

logger = logging.getLogger(__name__)

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_SEASON = re.compile(r"^(\d{4})-(spring|summer|autumn|fall|winter)\b")
# First month of each season; a season runs three months (winter is named by its December).
_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
#: How a point shows its qualifier: "≥200", ">100", "~50".
QUALIFIER_SIGNS = {"exact": "", "at_least": "≥", "more_than": ">", "at_most": "≤", "about": "~"}
CHART_W, CHART_H, PAD = 760, 150, 44
# Figure panels sit two abreast, so they are drawn narrower to keep their labels legible.
PANEL_W = 520
# Width kept at the right of an evolution axis for points with no date.
_UNDATED_W = 56
# Rough width of one label character in the 11px chart font, to keep labels apart.
_CHAR_W = 5.6


@dataclass(frozen=True)
class TimelineItem:
    """One dated thing to place on a time axis; ``date`` as the case stores it."""

    date: str | None
    precision: str
    label: str
    href: str
    short: str = ""


@dataclass(frozen=True)
class Point:
    """One value of an event kind at a day (None: undated); ``text`` is its visible label, ``cls`` a style."""

    kind: str
    day: date | None
    value: int
    label: str
    href: str
    text: str = ""
    cls: str = ""


def value_label(value: int, qualifier: str) -> str:
    """A value with its qualifier as a sign: ``value_label(200, "at_least") == "≥200"``."""
    return f"{QUALIFIER_SIGNS.get(qualifier, '')}{value}"


def parse_date(value: str | None) -> tuple[date, date] | None:
    """The first and last day a date string may mean (``2017``, ``2017-04``, ``2017-summer``, ``2017-04-01…``)."""
    season = _SEASON.match(value or "")
    if season:
        year, month = int(season[1]), _SEASON_START[season[2]]
        end_year, end_month = year + (month + 2 > 12), (month + 2 - 1) % 12 + 1
        return date(year, month, 1), _month_end(end_year, end_month)
    m = _DATE.match(value or "")
    if not m:
        return None
    year, month, day = int(m[1]), int(m[2] or 0), int(m[3] or 0)
    try:
        if day:
            d = date(year, month, day)
            return d, d
        if month:
            return date(year, month, 1), _month_end(year, month)
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    """The last day of a month."""
    first_of_next = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(first_of_next.toordinal() - 1)


def _scale(lo: float, hi: float, a: float, b: float) -> Callable[[float], float]:
    """Map ``[lo, hi]`` linearly onto ``[a, b]``."""
    span = (hi - lo) or 1.0
    return lambda v: a + (v - lo) / span * (b - a)


def _ticks(first: date, last: date, x: Callable[[float], float]) -> list[dict[str, Any]]:
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


def timeline_chart(items: Sequence[TimelineItem], *, limit: int = 400, width: int = CHART_W,
                   label_gap: float = 2.0) -> dict[str, Any] | None:
    """Place dated items on a time axis; a period (month, season, year) is drawn as a bar.

    Items are packed into lanes so that no two overlap; ``label_gap`` is the room kept
    after a mark for its ``short`` label before the next mark in its lane.

    Args:
        items: What to place, in the order ties keep.
        limit: At most this many items are considered (the first ones).
        width: Width of the drawing.
        label_gap: Pixels kept free after each mark in its lane.

    Returns:
        ``{"width", "height", "marks", "ticks", "axis_y", "count"}``, each mark
        ``{"x", "w", "y", "lane", "point", "label", "short", "href"}``; None when no
        item has a date that can be placed.
    """
    placed = [(period, item) for item in items[:limit] if (period := parse_date(item.date))]
    if not placed:
        return None
    first = min(p[0] for p, _ in placed)
    last = max(p[1] for p, _ in placed)
    x = _scale(first.toordinal(), last.toordinal() + 1, PAD, width - 16)
    lanes: list[float] = []
    marks = []
    for (a, b), item in sorted(placed, key=lambda i: (i[0][0], i[0][1])):
        x0, x1 = x(a.toordinal()), max(x(b.toordinal() + 1), x(a.toordinal()) + 6)
        lane = next((i for i, end in enumerate(lanes) if end < x0 - 2), None)
        if lane is None:
            lanes.append(0.0)
            lane = len(lanes) - 1
        lanes[lane] = x1 + (label_gap - 2 if item.short else 0)
        marks.append({"x": round(x0, 1), "w": round(x1 - x0, 1), "lane": lane, "point": a == b,
                      "label": item.label, "short": item.short, "href": item.href})
    lane_h = 14
    height = max(60, 30 + lane_h * min(len(lanes), 24))
    for mark in marks:
        mark["y"] = 10 + lane_h * min(mark["lane"], 23)
    return {"width": width, "height": height, "marks": marks, "ticks": _ticks(first, last, x),
            "axis_y": height - 18, "count": len(placed)}


def evolution_chart(points: Sequence[Point], *, width: int = PANEL_W, height: int = CHART_H) -> list[dict[str, Any]]:
    """One panel per event kind: each point's value against its day, on one shared time axis.

    A panel whose values spread over more than fifty-fold is drawn on a log scale.
    Undated points are kept, in a column marked "undated" at the right of the axis.

    Args:
        points: The values to draw; panels come in order of most points first.
        width: Width of each panel.
        height: Height of each panel.

    Returns:
        Panels ``{"kind", "width", "height", "dots", "path", "y_ticks", "log",
        "x_ticks", "axis_y", "undated_x"}``; each dot ``{"x", "y", "value", "label",
        "href", "text", "cls", "text_x", "text_y", "anchor"}``. The path joins the dated dots.
    """
    by_kind: dict[str, list[Point]] = {}
    for p in points:
        by_kind.setdefault(p.kind, []).append(p)
    if not by_kind:
        return []
    days = [p.day for p in points if p.day is not None]
    undated = any(p.day is None for p in points)
    right = width - 16 - (_UNDATED_W if undated else 0)
    # One time axis for every panel, so panels can be compared at a glance.
    first, last = (min(days), max(days)) if days else (date.today(), date.today())
    x = _scale(first.toordinal() - 1, last.toordinal() + 1, PAD, right)
    x_ticks = _ticks(first, last, x)[::2] if days else []
    undated_x = round(width - 16 - _UNDATED_W / 2, 1) if undated else None
    axis_y = height - 24
    panels: list[dict[str, Any]] = []
    for kind, group in sorted(by_kind.items(), key=lambda kv: -len(kv[1])):
        group = sorted(group, key=lambda p: (p.day is None, p.day or first, p.value))
        values = [p.value for p in group]
        log = max(values) > 50 * max(1, min(values))
        tf: Callable[[float], float] = (lambda v: math.log10(v + 1)) if log else float
        y = _scale(0, tf(max(values)) * 1.1 or 1, axis_y, 12)
        dots = [{"x": undated_x if p.day is None else round(x(p.day.toordinal()), 1), "y": round(y(tf(p.value)), 1),
                 "value": p.value, "label": p.label, "href": p.href, "text": p.text, "cls": p.cls} for p in group]
        _place_labels(dots, width, axis_y)
        dated = [d for d, p in zip(dots, group) if p.day is not None]
        y_ticks = sorted({0, max(values), *([min(values)] if min(values) != max(values) else [])})
        panels.append({"kind": kind, "width": width, "height": height, "dots": dots,
                       "path": " ".join(f"{'M' if i == 0 else 'L'}{d['x']},{d['y']}" for i, d in enumerate(dated)),
                       "y_ticks": [{"y": round(y(tf(v)), 1), "label": v} for v in y_ticks], "log": log,
                       "x_ticks": x_ticks, "axis_y": axis_y, "undated_x": undated_x})
    return panels


def _place_labels(dots: list[dict[str, Any]], width: int, bottom: float) -> None:
    """Put each dot's visible text beside it, on the nearest line above (else below) that no other label holds."""
    boxes: list[tuple[float, float, float]] = []
    for d in dots:
        right_half = d["x"] > width / 2
        w = len(d["text"]) * _CHAR_W
        x0 = d["x"] - 7 - w if right_half else d["x"] + 7
        above = [d["y"] - 7 - 11 * i for i in range(int((d["y"] - 7 - 9) // 11) + 1)]
        below = [d["y"] + 15 + 11 * i for i in range(max(0, int((bottom - 2 - d["y"] - 15) // 11) + 1))]
        free = (ty for ty in [*above, *below]
                if not any(abs(ty - by) < 11 and x0 < bx1 and bx0 < x0 + w for bx0, bx1, by in boxes))
        ty = next(free, d["y"] - 7)
        boxes.append((x0, x0 + w, ty))
        d.update(text_x=round(d["x"] - 7 if right_half else d["x"] + 7, 1), text_y=round(ty, 1),
                 anchor="end" if right_half else "start")


def event_items(case: Case, href: Callable[[Event], str], *, source: Callable[[Event], str] | None = None
                ) -> list[TimelineItem]:
    """The case's dated events as timeline items, labelled with date, precision and sentence.

    Args:
        case: The case.
        href: Link of each event.
        source: Name of each event's source, appended to its label when given.
    """
    return [TimelineItem(e.date, e.precision, f"{e.date} ({e.precision}): {e.what[:140]}"
                         + (f" — {source(e)}" if source else ""), href(e)) for e in case.events]


def series_points(series: Sequence[Mapping[str, Any]], href: Callable[[Mapping[str, Any]], str]) -> list[Point]:
    """One point per series entry (a source's figure for one claim), at the claim's date.

    Args:
        series: Entries with ``event``, ``date``, ``value``, ``qualifier``, ``source``,
            ``status`` (the briefing's ``figure_series``, or a total's ``series`` with
            ``event`` added).
        href: Link of each entry (its first citation).

    Returns:
        The points; an entry without a usable date becomes an undated point.
    """
    points = []
    for s in series:
        period = parse_date(s.get("date"))
        shown = value_label(int(s["value"]), s.get("qualifier") or "exact")
        source = s.get("source") or "unknown source"
        status = str(s.get("status") or "").replace("_", " ")
        label = f"{s['event']}: {shown} — {source}, {s.get('date') or 'undated'}" + (f" ({status})" if status else "")
        short = source if len(source) <= 28 else source[:27] + "…"
        points.append(Point(str(s["event"]), period[0] if period else None, int(s["value"]), label, href(s),
                            f"{shown} {short}", f"status-{s.get('status') or 'unknown'}"))
    return points


def case_series(case: Case) -> list[dict[str, Any]]:
    """Every total's series as one flat list with the event kind on each point: the one chart model
    that the report and the app both draw (one point per claim source, at the claim's date)."""
    return [dict(point, event=kind) for kind, t in sorted(case.totals.items()) if isinstance(t, dict)
            for point in t.get("series", [])]


def case_evolution(case: Case, href: Callable[[str | None], str],
                   scrub: Callable[[str], str] = lambda text: text) -> list[dict[str, Any]]:
    """The figure-evolution panels of a case from :func:`case_series`.

    Args:
        case: The case (its totals' series, and what each total left out).
        href: The link of a point, from the id of its first figure (None when it has none).
        scrub: Applied to every label and text (a redacted view hides protected names).

    Returns:
        As :func:`evolution_chart`; a claim the total does not count is drawn hollow and says why.
    """
    series = case_series(case)
    excluded = {e.get("claim"): e.get("reason") for t in case.totals.values() if isinstance(t, dict)
                for e in t.get("excluded") or []}
    points = []
    for entry, p in zip(series, series_points(series, lambda e: href(next(iter(e.get("figures") or []), None)))):
        if entry.get("claim") in excluded:
            p = dataclasses.replace(p, label=f"{p.label} — not counted: {excluded[entry['claim']]}", cls="excluded")
        points.append(dataclasses.replace(p, label=scrub(p.label), text=scrub(p.text)))
    return evolution_chart(points)
