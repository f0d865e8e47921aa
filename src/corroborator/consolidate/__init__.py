"""Case-wide work over everything the per-document stages stored."""

from __future__ import annotations

import logging

from corroborator.consolidate.entities import resolve_entities
from corroborator.store import CaseStore

logger = logging.getLogger(__name__)

__all__ = ["consolidate", "resolve_entities"]


def consolidate(store: CaseStore) -> None:
    """Recompute the case-wide results (entities, quote speakers) from the stored mentions."""
    entities, by_mention = resolve_entities(store.entity_mentions(), store.protected_names())
    speakers = {quote_id: by_mention.get(speaker) for quote_id, speaker in store.quote_speaker_mentions()}
    store.replace_consolidated(entities, speakers)
    logger.info("consolidated %d entities", len(entities))
