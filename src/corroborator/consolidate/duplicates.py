"""Near-duplicate and syndicated documents: MinHash over word shingles, LSH buckets.

Each document's own text (noise spans other than its headline blanked out, so shared
captions or footers do not make two reports alike) is cut into 5-word shingles; a
MinHash signature per document goes into a ``datasketch`` LSH index, and only the
candidates that share a bucket are compared, so the work grows with the number of
documents, not with its square. Linked documents form clusters; the earliest
published member is the original and every other member is a copy of it, which
never counts as a second source.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import MinHash, MinHashLSH

from corroborator.consolidate._names import UnionFind
from corroborator.model import OWN_TEXT_NOISE_KINDS, Document
from corroborator.settings import DEFAULTS, DuplicateSettings

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
_MIX = np.uint64(1_000_003)
_LOW32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True)
class DuplicateLink:
    """``doc_id`` is a near-duplicate (copy, syndication) of ``original_id``."""

    doc_id: str
    original_id: str
    similarity: float


def own_text(doc: Document) -> str:
    """The document's text with noise (captions, teasers, footers ...) blanked, offsets kept."""
    spans = sorted((n.start, n.end) for n in doc.noise if n.kind not in OWN_TEXT_NOISE_KINDS)
    if not spans:
        return doc.text
    parts, cursor = [], 0
    for start, end in spans:
        start = max(start, cursor)
        if end > start:
            parts += [doc.text[cursor:start], " " * (end - start)]
            cursor = end
    parts.append(doc.text[cursor:])
    return "".join(parts)


def shingle_hashes(text: str, k: int = DEFAULTS.duplicates.shingle_words) -> np.ndarray:
    """32-bit hashes of the ``k``-word shingles of ``text`` (case-folded words)."""
    words = _WORD.findall(text.casefold())
    if not words:
        return np.zeros(0, dtype=np.uint64)
    # One encode and split, then crc32 in C: no Python-level work per word.
    hashes = np.array(list(map(zlib.crc32, "\x00".join(words).encode().split(b"\x00"))), dtype=np.uint64)
    if len(words) < k:
        k = len(words)
    # A polynomial rolling combination: one vector operation per shingle position.
    combined = np.zeros(len(words) - k + 1, dtype=np.uint64)
    for j in range(k):
        combined = combined * _MIX + hashes[j:len(words) - k + 1 + j]
    return np.unique(combined & _LOW32)


def signatures(documents: Iterable[Document], num_perm: int = DEFAULTS.duplicates.num_perm,
               k: int = DEFAULTS.duplicates.shingle_words) -> dict[str, MinHash]:
    """A MinHash signature of each document's own text (``k``-word shingles; documents without words are left out)."""
    template = MinHash(num_perm=num_perm, hashfunc=int)
    result = {}
    for doc in documents:
        hashes = shingle_hashes(own_text(doc), k)
        if len(hashes):
            sig = MinHash(num_perm=num_perm, hashfunc=int, permutations=template.permutations, scheme=template.scheme)
            sig.update_batch(hashes.tolist())
            result[doc.id] = sig
    return result


def find_duplicates(documents: Sequence[Document], *, threshold: float | None = None, num_perm: int | None = None,
                    settings: DuplicateSettings = DEFAULTS.duplicates) -> list[DuplicateLink]:
    """Link every near-duplicate document to the original of its cluster.

    Args:
        documents: The case's documents.
        threshold: Estimated Jaccard similarity of shingle sets above which two
            documents are copies of one another; by default ``settings.threshold``.
        num_perm: MinHash permutations (precision of the estimate); by default
            ``settings.num_perm``.
        settings: Shingle size, permutations and threshold.

    Returns:
        One link per copy, to the earliest published member of its cluster (ties:
        the longer text, then the id). Originals and unique documents have none.
    """
    threshold = settings.threshold if threshold is None else threshold
    num_perm = settings.num_perm if num_perm is None else num_perm
    ids, matrix = _signature_matrix(documents, num_perm, settings.shingle_words)
    row = {doc_id: i for i, doc_id in enumerate(ids)}
    clusters = UnionFind()
    similar: dict[tuple[str, str], float] = {}
    for a, b, score in _similar_pairs(matrix, _candidate_index(threshold, num_perm), threshold):
        clusters.union(ids[a], ids[b])
        similar[(ids[a], ids[b])] = similar[(ids[b], ids[a])] = score

    def jaccard(x: str, y: str) -> float:
        return float(np.count_nonzero(matrix[row[x]] == matrix[row[y]])) / num_perm

    members: dict[object, list[Document]] = {}
    for doc in documents:
        if doc.id in clusters.parent:
            members.setdefault(clusters.find(doc.id), []).append(doc)
    links = []
    for group in members.values():
        original = min(group, key=lambda d: (d.published or "9999", not _credited(d, group), len(own_text(d).split()),
                                             d.id))
        for doc in group:
            if doc.id != original.id:
                score = similar.get((doc.id, original.id)) or jaccard(doc.id, original.id)
                links.append(DuplicateLink(doc.id, original.id, round(float(score), 3)))
    logger.info("%d of %d documents are near-duplicates of another", len(links), len(documents))
    return sorted(links, key=lambda link: (link.original_id, link.doc_id))


def _signature_matrix(documents: Iterable[Document], num_perm: int, k: int) -> tuple[list[str], np.ndarray]:
    """The ids of the documents with words and their MinHash signatures, one row each (as :func:`signatures`
    makes them), read one document at a time and kept as one array instead of an object per document."""
    template = MinHash(num_perm=num_perm, hashfunc=int)
    ids: list[str] = []
    rows: list[np.ndarray] = []
    for doc in documents:
        hashes = shingle_hashes(own_text(doc), k)
        if len(hashes):
            sig = MinHash(num_perm=num_perm, hashfunc=int, permutations=template.permutations, scheme=template.scheme)
            sig.update_batch(hashes.tolist())
            ids.append(doc.id)
            rows.append(sig.hashvalues.astype(np.uint32))  # MinHash values are 32-bit
    matrix = np.stack(rows) if rows else np.zeros((0, num_perm), dtype=np.uint32)
    return ids, matrix


def _similar_pairs(matrix: np.ndarray, lsh: MinHashLSH, threshold: float) -> Iterator[tuple[int, int, float]]:
    """``(row, row, estimated similarity)`` of every two signatures that share an LSH band and are at least
    ``threshold`` alike: the pairs a query of ``lsh`` finds and keeps, found by sorting each band."""
    seen: set[tuple[int, int]] = set()
    for start, end in lsh.hashranges:
        band = matrix[:, start:end]
        order = np.lexsort(band.T[::-1])
        ordered = band[order]
        # Where a run of identical band values begins and ends.
        breaks = np.flatnonzero(np.any(ordered[1:] != ordered[:-1], axis=1)) + 1
        bounds = np.concatenate(([0], breaks, [len(order)]))
        for lo, hi in zip(bounds[:-1], bounds[1:]):
            if hi - lo < 2:
                continue
            members = np.sort(order[lo:hi])
            for i, a in enumerate(members[:-1]):
                others = members[i + 1:]
                alike = np.count_nonzero(matrix[others] == matrix[a], axis=1) / matrix.shape[1]
                for b, score in zip(others[alike >= threshold].tolist(), alike[alike >= threshold].tolist()):
                    if (int(a), b) not in seen:
                        seen.add((int(a), b))
                        yield int(a), b, score


def _candidate_index(threshold: float, num_perm: int) -> MinHashLSH:
    """The LSH index that picks the pairs compared at ``threshold``.

    datasketch finds no banding for a threshold near 1 or very few permutations (0.97
    with 64); there two bands of half the permutations each pick the candidates, which
    the estimated similarity then decides as everywhere else.
    """
    try:
        return MinHashLSH(threshold=threshold, num_perm=num_perm)
    except ValueError:
        return MinHashLSH(num_perm=num_perm, params=(2, num_perm // 2))


def _credited(doc: Document, group: list[Document]) -> bool:
    """True when every other copy credits ``doc``'s outlet by name or initials ("(AP)")."""
    if not doc.outlet or len(group) < 2:
        return False
    words = [w for w in _WORD.findall(doc.outlet) if w[0].isupper()]
    names = {doc.outlet, "".join(w[0] for w in words)} - {""}
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names if len(n) > 1) + r")\b")
    return pattern.pattern != r"\b(?:)\b" and all(pattern.search(d.text) for d in group if d is not doc)


def original_of(links: Iterable[DuplicateLink]) -> dict[str, str]:
    """Map each copy's id to its original's id."""
    return {link.doc_id: link.original_id for link in links}


def candidate_bands(threshold: float, num_perm: int) -> list[tuple[int, int]]:
    """The slices of a signature that pick candidate pairs at ``threshold`` (the LSH index's bands).

    Two documents are candidates when their signatures agree on every value of one band;
    an engine that bands signatures itself (Spark) uses these, so it picks exactly the
    pairs :func:`find_duplicates` compares.
    """
    return [(int(start), int(end)) for start, end in _candidate_index(threshold, num_perm).hashranges]
