"""Case-wide work over everything the per-document stages stored.

:func:`consolidate_case` is pure: model objects in, results out (each step is its own
public function and sub-quadratic, so each could run on partitions). :func:`consolidate`
runs the same steps on the case file, reading one kind of extraction at a time and
only the fields the steps use (see ``_load``), then saves the results.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from corroborator.consolidate._facts import figure_places
from corroborator.consolidate._load import CaseSource, Reader, StoreSource
from corroborator.consolidate._storage import ConsolidationWriter, read_details
from corroborator.consolidate.claims import ClaimSet, build_claims
from corroborator.consolidate.duplicates import DuplicateLink, find_duplicates, original_of
from corroborator.consolidate.entities import (
    EXTRACTOR,
    EntityResolution,
    resolve_case_entities,
    resolve_entities,
    speaker_entities,
)
from corroborator.consolidate.provenance import Provenance, Source, SourceNames, figure_provenance, quote_provenance
from corroborator.consolidate.timeline import build_timeline, timeline_series
from corroborator.consolidate.totals import compute_totals
from corroborator.model import Case, Claim, Duplicate, Entity, Mention, Origin
from corroborator.store import CaseStore

logger = logging.getLogger(__name__)

__all__ = [
    "ClaimSet",
    "Consolidation",
    "DuplicateLink",
    "EntityResolution",
    "Provenance",
    "Source",
    "SourceNames",
    "build_claims",
    "build_timeline",
    "apply_consolidation",
    "compute_totals",
    "consolidate",
    "consolidate_case",
    "figure_provenance",
    "find_duplicates",
    "quote_provenance",
    "read_details",
    "resolve_case_entities",
    "resolve_entities",
    "speaker_entities",
    "timeline_series",
]


@dataclass
class Consolidation:
    """Everything the case-wide stage computes."""

    entities: list[Entity]
    by_mention: dict[str, str]
    new_mentions: list[Mention]
    speakers: dict[str, str | None]
    duplicates: list[DuplicateLink]
    figure_sources: dict[str, Provenance]
    quote_sources: dict[str, Provenance]
    claims: list[Claim]
    claim_details: dict[str, dict[str, Any]]
    totals: dict[str, dict[str, Any]]
    timeline: list[dict[str, Any]] = field(default_factory=list)


def consolidate_case(case: Case) -> Consolidation:
    """Entities, duplicates, provenance, claims, totals and timeline of a case in memory.

    Args:
        case: The case as the per-document stages left it (entities and claims, if any,
            are ignored and recomputed).

    Returns:
        The results; nothing is written anywhere.
    """
    kept: dict[str, Any] = {}
    _consolidate(CaseSource(case), kept.__setitem__)
    return Consolidation(**kept)


#: Receives each result (a :class:`Consolidation` field name and its value) once it is final.
Sink = Callable[[str, Any], None]


def _consolidate(source: Reader, emit: Sink) -> None:
    """The case-wide work, in phases that each ask ``source`` for one kind of extraction.

    Each result goes to ``emit`` as soon as no later step changes it. What a phase no
    longer needs is let go before the next phase loads its kind, so a case read from a
    file and written out as it goes is never in memory whole.
    """
    docs = source.documents()
    entity_mentions = source.mentions("entity")
    resolution = resolve_case_entities(entity_mentions, docs, source.protected())
    all_entity_mentions = entity_mentions + resolution.mentions
    del entity_mentions
    by_id = {m.id: m for m in all_entity_mentions}
    by_id.update((m.id, m) for m in source.mentions("speaker"))
    emit("speakers", speaker_entities(source.quote_speakers(), by_id, resolution.by_mention))
    del by_id
    duplicates = find_duplicates(docs)
    emit("duplicates", duplicates)
    originals = original_of(duplicates)
    names = SourceNames(resolution.entities, resolution.by_mention, all_entity_mentions)
    figures = source.figures()
    places = figure_places(figures, {d.id: d for d in docs}, all_entity_mentions, resolution.by_mention,
                           {e.id for e in resolution.entities if e.type == "GPE"})
    del all_entity_mentions
    emit("entities", resolution.entities)
    emit("by_mention", resolution.by_mention)
    emit("new_mentions", resolution.mentions)
    del resolution
    figure_sources = figure_provenance(figures, docs, names, originals)
    claim_set = build_claims(figures, docs, figure_sources, places)
    del places
    emit("figure_sources", figure_sources)
    del figure_sources
    emit("totals", compute_totals(claim_set))
    emit("claim_details", claim_set.details)
    claims = claim_set.claims
    del claim_set
    emit("quote_sources", quote_provenance(source.quotes(), docs, names, originals))
    del names
    # The timeline cites each event's sentence and finds the claims' figures in it.
    sentences: dict[str, Mention] = {m.id: m for m in source.mentions("event")}
    sentences.update((f.mention.id, f.mention) for f in figures)
    del figures
    emit("timeline", build_timeline(source.events(), docs, sentences, originals, claims))
    emit("claims", claims)


def apply_consolidation(case: Case, result: Consolidation) -> Case:
    """A copy of ``case`` with the results in it, as loading the saved case file gives it back."""
    mentions = {mid: m for mid, m in case.mentions.items() if m.extractor != EXTRACTOR}
    mentions.update((m.id, m) for m in result.new_mentions)
    quotes = [dataclasses.replace(q, speaker=result.speakers.get(q.mention.id, q.speaker)) for q in case.quotes]
    duplicates = {d.doc_id: Duplicate(d.doc_id, d.original_id, d.similarity)
                  for d in sorted(result.duplicates, key=lambda d: (d.original_id, d.doc_id))}
    provenance = {mid: _origin(mid, "figure", p) for mid, p in result.figure_sources.items()}
    provenance.update((mid, _origin(mid, "quote", p)) for mid, p in result.quote_sources.items())
    return dataclasses.replace(case, mentions=mentions, entities=list(result.entities), quotes=quotes,
                               claims=list(result.claims), totals=dict(result.totals), duplicates=duplicates,
                               provenance=dict(sorted(provenance.items(), key=lambda kv: (kv[1].doc_id, kv[0]))),
                               claim_details=dict(sorted(result.claim_details.items())),
                               timeline=list(result.timeline))


def _origin(mention_id: str, kind: str, p: Provenance) -> Origin:
    """A provenance as the case holds it."""
    return Origin(mention_id, p.doc_id, kind, p.source.key, p.source.name, p.source.kind, p.how,
                  tuple(p.relayed_by), tuple(p.evidence) if p.evidence else None, p.original_doc)


def consolidate(store: CaseStore) -> None:
    """Recompute the case-wide results from the stored documents and mentions and save them.

    One transaction: the previous results are replaced as a whole or not at all.
    Each result is written as soon as it is final and not kept.
    """
    with ConsolidationWriter(store) as writer:
        _consolidate(StoreSource(store), writer)
    logger.info("consolidated %s", ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in writer.counts.items()))
