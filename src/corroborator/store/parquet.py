"""Extractions written as Parquet by a distributed engine, loaded into the case file.

A distributed build (:mod:`corroborator.engines.spark`) analyses documents on executors
and writes one Parquet dataset in the layout of :data:`PARQUET_FIELDS`: a row per input
file or part of one (``kind = 'input'``: what became of it; a large ``.jsonl`` file is
read in parts, numbered by ``part``) and a row per batch of analysed documents of one
file or part (``kind = 'batch'``: the rows of each extraction table, as arrays of
structs whose fields are the table's columns). :func:`parquet_tables` gives those columns from the case
file's own schema, so the two cannot drift apart.

:func:`load_extractions` loads such a dataset in one transaction. The same document (the
same bytes) read from two input files is kept once, from the file that comes first in
input order (``ord``, then ``part``), as the local engine keeps it; a file none of whose
documents were kept is ``unchanged``. The parts of a file make one outcome, as reading it
whole would (:func:`_file_outcome`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from corroborator.store._rows import DOCUMENT_COLUMNS, EXTRACTION_TABLES, document, rows
from corroborator.store.builds import ANALYSED, CONSOLIDATED

logger = logging.getLogger(__name__)

__all__ = ["PARQUET_FIELDS", "InputOutcome", "ParquetLoad", "documents_with_ids", "load_extractions",
           "parquet_tables", "table_field", "write_texts"]

#: The scalar fields of a row of the dataset, and their DuckDB types.
PARQUET_FIELDS = (("kind", "VARCHAR"), ("ord", "BIGINT"), ("part", "BIGINT"), ("path", "VARCHAR"),
                  ("status", "VARCHAR"), ("reason", "VARCHAR"), ("read_problems", "VARCHAR[]"),
                  ("not_read", "VARCHAR"), ("not_read_problem", "VARCHAR"))


def table_field(table: str) -> str:
    """The dataset's field holding the rows of an extraction table."""
    return f"t_{table}"


@dataclass(frozen=True)
class InputOutcome:
    """What became of one input file in a distributed build (the ``input`` rows of the dataset)."""

    path: str
    status: str
    reason: str | None = None
    problems: tuple[str, ...] = ()
    not_read: dict[str, int] = field(default_factory=dict)
    not_read_problem: str | None = None


@dataclass(frozen=True)
class ParquetLoad:
    """What :func:`load_extractions` added: the documents, and every input in input order.

    ``problems`` pairs the path of each added document that a stage failed on with the
    problem as text; ``no_extraction`` the path of each added document in a language no
    pipeline handles with its language's code.
    """

    documents_added: int
    inputs: list[InputOutcome]
    problems: list[tuple[str, str]] = field(default_factory=list)
    no_extraction: list[tuple[str, str]] = field(default_factory=list)


def parquet_tables(con: Any) -> dict[str, list[tuple[str, str]]]:
    """``table -> [(column, DuckDB type), ...]`` of every extraction table, in column order."""
    found: dict[str, list[tuple[str, str]]] = {}
    for table in EXTRACTION_TABLES:
        found[table] = [(r[0], r[1]) for r in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position", [table]).fetchall()]
    return found


def load_extractions(con: Any, pattern: str, now: str) -> ParquetLoad:
    """Load a dataset of extractions (the Parquet files ``pattern`` matches); the caller holds a transaction.

    Args:
        con: The case file's connection, inside a transaction.
        pattern: A glob of the dataset's Parquet files (``folder/*.parquet``).
        now: When the documents count as added and analysed.
    """
    tables = parquet_tables(con)
    parts: dict[int, list[Sequence[Any]]] = {}
    for r in con.execute("SELECT ord, part, path, status, reason, read_problems, not_read, not_read_problem "
                         "FROM read_parquet(?) WHERE kind = 'input' ORDER BY ord, part", [pattern]).fetchall():
        parts.setdefault(r[0], []).append(r)
    outcomes = {ord_: _file_outcome(rows) for ord_, rows in parts.items()}
    # A file skipped as a whole (a part of it unreadable) adds nothing, even from its readable parts.
    dropped = [ord_ for ord_, outcome in outcomes.items() if outcome.status == "skipped"]
    con.execute("CREATE OR REPLACE TEMP TABLE _won AS "
                "SELECT d.id AS id, ord, part FROM (SELECT ord, part, unnest(t_documents) AS d "
                "FROM read_parquet(?) WHERE kind = 'batch' AND NOT list_contains(?::BIGINT[], ord)) "
                "QUALIFY row_number() OVER (PARTITION BY d.id ORDER BY ord, part) = 1", [pattern, dropped])
    try:
        added = con.execute("SELECT count(*) FROM _won").fetchone()[0]
        con.execute("DELETE FROM problems WHERE doc_id IN (SELECT id FROM _won)")
        for table in EXTRACTION_TABLES:
            _insert(con, table, tables[table], pattern, now)
        con.execute(f"DELETE FROM phases WHERE phase = '{CONSOLIDATED}' AND doc_id IN (SELECT id FROM _won)")
        con.execute(f"INSERT OR REPLACE INTO phases SELECT id, '{ANALYSED}', ?::TIMESTAMP FROM _won", [now])
        kept = {r[0] for r in con.execute("SELECT DISTINCT ord FROM _won").fetchall()}
        inputs = [dataclasses.replace(o, status="unchanged") if o.status == "read" and ord_ not in kept else o
                  for ord_, o in sorted(outcomes.items())]
        problems: list[tuple[str, str]] = []
        no_extraction: list[tuple[str, str]] = []
        for path, found, language, none in con.execute(
                "SELECT d.path, d.problems, d.language, d.no_extraction FROM documents d JOIN _won w ON w.id = d.id "
                "WHERE d.problems <> '[]' OR d.no_extraction IS NOT NULL ORDER BY w.ord, w.part, d.path, d.id"
        ).fetchall():
            problems.extend((path, text) for text in json.loads(found or "[]"))
            if none is not None:
                no_extraction.append((path, language or ""))
    finally:
        con.execute("DROP TABLE IF EXISTS _won")
    logger.info("loaded %d document(s) from %d input(s) of %s", added, len(inputs), pattern)
    return ParquetLoad(added, inputs, problems, no_extraction)


def _insert(con: Any, table: str, columns: Sequence[tuple[str, str]], pattern: str, now: str) -> None:
    """Insert one table's rows, only those of the documents kept (from the first file that has them)."""
    doc_key = "id" if table == "documents" else "doc_id"
    values = ", ".join(f"CAST(? AS {dtype})" if name == "added_at" else f'CAST(x.r."{name}" AS {dtype})'
                       for name, dtype in columns)
    names = ", ".join(f'"{name}"' for name, _ in columns)
    params: list[Any] = [now] if any(name == "added_at" for name, _ in columns) else []
    con.execute(f"""INSERT OR REPLACE INTO {table} ({names}) SELECT {values}
        FROM (SELECT ord, part, unnest({table_field(table)}) AS r FROM read_parquet(?) WHERE kind = 'batch') x
        JOIN _won w ON w.id = x.r."{doc_key}" AND w.ord = x.ord AND w.part = x.part""", [*params, pattern])


def _file_outcome(parts: list[Sequence[Any]]) -> InputOutcome:
    """What became of one input file, from the rows of its parts (one row for a file read whole).

    A file is skipped when a part of it could not be read (with that part's reason), or
    when no part had a usable line; else it is read if a part had new documents, and
    unchanged if every document was in the case already.
    """
    path = parts[0][2]
    problems = [p for r in parts for p in (r[5] or ())]
    skipped = next((r for r in parts if r[3] == "skipped"), None)
    if skipped is not None:
        return InputOutcome(path=path, status="skipped", reason=skipped[4])
    statuses = {r[3] for r in parts}
    if statuses == {"empty"}:
        return InputOutcome(path=path, status="skipped", reason="no usable line: " + "; ".join(problems[:5]))
    status = "read" if "read" in statuses else "unchanged"
    first = parts[0]
    return InputOutcome(path=path, status=status, problems=tuple(problems),
                        not_read=json.loads(first[6]) if first[6] else {}, not_read_problem=first[7])


def write_texts(con: Any, path: str) -> int:
    """Write every document's ``id``, ``text`` and ``noise`` as one Parquet file at ``path``; the count.

    DuckDB streams the rows to the file: no Python process holds the texts. A distributed
    engine reads the file on its executors (near-duplicate signatures).
    """
    quoted = path.replace("'", "''")
    con.execute(f"COPY (SELECT id, text, noise FROM documents) TO '{quoted}' (FORMAT parquet, COMPRESSION zstd)")
    return con.execute("SELECT count(*) FROM documents").fetchone()[0]


def documents_with_ids(con: Any, ids: Sequence[str]) -> list[Any]:
    """The documents with these ids, by path and id (as consolidation reads them)."""
    found = [document(r) for r in rows(con.execute(
        f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id IN (SELECT unnest(?::VARCHAR[]))", [list(ids)]), 500)]
    found.sort(key=lambda d: (d.path, d.id))
    return found
