"""Files beside a case file: fast bulk inserts through a private scratch folder, DuckDB's temporary
files, and their cleanup.

Nothing with case data is written outside the case file's own folder: bulk-insert rows go
to the scratch folder beside it (or, for an encrypted case file, to an in-memory file that
never reaches the disk), and DuckDB spills to a folder of its own inside the scratch folder.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import orjson

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
    the case file is opened (:func:`remove_leftovers`). An encrypted case file's rows
    never reach the disk in plain text: they are read from an in-memory file
    (:func:`_insert_from_memory`).
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
    where, encrypted = _database_file(con)
    all_rows = itertools.chain((first,), rows)
    if where is None:
        _insert_in_memory(con, f"{verb} INTO {table} ({quoted})", len(names), all_rows)
        return
    read = (f"{verb} INTO {table} ({quoted}) SELECT {quoted} FROM read_json(?, format = 'newline_delimited', "
            f"columns = {{{spec}}})")
    if encrypted:
        _insert_from_memory(con, read, f"{verb} INTO {table} ({quoted})", columns, all_rows)
        return
    fd, tmp = tempfile.mkstemp(prefix=f"{_SCRATCH_PREFIX}{table}-", suffix=".jsonl", dir=_private_dir(where))
    try:
        with os.fdopen(fd, "wb") as out:
            _write_jsonl(out, names, all_rows)
        con.execute(read, [tmp])
    finally:
        os.unlink(tmp)


def _write_jsonl(out: Any, names: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write ``rows`` to the binary file ``out`` as newline-delimited JSON objects keyed by column name."""
    for row in rows:
        out.write(_json_object(names, row))
        out.write(b"\n")


def _json_object(names: Sequence[str], row: Sequence[Any]) -> bytes:
    """One row as a UTF-8 JSON object keyed by column name.

    orjson writes the rows of a build several times faster than the standard library; what
    it does not take (an integer beyond 64 bits) goes through :func:`json.dumps`, so DuckDB
    gives its own message for a value its column cannot hold.
    """
    item = dict(zip(names, row))
    try:
        return orjson.dumps(item)
    except orjson.JSONEncodeError:
        return json.dumps(item, ensure_ascii=False).encode("utf-8")


def _insert_from_memory(con: Any, read: str, insert: str, columns: Sequence[tuple[str, str]],
                        rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows without writing them to disk, as fast as from a file where the system allows.

    On Linux the JSON lines go to an anonymous in-memory file (``memfd_create``) that
    DuckDB reads through ``/proc/self/fd``; elsewhere they are bound as JSON text, a few
    megabytes to a statement, and parsed by DuckDB (slower, still never on disk).
    """
    names = [name for name, _ in columns]
    fd = _memory_file()
    if fd is not None:
        with os.fdopen(fd, "wb") as out:
            _write_jsonl(out, names, rows)
            out.flush()
            con.execute(read, [f"/proc/self/fd/{fd}"])
        return
    struct = json.dumps([{name: dtype for name, dtype in columns}])
    fields = ", ".join(f'r."{name}"' for name in names)
    statement = f"{insert} SELECT {fields} FROM (SELECT unnest(from_json(?::JSON, ?)) AS r)"
    rows = iter(rows)
    while True:
        chunk, size = [], 0
        for row in rows:
            item = _json_object(names, row).decode("utf-8")
            chunk.append(item)
            size += len(item)
            if size >= _JSON_CHUNK_CHARS:
                break
        if not chunk:
            return
        con.execute(statement, ["[" + ",".join(chunk) + "]", struct])


def _memory_file() -> int | None:
    """A new anonymous in-memory file (its descriptor), or None where the system has none."""
    if not _MEMFD:
        return None
    try:
        return os.memfd_create("corroborator-rows", os.MFD_CLOEXEC)
    except OSError as exc:  # a sandbox may forbid it
        logger.info("no in-memory file (%s): rows are bound as JSON text", exc.strerror)
        return None


_SCRATCH_PREFIX = "corroborator-"
#: Prefix of the folder each connection gives DuckDB for its temporary files (then the pid).
_TEMP_PREFIX = "duckdb-"
#: Prefix of an engine's work folders in the scratch folder (:func:`work_dir`).
WORK_PREFIX = "spark-"
# Rows bound per statement when an in-memory database is filled without a file.
_ROWS_PER_STATEMENT = 256
#: Whether rows can go through an anonymous in-memory file that DuckDB reads by path (Linux).
_MEMFD = hasattr(os, "memfd_create") and os.path.isdir("/proc/self/fd")
# JSON text bound per statement when there is no in-memory file (characters).
_JSON_CHUNK_CHARS = 4_000_000


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


def _database_file(con: Any) -> tuple[Path | None, bool]:
    """The file of the connection's database (None for an in-memory one) and whether it is encrypted."""
    row = con.execute("SELECT path, encrypted FROM duckdb_databases() "
                      "WHERE database_name = current_database()").fetchone()
    return (Path(row[0]) if row and row[0] else None), bool(row and row[1])


def temp_dir(case: str | Path) -> str:
    """A new private folder for DuckDB's temporary files, inside the case file's scratch folder.

    One per connection (DuckDB names its files alike in every process). When the scratch
    folder cannot be made (a case file in a read-only folder) the answer is ``""``:
    DuckDB then keeps everything in memory rather than spill anywhere else.
    """
    for _ in range(2):
        try:
            folder = tempfile.mkdtemp(prefix=f"{_TEMP_PREFIX}{os.getpid()}-", dir=_private_dir(Path(case)))
            return os.path.abspath(folder)
        except FileNotFoundError:
            continue  # another process removed the empty scratch folder in between: make it again
        except OSError as exc:
            logger.info("no scratch folder beside %s (%s): DuckDB will not spill to disk", case, exc.strerror)
            break
    return ""


def remove_temp_dir(folder: str) -> None:
    """Remove a folder made by :func:`temp_dir`, with anything DuckDB left in it."""
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def _insert_in_memory(con: Any, insert: str, width: int, rows: Iterable[Sequence[Any]]) -> None:
    """Insert rows with bound parameters, many rows to a statement, nothing written to disk."""
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, _ROWS_PER_STATEMENT)):
        values = ", ".join(["(" + ", ".join("?" * width) + ")"] * len(chunk))
        con.execute(f"{insert} VALUES {values}", [v for row in chunk for v in row])


def remove_leftovers(case: str | Path) -> int:
    """Remove temporary files a crashed run left behind; return how many were removed.

    They hold unredacted names: the case file's scratch folder is emptied (DuckDB temporary
    folders of processes that are gone included), and files
    an older version wrote into the system temporary folder
    (``corroborator-<table>-*.jsonl``, owned by this user, untouched for an hour) are removed too.
    """
    removed = 0
    candidates = list(scratch_dir(case).glob(f"{_SCRATCH_PREFIX}*.jsonl")) if scratch_dir(case).is_dir() else []
    shared = Path(tempfile.gettempdir())
    # Only old ones: a file written in the last hour may belong to an older version's build that is still
    # running (a build never writes one for that long), and deleting it would break that build.
    candidates += [p for p in shared.glob(f"{_SCRATCH_PREFIX}*-*.jsonl") if _owned(p) and _stale(p)]
    for folder in _dead_temp_dirs(case):
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
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


def work_dir(case: str | Path) -> Path:
    """A new private folder in the case file's scratch folder for an engine's files (``spark-<pid>-*``).

    A crash's leftover is removed the next time the case file is opened, once its process is gone.
    """
    return Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=_private_dir(Path(case).resolve())))


def _dead_temp_dirs(case: str | Path) -> list[Path]:
    """:func:`temp_dir` and :func:`work_dir` folders of ``case`` whose process is no longer running."""
    folder = scratch_dir(case)
    # POSIX only: on Windows os.kill(pid, 0) would end the process rather than probe it.
    if not folder.is_dir() or not hasattr(os, "getuid"):
        return []
    found = []
    for prefix in (_TEMP_PREFIX, WORK_PREFIX):
        for candidate in folder.glob(f"{prefix}*-*"):
            pid = candidate.name[len(prefix):].split("-", 1)[0]
            if pid.isdigit() and candidate.is_dir() and not candidate.is_symlink() and not _running(int(pid)):
                found.append(candidate)
    return found


def _running(pid: int) -> bool:
    """Whether a process ``pid`` exists (of any user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
