"""Files beside a case file: fast bulk inserts through a private scratch folder, and their cleanup."""

from __future__ import annotations

import itertools
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from corroborator.errors import CaseFileError

logger = logging.getLogger(__name__)


def bulk_insert(con: Any, table: str, rows: Iterable[Sequence[Any]], *, replace: bool = False) -> None:
    """Insert many rows at once, in the table's column order.

    DuckDB binds Python parameters row by row (milliseconds per row); writing the rows
    as newline-delimited JSON and reading that back is two orders of magnitude faster.
    ``rows`` may be a generator: rows are written out one at a time, never all held.

    The rows hold unredacted text (names of protected witnesses), so the JSON file is
    kept beside the case file in its private scratch folder (:func:`scratch_dir`, mode
    0700), never in the shared system temporary folder; an in-memory database gets its
    rows in memory, many to a statement. Leftovers of a crash are removed the next time
    the case file is opened (:func:`remove_leftovers`).
    """
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return
    columns = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    if not columns:
        raise CaseFileError(f"no table {table!r} in the case file")
    names = [name for name, _ in columns]
    spec = ", ".join(f"{json.dumps(name)}: '{dtype}'" for name, dtype in columns)
    verb = "INSERT OR REPLACE" if replace else "INSERT"
    quoted = ", ".join(f'"{name}"' for name in names)
    where = _database_path(con)
    if where is None:
        _insert_in_memory(con, f"{verb} INTO {table} ({quoted})", len(names), itertools.chain((first,), rows))
        return
    fd, tmp = tempfile.mkstemp(prefix=f"{_SCRATCH_PREFIX}{table}-", suffix=".jsonl", dir=_private_dir(where))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for row in itertools.chain((first,), rows):
                out.write(json.dumps(dict(zip(names, row)), ensure_ascii=False))
                out.write("\n")
        con.execute(
            f"{verb} INTO {table} ({quoted}) SELECT {quoted} FROM read_json(?, format = 'newline_delimited', "
            f"columns = {{{spec}}})",
            [tmp],
        )
    finally:
        os.unlink(tmp)


_SCRATCH_PREFIX = "corroborator-"
# Rows bound per statement when an in-memory database is filled without a file.
_ROWS_PER_STATEMENT = 256


def scratch_dir(case: str | Path) -> Path:
    """The private folder beside a case file where its temporary files are kept."""
    case = Path(case)
    return case.parent / f".{case.name}.scratch"


def _private_dir(case: Path) -> Path:
    """:func:`scratch_dir` of ``case``, created readable by this user only."""
    folder = scratch_dir(case)
    folder.mkdir(mode=0o700, exist_ok=True)
    os.chmod(folder, 0o700)
    return folder


def _database_path(con: Any) -> Path | None:
    """The file of the connection's database; None for an in-memory database."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return Path(row[0]) if row and row[0] else None


def _insert_in_memory(con: Any, insert: str, width: int, rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows with bound parameters, many rows to a statement, nothing written to disk."""
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, _ROWS_PER_STATEMENT)):
        values = ", ".join(["(" + ", ".join("?" * width) + ")"] * len(chunk))
        con.execute(f"{insert} VALUES {values}", [v for row in chunk for v in row])


def remove_leftovers(case: str | Path) -> int:
    """Remove temporary files a crashed run left behind; return how many were removed.

    They hold unredacted names: the case file's scratch folder is emptied, and files
    an older version wrote into the system temporary folder
    (``corroborator-<table>-*.jsonl``, owned by this user, untouched for an hour) are removed too.
    """
    removed = 0
    candidates = list(scratch_dir(case).glob(f"{_SCRATCH_PREFIX}*.jsonl")) if scratch_dir(case).is_dir() else []
    shared = Path(tempfile.gettempdir())
    # Only old ones: a file written in the last hour may belong to an older version's build that is still
    # running (a build never writes one for that long), and deleting it would break that build.
    candidates += [p for p in shared.glob(f"{_SCRATCH_PREFIX}*-*.jsonl") if _owned(p) and _stale(p)]
    for leftover in candidates:
        try:
            leftover.unlink()
            removed += 1
        except FileNotFoundError:
            pass
        except OSError as exc:
            logger.warning("could not remove a temporary file left by an earlier run (%s)", exc.strerror)
    if removed:
        logger.info("removed %d temporary file(s) left by an earlier run", removed)
    return removed


#: How old a file in the system temporary folder must be to count as a crash's leftover.
STALE_SECONDS = 3600


def _stale(path: Path) -> bool:
    """Whether ``path`` was last written over :data:`STALE_SECONDS` ago."""
    try:
        return time.time() - path.stat().st_mtime > STALE_SECONDS
    except OSError:
        return False


def _owned(path: Path) -> bool:
    """Whether ``path`` is a regular file of this user (not a link someone else planted)."""
    try:
        info = path.lstat()
    except OSError:
        return False
    return path.is_file() and not path.is_symlink() and (not hasattr(os, "getuid") or info.st_uid == os.getuid())
