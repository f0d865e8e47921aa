"""Opening a case file's DuckDB connection: plain or encrypted, and the errors a user can act on."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import duckdb

from corroborator.errors import CaseFileBusyError, CaseFileError, CaseKeyError
from corroborator.store._crypto import ENCRYPTED_CONFIG, KEY_VARIABLE, attach, case_key
from corroborator.store._crypto import connect as connect_encrypted


def _no_pandas_lookups() -> None:
    """Spare DuckDB looking for pandas on every statement when pandas is not installed.

    DuckDB's Python client tries ``import pandas`` each time it binds parameters or
    returns rows, and a failed import is not remembered: every statement searches the
    whole ``sys.path`` again (a few milliseconds, thousands of times in a build). Marking
    the missing module as missing (``None`` in ``sys.modules``, Python's own way) makes
    that import fail at once. When pandas is installed nothing changes.
    """
    if "pandas" not in sys.modules and importlib.util.find_spec("pandas") is None:
        sys.modules["pandas"] = None  # type: ignore[assignment]


_no_pandas_lookups()

#: DuckDB's words for a file another process holds ("block" in a corruption message is no lock).
_LOCKED = re.compile(r"\b(could not set lock|conflicting lock)\b", re.IGNORECASE)


def connect_error(path: Path, exc: duckdb.Error) -> CaseFileError:
    """The error to raise when DuckDB cannot open the plain case file ``path``."""
    if isinstance(exc, duckdb.IOException) and _LOCKED.search(str(exc)):
        return CaseFileBusyError(f"{path}: in use by another Corroborator process ({exc})")
    if "encrypted" in str(exc).lower():
        return CaseKeyError(f"{path}: the case file is encrypted: set the environment variable {KEY_VARIABLE} "
                            "to its key")
    return CaseFileError(f"{path}: not a readable case file ({exc})")


def connect(path: Path, *, read_only: bool, encrypted: bool, creating: bool, config: dict[str, str]) -> Any:
    """A connection whose default database is the case file (attached with its key when ``encrypted``).

    Raises:
        CaseKeyError: The file is encrypted and there is no key, or a wrong one.
        CaseFileBusyError: Another process holds the file open for writing.
        CaseFileError: DuckDB cannot open the file.
    """
    if encrypted:
        return connect_encrypted(path, read_only=read_only, config=config, creating=creating)
    try:
        return duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.Error as exc:
        raise connect_error(path, exc) from exc


def connect_mirror(path: Path, alias: str, *, encrypted: bool, config: dict[str, str]) -> Any:
    """An in-memory connection with the case file ``path`` attached read-only as ``alias`` (not the default).

    Raises:
        CaseKeyError: The file is encrypted and there is no key, or a wrong one.
        CaseFileError: DuckDB cannot attach the file.
    """
    con = duckdb.connect(":memory:", config=config | (ENCRYPTED_CONFIG if encrypted else {}))
    try:
        if encrypted:
            attach(con, path, case_key(path), read_only=True, alias=alias, use=False)
            return con
        literal = str(path).replace("'", "''")
        try:
            con.execute(f"ATTACH '{literal}' AS {alias} (READ_ONLY)")
        except duckdb.Error as exc:
            raise connect_error(path, exc) from exc
    except BaseException:
        con.close()
        raise
    return con


def read_error(path: Path, exc: duckdb.Error, *, encrypted: bool) -> CaseFileError:
    """The error to raise when an opened case file cannot be read (damaged, or changed behind DuckDB's back)."""
    if encrypted and "tag" in str(exc).lower():
        return CaseFileError(f"{path}: the encrypted case file was altered or damaged (a block failed its "
                             "authentication check)")
    return CaseFileError(f"{path}: not a readable case file ({exc})")
