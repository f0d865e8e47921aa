"""Encrypted case files: DuckDB's database encryption (AES-GCM-256), with the key kept out of sight.

An encrypted case file is opened from an in-memory DuckDB connection with
``ATTACH 'file' AS case_file (ENCRYPTION_KEY ?)`` and ``USE case_file``. The key is a
bound parameter, never part of SQL text an error message could repeat, and every DuckDB
message about the file is scrubbed of it all the same. DuckDB writes encrypted files only
with the OpenSSL implementation in its ``httpfs`` extension, which is loaded from its
installed Python package (nothing is downloaded). DuckDB encrypts the file's WAL and its
temporary files too.

The key comes from, in this order: a key given to :func:`remember_key` in this process,
the environment variable :data:`KEY_VARIABLE` (``CORROBORATOR_KEY``), or the prompt set
with :func:`set_key_prompt` (the CLI's, on a terminal), asked once per case file and
process. It is never taken from a command-line argument, and never logged.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from corroborator.errors import CaseFileBusyError, CaseFileError, CaseKeyError

logger = logging.getLogger(__name__)

#: The environment variable that holds the key of encrypted case files.
KEY_VARIABLE = "CORROBORATOR_KEY"
#: The shortest key a new encrypted case file accepts.
MIN_KEY_LENGTH = 8
#: The name under which the encrypted file is attached (and made the connection's default database).
CASE_ALIAS = "case_file"
#: The cipher of new encrypted case files: authenticated, so a changed block is detected.
CIPHER = "GCM"

# The main header of a DuckDB file stays plain: a checksum, the magic bytes, the storage
# version and four 8-byte flag words, the first bit of the first telling an encrypted file.
_MAGIC = b"DUCK"
_MAGIC_AT = 8
_FLAGS_AT = 20
_ENCRYPTED_FLAG = 1
#: Settings of the in-memory connection an encrypted case file is attached to.
ENCRYPTED_CONFIG = {
    # Never fetch an extension at run time: httpfs is loaded from its package below.
    "autoinstall_known_extensions": "false",
    # Bulk inserts read rows from an in-memory file whose path is reused: never cache one.
    "enable_external_file_cache": "false",
    # An encrypted file attached to an in-memory connection leaves DuckDB's spills in plain text otherwise.
    "temp_file_encryption": "true",
}

KeyPrompt = Callable[[Path, bool], str]

_keys: dict[Path, str] = {}
_prompt: KeyPrompt | None = None
_lock = threading.RLock()


def is_encrypted(path: str | Path) -> bool:
    """Whether ``path`` is a DuckDB file encrypted with DuckDB's database encryption (read from its plain header)."""
    path = Path(path)
    try:
        if not path.is_file():
            return False
        with path.open("rb") as f:
            head = f.read(_FLAGS_AT + 8)
    except OSError:
        return False
    if len(head) < _FLAGS_AT + 8 or head[_MAGIC_AT:_MAGIC_AT + len(_MAGIC)] != _MAGIC:
        return False
    return bool(int.from_bytes(head[_FLAGS_AT:_FLAGS_AT + 8], "little") & _ENCRYPTED_FLAG)


def _where(path: str | Path) -> Path:
    return Path(path).resolve()


def remember_key(path: str | Path, key: str) -> None:
    """Use ``key`` for the case file ``path`` in this process (kept in memory only, never written).

    Raises:
        CaseKeyError: The key is empty.
    """
    if not key:
        raise CaseKeyError(f"{path}: the key is empty")
    with _lock:
        _keys[_where(path)] = key


def forget_key(path: str | Path) -> None:
    """Drop a key given with :func:`remember_key` (or typed at the prompt) for ``path``."""
    with _lock:
        _keys.pop(_where(path), None)


def set_key_prompt(prompt: KeyPrompt | None) -> None:
    """Ask for a missing key with ``prompt(path, creating)`` (None: never ask; a missing key is an error)."""
    global _prompt
    with _lock:
        _prompt = prompt


def case_key(path: str | Path, *, creating: bool = False) -> str:
    """The key of the encrypted case file ``path``: remembered, from the environment, or asked for.

    Args:
        path: The case file.
        creating: The file is about to be created (the prompt asks twice; short keys are refused).

    Raises:
        CaseKeyError: No key is given and none can be asked for, or the new key is too short.
    """
    with _lock:
        key = _keys.get(_where(path)) or os.environ.get(KEY_VARIABLE) or ""
        if not key and _prompt is not None:
            key = _prompt(Path(path), creating)
            if key:
                _keys[_where(path)] = key
        if not key:
            what = "is to be encrypted" if creating else "is encrypted"
            raise CaseKeyError(f"{path}: the case file {what}: set the environment variable {KEY_VARIABLE} "
                               "to its key (or run the command on a terminal to be asked for it)")
        if creating and len(key) < MIN_KEY_LENGTH:
            forget_key(path)
            raise CaseKeyError(f"{path}: the key of a new encrypted case file needs at least {MIN_KEY_LENGTH} "
                               "characters (a long random passphrase is best)")
        return key


def scrub(text: str, key: str) -> str:
    """``text`` with every occurrence of ``key`` (plain or SQL-quoted) replaced by ``***``."""
    if not key:
        return text
    for form in (key.replace("'", "''"), key):
        text = text.replace(form, "***")
    return text


def load_openssl(con: Any, *, required: bool) -> None:
    """Load the ``httpfs`` extension (DuckDB's OpenSSL cipher) into ``con`` from its installed package.

    Raises:
        CaseFileError: ``required`` (a write) and the extension cannot be loaded.
    """
    try:
        # The extension package is only needed for encrypted case files.
        import duckdb_extensions

        duckdb_extensions.import_extension("httpfs", con=con)
        con.execute("LOAD httpfs")
    except (ImportError, duckdb.Error, OSError) as exc:
        if required:
            raise CaseFileError("writing an encrypted case file needs DuckDB's httpfs extension "
                                f"(the duckdb-extension-httpfs package): {type(exc).__name__}") from None
        logger.info("httpfs not loaded (%s); the encrypted case file is read with DuckDB's built-in cipher",
                    type(exc).__name__)


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def attach(con: Any, path: Path, key: str, *, read_only: bool, alias: str = CASE_ALIAS, use: bool = True,
           creating: bool = False) -> None:
    """Attach the encrypted case file ``path`` to ``con`` as ``alias`` (and make it the default database).

    Raises:
        CaseKeyError: The key is wrong.
        CaseFileBusyError: Another process holds the file open for writing.
        CaseFileError: Any other failure (the message never holds the key).
    """
    load_openssl(con, required=not read_only)
    options = ("ENCRYPTION_KEY ?" + (f", ENCRYPTION_CIPHER '{CIPHER}'" if creating else "")
               + (", READ_ONLY" if read_only else ""))
    try:
        con.execute(f"ATTACH {_literal(path)} AS {alias} ({options})", [key])
        if use:
            con.execute(f"USE {alias}")
    except duckdb.Error as exc:
        # Raised without its cause: a DuckDB message could repeat the statement.
        raise attach_error(path, exc, key) from None


def attach_error(path: Path, exc: BaseException, key: str) -> CaseFileError:
    """The error to raise when an encrypted case file cannot be opened (scrubbed of the key)."""
    message = scrub(str(exc), key)
    lowered = message.lower()
    if "aes tag" in lowered:
        return CaseFileError(f"{path}: the encrypted case file was altered or damaged (a block failed its "
                             "authentication check)")
    if "encryption key" in lowered or "wrong key" in lowered:
        forget_key(path)
        return CaseKeyError(f"{path}: wrong key for this encrypted case file (check {KEY_VARIABLE} "
                            "or what was typed)")
    if isinstance(exc, duckdb.IOException) and ("could not set lock" in lowered or "conflicting lock" in lowered):
        return CaseFileBusyError(f"{path}: in use by another Corroborator process ({message})")
    if "not encrypted" in lowered:
        return CaseFileError(f"{path}: the case file is not encrypted")
    return CaseFileError(f"{path}: not a readable case file ({message})")


def connect(path: Path, *, read_only: bool, config: dict[str, str], creating: bool = False) -> Any:
    """An in-memory DuckDB connection with the encrypted case file ``path`` attached as its default database.

    Raises:
        CaseKeyError: No key, or a wrong one.
        CaseFileBusyError: Another process holds the file open for writing.
        CaseFileError: The file cannot be opened.
    """
    key = case_key(path, creating=creating)
    con = duckdb.connect(":memory:", config=config | ENCRYPTED_CONFIG)
    try:
        attach(con, path, key, read_only=read_only, creating=creating)
    except BaseException:
        con.close()
        raise
    return con
