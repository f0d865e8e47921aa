"""``build``: read inputs, analyse new documents in batches, store them, consolidate the case.

Documents stream through in batches: at most a few batches are held at once, whatever the
size of the input, and each batch is committed on its own so an interrupted build keeps
everything finished before it. Each batch goes through
:func:`~corroborator.analyze.analyze_batch` with the build's settings, in this process or
in worker processes that get the settings with every batch and send back the batch as
the case file's rows (:class:`~corroborator.engines._worker.AnalysedBatch`). While workers
use every core, the case file's connection runs on one thread. Consolidation then runs
the case steps the settings name, with their thresholds.

The case file records the settings' digest and JSON and a history of the builds that
changed it (:mod:`corroborator.store.builds`). Extending a case built with other
settings is allowed but reported (logged, and in :attr:`BuildSummary.warnings`): the
documents already in it keep the analysis of the earlier settings, the new ones get
the new settings, and the case-wide results are recomputed with the new settings
(even when no document is added), so they always match the recorded digest.

A build survives being killed at any point (``kill -9`` included). Each batch of
documents is committed whole and marked analysed; the consolidation is marked started
before it runs, and its results commit together with the mark that every document is
consolidated and with the build's record. The next build therefore finds what is left
(:meth:`~corroborator.store.builds.BuildPhases.pending`) and finishes it, consolidation
included, even when it adds no document. Worker processes die with the build's process
(:func:`die_with_parent`). The build announces itself to a server that has the case
open (:func:`~corroborator.store.open_for_build`), which lets go of the file meanwhile.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path

from corroborator import crashpoints
from corroborator.analyze import plan_stages
from corroborator.analyze.pipeline import ALWAYS as DOCUMENT_ALWAYS
from corroborator.consolidate import ALWAYS as CASE_ALWAYS
from corroborator.consolidate import consolidate, plan_case
from corroborator.engines._worker import die_with_parent  # noqa: F401 - callers import it from here too
from corroborator.engines._worker import AnalysedBatch, analyse_for_store, init_worker_process
from corroborator.errors import InputError
from corroborator.ingest import IngestOptions, find_inputs, read_documents
from corroborator.model import Document
from corroborator.registry import Registry, require
from corroborator.settings import DEFAULTS, Settings
from corroborator.store import DEFAULT_CASE, CaseStore, open_for_build

logger = logging.getLogger(__name__)

#: Below this many input files a build runs in one process: starting workers costs more.
PARALLEL_THRESHOLD = 64


@dataclass(frozen=True)
class BuildOptions:
    """How a build runs.

    Attributes:
        workers: Worker processes for analysis; ``None`` picks one per core for large
            inputs and one for small ones.
        batch_size: Documents analysed and committed together.
        model: spaCy pipeline name; when given, it replaces ``settings.entities.model``.
        ingest: How inputs are found and read; None: with the caps of ``settings.ingest``.
        progress: Called with ``(files_done, files_total)`` as the build goes.
        settings: Stages and thresholds (:func:`~corroborator.settings.load_settings`).
    """

    workers: int | None = None
    batch_size: int = 32
    model: str | None = None
    ingest: IngestOptions | None = None
    progress: Callable[[int, int], None] | None = None
    settings: Settings = DEFAULTS

    def effective_settings(self) -> Settings:
        """The settings the build runs with: ``settings``, with ``model`` put over it if given."""
        if self.model and self.model != self.settings.entities.model:
            return self.settings.overlay({"entities": {"model": self.model}}, "BuildOptions.model")
        return self.settings


@dataclass
class BuildSummary:
    """What a build did: every input is in exactly one of read, unchanged or skipped.

    ``skipped`` pairs a path with why it (or a part of it: a bad ``.jsonl`` line) was
    not read. ``not_read`` counts, per archive read (a WARC file), its records that did
    not become documents, by kind; ``skipped`` also holds the one line summing them up
    (``"2 of 4 record(s) not read as reports: ..."``), which :attr:`listed_skipped`
    leaves out, as the archive itself was read (the CLI prints
    :meth:`not_read_text` instead, and the case file records the archive as read).

    ``problems`` pairs each failing document's path with its problem as text
    (``"stage: Error: message"``); ``settings`` are those the build ran with, and
    ``previous_settings_digest`` the digest the case file recorded before (None for a
    new file, or one from before settings were recorded). ``consolidated`` says whether
    the case-wide results were recomputed; ``warnings`` holds what the reader should
    know, such as a case extended with other settings than it was built with.
    ``no_extraction`` pairs the path of each document added in a language no pipeline
    handles with that language's code: it was stored and is searchable, but nothing was
    extracted from it (not a failure, so not in ``problems``).
    """

    case: Path
    read: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    not_read: dict[str, dict[str, int]] = field(default_factory=dict)
    #: The entries of ``skipped`` that only sum up ``not_read``.
    not_read_lines: list[tuple[str, str]] = field(default_factory=list, repr=False)
    documents_added: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)
    no_extraction: list[tuple[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    settings: Settings = DEFAULTS
    previous_settings_digest: str | None = None
    consolidated: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def settings_digest(self) -> str:
        """The digest of the settings the build ran with (what the case file now records)."""
        return self.settings.digest()

    @property
    def listed_skipped(self) -> list[tuple[str, str]]:
        """``skipped`` without the lines that only sum up :attr:`not_read` (of archives that were read)."""
        return [s for s in self.skipped if s not in self.not_read_lines]

    def not_read_text(self, path: str) -> str:
        """``"N record(s) not read as reports (1 warcinfo, 1 response image/png)"`` of an archive."""
        counts = self.not_read.get(path, {})
        kinds = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        return f"{sum(counts.values())} record(s) not read as reports ({kinds})"

    @property
    def ok(self) -> bool:
        """True unless there were inputs and none of them could be read."""
        return bool(self.read or self.unchanged) or not self.skipped


def build(paths: Iterable[str | os.PathLike[str]], case: str | os.PathLike[str] = DEFAULT_CASE,
          options: BuildOptions | None = None) -> BuildSummary:
    """Build or extend a case file from report files and folders.

    Re-running on the same input adds nothing; new files are added incrementally.

    Args:
        paths: Files and folders (read recursively).
        case: The case file to create or extend.
        options: How to run; see :class:`BuildOptions`.

    Returns:
        A summary listing what was read, what was already in the case, and every
        skipped input with its reason.

    Raises:
        RegistryError: The settings name stages that cannot run.
    """
    # A stage list that cannot run, or that leaves witnesses unprotected, fails before anything is read.
    options, settings = start_build(options)
    summary = BuildSummary(case=Path(case), settings=settings)
    files: list[Path] = []
    for path in paths:
        try:
            files.extend(find_inputs([path], options.ingest))
        except InputError as exc:
            summary.skipped.append((exc.path, exc.reason))
    with open_for_build(case) as store:
        known = store.known_document_ids()
        had_documents = len(known)
        summary.previous_settings_digest = store.builds.current().digest
        batches = _new_batches(files, known, summary, options)
        for analysed in _analysed(batches, options, settings, len(files), store):
            crashpoints.reached("analyse")
            store.add_rows(analysed.doc_ids, analysed.rows, analysed.added_at)
            crashpoints.reached("store")
            summary.documents_added += len(analysed.doc_ids)
            summary.problems.extend(analysed.problems)
            summary.no_extraction.extend(analysed.no_extraction)
        finish_build(store, summary, settings, had_documents)
    return summary


def start_build(options: BuildOptions | None) -> tuple[BuildOptions, Settings]:
    """The options and settings a build runs with; fails before anything is read if the stages cannot run.

    Raises:
        RegistryError: The settings name stages that cannot run, or leave witnesses unprotected.
    """
    options = options or BuildOptions()
    settings = options.effective_settings()
    if options.ingest is None:
        options = replace(options, ingest=IngestOptions.from_settings(settings.ingest))
    require(plan_stages(settings), DOCUMENT_ALWAYS, "stages.document")
    require(plan_case(settings), CASE_ALWAYS, "stages.case")
    return options, settings


def finish_build(store: CaseStore, summary: BuildSummary, settings: Settings, had_documents: int,
                 case_stages: Callable[[], Registry] | None = None) -> None:
    """What every engine does once the documents are stored: record the inputs, consolidate, warn, count.

    Consolidation runs when documents were added, an earlier build left it unfinished, the
    case has no case-wide results yet, or the settings changed. ``case_stages`` gives the
    registry its steps come from (called only when it runs; by default
    :data:`~corroborator.consolidate.CASE_STAGES`).
    """
    store.record_inputs(
        [(p, "read", None) for p in summary.read]
        + [(p, "unchanged", None) for p in summary.unchanged]
        + [(p, "skipped", r) for p, r in summary.listed_skipped]
    )
    digest, previous = summary.settings_digest, summary.previous_settings_digest
    other_settings = previous is not None and previous != digest
    # What earlier builds left unfinished (a crash) counts as much as what this one added.
    pending = store.phases.pending()
    if pending.consolidation and not summary.documents_added:
        logger.info("%s: finishing an interrupted build: %d document(s) not consolidated%s", store.path,
                    pending.unconsolidated, ", consolidation interrupted" if pending.interrupted else "")
    if pending.consolidation or not store.counts()["entities"] or other_settings:
        recorded = pending.consolidation or other_settings or previous is None

        def record() -> None:
            if recorded:
                store.builds.record(digest, settings.to_json(), documents_added=pending.unconsolidated,
                                    consolidated=True, in_transaction=True)

        consolidate(store, settings, record, case_stages() if case_stages is not None else None)
        summary.consolidated = True
    if other_settings and had_documents:
        _warn(summary, _other_settings_warning(store, summary, had_documents))
    elif previous is None and had_documents and summary.documents_added:
        _warn(summary, f"{store.path}: the case file records no settings (built by an earlier Corroborator): "
                       f"the {had_documents} document(s) already in it were analysed with settings that are not "
                       f"known, the {summary.documents_added} new one(s) with these ({digest[:12]})")
    summary.counts = store.counts()


def _other_settings_warning(store: CaseStore, summary: BuildSummary, had_documents: int) -> str:
    """What to tell the reader when a case built with other settings is extended."""
    previous = summary.previous_settings_digest or ""
    added = (f"the {summary.documents_added} new one(s) were analysed with these settings"
             if summary.documents_added else "no document was added")
    return (f"{store.path}: the case was built with other settings (digest {previous[:12]}, now "
            f"{summary.settings_digest[:12]}): the {had_documents} document(s) already in it keep the analysis "
            f"of the earlier settings, {added}, and the case-wide results were recomputed with these settings; "
            "build into a new case file to analyse every document with one set of settings")


def _warn(summary: BuildSummary, message: str) -> None:
    logger.warning("%s", message)
    summary.warnings.append(message)


def _new_batches(files: list[Path], known: set[str], summary: BuildSummary,
                 options: BuildOptions) -> Iterator[list[Document]]:
    """Read files in order and yield batches of documents not yet in the case."""
    batch: list[Document] = []
    for number, path in enumerate(files, start=1):
        try:
            result = read_documents(path, options.ingest)
        except InputError as exc:
            summary.skipped.append((exc.path, exc.reason))
        else:
            summary.skipped.extend((str(path), problem) for problem in result.problems)
            if result.not_read:
                summary.not_read[str(path)] = dict(result.not_read)
            if result.not_read_problem is not None:
                summary.not_read_lines.append((str(path), result.not_read_problem))
            crashpoints.reached("ingest")
            fresh = []
            for d in result.documents:  # a report twice in one file (a feed) is one document
                if d.id not in known:
                    known.add(d.id)
                    fresh.append(d)
            (summary.read if fresh else summary.unchanged).append(str(path))
            batch.extend(fresh)
        if options.progress:
            options.progress(number, len(files))
        if len(batch) >= options.batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _analysed(batches: Iterator[list[Document]], options: BuildOptions, settings: Settings,
              n_files: int, store: CaseStore) -> Iterator[AnalysedBatch]:
    """Analyse batches, in worker processes when the input is large enough to pay off."""
    workers = options.workers or ((os.cpu_count() or 1) if n_files >= PARALLEL_THRESHOLD else 1)
    if workers <= 1:
        for batch in batches:
            yield analyse_for_store(batch, settings)
        return
    # spawn, not fork: the parent holds an open DuckDB connection and its threads.
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=init_worker_process,
                             initargs=(settings, os.getpid())) as pool, store.single_threaded():
        # The workers keep every core busy: DuckDB's own threads would only contend with them.
        pending: deque[Future[AnalysedBatch]] = deque()
        for batch in batches:
            pending.append(pool.submit(analyse_for_store, batch, settings))
            # A bounded window keeps memory flat in the number of documents.
            while len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
