"""The case timeline: dated events merged across reports, each with its sources.

Events are blocked by date and precision; inside a block, a MinHash of each event
sentence's content words is cut into bands, and events sharing a band are compared
(exact word overlap) and merged, so the work stays linear in the number of events
however many reports tell the same thing.
"""

from __future__ import annotations

import bisect
import hashlib
import logging
import re
import zlib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from datasketch import MinHash

from corroborator.consolidate._names import UnionFind
from corroborator.model import Claim, Document, Event, Mention
from corroborator.settings import DEFAULTS, TimelineSettings

logger = logging.getLogger(__name__)

_WORD = re.compile(r"[^\W\d_]{3,}|\d+")
_STOP = frozenset(
    "the and that with from this have has had was were are for not but its his her their they them said says "
    "also been who which when where after before into about over than more most some such only other".split()
)


def content_words(text: str) -> frozenset[str]:
    """Case-folded content words of a sentence."""
    return frozenset(w for w in _WORD.findall(text.casefold()) if w not in _STOP)


def build_timeline(events: Sequence[Event], documents: Sequence[Document], mentions: Mapping[str, Mention] | None = None,
                   originals: Mapping[str, str] | None = None,
                   claims: Sequence[Claim] = (),
                   settings: TimelineSettings = DEFAULTS.timeline) -> list[dict[str, Any]]:
    """Merge the dated events of all reports into one timeline.

    Events of the same date merge when their sentences share enough content words, or
    when they hold figures of the same claim ("shot and killed four people" / "Four
    people are dead").

    Args:
        events: Events of every document.
        documents: The documents (for source names and publication order).
        mentions: Mentions by id, to cite each event's sentence span and find its figures.
        originals: Copy document id to original document id.
        claims: Claims of the case, to merge events that report the same figures.
        settings: ``similarity``, the word overlap (Jaccard) from which two event sentences
            of the same date tell one event; ``num_perm`` and ``band_rows``, the MinHash
            bands that pick the pairs compared.

    Returns:
        Entries in date order: ``{"id", "date", "precision", "what", "events", "docs",
        "sources", "independent_reports", "citations", "copies"}``: one citation
        per independent report, and the sentences of the copies that repeat them in ``copies``.
    """
    docs = {d.id: d for d in documents}
    mentions = mentions or {}
    originals = originals or {}
    words = [content_words(e.what) for e in events]
    perm, rows = settings.num_perm, settings.band_rows
    template = MinHash(num_perm=perm, hashfunc=int)
    merged = UnionFind()
    buckets: dict[tuple[Any, ...], int] = {}
    for i, (event, ws) in enumerate(zip(events, words)):
        merged.find(i)
        if not ws:
            continue
        sig = MinHash(num_perm=perm, hashfunc=int, permutations=template.permutations, scheme=template.scheme)
        sig.update_batch([zlib.crc32(w.encode()) for w in ws])
        values = np.asarray(sig.hashvalues)
        for band in range(0, perm, rows):
            key = (event.date, event.precision, band, values[band:band + rows].tobytes())
            first = buckets.setdefault(key, i)
            if first != i and _jaccard(ws, words[first]) >= settings.similarity:
                merged.union(first, i)
    for i, key in _claim_keys(events, mentions, claims):
        first = buckets.setdefault(key, i)
        if first != i:
            merged.union(first, i)
    groups: dict[Any, list[int]] = defaultdict(list)
    for i in range(len(events)):
        groups[merged.find(i)].append(i)
    timeline = [_entry([events[i] for i in members], docs, mentions, originals) for members in groups.values()]
    timeline.sort(key=lambda t: (t["date"], -len(t["docs"]), t["id"]))
    logger.info("%d events merged into %d timeline entries", len(events), len(timeline))
    return timeline


def _claim_keys(events: Sequence[Event], mentions: Mapping[str, Mention],
                claims: Sequence[Claim]) -> list[tuple[int, tuple[Any, ...]]]:
    """``(event index, (date, claim id))`` for every claim with a figure in an event's sentence."""
    claim_of = {fid: c.id for c in claims for fid in c.figure_ids}
    figures: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for fid in claim_of:
        m = mentions.get(fid)
        if m is not None:
            figures[m.doc_id].append((m.start, fid))
    for found in figures.values():
        found.sort()
    keys = []
    for i, event in enumerate(events):
        sentence = next((mentions[m] for m in event.mention_ids if m in mentions and mentions[m].kind == "event"), None)
        found = figures.get(event.doc_id, []) if sentence is not None else []
        k = bisect.bisect_left(found, (sentence.start, "")) if sentence is not None else 0
        while k < len(found) and found[k][0] < sentence.end:
            keys.append((i, (event.date, event.precision, "claim", claim_of[found[k][1]])))
            k += 1
    return keys


def timeline_series(timeline: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The timeline as chart data: one point per entry with its number of independent reports."""
    return [{"id": t["id"], "date": t["date"], "precision": t["precision"], "reports": t["independent_reports"],
             "what": t["what"]} for t in timeline]


def _entry(group: list[Event], docs: Mapping[str, Document], mentions: Mapping[str, Mention],
           originals: Mapping[str, str]) -> dict[str, Any]:
    """One timeline entry from the events that tell it."""
    def rank(e: Event) -> tuple[bool, str, int]:
        doc = docs.get(e.doc_id)
        return (e.doc_id in originals, (doc.published if doc and doc.published else "9999"), len(e.what))

    lead = min(group, key=rank)
    doc_ids = sorted({e.doc_id for e in group})
    sources = sorted({_doc_source(docs[d]) for d in doc_ids if d in docs})
    # One citation per independent report (its original, else its first copy); the copies' own
    # sentences are kept apart, so a syndicated story is cited once "and N copies".
    citations, copies, cited = [], [], set()
    for e in sorted(group, key=rank):
        sentence = next((mentions[m] for m in e.mention_ids if m in mentions and mentions[m].kind == "event"), None)
        if sentence is not None:
            cluster = originals.get(e.doc_id, e.doc_id)
            (copies if cluster in cited else citations).append({
                "doc": sentence.doc_id, "start": sentence.start, "end": sentence.end, "text": sentence.text,
                "mention": sentence.id})
            cited.add(cluster)
    digest = hashlib.sha1("|".join(sorted(e.id for e in group)).encode()).hexdigest()[:10]
    return {"id": f"tl-{digest}", "date": lead.date, "precision": lead.precision, "what": lead.what,
            "events": [e.id for e in group], "docs": doc_ids, "sources": sources,
            "independent_reports": len({originals.get(d, d) for d in doc_ids}), "citations": citations,
            "copies": copies}


def _doc_source(doc: Document) -> str:
    """How a report is named as a source: its outlet, else its title, else its file name."""
    return doc.outlet or doc.title or doc.path.rsplit("/", 1)[-1] or doc.id[:12]


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Exact Jaccard similarity of two word sets."""
    return len(a & b) / len(a | b) if a or b else 0.0
