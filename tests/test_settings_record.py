"""The settings' digest in the case file: stored by the build, shown by ``info`` and the export,
and a case extended (or rebuilt) with other settings is reported."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from corroborator.api import case_info, export_case, load_case
from corroborator.consolidate import read_details
from corroborator.engines.local import BuildOptions, build
from corroborator.settings import DEFAULTS, load_settings
from corroborator.store import SCHEMA_VERSION, CaseStore, open_case
from tests.test_consolidate_duplicates import COPY, ORIGINAL

BIN = Path(sys.executable).parent / "corroborator"
OLD_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "case-schema1.duckdb.gz"
STRICT = "[duplicates]\n# the copy is ~0.8 alike: no longer a copy\nthreshold = 0.9\n"


def _run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=600)


@pytest.fixture()
def reports(tmp_path: Path) -> Path:
    """A wire story and its syndicated copy (alike enough to be copies under the default threshold)."""
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "original.txt").write_text(ORIGINAL, encoding="utf-8")
    (folder / "copy.txt").write_text(COPY, encoding="utf-8")
    return folder


@pytest.fixture()
def strict_config(tmp_path: Path) -> Path:
    path = tmp_path / "strict.toml"
    path.write_text(STRICT, encoding="utf-8")
    return path


# -- the store ----------------------------------------------------------------------------
def test_the_store_records_settings_and_history_in_meta_without_a_schema_change(tmp_path: Path) -> None:
    path = tmp_path / "case.duckdb"
    other = DEFAULTS.overlay({"totals": {"max_details": 3}})
    with CaseStore(path) as store:
        assert store.builds.current().digest is None and store.builds.current().history == ()
        store.builds.record(DEFAULTS.digest(), DEFAULTS.to_json(), documents_added=4, consolidated=True)
        store.builds.record(other.digest(), other.to_json(), documents_added=0, consolidated=True)
        store.builds.record(other.digest(), other.to_json(), documents_added=2, consolidated=True)
    with open_case(path, read_only=True) as store:
        recorded = store.builds.current()
        assert store.schema_version == SCHEMA_VERSION == 6
        assert recorded.digest == other.digest() and json.loads(recorded.settings_json) == other.to_dict()
        assert [(b.settings_digest, b.documents_added) for b in recorded.history] == [
            (DEFAULTS.digest(), 4), (other.digest(), 0), (other.digest(), 2)]
        assert recorded.analysed_with == (DEFAULTS.digest(), other.digest())
        assert store.builds.settings_json(DEFAULTS.digest()) == DEFAULTS.to_json()
        assert store.load_case().settings_digest == other.digest()


def test_a_case_file_from_before_settings_were_recorded_reads_none(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with gzip.open(OLD_FIXTURE) as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    info = case_info(path)
    assert info.settings_digest is None and info.settings_json is None and info.builds == ()
    assert json.loads(export_case(path, "json"))["settings_digest"] is None


def test_the_digest_changes_with_any_setting_the_case_steps_use() -> None:
    digests = {DEFAULTS.digest(), DEFAULTS.overlay({"duplicates": {"threshold": 0.9}}).digest(),
               DEFAULTS.overlay({"timeline": {"similarity": 0.31}}).digest(),
               DEFAULTS.overlay({"stages": {"case": list(DEFAULTS.stages.case[:-1])}}).digest()}
    assert len(digests) == 4


# -- the build ----------------------------------------------------------------------------
@pytest.mark.slow
def test_build_records_the_digest_and_info_and_export_show_it(reports: Path, tmp_path: Path) -> None:
    case = tmp_path / "case.duckdb"
    summary = build([reports], case)
    assert summary.settings_digest == DEFAULTS.digest() and summary.previous_settings_digest is None
    assert summary.warnings == [] and summary.consolidated
    info = case_info(case)
    assert info.settings_digest == DEFAULTS.digest() and json.loads(info.settings_json) == DEFAULTS.to_dict()
    assert [(b.settings_digest, b.documents_added, b.consolidated) for b in info.builds] == [
        (DEFAULTS.digest(), 2, True)]
    assert load_case(case).settings_digest == DEFAULTS.digest()
    assert json.loads(export_case(case, "json"))["settings_digest"] == DEFAULTS.digest()
    assert json.loads(export_case(case, "json", redact=True))["settings_digest"] == DEFAULTS.digest()
    with open_case(case, read_only=True) as store:
        assert len(read_details(store)["duplicates"]) == 1

    again = build([reports], case)  # the same settings, nothing new: nothing recorded, nothing said
    assert again.warnings == [] and not again.consolidated and again.previous_settings_digest == DEFAULTS.digest()
    assert case_info(case).builds == info.builds


@pytest.mark.slow
def test_a_user_config_threshold_changes_consolidation_and_the_rebuild_is_reported(
        reports: Path, strict_config: Path, tmp_path: Path) -> None:
    case = tmp_path / "case.duckdb"
    build([reports], case)
    strict = load_settings(strict_config)
    summary = build([reports], case, BuildOptions(settings=strict))
    # No document is new, but the case-wide results are recomputed with the file's threshold.
    assert summary.documents_added == 0 and summary.consolidated
    with open_case(case, read_only=True) as store:
        assert read_details(store)["duplicates"] == []
    (warning,) = summary.warnings
    assert DEFAULTS.digest()[:12] in warning and strict.digest()[:12] in warning
    assert "other settings" in warning and "2 document(s) already in it keep the analysis" in warning
    info = case_info(case)
    assert info.settings_digest == strict.digest()
    assert [(b.settings_digest, b.documents_added) for b in info.builds] == [(DEFAULTS.digest(), 2),
                                                                             (strict.digest(), 0)]
    assert info.analysed_with == (DEFAULTS.digest(),)

    # A new report under the new settings: the case now holds documents analysed under two settings.
    (reports / "more.txt").write_text("Troops detained 14 journalists in Westport on Friday, the union said.\n",
                                      encoding="utf-8")
    more = build([reports], case, BuildOptions(settings=strict))
    assert more.documents_added == 1 and more.warnings == []
    assert case_info(case).analysed_with == (DEFAULTS.digest(), strict.digest())
    back = build([reports], case)
    assert len(back.warnings) == 1 and "the 3 document(s) already in it" in back.warnings[0]
    with open_case(case, read_only=True) as store:
        assert len(read_details(store)["duplicates"]) == 1


@pytest.mark.slow
def test_cli_build_config_shows_and_records_the_digest_and_warns_on_other_settings(
        reports: Path, strict_config: Path, tmp_path: Path) -> None:
    case = tmp_path / "case.duckdb"
    strict = load_settings(strict_config)
    first = _run("build", reports, "--case", case, "--config", strict_config)
    assert first.returncode == 0, first.stderr
    assert f"Settings digest: {strict.digest()}" in first.stdout and "Warning" not in first.stderr
    assert json.loads(_run("export", case).stdout)["settings_digest"] == strict.digest()

    info = _run("info", case)
    assert info.returncode == 0, info.stderr
    assert f"Settings digest: {strict.digest()}" in info.stdout
    assert f"settings {strict.digest()[:12]}, 2 document(s) added, case-wide results recomputed" in info.stdout
    assert json.loads(_run("info", case, "--settings").stdout) == strict.to_dict()

    (reports / "more.txt").write_text("Troops detained 14 journalists in Westport on Friday, the union said.\n",
                                      encoding="utf-8")
    second = _run("build", reports, "--case", case)
    assert second.returncode == 0, second.stderr
    assert "Warning:" in second.stderr and "built with other settings" in second.stderr
    assert strict.digest()[:12] in second.stderr and DEFAULTS.digest()[:12] in second.stderr
    assert "Traceback" not in second.stderr
    info = _run("info", case).stdout
    assert f"Settings digest: {DEFAULTS.digest()}" in info
    assert "Mixed settings: documents were analysed with 2 different settings" in info


@pytest.mark.slow
def test_cli_build_refuses_a_case_step_list_that_cannot_run(reports: Path, tmp_path: Path) -> None:
    config = tmp_path / "steps.toml"
    config.write_text('[stages]\ncase = ["entities.resolve.v1", "provenance.sources.v1"]\n', encoding="utf-8")
    case = tmp_path / "case.duckdb"
    result = _run("build", reports, "--case", case, "--config", config)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "'provenance.sources.v1' requires 'duplicates'" in result.stderr
    assert not case.exists()


@pytest.mark.slow
def test_extending_a_case_file_that_records_no_settings_says_so(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with gzip.open(OLD_FIXTURE) as src, path.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    report = tmp_path / "more.txt"
    report.write_text("Troops detained 14 journalists in Westport on Friday, the union said.\n", encoding="utf-8")
    summary = build([report], path)
    assert summary.documents_added == 1 and summary.previous_settings_digest is None
    (warning,) = summary.warnings
    assert "records no settings" in warning and "analysed with settings that are not known" in warning
    assert case_info(path).settings_digest == DEFAULTS.digest()
