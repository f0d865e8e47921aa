"""The target the case stages run on: their inputs, what they hand on, and where results go.

A case stage (:data:`corroborator.consolidate.CASE_STAGES`) gets everything through a
:class:`CaseWork` and nothing through global state:

- the case's inputs, read from a :class:`~corroborator.consolidate._load.Reader` (the
  case file read lean, a case in memory, or whatever a distributed engine provides);
- the artefacts earlier stages provided (:meth:`CaseWork.put`, :meth:`CaseWork.get`);
- a sink (:data:`Sink`) that takes each result as soon as it is final.

The work knows the plan it serves: once a stage has run (:meth:`CaseWork.finished`,
the runner's ``after`` hook) it drops every artefact no later stage requires, so a case
read from a file and written out as it goes is never in memory whole. The documents
and figures, which several stages read, are read once and dropped the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from corroborator.consolidate._load import Reader
from corroborator.errors import CorroboratorError
from corroborator.model import Document, Event, Figure, Mention, ProtectedPerson, Quote
from corroborator.registry import Stage

#: Receives each result (a :class:`~corroborator.consolidate.Consolidation` field name and its value) once it is final.
Sink = Callable[[str, Any], None]


class CaseWorkError(CorroboratorError):
    """A case stage asked for an artefact no earlier stage of its plan provided."""


class CaseWork:
    """One run of the case stages: inputs through ``reader``, results to ``emit``.

    Picklable when its reader and sink are (a :class:`CaseSource` and ``dict.__setitem__``
    are), so a distributed engine can ship it with the stages.

    Args:
        reader: Where the case's inputs come from.
        emit: Takes each result (a name and its value) once it is final.
        plan: The stages that will run, in order; what none of the stages after the
            current one requires is dropped (an empty plan keeps everything).
    """

    def __init__(self, reader: Reader, emit: Sink, plan: Sequence[Stage] = ()) -> None:
        self.reader = reader
        self.emit = emit
        self._values: dict[str, Any] = {}
        #: Artefact -> names of the stages still to run that require it.
        self._pending: dict[str, set[str]] = {}
        for stage in plan:
            for artefact in stage.requires:
                self._pending.setdefault(artefact, set()).add(stage.name)
        self._keep_all = not plan

    # -- what earlier stages provided --------------------------------------------------
    def put(self, artefact: str, value: Any) -> None:
        """Hand ``value`` on to later stages as ``artefact``."""
        if self._keep_all or self._pending.get(artefact):
            self._values[artefact] = value

    def get(self, artefact: str) -> Any:
        """What an earlier stage handed on as ``artefact``.

        Raises:
            CaseWorkError: No earlier stage provided it (the stage does not list it in ``requires``,
                or the stage that provides it did not run).
        """
        try:
            return self._values[artefact]
        except KeyError:
            raise CaseWorkError(f"no case stage that ran before provided '{artefact}' "
                                f"(provided so far: {', '.join(sorted(self._values)) or 'nothing'})") from None

    def held(self) -> frozenset[str]:
        """The artefacts held now (read inputs and what earlier stages handed on)."""
        return frozenset(self._values)

    def finished(self, stage: Stage) -> None:
        """``stage`` has run: drop what no stage after it requires."""
        for artefact in stage.requires:
            users = self._pending.get(artefact)
            if users is not None:
                users.discard(stage.name)
                if not users:
                    self._values.pop(artefact, None)

    # -- the case's inputs -------------------------------------------------------------
    def documents(self) -> list[Document]:
        """Every document (read once, kept while a stage still to run requires ``documents``)."""
        return self._read("documents", self.reader.documents)

    def figures(self) -> list[Figure]:
        """Every figure, in text order (read once, kept while a stage still to run requires ``figures``)."""
        return self._read("figures", self.reader.figures)

    def documents_by_id(self) -> dict[str, Document]:
        """The documents by id."""
        return {d.id: d for d in self.documents()}

    def mentions(self, kind: str) -> list[Mention]:
        """Mentions of one kind the extractors made, in text order (read on every call)."""
        return self.reader.mentions(kind)

    def protected(self) -> list[ProtectedPerson]:
        """Every protected witness (read on every call)."""
        return self.reader.protected()

    def quote_speakers(self) -> list[tuple[str, str]]:
        """``(quote mention id, speaker mention id)`` of every quote with a speaker span (read on every call)."""
        return self.reader.quote_speakers()

    def quotes(self) -> list[Quote]:
        """Every quote, in text order (read on every call)."""
        return self.reader.quotes()

    def events(self) -> list[Event]:
        """Every event, by date (read on every call)."""
        return self.reader.events()

    def _read(self, artefact: str, read: Callable[[], Any]) -> Any:
        if artefact not in self._values:
            value = read()
            if not (self._keep_all or self._pending.get(artefact)):
                return value
            self._values[artefact] = value
        return self._values[artefact]
