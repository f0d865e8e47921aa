"""Settings through the build: in this process, in worker processes, and ``build --config``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from corroborator.api import load_case
from corroborator.engines.local import BuildOptions, build
from corroborator.registry import RegistryError
from corroborator.settings import DEFAULTS

BIN = Path(sys.executable).parent / "corroborator"
NO_HEADER = {"clean": {"header_lines": 0}}  # bylines are looked for nowhere: the author is not lifted


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=600)


def _authors(case: Path) -> dict[str, str | None]:
    return {Path(d.path).name: d.author for d in load_case(case).documents}


def test_build_options_model_goes_into_the_settings() -> None:
    assert BuildOptions().effective_settings() is DEFAULTS
    assert BuildOptions(model="en_core_web_sm").effective_settings().entities.model == "en_core_web_sm"


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_build_runs_with_its_settings_in_process_and_in_workers(corpus: Path, tmp_path: Path, workers: int) -> None:
    files = [corpus / "article.txt", corpus / "latin1.txt"]
    default = build(files, tmp_path / "default.duckdb", BuildOptions(workers=workers, batch_size=1))
    changed = build(files, tmp_path / "changed.duckdb",
                    BuildOptions(workers=workers, batch_size=1, settings=DEFAULTS.overlay(NO_HEADER)))
    assert default.settings is DEFAULTS and changed.settings.clean.header_lines == 0
    assert _authors(tmp_path / "default.duckdb")["article.txt"] == "Maria Lopez"
    assert _authors(tmp_path / "changed.duckdb")["article.txt"] is None


@pytest.mark.slow
def test_cli_build_config_overlays_the_defaults(corpus: Path, tmp_path: Path) -> None:
    config = tmp_path / "mine.toml"
    config.write_text("[clean]\nheader_lines = 0\n", encoding="utf-8")
    case = tmp_path / "case.duckdb"
    result = _run("build", corpus / "article.txt", "--case", case, "--config", config)
    assert result.returncode == 0, result.stderr
    exported = json.loads(_run("export", case).stdout)
    assert [d["author"] for d in exported["documents"]] == [None]


@pytest.mark.slow
@pytest.mark.parametrize(("text", "message"), [
    ("[clean]\nheader_line = 0\n", "unknown setting 'clean.header_line'"),
    ("[clean]\nheader_lines = \"none\"\n", "setting 'clean.header_lines' must be an integer, not a string"),
    ("[stages]\ndocument = [\"clean.rules.v1\", \"quotes.rules.v1\"]\n", "requires 'entities'"),
])
def test_cli_build_refuses_a_bad_config_naming_file_and_key(corpus: Path, tmp_path: Path, text: str,
                                                            message: str) -> None:
    config = tmp_path / "mine.toml"
    config.write_text(text, encoding="utf-8")
    case = tmp_path / "case.duckdb"
    result = _run("build", corpus / "article.txt", "--case", case, "--config", config)
    assert result.returncode == 1
    assert "Error:" in result.stderr and message in result.stderr and "Traceback" not in result.stderr
    if "stages" not in text:
        assert str(config) in result.stderr


@pytest.mark.parametrize(("stages", "missing"), [
    ({"document": ["clean.rules.v1", "language.lingua.v1", "entities.spacy.v1"]}, "'protected'"),
    ({"case": ["duplicates.minhash.v1"]}, "'case_entities'"),
])
def test_a_build_that_would_leave_witnesses_unprotected_is_refused(corpus: Path, tmp_path: Path,
                                                                    stages: dict, missing: str) -> None:
    settings = DEFAULTS.overlay({"stages": stages})
    with pytest.raises(RegistryError, match=missing):
        build([corpus / "article.txt"], tmp_path / "c.duckdb", BuildOptions(workers=1, settings=settings))
    assert not (tmp_path / "c.duckdb").exists()
