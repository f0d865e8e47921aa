"""The case file: one DuckDB database per case, schema versioned; the only code that runs SQL.

Each batch of documents is written in one transaction together with everything the
extractors found in it, so an interrupted build leaves a case file whose documents are
all complete; the next build picks up where it stopped.

A :class:`CaseStore` owns the whole schema (:mod:`corroborator.store.schema`) and hands
out repositories for the rest of the case file: ``consolidated`` (case-wide results),
``reviews`` (review actions), ``accounts`` (users, sessions, audit log) and ``builds``
(the settings the case was built with, and every build that changed it).

A case file may be encrypted (:mod:`corroborator.store._crypto`, DuckDB's AES-GCM database
encryption): ``open_case(..., encrypt=True)`` creates one, and every open of an encrypted
file takes its key from ``CORROBORATOR_KEY`` (or a prompt). DuckDB's temporary files go to
a private folder beside the case file (:func:`~corroborator.store._files.temp_dir`).

Opening an older case file for writing migrates it in place. Opening it read-only
leaves the file as it is: its tables are read through an in-memory database where the
migrations run instead, so readers see the current schema either way (a migration that
only adds tables costs nothing there). A case file of a newer schema is refused.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from corroborator.errors import CaseFileBusyError, CaseFileError, Problem
from corroborator.model import (
    Case,
    Claim,
    Document,
    Entity,
    Event,
    Extraction,
    Figure,
    Mention,
    ProtectedPerson,
    Quote,
)
from corroborator.store import schema
from corroborator.store._building import build_intent, build_running
from corroborator.store._connect import connect, connect_mirror, read_error
from corroborator.store._crypto import KEY_VARIABLE, is_encrypted, remember_key, set_key_prompt
from corroborator.store._files import (
    STALE_SECONDS,
    bulk_insert,
    remove_leftovers,
    remove_temp_dir,
    scratch_dir,
    temp_dir,
)
from corroborator.store._rows import DOCUMENT_COLUMNS, document, extraction_rows, mention, rows
from corroborator.store._rows import timestamp as _now
from corroborator.store.accounts import AccountRepository
from corroborator.store.builds import BuildLog, BuildPhases, BuildRecord, PendingWork, SettingsRecord
from corroborator.store.consolidated import ConsolidatedRepository
from corroborator.store.lean import LeanReader, TextShelf, shelved
from corroborator.store.parquet import ParquetLoad, documents_with_ids, load_extractions, parquet_tables, write_texts
from corroborator.store.reviews import ReviewRepository
from corroborator.store.schema import SCHEMA_VERSION

__all__ = [
    "DEFAULT_CASE",
    "KEY_VARIABLE",
    "SCHEMA_VERSION",
    "STALE_SECONDS",
    "BuildPhases",
    "BuildRecord",
    "CaseStore",
    "PendingWork",
    "SettingsRecord",
    "build_running",
    "bulk_insert",
    "is_encrypted",
    "open_case",
    "open_for_build",
    "remember_key",
    "remove_leftovers",
    "scratch_dir",
    "set_key_prompt",
]

logger = logging.getLogger(__name__)

DEFAULT_CASE = "case.duckdb"
DEFAULT_MEMORY_LIMIT = "1GB"

#: Mentions in text order; ties (one start, two spans) broken by end and id so every load is the same.
_IN_TEXT = 'm.doc_id, m.start, m."end", m.id'
#: What changes whenever the build or a reviewer changes the case file. The reviews come
#: last: a change in anything before them means the machine case itself changed (a
#: rebuild with other settings changes only the build history, never the counts).
_CHANGE_TOKEN = """SELECT (SELECT count(*) FROM documents), (SELECT max(added_at) FROM documents),
    (SELECT count(*) FROM mentions), (SELECT count(*) FROM entities), (SELECT count(*) FROM claims),
    (SELECT count(*) FROM totals), (SELECT value FROM meta WHERE key = 'builds'),
    (SELECT coalesce(max(seq), 0) FROM reviews)"""
_ATTACHED = "stored"


class CaseStore:
    """A case file opened for reading and writing. Use as a context manager.

    Attributes:
        path: The case file.
        con: The DuckDB connection (for the store's own modules).
        consolidated: Case-wide results (:class:`~corroborator.store.consolidated.ConsolidatedRepository`).
        reviews: Review actions (:class:`~corroborator.store.reviews.ReviewRepository`).
        accounts: Users, sessions, audit log (:class:`~corroborator.store.accounts.AccountRepository`).
        builds: The settings the case was built with (:class:`~corroborator.store.builds.BuildLog`).
        phases: Which build phase finished for which document (:class:`~corroborator.store.builds.BuildPhases`).
        migrated_from: The schema version the file had when opened, if it was migrated.
        encrypted: Whether the case file is encrypted.
    """

    def __init__(self, path: str | Path, *, create: bool = True, read_only: bool = False,
                 memory_limit: str = DEFAULT_MEMORY_LIMIT, encrypt: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self.migrated_from: int | None = None
        exists = self.path.exists()
        if not create and not exists:
            raise CaseFileError(f"{self.path}: no such case file (build one with `corroborator build`)")
        self.encrypted = is_encrypted(self.path)
        new_file = not exists or self.path.stat().st_size == 0
        if encrypt and not self.encrypted and not new_file:
            raise CaseFileError(f"{self.path}: exists and is not encrypted; encryption applies to a new case "
                                "file (build into a new file)")
        self.encrypted = self.encrypted or encrypt
        self._temp = temp_dir(self.path)
        # DuckDB's default buffer is 80% of RAM; a case file never needs that much.
        config = {"memory_limit": memory_limit, "temp_directory": self._temp}
        try:
            self.con = connect(self.path, read_only=read_only, encrypted=self.encrypted, creating=new_file,
                               config=config)
        except BaseException:
            self._remove_scratch()
            raise
        # Opened: no other process writes this case file now, so no scratch file is in use.
        remove_leftovers(self.path)
        try:
            self._open_schema(config)
        except duckdb.Error as exc:
            self.close()
            raise read_error(self.path, exc, encrypted=self.encrypted) from None
        except BaseException:
            self.close()
            raise
        self.consolidated = ConsolidatedRepository(self.con)
        self.reviews = ReviewRepository(self.con)
        self.accounts = AccountRepository(self.con)
        self.builds = BuildLog(self.con)
        self.phases = BuildPhases(self.con)

    def _open_schema(self, config: dict[str, str]) -> None:
        """Create, check or migrate the schema (in memory when the file is opened read-only)."""
        where = str(self.path)
        found = schema.version(self.con, where)
        if found is None:
            if self.read_only:
                raise CaseFileError(f"{where}: not a case file (it holds no tables)")
            schema.create(self.con)
            return
        schema.check_known(found, where)
        if found == SCHEMA_VERSION:
            return
        if self.read_only:
            self.con.close()
            self.con = connect_mirror(self.path, _ATTACHED, encrypted=self.encrypted, config=config)
            schema.mirror(self.con, _ATTACHED)
            logger.info("%s: case file schema %d read as schema %d (open it for writing once to migrate the file)",
                        where, found, SCHEMA_VERSION)
        else:
            logger.info("%s: migrating the case file from schema %d to %d", where, found, SCHEMA_VERSION)
        schema.migrate(self.con, found)
        self.migrated_from = found

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database (and its scratch folder, if empty)."""
        self.con.close()
        self._remove_scratch()

    def _remove_scratch(self) -> None:
        """Remove this connection's DuckDB temporary folder, and the scratch folder if it is empty."""
        remove_temp_dir(self._temp)
        try:
            scratch_dir(self.path).rmdir()
        except OSError:
            pass  # missing, or still holds something: removed at the next open

    @property
    def schema_version(self) -> int:
        """The schema version of this case file as it reads now (after any migration)."""
        return schema.version(self.con, str(self.path)) or SCHEMA_VERSION

    def transaction(self) -> _Transaction:
        """A context manager that commits on success and rolls back on error."""
        return _Transaction(self.con)

    @contextmanager
    def single_threaded(self) -> Iterator[None]:
        """Run this connection's statements on one thread meanwhile (while other processes use every core)."""
        threads = self.con.execute("SELECT current_setting('threads')").fetchone()[0]
        self.con.execute("SET threads = 1")
        try:
            yield
        finally:
            self.con.execute(f"SET threads = {int(threads)}")

    # -- writing ----------------------------------------------------------------------
    def known_document_ids(self) -> set[str]:
        """Ids of the documents already in the case."""
        return {row[0] for row in self.con.execute("SELECT id FROM documents").fetchall()}

    def add_extractions(self, extractions: Sequence[Extraction]) -> None:
        """Write documents with everything found in them, all in one transaction.

        A document's stage failures (``Extraction.problems``: :class:`~corroborator.errors.Problem`
        objects, or ``"stage: Error: message"`` text) go into ``problems``.
        """
        if not extractions:
            return
        now = _now()
        self.add_rows([ex.document.id for ex in extractions], extraction_rows(extractions, now), now)

    def add_rows(self, doc_ids: Sequence[str], rows_of: dict[str, list[tuple[Any, ...]]], now: str) -> None:
        """Write documents with everything found in them, as rows made by :func:`extraction_rows`, in one transaction.

        What :meth:`add_extractions` does once the rows are made; a build's worker processes
        make the rows themselves, which are far cheaper to pass between processes than the
        extractions. ``now`` is the ``added_at`` the rows hold.
        """
        if not doc_ids:
            return
        with self.transaction():
            # A document written again keeps only its new problems.
            self.con.execute("DELETE FROM problems WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [list(doc_ids)])
            for table, table_rows in rows_of.items():
                bulk_insert(self.con, table, table_rows, replace=True)
            # Stored whole with its findings: the document's analysis is finished, its consolidation not yet.
            self.phases.analysed(list(doc_ids), now)

    def extraction_columns(self) -> dict[str, list[tuple[str, str]]]:
        """``table -> [(column, DuckDB type)]`` of the tables extractions are written to (for Parquet layouts)."""
        return parquet_tables(self.con)

    def add_parquet(self, pattern: str) -> ParquetLoad:
        """Add the extractions a distributed build wrote as Parquet (:mod:`corroborator.store.parquet`).

        One transaction, like :meth:`add_extractions`: the documents are stored whole with
        their findings and marked analysed, not yet consolidated.

        Args:
            pattern: A glob of the dataset's Parquet files (``folder/*.parquet``).
        """
        with self.transaction():
            return load_extractions(self.con, pattern, _now())

    def write_texts(self, path: str) -> int:
        """Write every document's id, text and noise spans to a Parquet file (for a distributed engine)."""
        return write_texts(self.con, path)

    def documents_with_ids(self, ids: Iterable[str]) -> list[Document]:
        """The documents with these ids (unknown ids are left out), by path and id."""
        return documents_with_ids(self.con, list(ids))

    def record_inputs(self, outcomes: Iterable[tuple[str, str, str | None]]) -> None:
        """Remember what became of each input path: ``(path, status, reason)``."""
        now = _now()
        found = [(path, status, reason, now) for path, status, reason in outcomes]
        with self.transaction():
            bulk_insert(self.con, "inputs", found, replace=True)

    def replace_consolidated(self, entities: Sequence[Entity], quote_speakers: dict[str, str | None],
                             claims: Sequence[Claim] = (), totals: dict[str, Any] | None = None,
                             protected_entities: Iterable[str] = ()) -> None:
        """Replace the case-wide results (entities, claims, totals) in one transaction."""
        with self.transaction():
            self.consolidated.clear()
            self.write_entities(entities)
            self.write_quote_speakers(quote_speakers)
            self.write_claims(claims)
            self.write_totals(totals or {})

    # Writers of the case-wide results, inside the caller's transaction, into emptied tables.
    def write_entities(self, entities: Iterable[Entity]) -> None:
        """Add entities."""
        self.consolidated.write_entities(entities)

    def write_quote_speakers(self, quote_speakers: dict[str, str | None]) -> None:
        """Set the speaker entity of quotes (quote mention id to entity id)."""
        self.consolidated.write_quote_speakers(quote_speakers)

    def write_claims(self, claims: Iterable[Claim]) -> None:
        """Add claims."""
        self.consolidated.write_claims(claims)

    def write_totals(self, totals: dict[str, Any]) -> None:
        """Add the totals per event kind."""
        self.consolidated.write_totals(totals)

    # -- reading ----------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """How many of each kind of record the case holds."""
        counts = {}
        for table in ("documents", "entities", "quotes", "figures", "events", "claims"):
            counts[table] = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        counts["mentions"] = self.con.execute("SELECT count(*) FROM mentions").fetchone()[0]
        counts["protected"] = self.con.execute("SELECT count(*) FROM protected").fetchone()[0]
        counts["skipped_inputs"] = self.con.execute("SELECT count(*) FROM inputs WHERE status = 'skipped'").fetchone()[0]
        return counts

    def skipped_inputs(self) -> list[tuple[str, str]]:
        """Every input the builds skipped, with the reason."""
        return self.con.execute("SELECT path, reason FROM inputs WHERE status = 'skipped' ORDER BY path").fetchall()

    def change_token(self) -> tuple[Any, ...]:
        """A value that changes whenever the documents, the case-wide results or the reviews change."""
        return tuple(self.con.execute(_CHANGE_TOKEN).fetchone())

    def entity_mentions(self) -> list[Mention]:
        """Every entity mention of the case, in document order."""
        found = self.con.execute(f"SELECT * FROM mentions m WHERE kind = 'entity' ORDER BY {_IN_TEXT}").fetchall()
        return [mention(r) for r in found]

    def protected_names(self) -> list[str]:
        """Every name under which a protected witness appears anywhere in the case."""
        found = self.con.execute("SELECT names FROM protected").fetchall()
        return [name for (names,) in found for name in json.loads(names)]

    def problems(self) -> list[Problem]:
        """Every stage failure the builds recorded, by document path, in the order they happened."""
        found = self.con.execute("SELECT stage, doc_id, error, message FROM problems "
                                 "ORDER BY path, doc_id, seq").fetchall()
        return [Problem(r[0] or "", r[1], r[2] or "", r[3] or "") for r in found]

    def lean_reader(self, skip_extractor: str) -> LeanReader:
        """The case read one kind at a time, as consolidation reads it (see :mod:`corroborator.store.lean`)."""
        return LeanReader(self.con, skip_extractor)

    def load_case(self, *, shelve_texts: bool = False) -> Case:
        """Load the whole case into memory, every consolidated result included.

        With ``shelve_texts`` the document texts are kept compressed and unpacked when
        read (:class:`~corroborator.store.lean.ShelvedDocument`), for a large case.
        """
        con = self.con
        shared: dict[str, dict[str, Any]] = {}
        mentions = {r[0]: mention(r, shared) for r in rows(con.execute(f"SELECT * FROM mentions m ORDER BY {_IN_TEXT}"))}
        shelf = TextShelf() if shelve_texts else None
        documents = [document(r) if shelf is None else shelved(document(r), shelf)
                     for r in rows(con.execute(f"SELECT {DOCUMENT_COLUMNS} FROM documents"), 500)]
        documents.sort(key=lambda d: (d.path, d.id))  # here, not in DuckDB, which would hold every text to sort
        quotes = [
            Quote(mentions[r[0]], speaker_label=r[2], speaker_mention_id=r[3], speaker=r[4], protected=bool(r[5]),
                  reported_by=r[6])
            for r in rows(con.execute(f"SELECT q.* FROM quotes q JOIN mentions m ON m.id = q.mention_id ORDER BY {_IN_TEXT}"))
        ]
        figures = [
            Figure(mentions[r[0]], event=r[2], value=r[3], qualifier=r[4], subject=r[5], attributed_to=r[6], when=r[7])
            for r in rows(con.execute(f"SELECT f.* FROM figures f JOIN mentions m ON m.id = f.mention_id ORDER BY {_IN_TEXT}"))
        ]
        events = [
            Event(id=r[0], doc_id=r[1], date=r[2], precision=r[3], what=r[4], mention_ids=tuple(json.loads(r[5])))
            for r in rows(con.execute("SELECT * FROM events ORDER BY date, doc_id, id"))
        ]
        protected = [
            ProtectedPerson(doc_id=r[0], label=r[1], names=tuple(json.loads(r[2])), evidence=mentions.get(r[3]))
            for r in rows(con.execute("SELECT * FROM protected ORDER BY doc_id, label"))
        ]
        entities = [
            Entity(id=r[0], name=r[1], type=r[2], aliases=tuple(json.loads(r[3])), mention_ids=tuple(json.loads(r[4])),
                   protected=bool(r[5]), why=tuple(json.loads(r[6] or "[]")))
            for r in rows(con.execute("SELECT * FROM entities ORDER BY id"))
        ]
        claims = [
            Claim(id=r[0], event=r[1], low=r[2], high=r[3], figure_ids=tuple(json.loads(r[4])), independent_sources=r[5],
                  status=r[6], note=r[7] or "")
            for r in rows(con.execute("SELECT * FROM claims ORDER BY id"))
        ]
        totals = {r[0]: json.loads(r[1]) for r in rows(con.execute("SELECT * FROM totals ORDER BY event"))}
        results = self.consolidated
        return Case(documents=documents, mentions=mentions, entities=entities, quotes=quotes, figures=figures,
                    events=events, claims=claims, protected=protected, totals=totals,
                    duplicates=results.duplicates(), provenance=results.provenance(),
                    claim_details=results.claim_details(), timeline=results.timeline(), problems=self.problems(),
                    schema_version=self.schema_version, settings_digest=self.builds.current().digest)


class _Transaction:
    def __init__(self, con: Any):
        self.con = con

    def __enter__(self) -> None:
        self.con.execute("BEGIN TRANSACTION")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.con.execute("ROLLBACK" if exc_type else "COMMIT")


def open_case(path: str | Path = DEFAULT_CASE, *, create: bool = False, read_only: bool = False,
              encrypt: bool = False) -> CaseStore:
    """Open a case file.

    An older case file is migrated: in place when opened for writing, in memory when
    opened read-only (the file stays as it is until it is opened for writing). An
    encrypted case file is opened with the key from ``CORROBORATOR_KEY``, a key given to
    :func:`remember_key`, or the prompt set with :func:`set_key_prompt`.

    Args:
        path: The DuckDB file.
        create: Make a new, empty case file when none exists.
        read_only: Open without write access (several readers may share it).
        encrypt: Make the new case file an encrypted one (an existing file must already be).

    Raises:
        CaseKeyError: The file is encrypted and no key is given, or the key is wrong.
        CaseFileError: The file is missing (and ``create`` is false), not a case file,
            or of a newer schema version than this code knows; or ``encrypt`` is asked of
            an existing plain case file.
        CaseFileBusyError: Another process holds the file open for writing.
    """
    return CaseStore(path, create=create, read_only=read_only, encrypt=encrypt)


#: Seconds a build waits for other processes (a server answering a request) to let go of the case file.
BUILD_WAIT_SECONDS = 60.0


@contextmanager
def open_for_build(path: str | Path = DEFAULT_CASE, *, wait: float = BUILD_WAIT_SECONDS) -> Iterator[CaseStore]:
    """Open (or create) a case file for a build, announcing the build to other processes first.

    A server that has the case open sees the build lock (:func:`build_running`), lets go
    of the file after its current request and serves what it has loaded until the build
    is over; the build waits up to ``wait`` seconds for that.

    Raises:
        CaseFileBusyError: Another build is running, or another process kept the file
            open for longer than ``wait``.
    """
    with build_intent(path):
        deadline = time.monotonic() + wait
        while True:
            try:
                store = open_case(path, create=True)
                break
            except CaseFileBusyError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with store:
            yield store
