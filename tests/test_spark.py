"""The Spark engine gives the same case as the local engine (one Spark session for the module).

Builds the bundled sample and the tiny test corpus (good and bad inputs) with both
engines and compares documents, entities (names and aliases), quotes, figures, claims
(event, low, high, status, independent sources), totals and the whole JSON export.
"""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from corroborator.api import load_case
from corroborator.consolidate.duplicates import find_duplicates
from corroborator.engines import spark as spark_engine
from corroborator.engines.compare import case_fingerprint, differences
from corroborator.engines.local import BuildOptions
from corroborator.engines.local import build as local_build
from corroborator.engines.spark_duplicates import candidate_pairs, near_duplicates
from corroborator.model import Document, Extraction, NoiseSpan
from corroborator.settings import DEFAULTS
from corroborator.store import CaseStore
from tests.conftest import SAMPLE, write_corpus
from tests.fixtures.snapshot import sample_export_canonical

pytest.importorskip("pyspark")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def session() -> Any:
    """One Spark session, ``local[2]``, for every test here."""
    spark = spark_engine.spark_session(spark_engine.SparkOptions(master="local[2]"))
    yield spark
    spark.stop()


def _same(local: Path, spark: Path) -> None:
    a, b = case_fingerprint(local), case_fingerprint(spark)
    assert not differences(a, b), "the local and the Spark engine differ"
    assert a == b


@pytest.fixture(scope="module")
def sample_cases(session: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Any]:
    """The sample built by both engines from one copy: (local case, Spark case, Spark summary)."""
    root = tmp_path_factory.mktemp("spark-sample")
    shutil.copytree(SAMPLE, root / "chechnya-2017")
    local_build([root / "chechnya-2017"], root / "local.duckdb")
    summary = spark_engine.build([root / "chechnya-2017"], root / "spark.duckdb", session=session)
    return root / "local.duckdb", root / "spark.duckdb", summary


def test_sample_matches_the_local_engine(sample_cases: tuple[Path, Path, Any]) -> None:
    local, spark, summary = sample_cases
    assert summary.documents_added == 5 and summary.consolidated
    _same(local, spark)
    fingerprint = case_fingerprint(spark)
    assert fingerprint["claims"] and fingerprint["totals"] and fingerprint["quotes"]


def test_sample_export_is_the_same(sample_cases: tuple[Path, Path, Any]) -> None:
    local, spark, _ = sample_cases
    a, b = sample_export_canonical(local), sample_export_canonical(spark)
    assert a.keys() == b.keys()
    for key in a:
        assert a[key] == b[key], f"export field {key!r} differs between the engines"


def test_tiny_corpus_with_bad_inputs_matches(session: Any, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path)
    shutil.copy(corpus / "article.txt", corpus / "article-copy.txt")  # the same bytes under a second name
    syndicated = (corpus / "article.txt").read_text(encoding="utf-8").replace("Riverton Daily", "Wire Service")
    (corpus / "syndicated.txt").write_text(syndicated, encoding="utf-8")  # a near-duplicate
    local = local_build([corpus], tmp_path / "local.duckdb")
    spark = spark_engine.build([corpus, tmp_path / "missing"], tmp_path / "spark.duckdb", session=session)
    _same(tmp_path / "local.duckdb", tmp_path / "spark.duckdb")
    assert case_fingerprint(tmp_path / "spark.duckdb")["duplicates"], "the syndicated copy is linked"
    assert sorted(spark.read) == sorted(local.read)
    assert spark.unchanged == [str(corpus / "article.txt")] or spark.unchanged == local.unchanged
    assert sorted(spark.unchanged) == sorted(local.unchanged)
    assert sorted(spark.listed_skipped) == sorted(local.listed_skipped + [(str(tmp_path / "missing"),
                                                                            "no such file or folder")])
    reasons = dict(spark.listed_skipped)
    assert reasons[str(corpus / "empty.txt")] == "empty file"
    assert "binary" in reasons[str(corpus / "binary.txt")]
    assert any(p == str(corpus / "reports.jsonl") for p, _ in spark.listed_skipped)  # its bad lines


def test_rebuild_adds_nothing_and_a_new_file_is_added(session: Any, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path)
    case = tmp_path / "spark.duckdb"
    seen: list[tuple[int, int]] = []
    first = spark_engine.build([corpus], case, BuildOptions(progress=lambda done, total: seen.append((done, total))),
                               session=session)
    files = len(list(corpus.iterdir()))
    assert seen[-1] == (files, files) and all(a <= b for (a, _), (b, _) in zip(seen, seen[1:]))
    again = spark_engine.build([corpus], case, session=session)
    assert first.documents_added > 0 and again.documents_added == 0
    assert sorted(again.unchanged) == sorted(first.read + first.unchanged)
    (corpus / "more.txt").write_text("Police in Riverton detained 7 more protesters on Friday, the centre said.\n",
                                     encoding="utf-8")
    more = spark_engine.build([corpus], case, session=session)
    assert more.documents_added == 1 and more.read == [str(corpus / "more.txt")]
    local_build([corpus], tmp_path / "local.duckdb")
    _same(tmp_path / "local.duckdb", case)


def test_uri_inputs_are_read_by_spark(session: Any, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path)
    local_build([corpus], tmp_path / "local.duckdb")
    summary = spark_engine.build([corpus.as_uri()], tmp_path / "spark.duckdb", session=session)
    assert summary.documents_added == load_case(tmp_path / "local.duckdb").documents.__len__()
    by_path = {d.id: d.text for d in load_case(tmp_path / "local.duckdb").documents}
    assert {d.id: d.text for d in load_case(tmp_path / "spark.duckdb").documents} == by_path
    assert all(p.startswith("file:") for p in summary.read)
    assert any(p.endswith("empty.txt") and r == "empty file" for p, r in summary.listed_skipped), summary.listed_skipped


def test_kept_parquet_loads_into_the_same_case(session: Any, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path)
    parquet = tmp_path / "out"
    spark_engine.build([corpus], tmp_path / "spark.duckdb", session=session,
                       spark=spark_engine.SparkOptions(parquet=str(parquet)))
    assert list(parquet.glob("*.parquet"))
    loaded = spark_engine.load_parquet(parquet, tmp_path / "loaded.duckdb")
    assert loaded.documents_added == len(load_case(tmp_path / "spark.duckdb").documents)
    _same(tmp_path / "spark.duckdb", tmp_path / "loaded.duckdb")


def _reports(rng: random.Random, n: int) -> list[Document]:
    """``n`` reports of which about a third are copies (a word or a few changed, another footer) of others."""
    words = [f"w{i}" for i in range(3000)]
    docs: list[Document] = []
    for i in range(n):
        if docs and rng.random() < 0.35:
            source = rng.choice(docs)
            tokens = source.text.split()
            for _ in range(rng.choice([1, 3, 8, 25])):
                tokens[rng.randrange(len(tokens))] = rng.choice(words)
            text = " ".join(tokens)
        else:
            text = " ".join(rng.choice(words) for _ in range(rng.randint(80, 200)))
        footer = f"\n(c) Outlet {i}. All rights reserved."
        docs.append(Document(id=f"d{i:03d}", path=f"r/{i:03d}.txt", sha256=f"d{i:03d}", media_type="text/plain",
                             text=text + footer, published=f"2020-01-{1 + i % 28:02d}", outlet=f"Outlet {i}",
                             noise=(NoiseSpan(len(text) + 1, len(text) + len(footer), "footer"),)))
    return docs


@pytest.mark.parametrize("threshold", [0.5, 0.8])
def test_near_duplicates_on_spark_link_as_the_local_engine(session: Any, tmp_path: Path, threshold: float) -> None:
    docs = _reports(random.Random(5), 160)
    settings = dataclasses.replace(DEFAULTS.duplicates, threshold=threshold)
    with CaseStore(tmp_path / "case.duckdb") as store:
        store.add_extractions([Extraction(d) for d in docs])
        texts = str(tmp_path / "texts.parquet")
        assert store.write_texts(texts) == len(docs)
        links = near_duplicates(session, texts, settings, store.documents_with_ids)
        pairs = candidate_pairs(session, texts, settings).collect()
    expected = find_duplicates(docs, settings=settings)
    assert len(expected) >= 20  # the corpus has real work in it
    assert links == expected
    # Only documents in some pair went to the local step, far fewer than the case.
    assert len({x for p in pairs for x in (p["a"], p["b"])}) < len(docs)
    assert all(p["similarity"] >= threshold for p in pairs)


def test_a_uri_spark_cannot_list_is_skipped_with_its_reason(session: Any, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path)
    summary = spark_engine.build([corpus, "nosuchscheme://host/reports", (tmp_path / "gone").as_uri()],
                                 tmp_path / "spark.duckdb", session=session)
    reasons = dict(summary.listed_skipped)
    assert "cannot be listed" in reasons["nosuchscheme://host/reports"]
    assert "nosuchscheme" in reasons["nosuchscheme://host/reports"]
    assert reasons[(tmp_path / "gone").as_uri()] == "no such file or folder"
    assert summary.documents_added == 5  # the rest of the build went on


def test_a_large_jsonl_file_is_read_in_parts_as_the_local_engine_reads_it_whole(session: Any,
                                                                                tmp_path: Path) -> None:
    corpus = tmp_path / "feed"
    corpus.mkdir()
    rng = random.Random(3)
    places = ["Riverton", "Eastvale", "Northfield", "Port Amel"]
    lines = []
    for i in range(60):
        if i % 11 == 5:
            lines.append("{not json")
        elif i % 13 == 7:
            lines.append(lines[0])  # the same report twice in one feed
        else:
            lines.append(json.dumps({"text": f"Police in {rng.choice(places)} detained {rng.randint(3, 90)} "
                                             f"protesters on Monday, the Civic Monitoring Group said. ({i})",
                                     "published": f"2021-03-{1 + i % 27:02d}", "outlet": "Feed"}))
    (corpus / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (corpus / "nothing.jsonl").write_text("{bad\n" * 200, encoding="utf-8")
    (corpus / "binary.jsonl").write_bytes(b"\x00\x01" + b"x" * 5000)
    local = local_build([corpus], tmp_path / "local.duckdb")
    spark = spark_engine.build([corpus], tmp_path / "spark.duckdb", session=session,
                               spark=spark_engine.SparkOptions(part_bytes=1500))
    _same(tmp_path / "local.duckdb", tmp_path / "spark.duckdb")
    assert spark.documents_added == local.documents_added >= 50
    assert sorted(spark.listed_skipped) == sorted(local.listed_skipped)
    reasons = dict(spark.listed_skipped)
    assert reasons[str(corpus / "nothing.jsonl")].startswith("no usable line: line 1: not JSON")
    assert "binary" in reasons[str(corpus / "binary.jsonl")]
    assert [p for p, _ in spark.listed_skipped].count(str(corpus / "feed.jsonl")) == 5  # its five bad lines
