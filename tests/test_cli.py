"""The command line, through the installed entry point, on the tiny corpus and the sample."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corroborator.store import SCHEMA_VERSION
from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent / "corroborator"


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_cli_build_reports_read_unchanged_and_skipped(corpus: Path, tmp_path: Path) -> None:
    case = tmp_path / "case.duckdb"
    first = run("build", corpus, "--case", case)
    assert first.returncode == 0, first.stderr
    assert "4 read, 0 unchanged, 5 skipped; 5 document(s) added" in first.stdout
    for name, reason in [("binary.txt", "binary file"), ("empty.txt", "empty file"),
                         ("image.png", "unsupported file type"), ("reports.jsonl", "line 3: not JSON")]:
        assert any(name in line and reason in line for line in first.stderr.splitlines()), (name, first.stderr)
    assert "Traceback" not in first.stderr

    again = run("build", corpus, "--case", case)
    assert again.returncode == 0, again.stderr
    assert "0 read, 4 unchanged, 5 skipped; 0 document(s) added" in again.stdout
    info = run("info", case)
    assert "documents: 5" in info.stdout and f"Schema version: {SCHEMA_VERSION}" in info.stdout


def test_cli_build_adds_new_files_incrementally(corpus: Path, tmp_path: Path) -> None:
    case = tmp_path / "case.duckdb"
    assert run("build", corpus / "article.txt", "--case", case).returncode == 0
    (corpus / "new.md").write_text("Troops detained 14 journalists in Westport on Friday, the union said.\n")
    result = run("build", corpus / "article.txt", corpus / "new.md", "--case", case)
    assert "1 read, 1 unchanged, 0 skipped; 1 document(s) added" in result.stdout
    assert "documents: 2" in run("info", case).stdout


def test_cli_nothing_readable_exits_non_zero_without_traceback(corpus: Path, tmp_path: Path) -> None:
    result = run("build", corpus / "empty.txt", corpus / "binary.txt", "--case", tmp_path / "c.duckdb")
    assert result.returncode == 1
    assert "no input could be read" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [("info", "missing.duckdb"), ("export", "missing.duckdb"), ("report", "missing.duckdb")])
def test_cli_user_errors_are_one_line_messages(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert "Error:" in result.stderr and "no such case file" in result.stderr
    assert "Traceback" not in result.stderr


def test_cli_export_json_is_the_contract_and_redacts(built_sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "case.json"
    assert run("export", built_sample, "--format", "json", "-o", out).returncode == 0
    data = json.loads(out.read_text())
    assert set(data) >= {"documents", "entities", "quotes", "figures", "events", "claims", "totals"}
    redacted = run("export", built_sample, "--format", "json", "--redact")
    assert redacted.returncode == 0
    assert "Azmad" in out.read_text() and "Azmad" not in redacted.stdout


def test_cli_export_csv_and_markdown(built_sample: Path, tmp_path: Path) -> None:
    assert run("export", built_sample, "--format", "csv").returncode == 2  # a folder is required
    result = run("export", built_sample, "--format", "csv", "-o", tmp_path / "tables")
    assert result.returncode == 0, result.stderr
    names = {p.name for p in (tmp_path / "tables").iterdir()}
    assert {"documents.csv", "quotes.csv", "figures.csv", "entities.csv"} <= names
    md = run("export", built_sample, "--format", "md")
    assert md.returncode == 0 and md.stdout.startswith("#")


def test_cli_report_is_written(built_sample: Path, tmp_path: Path) -> None:
    result = run("report", built_sample, "-o", tmp_path / "r.html")
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "r.html").read_text()
    assert "<html" in html.lower() and "http://" not in html and "https://" not in html


def test_cli_sample_paths_are_the_bundled_ones() -> None:
    assert sorted(p.name for p in SAMPLE.iterdir()) == [
        "000_42d309905ccddbbf.txt", "001_84db0b506a7eb1af.txt", "002_ca6433f55288dbd4.txt",
        "003_78d1522f80f251db.txt", "004_aefdb54a032392ff.txt"]
