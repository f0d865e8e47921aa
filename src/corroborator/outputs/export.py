"""Export a case file: JSON (the fixed export contract), CSV tables, a Markdown digest.

Everything here works on an in-memory :class:`~corroborator.model.Case`. With
``redact=True`` the case goes through :func:`corroborator.outputs.redact.redact_case` first and
the final serialised text is checked once more before anything is written; with
``withhold_testimony=True`` the words of protected testimony are withheld as well.
Every export says at its top what it is (:func:`corroborator.outputs.redact.redaction_notice`):
the JSON field ``redaction``, a notice under the Markdown title, ``NOTICE.txt`` beside
the CSV tables, a banner at the top of the HTML report.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

from corroborator.consolidate.credibility import RULE as CREDIBILITY_RULE
from corroborator.consolidate.credibility import case_sources, credibility_of
from corroborator.errors import ExportError
from corroborator.model import Case, Document, Mention, page_of
from corroborator.outputs.briefing import Briefing, build_briefing
from corroborator.outputs.report import generated_by, render_report
from corroborator.outputs.redact import assign_pseudonyms, redact_case, redaction_check, redaction_notice

logger = logging.getLogger(__name__)

#: Export formats :func:`export` accepts (``markdown`` is an alias of ``md``).
FORMATS = ("csv", "html", "json", "md")
_ALIASES = {"markdown": "md", "htm": "html"}
# A spreadsheet runs a cell starting with one of these as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>|#!~&])")
_SHORT_ID = 12


def mention_dict(m: Mention, doc: Document | None = None) -> dict[str, Any]:
    """The export-contract fields of a mention: ``id, doc, start, end, text, kind, extractor``.

    With its document ``doc`` given and paged (a PDF), also ``page``: the 1-based page
    its start is on (:func:`~corroborator.model.page_of`); a mention of a document
    without pages has no ``page`` key.
    """
    out: dict[str, Any] = {"id": m.id, "doc": m.doc_id, "start": m.start, "end": m.end, "text": m.text,
                           "kind": m.kind, "extractor": m.extractor}
    page = _page(m, doc)
    if page is not None:
        out["page"] = page
    if m.attrs:
        out["attrs"] = _plain(m.attrs)
    return out


def _plain(v: Any) -> Any:
    """A JSON-safe copy of a plain value (tuples and sets become lists)."""
    if v is None or isinstance(v, (str, int, float, bool)):
        return v
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, (set, frozenset)):
        return sorted(_plain(x) for x in v)
    return str(v)


def _as_list(v: Any) -> list[Any]:
    """``v`` as a list: None is empty, a single value is one item."""
    return [] if v is None else list(v) if isinstance(v, (list, tuple)) else [v]


def _page(m: Mention, doc: Document | None) -> int | None:
    """The 1-based page of ``doc`` a mention starts on; None without pages (or without its document)."""
    return page_of(doc, m.start) if doc is not None and doc.id == m.doc_id else None


def _document_dict(d: Document) -> dict[str, Any]:
    """A document as the export contract lists it.

    Additions: ``pages`` (the offset in ``text`` where each page starts) for a document
    with pages (a PDF), and ``record_id``, ``record_offset``, ``container_sha256`` for a
    document read from a web archive (WARC); other documents have none of these keys.
    ``language`` (ISO 639-1; null when not identified) on every document, and
    ``no_extraction`` ("no extraction for language ru") on a document in a language no
    pipeline handles (stored and searchable, nothing extracted from it).
    """
    out = {"id": d.id, "path": d.path, "sha256": d.sha256, "media_type": d.media_type, "title": d.title,
           "outlet": d.outlet, "author": d.author, "published": d.published, "url": d.url, "text": d.text,
           "noise": [{"start": n.start, "end": n.end, "kind": n.kind} for n in d.noise], "language": d.language}
    if d.no_extraction is not None:
        out["no_extraction"] = d.no_extraction
    if d.pages:
        out["pages"] = list(d.pages)
    if d.record_id is not None or d.container_sha256 is not None:
        out |= {"record_id": d.record_id, "record_offset": d.record_offset, "container_sha256": d.container_sha256}
    return out


def date_mentions(case: Case) -> list[Mention]:
    """The normalised date mentions of a case, in document order then text order.

    A date mention (kind ``"date"``, see :mod:`corroborator.analyze.dates`) counts when
    the extractor resolved it: ``attrs["value"]`` holds its ISO date, month, season,
    year or range start. Dates it could not place in time (``value`` None, e.g. a
    yearless "May 26" in an undated report) are not normalised and are left out.
    Dates in noise spans (datelines, captions) are kept; their ``in_noise`` says so.
    """
    order = {d.id: i for i, d in enumerate(case.documents)}
    found = [m for m in case.mentions.values() if m.kind == "date" and m.attrs.get("value")]
    return sorted(found, key=lambda m: (order.get(m.doc_id, len(order)), m.doc_id, m.start, m.end, m.id))


def date_dict(m: Mention, doc: Document | None = None) -> dict[str, Any]:
    """A date mention as the export lists it under ``dates``.

    The mention fields plus ``value`` (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY-<season>``
    or ``YYYY``; for a range its start), ``precision`` (``day``, ``month``,
    ``season``, ``year``, ``range``), ``end_value`` (a range's end, else null) and
    ``in_noise`` (the date sits in a noise span such as a dateline); ``page`` as
    :func:`mention_dict` gives it.
    """
    return mention_dict(m, doc) | {"value": _plain(m.attrs.get("value")),
                                   "precision": _plain(m.attrs.get("precision")),
                                   "end_value": _plain(m.attrs.get("end_value")),
                                   "in_noise": bool(m.attrs.get("in_noise"))}


def case_to_dict(case: Case) -> dict[str, Any]:
    """The case as the JSON export contract defines it.

    Top-level keys ``documents, entities, quotes, figures, events, claims, totals``
    plus the extensions ``dates`` (every normalised date mention, see
    :func:`date_dict`), ``protected`` (number of protected witnesses),
    ``schema_version``, ``settings_digest`` (of the settings the case file was last built
    with; null if it records none), ``generated_by``, ``problems`` (one line of text per dangling
    reference, listed rather than dropped silently, and per stage that failed on a
    document) and ``stage_problems`` (each stage failure as ``{"stage", "doc",
    "path", "error", "message"}``). Entities and events carry their mentions in full.
    Every mention of a paged document (entities' and events' mentions, quotes, figures,
    dates) carries ``page``; documents carry ``pages`` and a WARC record's ``record_id``,
    ``record_offset``, ``container_sha256`` when they have them (see :func:`mention_dict`,
    :func:`_document_dict`). Every entity, quote, figure and claim carries ``review``:
    ``{"status"}`` is ``unreviewed``, ``confirmed``, ``corrected`` or ``rejected``, with ``by``,
    ``at``, ``note``, ``action`` and, for a correction, ``corrected`` (``{field: {"machine",
    "reviewed"}}``) once a person reviewed it; ``rejected`` lists what reviewers rejected
    (out of every claim and total). Claims carry ``copies``: for each of their figures
    that copies of its report repeat, the figures of the copies (listed in ``figures``,
    never counted), and ``credibility`` (the Admiralty rating ``{"code": "B2",
    "reliability", "credibility", "label", "why"}``, rules in ``credibility_rule``);
    ``sources`` lists the original sources the claims rest on with the ``reliability``
    editors gave them (F until rated).

    Args:
        case: The case in memory.

    Returns:
        A JSON-serialisable dict.
    """
    return {key: list(value) if isinstance(value, Iterator) else value for key, value in case_sections(case)}


def case_sections(case: Case) -> Iterator[tuple[str, Any]]:
    """The top-level keys of :func:`case_to_dict` in order, each with its value.

    The long lists (documents, entities, quotes, figures, events, dates, claims) come
    as iterators that make one item at a time, so a writer can put each out and let it
    go (:func:`write_json_stream`). Take the sections in order and each list whole
    before the next section: ``problems`` lists what the entities and events missed.
    """
    problems: list[str] = []
    docs = {d.id: d for d in case.documents}

    def mention(m: Mention) -> dict[str, Any]:
        """A mention dict, with the page when its document has pages."""
        return mention_dict(m, docs.get(m.doc_id))

    def mentions(owner: str, ids: tuple[str, ...]) -> list[dict[str, Any]]:
        """Full mention dicts of ``ids``, noting any the case does not hold."""
        found = []
        for mid in ids:
            if mid in case.mentions:
                found.append(mention(case.mentions[mid]))
            else:
                problems.append(f"{owner}: mention {mid} is not in the case")
        return found

    yield "schema_version", case.schema_version
    yield "settings_digest", case.settings_digest
    yield "generated_by", generated_by()
    yield "documents", (_document_dict(d) for d in case.documents)
    yield "entities", ({"id": e.id, "name": e.name, "type": e.type, "aliases": list(e.aliases),
                        "mentions": mentions(f"entity {e.id}", e.mention_ids), "protected": e.protected,
                        "why": list(e.why), "review": case.review_of(e.id)} for e in case.entities)
    yield "quotes", (mention(q.mention) | {"speaker": q.speaker, "speaker_label": q.speaker_label,
                                           "speaker_mention": q.speaker_mention_id, "protected": q.protected,
                                           "reported_by": q.reported_by, "review": case.review_of(q.mention.id)}
                     for q in case.quotes)
    yield "figures", (mention(f.mention) | {"event": f.event, "value": f.value, "qualifier": f.qualifier,
                                            "subject": f.subject, "attributed_to": f.attributed_to,
                                            "when": f.when, "review": case.review_of(f.mention.id)}
                      for f in case.figures)
    yield "events", ({"id": e.id, "doc": e.doc_id, "date": e.date, "precision": e.precision, "what": e.what,
                      "mentions": mentions(f"event {e.id}", e.mention_ids)} for e in case.events)
    yield "dates", (date_dict(m, docs.get(m.doc_id)) for m in date_mentions(case))
    yield "claims", ({"id": c.id, "event": c.event, "low": c.low, "high": c.high, "figures": list(c.figure_ids),
                      "independent_sources": c.independent_sources, "status": c.status, "note": c.note,
                      "copies": _plain(case.claim_details.get(c.id, {}).get("copies") or {}),
                      "credibility": credibility_of(case, c),
                      "review": case.review_of(c.id)} for c in case.claims)
    yield "sources", _plain(list(case_sources(case).values()))
    yield "credibility_rule", CREDIBILITY_RULE
    yield "rejected", _rejected(case, mention)
    yield "totals", _plain(case.totals)
    yield "protected", assign_pseudonyms(case).count
    yield "problems", problems + [f"document {p.document}: {p}" for p in case.problems]
    yield "stage_problems", [{"stage": p.stage, "doc": p.document, "path": docs[p.document].path
                              if p.document in docs else None, "error": p.error, "message": p.message}
                             for p in case.problems]


def write_json_stream(sections: Iterable[tuple[str, Any]], out: TextIO,
                      check: Callable[[str], None] | None = None) -> None:
    """Write a JSON object, section by section, exactly as ``json.dumps(..., ensure_ascii=False, indent=2)``.

    A section whose value is an iterator is written one item at a time, so the whole
    object is never held (neither as values nor as text).

    Args:
        sections: ``(key, value)`` pairs in order; a value may be an iterator of list items.
        out: An open text stream.
        check: Called with every piece of text before it is written (a redaction check
            that raises stops the writing).
    """
    def put(piece: str) -> None:
        if check is not None:
            check(piece)
        out.write(piece)

    opener = "{\n"
    for key, value in sections:
        put(opener + "  " + json.dumps(key, ensure_ascii=False) + ": ")
        opener = ",\n"
        if not isinstance(value, Iterator):
            put(_dumps(value).replace("\n", "\n  "))
            continue
        bracket = "[\n"
        for item in value:
            put(bracket + "    " + _dumps(item).replace("\n", "\n    "))
            bracket = ",\n"
        out.write("[]" if bracket == "[\n" else "\n  ]")
    out.write("{}" if opener == "{\n" else "\n}")


def _dumps(value: Any) -> str:
    """One value as the JSON export writes it."""
    return json.dumps(value, ensure_ascii=False, indent=2)


#: Said at the top of an export of the reviewed items only.
REVIEWED_ONLY_NOTICE = ("Reviewed only: this export holds only the figures, quotes and entities a person confirmed "
                        "or corrected; its claims and totals are made from those figures alone.")


def _rejected(case: Case, mention: Any) -> list[dict[str, Any]]:
    """What reviewers rejected, with its span where it has one: out of every claim, total and citation,
    listed here so a reader sees what was taken out and by whom."""
    out = []
    for item_id, review in sorted(case.reviews.items()):
        if review.get("status") != "rejected":
            continue
        kind = str(review.get("action", "")).split(".", 1)[0]
        m = case.mentions.get(item_id)
        out.append((mention(m) if m is not None else {"id": item_id}) | {"kind": kind, "review": review})
    return out


def write_json(case: Case, out: TextIO) -> None:
    """Write the JSON export of ``case`` (UTF-8 text, indented) to an open text stream, one item at a time."""
    write_json_stream(case_sections(case), out)
    out.write("\n")


def _cell(v: Any) -> str | int | float:
    """A CSV cell; text that a spreadsheet would run as a formula is defused with a quote mark."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, (list, tuple)):
        v = " ".join(map(str, v))
    v = str(v)
    return "'" + v if v.startswith(_FORMULA_START) else v


_MENTION_COLUMNS = ["id", "doc", "start", "end", "text", "kind", "extractor"]


def _mention_row(m: Mention) -> list[Any]:
    """The mention columns of a CSV row."""
    return [m.id, m.doc_id, m.start, m.end, m.text, m.kind, m.extractor]


def csv_tables(case: Case) -> dict[str, list[list[Any]]]:
    """The CSV tables of a case, header row first, keyed by file name (see :func:`csv_rows`)."""
    return {name: list(rows) for name, rows in csv_rows(case).items()}


def csv_rows(case: Case) -> dict[str, Iterator[list[Any]]]:
    """The rows of each CSV table of a case, header row first, made one at a time, keyed by file name.

    ``documents.csv`` has no text column: spreadsheets cap a cell at 32,767
    characters and the JSON export carries the text; every mention row carries its
    own text and offsets, and ``noise.csv`` the text of each noise span. The mention
    tables (quotes, figures, dates) end with ``page``: the 1-based page of a paged
    document (a PDF), empty for other documents.
    """
    docs = {d.id: d for d in case.documents}

    def page(m: Mention) -> int | None:
        return _page(m, docs.get(m.doc_id))

    def table(header: list[str], rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
        yield header
        yield from rows

    def noise(d: Document) -> Iterator[list[Any]]:
        text = d.text if d.noise else ""
        return ([d.id, n.start, n.end, n.kind, text[n.start:n.end]] for n in d.noise)

    return {
        "documents.csv": table(["id", "path", "sha256", "media_type", "title", "outlet", "author", "published", "url",
                                "chars", "noise_spans"],
                               ([d.id, d.path, d.sha256, d.media_type, d.title, d.outlet, d.author, d.published, d.url,
                                 len(d.text), len(d.noise)] for d in case.documents)),
        "entities.csv": table(["id", "name", "type", "aliases", "protected", "mention_count", "mentions"],
                              ([e.id, e.name, e.type, "; ".join(e.aliases), e.protected, len(e.mention_ids),
                                e.mention_ids] for e in case.entities)),
        "quotes.csv": table([*_MENTION_COLUMNS, "speaker", "speaker_label", "protected", "reported_by", "page"],
                            ([*_mention_row(q.mention), q.speaker, q.speaker_label, q.protected, q.reported_by,
                              page(q.mention)] for q in case.quotes)),
        "figures.csv": table([*_MENTION_COLUMNS, "event", "value", "qualifier", "subject", "attributed_to", "when",
                              "page"],
                             ([*_mention_row(f.mention), f.event, f.value, f.qualifier, f.subject, f.attributed_to,
                               f.when, page(f.mention)] for f in case.figures)),
        "events.csv": table(["id", "doc", "date", "precision", "what", "mentions"],
                            ([e.id, e.doc_id, e.date, e.precision, e.what, e.mention_ids] for e in case.events)),
        "dates.csv": table([*_MENTION_COLUMNS, "value", "precision", "end_value", "in_noise", "page"],
                           ([*_mention_row(m), m.attrs.get("value"), m.attrs.get("precision"),
                             m.attrs.get("end_value"), bool(m.attrs.get("in_noise")), page(m)]
                            for m in date_mentions(case))),
        "claims.csv": table(["id", "event", "low", "high", "independent_sources", "status", "note", "figures"],
                            ([c.id, c.event, c.low, c.high, c.independent_sources, c.status, c.note, c.figure_ids]
                             for c in case.claims)),
        "noise.csv": table(["doc", "start", "end", "kind", "text"],
                           (row for d in case.documents for row in noise(d))),
    }


def _csv_text(rows: Iterable[list[Any]]) -> str:
    """Rows as CSV text."""
    buffer = io.StringIO()
    _write_csv_rows(rows, buffer)
    return buffer.getvalue()


def _write_csv_rows(rows: Iterable[list[Any]], out: TextIO, check: Callable[[str], None] | None = None) -> None:
    """Write rows as CSV to an open text stream, a few hundred at a time (each piece checked first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for n, row in enumerate(rows, 1):
        writer.writerow([_cell(v) for v in row])
        if n % 500 == 0:
            _flush(buffer, out, check)
    _flush(buffer, out, check)


def _flush(buffer: io.StringIO, out: TextIO, check: Callable[[str], None] | None) -> None:
    """Move what ``buffer`` holds to ``out``, checked first."""
    piece = buffer.getvalue()
    if check is not None:
        check(piece)
    out.write(piece)
    buffer.seek(0)
    buffer.truncate()


def write_csv(case: Case, directory: Path) -> list[Path]:
    """Write one CSV file per kind into ``directory`` (created if missing).

    Files: documents, entities, quotes, figures, events, dates, claims, noise (see
    :func:`csv_tables`). Text cells starting with ``= + - @`` get a leading ``'`` so
    a spreadsheet does not run them; the JSON export is the exact reference.

    Returns:
        The paths written.
    """
    return _write_streams({name: (lambda out, rows=rows: _write_csv_rows(rows, out)) for name, rows in
                           csv_rows(case).items()}, directory)


def _write_streams(writers: Mapping[str, Callable[[TextIO], None]], directory: Path) -> list[Path]:
    """Write each file of ``directory`` through its writer, all or none.

    Each goes to a ``.part`` file first; only when every writer succeeded are they all
    renamed into place, so a writer that raises (a redaction check) leaves nothing behind.
    """
    made = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    parts: list[tuple[Path, Path]] = []
    try:
        for name, write in writers.items():
            path = directory / name
            part = path.with_name(path.name + ".part")
            parts.append((part, path))
            with part.open("w", encoding="utf-8", newline="") as out:
                write(out)
    except BaseException:
        for part, _ in parts:
            part.unlink(missing_ok=True)
        if made:
            directory.rmdir()
        raise
    for part, path in parts:
        part.replace(path)
    return [path for _, path in parts]


def _md(value: Any) -> str:
    """Text safe inside Markdown (and its HTML): one line, markup characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(value).split())) if value is not None else ""


def _copies_note(n: int) -> str:
    """" and 3 copies" after a claim's citations when copies repeat its figures."""
    return f" and {n} {'copy' if n == 1 else 'copies'}" if n else ""


def _cite(m: Mention, docs: Mapping[str, Document]) -> str:
    """A citation of a mention (see :func:`_where`)."""
    return _where(m.doc_id, m.start, m.end, docs)


def _where(doc_id: str, start: int, end: int, docs: Mapping[str, Document]) -> str:
    """A citation: short document id and offsets, and the page of a paged document
    (``[0123456789ab:120-134, p. 2]``)."""
    doc = docs.get(doc_id)
    page = page_of(doc, start) if doc is not None else None
    return _md(f"[{doc_id[:_SHORT_ID]}:{start}-{end}" + (f", p. {page}]" if page is not None else "]"))


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table (cells already escaped)."""
    return [f"| {' | '.join(header)} |", f"|{'---|' * len(header)}", *(f"| {' | '.join(r)} |" for r in rows), ""]


def to_markdown(case: Case, *, notice: str | None = None) -> str:
    """A readable Markdown digest of the case; every fact carries its citation.

    Sections: the cited briefing (:func:`corroborator.outputs.briefing.build_briefing`: its
    sentences with ``[n]`` reference markers, its figures table and the numbered
    references), then summary, totals, claims, figures, quotes (with speakers),
    timeline, dates (every normalised date mention), entities, documents. A citation
    is ``[short-doc-id:start-end]`` (``[short-doc-id:start-end, p. N]`` in a paged
    document); the documents section maps short ids to full ones. All case text is escaped, so
    nothing in a report can become a link or HTML in a Markdown renderer.

    Args:
        case: The case in memory (pass a redacted case to share it).
        notice: What the digest is (redacted or not), shown under the title.

    Returns:
        The Markdown text.
    """
    figures = {f.mention.id: f for f in case.figures}
    docs = {d.id: d for d in case.documents}
    dates = date_mentions(case)
    lines = ["# Case file", ""] + ([f"> **{_md(notice)}**", ""] if notice else []) + [f"Generated by {generated_by()}. {len(case.documents)} documents, "
             f"{len(case.entities)} entities, {len(case.quotes)} quotes, {len(case.figures)} figures, "
             f"{len(case.events)} dated events, {len(dates)} date mentions, "
             f"{len(case.claims)} claims, "
             f"{assign_pseudonyms(case).count} protected witnesses.", ""]
    lines += _briefing_markdown(build_briefing(case), docs)
    if case.totals:
        lines += ["## Totals", ""] + _table(["Event", "Best", "Low", "High", "Claims", "Note"], [
            [_md(kind), _md(t.get("best")), _md(t.get("low")), _md(t.get("high")), _md(", ".join(map(str, _as_list(t.get("claims"))))),
             _md(t.get("note"))] if isinstance(t, dict) else [_md(kind), _md(t), "", "", "", ""]
            for kind, t in sorted(case.totals.items())])
    if case.claims:
        lines += ["## Claims", ""] + _table(["Claim", "Event", "Range", "Sources", "Status", "Note", "Figures"], [
            [_md(c.id), _md(c.event), _md(f"{c.low}" if c.low == c.high else f"{c.low}–{c.high}"),
             _md(c.independent_sources), _md(c.status), _md(c.note),
             " ".join(_cite(figures[f].mention, docs) if f in figures else _md(f) for f in case.cited_figures(c))
             + _md(_copies_note(len(c.figure_ids) - len(case.cited_figures(c))))]
            for c in case.claims])
    if case.figures:
        lines += ["## Figures", ""] + _table(
            ["Figure", "Event", "Value", "Qualifier", "Subject", "Attributed to", "When", "Source"],
            [[_md(f.mention.text), _md(f.event), _md(f.value), _md(f.qualifier), _md(f.subject),
              _md(f.attributed_to), _md(f.when), _cite(f.mention, docs)] for f in case.figures])
    if case.quotes:
        lines += ["## Quotes", ""]
        for q in case.quotes:
            who = _md(q.speaker_label or "unknown speaker") + (" (protected)" if q.protected else "")
            via = f", reported by {_md(q.reported_by)}" if q.reported_by else ""
            lines += [f"> {_md(q.mention.text)}", ">", f"> — {who}{via} {_cite(q.mention, docs)}", ""]
    if case.events:
        lines += ["## Timeline", ""]
        for e in sorted(case.events, key=lambda e: (e.date or "", e.doc_id, e.id)):
            cites = " ".join(_cite(case.mentions[m], docs) for m in e.mention_ids if m in case.mentions)
            lines.append(f"- **{_md(e.date)}** ({_md(e.precision)}) {_md(e.what)} {cites}".rstrip())
        lines.append("")
    if dates:
        lines += ["## Dates", ""] + _table(["Date", "Precision", "Text", "In noise", "Source"], [
            [_md(_date_label(m)), _md(m.attrs.get("precision")), _md(m.text),
             "yes" if m.attrs.get("in_noise") else "", _cite(m, docs)] for m in dates])
    if case.entities:
        lines += ["## Entities", ""] + _table(["Name", "Type", "Aliases", "Mentions", "Cited at"], [
            [_md(e.name) + (" (protected)" if e.protected else ""), _md(e.type), _md("; ".join(e.aliases)),
             str(len(e.mention_ids)), _entity_cites(case, e.mention_ids, docs)]
            for e in sorted(case.entities, key=lambda e: (-len(e.mention_ids), e.name))])
    lines += ["## Documents", ""] + _table(["Doc", "Title", "Outlet", "Author", "Published", "Id"], [
        [_md(d.id[:_SHORT_ID]), _md(d.title), _md(d.outlet), _md(d.author), _md(d.published), _md(d.id)]
        for d in case.documents])
    return "\n".join(lines)


def _date_label(m: Mention) -> str:
    """A date mention's value; a range as ``start–end``."""
    value, end = m.attrs.get("value"), m.attrs.get("end_value")
    return f"{value}–{end}" if end else str(value)


def _briefing_markdown(briefing: Briefing, docs: Mapping[str, Document]) -> list[str]:
    """The briefing as :meth:`Briefing.to_markdown` lays it out, every case string escaped like the rest."""
    # Briefing.to_markdown keeps report text as it is; here a title like "[x](javascript:…)" must stay text.
    data = briefing.to_dict()
    if not data["sentences"]:
        return []
    lines = ["## Briefing", ""]
    lines += ["- " + _md(s["text"]) + "".join(f" \\[{n}\\]" for n in s["refs"]) for s in data["sentences"]]
    lines.append("")
    if data["figures_table"]:
        lines += ["### Figures", ""] + _table(["Claim", "Event", "Range", "Sources", "Status", "Note"], [
            [_md(r["claim"]), _md(r["event"]), _md(r["range"]), _md("; ".join(r["sources"])), _md(r["status"]),
             _md(r["note"])] for r in data["figures_table"]])
    lines += ["### References", ""]
    for r in data["references"]:
        where = _where(r["doc"], r["start"], r["end"], docs)
        lines.append(f"{r['n']}. {_md(r['label'])} {where}: “{_md(r['text'])}”")
    return lines + [""]


def _entity_cites(case: Case, ids: tuple[str, ...], docs: Mapping[str, Document], limit: int = 5) -> str:
    """Citations of the first few mentions of an entity."""
    cites = [_cite(case.mentions[m], docs) for m in ids if m in case.mentions]
    more = f" (+{len(cites) - limit} more)" if len(cites) > limit else ""
    return " ".join(cites[:limit]) + more


def export(case: Case, fmt: str, out: Path | None = None, *, redact: bool = False,
           withhold_testimony: bool = False, reviewed_only: bool = False, stream: TextIO | None = None) -> Path | str:
    """Export a case in one format.

    Every format says at its top whether it is redacted and how: the JSON field
    ``redaction`` (``{"redacted", "mode", "notice"}``), a notice under the Markdown
    title, a ``NOTICE.txt`` written beside the CSV tables, a banner in the HTML. An
    unredacted export says it holds protected identities and must not be shared.

    Args:
        case: The case in memory.
        fmt: ``json``, ``csv``, ``md`` (or ``markdown``) or ``html``.
        out: File to write (a folder for ``csv``; a folder for the others gets
            ``case.<ext>``); None returns the text instead.
        redact: Replace protected witnesses by pseudonyms first; the serialised text is
            checked for protected names before anything is written.
        withhold_testimony: Also replace the words of each protected quote by
            ``[testimony withheld]`` (implies ``redact``); the check then looks for
            the testimony too.
        reviewed_only: ``case`` holds only what a person confirmed or corrected
            (:func:`corroborator.review.reviewed_only`); the export says so at its top
            (JSON ``reviewed_only``).
        stream: With ``out`` None, write the export (json, md, html) into this open
            text stream as it is made instead of returning it. Every piece is checked
            before it goes out, so a redaction failure stops it with nothing protected
            written, but what was written before stays.

    Returns:
        The path written, or the text when ``out`` is None (``""`` when written to ``stream``).

    Raises:
        ExportError: Unknown format, or ``csv`` without an output folder.
        RedactionError: A protected name (or withheld testimony) survived redaction (nothing is written).
    """
    kind = _ALIASES.get(fmt.lower(), fmt.lower())
    if kind not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; valid formats: {', '.join(FORMATS)} (or markdown)")
    if kind == "csv" and out is None:
        raise ExportError("csv export writes one file per table: give an output folder")
    redact = redact or withhold_testimony
    notice = redaction_notice(redacted=redact, withhold_testimony=withhold_testimony,
                              witnesses=None if redact else assign_pseudonyms(case).count)
    shared = redact_case(case, withhold_testimony=withhold_testimony) if redact and kind != "html" else case
    if reviewed_only:
        notice = notice | {"notice": f"{notice['notice']} {REVIEWED_ONLY_NOTICE}"}
    check = redaction_check(case, where=f"{kind} export", withhold_testimony=withhold_testimony) if redact else None
    if kind == "csv":
        assert out is not None
        writers: dict[str, Callable[[TextIO], None]] = {
            "NOTICE.txt": lambda stream: _checked_write(stream, str(notice["notice"]) + "\n", check)}
        writers.update((name, lambda stream, rows=rows: _write_csv_rows(rows, stream, check))
                       for name, rows in csv_rows(shared).items())
        _write_streams(writers, out)
        logger.info("exported %d csv tables to %s", len(writers) - 1, out)
        return out
    if kind == "json":
        sections = itertools.chain((("redaction", notice), ("reviewed_only", reviewed_only)), case_sections(shared),
                                   (("redacted", redact),))

        def write(stream: TextIO) -> None:
            write_json_stream(sections, stream, check)
            stream.write("\n")
        name = "case.json"
    else:
        if kind == "md":
            text = to_markdown(shared, notice=str(notice["notice"])) + "\n"
            name = "case.md"
        else:
            # Redacts and checks on its own.
            text = render_report(case, redact=redact, withhold_testimony=withhold_testimony)
            name = "case.html"

        def write(stream: TextIO) -> None:
            _checked_write(stream, text, check)
    if out is None and stream is not None:
        write(stream)
        return ""
    if out is None:
        buffer = io.StringIO()
        write(buffer)
        return buffer.getvalue()
    path = out / name if out.is_dir() else out
    _write_streams({path.name: write}, path.parent)
    logger.info("exported %s to %s", kind, path)
    return path


def _checked_write(out: TextIO, text: str, check: Callable[[str], None] | None) -> None:
    """Write ``text`` once ``check`` (if any) passed it."""
    if check is not None:
        check(text)
    out.write(text)
