"""The case-file model: frozen dataclasses holding plain data.

Every fact carries the span it came from: a :class:`Mention` is ``(doc_id, start,
end)`` into ``Document.text`` plus the extractor that produced it. Nothing outside the
extractors ever sees a spaCy ``Doc``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

from corroborator.errors import Problem

#: Kinds of event a figure can count (export contract).
EVENT_KINDS = (
    "killed",
    "injured",
    "detained",
    "disappeared",
    "tortured",
    "ill_treated",
    "fled",
    "evacuated",
    "other",
)
#: How a figure qualifies its value (export contract).
QUALIFIERS = ("exact", "at_least", "more_than", "at_most", "about")
#: Kinds of noise span the cleaner marks.
NOISE_KINDS = (
    "caption",
    "pull_quote",
    "teaser",
    "call_to_action",
    "footer",
    "byline",
    "dateline",
    "headline",
    # Marked when a PDF is read: lines repeated at the top or bottom of most pages, page numbers.
    "running_header",
    "running_footer",
    "page_number",
)
#: Precision of a normalised date.
DATE_PRECISIONS = ("day", "month", "season", "year", "range")
#: Claim statuses (export contract).
CLAIM_STATUSES = ("corroborated", "single_source", "conflicting", "superseded")


@dataclass(frozen=True, slots=True)
class NoiseSpan:
    """A stretch of a document that is not the report's own body text."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class Document:
    """One report. ``text`` is the reference for every offset in the case file.

    ``pages`` holds the offset in ``text`` where each page starts (PDF; empty for
    documents without pages; see :func:`page_of`). A document read from an archive
    (WARC) keeps where it was found: ``record_id`` (WARC-Record-ID), ``record_offset``
    (the record's byte offset in the archive) and ``container_sha256`` (the archive
    file's sha256), for the chain of custody.

    ``language`` is the ISO 639-1 code the language stage found (None: not identified,
    treated as English). ``no_extraction`` is set ("no extraction for language ru") when
    the document's language has no pipeline: it was stored and indexed for search, but
    no extractor ran on it.
    """

    id: str
    path: str
    sha256: str
    media_type: str
    text: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    noise: tuple[NoiseSpan, ...] = ()
    pages: tuple[int, ...] = ()
    record_id: str | None = None
    record_offset: int | None = None
    container_sha256: str | None = None
    language: str | None = None
    no_extraction: str | None = None

    def in_noise(self, start: int, end: int) -> NoiseSpan | None:
        """Return the noise span that contains ``[start, end)``, if any."""
        return span_in_noise(self.noise, start, end)


def span_in_noise(noise: tuple[NoiseSpan, ...] | list[NoiseSpan], start: int, end: int) -> NoiseSpan | None:
    """Return the noise span overlapping most of ``[start, end)``, if it covers half or more.

    ``noise`` is sorted by start and non-overlapping, as the cleaner makes it, so this is
    a binary search: extractors call it for every sentence of documents with thousands
    of noise lines.
    """
    length = max(end - start, 1)
    best, best_overlap = None, 0
    i = bisect.bisect_left(noise, end, key=_noise_start) - 1
    while i >= 0 and noise[i].end > start:
        span = noise[i]
        overlap = min(end, span.end) - max(start, span.start)
        if overlap * 2 >= length and overlap >= best_overlap:
            best, best_overlap = span, overlap
        i -= 1
    return best


def _noise_start(span: NoiseSpan) -> int:
    return span.start


def document_label(doc: Document | None) -> str:
    """A report as a note names it: outlet (else title, else file name) and publication date."""
    if doc is None:
        return "an unknown report"
    title = doc.title if doc.title and len(doc.title) <= 60 else (doc.title[:57] + "…" if doc.title else None)
    name = doc.outlet or (f"“{title}”" if title else None) or doc.path.rsplit("/", 1)[-1] or doc.id[:12]
    return f"{name}, {doc.published[:10]}" if doc.published else name


def page_of(doc: Document, offset: int) -> int | None:
    """The 1-based page of ``doc`` that holds ``offset``, or None (no pages, or outside the text)."""
    if not doc.pages or not 0 <= offset <= len(doc.text):
        return None
    return bisect.bisect_right(doc.pages, offset) or None


def merge_noise(first: tuple[NoiseSpan, ...] | list[NoiseSpan],
                second: tuple[NoiseSpan, ...] | list[NoiseSpan]) -> tuple[NoiseSpan, ...]:
    """Noise spans of both, sorted and non-overlapping; where they overlap, ``first`` wins.

    For keeping what ingest marked (running headers, page numbers) when the cleaner marks more.
    """
    kept = sorted(first, key=_noise_start)
    starts = [n.start for n in kept]
    for span in second:
        i = bisect.bisect_right(starts, span.start)
        before = kept[i - 1] if i else None
        after = kept[i] if i < len(kept) else None
        if (before is None or before.end <= span.start) and (after is None or span.end <= after.start):
            kept.insert(i, span)
            starts.insert(i, span.start)
    return tuple(kept)


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of a document that an extractor found. ``text == doc.text[start:end]``."""

    id: str
    doc_id: str
    start: int
    end: int
    kind: str
    extractor: str
    text: str
    attrs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


def mention_id(doc_id: str, kind: str, start: int, end: int) -> str:
    """Stable id of a mention: the same span of the same document always gets it."""
    return f"{doc_id[:16]}:{kind}:{start}-{end}"


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation or place across the case, with every mention of it."""

    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    mention_ids: tuple[str, ...] = ()
    protected: bool = False
    why: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quote: ``mention`` spans the quoted words only.

    ``speaker_mention_id`` points at the mention (entity or description) that names the
    speaker in the same document; the case-level ``speaker`` entity id is resolved when
    entities are consolidated.
    """

    mention: Mention
    speaker_label: str | None = None
    speaker_mention_id: str | None = None
    speaker: str | None = None
    protected: bool = False
    reported_by: str | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """A count of people affected by an event."""

    mention: Mention
    event: str
    value: int
    qualifier: str = "exact"
    subject: str | None = None
    attributed_to: str | None = None
    when: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """A dated statement in a document."""

    id: str
    doc_id: str
    date: str
    precision: str
    what: str
    mention_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProtectedPerson:
    """A witness who speaks anonymously or under a pseudonym in one document.

    ``label`` is how the text refers to them ("Azmad", "anonymous survivor 1");
    ``names`` are every string that would identify them (pseudonym, alias) and must be
    redacted; ``evidence`` is the mention of the text that says they are protected.
    """

    doc_id: str
    label: str
    names: tuple[str, ...] = ()
    evidence: Mention | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """Figures about the same thing across sources."""

    id: str
    event: str
    low: int
    high: int
    figure_ids: tuple[str, ...]
    independent_sources: int
    status: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Duplicate:
    """``doc_id`` is a near-duplicate (copy, syndication) of ``original_id``."""

    doc_id: str
    original_id: str
    similarity: float


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a figure or quote comes from, as consolidation traced it.

    ``source_key`` identifies the source across the case and ``source`` names it;
    ``how`` says how it was found, ``relayed_by`` who passed it on, ``evidence`` the
    span of the document that names the source, and ``original_doc`` the report a
    copy was copied from.
    """

    mention_id: str
    doc_id: str
    kind: str
    source_key: str
    source: str
    source_kind: str
    how: str
    relayed_by: tuple[str, ...] = ()
    evidence: tuple[int, int] | None = None
    original_doc: str | None = None


@dataclass
class Extraction:
    """Everything the per-document stages found in one document."""

    document: Document
    mentions: list[Mention] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    protected: list[ProtectedPerson] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def no_extraction(self) -> str | None:
        """Why no extractor ran on the document ("no extraction for language ru"), or None."""
        return self.document.no_extraction


#: Noise kinds whose text still belongs to the report itself (its own headline).
OWN_TEXT_NOISE_KINDS = frozenset({"headline"})


@dataclass
class Case:
    """A whole case file in memory, as the store loads it for report and export."""

    documents: list[Document] = field(default_factory=list)
    mentions: dict[str, Mention] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    protected: list[ProtectedPerson] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)
    #: Copy document id to its link to the original.
    duplicates: dict[str, Duplicate] = field(default_factory=dict)
    #: Figure or quote mention id to where it comes from.
    provenance: dict[str, Origin] = field(default_factory=dict)
    #: Claim id to the details consolidation gives it (sources, dates, citations).
    claim_details: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The merged timeline, entries in date order (see ``consolidate.timeline.build_timeline``).
    timeline: list[dict[str, Any]] = field(default_factory=list)
    #: Stages that failed on a document (``Problem.document`` is the document id).
    problems: list[Problem] = field(default_factory=list)
    schema_version: int = 1
    #: Digest of the settings the case file was last built with (None: not recorded).
    settings_digest: str | None = None
    #: The review state of each reviewed figure, quote, claim and entity, by id: ``{"status"
    #: (confirmed, corrected, rejected), "by", "at", "note", "action", "corrected"}`` (empty
    #: for the machine case; :func:`corroborator.review.apply_reviews` fills it).
    reviews: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Source reliability editors set, by original source key: ``{"rating" (A-F), "by", "at", "note"}``.
    reliability: dict[str, dict[str, Any]] = field(default_factory=dict)

    def review_of(self, item_id: str) -> dict[str, Any]:
        """The review state of an item: ``{"status": "unreviewed"}`` when no one reviewed it."""
        return self.reviews.get(item_id) or {"status": "unreviewed"}

    def figure_copies(self) -> dict[str, list[str]]:
        """Figure id to the figures of copies that repeat it (claims list them, citations skip them)."""
        return {figure_id: list(copies) for detail in self.claim_details.values()
                for figure_id, copies in (detail.get("copies") or {}).items()}

    def cited_figures(self, claim: Claim) -> list[str]:
        """A claim's figures less the copies' repeats: what a citation of the claim points to."""
        repeats = {c for copies in (self.claim_details.get(claim.id, {}).get("copies") or {}).values() for c in copies}
        return [f for f in claim.figure_ids if f not in repeats]
