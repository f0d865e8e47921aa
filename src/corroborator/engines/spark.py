"""``build --engine spark``: the same build on Apache Spark, for collections that outgrow one machine.

The driver lists the inputs (names only: it never reads the corpus), and the executors
read and analyse them in ``mapPartitions`` (:func:`~corroborator.engines._spark_tasks.analyse_inputs`)
with the same registered document stages as the local engine, one spaCy model per
executor process. Files on a shared file system are read by path; inputs given as URIs
(``hdfs://``, ``s3a://``, ``file:``) are read by Spark as binary files, so the bytes go
from storage to the executors directly. The results are written as one Parquet dataset
(:mod:`corroborator.store.parquet`), which is loaded into the DuckDB case file in one
transaction; the case-wide steps then run as in the local engine, and ``report``,
``export`` and ``serve`` open the case file as always.

With ``parquet`` on HDFS or S3 the build stops once the dataset is written; copy it where
DuckDB can read it and finish with :func:`load_parquet` (``corroborator load-parquet``).
See ``docs/cluster.md`` for running it with ``spark-submit`` on a cluster.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corroborator import crashpoints
from corroborator.consolidate import CASE_STAGES, with_duplicates
from corroborator.engines._spark_inputs import java_message, local_items, partitions, remote_inputs
from corroborator.engines._spark_tasks import analyse_inputs
from corroborator.engines.local import BuildOptions, BuildSummary, finish_build, start_build
from corroborator.engines.spark_duplicates import near_duplicates
from corroborator.errors import CorroboratorError, InputError
from corroborator.ingest import find_inputs
from corroborator.registry import Registry
from corroborator.settings import Settings
from corroborator.store import DEFAULT_CASE, CaseStore, is_encrypted, open_for_build
from corroborator.store._files import scratch_dir, work_dir
from corroborator.store.parquet import PARQUET_FIELDS, ParquetLoad, table_field

logger = logging.getLogger(__name__)

__all__ = ["SparkOptions", "build", "load_parquet", "spark_session"]

#: An input given as a URI (``hdfs://nn/reports``, ``s3a://bucket/x``, ``file:/data``), read by Spark itself.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(//|/)")
#: The case step that runs on Spark here (near-duplicates), by its registered name.
DUPLICATES_STAGE = "duplicates.minhash.v1"
#: Spark's log settings for sessions a build starts: errors only.
_LOG_CONFIG = Path(__file__).with_name("log4j2.properties")
#: Characters DuckDB reads as a file pattern in a path.
_GLOB = re.compile(r"[*?\[]")
#: DuckDB column types and the Spark types their values travel in (timestamps travel as text).
_SPARK_TYPES = {"VARCHAR": "string", "INTEGER": "int", "BIGINT": "bigint", "BOOLEAN": "boolean",
                "DOUBLE": "double", "TIMESTAMP": "string", "VARCHAR[]": "array<string>"}


@dataclass(frozen=True)
class SparkOptions:
    """Where and how the Spark build runs.

    Attributes:
        master: Spark master URL (``local[2]``, ``spark://host:7077``, ``yarn``); None
            leaves it to ``spark-submit``.
        parquet: Where the Parquet dataset goes (a folder or an HDFS/S3 URI); None: a
            private folder beside the case file, removed once loaded.
        partitions: Input partitions; None: about 64 files each, and at least two per core.
        config: More Spark settings (``spark.executor.memory``, ...).
        driver_memory: The driver's JVM heap (in local mode it holds the executors too).
        part_bytes: A ``.jsonl`` file on a shared file system larger than this is read in
            parts of about this size, in parallel (a feed of many reports in one file).
    """

    master: str | None = "local[2]"
    parquet: str | None = None
    partitions: int | None = None
    config: Mapping[str, str] = field(default_factory=dict)
    driver_memory: str = "1g"
    part_bytes: int = 64 << 20

    @classmethod
    def given(cls, master: str | None = None, parquet: str | None = None,
              partitions: int | None = None) -> SparkOptions:
        """Options from the command line: without a master, ``spark-submit``'s, or ``local[2]`` outside it."""
        if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:
            master = "local[2]"
        return cls(master=master, parquet=parquet, partitions=partitions)


def spark_session(options: SparkOptions | None = None) -> Any:
    """A Spark session for builds (the active one if there is one, else a new one from ``options``)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise CorroboratorError("the Spark engine needs pyspark: pip install 'corroborator[spark]'") from None

    options = options or SparkOptions()
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    # Executors of a local master run this interpreter, with this package and its model.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName("corroborator")
    if options.master:
        builder = builder.master(options.master)
    quiet = f"-Dlog4j2.configurationFile={_LOG_CONFIG.as_uri()}"
    settings = {"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false",
                "spark.driver.extraJavaOptions": quiet, "spark.executor.extraJavaOptions": quiet,
                "spark.driver.memory": options.driver_memory, "spark.python.worker.reuse": "true",
                "spark.sql.parquet.compression.codec": "zstd", **options.config}
    for key, value in settings.items():
        builder = builder.config(key, value)
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - pyspark fails to start in many ways (no Java, a bad master URL)
        raise CorroboratorError(f"Spark could not start ({type(exc).__name__}: {exc}); it needs Java 17 or later "
                                "(JAVA_HOME) and a reachable master") from exc
    session.sparkContext.setLogLevel("ERROR")
    return session


def build(paths: Iterable[str | os.PathLike[str]], case: str | os.PathLike[str] = DEFAULT_CASE,
          options: BuildOptions | None = None, spark: SparkOptions | None = None, *,
          session: Any = None) -> BuildSummary:
    """Build or extend a case file on Spark; the same result as :func:`corroborator.engines.local.build`.

    Args:
        paths: Files and folders (read recursively), or URIs Spark reads (``hdfs://``, ``s3a://``).
        case: The case file to create or extend.
        options: What the local engine takes too (settings, batch size, ingest caps);
            ``workers`` is ignored (Spark's executors do the work).
        spark: Where and how Spark runs.
        session: A Spark session to use (else :func:`spark_session` gives one).

    Raises:
        RegistryError: The settings name stages that cannot run.
        CorroboratorError: The case file is encrypted (the analysis would reach the disk
            unencrypted), or Spark cannot start.
    """
    options, settings = start_build(options)
    if is_encrypted(case):
        # Executors hand their findings over as Parquet files, which are not encrypted.
        raise CorroboratorError(f"{case}: the case file is encrypted, and the Spark engine passes the analysis "
                                "through plain Parquet files on disk; build it with the local engine")
    spark = spark or SparkOptions()
    summary = BuildSummary(case=Path(case), settings=settings)
    local: list[str] = []
    remote: list[str] = []
    for path in paths:
        text = os.fspath(path)
        if _URI.match(text) and not os.path.exists(text):
            remote.append(text)
            continue
        try:
            local.extend(str(p) for p in find_inputs([text], options.ingest))
        except InputError as exc:
            summary.skipped.append((exc.path, exc.reason))
    session = session or spark_session(spark)
    with open_for_build(case) as store, _private_folder(store) as private:
        known = store.known_document_ids()
        had_documents = len(known)
        summary.previous_settings_digest = store.builds.current().digest
        where, loadable = _dataset(private, spark.parquet)
        started = time.perf_counter()
        _analyse(session, local, remote, known, where, options, settings, spark, store.extraction_columns(),
                 summary.skipped)
        logger.info("analysed %d local and %d remote input(s) on Spark in %.1f s", len(local), len(remote),
                    time.perf_counter() - started)
        crashpoints.reached("analyse")
        if not loadable:
            logger.warning("the Parquet dataset is at %s: copy it where this machine can read it and run "
                           "`corroborator load-parquet DIR --case %s`", where, case)
            summary.warnings.append(f"analysed into {where}; not loaded (DuckDB reads local Parquet only)")
            return summary
        started = time.perf_counter()
        _summarise(store.add_parquet(os.path.join(where, "*.parquet")), summary)
        logger.info("loaded the analysis into %s in %.1f s", store.path, time.perf_counter() - started)
        crashpoints.reached("store")
        finish_build(store, summary, settings, had_documents,
                     functools.partial(_case_stages, session, store, settings, private))
    return summary


def load_parquet(folder: str | os.PathLike[str], case: str | os.PathLike[str] = DEFAULT_CASE,
                 options: BuildOptions | None = None) -> BuildSummary:
    """Load a Parquet dataset a Spark build wrote (on a cluster) into a case file, then consolidate.

    Args:
        folder: The dataset's folder (its ``*.parquet`` files).
        case: The case file to create or extend.
        options: The settings the dataset was analysed with (the case file records them).
    """
    options, settings = start_build(options)
    summary = BuildSummary(case=Path(case), settings=settings)
    pattern = os.path.join(os.fspath(folder), "*.parquet")
    with open_for_build(case) as store:
        had_documents = len(store.known_document_ids())
        summary.previous_settings_digest = store.builds.current().digest
        _summarise(store.add_parquet(pattern), summary)
        finish_build(store, summary, settings, had_documents)
    return summary


@contextmanager
def _private_folder(store: CaseStore) -> Iterator[str]:
    """A private (mode 0700) folder for the build's scratch data, removed after.

    In the case file's scratch folder (:func:`~corroborator.store._files.work_dir`: a
    crash's leftover goes the next time the case file is opened); beside the case file
    if the scratch folder's path has a character DuckDB or Hadoop would read as a file
    pattern ("case[1].duckdb").
    """
    if not _GLOB.search(str(scratch_dir(Path(store.path).resolve()))):
        folder = str(work_dir(store.path))
    else:
        parent = Path(store.path).resolve().parent
        _check_globless(str(parent))
        folder = tempfile.mkdtemp(prefix=".corroborator-spark-", dir=parent)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _dataset(private: str, parquet: str | None) -> tuple[str, bool]:
    """Where the Parquet dataset goes (``parquet``, else in the private folder), and whether DuckDB can read it."""
    if parquet is None:
        return os.path.join(private, "extractions"), True
    local = parquet[len("file:"):] if parquet.startswith("file:") else parquet
    loadable = not _URI.match(parquet) or parquet.startswith("file:")
    where = local.replace("///", "/", 1) if loadable else parquet
    if loadable:
        _check_globless(where)
    return where, loadable


def _case_stages(session: Any, store: CaseStore, settings: Settings, private: str) -> Registry:
    """The case steps, with near-duplicates found on Spark when the settings run that step."""
    if DUPLICATES_STAGE not in settings.stages.case:
        return CASE_STAGES
    started = time.perf_counter()
    texts = os.path.join(private, "texts.parquet")
    store.write_texts(texts)
    links = near_duplicates(session, texts, settings.duplicates, store.documents_with_ids)
    logger.info("found %d near-duplicate(s) on Spark in %.1f s", len(links), time.perf_counter() - started)
    return with_duplicates(links)


def _check_globless(folder: str) -> None:
    """Refuse a dataset folder DuckDB would read as a file pattern."""
    if _GLOB.search(folder):
        raise CorroboratorError(f"{folder}: the Parquet folder's path may not contain *, ? or [ "
                                "(DuckDB reads them as a file pattern); choose another with --parquet")


def _analyse(session: Any, local: list[str], remote: list[str], known: set[str], where: str,
             options: BuildOptions, settings: Settings, spark: SparkOptions,
             columns: dict[str, list[tuple[str, str]]], skipped: list[tuple[str, str]]) -> None:
    """Read and analyse every input on the executors and write the Parquet dataset to ``where``."""
    sc = session.sparkContext
    items = None
    if local:
        listed = local_items(sc, local, spark.part_bytes, options)
        items = sc.parallelize(listed, partitions(len(listed), sc, spark.partitions))
    if remote:
        found = remote_inputs(session, remote, options, len(local), skipped, spark.partitions)
        items = found if items is None else items.union(found)
    if items is None:
        items = sc.parallelize([], 1)
    known_ids = sc.broadcast(frozenset(known))
    task = functools.partial(analyse_inputs, settings=settings, ingest=options.ingest,
                             known=lambda: known_ids.value, batch_size=options.batch_size)
    rows = items.mapPartitions(task)
    group = f"corroborator-analyse-{os.getpid()}-{time.monotonic_ns()}"
    sc.setJobGroup(group, "read and analyse the inputs")
    watch = _Progress(sc, group, len(local) + len(remote), options.progress)
    watch.start()
    try:
        # The rows come from extraction_rows, made for these columns: no need to check each one.
        session.createDataFrame(rows, _schema(columns), verifySchema=False).write.mode("overwrite").parquet(where)
    except Exception as exc:  # noqa: BLE001 - a failed Spark job arrives as a Py4J error
        raise CorroboratorError(f"the Spark job failed, and nothing was added to the case: {java_message(exc)}") \
            from exc
    finally:
        watch.stop()
        sc.setLocalProperty("spark.jobGroup.id", None)
    known_ids.unpersist()


class _Progress(threading.Thread):
    """Tells ``progress`` how far the analysis job is, from Spark's task counts, once a second."""

    def __init__(self, sc: Any, group: str, inputs: int, progress: Callable[[int, int], None] | None) -> None:
        super().__init__(name="spark-progress", daemon=True)
        self.sc, self.group, self.inputs, self.progress = sc, group, max(inputs, 1), progress
        self.done = threading.Event()

    def run(self) -> None:
        while self.progress is not None and not self.done.wait(1.0):
            try:
                self.report()
            except Exception:  # noqa: BLE001 - progress is a courtesy; the job's own errors are raised elsewhere
                logger.debug("no progress from Spark", exc_info=True)

    def report(self) -> None:
        tracker = self.sc.statusTracker()
        done = total = 0
        for job in tracker.getJobIdsForGroup(self.group):
            info = tracker.getJobInfo(job)
            for stage in (info.stageIds if info else ()):
                found = tracker.getStageInfo(stage)
                if found is not None:
                    done, total = done + found.numCompletedTasks, total + found.numTasks
        if total and self.progress is not None:
            self.progress(min(self.inputs, self.inputs * done // total), self.inputs)

    def stop(self) -> None:
        self.done.set()
        if self.is_alive():
            self.join()
        if self.progress is not None:
            self.progress(self.inputs, self.inputs)


def _schema(store_columns: dict[str, list[tuple[str, str]]]) -> str:
    """The Spark schema (DDL) of the Parquet layout, from the case file's own tables."""
    def spark_type(dtype: str) -> str:
        try:
            return _SPARK_TYPES[dtype]
        except KeyError:
            raise CorroboratorError(f"no Spark type for the case file's column type {dtype}") from None

    fields = [f"{name} {spark_type(dtype)}" for name, dtype in PARQUET_FIELDS]
    for table, columns in store_columns.items():
        struct = ", ".join(f"`{name}`: {spark_type(dtype)}" for name, dtype in columns)
        fields.append(f"{table_field(table)} array<struct<{struct}>>")
    return ", ".join(fields)


def _summarise(load: ParquetLoad, summary: BuildSummary) -> None:
    """Fill the summary from what the load added, as the local engine fills it while it reads."""
    summary.documents_added += load.documents_added
    for outcome in load.inputs:
        if outcome.status == "skipped":
            summary.skipped.append((outcome.path, outcome.reason or "not read"))
            continue
        summary.skipped.extend((outcome.path, problem) for problem in outcome.problems)
        if outcome.not_read:
            summary.not_read[outcome.path] = dict(outcome.not_read)
        if outcome.not_read_problem is not None:
            summary.not_read_lines.append((outcome.path, outcome.not_read_problem))
        (summary.read if outcome.status == "read" else summary.unchanged).append(outcome.path)
    summary.problems.extend(load.problems)
    summary.no_extraction.extend(load.no_extraction)
