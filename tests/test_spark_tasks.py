"""What the Spark executors run, without Spark: rows of the Parquet layout from input files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corroborator.engines import spark as spark_engine
from corroborator.engines._spark_tasks import analyse_inputs
from corroborator.errors import CorroboratorError
from corroborator.ingest import IngestOptions
from corroborator.settings import DEFAULTS
from corroborator.store import CaseStore
from corroborator.store._rows import EXTRACTION_TABLES
from corroborator.store.parquet import PARQUET_FIELDS, table_field
from tests.conftest import write_corpus


def _columns(tmp_path: Path) -> dict[str, list[tuple[str, str]]]:
    with CaseStore(tmp_path / "schema.duckdb") as store:
        return store.extraction_columns()


def test_schema_has_a_field_per_table_column(tmp_path: Path) -> None:
    columns = _columns(tmp_path)
    schema = spark_engine._schema(columns)
    for table in EXTRACTION_TABLES:
        assert f"{table_field(table)} array<struct<" in schema
        for name, _ in columns[table]:
            assert f"`{name}`:" in schema
    assert schema.startswith(", ".join(f"{name} " for name, _ in PARQUET_FIELDS[:1]))


@pytest.mark.slow
def test_rows_say_what_became_of_each_file(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path)
    (corpus / "zz-copy.txt").write_bytes((corpus / "article.txt").read_bytes())  # same document, later file
    files = sorted(p for p in corpus.iterdir())
    items = [(i, str(p), None, None) for i, p in enumerate(files)]
    rows = list(analyse_inputs(items, DEFAULTS, IngestOptions(), known=frozenset, batch_size=2))
    columns = _columns(tmp_path)
    width = len(PARQUET_FIELDS) + len(EXTRACTION_TABLES)
    assert all(len(r) == width for r in rows)
    inputs = {Path(r[3]).name: r for r in rows if r[0] == "input"}
    assert set(inputs) == {p.name for p in files}
    assert inputs["empty.txt"][4:6] == ("skipped", "empty file")
    assert inputs["image.png"][4] == "skipped"
    # The first file in input order has the document; the later copy adds nothing.
    assert inputs["zz-copy.txt"][4] == "unchanged" and inputs["article.txt"][4] == "read"
    assert inputs["reports.jsonl"][4] == "read" and inputs["reports.jsonl"][6]  # its bad lines
    batches = [r for r in rows if r[0] == "batch"]
    docs = [d for r in batches for d in r[len(PARQUET_FIELDS)]]
    assert len({d[0] for d in docs}) == len(docs) == 5  # article, latin1, page, two jsonl lines
    for r in batches:
        for table, table_rows in zip(EXTRACTION_TABLES, r[len(PARQUET_FIELDS):], strict=True):
            assert all(len(row) == len(columns[table]) for row in table_rows)
            if table != "documents":
                at = [name for name, _ in columns[table]].index("doc_id")
                assert {row[at] for row in table_rows} <= {d[0] for d in r[len(PARQUET_FIELDS)]}
    # Documents known to the case are not analysed again.
    known = frozenset(d[0] for d in docs)
    again = list(analyse_inputs(items, DEFAULTS, IngestOptions(), known=lambda: known))
    assert not [r for r in again if r[0] == "batch"]
    assert {r[4] for r in again if r[0] == "input" and r[5] is None} == {"unchanged"}
    assert json.loads(json.dumps([list(r[:9]) for r in rows]))  # the scalar fields are plain data


def test_a_dataset_folder_duckdb_would_read_as_a_pattern_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CorroboratorError, match="pattern"):
        spark_engine._dataset(str(tmp_path), str(tmp_path / "out[1]"))
    assert spark_engine._dataset(str(tmp_path), None) == (str(tmp_path / "extractions"), True)
    assert spark_engine._dataset(str(tmp_path), "hdfs://nn/out")[1] is False


def test_scratch_data_of_a_case_named_like_a_pattern_goes_beside_it(tmp_path: Path) -> None:
    with CaseStore(tmp_path / "case[1].duckdb") as store, spark_engine._private_folder(store) as folder:
        assert Path(folder).parent == tmp_path and "[" not in folder
        assert (Path(folder).stat().st_mode & 0o077) == 0
    assert not Path(folder).exists()


def test_spark_options_go_with_the_spark_engine(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from corroborator.cli import cli

    result = CliRunner().invoke(cli, ["build", str(tmp_path), "--case", str(tmp_path / "c.duckdb"),
                                      "--master", "local[2]"])
    assert result.exit_code == 2 and "--engine spark" in result.output
    assert not (tmp_path / "c.duckdb").exists()


def test_an_encrypted_case_is_not_built_on_spark(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from corroborator.store import open_case

    monkeypatch.setenv("CORROBORATOR_KEY", "a key for this test only")
    with open_case(tmp_path / "secret.duckdb", create=True, encrypt=True):
        pass
    with pytest.raises(CorroboratorError, match="encrypted"):
        spark_engine.build([write_corpus(tmp_path)], tmp_path / "secret.duckdb", session=object())


def test_a_crashed_builds_work_folder_is_removed_when_the_case_is_opened_again(tmp_path: Path) -> None:
    import subprocess
    import sys

    from corroborator.store import open_case
    from corroborator.store._files import scratch_dir

    case = tmp_path / "case.duckdb"
    with CaseStore(case) as store, spark_engine._private_folder(store) as folder:
        assert Path(folder).parent == scratch_dir(case) and Path(folder).name.startswith("spark-")
    # A folder of a process that is gone (a build killed with kill -9) holds unredacted findings.
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    leftover = scratch_dir(case) / f"spark-{gone}-abc"
    (leftover / "extractions").mkdir(parents=True)
    (leftover / "extractions" / "part-0.parquet").write_bytes(b"PAR1")
    with open_case(case):
        pass
    assert not leftover.exists()
