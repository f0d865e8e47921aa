"""The stage registry: lookup by name, order from requires/provides, skip-and-record runs."""

from __future__ import annotations

from typing import Any

import pytest

from corroborator.analyze import pipeline
from corroborator.errors import Problem
from corroborator.model import Document, Extraction
from corroborator.registry import CASE, DOCUMENT, Registry, RegistryError, Stage, prepare_stages, run_stages
from corroborator.settings import DEFAULTS, Settings


def _noop(target: Any, settings: Any) -> None:
    target.append(settings)


def _stage(name: str, requires: tuple[str, ...] = (), provides: tuple[str, ...] = (), **kw: Any) -> Stage:
    return Stage(name, requires, provides, kw.pop("func", _noop), **kw)


REGISTRY = Registry([
    _stage("events.v1", ("dates",), ("events",)),
    _stage("figures.v1", ("entities", "dates"), ("figures",)),
    _stage("dates.v1", ("text",), ("dates",)),
    _stage("entities.v1", ("text",), ("entities",)),
    _stage("dates.v2", ("text",), ("dates",)),
    _stage("totals.v1", ("figures",), ("totals",), kind=CASE),
])


def test_plan_orders_by_requires_and_provides_not_by_listing() -> None:
    plan = REGISTRY.plan(["events.v1", "figures.v1", "dates.v1", "entities.v1"], kind=DOCUMENT, given=["text"])
    assert [s.name for s in plan] == ["dates.v1", "events.v1", "entities.v1", "figures.v1"]


def test_plan_keeps_the_listed_order_where_requirements_leave_a_choice() -> None:
    plan = REGISTRY.plan(["entities.v1", "dates.v1"], kind=DOCUMENT, given=["text"])
    assert [s.name for s in plan] == ["entities.v1", "dates.v1"]
    plan = REGISTRY.plan(["dates.v1", "entities.v1"], kind=DOCUMENT, given=["text"])
    assert [s.name for s in plan] == ["dates.v1", "entities.v1"]


def test_plan_picks_a_version_by_name() -> None:
    plan = REGISTRY.plan(["events.v1", "dates.v2"], kind=DOCUMENT, given=["text"])
    assert [s.name for s in plan] == ["dates.v2", "events.v1"]


def test_plan_refuses_a_requirement_no_stage_provides() -> None:
    with pytest.raises(RegistryError, match=r"'figures.v1' requires 'entities'"):
        REGISTRY.plan(["dates.v1", "figures.v1"], kind=DOCUMENT, given=["text"])


def test_plan_refuses_two_providers_unknown_names_repeats_and_other_kinds() -> None:
    with pytest.raises(RegistryError, match=r"'dates' is provided by 'dates.v1' and provided by 'dates.v2'"):
        REGISTRY.plan(["dates.v1", "dates.v2"], kind=DOCUMENT, given=["text"])
    with pytest.raises(RegistryError, match=r"no stage is registered as 'quotes.v9'"):
        REGISTRY.plan(["quotes.v9"], kind=DOCUMENT)
    with pytest.raises(RegistryError, match="listed twice"):
        REGISTRY.plan(["dates.v1", "dates.v1"], kind=DOCUMENT, given=["text"])
    with pytest.raises(RegistryError, match="'totals.v1' is a case stage"):
        REGISTRY.plan(["totals.v1"], kind=DOCUMENT)


def test_plan_refuses_a_cycle() -> None:
    cyclic = Registry([_stage("a.v1", ("b",), ("a",)), _stage("b.v1", ("a",), ("b",))])
    with pytest.raises(RegistryError, match="require each other"):
        cyclic.plan(["a.v1", "b.v1"], kind=DOCUMENT)


def test_case_stages_plan_over_what_document_stages_provided() -> None:
    plan = REGISTRY.plan(["totals.v1"], kind=CASE, given=["figures"])
    assert [s.name for s in plan] == ["totals.v1"]
    assert REGISTRY.names(CASE) == ("totals.v1",)


def test_a_name_registers_once() -> None:
    with pytest.raises(RegistryError, match="two stages are registered as 'dates.v1'"):
        Registry([_stage("dates.v1"), _stage("dates.v1")])
    with pytest.raises(RegistryError, match="two stages are registered as 'dates.v1'"):
        REGISTRY.with_stages(_stage("dates.v1"))
    bigger = REGISTRY.with_stages(_stage("quotes.v1"))
    assert "quotes.v1" in bigger and "quotes.v1" not in REGISTRY
    assert len(bigger) == len(REGISTRY) + 1


def test_run_stages_records_a_failure_and_runs_the_rest() -> None:
    def fail_on_b(target: list[Any], settings: Any) -> None:
        if target and target[0] == "b":
            raise ValueError("bad b")
        target.append("failing stage ran")

    plan = (_stage("first.v1", func=fail_on_b), _stage("second.v1"))
    targets: list[list[Any]] = [["a"], ["b"]]
    failures: list[tuple[str, Any, str]] = []
    run_stages(plan, targets, "S", lambda stage, target, exc: failures.append((stage.name, target[0], str(exc))))
    assert failures == [("first.v1", "b", "bad b")]
    assert targets == [["a", "failing stage ran", "S"], ["b", "S"]]
    with pytest.raises(ValueError):
        run_stages(plan, [["b"]], "S")


def test_run_stages_goes_one_by_one_when_a_batch_fails() -> None:
    calls: list[str] = []

    def batch(targets: list[list[Any]], settings: Any) -> None:
        calls.append("batch")
        raise RuntimeError("batch broke")

    plan = (_stage("batched.v1", func=lambda t, s: calls.append(t[0]), batch=batch),)
    run_stages(plan, [["a"], ["b"]], None, lambda *_: None)
    assert calls == ["batch", "a", "b"]
    prepared: list[Any] = []
    prepare_stages((_stage("model.v1", prepare=prepared.append),), "S")
    assert prepared == ["S"]


def test_document_stages_are_registered_and_ordered_from_the_registry() -> None:
    names = ("clean.rules.v1", "language.lingua.v1", "entities.spacy.v1", "dates.rules.v1", "quotes.rules.v1", "figures.rules.v1",
             "events.rules.v1")
    assert pipeline.STAGES.names(DOCUMENT) == names
    assert [s.name for s in pipeline.plan_stages(DEFAULTS)] == list(names)
    reversed_order = DEFAULTS.overlay({"stages": {"document": list(reversed(names))}})
    assert [s.name for s in pipeline.plan_stages(reversed_order)] == [
        "language.lingua.v1", "clean.rules.v1", "dates.rules.v1", "events.rules.v1", "entities.spacy.v1", "figures.rules.v1",
        "quotes.rules.v1"]
    assert pipeline.STAGES.get("quotes.rules.v1").provides == ("quotes", "protected")


def test_quotes_cannot_run_without_entities() -> None:
    settings = DEFAULTS.overlay({"stages": {"document": ["clean.rules.v1", "quotes.rules.v1"]}})
    with pytest.raises(RegistryError, match="'quotes.rules.v1' requires 'entities'"):
        pipeline.analyze(Document("d", "d.txt", "x", "text/plain", "Hello."), settings)


def test_a_failing_stage_leaves_a_structured_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(ex: Extraction, settings: Settings) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "STAGES", pipeline.STAGES.with_stages(Stage("explode.v1", ("noise",), (), explode)))
    settings = DEFAULTS.overlay({"stages": {"document": ["clean.rules.v1", "explode.v1", "dates.rules.v1",
                                                        "events.rules.v1"]}})
    doc = Document("doc-1", "a.txt", "x", "text/plain", "Police detained 12 people in Riverton on 3 March 2021.\n")
    (ex,) = pipeline.analyze_batch([doc], settings)
    assert ex.problems == [Problem("explode.v1", "doc-1", "RuntimeError", "boom")]
    assert str(ex.problems[0]) == "explode.v1: RuntimeError: boom"
    assert [e.date for e in ex.events] == ["2021-03-03"]


def test_run_stages_calls_after_once_per_stage_in_plan_order_when_it_has_run_on_every_target() -> None:
    seen: list[tuple[str, int]] = []
    targets: list[list[Any]] = [[], []]
    plan = REGISTRY.plan(["entities.v1", "dates.v1", "figures.v1"], kind=DOCUMENT, given=["text"])
    run_stages(plan, targets, DEFAULTS, after=lambda stage: seen.append((stage.name, sum(map(len, targets)))))
    assert seen == [("entities.v1", 2), ("dates.v1", 4), ("figures.v1", 6)]
