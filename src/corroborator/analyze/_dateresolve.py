"""Normalising matched date phrases against a reference date (private to ``dates``).

:mod:`corroborator.analyze.dates` finds the phrases and documents the rules; this
module turns one matched phrase (its kind and regex groups) into the ``attrs`` of a
date mention: ``value``, ``precision``, ``end_value`` for ranges, and what it was
resolved against.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

logger = logging.getLogger(__name__)

MONTH_NAMES = "January February March April May June July August September October November December".split()
MONTHS = {name.lower(): i for i, name in enumerate(MONTH_NAMES, 1)}
MONTHS.update({name[:3].lower(): i for name, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d.lower(): i for i, d in enumerate("Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split())}
NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
NUMBERS.update({"a": 1, "an": 1, "thirty": 30, "forty": 40, "fifty": 50})
#: The month each season starts; a season runs three months, winter is named by its December.
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}

_LOWER_BOUND = "no publish date, and the latest year the report names only bounds when it was written"
_ISO_PREFIX = re.compile(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class Ref:
    """The date a report's relative and yearless dates are read against."""

    day: date | None
    year: int | None
    source: str
    text: str | None


def reference(published: str | None, case_ref: str | None, text_years: list[int]) -> Ref:
    """The reference date: publish date, else case reference, else latest year in the text."""
    for raw, source in ((published, "published"), (case_ref, "case")):
        m = _ISO_PREFIX.match(raw or "")
        if m and m[3]:
            try:
                day = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                logger.warning("ignoring invalid %s date %r", source, raw)
                continue
            return Ref(day, day.year, source, day.isoformat())
        if m:
            return Ref(None, int(m[1]), source, m[1])
    if text_years:
        return Ref(None, max(text_years), "text_year", str(max(text_years)))
    return Ref(None, None, "none", None)


def resolve(kind: str, f: dict[str, str], ref: Ref, future: bool, anchor_year: int | None,
            grace_days: int) -> dict[str, Any] | None:
    """Normalised ``attrs`` of one matched phrase, or None if it is not a date after all.

    ``grace_days``: how long after a yearless day a report may still speak of it as ahead.
    """
    if kind in ("md", "month", "season"):
        return _calendar(kind, f, ref, future, anchor_year, grace_days)
    if kind == "year":
        return _resolved(f["year"], "year", None, "explicit")
    if kind == "weekday":
        return _weekday(f, ref, future)
    if kind == "relative":
        return _relative(f, ref)
    return _span(kind, f, ref)


def month_number(name: str) -> int:
    """Month number of a month name, abbreviation or two-digit number."""
    return int(name) if name.isdigit() else MONTHS[name.rstrip(".").lower()]


def _calendar(kind: str, f: dict[str, str], ref: Ref, future: bool, anchor: int | None,
              grace_days: int) -> dict[str, Any] | None:
    """A day, month or season, with or without its year."""
    season = f.get("season", "").lower().replace("fall", "autumn")
    month = SEASONS[season] if kind == "season" else month_number(f["month"])
    day = int(f["day"]) if kind == "md" else 1
    precision = {"md": "day", "month": "month", "season": "season"}[kind]
    if f.get("year"):
        year, source = int(f["year"]), "explicit"
    else:
        months_long = {"md": 0, "month": 1, "season": 3}[kind]
        year, source = _year_for(month, day, months_long, ref, future, anchor, grace_days)
    if year is None:
        partial = f"--{month:02d}-{day:02d}" if kind == "md" else f"--{month:02d}"
        return _unresolved(precision, "no reference year", f"XXXX-{season}" if kind == "season" else partial)
    try:
        date(year, month, day)
    except ValueError:
        return None  # "February 30" is a typo or not a date; nothing to normalise
    if kind == "season":
        value = f"{year}-{season}"
    else:
        value = f"{year}-{month:02d}-{day:02d}" if kind == "md" else f"{year}-{month:02d}"
    return _resolved(value, precision, ref if source == "reference" else None, source)


def _year_for(
    month: int, day: int, months_long: int, ref: Ref, future: bool, anchor: int | None, grace_days: int
) -> tuple[int | None, str]:
    """Year of a yearless date: anchor, else the latest not after the reference.

    In future context, the first one not over at the reference instead; a day gets
    ``grace_days`` of grace, so a deadline reported just after it passed keeps its year.
    """
    if anchor is not None:
        return anchor, "paragraph"
    if ref.day is None:
        return ref.year, "reference"
    options = []
    for y in (ref.day.year - 1, ref.day.year, ref.day.year + 1):
        try:
            options.append((date(y, month, day), y))
        except ValueError:
            continue  # 29 February in a common year
    if future:
        now = ref.day.year * 12 + ref.day.month - 1
        ahead = [
            y
            for d, y in options
            if (months_long and y * 12 + month - 1 + months_long - 1 >= now)
            or (not months_long and d >= ref.day - timedelta(days=grace_days))
        ]
        return (min(ahead) if ahead else None), "reference"
    past = [y for d, y in options if d <= ref.day]
    return (max(past) if past else None), "reference"


def _weekday(f: dict[str, str], ref: Ref, future: bool) -> dict[str, Any]:
    """A weekday: the latest on or before the reference; future context: the first on or after."""
    direction = (f.get("dir") or "").lower()
    if ref.day is None:
        return _unresolved("day", "no reference day", f"{direction} {f['weekday']}".strip())
    target = WEEKDAYS[f["weekday"].lower()]
    if direction == "next":  # "next Friday" is the Friday of next week, even said on a Thursday
        day = ref.day + timedelta(days=7 - ref.day.weekday() + target)
    elif direction != "last" and future:
        day = ref.day + timedelta(days=(target - ref.day.weekday()) % 7)
    else:  # "last Thursday" said on a Thursday is a week ago
        day = ref.day - timedelta(days=(ref.day.weekday() - target) % 7 or (7 if direction == "last" else 0))
    return _resolved(day.isoformat(), "day", ref, "reference")


def _relative(f: dict[str, str], ref: Ref) -> dict[str, Any]:
    """yesterday/today/tomorrow and last/this/next week, month, year or season."""
    direction = (f.get("dir") or "").lower()
    step = {"last": -1, "this": 0, "next": 1}.get(direction, 0)
    unit = (f.get("unit") or "").lower()
    if unit == "year" and ref.year is not None:
        if ref.source == "text_year" and step:
            # No publish date: the latest year the report names only bounds when it was written.
            return _unresolved("year", _LOWER_BOUND, f"{direction} year")
        return _resolved(str(ref.year + step), "year", ref, "reference")
    if ref.day is None:
        precision = "day" if f.get("day") else {"week": "range", "month": "month", "year": "year"}.get(unit, "season")
        return _unresolved(precision, "no reference day", (f.get("day") or f"{direction} {unit}").lower())
    if f.get("day"):
        shift = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}.get(f["day"].lower(), -1)
        return _resolved((ref.day + timedelta(days=shift)).isoformat(), "day", ref, "reference")
    if unit == "week":
        monday = ref.day - timedelta(days=ref.day.weekday()) + timedelta(weeks=step)
        return _resolved(monday.isoformat(), "range", ref, "reference", (monday + timedelta(days=6)).isoformat())
    if unit == "month":
        y, m = _add_months(ref.day.year, ref.day.month, step)
        return _resolved(f"{y}-{m:02d}", "month", ref, "reference")
    now = ref.day.year * 12 + ref.day.month - 1
    since_start = now - (SEASONS[unit] - 1)
    if step < 0:  # the latest one already over: "last summer" said in August is a year ago
        year = (since_start - 3) // 12
    elif step > 0:  # the first one not yet begun
        year = since_start // 12 + 1
    else:  # the one under way, else this calendar year's
        year = since_start // 12 if since_start % 12 < 3 else ref.day.year
    return _resolved(f"{year}-{unit.replace('fall', 'autumn')}", "season", ref, "reference")


def _span(kind: str, f: dict[str, str], ref: Ref) -> dict[str, Any]:
    """"N units ago" (a point) and "the past N units" (a range ending at the reference)."""
    n = int(f["n"]) if (f.get("n") or "").isdigit() else NUMBERS[(f.get("n") or "one").lower()]
    unit = f["unit"].lower()
    if unit == "decade":
        n, unit = n * 10, "year"
    precision = "range" if kind == "past" else {"day": "day", "week": "day", "month": "month", "year": "year"}[unit]
    if unit == "year" and ref.day is None and ref.year is not None:
        if ref.source == "text_year":
            # No publish date: "the past year" reaches the latest date the report establishes; "two
            # years ago" cannot be placed, the report may have been written years after that date.
            if kind == "past" and n == 1:
                return _resolved(str(ref.year), "year", ref, "reference")
            return _unresolved(precision, _LOWER_BOUND, f"P{n}Y")
        return _resolved(str(ref.year - n), precision, ref, "reference", ref.text if kind == "past" else None)
    if ref.day is None:
        return _unresolved(precision, "no reference day", f"P{n}{unit[0].upper()}")
    end = ref.day.isoformat() if kind == "past" else None
    if unit in ("day", "week"):
        start = ref.day - timedelta(days=n * (7 if unit == "week" else 1))
        attrs = _resolved(start.isoformat(), precision, ref, "reference", end)
        if unit == "week" and kind == "ago":
            attrs["approximate"] = True  # "two weeks ago" is not a precise day
        return attrs
    y, m = _add_months(ref.day.year, ref.day.month, -n * (12 if unit == "year" else 1))
    return _resolved(str(y) if precision == "year" else f"{y}-{m:02d}", precision, ref, "reference", end)


def _resolved(value: str, precision: str, ref: Ref | None, source: str, end: str | None = None) -> dict[str, Any]:
    """Attrs of a resolved date, saying what it was resolved against."""
    attrs: dict[str, Any] = {"value": value, "precision": precision, "resolved_by": source}
    if ref is not None:
        attrs["resolved_by"] = ref.source
        attrs["reference"] = ref.text
    if end is not None:
        attrs["end_value"] = end
    return attrs


def _unresolved(precision: str, why: str, partial: str) -> dict[str, Any]:
    """Attrs of a date that is there but cannot be placed in time."""
    return {"value": None, "precision": precision, "unresolved": why, "partial": partial}


def _add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """``(year, month)`` moved by ``delta`` months."""
    index = year * 12 + month - 1 + delta
    return index // 12, index % 12 + 1
