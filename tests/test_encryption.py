"""Encrypted case files: nothing readable on disk, every command opens them with the key, the key never shows."""

from __future__ import annotations

import gzip
import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner, Result
from fastapi.testclient import TestClient

from corroborator import cli as cli_module
from corroborator.cli import cli
from corroborator.errors import CaseFileBusyError, CaseFileError, CaseKeyError
from corroborator.review import accounts
from corroborator.store import (
    KEY_VARIABLE,
    _crypto,
    _files,
    is_encrypted,
    open_case,
    remember_key,
    scratch_dir,
)
from tests.conftest import write_corpus
from tests.test_store_migrate import FIXTURE
from tests.webcase import PASSWORD, build_case, login

KEY = "Sx9-unusual-passphrase-41"
WRONG = "Wq7-another-passphrase-88"
#: Names and quote words of the tiny corpus (tests/conftest.py): none may be readable in an encrypted file.
NEEDLES = ("Maria Lopez", "Paul Grant", "Riverton", "Ana Torres", "Luis Moreno", "Northfield", "Eastvale",
           "taken at night", "foreign agents", "wake the children")


@pytest.fixture(autouse=True)
def _no_remembered_keys() -> Any:
    """Every test starts without a remembered key or a prompt (both live for the process)."""
    _crypto._keys.clear()
    _crypto.set_key_prompt(None)
    yield
    _crypto._keys.clear()
    _crypto.set_key_prompt(None)


def _run(args: list[str], key: str | None = KEY, input: str | None = None) -> Result:
    """Run the CLI with ``key`` (or no key at all) in ``CORROBORATOR_KEY``."""
    runner = CliRunner()
    env = {KEY_VARIABLE: key} if key is not None else {}
    saved = os.environ.pop(KEY_VARIABLE, None)
    try:
        return runner.invoke(cli, args, env=env, input=input)
    finally:
        if saved is not None:
            os.environ[KEY_VARIABLE] = saved


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The tiny corpus built twice: encrypted (with its CLI output) and plain (the control)."""
    root = tmp_path_factory.mktemp("enc")
    corpus = write_corpus(root)
    encrypted, plain = root / "secret" / "case.duckdb", root / "plain" / "case.duckdb"
    encrypted.parent.mkdir()
    plain.parent.mkdir()
    result = _run(["-vv", "build", str(corpus), "--case", str(encrypted), "--encrypt"])
    assert result.exit_code == 0, result.output
    control = _run(["build", str(corpus), "--case", str(plain)], key=None)
    assert control.exit_code == 0, control.output
    return {"corpus": corpus, "encrypted": encrypted, "plain": plain, "output": result.output}


def test_encryption_build_leaves_no_readable_name_or_quote_on_disk(builds: dict[str, Any]) -> None:
    encrypted, plain = builds["encrypted"], builds["plain"]
    assert is_encrypted(encrypted) and not is_encrypted(plain)
    plain_bytes = plain.read_bytes()
    assert all(n.encode() in plain_bytes for n in NEEDLES)  # the control: DuckDB stores these words as they are
    raw = encrypted.read_bytes()
    assert [n for n in NEEDLES if n.encode() in raw or n.encode("utf-16-le") in raw] == []
    # Nothing beside either: no WAL left, no scratch folder (no row file), no DuckDB temporary folder.
    assert sorted(p.name for p in encrypted.parent.iterdir()) == ["case.duckdb"]
    assert sorted(p.name for p in plain.parent.iterdir()) == ["case.duckdb"]


def test_encryption_wal_of_an_open_case_is_encrypted(tmp_path: Path) -> None:
    def written(case: Path, **options: Any) -> bytes:
        with open_case(case, create=True, **options) as store:
            store.record_inputs([("reports/Luis Moreno.txt", "skipped", "Ana Torres was taken at night")])
            wal = Path(f"{case}.wal")
            assert wal.exists()  # the commit is in the WAL until the file is closed
            return wal.read_bytes()

    assert b"Luis Moreno" in written(tmp_path / "plain.duckdb")  # the control
    remember_key(tmp_path / "secret.duckdb", KEY)
    wal = written(tmp_path / "secret.duckdb", encrypt=True)
    assert b"Luis Moreno" not in wal and b"taken at night" not in wal and KEY.encode() not in wal


def test_encryption_every_command_works_with_the_key(builds: dict[str, Any], tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    case = str(builds["encrypted"])
    outputs = [builds["output"]]
    info = _run(["-vv", "info", case])
    assert info.exit_code == 0 and "Encrypted: yes (AES-GCM)" in info.output, info.output
    plain_info = _run(["info", str(builds["plain"])], key=None)
    assert "Encrypted: no" in plain_info.output
    # The same case as the plain build: counts, settings digest and skipped inputs (the paths differ).
    same = ("Schema version", "Settings digest", "documents:", "entities:", "quotes:", "figures:", "skipped")
    assert [line for line in info.output.splitlines() if line.startswith(same)] == [
        line for line in plain_info.output.splitlines() if line.startswith(same)]
    assert "documents: 0" not in info.output
    exported = _run(["export", case, "--redact"])
    assert exported.exit_code == 0 and '"documents"' in exported.output
    markdown = _run(["export", case, "--format", "md", "-o", str(tmp_path / "case.md")])
    report = _run(["report", case, "-o", str(tmp_path / "report.html")])
    assert markdown.exit_code == 0 and report.exit_code == 0, markdown.output + report.output
    assert "Riverton" in (tmp_path / "report.html").read_text(encoding="utf-8")
    added = _run(["user", "add", "edna", "--role", "editor", "--case", case, "--password-stdin"],
                 input=PASSWORD + "\n")
    listed = _run(["user", "list", "--case", case])
    assert added.exit_code == 0 and "edna\teditor" in listed.output, added.output + listed.output
    again = _run(["-vv", "build", str(builds["corpus"]), "--case", case])
    assert again.exit_code == 0 and "0 document(s) added" in again.output, again.output
    outputs += [info.output, exported.output, markdown.output, report.output, added.output, listed.output,
                again.output]
    assert not [o for o in outputs if KEY in o]
    assert caplog.text and KEY not in caplog.text
    assert sorted(p.name for p in builds["encrypted"].parent.iterdir()) == ["case.duckdb"]


@pytest.mark.parametrize("key", [None, "", WRONG])
def test_encryption_commands_without_the_right_key_fail_clearly(builds: dict[str, Any], tmp_path: Path,
                                                                key: str | None) -> None:
    case = str(builds["encrypted"])
    commands = [["info", case], ["export", case], ["report", case, "-o", str(tmp_path / "r.html")],
                ["user", "list", "--case", case], ["serve", case],
                ["user", "add", "vic", "--case", case, "--password-stdin"],
                ["build", str(builds["corpus"]), "--case", case]]
    for args in commands:
        result = _run(args, key=key, input=PASSWORD + "\n")
        assert result.exit_code == 1, (args, result.output)
        assert isinstance(result.exception, SystemExit), (args, result.exception)  # a message, no traceback
        assert "Traceback" not in result.output
        if key == WRONG:
            assert "wrong key" in result.output and WRONG not in result.output, (args, result.output)
        else:
            assert KEY_VARIABLE in result.output and "encrypted" in result.output, (args, result.output)
    assert not (tmp_path / "r.html").exists()


def test_encryption_refuses_to_encrypt_an_existing_plain_case(builds: dict[str, Any]) -> None:
    before = builds["plain"].read_bytes()
    result = _run(["build", str(builds["corpus"]), "--case", str(builds["plain"]), "--encrypt"])
    assert result.exit_code == 1 and "not encrypted" in result.output, result.output
    assert builds["plain"].read_bytes() == before


def test_encryption_a_plain_case_opened_with_a_key_still_opens(builds: dict[str, Any]) -> None:
    result = _run(["info", str(builds["plain"])])
    assert result.exit_code == 0 and "documents: 5" in result.output, result.output


def test_encryption_key_is_asked_twice_on_a_terminal_and_never_echoed(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_module, "_interactive", lambda: True)
    corpus = write_corpus(tmp_path)
    case = tmp_path / "case.duckdb"
    short = _run(["build", str(corpus), "--case", str(case), "--encrypt"], key=None, input="short\nshort\n")
    assert short.exit_code == 1 and "at least 8" in short.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]  # no case file, no scratch folder
    built = _run(["build", str(corpus), "--case", str(case), "--encrypt"], key=None,
                 input=f"{KEY}\n{WRONG}\n{KEY}\n{KEY}\n")
    assert built.exit_code == 0, built.output
    assert built.output.count("New key for the encrypted case file") == 2 and "do not match" in built.output
    assert KEY not in built.output and WRONG not in built.output and is_encrypted(case)
    _crypto._keys.clear()
    info = _run(["info", str(case)], key=None, input=f"{KEY}\n")
    assert info.exit_code == 0 and "Key of the encrypted case file" in info.output and KEY not in info.output
    _crypto._keys.clear()
    exported = _run(["export", str(case)], key=None, input=f"{KEY}\n")
    assert exported.exit_code == 0 and json.loads(exported.stdout)["documents"]  # the prompt is not in the JSON
    _crypto._keys.clear()
    wrong = _run(["info", str(case)], key=None, input=f"{WRONG}\n")
    assert wrong.exit_code == 1 and "wrong key" in wrong.output and WRONG not in wrong.output


def _encrypted_web_case(tmp_path: Path) -> Path:
    case = tmp_path / "case.duckdb"
    remember_key(case, KEY)
    with open_case(case, create=True, encrypt=True):
        pass
    build_case(case)
    with open_case(case) as store:
        accounts.add_user(store, "edna", "editor", PASSWORD)
    _crypto._keys.clear()
    return case


def test_encryption_serve_shows_pages_of_an_encrypted_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    case = _encrypted_web_case(tmp_path)
    monkeypatch.setenv(KEY_VARIABLE, KEY)  # the app reopens the file after an idle moment
    served: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.update(app=app))
    result = _run(["serve", str(case)])
    assert result.exit_code == 0 and KEY not in result.output, result.output
    with TestClient(served["app"]) as client:
        login(client, "edna")
        first = client.get("/documents")
        assert first.status_code == 200 and "Riverton" in first.text
        served["app"].state.case.close()  # as after an idle moment: the next request opens the file again
        again = client.get("/quotes")
        assert again.status_code == 200 and "Grant" in again.text
    assert is_encrypted(case) and b"Riverton" not in case.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.duckdb"]


def test_encryption_bulk_inserts_never_write_rows_to_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_file(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("rows of an encrypted case were written to a file")

    monkeypatch.setattr(_files.tempfile, "mkstemp", no_file)
    rows = [(f"reports/{i}-Luis Moreno.txt", "skipped", "reason ' \" \\n é" * (i % 3)) for i in range(700)]
    for memfd in (True, False) if _files._MEMFD else (False,):
        monkeypatch.setattr(_files, "_MEMFD", memfd)
        monkeypatch.setattr(_files, "_JSON_CHUNK_CHARS", 5000)  # several statements in the fallback
        case = tmp_path / f"case-{memfd}.duckdb"
        remember_key(case, KEY)
        with open_case(case, create=True, encrypt=True) as store:
            store.record_inputs(rows)
            found = store.con.execute("SELECT path, status, reason FROM inputs ORDER BY path").fetchall()
        assert found == sorted(rows)


def _spilled(case: Path, **options: Any) -> list[bytes]:
    """What DuckDB spills to disk for a temporary table of witness names too big for its memory."""
    with open_case(case, create=True, **options) as store:
        folder = Path(store.con.execute("SELECT current_setting('temp_directory')").fetchone()[0])
        assert folder.parent == scratch_dir(case).resolve() and folder.is_dir()
        assert (folder.stat().st_mode & 0o777) == 0o700 and (scratch_dir(case).stat().st_mode & 0o777) == 0o700
        store.con.execute("SET memory_limit = '16MB'")
        store.con.execute("SET threads = 1")
        store.con.execute("CREATE TEMP TABLE spill AS SELECT 'Luis Moreno said ' || i AS s FROM range(1000000) r(i)")
        found = [p.read_bytes() for p in folder.iterdir()]
    assert not folder.exists() and not scratch_dir(case).exists()
    return found


def test_encryption_duckdb_temporary_files_stay_beside_the_case_and_are_encrypted(tmp_path: Path) -> None:
    plain = _spilled(tmp_path / "plain.duckdb")
    assert plain and any(b"Luis Moreno" in b for b in plain)  # the control: a plain case spills plain text
    remember_key(tmp_path / "secret.duckdb", KEY)
    spilled = _spilled(tmp_path / "secret.duckdb", encrypt=True)
    assert spilled and not any(b"Luis Moreno" in b for b in spilled)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain.duckdb", "secret.duckdb"]


def test_encryption_leftover_temporary_folders_of_dead_processes_are_removed(tmp_path: Path) -> None:
    case = tmp_path / "case.duckdb"
    with open_case(case, create=True):
        pass
    scratch_dir(case).mkdir()
    dead = scratch_dir(case) / "duckdb-999999999-x"  # no such process
    alive = scratch_dir(case) / f"duckdb-{os.getpid()}-y"
    for folder in (dead, alive):
        folder.mkdir()
        (folder / "duckdb_temp_block-1.block").write_bytes(b"spilled")
    with open_case(case):
        assert not dead.exists() and alive.exists()


def test_encryption_errors_never_hold_the_key(tmp_path: Path) -> None:
    case = tmp_path / "case.duckdb"
    echoed = duckdb.ParserException(f"syntax error at or near ENCRYPTION_KEY '{KEY}'")
    error = _crypto.attach_error(case, echoed, KEY)
    assert KEY not in str(error) and "***" in str(error)
    quoted = "it's-a-key-with-quotes"
    assert quoted not in _crypto.scrub(f"ATTACH 'x' (ENCRYPTION_KEY '{quoted.replace(chr(39), chr(39) * 2)}')", quoted)
    assert "it''s" not in _crypto.scrub(f"(ENCRYPTION_KEY '{quoted.replace(chr(39), chr(39) * 2)}')", quoted)
    wrong = _crypto.attach_error(case, duckdb.InvalidInputException("Wrong encryption key used"), WRONG)
    assert isinstance(wrong, CaseKeyError) and "wrong key" in str(wrong)


def test_encryption_library_opens_with_the_variable_and_detects_encrypted_files(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = tmp_path / "case.duckdb"
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    with pytest.raises(CaseKeyError, match=KEY_VARIABLE):
        open_case(case, create=True, encrypt=True)
    assert not case.exists()
    monkeypatch.setenv(KEY_VARIABLE, KEY)
    open_case(case, create=True, encrypt=True).close()
    with open_case(case, read_only=True) as store:
        assert store.encrypted and store.counts()["documents"] == 0
    monkeypatch.delenv(KEY_VARIABLE)
    with pytest.raises(CaseKeyError, match="is encrypted"):
        open_case(case, read_only=True)
    not_duckdb = tmp_path / "notes.duckdb"
    not_duckdb.write_bytes(b"x" * 64)
    assert not is_encrypted(not_duckdb) and not is_encrypted(tmp_path / "missing.duckdb")
    with pytest.raises(CaseFileError) as raised:
        open_case(not_duckdb)
    assert not isinstance(raised.value, CaseKeyError)


def test_encryption_older_schema_reads_in_memory_and_migrates_in_place(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:

    plain, case = tmp_path / "old.duckdb", tmp_path / "old-encrypted.duckdb"
    with gzip.open(FIXTURE) as src, plain.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    con = duckdb.connect(":memory:")
    _crypto.load_openssl(con, required=True)
    con.execute(f"ATTACH '{plain}' AS old (READ_ONLY)")
    con.execute(f"ATTACH '{case}' AS new (ENCRYPTION_KEY ?)", [KEY])
    con.execute("COPY FROM DATABASE old TO new")
    con.close()
    monkeypatch.setenv(KEY_VARIABLE, KEY)

    def stored_version() -> str:
        with open_case(case, read_only=True) as store:
            return str(store.con.execute("SELECT value FROM stored.meta WHERE key = 'schema_version'").fetchone()[0])

    with open_case(case, read_only=True) as store:
        assert store.encrypted and store.migrated_from == 1 and store.accounts.user("ana") is not None
        # The in-memory mirror spills encrypted, beside the case, like any encrypted connection.
        spill = store.con.execute("SELECT current_setting('temp_file_encryption'), "
                                  "current_setting('temp_directory')").fetchone()
        assert spill[0] is True and Path(spill[1]).parent == scratch_dir(case).resolve()
        read = store.load_case()
    assert stored_version() == "1"  # read through the in-memory mirror: the file is left as it is
    with open_case(case) as store:
        assert store.migrated_from == 1 and store.load_case() == read
    with open_case(case, read_only=True) as store:
        assert store.migrated_from is None
    assert is_encrypted(case)


def test_encryption_builds_give_the_plain_build_s_case(builds: dict[str, Any], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from corroborator.api import export_case
    from corroborator.engines.local import build

    monkeypatch.setenv(KEY_VARIABLE, KEY)
    monkeypatch.setattr(_files, "_MEMFD", False)  # rows bound as JSON text, as where there is no memfd
    case = tmp_path / "fallback.duckdb"
    open_case(case, create=True, encrypt=True).close()
    build([builds["corpus"]], case)
    plain = export_case(builds["plain"], "json")
    assert export_case(builds["encrypted"], "json") == plain
    assert export_case(case, "json") == plain


def test_encryption_an_altered_case_file_is_refused_clearly(builds: dict[str, Any], tmp_path: Path) -> None:
    altered = tmp_path / "altered.duckdb"
    data = bytearray(builds["encrypted"].read_bytes())
    for block in range(12288, len(data), 262144):  # one bit in every block after the headers
        data[block + 100] ^= 1
    altered.write_bytes(bytes(data))
    for args in (["info", str(altered)], ["export", str(altered)]):
        result = _run(args)
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
        assert "altered or damaged" in result.output and KEY not in result.output, result.output


@pytest.mark.parametrize("encrypt", [False, True])
def test_encryption_a_case_held_by_another_process_is_busy_not_damaged(tmp_path: Path, encrypt: bool) -> None:

    case = tmp_path / "case.duckdb"
    remember_key(case, KEY)
    open_case(case, create=True, encrypt=encrypt).close()
    hold = ("import sys; from corroborator.store import open_case, remember_key; remember_key(sys.argv[1], sys.argv[2]); "
            "s = open_case(sys.argv[1]); print('open', flush=True); sys.stdin.read(); s.close()")
    holder = subprocess.Popen([sys.executable, "-c", hold, str(case), KEY], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=os.environ | {"PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(CaseFileBusyError, match="in use by another Corroborator process") as raised:
            open_case(case, read_only=True)
        assert KEY not in str(raised.value)
    finally:
        holder.communicate("", timeout=60)


def test_encryption_search_index_never_spills_case_text_to_disk(tmp_path: Path) -> None:
    from corroborator.store.search import SearchIndex

    case = _encrypted_web_case(tmp_path)
    remember_key(case, KEY)
    with open_case(case, read_only=True) as store:
        index = SearchIndex(store.load_case())
    try:
        assert index._con.execute("SELECT current_setting('temp_directory')").fetchone()[0] == ""
        assert index.search("Riverton").total
    finally:
        index.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.duckdb"]
