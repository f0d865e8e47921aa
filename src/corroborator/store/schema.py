"""The case file's schema, its version and the migrations between versions.

A new case file gets schema 1 (:data:`BASE`, as release 1 wrote it, never changed)
and then every migration in :data:`MIGRATIONS`, so a new file and a migrated old one
always end up with the same tables. Each migration runs in its own transaction with
the version bump, so a file is at one version or the next, never in between.

Versions:

1. Documents, mentions, per-document results, case-wide entities, claims, totals and
   inputs. Release 1 created the consolidation's own tables, the reviews and the
   accounts on first use, so a schema-1 file may lack any of them.
2. Every table is created with the file: near-duplicate links, provenance, claim
   details, timeline, reviews, users, sessions, audit log, and ``problems`` (one row
   per stage that failed on a document), filled from the problems release 1 kept as
   text in ``documents.problems``.
3. ``documents`` keeps what ingest found beside the text: ``pages`` (JSON list of the
   offset where each page starts; NULL for a document without pages), and a WARC
   record's ``record_id``, ``record_offset`` and ``container_sha256``. Documents of
   older files get NULL (no pages, not from an archive).
4. ``documents`` keeps the document's ``language`` (ISO 639-1) and ``no_extraction``
   ("no extraction for language ru" for a document in a language no pipeline handles:
   stored and searchable, nothing extracted). Documents of older files get NULL (not
   identified, extracted as English).
5. ``audit`` and ``reviews`` form one hash chain (:mod:`corroborator.store.audit`): each
   record keeps its position, the hash of the record before it and its own hash, and
   ``meta`` the chain's head. The records of older files are chained in the order they
   were written.
6. ``phases``: which build phase finished for which document (``analysed``, committed
   with the document; ``consolidated``, committed with the case-wide results), and
   ``build_state``: the case-wide phases started and whether they finished, so a build
   after a crash redoes an interrupted consolidation. Documents of older files count as
   analysed, and as consolidated when the file holds case-wide results.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from corroborator.errors import CaseFileError
from corroborator.store import audit

#: The schema version this code writes.
SCHEMA_VERSION = 6

#: Schema 1, as release 1 created it.
BASE = """
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

_V2_TABLES = """
CREATE TABLE IF NOT EXISTS doc_duplicates (doc_id VARCHAR PRIMARY KEY, original_id VARCHAR, similarity DOUBLE);
CREATE TABLE IF NOT EXISTS provenance (
    mention_id VARCHAR PRIMARY KEY, doc_id VARCHAR, kind VARCHAR, source_key VARCHAR, source_name VARCHAR,
    source_kind VARCHAR, how VARCHAR, relayed_by VARCHAR, evidence_start INTEGER, evidence_end INTEGER,
    original_doc VARCHAR);
CREATE TABLE IF NOT EXISTS claim_details (claim_id VARCHAR PRIMARY KEY, data VARCHAR);
CREATE TABLE IF NOT EXISTS timeline (id VARCHAR PRIMARY KEY, date VARCHAR, precision VARCHAR, what VARCHAR, data VARCHAR);
CREATE SEQUENCE IF NOT EXISTS review_seq;
CREATE TABLE IF NOT EXISTS reviews (
    seq BIGINT PRIMARY KEY DEFAULT nextval('review_seq'), at_utc TIMESTAMP NOT NULL, user_name VARCHAR NOT NULL,
    action VARCHAR NOT NULL, target VARCHAR NOT NULL, before VARCHAR, after VARCHAR, note VARCHAR);
CREATE TABLE IF NOT EXISTS users (
    name VARCHAR PRIMARY KEY, role VARCHAR NOT NULL, password_hash VARCHAR NOT NULL,
    totp_secret VARCHAR, totp_last BIGINT, active BOOLEAN NOT NULL, created_at TIMESTAMP);
CREATE TABLE IF NOT EXISTS sessions (
    token_hash VARCHAR PRIMARY KEY, user_name VARCHAR NOT NULL, csrf VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL, reveal BOOLEAN NOT NULL);
CREATE SEQUENCE IF NOT EXISTS audit_seq;
CREATE TABLE IF NOT EXISTS audit (
    seq BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'), at_utc TIMESTAMP NOT NULL, user_name VARCHAR,
    action VARCHAR NOT NULL, target VARCHAR, detail VARCHAR);
CREATE TABLE IF NOT EXISTS problems (
    doc_id VARCHAR NOT NULL, seq INTEGER NOT NULL, stage VARCHAR, path VARCHAR, error VARCHAR, message VARCHAR,
    PRIMARY KEY (doc_id, seq));
"""


def split_problem(text: str) -> tuple[str | None, str | None, str]:
    """``(stage, error, message)`` of a problem kept as ``"stage: Error: message"`` text.

    Text in another form is all message.
    """
    parts = text.split(": ", 2)
    if len(parts) == 3 and parts[0] and " " not in parts[0] and parts[1].isidentifier():
        return parts[0], parts[1], parts[2]
    return None, None, text


def _v1_to_v2(con: Any) -> None:
    """Create every table with the file; move the text problems of documents into ``problems``."""
    con.execute(_V2_TABLES)
    rows = []
    for doc_id, path, problems in con.execute("SELECT id, path, problems FROM documents "
                                              "WHERE problems IS NOT NULL AND problems <> '[]'").fetchall():
        for seq, text in enumerate(json.loads(problems)):
            stage, error, message = split_problem(str(text))
            rows.append((doc_id, seq, stage, path, error, message))
    if rows:
        con.executemany("INSERT OR REPLACE INTO problems VALUES (?, ?, ?, ?, ?, ?)", rows)


#: The columns schema 3 adds to ``documents``, in table order.
_V3_DOCUMENT_COLUMNS = (("pages", "VARCHAR"), ("record_id", "VARCHAR"), ("record_offset", "BIGINT"),
                        ("container_sha256", "VARCHAR"))


def _v2_to_v3(con: Any) -> None:
    """Give ``documents`` a document's page map and the WARC record it was read from."""
    add_columns(con, "documents", _V3_DOCUMENT_COLUMNS)


#: The columns schema 4 adds to ``documents``, in table order.
_V4_DOCUMENT_COLUMNS = (("language", "VARCHAR"), ("no_extraction", "VARCHAR"))


def _v3_to_v4(con: Any) -> None:
    """Give ``documents`` its language and the flag of a document nothing was extracted from."""
    add_columns(con, "documents", _V4_DOCUMENT_COLUMNS)


def _v4_to_v5(con: Any) -> None:
    """Chain the audit and review records: each keeps the hash of the one before it."""
    audit.add_chain(con)


_V6_TABLES = """
CREATE TABLE IF NOT EXISTS phases (
    doc_id VARCHAR NOT NULL, phase VARCHAR NOT NULL, finished_at TIMESTAMP, PRIMARY KEY (doc_id, phase));
CREATE TABLE IF NOT EXISTS build_state (
    phase VARCHAR PRIMARY KEY, state VARCHAR NOT NULL, settings_digest VARCHAR, at_utc TIMESTAMP);
"""


def _v5_to_v6(con: Any) -> None:
    """Record the finished build phases: every stored document is analysed, and consolidated if results exist."""
    con.execute(_V6_TABLES)
    con.execute("INSERT OR REPLACE INTO phases SELECT id, 'analysed', added_at FROM documents")
    if con.execute("SELECT count(*) FROM entities").fetchone()[0]:
        con.execute("INSERT OR REPLACE INTO phases SELECT id, 'consolidated', added_at FROM documents")


#: ``MIGRATIONS[v - 1]`` turns a schema-``v`` file into a schema-``v + 1`` file.
MIGRATIONS: list[Callable[[Any], None]] = [_v1_to_v2, _v2_to_v3, _v3_to_v4, _v4_to_v5, _v5_to_v6]


def add_columns(con: Any, table: str, columns: tuple[tuple[str, str], ...]) -> None:
    """Add nullable columns at the end of a table.

    In a read-only file's in-memory mirror (:func:`mirror`) the table is a view of the
    file: the view is renamed and shown again with the new columns, all NULL, so the
    file is never written.
    """
    row = con.execute("SELECT table_type FROM information_schema.tables WHERE table_catalog = current_database() "
                      "AND table_name = ?", [table]).fetchone()
    if row is not None and row[0] == "VIEW":
        before = f"_{table}_before_{columns[0][0]}"
        con.execute(f'ALTER VIEW "{table}" RENAME TO "{before}"')
        added = ", ".join(f'CAST(NULL AS {dtype}) AS "{name}"' for name, dtype in columns)
        con.execute(f'CREATE VIEW "{table}" AS SELECT *, {added} FROM "{before}"')
        return
    for name, dtype in columns:
        con.execute(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {dtype}')


def tables(con: Any) -> set[str]:
    """Names of the tables and views of the connection's own database."""
    rows = con.execute("SELECT table_name FROM information_schema.tables "
                       "WHERE table_catalog = current_database()").fetchall()
    return {r[0] for r in rows}


def version(con: Any, where: str) -> int | None:
    """The schema version of a database; None when it is empty (a new case file).

    Raises:
        CaseFileError: A database that is not a case file.
    """
    found = tables(con)
    if "meta" not in found:
        if found:
            raise CaseFileError(f"{where}: a DuckDB database, but not a Corroborator case file")
        return None
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        raise CaseFileError(f"{where}: a case file without a schema version")
    return int(row[0])


def check_known(found: int, where: str) -> None:
    """Refuse a schema this code does not know.

    Raises:
        CaseFileError: The file is of a newer (or impossible) schema version.
    """
    if found > SCHEMA_VERSION:
        raise CaseFileError(f"{where}: case file schema version {found} is newer than this Corroborator, "
                            f"which reads versions 1 to {SCHEMA_VERSION}: upgrade Corroborator to open it")
    if found < 1:
        raise CaseFileError(f"{where}: unknown case file schema version {found}")


def create(con: Any) -> None:
    """Give an empty database the current schema (schema 1, then every migration)."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(BASE)
        con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
        for step in MIGRATIONS:
            step(con)
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def migrate(con: Any, found: int, to: int = SCHEMA_VERSION) -> None:
    """Bring a schema-``found`` database to version ``to`` (:data:`SCHEMA_VERSION`), one transaction per step."""
    for v in range(found, to):
        con.execute("BEGIN TRANSACTION")
        try:
            MIGRATIONS[v - 1](con)
            con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(v + 1)])
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")


def mirror(con: Any, alias: str) -> None:
    """Show the tables of the attached database ``alias`` in ``con``'s own (in-memory) database.

    Every table becomes a view of the attached one, except ``meta``, which is copied so
    migrations can bump the version; a migration then adds what it adds in memory (new
    columns of a table through :func:`add_columns`) and the file itself is never written.
    """
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = ? "
                       "AND table_schema = 'main'", [alias]).fetchall()
    for (name,) in rows:
        source = f'"{alias}".main."{name}"'
        kind = "TABLE" if name == "meta" else "VIEW"
        con.execute(f'CREATE {kind} "{name}" AS SELECT * FROM {source}')
