"""Copies count once: lightly edited copies of reports give their originals' claims and totals."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from corroborator.api import export_case, load_case
from corroborator.consolidate._copies import find_copies
from corroborator.engines.local import BuildOptions, build
from corroborator.model import Document, Figure, Mention, mention_id
from corroborator.outputs.briefing import build_briefing
from tests.conftest import SAMPLE

COPIES_EACH = 40
_SYLLABLES = "ka lo mi ne ru sa ti vo pe da go li ma no ra se tu zi".split()


def _own_line(rng: random.Random) -> str:
    """A line no other copy has: made-up words, no numbers."""
    words = ("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(6, 12)))
    return " ".join(words).capitalize() + "."


def _copies(folder: Path) -> None:
    """``COPIES_EACH`` copies of every sample report, each with a line of its own at a random place."""
    folder.mkdir()
    for report in sorted(SAMPLE.iterdir()):
        lines = report.read_text(encoding="utf-8").split("\n")
        for i in range(COPIES_EACH):
            rng = random.Random(f"{report.name}-{i}")
            edited = list(lines)
            edited.insert(rng.randrange(1, len(edited)), _own_line(rng))
            (folder / f"{report.stem}-copy{i:02d}{report.suffix}").write_text("\n".join(edited), encoding="utf-8")


def _claims(export: dict) -> list[tuple]:
    return sorted((c["event"], c["low"], c["high"], c["status"], c["independent_sources"]) for c in export["claims"])


def _totals(export: dict) -> dict:
    keys = ("best", "qualifier", "low", "high", "disputed")
    return {kind: {k: t.get(k) for k in keys} for kind, t in export["totals"].items()}


@pytest.fixture(scope="module")
def copies_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("copies")
    _copies(root / "in")
    case = root / "case.duckdb"
    build([root / "in"], case, BuildOptions(workers=2))
    return case


@pytest.fixture(scope="module")
def copies_export(copies_case: Path) -> dict:
    return json.loads(export_case(copies_case, "json"))


def test_forty_copies_of_each_report_give_the_originals_claims_and_totals(copies_export: dict,
                                                                          sample_export: dict) -> None:
    assert len(copies_export["documents"]) == COPIES_EACH * len(list(SAMPLE.iterdir()))
    assert _claims(copies_export) == _claims(sample_export)
    assert _totals(copies_export) == _totals(sample_export)


def test_copies_figures_sit_in_their_originals_claims_and_add_no_source(copies_export: dict) -> None:
    figures = {f["id"]: f for f in copies_export["figures"]}
    details = {d["id"]: d for t in copies_export["totals"].values() for d in t["claims_detail"]}
    in_claims = [f for c in copies_export["claims"] for f in c["figures"]]
    assert len(in_claims) == len(set(in_claims))  # a figure is in one claim only
    for claim in copies_export["claims"]:
        copies = details[claim["id"]]["copies"]
        repeats = [c for found in copies.values() for c in found]
        own = [f for f in claim["figures"] if f not in repeats]
        assert set(copies) <= set(own)
        # Each repeat is the same count, said the same way, as the figure it repeats.
        for figure_id, found in copies.items():
            for copy_id in found:
                assert (figures[copy_id]["value"], figures[copy_id]["qualifier"], figures[copy_id]["text"]) == \
                    (figures[figure_id]["value"], figures[figure_id]["qualifier"], figures[figure_id]["text"])
                assert figures[copy_id]["doc"] != figures[figure_id]["doc"]
        assert len(own) < COPIES_EACH  # the copies do not each stand for themselves


def test_briefing_cites_one_representative_and_counts_the_copies(copies_case: Path, built_sample: Path) -> None:
    copies, originals = build_briefing(load_case(copies_case)), build_briefing(load_case(built_sample))
    assert [s.kind for s in copies.sentences] == [s.kind for s in originals.sentences]
    assert len(copies.references()) <= len(originals.references())
    composed = [s for s in copies.sentences if s.kind in ("total", "claim", "timeline")]
    assert composed and all(s.text.count(" copies)") == 1 for s in composed)
    assert not any("copies)" in s.text for s in originals.sentences)


def _figure(doc: Document, text: str, value: int, event: str = "killed") -> Figure:
    start = doc.text.index(text)
    m = Mention(mention_id(doc.id, "figure", start, start + len(text)), doc.id, start, start + len(text), "figure",
                "test", text)
    return Figure(m, event, value, "at_least")


def _doc(doc_id: str, text: str) -> Document:
    return Document(id=doc_id, path=f"{doc_id}.txt", sha256=doc_id, media_type="text/plain", text=text)


def test_find_copies_matches_by_line_keeps_own_lines_and_follows_the_majority() -> None:
    story = "Headline\nAt least 3 people were killed in the attack.\nRelated: 27 victims killed elsewhere\n"
    original = _doc("o" * 16, story)
    copies = [_doc(f"c{i}" * 8, story.replace("Headline\n", f"Headline\nOwn line {i}.\nAt least 9 were killed.\n"))
              for i in range(3)]
    figures = [_figure(original, "At least 3 people were killed", 3)]
    for c in copies:
        figures += [_figure(c, "At least 3 people were killed", 3), _figure(c, "At least 9 were killed", 9)]
    # One copy reads the teaser line as a figure; the original and the other copies do not.
    figures.append(_figure(copies[0], "27 victims killed", 27))
    docs = {d.id: d for d in [original, *copies]}
    originals = {c.id: original.id for c in copies}
    found = find_copies(figures, originals, docs, {f.mention.id for f in figures})
    repeat_ids = {f.mention.id for f in figures if f.value == 3 and f.mention.doc_id != original.id}
    assert found.copy_of == {i: figures[0].mention.id for i in repeat_ids}
    assert found.dropped == {figures[-1].mention.id}  # the original and most copies read no figure there
    own = {f.mention.id for f in figures if f.value == 9}
    assert not own & (set(found.copy_of) | found.dropped)  # a line only the copies have is their own


def test_find_copies_takes_the_copies_reading_when_most_of_them_read_a_figure() -> None:
    story = "Over 100 gay people have fled the region\nBody text follows here.\n"
    original = _doc("o" * 16, story.replace("\n", "\nInserted line that breaks the headline.\n", 1))
    copies = [_doc(f"c{i}" * 8, story) for i in range(4)]
    figures = [_figure(c, "Over 100 gay people have fled", 100, "fled") for c in copies]
    docs = {d.id: d for d in [original, *copies]}
    found = find_copies(figures, {c.id: original.id for c in copies}, docs, {f.mention.id for f in figures})
    first = min(f.mention.id for f in figures)
    assert found.copy_of == {f.mention.id: first for f in figures if f.mention.id != first}
    assert not found.dropped
