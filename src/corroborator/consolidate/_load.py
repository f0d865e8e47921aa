"""Where consolidation reads the case from: a :class:`Case` in memory, or the case file.

Consolidation runs in phases (entities, then figures, quotes, events) and asks its
source for one kind of extraction at a time, so a case file never has to be in memory
whole: :class:`StoreSource` (the store's :class:`~corroborator.store.lean.LeanReader`)
reads each kind when it is asked for and the caller lets it go before asking for the
next. Both sources give the same items in the same order (:meth:`CaseStore.load_case`'s).
"""

from __future__ import annotations

from typing import Protocol

from corroborator.consolidate.entities import EXTRACTOR
from corroborator.model import Case, Document, Event, Figure, Mention, ProtectedPerson, Quote
from corroborator.store import CaseStore
from corroborator.store.lean import FIGURE_ATTRS, LeanReader

__all__ = ["FIGURE_ATTRS", "CaseSource", "Reader", "StoreSource"]


class Reader(Protocol):
    """What consolidation reads, one kind at a time."""

    def documents(self) -> list[Document]: ...

    def protected(self) -> list[ProtectedPerson]: ...

    def mentions(self, kind: str) -> list[Mention]:
        """Mentions of one kind the extractors made (not the resolver's), in text order."""

    def quote_speakers(self) -> list[tuple[str, str]]:
        """``(quote mention id, speaker mention id)`` of every quote with a speaker span."""

    def figures(self) -> list[Figure]: ...

    def quotes(self) -> list[Quote]: ...

    def events(self) -> list[Event]: ...


class CaseSource:
    """A case already in memory."""

    def __init__(self, case: Case):
        self.case = case

    def documents(self) -> list[Document]:
        return self.case.documents

    def protected(self) -> list[ProtectedPerson]:
        return self.case.protected

    def mentions(self, kind: str) -> list[Mention]:
        return [m for m in self.case.mentions.values() if m.kind == kind and m.extractor != EXTRACTOR]

    def quote_speakers(self) -> list[tuple[str, str]]:
        return [(q.mention.id, q.speaker_mention_id) for q in self.case.quotes if q.speaker_mention_id]

    def figures(self) -> list[Figure]:
        return self.case.figures

    def quotes(self) -> list[Quote]:
        return self.case.quotes

    def events(self) -> list[Event]:
        return self.case.events


def StoreSource(store: CaseStore) -> LeanReader:  # noqa: N802 (named as the source it gives)
    """A case file, read lean and a kind at a time, without the resolver's own mentions."""
    return store.lean_reader(EXTRACTOR)
