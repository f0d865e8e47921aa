"""Case-wide work over everything the per-document stages stored.

The cross-document steps are registered stages (:data:`CASE_STAGES`, kind
:data:`~corroborator.registry.CASE`) under versioned names, chosen by
``Settings.stages.case`` and ordered by what they require and provide
(:func:`plan_case`). Each gets its inputs through a :class:`CaseWork` (a reader of the
case, the artefacts earlier steps handed on, and a sink for its results) and its
thresholds from its own settings section, so the same steps can run wherever a reader
and a sink can be given to them.

:func:`consolidate_case` is pure: model objects in, results out (each step is its own
public function and sub-quadratic, so each could run on partitions). :func:`consolidate`
runs the same steps on the case file, reading one kind of extraction at a time and
only the fields the steps use (see ``_load``), and saves each result as it is made.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from corroborator import crashpoints
from corroborator.analyze.pipeline import GIVEN, plan_stages
from corroborator.consolidate._facts import PlaceSpans, place_spans, places_of
from corroborator.consolidate._load import CaseSource, Reader, StoreSource
from corroborator.consolidate._storage import ConsolidationWriter, read_details
from corroborator.consolidate._work import CaseWork, CaseWorkError, Sink
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
from corroborator.registry import CASE, Registry, Stage, run_stages
from corroborator.settings import DEFAULTS, Settings
from corroborator.store import CaseStore
from corroborator.store.builds import CONSOLIDATE

logger = logging.getLogger(__name__)

__all__ = [
    "CASE_STAGES",
    "CaseEntities",
    "CaseWork",
    "CaseWorkError",
    "ClaimSet",
    "Consolidation",
    "DuplicateLink",
    "EntityResolution",
    "Provenance",
    "Sink",
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
    "plan_case",
    "quote_provenance",
    "read_details",
    "resolve_case_entities",
    "resolve_entities",
    "speaker_entities",
    "stored_artefacts",
    "timeline_series",
    "with_duplicates",
]


@dataclass
class Consolidation:
    """Everything the case-wide steps compute (empty where a step did not run)."""

    entities: list[Entity] = field(default_factory=list)
    by_mention: dict[str, str] = field(default_factory=dict)
    new_mentions: list[Mention] = field(default_factory=list)
    speakers: dict[str, str | None] = field(default_factory=dict)
    duplicates: list[DuplicateLink] = field(default_factory=list)
    figure_sources: dict[str, Provenance] = field(default_factory=dict)
    quote_sources: dict[str, Provenance] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    claim_details: dict[str, dict[str, Any]] = field(default_factory=dict)
    totals: dict[str, dict[str, Any]] = field(default_factory=dict)
    timeline: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class CaseEntities:
    """What entity resolution hands on, small enough to keep while the later steps run.

    Attributes:
        names: Resolves source phrases to case entities (for provenance).
        places: Where each place entity is named, per document (for claims).
    """

    names: SourceNames
    places: PlaceSpans


# -- the case steps ----------------------------------------------------------------------
# Each reads what it requires from the work, emits its results once final and puts what
# later steps need; the work drops each artefact once no later step requires it.

def _resolve_entities(work: CaseWork, settings: Settings) -> None:
    """Case entities from the entity mentions; the speaker entity of each quote."""
    docs = work.documents()
    entity_mentions = work.mentions("entity")
    resolution = resolve_case_entities(entity_mentions, docs, work.protected())
    all_entity_mentions = entity_mentions + resolution.mentions
    del entity_mentions
    by_id = {m.id: m for m in all_entity_mentions}
    by_id.update((m.id, m) for m in work.mentions("speaker"))
    work.emit("speakers", speaker_entities(work.quote_speakers(), by_id, resolution.by_mention))
    del by_id
    # What the later steps need of the mentions, so the mentions themselves can go now.
    names = SourceNames(resolution.entities, resolution.by_mention, all_entity_mentions)
    places = place_spans(all_entity_mentions, resolution.by_mention,
                         {e.id for e in resolution.entities if e.type == "GPE"})
    del all_entity_mentions
    work.emit("entities", resolution.entities)
    work.emit("by_mention", resolution.by_mention)
    work.emit("new_mentions", resolution.mentions)
    work.put("case_entities", CaseEntities(names, places))


def _find_duplicates(work: CaseWork, settings: Settings) -> None:
    """Near-duplicate documents; hands on each copy's original."""
    links = find_duplicates(work.documents(), settings=settings.duplicates)
    work.emit("duplicates", links)
    work.put("duplicates", original_of(links))


def _trace_provenance(work: CaseWork, settings: Settings) -> None:
    """The original source of every quote, then of every figure (handed on to claims)."""
    docs = work.documents()
    names = work.get("case_entities").names
    originals = work.get("duplicates")
    work.emit("quote_sources", quote_provenance(work.quotes(), docs, names, originals))
    figure_sources = figure_provenance(work.figures(), docs, names, originals)
    work.emit("figure_sources", figure_sources)
    work.put("provenance", figure_sources)


def _group_claims(work: CaseWork, settings: Settings) -> None:
    """Figures grouped into claims; hands on the claims and, for totals, their details."""
    figures = work.figures()
    places = places_of(figures, work.documents_by_id(), work.get("case_entities").places)
    claim_set = build_claims(figures, work.documents(), work.get("provenance"), places, settings=settings.claims)
    del places
    work.emit("claim_details", claim_set.details)
    work.emit("claims", claim_set.claims)
    work.put("claims", claim_set.claims)
    work.put("claim_details", claim_set)


def _sum_totals(work: CaseWork, settings: Settings) -> None:
    """One total per event kind."""
    work.emit("totals", compute_totals(work.get("claim_details"), settings.totals))


def _merge_timeline(work: CaseWork, settings: Settings) -> None:
    """The merged timeline of dated events."""
    # The timeline cites each event's sentence and finds the claims' figures in it.
    sentences: dict[str, Mention] = {m.id: m for m in work.mentions("event")}
    sentences.update((f.mention.id, f.mention) for f in work.figures())
    work.emit("timeline", build_timeline(work.events(), work.documents(), sentences, work.get("duplicates"),
                                         work.get("claims"), settings=settings.timeline))


#: The cross-document steps by name; ``settings.stages.case`` says which run.
CASE_STAGES = Registry([
    Stage("entities.resolve.v1", ("documents", "entities", "protected", "quotes"), ("case_entities", "speakers"),
          _resolve_entities, kind=CASE),
    Stage("duplicates.minhash.v1", ("documents",), ("duplicates",), _find_duplicates, kind=CASE),
    Stage("provenance.sources.v1", ("documents", "case_entities", "duplicates", "figures", "quotes"),
          ("provenance",), _trace_provenance, kind=CASE),
    Stage("claims.group.v1", ("documents", "figures", "provenance", "case_entities"), ("claims", "claim_details"),
          _group_claims, kind=CASE),
    Stage("totals.best.v1", ("claim_details",), ("totals",), _sum_totals, kind=CASE),
    Stage("timeline.merge.v1", ("documents", "events", "figures", "duplicates", "claims"), ("timeline",),
          _merge_timeline, kind=CASE),
])


def with_duplicates(links: Sequence[DuplicateLink], registry: Registry | None = None) -> Registry:
    """``registry`` (:data:`CASE_STAGES`) with the near-duplicates step giving ``links``, found elsewhere.

    The step keeps its name, requirements and results: it emits ``links`` and hands on
    each copy's original, as :func:`find_duplicates` over the same documents would.
    """
    registry = registry or CASE_STAGES
    name = "duplicates.minhash.v1"
    found = sorted(links, key=lambda link: (link.original_id, link.doc_id))

    def given(work: CaseWork, settings: Settings) -> None:
        logger.info("%d documents are near-duplicates of another (found by the engine)", len(found))
        work.emit("duplicates", found)
        work.put("duplicates", original_of(found))

    return Registry(dataclasses.replace(s, func=given) if s.name == name else s for s in registry)


def stored_artefacts(settings: Settings = DEFAULTS) -> tuple[str, ...]:
    """What the case holds for the case steps to read: the documents and what the document stages provide."""
    provided = [artefact for stage in plan_stages(settings) for artefact in stage.provides]
    return tuple(dict.fromkeys(("documents", *GIVEN, *provided)))


#: What the case steps of a build must always provide, and why.
ALWAYS = {"case_entities": "entity resolution (entities.resolve.v1) carries a witness's protection to every "
                           "name and alias of theirs in the case; without it redaction would miss some"}


def plan_case(settings: Settings = DEFAULTS, given: Iterable[str] | None = None,
              registry: Registry | None = None) -> tuple[Stage, ...]:
    """The case steps ``settings.stages.case`` names, in the order their requirements give.

    Args:
        settings: Whose ``stages.case`` names the steps (and ``stages.document`` what they may read).
        given: What exists before any step runs; by default :func:`stored_artefacts`.
        registry: Where the names are looked up; by default :data:`CASE_STAGES`.

    Raises:
        RegistryError: A name is unknown, or a step requires what neither the document
            stages nor another step provides.
    """
    given = stored_artefacts(settings) if given is None else ("documents", *given)
    return (registry or CASE_STAGES).plan(settings.stages.case, kind=CASE, given=given)


def consolidate_case(case: Case, settings: Settings = DEFAULTS) -> Consolidation:
    """Entities, duplicates, provenance, claims, totals and timeline of a case in memory.

    Args:
        case: The case as the per-document stages left it (entities and claims, if any,
            are ignored and recomputed).
        settings: Which case steps run (``stages.case``) and their thresholds.

    Returns:
        The results; nothing is written anywhere. What a step left out of the plan
        would have made is empty.
    """
    kept: dict[str, Any] = {}
    _consolidate(CaseSource(case), kept.__setitem__, settings)
    return Consolidation(**kept)


def _consolidate(source: Reader, emit: Sink, settings: Settings = DEFAULTS,
                 plan: Sequence[Stage] | None = None) -> None:
    """Run the case steps over ``source``, each result going to ``emit`` as soon as it is final.

    Each step asks the source for one kind of extraction at a time, and what no later
    step requires is let go as soon as the last step needing it has run, so a case read
    from a file and written out as it goes is never in memory whole.
    """
    plan = plan_case(settings) if plan is None else plan
    work = CaseWork(source, emit, plan)

    def after(stage: Stage) -> None:
        work.finished(stage)
        crashpoints.reached("consolidate")

    run_stages(plan, [work], settings, after=after)


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


def consolidate(store: CaseStore, settings: Settings = DEFAULTS,
                finish: Callable[[], None] | None = None, registry: Registry | None = None) -> None:
    """Recompute the case-wide results from the stored documents and mentions and save them.

    One transaction: the previous results are replaced as a whole or not at all (the
    results of a step left out of ``settings.stages.case`` are left empty).
    Each result is written as soon as it is final and not kept. The case file records
    the consolidation as started before it runs and, with the results, every document
    as consolidated, so a consolidation a crash interrupted is redone by the next build
    (:meth:`~corroborator.store.builds.BuildPhases.pending`).

    Args:
        store: The case file.
        settings: Which case steps run and their thresholds.
        finish: Called inside the transaction once every result is written (a build
            records itself there, so the results and their record commit together).
        registry: Where the steps' names are looked up; by default :data:`CASE_STAGES`
            (a distributed engine passes one where some steps give results it computed,
            see :func:`with_duplicates`).

    Raises:
        RegistryError: ``settings.stages.case`` names steps that cannot run (before anything is changed).
    """
    plan = plan_case(settings, registry=registry)
    digest = settings.digest()
    store.phases.started(CONSOLIDATE, digest)
    with ConsolidationWriter(store) as writer:
        _consolidate(StoreSource(store), writer, settings, plan)
        store.phases.consolidated(digest)
        if finish is not None:
            finish()
        crashpoints.reached("record")
    logger.info("consolidated (%s): %s", ", ".join(s.name for s in plan),
                ", ".join(f"{n:,} {name.replace('_', ' ')}" for name, n in writer.counts.items()))
