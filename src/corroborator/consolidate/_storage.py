"""Saving consolidation results through the case file's repository, and reading them back.

Consolidation computes; :class:`~corroborator.store.consolidated.ConsolidatedRepository`
writes what it computed: entities, quote speakers, claims, totals, near-duplicate
links, the original source of every figure and quote, claim details and the merged
timeline. The entity mentions the resolver makes go into the shared ``mentions`` table
under the resolver's extractor name, replaced on every run.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from corroborator.consolidate.duplicates import DuplicateLink
from corroborator.consolidate.entities import EXTRACTOR as ENTITY_EXTRACTOR
from corroborator.consolidate.provenance import Provenance
from corroborator.model import Claim, Entity, Mention
from corroborator.store import CaseStore
from corroborator.store.consolidated import ConsolidatedRepository

logger = logging.getLogger(__name__)


class ConsolidationWriter:
    """Writes consolidation results into the case file as they are made, in one transaction.

    Use as a context manager: entering empties every table of the case-wide results,
    leaving commits them all, an exception rolls them all back. Call it with each
    result (a :class:`~corroborator.consolidate.Consolidation` field name and its value).
    """

    def __init__(self, store: CaseStore) -> None:
        self.results: ConsolidatedRepository = store.consolidated
        self.counts: dict[str, int] = {}
        self._replacing: AbstractContextManager[ConsolidatedRepository] | None = None

    def __enter__(self) -> ConsolidationWriter:
        self._replacing = self.results.replacing(ENTITY_EXTRACTOR)
        self._replacing.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self._replacing is not None
        self._replacing.__exit__(*exc)

    def __call__(self, name: str, value: Any) -> None:
        self.counts[name] = len(value)
        getattr(self, "_" + name)(value)

    def _speakers(self, speakers: dict[str, str | None]) -> None:
        self.results.write_quote_speakers(speakers)

    def _duplicates(self, duplicates: Sequence[DuplicateLink]) -> None:
        self.results.write_duplicates(duplicates)

    def _entities(self, entities: Sequence[Entity]) -> None:
        self.results.write_entities(entities)

    def _by_mention(self, by_mention: Mapping[str, str]) -> None:
        pass  # the entities carry their mention ids

    def _new_mentions(self, mentions: Sequence[Mention]) -> None:
        self.results.write_mentions(mentions)

    def _figure_sources(self, sources: Mapping[str, Provenance]) -> None:
        self.results.write_provenance("figure", sources)

    def _quote_sources(self, sources: Mapping[str, Provenance]) -> None:
        self.results.write_provenance("quote", sources)

    def _totals(self, totals: dict[str, Any]) -> None:
        self.results.write_totals(totals)

    def _claim_details(self, details: Mapping[str, dict[str, Any]]) -> None:
        self.results.write_claim_details(details)

    def _timeline(self, timeline: Sequence[dict[str, Any]]) -> None:
        self.results.write_timeline(timeline)

    def _claims(self, claims: Sequence[Claim]) -> None:
        self.results.write_claims(claims)


def read_details(store: CaseStore) -> dict[str, Any]:
    """What :class:`ConsolidationWriter` wrote: ``{"duplicates", "provenance", "claims", "timeline"}``.

    Empty collections for a case file never consolidated.
    """
    return store.consolidated.details()
