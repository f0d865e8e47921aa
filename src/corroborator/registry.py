"""The stage registry: processing steps under versioned names, ordered by what they need.

A :class:`Stage` has a versioned name (``quotes.rules.v1``), a ``kind`` (``"document"``
for the per-document stages, ``"case"`` for the cross-document ones), the artefacts it
``requires`` and those it ``provides``. ``func(target, settings)`` fills in what it
provides on one target (an :class:`~corroborator.model.Extraction` for a document stage);
an optional ``batch(targets, settings)`` does the same for many at once, and must either
fill in every target or raise before changing any (the runner then goes one by one); an
optional ``prepare(settings)`` loads what the stage needs once per process (a model), and
its errors stop the run instead of being recorded against a document.

A :class:`Registry` is an immutable set of stages looked up by name;
:meth:`Registry.plan` takes the names to run (from ``Settings.stages``) and orders them
by requires/provides, so no code holds a fixed order. :func:`run_stages` runs a plan
over targets with the skip-and-record policy. Every engine, local or distributed, calls
the same stages the same way.

The cross-document steps register the same way, with ``kind=CASE`` and one target: a
:class:`~corroborator.consolidate.CaseWork` through which they read the case's inputs,
hand artefacts to one another and send out their results (see
:data:`corroborator.consolidate.CASE_STAGES`)::

    plan = CASE_STAGES.plan(settings.stages.case, kind=CASE, given=("documents", "entities", ...))
    run_stages(plan, [work], settings, after=work.finished)  # no on_error: a failing case step raises

The ``given`` artefacts are those the stored document stages provided; ``after`` lets
the work drop each artefact once no later stage of the plan requires it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from corroborator.errors import CorroboratorError

logger = logging.getLogger(__name__)

__all__ = ["CASE", "DOCUMENT", "Registry", "RegistryError", "Stage", "prepare_stages", "run_stages"]

#: Kind of a stage that works on one document at a time.
DOCUMENT = "document"
#: Kind of a stage that works across the documents of a case.
CASE = "case"


class RegistryError(CorroboratorError):
    """A stage name is unknown or taken twice, or the stages asked for cannot be ordered."""


def require(plan: tuple[Stage, ...], needed: Mapping[str, str], where: str) -> tuple[Stage, ...]:
    """``plan``, if its stages provide everything in ``needed`` (what -> why it may not be left out).

    Raises:
        RegistryError: Something needed is provided by no stage of the plan.
    """
    provided = {p for stage in plan for p in stage.provides}
    for what, why in needed.items():
        if what not in provided:
            raise RegistryError(f"{where} has no stage that provides {what!r}: {why}")
    return plan


@dataclass(frozen=True)
class Stage:
    """A registered processing step.

    Attributes:
        name: Versioned name, such as ``quotes.rules.v1``.
        requires: Artefacts that must exist before it runs ("entities", "dates").
        provides: Artefacts it adds.
        func: ``func(target, settings)`` works on one target.
        batch: Optional ``batch(targets, settings)``: the same work on many targets at once.
        prepare: Optional ``prepare(settings)``: load what the stage needs (cached per process).
        kind: :data:`DOCUMENT` or :data:`CASE`.
    """

    name: str
    requires: tuple[str, ...]
    provides: tuple[str, ...]
    func: Callable[[Any, Any], None]
    batch: Callable[[Sequence[Any], Any], None] | None = None
    prepare: Callable[[Any], None] | None = None
    kind: str = DOCUMENT


class Registry:
    """Stages by name. Immutable: :meth:`with_stages` gives a new registry."""

    def __init__(self, stages: Iterable[Stage] = ()):
        self._stages: dict[str, Stage] = {}
        for stage in stages:
            if stage.name in self._stages:
                raise RegistryError(f"two stages are registered as '{stage.name}'")
            self._stages[stage.name] = stage

    def with_stages(self, *stages: Stage) -> Registry:
        """A registry with these stages added.

        Raises:
            RegistryError: A name is already registered.
        """
        return Registry([*self._stages.values(), *stages])

    def __contains__(self, name: object) -> bool:
        return name in self._stages

    def __iter__(self) -> Iterator[Stage]:
        return iter(self._stages.values())

    def __len__(self) -> int:
        return len(self._stages)

    def get(self, name: str) -> Stage:
        """The stage registered as ``name``.

        Raises:
            RegistryError: No stage has that name.
        """
        try:
            return self._stages[name]
        except KeyError:
            raise RegistryError(f"no stage is registered as '{name}' (registered: {', '.join(self._stages)})") \
                from None

    def names(self, kind: str | None = None) -> tuple[str, ...]:
        """Registered names, in registration order, of one kind or all."""
        return tuple(name for name, stage in self._stages.items() if kind is None or stage.kind == kind)

    def plan(self, names: Iterable[str], *, kind: str, given: Iterable[str] = ()) -> tuple[Stage, ...]:
        """The stages called ``names``, in an order where each runs after what it requires.

        Where the requirements leave a choice, the order of ``names`` decides.

        Args:
            names: Registered names of the stages to run.
            kind: The kind every one of them must be.
            given: Artefacts that exist before any of them runs.

        Raises:
            RegistryError: A name is unknown, listed twice or of another kind; two stages
                provide the same artefact; a requirement is provided by none; or the
                requirements form a cycle.
        """
        given = frozenset(given)
        chosen: list[Stage] = []
        for name in names:
            stage = self.get(name)
            if stage.kind != kind:
                raise RegistryError(f"stage '{name}' is a {stage.kind} stage, not a {kind} stage")
            if any(s.name == name for s in chosen):
                raise RegistryError(f"stage '{name}' is listed twice")
            chosen.append(stage)
        providers: dict[str, str] = {}
        for stage in chosen:
            for artefact in stage.provides:
                if artefact in given or artefact in providers:
                    first = "given" if artefact in given else f"provided by '{providers[artefact]}'"
                    raise RegistryError(f"'{artefact}' is {first} and provided by '{stage.name}' too")
                providers[artefact] = stage.name
        for stage in chosen:
            for artefact in stage.requires:
                if artefact not in given and artefact not in providers:
                    raise RegistryError(f"stage '{stage.name}' requires '{artefact}', which no stage in the plan "
                                        f"provides")
        ordered: list[Stage] = []
        have = set(given)
        while chosen:
            ready = next((s for s in chosen if have.issuperset(s.requires)), None)
            if ready is None:
                raise RegistryError(f"stages {', '.join(repr(s.name) for s in chosen)} require each other")
            ordered.append(ready)
            chosen.remove(ready)
            have.update(ready.provides)
        return tuple(ordered)


def prepare_stages(plan: Sequence[Stage], settings: Any) -> None:
    """Let each stage of ``plan`` load what it needs; errors (a missing model) propagate."""
    for stage in plan:
        if stage.prepare is not None:
            stage.prepare(settings)


def run_stages(plan: Sequence[Stage], targets: Sequence[Any], settings: Any,
               on_error: Callable[[Stage, Any, Exception], None] | None = None,
               after: Callable[[Stage], None] | None = None) -> None:
    """Run each stage of ``plan`` over every target, in plan order.

    A stage with a ``batch`` form runs it once over all targets; if that raises, the
    stage runs target by target so one bad target cannot cost the others.

    Args:
        plan: Ordered stages, as :meth:`Registry.plan` gives them.
        targets: What the stages work on (extractions for document stages).
        settings: Passed to every stage.
        on_error: Called with ``(stage, target, exception)`` when a stage fails on a
            target; the other stages still run. None: the exception propagates.
        after: Called with each stage once it has run over every target.
    """
    for stage in plan:
        _run_stage(stage, targets, settings, on_error)
        if after is not None:
            after(stage)


def _run_stage(stage: Stage, targets: Sequence[Any], settings: Any,
               on_error: Callable[[Stage, Any, Exception], None] | None) -> None:
    """One stage over every target: in one batch if it can, else (or if the batch fails) one by one."""
    if stage.batch is not None and targets:
        try:
            stage.batch(targets, settings)
            return
        except Exception as exc:  # noqa: BLE001 - go one by one to find the target that fails
            if on_error is None:
                raise
            logger.warning("%s failed on a batch (%s); retrying one at a time", stage.name, exc)
    for target in targets:
        try:
            stage.func(target, settings)
        except Exception as exc:  # noqa: BLE001 - skip-and-record when asked to
            if on_error is None:
                raise
            on_error(stage, target, exc)
