"""Case-wide work over everything the per-document stages stored.

:func:`consolidate_case` is pure: model objects in, results out (each step is its own
public function and sub-quadratic, so each could run on partitions). :func:`consolidate`
only loads the case file, calls it and saves the results.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Any

from corroborator.consolidate._facts import figure_places
from corroborator.consolidate._storage import read_details, save_details
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
from corroborator.model import Case, Claim, Entity, Mention
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
    docs = case.documents
    entity_mentions = [m for m in case.mentions.values() if m.kind == "entity" and m.extractor != EXTRACTOR]
    resolution = resolve_case_entities(entity_mentions, docs, case.protected)
    mentions = dict(case.mentions)
    mentions.update((m.id, m) for m in resolution.mentions)
    speakers = speaker_entities([(q.mention.id, q.speaker_mention_id) for q in case.quotes if q.speaker_mention_id],
                                mentions, resolution.by_mention)
    duplicates = find_duplicates(docs)
    originals = original_of(duplicates)
    all_entity_mentions = entity_mentions + resolution.mentions
    names = SourceNames(resolution.entities, resolution.by_mention, all_entity_mentions)
    figure_sources = figure_provenance(case.figures, docs, names, originals)
    quote_sources = quote_provenance(case.quotes, docs, names, originals)
    places = figure_places(case.figures, {d.id: d for d in docs}, all_entity_mentions, resolution.by_mention,
                           {e.id for e in resolution.entities if e.type == "GPE"})
    claim_set = build_claims(case.figures, docs, figure_sources, places)
    totals = compute_totals(claim_set)
    timeline = build_timeline(case.events, docs, mentions, originals, claim_set.claims)
    return Consolidation(resolution.entities, resolution.by_mention, resolution.mentions, speakers, duplicates,
                         figure_sources, quote_sources, claim_set.claims, claim_set.details, totals, timeline)


def apply_consolidation(case: Case, result: Consolidation) -> Case:
    """A copy of ``case`` with the results in it, as loading the saved case file gives it back."""
    mentions = {mid: m for mid, m in case.mentions.items() if m.extractor != EXTRACTOR}
    mentions.update((m.id, m) for m in result.new_mentions)
    quotes = [dataclasses.replace(q, speaker=result.speakers.get(q.mention.id, q.speaker)) for q in case.quotes]
    return dataclasses.replace(case, mentions=mentions, entities=list(result.entities), quotes=quotes,
                               claims=list(result.claims), totals=dict(result.totals))


def consolidate(store: CaseStore) -> None:
    """Recompute the case-wide results from the stored documents and mentions and save them."""
    result = consolidate_case(store.load_case())
    provenance = {mid: ("figure", p) for mid, p in result.figure_sources.items()}
    provenance.update((mid, ("quote", p)) for mid, p in result.quote_sources.items())
    save_details(store, mentions=result.new_mentions, duplicates=result.duplicates, provenance=provenance,
                 claim_details=result.claim_details, timeline=result.timeline)
    store.replace_consolidated(result.entities, result.speakers, result.claims, result.totals)
    logger.info("consolidated %d entities, %d claims, %d totals, %d timeline entries, %d duplicates",
                len(result.entities), len(result.claims), len(result.totals), len(result.timeline),
                len(result.duplicates))
