"""The case file: one DuckDB database per case, schema versioned.

Each batch of documents is written in one transaction together with everything the
extractors found in it, so an interrupted build leaves a case file whose documents are
all complete; the next build picks up where it stopped.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from corroborator.errors import CaseFileBusyError, CaseFileError
from corroborator.model import (
    Case,
    Claim,
    Document,
    Entity,
    Event,
    Extraction,
    Figure,
    Mention,
    NoiseSpan,
    ProtectedPerson,
    Quote,
)

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
DEFAULT_CASE = "case.duckdb"
DEFAULT_MEMORY_LIMIT = "1GB"

#: Mentions in text order; ties (one start, two spans) broken by end and id so every load is the same.
_IN_TEXT = 'm.doc_id, m.start, m."end", m.id'
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS documents (
    id VARCHAR PRIMARY KEY, path VARCHAR, sha256 VARCHAR, media_type VARCHAR,
    title VARCHAR, outlet VARCHAR, author VARCHAR, published VARCHAR, url VARCHAR,
    text VARCHAR, noise VARCHAR, problems VARCHAR, added_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS mentions (
    id VARCHAR PRIMARY KEY, doc_id VARCHAR, start INTEGER, "end" INTEGER, kind VARCHAR,
    extractor VARCHAR, text VARCHAR, attrs VARCHAR);
CREATE TABLE IF NOT EXISTS quotes (
    mention_id VARCHAR PRIMARY KEY, doc_id VARCHAR, speaker_label VARCHAR,
    speaker_mention_id VARCHAR, speaker VARCHAR, protected BOOLEAN, reported_by VARCHAR);
CREATE TABLE IF NOT EXISTS figures (
    mention_id VARCHAR PRIMARY KEY, doc_id VARCHAR, event VARCHAR, value BIGINT,
    qualifier VARCHAR, subject VARCHAR, attributed_to VARCHAR, "when" VARCHAR);
CREATE TABLE IF NOT EXISTS events (
    id VARCHAR PRIMARY KEY, doc_id VARCHAR, date VARCHAR, precision VARCHAR, what VARCHAR,
    mention_ids VARCHAR);
CREATE TABLE IF NOT EXISTS protected (
    doc_id VARCHAR, label VARCHAR, names VARCHAR, evidence_mention_id VARCHAR, PRIMARY KEY (doc_id, label));
CREATE TABLE IF NOT EXISTS entities (
    id VARCHAR PRIMARY KEY, name VARCHAR, type VARCHAR, aliases VARCHAR, mention_ids VARCHAR,
    protected BOOLEAN, why VARCHAR);
CREATE TABLE IF NOT EXISTS claims (
    id VARCHAR PRIMARY KEY, event VARCHAR, low BIGINT, high BIGINT, figure_ids VARCHAR,
    independent_sources INTEGER, status VARCHAR, note VARCHAR);
CREATE TABLE IF NOT EXISTS totals (event VARCHAR PRIMARY KEY, data VARCHAR);
CREATE TABLE IF NOT EXISTS inputs (
    path VARCHAR PRIMARY KEY, status VARCHAR, reason VARCHAR, seen_at TIMESTAMP);
"""


def _now() -> str:
    return datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ")


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


class CaseStore:
    """A case file opened for reading and writing. Use as a context manager."""

    def __init__(self, path: str | Path, *, create: bool = True, read_only: bool = False,
                 memory_limit: str = DEFAULT_MEMORY_LIMIT):
        import duckdb

        self.path = Path(path)
        if not create and not self.path.exists():
            raise CaseFileError(f"{self.path}: no such case file (build one with `corroborator build`)")
        try:
            # DuckDB's default buffer is 80% of RAM; a case file never needs that much.
            self.con = duckdb.connect(str(self.path), read_only=read_only, config={"memory_limit": memory_limit})
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise CaseFileBusyError(f"{self.path}: in use by another Corroborator process ({exc})") from exc
            raise CaseFileError(f"{self.path}: not a readable case file ({exc})") from exc
        except duckdb.Error as exc:
            raise CaseFileError(f"{self.path}: not a readable case file ({exc})") from exc
        # Opened: no other process writes this case file now, so no scratch file is in use.
        remove_leftovers(self.path)
        if read_only:
            self._check_version()
        else:
            self._migrate()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the database (and its scratch folder, if empty)."""
        self.con.close()
        try:
            scratch_dir(self.path).rmdir()
        except OSError:
            pass  # missing, or still holds something: removed at the next open

    # -- schema ---------------------------------------------------------------------
    def _migrate(self) -> None:
        version = self._version()
        if version is not None and version != SCHEMA_VERSION:
            raise CaseFileError(
                f"{self.path}: case file schema version {version}, this Corroborator reads {SCHEMA_VERSION}"
            )
        self.con.execute(_SCHEMA)
        if version is None:
            self.con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])

    def _version(self) -> int | None:
        tables = {row[0] for row in self.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "meta" not in tables:
            if tables:
                raise CaseFileError(f"{self.path}: a DuckDB database, but not a Corroborator case file")
            return None
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        return int(row[0]) if row else None

    def _check_version(self) -> None:
        version = self._version()
        if version != SCHEMA_VERSION:
            raise CaseFileError(f"{self.path}: not a case file of schema version {SCHEMA_VERSION} (found {version})")

    @property
    def schema_version(self) -> int:
        """The schema version of this case file."""
        return self._version() or SCHEMA_VERSION

    # -- writing ----------------------------------------------------------------------
    def known_document_ids(self) -> set[str]:
        """Ids of the documents already in the case."""
        return {row[0] for row in self.con.execute("SELECT id FROM documents").fetchall()}

    def add_extractions(self, extractions: Sequence[Extraction]) -> None:
        """Write documents with everything found in them, all in one transaction."""
        if not extractions:
            return
        rows: dict[str, list[tuple[Any, ...]]] = {k: [] for k in ("documents", "mentions", "quotes", "figures", "events", "protected")}
        now = _now()
        for ex in extractions:
            d = ex.document
            noise = json.dumps([[n.start, n.end, n.kind] for n in d.noise])
            rows["documents"].append(
                (d.id, d.path, d.sha256, d.media_type, d.title, d.outlet, d.author, d.published, d.url, d.text,
                 noise, json.dumps([str(p) for p in ex.problems]), now)
            )
            mentions = {m.id: m for m in ex.mentions}
            mentions.update((q.mention.id, q.mention) for q in ex.quotes)
            mentions.update((f.mention.id, f.mention) for f in ex.figures)
            mentions.update((p.evidence.id, p.evidence) for p in ex.protected if p.evidence)
            for m in mentions.values():
                rows["mentions"].append((m.id, m.doc_id, m.start, m.end, m.kind, m.extractor, m.text, json.dumps(m.attrs)))
            for q in ex.quotes:
                rows["quotes"].append((q.mention.id, d.id, q.speaker_label, q.speaker_mention_id, q.speaker, q.protected, q.reported_by))
            for f in ex.figures:
                rows["figures"].append((f.mention.id, d.id, f.event, f.value, f.qualifier, f.subject, f.attributed_to, f.when))
            for e in ex.events:
                rows["events"].append((e.id, d.id, e.date, e.precision, e.what, json.dumps(list(e.mention_ids))))
            for p in ex.protected:
                rows["protected"].append((d.id, p.label, json.dumps(list(p.names)), p.evidence.id if p.evidence else None))
        with self.transaction():
            for table, table_rows in rows.items():
                bulk_insert(self.con, table, table_rows, replace=True)

    def record_inputs(self, outcomes: Iterable[tuple[str, str, str | None]]) -> None:
        """Remember what became of each input path: ``(path, status, reason)``."""
        now = _now()
        rows = [(path, status, reason, now) for path, status, reason in outcomes]
        with self.transaction():
            bulk_insert(self.con, "inputs", rows, replace=True)

    def replace_consolidated(self, entities: Sequence[Entity], quote_speakers: dict[str, str | None],
                             claims: Sequence[Claim] = (), totals: dict[str, Any] | None = None,
                             protected_entities: Iterable[str] = ()) -> None:
        """Replace the case-wide results (entities, claims, totals) in one transaction."""
        with self.transaction():
            self.con.execute("DELETE FROM entities")
            self.con.execute("DELETE FROM claims")
            self.con.execute("DELETE FROM totals")
            self.con.execute("UPDATE quotes SET speaker = NULL")
            self.write_entities(entities)
            self.write_quote_speakers(quote_speakers)
            self.write_claims(claims)
            self.write_totals(totals or {})

    # Writers of the case-wide results, inside the caller's transaction, into emptied tables.
    def write_entities(self, entities: Iterable[Entity]) -> None:
        """Add entities."""
        bulk_insert(self.con, "entities", (
            (e.id, e.name, e.type, json.dumps(list(e.aliases)), json.dumps(list(e.mention_ids)), e.protected,
             json.dumps(list(e.why))) for e in entities))

    def write_quote_speakers(self, quote_speakers: dict[str, str | None]) -> None:
        """Set the speaker entity of quotes (quote mention id to entity id)."""
        if not quote_speakers:
            return
        self.con.execute("CREATE OR REPLACE TEMP TABLE quote_speakers (mention_id VARCHAR, speaker VARCHAR)")
        bulk_insert(self.con, "quote_speakers", quote_speakers.items())
        self.con.execute("UPDATE quotes SET speaker = s.speaker FROM quote_speakers s "
                         "WHERE quotes.mention_id = s.mention_id")
        self.con.execute("DROP TABLE quote_speakers")

    def write_claims(self, claims: Iterable[Claim]) -> None:
        """Add claims."""
        bulk_insert(self.con, "claims", (
            (c.id, c.event, c.low, c.high, json.dumps(list(c.figure_ids)), c.independent_sources, c.status, c.note)
            for c in claims))

    def write_totals(self, totals: dict[str, Any]) -> None:
        """Add the totals per event kind."""
        bulk_insert(self.con, "totals", ((k, json.dumps(v)) for k, v in totals.items()))

    def transaction(self) -> _Transaction:
        """A context manager that commits on success and rolls back on error."""
        return _Transaction(self.con)

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

    def entity_mentions(self) -> list[Mention]:
        """Every entity mention of the case, in document order."""
        rows = self.con.execute(
            f"SELECT * FROM mentions m WHERE kind = 'entity' ORDER BY {_IN_TEXT}").fetchall()
        return [_mention(r) for r in rows]

    def protected_names(self) -> list[str]:
        """Every name under which a protected witness appears anywhere in the case."""
        rows = self.con.execute("SELECT names FROM protected").fetchall()
        return [name for (names,) in rows for name in json.loads(names)]

    def load_case(self) -> Case:
        """Load the whole case into memory for report and export."""
        con = self.con
        shared: dict[str, dict[str, Any]] = {}
        mentions = {r[0]: _mention(r, shared) for r in _rows(con.execute(f"SELECT * FROM mentions m ORDER BY {_IN_TEXT}"))}
        documents = [_document(r) for r in _rows(con.execute("SELECT * FROM documents ORDER BY path, id"))]
        quotes = [
            Quote(mentions[r[0]], speaker_label=r[2], speaker_mention_id=r[3], speaker=r[4], protected=bool(r[5]),
                  reported_by=r[6])
            for r in _rows(con.execute(f"SELECT q.* FROM quotes q JOIN mentions m ON m.id = q.mention_id ORDER BY {_IN_TEXT}"))
        ]
        figures = [
            Figure(mentions[r[0]], event=r[2], value=r[3], qualifier=r[4], subject=r[5], attributed_to=r[6], when=r[7])
            for r in _rows(con.execute(f"SELECT f.* FROM figures f JOIN mentions m ON m.id = f.mention_id ORDER BY {_IN_TEXT}"))
        ]
        events = [
            Event(id=r[0], doc_id=r[1], date=r[2], precision=r[3], what=r[4], mention_ids=tuple(json.loads(r[5])))
            for r in _rows(con.execute("SELECT * FROM events ORDER BY date, doc_id, id"))
        ]
        protected = [
            ProtectedPerson(doc_id=r[0], label=r[1], names=tuple(json.loads(r[2])), evidence=mentions.get(r[3]))
            for r in _rows(con.execute("SELECT * FROM protected ORDER BY doc_id, label"))
        ]
        entities = [
            Entity(id=r[0], name=r[1], type=r[2], aliases=tuple(json.loads(r[3])), mention_ids=tuple(json.loads(r[4])),
                   protected=bool(r[5]), why=tuple(json.loads(r[6] or "[]")))
            for r in _rows(con.execute("SELECT * FROM entities ORDER BY id"))
        ]
        claims = [
            Claim(id=r[0], event=r[1], low=r[2], high=r[3], figure_ids=tuple(json.loads(r[4])), independent_sources=r[5],
                  status=r[6], note=r[7] or "")
            for r in _rows(con.execute("SELECT * FROM claims ORDER BY id"))
        ]
        totals = {r[0]: json.loads(r[1]) for r in _rows(con.execute("SELECT * FROM totals ORDER BY event"))}
        return Case(documents=documents, mentions=mentions, entities=entities, quotes=quotes, figures=figures,
                    events=events, claims=claims, protected=protected, totals=totals, schema_version=self.schema_version)


def _document(r: Sequence[Any]) -> Document:
    """A document from a row of the ``documents`` table (its first eleven columns)."""
    return Document(id=r[0], path=r[1], sha256=r[2], media_type=r[3], title=r[4], outlet=r[5], author=r[6],
                    published=r[7], url=r[8], text=r[9], noise=tuple(NoiseSpan(*n) for n in json.loads(r[10])))


def _mention(row: Sequence[Any], shared: dict[str, dict[str, Any]] | None = None) -> Mention:
    # A loaded case holds millions of mentions: intern the few distinct document ids,
    # kinds and extractors, and share the decoded attrs of the many identical small ones
    # ({"label": "PERSON"}); loaded mentions are never changed in place.
    raw = row[7] or "{}"
    if shared is not None and len(raw) <= 48:
        attrs = shared.get(raw)
        if attrs is None:
            attrs = shared[raw] = json.loads(raw)
    else:
        attrs = json.loads(raw)
    # Entity names repeat across a case ("Kadyrov" thousands of times): one string per name.
    text = sys.intern(row[6]) if row[4] == "entity" and len(row[6]) <= 64 else row[6]
    return Mention(id=row[0], doc_id=sys.intern(row[1]), start=row[2], end=row[3], kind=sys.intern(row[4]),
                   extractor=sys.intern(row[5]), text=text, attrs=attrs)


def _rows(cursor: Any, size: int = 10_000) -> Iterator[Sequence[Any]]:
    """Rows of a query in chunks, so a large result is never all held as tuples at once."""
    while chunk := cursor.fetchmany(size):
        yield from chunk


class _Transaction:
    def __init__(self, con: Any):
        self.con = con

    def __enter__(self) -> None:
        self.con.execute("BEGIN TRANSACTION")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.con.execute("ROLLBACK" if exc_type else "COMMIT")


def open_case(path: str | Path = DEFAULT_CASE, *, create: bool = False, read_only: bool = False) -> CaseStore:
    """Open a case file.

    Args:
        path: The DuckDB file.
        create: Make a new, empty case file when none exists.
        read_only: Open without write access (several readers may share it).

    Raises:
        CaseFileError: The file is missing (and ``create`` is false), not a case file,
            or of another schema version.
    """
    return CaseStore(path, create=create, read_only=read_only)
