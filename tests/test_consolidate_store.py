"""``consolidate(store)``: load the case file, consolidate, save; results survive a reload."""

from __future__ import annotations

from pathlib import Path

from corroborator.consolidate import consolidate, read_details
from corroborator.consolidate.entities import EXTRACTOR
from corroborator.model import Extraction, Mention, Quote, mention_id
from corroborator.store import CaseStore
from tests.test_consolidate_sample import load_sample, sample_events


def _store_sample(path: Path) -> CaseStore:
    case = load_sample()
    events = sample_events(case)
    store = CaseStore(path)
    extractions = []
    for doc in case.documents:
        ex = Extraction(doc)
        ex.mentions = [m for m in case.mentions.values() if m.doc_id == doc.id and m.kind in ("entity", "event")]
        ex.figures = [f for f in case.figures if f.mention.doc_id == doc.id]
        ex.events = [e for e in events if e.doc_id == doc.id]
        ex.protected = [p for p in case.protected if p.doc_id == doc.id]
        if "FCO minister" in doc.text:
            # A quote whose speaker span is the whole "FCO minister Sir Alan Duncan".
            q0 = doc.text.index("The UK remains")
            s0 = doc.text.index("FCO minister Sir Alan Duncan")
            quote = case_mention(doc.id, "quote", q0, q0 + 40, doc.text)
            speaker = case_mention(doc.id, "speaker", s0, s0 + 28, doc.text)
            ex.mentions.append(speaker)
            ex.quotes = [Quote(quote, "FCO minister Sir Alan Duncan", speaker.id)]
        extractions.append(ex)
    store.add_extractions(extractions)
    return store


def case_mention(doc_id: str, kind: str, start: int, end: int, text: str) -> Mention:
    return Mention(mention_id(doc_id, kind, start, end), doc_id, start, end, kind, "quotes.test", text[start:end])


def test_consolidate_store_saves_entities_claims_totals_and_details(tmp_path: Path) -> None:
    with _store_sample(tmp_path / "case.duckdb") as store:
        consolidate(store)
        consolidate(store)  # a second run replaces, never adds
        case = store.load_case()
        details = read_details(store)
    names = {e.name for e in case.entities}
    assert {"Ramzan Kadyrov", "Novaya Gazeta", "The Russian LGBT Network", "Elena Milashina"} <= names
    docs = {d.id: d for d in case.documents}
    for entity in case.entities:
        for mid in entity.mention_ids:
            m = case.mentions[mid]
            assert docs[m.doc_id].text[m.start:m.end] == m.text
    made = [m for m in case.mentions.values() if m.extractor == EXTRACTOR]
    assert made and len(made) == len({m.id for m in made})
    assert len(case.claims) == 8 and case.totals["detained"]["best"] == 200
    assert case.totals["detained"]["citations"][0]["text"] == "at least 200 gay people were held"
    duncan = next(e for e in case.entities if e.name == "Alan Duncan")
    assert [q.speaker for q in case.quotes] == [duncan.id]
    assert set(details["provenance"]) >= {f.mention.id for f in case.figures}
    assert details["duplicates"] == [] and len(details["claims"]) == 8 and details["timeline"]


def test_consolidate_store_reads_no_details_from_an_unconsolidated_case(tmp_path: Path) -> None:
    with CaseStore(tmp_path / "empty.duckdb") as store:
        consolidate(store)
        assert store.counts()["entities"] == 0 and store.load_case().totals == {}
        assert read_details(store)["provenance"] == {}


def _same_results(store: CaseStore) -> None:
    from corroborator.consolidate import Consolidation, _consolidate, consolidate_case
    from corroborator.consolidate._load import StoreSource

    kept: dict = {}
    _consolidate(StoreSource(store), kept.__setitem__)
    read_lean = Consolidation(**kept)
    in_memory = consolidate_case(store.load_case())
    for name in ("entities", "by_mention", "new_mentions", "speakers", "duplicates", "figure_sources",
                 "quote_sources", "claims", "claim_details", "totals", "timeline"):
        assert getattr(read_lean, name) == getattr(in_memory, name), name
    assert read_lean.entities and read_lean.figure_sources and read_lean.quote_sources and read_lean.timeline


def test_consolidate_store_reads_the_file_a_kind_at_a_time_with_the_same_results(built_sample: Path,
                                                                                   tmp_path: Path) -> None:
    # The case file is read lean and in phases; the results must be those of the whole case in memory.
    import shutil

    from corroborator.store import open_case

    shutil.copy(built_sample, tmp_path / "case.duckdb")
    with open_case(tmp_path / "case.duckdb", read_only=True) as store:
        _same_results(store)


def test_consolidate_store_lean_read_matches_on_the_tiny_corpus(corpus: Path, tmp_path: Path) -> None:
    from corroborator.engines.local import build
    from corroborator.store import open_case

    build([corpus], tmp_path / "case.duckdb")
    with open_case(tmp_path / "case.duckdb", read_only=True) as store:
        _same_results(store)


def test_consolidate_store_failing_midway_leaves_the_previous_results(corpus: Path, tmp_path: Path,
                                                                      monkeypatch) -> None:
    # Results are written as they are made, but in one transaction: all or nothing.
    import pytest

    import corroborator.consolidate as consolidation
    from corroborator.engines.local import build
    from corroborator.store import open_case

    build([corpus], tmp_path / "case.duckdb")
    with open_case(tmp_path / "case.duckdb") as store:
        before = store.load_case()
        details = read_details(store)
    assert before.entities and before.claims and details["provenance"] and details["timeline"]

    def fail(*args, **kwargs):
        raise RuntimeError("timeline failed")

    monkeypatch.setattr(consolidation, "build_timeline", fail)
    with open_case(tmp_path / "case.duckdb") as store:
        with pytest.raises(RuntimeError, match="timeline failed"):
            consolidate(store)
    with open_case(tmp_path / "case.duckdb") as store:
        after = store.load_case()
        assert read_details(store) == details
    assert after.entities == before.entities and after.claims == before.claims and after.totals == before.totals
    assert [q.speaker for q in after.quotes] == [q.speaker for q in before.quotes]
    assert after.mentions == before.mentions
