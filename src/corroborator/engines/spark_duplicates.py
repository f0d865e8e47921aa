"""Near-duplicate documents on Spark: MinHash signatures on the executors, banded into candidate pairs.

The local engine puts every signature into one LSH index in one process. Here the same
signatures (:func:`~corroborator.consolidate.duplicates.signatures`, computed on the
executors from the texts DuckDB wrote to Parquet) are cut into the same bands
(:func:`~corroborator.consolidate.duplicates.candidate_bands`, b x r for the configured
threshold and permutations), and documents that agree on a whole band meet in a
DataFrame join on ``(band, values)``. Each candidate pair is scored by the share of
equal signature values (MinHash's Jaccard estimate) and kept at the threshold.

Only the ids of the documents in a kept pair reach the driver, which joins them into
clusters. Each cluster's documents (read from the case file, one cluster at a time) then
go through the local engine's :func:`~corroborator.consolidate.duplicates.find_duplicates`,
which compares exactly the same pairs (same bands, same signatures), so it links the
same copies to the same originals as a local build; it also picks each cluster's
original by the same rule.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from typing import Any

from corroborator.consolidate._names import UnionFind
from corroborator.consolidate.duplicates import DuplicateLink, candidate_bands, find_duplicates, signatures
from corroborator.model import Document, NoiseSpan
from corroborator.settings import DuplicateSettings

logger = logging.getLogger(__name__)

__all__ = ["candidate_pairs", "near_duplicates", "signature_rows"]

#: Below the threshold by less than this still counts (the estimate is a ratio of integers; no rounding surprise).
_EPSILON = 1e-9


def signature_rows(rows: Iterable[Any], settings: DuplicateSettings) -> Iterator[tuple[str, list[int]]]:
    """``(document id, signature values)`` of documents given as rows of ``id, text, noise``."""
    for row in rows:
        doc = Document(id=row[0], path="", sha256="", media_type="text/plain", text=row[1] or "",
                       noise=tuple(NoiseSpan(*n) for n in json.loads(row[2] or "[]")))
        for doc_id, sig in signatures([doc], settings.num_perm, settings.shingle_words).items():
            yield doc_id, [int(v) for v in sig.hashvalues]


def candidate_pairs(session: Any, texts: str, settings: DuplicateSettings) -> Any:
    """The pairs of documents whose signatures agree on a band and whose estimate reaches the threshold.

    Args:
        session: The Spark session.
        texts: A Parquet file of the documents' ``id, text, noise``.
        settings: Shingle size, permutations and threshold.

    Returns:
        A DataFrame of ``a, b, similarity`` (``a < b``).
    """
    from pyspark.sql import functions as F  # noqa: N812 - Spark's own spelling

    frame = session.read.parquet(texts)
    signed = session.createDataFrame(
        frame.rdd.mapPartitions(lambda rows: signature_rows(rows, settings)), "id string, sig array<bigint>")
    bands = candidate_bands(settings.threshold, settings.num_perm)
    banded = signed.select("id", F.explode(F.array(*[
        F.struct(F.lit(i).alias("band"), F.slice("sig", start + 1, end - start).alias("values"))
        for i, (start, end) in enumerate(bands)])).alias("b")).select("id", "b.band", "b.values")
    left, right = banded.alias("l"), banded.alias("r")
    pairs = (left.join(right, (F.col("l.band") == F.col("r.band")) & (F.col("l.values") == F.col("r.values"))
                       & (F.col("l.id") < F.col("r.id")))
             .select(F.col("l.id").alias("a"), F.col("r.id").alias("b")).distinct())
    sig_a, sig_b = signed.alias("sa"), signed.alias("sb")
    equal = F.aggregate(F.zip_with("sa.sig", "sb.sig", lambda x, y: F.when(x == y, 1).otherwise(0)), F.lit(0),
                        lambda acc, x: acc + x)
    scored = (pairs.join(sig_a, F.col("a") == F.col("sa.id")).join(sig_b, F.col("b") == F.col("sb.id"))
              .select("a", "b", (equal / F.lit(settings.num_perm)).alias("similarity")))
    return scored.filter(F.col("similarity") >= settings.threshold - _EPSILON)


def near_duplicates(session: Any, texts: str, settings: DuplicateSettings,
                    load: Any) -> list[DuplicateLink]:
    """Every near-duplicate document linked to its cluster's original, as the local engine links them.

    Args:
        session: The Spark session.
        texts: A Parquet file of every document's ``id, text, noise``.
        settings: Shingle size, permutations and threshold.
        load: Gives the documents with the ids it is passed (from the case file).
    """
    clusters = UnionFind()
    for row in candidate_pairs(session, texts, settings).select("a", "b").toLocalIterator():
        clusters.union(row[0], row[1])
    members: dict[str, list[str]] = {}
    for doc_id in clusters.parent:
        members.setdefault(clusters.find(doc_id), []).append(doc_id)
    logger.info("%d document(s) in %d cluster(s) of near-duplicates", len(clusters.parent), len(members))
    # One cluster at a time: the local step never holds more texts than the largest cluster's
    # (and says nothing per cluster: the engine reports the total).
    links: list[DuplicateLink] = []
    quiet, level = logging.getLogger(find_duplicates.__module__), logging.getLogger(find_duplicates.__module__).level
    quiet.setLevel(max(level, logging.WARNING))
    try:
        for ids in members.values():
            links.extend(find_duplicates(load(ids), settings=settings))
    finally:
        quiet.setLevel(level)
    return sorted(links, key=lambda link: (link.original_id, link.doc_id))
