"""Lists the datasette way: facets with counts, sortable columns and downloads of any filtered list.

A list page hands :func:`browse` its rows as plain dicts (one per item, built from the
reader's view, never the raw case), the facets and columns it offers and the query of the
request. :func:`browse` filters the rows by the facet values in the query (``?event=killed``),
counts every facet's values over the filtered rows, sorts them (``?sort=col`` or
``?sort_desc=col``) and cuts one page; every link it returns keeps the other filters and
the sort. :func:`download` sends all filtered rows, sorted, as CSV or JSON
(``?format=csv``). Everything is in memory: no query per row.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi.responses import Response

from corroborator.outputs.export import _cell
from corroborator.web.deps import Pager, paginate, query_string

logger = logging.getLogger(__name__)

#: The facet value of a row that has none (no source, no document).
NONE = "~none"
#: Download formats.
FORMATS = ("csv", "json")
#: Facet values shown at most (the selected one always is).
FACET_LIMIT = 30
#: What a filter value the list does not hold is called (a page never repeats what the reader typed).
GIVEN = "(the value given)"


@dataclass(frozen=True)
class FacetSpec:
    """A facet a list offers: the row key it counts and how its values are named."""

    key: str
    title: str
    label: Callable[[str], str] | None = None


@dataclass(frozen=True)
class Column:
    """A column of a list: its row key, header, whether it sorts, and whether it holds numbers."""

    key: str
    title: str
    sortable: bool = True
    numeric: bool = False


@dataclass(frozen=True)
class FacetValue:
    """One value of a facet with its count over the filtered rows and the link that toggles it."""

    value: str
    label: str
    count: int
    selected: bool
    href: str
    facet: str = ""


@dataclass(frozen=True)
class Facet:
    """A facet's values, most frequent first."""

    key: str
    title: str
    values: list[FacetValue]
    more: int = 0


@dataclass(frozen=True)
class Header:
    """A column header: its sort link and whether the list is sorted on it (``asc``/``desc``)."""

    key: str
    title: str
    numeric: bool
    href: str | None
    sorted: str | None


@dataclass
class Listing:
    """What a list page draws: one page of rows, the facets, the headers and the download links."""

    pager: Pager
    facets: list[Facet]
    headers: list[Header]
    active: list[FacetValue]
    params: dict[str, str]
    downloads: dict[str, str] = field(default_factory=dict)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The rows of this page."""
        return list(self.pager.items)


_MANY = (list, tuple, set, frozenset)


def _value(v: Any) -> str:
    """One facet value as a string."""
    return NONE if v is None or v == "" else v if isinstance(v, str) else str(v)


def _values(row: Mapping[str, Any], key: str) -> list[str]:
    """A row's facet values as strings (a list value counts once per item)."""
    v = row.get(key)
    if isinstance(v, _MANY):
        return [str(x) for x in v] or [NONE]
    return [_value(v)]


def _count(rows: Sequence[Mapping[str, Any]], key: str) -> Counter[str]:
    """How many rows hold each value of ``key`` (a row with a list counts once per distinct value)."""
    counts: Counter[str] = Counter()
    values = [r.get(key) for r in rows]
    many = [v for v in values if isinstance(v, _MANY)]
    # Counting hashable values is done in C; they are named as strings afterwards, once per value.
    for v, n in Counter(v for v in values if not isinstance(v, _MANY)).items() if many else Counter(values).items():
        counts[_value(v)] += n
    for v in many:
        counts.update({str(x) for x in v} or {NONE})
    return counts


def _matches(row: Mapping[str, Any], filters: Mapping[str, str]) -> bool:
    """Whether a row holds every filter's value."""
    for key, wanted in filters.items():
        v = row.get(key)
        if isinstance(v, _MANY):
            if wanted not in _values(row, key):
                return False
        elif _value(v) != wanted:
            return False
    return True


def _sort_key(v: Any) -> tuple[int, Any]:
    """Missing values last; numbers by value; text case-folded."""
    if v is None or v == "":
        return (2, "")
    if isinstance(v, bool):
        return (0, int(v))
    if isinstance(v, (int, float)):
        return (0, v)
    if isinstance(v, (list, tuple)):
        return (1, " ".join(map(str, v)).casefold())
    return (1, str(v).casefold())


def filters_of(query: Mapping[str, str], facets: Sequence[FacetSpec]) -> dict[str, str]:
    """The facet filters of a request's query (keys the list offers, non-empty values)."""
    keys = {f.key for f in facets}
    return {k: str(v) for k, v in query.items() if k in keys and v not in (None, "")}


def select(rows: Sequence[Mapping[str, Any]], filters: Mapping[str, str], query: Mapping[str, str],
           columns: Sequence[Column], default_sort: str | None = None) -> list[Mapping[str, Any]]:
    """The rows matching every filter, sorted by the query's ``sort``/``sort_desc`` (else ``default_sort``)."""
    kept = [r for r in rows if _matches(r, filters)] if filters else list(rows)
    sortable = {c.key for c in columns if c.sortable}
    key, desc = query.get("sort_desc"), True
    if key not in sortable:
        key, desc = query.get("sort"), False
    if key not in sortable:
        key, desc = default_sort, False
    if key:
        kept.sort(key=lambda r: _sort_key(r.get(key)))
        if desc:
            # Missing values stay last when the order is reversed.
            present = [r for r in kept if r.get(key) not in (None, "")]
            kept = present[::-1] + [r for r in kept if r.get(key) in (None, "")]
    return kept


def browse(rows: Sequence[Mapping[str, Any]], query: Mapping[str, str], *, facets: Sequence[FacetSpec],
           columns: Sequence[Column], page_size: int, extra: Mapping[str, str] | None = None,
           default_sort: str | None = None) -> Listing:
    """Filter, count, sort and page a list.

    Args:
        rows: One dict per item; facet keys hold a value, None, or a list of values.
        query: The request's query parameters.
        facets: The facets the list offers (a facet no row has a value for is left out).
        columns: The list's columns (sort links for the sortable ones).
        page_size: Rows per page.
        extra: Other parameters every link keeps (a text filter).
        default_sort: The row key to sort by when the query names none.

    Returns:
        The page, its facets with counts over the filtered rows, headers and links.
    """
    filters = filters_of(query, facets)
    sort = {k: query[k] for k in ("sort", "sort_desc") if query.get(k)}
    params = {k: v for k, v in (extra or {}).items() if v} | filters | sort
    kept = select(rows, filters, query, columns, default_sort)
    try:
        page = int(query.get("page") or 1)
    except ValueError:
        page = 1
    out_facets, active = [], []
    for spec in facets:
        counts = _count(kept, spec.key)
        chosen = filters.get(spec.key)
        if not counts and chosen is None or (set(counts) == {NONE} and chosen is None):
            continue
        known = chosen is None or chosen in counts
        if not known:
            counts[str(chosen)] = 0
        values = []
        ordered = sorted(counts.items(), key=lambda kv: (kv[0] != chosen, -kv[1], kv[0]))
        for value, n in ordered[:FACET_LIMIT]:
            selected = value == chosen
            link = {k: v for k, v in params.items() if k != spec.key} | ({} if selected else {spec.key: value})
            label = ("—" if value == NONE else GIVEN if selected and not known
                     else spec.label(value) if spec.label else value.replace("_", " "))
            # A value the list does not hold is the reader's own input: it is not repeated, even in markup.
            values.append(FacetValue(value if known or not selected else "", label, n, selected,
                                     query_string(**link), spec.title))
        out_facets.append(Facet(spec.key, spec.title, values, max(0, len(ordered) - FACET_LIMIT)))
        active += [v for v in values if v.selected]
    headers = []
    for c in columns:
        if not c.sortable:
            headers.append(Header(c.key, c.title, c.numeric, None, None))
            continue
        state = "desc" if sort.get("sort_desc") == c.key else "asc" if sort.get("sort") == c.key else None
        flip = {"sort_desc": c.key} if state == "asc" else {"sort": c.key}
        link = {k: v for k, v in params.items() if k not in ("sort", "sort_desc")} | flip
        headers.append(Header(c.key, c.title, c.numeric, query_string(**link), state))
    downloads = {fmt: query_string(**params, format=fmt) for fmt in FORMATS}
    return Listing(paginate(kept, page, page_size), out_facets, headers, active, params, downloads)


def download(rows: Sequence[Mapping[str, Any]], fields: Sequence[str], fmt: str, name: str) -> Response:
    """Every given row as a CSV or JSON file of ``fields`` (CSV cells defused against formulas).

    Args:
        rows: The filtered, sorted rows (all of them, not one page).
        fields: The row keys to write, in order.
        fmt: ``csv`` or ``json``.
        name: The file name without extension.
    """
    table = [{k: _plain(r.get(k)) for k in fields} for r in rows]
    if fmt == "json":
        body = json.dumps({"count": len(table), "rows": table}, ensure_ascii=False, indent=1) + "\n"
        media = "application/json"
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(fields)
        writer.writerows([[_cell(row[k]) for k in fields] for row in table])
        body, media = buffer.getvalue(), "text/csv; charset=utf-8"
    return Response(body, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def _plain(v: Any) -> Any:
    """A value JSON and CSV can hold."""
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    if isinstance(v, (list, tuple, set, frozenset)):
        return [_plain(x) for x in v]
    return str(v)
