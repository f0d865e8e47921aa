"""The cross-document steps as registered case stages: looked up by name, ordered by requires/provides,
chosen by ``settings.stages.case``, each with its own settings section, fed through a ``CaseWork``."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path
from typing import Any

import pytest

import corroborator.consolidate as consolidation
from corroborator.consolidate import (
    CASE_STAGES,
    CaseWork,
    CaseWorkError,
    Consolidation,
    _consolidate,
    consolidate,
    consolidate_case,
    plan_case,
    read_details,
)
from corroborator.consolidate._load import CaseSource
from corroborator.model import Case, Extraction
from corroborator.registry import CASE, RegistryError, Stage, run_stages
from corroborator.settings import DEFAULTS, Settings
from corroborator.store import CaseStore
from tests.test_consolidate_claims import fig, make_doc
from tests.test_consolidate_duplicates import COPY, ORIGINAL, make
from tests.test_consolidate_sample import load_sample, sample_events

DEFAULT_ORDER = ["entities.resolve.v1", "duplicates.minhash.v1", "provenance.sources.v1", "claims.group.v1",
                 "totals.best.v1", "timeline.merge.v1"]
RESULTS = ("entities", "by_mention", "new_mentions", "speakers", "duplicates", "figure_sources", "quote_sources",
           "claims", "claim_details", "totals", "timeline")


def _case_settings(*names: str) -> Settings:
    return DEFAULTS.overlay({"stages": {"case": list(names)}})


@pytest.fixture(scope="module")
def sample_case() -> Case:
    """The sample with its events and a syndicated copy of one more report (so there is a duplicate)."""
    case = load_sample()
    case.events = sample_events(case)
    case.documents += [make(ORIGINAL, "2017-05-01"), make(COPY, "2017-05-02")]
    return case


@pytest.fixture(scope="module")
def default_result(sample_case: Case) -> Consolidation:
    return consolidate_case(sample_case)


def _same(a: Consolidation, b: Consolidation, *, but: tuple[str, ...] = ()) -> None:
    for name in RESULTS:
        if name not in but:
            assert getattr(a, name) == getattr(b, name), name


# -- registry and plan --------------------------------------------------------------------
def test_case_stages_are_registered_by_versioned_name_as_case_stages() -> None:
    assert list(CASE_STAGES.names(CASE)) == DEFAULT_ORDER
    assert list(DEFAULTS.stages.case) == DEFAULT_ORDER
    assert all(s.kind == CASE for s in CASE_STAGES)
    assert [s.name for s in plan_case(DEFAULTS)] == DEFAULT_ORDER


def test_case_plan_is_ordered_by_requires_and_provides_not_by_listing(sample_case: Case,
                                                                      default_result: Consolidation) -> None:
    backwards = _case_settings(*reversed(DEFAULT_ORDER))
    plan = [s.name for s in plan_case(backwards)]
    assert plan == ["duplicates.minhash.v1", "entities.resolve.v1", "provenance.sources.v1", "claims.group.v1",
                    "timeline.merge.v1", "totals.best.v1"]
    for i, name in enumerate(plan):
        before = {a for s in plan[:i] for a in CASE_STAGES.get(s).provides}
        assert set(CASE_STAGES.get(name).requires) <= before | set(consolidation.stored_artefacts())
    _same(consolidate_case(sample_case, backwards), default_result)


def test_case_stage_names_are_looked_up_in_the_registry(sample_case: Case, monkeypatch) -> None:
    ran: list[str] = []

    def no_duplicates(work: CaseWork, settings: Settings) -> None:
        ran.append(settings.duplicates.threshold)
        work.emit("duplicates", [])
        work.put("duplicates", {})

    stage = Stage("duplicates.none.v1", ("documents",), ("duplicates",), no_duplicates, kind=CASE)
    monkeypatch.setattr(consolidation, "CASE_STAGES", CASE_STAGES.with_stages(stage))
    names = [n if n != "duplicates.minhash.v1" else "duplicates.none.v1" for n in DEFAULT_ORDER]
    settings = _case_settings(*names)
    assert [s.name for s in plan_case(settings)][1] == "duplicates.none.v1"
    result = consolidate_case(sample_case, settings)
    assert ran == [DEFAULTS.duplicates.threshold] and result.duplicates == []
    assert consolidate_case(sample_case).duplicates  # the registered MinHash step finds the copy


def test_a_case_step_left_out_of_the_settings_does_not_run(sample_case: Case, default_result: Consolidation) -> None:
    without_timeline = consolidate_case(sample_case, _case_settings(*DEFAULT_ORDER[:-1]))
    assert default_result.timeline and without_timeline.timeline == []
    _same(without_timeline, default_result, but=("timeline",))
    only_entities = consolidate_case(sample_case, _case_settings("entities.resolve.v1", "duplicates.minhash.v1"))
    assert only_entities.entities == default_result.entities and only_entities.duplicates
    assert only_entities.claims == [] and only_entities.totals == {} and only_entities.figure_sources == {}


@pytest.mark.parametrize(("names", "message"), [
    (["entities.resolve.v1", "provenance.sources.v1", "claims.group.v1"], "requires 'duplicates'"),
    ([*DEFAULT_ORDER[:-2], "totals.best.v2", DEFAULT_ORDER[-1]], "no stage is registered as 'totals.best.v2'"),
    (["clean.rules.v1"], "no stage is registered as 'clean.rules.v1'"),
    ([*DEFAULT_ORDER, "duplicates.minhash.v1"], "listed twice"),
])
def test_a_case_list_that_cannot_run_is_a_clear_error(names: list[str], message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        plan_case(_case_settings(*names))


def test_case_steps_can_only_read_what_the_document_stages_provide() -> None:
    no_events = DEFAULTS.overlay({"stages": {"document": [s for s in DEFAULTS.stages.document
                                                          if s != "events.rules.v1"]}})
    with pytest.raises(RegistryError, match="'timeline.merge.v1' requires 'events'"):
        plan_case(no_events)
    assert [s.name for s in plan_case(no_events.overlay({"stages": {"case": DEFAULT_ORDER[:-1]}}))] == \
        DEFAULT_ORDER[:-1]


def test_consolidate_refuses_a_bad_case_list_before_changing_the_case_file(tmp_path: Path) -> None:
    with CaseStore(tmp_path / "case.duckdb") as store:
        store.add_extractions([Extraction(make(ORIGINAL, None))])
        with pytest.raises(RegistryError, match="requires 'case_entities'"):
            consolidate(store, _case_settings("provenance.sources.v1"))
        assert store.counts()["documents"] == 1


# -- settings sections ------------------------------------------------------------------------
def test_each_case_step_gets_its_own_settings_section(sample_case: Case, default_result: Consolidation) -> None:
    strict = consolidate_case(sample_case, DEFAULTS.overlay({"duplicates": {"threshold": 0.9}}))
    assert [(d.doc_id, d.original_id) for d in default_result.duplicates] == \
        [(sample_case.documents[-1].id, sample_case.documents[-2].id)]
    assert strict.duplicates == []
    _same(strict, default_result, but=("duplicates", "figure_sources", "quote_sources", "claim_details", "totals",
                                       "timeline", "claims"))
    few = consolidate_case(sample_case, DEFAULTS.overlay({"totals": {"max_details": 0}}))
    assert few.totals != default_result.totals and all(t["claims_detail"] == [] for t in few.totals.values())
    _same(few, default_result, but=("totals",))
    # Two counts of overlapping periods, the second reaching three weeks past the first's start: one claim
    # within the default month, two when a claim may span no time beyond its first period.
    a = make_doc("Floods hit the valley\nAt least 10 people were killed in Riverton on March 1, the mayor said "
                 "after the river burst its banks overnight.\n", "Daily A", "2021-03-02")
    b = make_doc("Storm toll\nRescue teams said on Tuesday that at least 10 people were killed in Riverton when the "
                 "second storm of the month struck on March 22.\n", "Daily B", "2021-03-23")
    spread = Case(documents=[a, b], figures=[
        fig(a, "At least 10 people were killed", "killed", 10, "at_least", when="2021-03-01/2021-03-10"),
        fig(b, "at least 10 people were killed", "killed", 10, "at_least", when="2021-03-05/2021-03-22")])
    assert len(consolidate_case(spread).claims) == 1
    assert len(consolidate_case(spread, DEFAULTS.overlay({"claims": {"max_span_days": 0}})).claims) == 2


def test_consolidate_on_the_case_file_uses_the_settings_given(tmp_path: Path) -> None:
    with CaseStore(tmp_path / "case.duckdb") as store:
        store.add_extractions([Extraction(make(ORIGINAL, "2022-09-13")), Extraction(make(COPY, "2022-09-14"))])
        consolidate(store)
        assert len(read_details(store)["duplicates"]) == 1
        consolidate(store, DEFAULTS.overlay({"duplicates": {"threshold": 0.9}}))
        assert read_details(store)["duplicates"] == []
        # A threshold of 1 (no LSH banding exists for it) works too, as do two permutations.
        consolidate(store, DEFAULTS.overlay({"duplicates": {"threshold": 1.0}}))
        assert read_details(store)["duplicates"] == []
        consolidate(store, DEFAULTS.overlay({"duplicates": {"num_perm": 2}}))
        assert len(read_details(store)["duplicates"]) == 1
        consolidate(store, _case_settings("entities.resolve.v1"))
        assert read_details(store)["duplicates"] == [] and store.load_case().timeline == []


# -- the work: inputs through an interface, artefacts dropped when no longer needed ------------
class _CountingReader(CaseSource):
    def __init__(self, case: Case) -> None:
        super().__init__(case)
        self.reads: dict[str, int] = {}

    def documents(self):  # noqa: ANN201
        self.reads["documents"] = self.reads.get("documents", 0) + 1
        return super().documents()

    def figures(self):  # noqa: ANN201
        self.reads["figures"] = self.reads.get("figures", 0) + 1
        return super().figures()


def test_case_work_reads_shared_inputs_once_and_drops_each_artefact_after_its_last_user(sample_case: Case) -> None:
    plan = plan_case(DEFAULTS)
    reader = _CountingReader(sample_case)
    kept: dict[str, Any] = {}
    work = CaseWork(reader, kept.__setitem__, plan)
    held: dict[str, set[str]] = {}

    def after(stage: Stage) -> None:
        work.finished(stage)
        held[stage.name] = set(work.held())

    run_stages(plan, [work], DEFAULTS, after=after)
    assert reader.reads == {"documents": 1, "figures": 1}
    assert held["entities.resolve.v1"] == {"documents", "case_entities"}
    assert held["claims.group.v1"] == {"documents", "figures", "duplicates", "claims", "claim_details"}
    assert held["totals.best.v1"] == {"documents", "figures", "duplicates", "claims"}
    assert held["timeline.merge.v1"] == set()
    _same(Consolidation(**kept), consolidate_case(sample_case))


def test_case_work_names_an_artefact_no_earlier_step_provided(sample_case: Case) -> None:
    work = CaseWork(CaseSource(sample_case), {}.__setitem__, plan_case(DEFAULTS))
    with pytest.raises(CaseWorkError, match="provided 'duplicates'"):
        CASE_STAGES.get("timeline.merge.v1").func(work, DEFAULTS)


def test_case_stages_and_their_work_pickle_and_run_the_same_elsewhere(sample_case: Case,
                                                                       default_result: Consolidation) -> None:
    # What a distributed engine would ship: the plan, the settings and the work (reader and sink).
    settings = DEFAULTS.overlay({"duplicates": {"threshold": 0.9}})
    plan = plan_case(settings)
    kept: dict[str, Any] = {}
    shipped = pickle.loads(pickle.dumps((plan, settings, CaseWork(CaseSource(sample_case), kept.__setitem__, plan))))
    plan2, settings2, work2 = shipped
    assert [s.name for s in plan2] == [s.name for s in plan] and settings2 == settings
    assert pickle.loads(pickle.dumps(CASE_STAGES)).names() == CASE_STAGES.names()
    run_stages(plan2, [work2], settings2, after=work2.finished)
    elsewhere = work2.emit.__self__  # the unpickled sink's own dict
    _same(Consolidation(**elsewhere), consolidate_case(sample_case, settings))
    assert Consolidation(**elsewhere).duplicates == [] and default_result.duplicates


def test_the_store_reader_and_the_in_memory_reader_give_one_result_under_other_settings(tmp_path: Path) -> None:
    case = load_sample()
    case.events = sample_events(case)
    case.documents += [make(ORIGINAL, "2017-05-01"), make(COPY, "2017-05-02")]
    settings = DEFAULTS.overlay({"timeline": {"similarity": 1.0}, "claims": {"max_span_days": 3}})
    with CaseStore(tmp_path / "case.duckdb") as store:
        extractions = []
        for doc in case.documents:
            ex = Extraction(doc)
            ex.mentions = [m for m in case.mentions.values() if m.doc_id == doc.id and m.kind in ("entity", "event")]
            ex.figures = [f for f in case.figures if f.mention.doc_id == doc.id]
            ex.events = [e for e in case.events if e.doc_id == doc.id]
            ex.protected = [p for p in case.protected if p.doc_id == doc.id]
            extractions.append(ex)
        store.add_extractions(extractions)
        kept: dict[str, Any] = {}
        _consolidate(consolidation.StoreSource(store), kept.__setitem__, settings)
        in_memory = consolidate_case(store.load_case(), settings)
    _same(Consolidation(**kept), in_memory)
    assert dataclasses.asdict(in_memory) != dataclasses.asdict(consolidate_case(case))
