"""Claims and totals recomputed from the reviewed figures.

A reviewer who rejects a figure takes it out of the evidence; one who corrects it
changes the evidence. Either way the claims, their notes, the totals and every series
and citation built on them must be made again from what the reviewers left, with the
same rules the build used (:func:`~corroborator.consolidate.claims.build_claims` and
:func:`~corroborator.consolidate.totals.compute_totals`, with the case's own settings).

A recomputed claim keeps the id of the machine claim it comes from (the one that held its
figures), so a reviewer's status or lock on that claim stays with it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Mapping

from corroborator.consolidate._facts import place_spans, places_of
from corroborator.consolidate.claims import ClaimSet, build_claims
from corroborator.consolidate.credibility import UNRATED, rate_claims
from corroborator.consolidate.provenance import Provenance, Source
from corroborator.consolidate.totals import compute_totals
from corroborator.model import Case, Claim, Figure, Origin
from corroborator.settings import DEFAULTS, Settings

logger = logging.getLogger(__name__)


def recompute_claims(case: Case, figures: Iterable[Figure], settings: Settings = DEFAULTS, *,
                     rejected_claims: Iterable[str] = (), verified: Iterable[str] = ()) -> Case:
    """``case`` with claims, claim details and totals made again from ``figures``.

    Args:
        case: The case (its documents, entities, provenance and machine claims are read).
        figures: The figures as reviewed: rejected ones left out, corrected ones changed.
        settings: The settings the case was built with (claims and totals thresholds).
        rejected_claims: Ids of claims a reviewer rejected: they leave the claims and the totals.
        verified: Ids of claims a reviewer verified (rated confirmed). Source reliability is
            ``case.reliability``.

    Returns:
        A new case with ``figures``, recomputed ``claims``, ``claim_details`` and ``totals``.
    """
    figures = list(figures)
    docs = {d.id: d for d in case.documents}
    provenance = {mid: _provenance(o) for mid, o in case.provenance.items() if o.kind == "figure"}
    ratings = {key: str(r.get("rating", UNRATED)) for key, r in case.reliability.items()}
    claim_set = build_claims(figures, case.documents, provenance, _places(case, figures, docs), settings.claims,
                             reliability=ratings)
    claim_set = _keep_ids(claim_set, case.claims)
    rate_claims(claim_set.claims, claim_set.details, ratings, verified)  # under the kept ids
    rejected = set(rejected_claims)
    if rejected:
        claim_set = ClaimSet([c for c in claim_set.claims if c.id not in rejected],
                             {k: v for k, v in claim_set.details.items() if k not in rejected}, claim_set.facts)
    totals = compute_totals(claim_set, settings.totals)
    for total in totals.values():
        total["note"] = f"{total['note']} Recomputed after review.".strip()
        total["after_review"] = True
    logger.info("after review: %d figures form %d claims", len(figures), len(claim_set.claims))
    return dataclasses.replace(case, figures=figures, claims=claim_set.claims, claim_details=claim_set.details,
                               totals=totals)


def _provenance(o: Origin) -> Provenance:
    """The stored origin of a figure as consolidation's provenance."""
    return Provenance(o.mention_id, o.doc_id, Source(o.source_key, o.source, o.source_kind), o.how, o.relayed_by,
                      o.evidence, o.original_doc)


def _places(case: Case, figures: list[Figure], docs: Mapping) -> dict[str, frozenset[str]]:
    """Place entities named in each figure's sentence, as consolidation found them."""
    by_mention = {mid: e.id for e in case.entities for mid in e.mention_ids}
    places = {e.id for e in case.entities if e.type == "GPE"}
    return places_of(figures, docs, place_spans(case.mentions.values(), by_mention, places))


def _keep_ids(claim_set: ClaimSet, machine: list[Claim]) -> ClaimSet:
    """Give each recomputed claim the id of the machine claim that held its figures, where one did."""
    home = {f: c.id for c in machine for f in c.figure_ids}
    renamed: dict[str, str] = {}
    taken: set[str] = set()
    for claim in claim_set.claims:
        homes = [home[f] for f in claim.figure_ids if f in home]
        old = max(sorted(set(homes)), key=homes.count) if homes else None
        if old is not None and old not in taken:
            renamed[claim.id] = old
            taken.add(old)
    if not renamed:
        return claim_set

    def rename(value: object) -> object:
        """Claim ids inside the details (``id``, ``superseded_by``, ``supersedes``) renamed."""
        if isinstance(value, str):
            return renamed.get(value, value)
        if isinstance(value, list):
            return [rename(v) for v in value]
        return value

    claims = [dataclasses.replace(c, id=renamed.get(c.id, c.id), note=_renamed_note(c.note, renamed))
              for c in claim_set.claims]
    details = {renamed.get(cid, cid): {k: (rename(v) if k in ("id", "superseded_by", "supersedes") else v)
                                       for k, v in d.items()} for cid, d in claim_set.details.items()}
    return ClaimSet(claims, details, claim_set.facts)


def _renamed_note(note: str, renamed: Mapping[str, str]) -> str:
    """A claim note naming other claims by their kept ids."""
    for new, old in renamed.items():
        note = note.replace(new, old)
    return note


#: Review statuses that mean a person checked the item.
CHECKED = ("confirmed", "corrected")


def reviewed_only(case: Case, settings: Settings = DEFAULTS) -> Case:
    """Only what a person confirmed or corrected, with claims and totals made from those figures alone.

    Figures and quotes a person confirmed or corrected stay; entities stay when a person
    reviewed them or when they speak a quote that stays. Machine-only results (dated
    events, date mentions, the timeline) leave. Documents stay: they are the sources.

    Args:
        case: The reviewed case (:func:`corroborator.review.apply_reviews`).
        settings: The settings the case was built with.
    """
    def checked(item_id: str) -> bool:
        return case.review_of(item_id)["status"] in CHECKED

    quotes = [q for q in case.quotes if checked(q.mention.id)]
    speakers = {q.speaker for q in quotes if q.speaker}
    out = recompute_claims(case, [f for f in case.figures if checked(f.mention.id)], settings)
    return dataclasses.replace(
        out, quotes=quotes, entities=[e for e in case.entities if checked(e.id) or e.id in speakers],
        events=[], timeline=[], mentions={k: m for k, m in case.mentions.items() if m.kind not in ("date", "event")})

