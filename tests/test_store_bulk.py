"""Bulk inserts: rows written as JSON lines and read back by DuckDB, whatever their values."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from corroborator.model import Document, Extraction
from corroborator.store import open_case
from corroborator.store._files import _json_object
from corroborator.store._rows import extraction_rows, timestamp

TEXT = "Мелани said “46 men” were held in Argun.\u2028Next\x00line, and a lone \\ backslash."


def test_rows_keep_every_character_and_number_through_the_json_lines() -> None:
    names = ["text", "big", "small", "ratio", "none", "flag"]
    row = [TEXT, 2**70, -(2**63), 0.1 + 0.2, None, True]
    assert json.loads(_json_object(names, row)) == dict(zip(names, row))  # 2**70: beyond orjson, through json


def test_stored_rows_read_back_exactly(tmp_path: Path) -> None:
    doc = Document(id="d" * 64, path="odd.txt", sha256="d" * 64, media_type="text/plain", text=TEXT)
    now = timestamp()
    with open_case(tmp_path / "c.duckdb", create=True) as store:
        store.add_rows([doc.id], extraction_rows([Extraction(doc)], now), now)
        (back,) = store.load_case().documents
    assert back.text == TEXT and back.path == "odd.txt"


def test_single_threaded_gives_back_the_thread_count(tmp_path: Path) -> None:
    with open_case(tmp_path / "c.duckdb", create=True) as store:
        before = store.con.execute("SELECT current_setting('threads')").fetchone()[0]
        with store.single_threaded():
            assert store.con.execute("SELECT current_setting('threads')").fetchone()[0] == 1
        assert store.con.execute("SELECT current_setting('threads')").fetchone()[0] == before


def test_pandas_is_marked_missing_only_when_it_is_not_installed(tmp_path: Path) -> None:
    # A stand-in pandas on the path: the store must leave it importable.
    (tmp_path / "pandas.py").write_text("VERSION = 'stand-in'\n")
    code = "import corroborator.store; import pandas; print(pandas.VERSION)"
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={"PYTHONPATH": str(tmp_path), "PATH": ""}, check=True)
    assert shown.stdout.strip() == "stand-in"
    code = ("import importlib.util, sys; had = importlib.util.find_spec('pandas') is not None; "
            "import corroborator.store; print(had, sys.modules.get('pandas', 'absent') is None)")
    had, marked = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert marked == ("False" if had == "True" else "True")
