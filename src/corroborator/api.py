"""The public functions behind each command: open a case file, do one thing, return a result."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from corroborator.model import Case
from corroborator.outputs.export import export
from corroborator.outputs import report_pages
from corroborator.review import apply_reviews, case_settings, load_reviews
from corroborator.review import reviewed_only as only_reviewed
from corroborator.settings import REPORT_DEFAULTS, ReportSettings
from corroborator.store import BuildRecord, CaseStore, PendingWork, open_case


logger = logging.getLogger(__name__)

def load_case(case: str | os.PathLike[str], *, reviewed: bool = True, shelve_texts: bool = False) -> Case:
    """Load a whole case file into memory.

    Args:
        case: The case file.
        reviewed: Apply the reviewers' corrections on top of the machine output (what
            reports and exports show); False gives the machine output alone.
        shelve_texts: Keep the document texts compressed, each unpacked when read (what
            reports and exports do, so a large case fits in memory).

    Raises:
        CaseFileError: The file is missing or not a case file.
    """
    with open_case(case, read_only=True) as store:
        _warn_unfinished(store)
        loaded = store.load_case(shelve_texts=shelve_texts)
        return apply_reviews(loaded, load_reviews(store), case_settings(store)) if reviewed else loaded


def _warn_unfinished(store: CaseStore) -> None:
    """Say so when the case-wide results lag behind the documents (a build was interrupted)."""
    pending = store.phases.pending()
    if pending.consolidation:
        logger.warning("%s: %s; the claims, totals and entities shown are from before it: run `corroborator build` "
                       "on the case to finish it", store.path, unfinished(pending))


def pending_work(case: str | os.PathLike[str]) -> PendingWork:
    """What the builds of a case file left undone (nothing, unless one was interrupted)."""
    with open_case(case, read_only=True) as store:
        return store.phases.pending()


def unfinished(pending: PendingWork) -> str:
    """What a build left undone, in words."""
    parts = [f"{pending.unconsolidated} document(s) are not in the case-wide results yet"] if pending.unconsolidated else []
    if pending.interrupted:
        parts.append(f"a build was interrupted during {', '.join(pending.interrupted)}")
    return "; ".join(parts)


def write_report(case: str | os.PathLike[str], out: str | os.PathLike[str] = "report.html", *,
                 redact: bool = False, withhold_testimony: bool = False, paged: bool | None = None,
                 settings: ReportSettings = REPORT_DEFAULTS) -> Path:
    """Write the HTML report of a case file and return its path.

    A case of at most ``settings.paged_over_documents`` documents gets one
    self-contained file; a larger one a report whose documents are in page files in
    ``<name>_files/`` beside it (see :mod:`corroborator.outputs.report_pages`).
    ``redact`` replaces protected witnesses by stable pseudonyms and keeps their words;
    ``withhold_testimony`` also withholds the words of protected quotes (implies ``redact``).

    Args:
        case: The case file.
        out: The report file.
        redact: Redact protected witnesses, in the report and every page file.
        withhold_testimony: Also withhold protected testimony.
        paged: True or False forces document pages or one file; None decides by size.
        settings: The size threshold and the documents per page.

    Raises:
        CaseFileError: The file is missing or not a case file.
        RedactionError: A protected name survived redaction (nothing is written).
    """
    written = report_pages.write_report(load_case(case, shelve_texts=True), Path(out), redact=redact,
                                        withhold_testimony=withhold_testimony, paged=paged, settings=settings)
    return written[0]


def export_case(case: str | os.PathLike[str], fmt: str = "json", out: str | os.PathLike[str] | None = None, *,
                redact: bool = False, withhold_testimony: bool = False, reviewed_only: bool = False,
                stream: TextIO | None = None) -> Path | str:
    """Export a case file as ``json``, ``csv`` (a folder of tables) or ``md``.

    ``redact`` replaces protected witnesses by stable pseudonyms and keeps their words;
    ``withhold_testimony`` also withholds the words of protected quotes (implies ``redact``);
    ``reviewed_only`` writes only what a person confirmed or corrected, with claims and
    totals made from those figures alone.

    With ``out`` None and a ``stream`` (standard output), json and md are written into
    the stream as they are made (see :func:`corroborator.outputs.export.export`).

    Returns:
        The path written, or the exported text when ``out`` is None (json and md only;
        ``""`` when written to ``stream``).

    Raises:
        ExportError: Unknown format, or csv without an output folder.
    """
    loaded = load_case(case, shelve_texts=True)
    if reviewed_only:
        with open_case(case, read_only=True) as store:
            loaded = only_reviewed(loaded, case_settings(store))
    return export(loaded, fmt, Path(out) if out is not None else None, redact=redact,
                  withhold_testimony=withhold_testimony, reviewed_only=reviewed_only, stream=stream)


@dataclass(frozen=True)
class CaseInfo:
    """What a case file holds.

    ``settings_digest`` is the digest of the settings of the latest build that changed
    the file (its case-wide results were made with them), ``settings_json`` their
    canonical JSON; both None for a file from before settings were recorded.
    ``builds`` lists every build that changed the file, oldest first; ``pending`` what a
    build left undone (documents not in the case-wide results, interrupted phases).
    """

    path: Path
    schema_version: int
    counts: dict[str, int]
    skipped: list[tuple[str, str]]
    settings_digest: str | None = None
    settings_json: str | None = None
    builds: tuple[BuildRecord, ...] = ()
    pending: PendingWork | None = None

    @property
    def analysed_with(self) -> tuple[str, ...]:
        """Digests of the settings documents were added with; more than one: a case of mixed settings."""
        return tuple(dict.fromkeys(b.settings_digest for b in self.builds if b.documents_added))


def case_info(case: str | os.PathLike[str]) -> CaseInfo:
    """Counts, schema version, skipped inputs and recorded settings of a case file.

    The schema version is the file's own: an older file is read through an in-memory
    migration and keeps its version until it is opened for writing.
    """
    with open_case(case, read_only=True) as store:
        recorded = store.builds.current()
        return CaseInfo(Path(case), store.migrated_from or store.schema_version, store.counts(),
                        store.skipped_inputs(), recorded.digest, recorded.settings_json, recorded.history,
                        store.phases.pending())
