"""Model objects from rows of the case file."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from typing import Any

from corroborator.errors import Problem
from corroborator.model import Document, Extraction, Mention, NoiseSpan
from corroborator.store import schema

#: The tables a document's extraction is written to, in the order they are filled.
EXTRACTION_TABLES = ("documents", "mentions", "quotes", "figures", "events", "protected", "problems")


def timestamp() -> str:
    """Now in UTC, as the case file's timestamps hold it (``added_at``, ``finished_at`` ...)."""
    return datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")


#: The columns of ``documents`` a :class:`Document` is made of, in the order :func:`document` reads them.
DOCUMENT_COLUMNS = ("id, path, sha256, media_type, title, outlet, author, published, url, text, noise, "
                    "pages, record_id, record_offset, container_sha256, language, no_extraction")


def document(r: Sequence[Any]) -> Document:
    """A document from a row of :data:`DOCUMENT_COLUMNS` of the ``documents`` table."""
    return Document(id=r[0], path=r[1], sha256=r[2], media_type=r[3], title=r[4], outlet=r[5], author=r[6],
                    published=r[7], url=r[8], text=r[9], noise=tuple(NoiseSpan(*n) for n in json.loads(r[10])),
                    pages=tuple(json.loads(r[11])) if r[11] else (), record_id=r[12], record_offset=r[13],
                    container_sha256=r[14], language=r[15], no_extraction=r[16])


def document_row_extras(d: Document) -> tuple[Any, ...]:
    """The values of the columns schemas 3 and 4 added to ``documents`` (``pages`` ... ``no_extraction``)."""
    return (json.dumps(list(d.pages)) if d.pages else None, d.record_id, d.record_offset, d.container_sha256,
            d.language, d.no_extraction)


def mention(row: Sequence[Any], shared: dict[str, dict[str, Any]] | None = None) -> Mention:
    """A mention from a row of the ``mentions`` table."""
    # A loaded case holds millions of mentions: intern the few distinct document ids,
    # kinds and extractors, and share the decoded attrs of the many identical small ones
    # ({"label": "PERSON"}); loaded mentions are never changed in place.
    raw = row[7] or "{}"
    if shared is not None and len(raw) <= 48:
        attrs = shared.get(raw)
        if attrs is None:
            attrs = shared[raw] = json.loads(raw)
    else:
        attrs = json.loads(raw)
    # Entity names repeat across a case ("Kadyrov" thousands of times): one string per name.
    text = sys.intern(row[6]) if row[4] == "entity" and len(row[6]) <= 64 else row[6]
    return Mention(id=row[0], doc_id=sys.intern(row[1]), start=row[2], end=row[3], kind=sys.intern(row[4]),
                   extractor=sys.intern(row[5]), text=text, attrs=attrs)


def rows(cursor: Any, size: int = 10_000) -> Iterator[Sequence[Any]]:
    """Rows of a query in chunks, so a large result is never all held as tuples at once."""
    while chunk := cursor.fetchmany(size):
        yield from chunk


def extraction_rows(extractions: Iterable[Extraction], now: str) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of :data:`EXTRACTION_TABLES` that hold ``extractions``, in each table's column order.

    Pure (no case file needed), so a distributed engine makes the same rows on its executors.
    ``now`` is the documents' ``added_at``.
    """
    rows_of: dict[str, list[tuple[Any, ...]]] = {k: [] for k in EXTRACTION_TABLES}
    for ex in extractions:
        d = ex.document
        noise = json.dumps([[n.start, n.end, n.kind] for n in d.noise])
        rows_of["documents"].append(
            (d.id, d.path, d.sha256, d.media_type, d.title, d.outlet, d.author, d.published, d.url, d.text,
             noise, json.dumps([str(p) for p in ex.problems]), now, *document_row_extras(d))
        )
        for seq, p in enumerate(ex.problems):
            stage, error, message = ((p.stage, p.error, p.message) if isinstance(p, Problem)
                                     else schema.split_problem(str(p)))
            rows_of["problems"].append((d.id, seq, stage, d.path, error, message))
        mentions = {m.id: m for m in ex.mentions}
        mentions.update((q.mention.id, q.mention) for q in ex.quotes)
        mentions.update((f.mention.id, f.mention) for f in ex.figures)
        mentions.update((p.evidence.id, p.evidence) for p in ex.protected if p.evidence)
        for m in mentions.values():
            rows_of["mentions"].append((m.id, m.doc_id, m.start, m.end, m.kind, m.extractor, m.text,
                                        json.dumps(m.attrs)))
        for q in ex.quotes:
            rows_of["quotes"].append((q.mention.id, d.id, q.speaker_label, q.speaker_mention_id, q.speaker,
                                      q.protected, q.reported_by))
        for f in ex.figures:
            rows_of["figures"].append((f.mention.id, d.id, f.event, f.value, f.qualifier, f.subject,
                                       f.attributed_to, f.when))
        for e in ex.events:
            rows_of["events"].append((e.id, d.id, e.date, e.precision, e.what, json.dumps(list(e.mention_ids))))
        for p in ex.protected:
            rows_of["protected"].append((d.id, p.label, json.dumps(list(p.names)),
                                         p.evidence.id if p.evidence else None))
    return rows_of
