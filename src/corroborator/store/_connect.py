"""Opening a case file's DuckDB connection: plain or encrypted, and the errors a user can act on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from corroborator.errors import CaseFileBusyError, CaseFileError, CaseKeyError
from corroborator.store._crypto import KEY_VARIABLE, attach, case_key
from corroborator.store._crypto import connect as connect_encrypted


def connect_error(path: Path, exc: duckdb.Error) -> CaseFileError:
    """The error to raise when DuckDB cannot open the plain case file ``path``."""
    if isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower():
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


def attach_read_only(con: Any, path: Path, alias: str, *, encrypted: bool) -> None:
    """Attach the case file ``path`` read-only to ``con`` as ``alias`` (``con``'s own database stays the default).

    Raises:
        CaseKeyError: The file is encrypted and there is no key, or a wrong one.
        CaseFileError: DuckDB cannot attach the file.
    """
    if encrypted:
        attach(con, path, case_key(path), read_only=True, alias=alias, use=False)
        return
    literal = str(path).replace("'", "''")
    try:
        con.execute(f"ATTACH '{literal}' AS {alias} (READ_ONLY)")
    except duckdb.Error as exc:
        raise connect_error(path, exc) from exc
