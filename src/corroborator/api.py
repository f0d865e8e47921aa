"""The public functions behind each command: open a case file, do one thing, return a result."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from corroborator.model import Case
from corroborator.store import open_case


def load_case(case: str | os.PathLike[str], *, reviewed: bool = True) -> Case:
    """Load a whole case file into memory.

    Args:
        case: The case file.
        reviewed: Apply the reviewers' corrections on top of the machine output (what
            reports and exports show); False gives the machine output alone.

    Raises:
        CaseFileError: The file is missing or not a case file.
    """
    from corroborator.review import apply_reviews, load_reviews

    with open_case(case, read_only=True) as store:
        loaded = store.load_case()
        return apply_reviews(loaded, load_reviews(store.con)) if reviewed else loaded


def write_report(case: str | os.PathLike[str], out: str | os.PathLike[str] = "report.html", *,
                 redact: bool = False, withhold_testimony: bool = False) -> Path:
    """Write the self-contained HTML report of a case file and return its path.

    ``redact`` replaces protected witnesses by stable pseudonyms and keeps their words;
    ``withhold_testimony`` also withholds the words of protected quotes (implies ``redact``).
    """
    from corroborator.outputs.report import render_report

    html = render_report(load_case(case), redact=redact, withhold_testimony=withhold_testimony)
    out_path = Path(out)
    out_path.write_text(html, encoding="utf-8")
    return out_path


def export_case(case: str | os.PathLike[str], fmt: str = "json", out: str | os.PathLike[str] | None = None, *,
                redact: bool = False, withhold_testimony: bool = False) -> Path | str:
    """Export a case file as ``json``, ``csv`` (a folder of tables) or ``md``.

    ``redact`` replaces protected witnesses by stable pseudonyms and keeps their words;
    ``withhold_testimony`` also withholds the words of protected quotes (implies ``redact``).

    Returns:
        The path written, or the exported text when ``out`` is None (json and md only).

    Raises:
        ExportError: Unknown format, or csv without an output folder.
    """
    from corroborator.outputs.export import export

    return export(load_case(case), fmt, Path(out) if out is not None else None, redact=redact,
                  withhold_testimony=withhold_testimony)


@dataclass(frozen=True)
class CaseInfo:
    """What a case file holds."""

    path: Path
    schema_version: int
    counts: dict[str, int]
    skipped: list[tuple[str, str]]


def case_info(case: str | os.PathLike[str]) -> CaseInfo:
    """Counts, schema version and skipped inputs of a case file."""
    with open_case(case, read_only=True) as store:
        return CaseInfo(Path(case), store.schema_version, store.counts(), store.skipped_inputs())
