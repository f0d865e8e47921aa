"""A case file written by an earlier release opens, is migrated, and keeps everything in it."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from corroborator.api import case_info, export_case, load_case
from corroborator.errors import CaseFileError, Problem
from corroborator.model import Document, Extraction
from corroborator.review import accounts
from corroborator.store import SCHEMA_VERSION, open_case, schema

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "case-schema1.duckdb.gz"


@pytest.fixture()
def old_case(tmp_path: Path) -> Path:
    path = tmp_path / "old.duckdb"
    with gzip.open(FIXTURE) as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return path


def test_schema1_case_opens_migrated_with_its_reviews_and_accounts(old_case: Path) -> None:
    case = load_case(old_case)
    machine = load_case(old_case, reviewed=False)
    assert case.schema_version == SCHEMA_VERSION
    # The one review rejected a figure: the reviewed case has one figure fewer than the machine's.
    assert len(machine.figures) - len(case.figures) == 1
    assert {d.outlet for d in case.documents} >= {"Wire", "Aid Daily"}
    with open_case(old_case) as store:
        assert store.schema_version == SCHEMA_VERSION
        user = accounts.get_user(store, "ana")
        assert user is not None and user.role == "admin"
        assert accounts.verify_password(store, "ana", "correct horse battery staple")
        assert sorted(r.action for r in accounts.audit_records(store)) == ["review.figure.reject", "user.add"]
    assert '"schema_version"' in export_case(old_case, "json")


def _raw(path: Path, sql: str, params: list | None = None) -> list:
    con = duckdb.connect(str(path))
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _columns(path: Path) -> dict[str, list[tuple[str, str]]]:
    rows = _raw(path, "SELECT table_name, column_name, data_type FROM information_schema.columns "
                      "ORDER BY table_name, ordinal_position")
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, dtype in rows:
        found.setdefault(table, []).append((column, dtype))
    return found


def test_schema1_case_opened_for_writing_is_migrated_in_place(old_case: Path) -> None:
    assert _raw(old_case, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    before = {t: _raw(old_case, f"SELECT count(*) FROM {t}")[0][0] for t in ("reviews", "users", "audit", "timeline")}
    with open_case(old_case) as store:
        assert store.migrated_from == 1 and store.schema_version == SCHEMA_VERSION == 6
        assert [r.action for r in store.reviews.all()] == ["figure.reject"]
        assert [u.name for u in store.accounts.users()] == ["ana"]
        assert len(store.accounts.audit()) == before["audit"] == 2
        assert store.problems() == []
    assert _raw(old_case, "SELECT value FROM meta WHERE key = 'schema_version'") == [("6",)]
    after = {t: _raw(old_case, f"SELECT count(*) FROM {t}")[0][0] for t in before}
    assert after == before and before["reviews"] == 1 and before["users"] == 1
    tables = set(_columns(old_case))
    assert {"problems", "doc_duplicates", "provenance", "claim_details", "timeline", "reviews", "users",
            "sessions", "audit"} <= tables
    with open_case(old_case) as store:  # a second open has nothing left to do
        assert store.migrated_from is None


def test_migrated_schema_is_the_schema_of_a_new_case_file(old_case: Path, tmp_path: Path) -> None:
    with open_case(old_case):
        pass
    with open_case(tmp_path / "new.duckdb", create=True):
        pass
    assert _columns(old_case) == _columns(tmp_path / "new.duckdb")


def test_schema1_case_opened_read_only_is_migrated_in_memory_and_left_as_it_is(old_case: Path) -> None:
    with open_case(old_case, read_only=True) as store:
        assert store.migrated_from == 1 and store.schema_version == SCHEMA_VERSION
        case = store.load_case()
        assert store.reviews.all() and store.accounts.user("ana") is not None
    assert case.schema_version == SCHEMA_VERSION and case.timeline and case.provenance and case.claim_details
    assert case.problems == [] and case.duplicates == {}
    # The file itself is untouched until it is opened for writing.
    assert _raw(old_case, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    assert "problems" not in set(_columns(old_case))
    with open_case(old_case) as store:
        assert store.load_case() == case


def test_schema1_text_problems_move_into_the_problems_table(old_case: Path) -> None:
    doc_id, path = _raw(old_case, "SELECT id, path FROM documents ORDER BY path LIMIT 1")[0]
    texts = ["quotes.rules.v1: ValueError: no closing quote", "something odd happened"]
    _raw(old_case, "UPDATE documents SET problems = ? WHERE id = ?", [json.dumps(texts), doc_id])
    with open_case(old_case, read_only=True) as store:
        in_memory = store.problems()
    with open_case(old_case) as store:
        migrated = store.problems()
    assert in_memory == migrated == [Problem("quotes.rules.v1", doc_id, "ValueError", "no closing quote"),
                                     Problem("", doc_id, "", "something odd happened")]
    assert _raw(old_case, "SELECT path FROM problems") == [(path,), (path,)]


@pytest.mark.parametrize("read_only", [False, True])
def test_case_file_of_a_newer_schema_is_refused_clearly(old_case: Path, read_only: bool) -> None:
    _raw(old_case, "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    with pytest.raises(CaseFileError, match=rf"schema version {SCHEMA_VERSION + 1} is newer than this Corroborator.*"
                                            rf"upgrade Corroborator"):
        open_case(old_case, read_only=read_only)
    # Refused without being changed.
    assert _raw(old_case, "SELECT value FROM meta WHERE key = 'schema_version'") == [(str(SCHEMA_VERSION + 1),)]


def test_failed_migration_leaves_the_file_at_its_version(old_case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(con) -> None:  # type: ignore[no-untyped-def]
        con.execute("CREATE TABLE problems (x INTEGER)")
        raise RuntimeError("migration failed")

    monkeypatch.setattr(schema, "MIGRATIONS", [broken])
    with pytest.raises(RuntimeError, match="migration failed"):
        open_case(old_case)
    assert _raw(old_case, "SELECT value FROM meta WHERE key = 'schema_version'") == [("1",)]
    assert "problems" not in set(_columns(old_case))


def test_case_info_tells_the_files_own_schema_version(old_case: Path) -> None:
    assert case_info(old_case).schema_version == 1
    with open_case(old_case):
        pass
    assert case_info(old_case).schema_version == SCHEMA_VERSION


# -- schema 3: documents keep their pages and the WARC record they came from -------------------------------------------

def _at_version_2(path: Path) -> Path:
    """Bring a schema-1 file to schema 2 only, through the migrations, as release 2 left it."""
    con = duckdb.connect(str(path))
    try:
        schema.migrate(con, 1, to=2)
    finally:
        con.close()
    return path


PAGED = Document(id="p" * 64, path="in/report.pdf", sha256="p" * 64, media_type="application/pdf",
                 text="Page one text.\n\nPage two text.", pages=(0, 16))
ARCHIVED = Document(id="w" * 64, path="in/crawl.warc.gz#urn:uuid:1234", sha256="w" * 64, media_type="text/html",
                    text="A page of the archive.", url="https://news.example.org/a", record_id="<urn:uuid:1234>",
                    record_offset=5120, container_sha256="c" * 64)


def test_schema2_case_is_migrated_to_the_schema_of_a_new_case_file(old_case: Path, tmp_path: Path) -> None:
    _at_version_2(old_case)
    assert _raw(old_case, "SELECT value FROM meta WHERE key = 'schema_version'") == [("2",)]
    assert "pages" not in {c for c, _ in _columns(old_case)["documents"]}
    machine = load_case(old_case, reviewed=False)  # read-only: migrated in memory, the file left at 2
    assert machine.documents and all(d.pages == () and d.record_id is None for d in machine.documents)
    assert _raw(old_case, "SELECT value FROM meta WHERE key = 'schema_version'") == [("2",)]
    with open_case(old_case) as store:
        assert store.migrated_from == 2 and store.schema_version == SCHEMA_VERSION == 6
        assert [r.action for r in store.reviews.all()] == ["figure.reject"]
        assert store.load_case().documents == machine.documents
    assert _raw(old_case, "SELECT value FROM meta WHERE key = 'schema_version'") == [("6",)]
    with open_case(tmp_path / "new.duckdb", create=True):
        pass
    assert _columns(old_case) == _columns(tmp_path / "new.duckdb")
    assert _columns(old_case)["documents"][-6:-2] == [("pages", "VARCHAR"), ("record_id", "VARCHAR"),
                                                    ("record_offset", "BIGINT"), ("container_sha256", "VARCHAR")]


@pytest.mark.parametrize("version", [1, 2])
def test_documents_keep_pages_and_record_after_migration(old_case: Path, version: int) -> None:
    if version == 2:
        _at_version_2(old_case)
    with open_case(old_case) as store:
        assert store.migrated_from == version
        store.add_extractions([Extraction(PAGED), Extraction(ARCHIVED)])
    with open_case(old_case, read_only=True) as store:
        docs = {d.id: d for d in store.load_case().documents}
        lean = {d.id: d for d in store.lean_reader("none").documents()}
    assert docs[PAGED.id] == lean[PAGED.id] == PAGED and docs[PAGED.id].pages == (0, 16)
    assert docs[ARCHIVED.id] == lean[ARCHIVED.id] == ARCHIVED
    assert _raw(old_case, "SELECT pages, record_id, record_offset, container_sha256 FROM documents WHERE id IN (?, ?) "
                          "ORDER BY id", [PAGED.id, ARCHIVED.id]) == [
        ("[0, 16]", None, None, None), (None, "<urn:uuid:1234>", 5120, "c" * 64)]


def test_new_case_file_keeps_pages_and_record(tmp_path: Path) -> None:
    with open_case(tmp_path / "case.duckdb", create=True) as store:
        store.add_extractions([Extraction(PAGED), Extraction(ARCHIVED)])
        assert {d.id: d for d in store.load_case().documents} == {PAGED.id: PAGED, ARCHIVED.id: ARCHIVED}


def test_schema2_case_opened_read_only_is_migrated_in_memory_and_left_as_it_is(old_case: Path) -> None:
    _at_version_2(old_case)
    with open_case(old_case, read_only=True) as store:
        assert store.migrated_from == 2 and store.schema_version == SCHEMA_VERSION
        case = store.load_case()
        lean = store.lean_reader("none").documents()
    assert sorted(lean, key=lambda d: d.id) == sorted(case.documents, key=lambda d: d.id)
    assert "pages" not in {c for c, _ in _columns(old_case)["documents"]}
    with open_case(old_case) as store:
        assert store.load_case() == case


# -- schema 4: documents keep their language and the no-extraction flag ----------------------------------------------

def _at_version_3(path: Path) -> Path:
    """Bring a schema-1 file to schema 3 only, through the migrations, as release 3 left it."""
    con = duckdb.connect(str(path))
    try:
        schema.migrate(con, 1, to=3)
    finally:
        con.close()
    return path


RUSSIAN = Document(id="r" * 64, path="in/ru.txt", sha256="r" * 64, media_type="text/plain",
                   text="Полиция задержала двенадцать человек.", language="ru",
                   no_extraction="no extraction for language ru")
ENGLISH = Document(id="e" * 64, path="in/en.txt", sha256="e" * 64, media_type="text/plain",
                   text="Police detained twelve people.", language="en")


def test_schema3_case_is_migrated_to_the_schema_of_a_new_case_file(old_case: Path, tmp_path: Path) -> None:
    _at_version_3(old_case)
    assert _raw(old_case, "SELECT value FROM meta WHERE key = 'schema_version'") == [("3",)]
    assert "language" not in {c for c, _ in _columns(old_case)["documents"]}
    machine = load_case(old_case, reviewed=False)  # read-only: migrated in memory, the file left at 3
    assert machine.documents and all(d.language is None and d.no_extraction is None for d in machine.documents)
    assert _raw(old_case, "SELECT value FROM meta WHERE key = 'schema_version'") == [("3",)]
    with open_case(old_case) as store:
        assert store.migrated_from == 3 and store.schema_version == SCHEMA_VERSION == 6
        assert store.load_case().documents == machine.documents
    assert _raw(old_case, "SELECT value FROM meta WHERE key = 'schema_version'") == [("6",)]
    with open_case(tmp_path / "new.duckdb", create=True):
        pass
    assert _columns(old_case) == _columns(tmp_path / "new.duckdb")
    assert _columns(old_case)["documents"][-2:] == [("language", "VARCHAR"), ("no_extraction", "VARCHAR")]


@pytest.mark.parametrize("version", [1, 2, 3])
def test_documents_keep_language_and_flag_after_migration(old_case: Path, version: int) -> None:
    if version == 2:
        _at_version_2(old_case)
    elif version == 3:
        _at_version_3(old_case)
    with open_case(old_case) as store:
        assert store.migrated_from == version
        store.add_extractions([Extraction(RUSSIAN), Extraction(ENGLISH)])
    with open_case(old_case, read_only=True) as store:
        docs = {d.id: d for d in store.load_case().documents}
        lean = {d.id: d for d in store.lean_reader("none").documents()}
    assert docs[RUSSIAN.id] == lean[RUSSIAN.id] == RUSSIAN and docs[ENGLISH.id] == lean[ENGLISH.id] == ENGLISH
    assert _raw(old_case, "SELECT language, no_extraction FROM documents WHERE id IN (?, ?) ORDER BY id",
                [ENGLISH.id, RUSSIAN.id]) == [("en", None), ("ru", "no extraction for language ru")]
    exported = {d["id"]: d for d in json.loads(export_case(old_case, "json"))["documents"]}
    assert exported[RUSSIAN.id]["language"] == "ru"
    assert exported[RUSSIAN.id]["no_extraction"] == "no extraction for language ru"
    assert exported[ENGLISH.id]["language"] == "en" and "no_extraction" not in exported[ENGLISH.id]


def test_schema3_case_opened_read_only_is_migrated_in_memory_and_left_as_it_is(old_case: Path) -> None:
    _at_version_3(old_case)
    with open_case(old_case, read_only=True) as store:
        assert store.migrated_from == 3 and store.schema_version == SCHEMA_VERSION
        case = store.load_case()
        lean = store.lean_reader("none").documents()
    assert sorted(lean, key=lambda d: d.id) == sorted(case.documents, key=lambda d: d.id)
    assert "language" not in {c for c, _ in _columns(old_case)["documents"]}


def test_a_case_file_killed_right_after_it_was_made_opens_again(tmp_path: Path) -> None:
    """The whole schema (every migration) is in the write-ahead log until a checkpoint: it must replay."""
    case = tmp_path / "case.duckdb"
    code = ("import os, sys\nfrom corroborator.store import open_case\n"
            "store = open_case(sys.argv[1], create=True)\nos.kill(os.getpid(), 9)\n")
    subprocess.run([sys.executable, "-c", code, str(case)], check=False, timeout=120)
    assert (tmp_path / "case.duckdb.wal").exists()  # killed before any checkpoint
    with open_case(case) as store:
        assert store.schema_version == SCHEMA_VERSION
        store.reviews.add(at=datetime.now(timezone.utc), user="edna", action="figure.confirm", target="f1",
                          before={}, after={})
        assert [r.target for r in store.reviews.all()] == ["f1"]
