"""What a Spark executor runs for a build: read input files, analyse their documents, give rows.

Nothing here imports Spark: the functions take and give plain Python values, so they run
(and are tested) without a cluster. :func:`analyse_inputs` is the body of the build's
``mapPartitions``: it reads each input file (by path on a shared file system, or from
the bytes Spark read from HDFS or S3), analyses the new documents in batches with the
same registered stages as the local engine (:func:`~corroborator.analyze.analyze_batch`),
and yields rows of the Parquet layout of :mod:`corroborator.store.parquet`. The stages'
models load once per executor process (:func:`prepare`).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from corroborator.analyze import analyze_batch, init_worker
from corroborator.errors import InputError
from corroborator.ingest import IngestOptions, count_lines, jsonl_part, line_start, read_documents
from corroborator.ingest.files import open_regular
from corroborator.ingest.text import bom_encoding
from corroborator.model import Document
from corroborator.settings import Settings
from corroborator.store._rows import EXTRACTION_TABLES, extraction_rows

logger = logging.getLogger(__name__)

#: A part of a large ``.jsonl`` file: its index, first and end byte, and the number of its first line.
Part = tuple[int, int, int, int]
#: One input: its position in input order, its path, its bytes if Spark read them (else None), and the
#: part of the file it is (None: the whole file).
InputItem = tuple[int, str, bytes | None, Part | None]

#: Digests of the settings whose stages this process has prepared.
_PREPARED: set[str] = set()


def prepare(settings: Settings) -> None:
    """Load what the stages need (the spaCy model), once per process and settings."""
    digest = settings.digest()
    if digest not in _PREPARED:
        init_worker(settings)
        _PREPARED.add(digest)


def input_row(ord_: int, part: int, path: str, status: str, reason: str | None = None, problems: Iterable[str] = (),
              not_read: dict[str, int] | None = None, not_read_problem: str | None = None) -> tuple[Any, ...]:
    """A row saying what became of one input file (or one part of it)."""
    return ("input", ord_, part, path, status, reason, list(problems), json.dumps(not_read) if not_read else None,
            not_read_problem, *([] for _ in EXTRACTION_TABLES))


def batch_row(ord_: int, part: int, path: str, tables: dict[str, list[tuple[Any, ...]]]) -> tuple[Any, ...]:
    """A row holding the extraction rows of documents of one input file (or part)."""
    return ("batch", ord_, part, path, None, None, [], None, None, *(tables[t] for t in EXTRACTION_TABLES))


def jsonl_parts(ord_: int, path: str, size: int, part_bytes: int,
                max_line_bytes: int) -> list[tuple[int, str, None, Part | None]]:
    """A large UTF-8 ``.jsonl`` file as parts of about ``part_bytes`` that start and end on line starts.

    Each part knows the number of its first line (the lines before it are counted), so
    its documents and problems name lines as reading the whole file would. A file in
    UTF-16 or UTF-32 (whose lines do not split on the byte 0A) stays whole.
    """
    try:
        with open_regular(path) as fh:
            found = bom_encoding(fh.read(4))
            if found is not None and found[0] != "utf-8":
                return [(ord_, path, None, None)]
            starts = sorted({line_start(fh, at) for at in range(0, size, part_bytes)} | {size})
            parts: list[tuple[int, str, None, Part | None]] = []
            first = 1
            for index, (start, end) in enumerate(zip(starts, starts[1:])):
                parts.append((ord_, path, None, (index, start, end, first)))
                first += count_lines(fh, start, end, max_line_bytes)
            return parts
    except OSError:
        return [(ord_, path, None, None)]  # the whole-file reader says why it cannot be read


def analyse_inputs(items: Iterable[InputItem], settings: Settings, ingest: IngestOptions,
                   known: Callable[[], Any], batch_size: int = 32) -> Iterator[tuple[Any, ...]]:
    """Read and analyse input files; yield an input row per file and batch rows of their new documents.

    Args:
        items: The input files of one partition, in input order.
        settings: The build's settings (which stages, and their thresholds).
        ingest: How files are read (the caps).
        known: Gives the ids of the documents already in the case (a broadcast's value).
        batch_size: Documents analysed together.
    """
    prepare(settings)
    already = known()
    seen: set[str] = set()
    pending: list[tuple[int, int, str, Document]] = []
    for ord_, path, content, part in items:
        index = 0 if part is None else part[0]
        try:
            if part is None:
                result = read_documents(Path(path), ingest, content=content)
            else:
                result = jsonl_part(Path(path), part[1], part[2], ingest, first_line=part[3])
        except InputError as exc:
            yield input_row(ord_, index, path, "skipped", exc.reason)
            continue
        fresh = [d for d in result.documents if d.id not in already and d.id not in seen]
        seen.update(d.id for d in fresh)
        status = "read" if fresh else "unchanged" if result.documents else "empty"
        yield input_row(ord_, index, path, status, None, result.problems, result.not_read, result.not_read_problem)
        pending.extend((ord_, index, path, d) for d in fresh)
        while len(pending) >= batch_size:
            yield from _analysed(pending[:batch_size], settings)
            del pending[:batch_size]
    if pending:
        yield from _analysed(pending, settings)


def _analysed(pending: list[tuple[int, int, str, Document]], settings: Settings) -> Iterator[tuple[Any, ...]]:
    """Analyse a batch of documents; one batch row per input file (or part) they came from."""
    extractions = analyze_batch([d for _, _, _, d in pending], settings)
    now = datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")
    start = 0
    while start < len(pending):
        ord_, index, path, _ = pending[start]
        end = start
        while end < len(pending) and pending[end][:2] == (ord_, index):
            end += 1
        yield batch_row(ord_, index, path, extraction_rows(extractions[start:end], now))
        start = end
