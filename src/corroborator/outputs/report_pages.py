"""The report written to files: one self-contained page, or for a large case a report page
whose documents are in page files beside it.

A small case (at most ``ReportSettings.paged_over_documents`` documents) keeps the one
self-contained file of :func:`~corroborator.outputs.report.render_report`. A larger one
gets the same report page (notice, briefing, charts, summary, totals, claims, sources)
without the document texts, and its documents in ``<name>_files/docs-0001.html`` ...
(``documents_per_page`` each); a long list (figures, quotes, dated events, entities:
more than ``items_per_page``) goes to ``figures-0001.html`` ... beside them. Pages are
made and written one at a time, the report page as its template makes it. Every
citation links to its exact characters in the page file that holds them; each page
carries the redaction notice and is checked for protected names like the report.
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from corroborator.model import Case
from corroborator.outputs.redact import assign_pseudonyms, redact_case, redaction_check, redaction_notice
from corroborator.outputs._documents import _Cites, _documents, _Page
from corroborator.outputs.report import _context, _environment, _Lazy, _lists, generated_by, render_report
from corroborator.settings import REPORT_DEFAULTS, ReportSettings

logger = logging.getLogger(__name__)

#: How the page files are named inside the report's folder.
PAGE_GLOBS = ("docs-*.html", "figures-*.html", "quotes-*.html", "events-*.html", "entities-*.html")


def pages_folder(out: Path) -> Path:
    """The folder beside report ``out`` that holds its document pages (``report.html`` -> ``report_files``)."""
    return out.with_name(f"{out.stem}_files")


def is_paged(case: Case, settings: ReportSettings = REPORT_DEFAULTS) -> bool:
    """Whether a report of ``case`` puts its documents in page files (more documents than the threshold)."""
    return len(case.documents) > settings.paged_over_documents


def write_report(case: Case, out: Path, *, redact: bool = False, withhold_testimony: bool = False,
                 paged: bool | None = None, settings: ReportSettings = REPORT_DEFAULTS) -> list[Path]:
    """Write the HTML report of a case: one file, or the report and its pages (documents, long lists).

    Args:
        case: The case in memory.
        out: The report file (its document pages go to ``<stem>_files/`` beside it).
        redact: Redact protected witnesses (their words are kept); every file written
            is checked for protected names before any is put in place.
        withhold_testimony: Also withhold the words of protected testimony (implies ``redact``).
        paged: True or False forces document pages or one self-contained file; None
            decides by the case's size (:func:`is_paged`).
        settings: The threshold, the documents and the list items per page.

    Returns:
        The files written, the report first. Page files of an earlier report at the
        same place that are not part of this one are removed.

    Raises:
        RedactionError: Redaction is on and a protected name (or withheld testimony)
            survived; nothing is written.
    """
    redact = redact or withhold_testimony
    paged = is_paged(case, settings) if paged is None else paged
    folder = pages_folder(out)
    if not paged:
        text = render_report(case, redact=redact, withhold_testimony=withhold_testimony)
        return _put_in_place({out: text}, folder)
    notice = redaction_notice(redacted=redact, withhold_testimony=withhold_testimony,
                              witnesses=None if redact else assign_pseudonyms(case).count)
    check = redaction_check(case, where="HTML report", withhold_testimony=withhold_testimony) if redact else None
    shown = redact_case(case, withhold_testimony=withhold_testimony) if redact else case
    w = assign_pseudonyms(shown)
    pages = _pages(shown.documents, f"{folder.name}/docs", settings.documents_per_page)
    sizes = {"figures": len(shown.figures), "quotes": len(shown.quotes), "events": len(shown.events),
             "entities": len(shown.entities)}
    list_pages = {kind: _pages(range(n), f"{folder.name}/{kind}", settings.items_per_page)
                  for kind, n in sizes.items() if n > settings.items_per_page}
    context, marks, cites = _context(shown, w, redacted=redact, notice=notice, pages=pages, list_pages=list_pages)
    written: dict[Path, Path] = {}
    try:
        _write_chunks(out, _environment().get_template("report.html").generate(**context), check, written)
        del context
        # Inside the folder, a page links to another by its file name.
        files = {doc_id: href.rsplit("/", 1)[-1] for doc_id, href in cites.files.items()}
        template = _environment().get_template("report_docs.html")
        common = {"redacted": redact, "notice": notice, "report": f"../{out.name}", "generated_by": generated_by()}
        for page, previous, following in _neighbours(pages):
            text = template.render(documents=_documents(page.documents, marks, _Cites(files=files)),
                                   first=page.first, last=page.last, total=len(shown.documents),
                                   previous=previous, next=following, **common)
            _write_part(out.parent / page.href, text, check, written)
        lists = _lists(shown, w, _Cites(docs=cites.docs, files=files, marks=marks))
        template = _environment().get_template("report_list.html")
        for kind, found in list_pages.items():
            every = lists[kind]
            for page, previous, following in _neighbours(found):
                items = _Lazy(every.items[page.first - 1:page.last], every.make)
                _write_chunks(out.parent / page.href, template.generate(
                    kind=kind, section=_SECTIONS[kind][0], what=_SECTIONS[kind][1], items=items, first=page.first,
                    last=page.last, total=sizes[kind], previous=previous, next=following, **common),
                    check, written)
    except BaseException:
        for part in written.values():
            part.unlink(missing_ok=True)
        raise
    logger.info("report of %d documents: %s and %d document page(s) in %s", len(shown.documents), out,
                len(pages), folder)
    return _rename(written, folder)


#: Where each long list of a paged report goes: the section id of its page, and what it holds.
_SECTIONS = {"figures": ("figures", "figures"), "quotes": ("quotes", "quotes"),
             "events": ("timeline", "dated events"), "entities": ("entities", "entities")}


def _pages(items: Sequence[Any], prefix: str, per_page: int) -> list[_Page]:
    """Pages of ``per_page`` items each, named ``<prefix>-0001.html`` ...; document pages keep their documents."""
    count = math.ceil(len(items) / per_page)
    width = max(4, len(str(count)))
    return [_Page(f"{prefix}-{n + 1:0{width}d}.html", n * per_page + 1, min(len(items), (n + 1) * per_page),
                  list(items[n * per_page:(n + 1) * per_page]) if not isinstance(items, range) else [])
            for n in range(count)]


def _neighbours(pages: list[_Page]) -> Iterator[tuple[_Page, str | None, str | None]]:
    """Each page with the file names of the pages before and after it."""
    for i, page in enumerate(pages):
        yield (page, pages[i - 1].href.rsplit("/", 1)[-1] if i else None,
               pages[i + 1].href.rsplit("/", 1)[-1] if i + 1 < len(pages) else None)


def _write_part(path: Path, text: str, check: Callable[[str], None] | None, written: dict[Path, Path]) -> None:
    """Check ``text`` (as a reader sees it) and write it beside ``path`` as a ``.part`` file."""
    if check is not None:
        check(html.unescape(text))
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    written[path] = part
    part.write_text(text, encoding="utf-8")


#: Characters written at a time, and how many of the previous piece the next check reads again
#: (so a name cut in two between pieces is still found).
_PIECE, _OVERLAP = 1 << 18, 512


def _write_chunks(path: Path, chunks: Iterator[str], check: Callable[[str], None] | None,
                  written: dict[Path, Path]) -> None:
    """Write a page as the template makes it, piece by piece, each checked (with the end of the last) first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    written[path] = part
    tail = ""
    with part.open("w", encoding="utf-8") as out:
        for piece in _pieces(chunks):
            if check is not None:
                check(html.unescape(tail + piece))
                tail = piece[-_OVERLAP:]
            out.write(piece)


def _pieces(chunks: Iterator[str]) -> Iterator[str]:
    """The template's many small chunks gathered into pieces of about :data:`_PIECE` characters."""
    buffer: list[str] = []
    size = 0
    for chunk in chunks:
        buffer.append(chunk)
        size += len(chunk)
        if size >= _PIECE:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def _put_in_place(files: dict[Path, str], folder: Path) -> list[Path]:
    """Write whole texts to their files (through ``.part`` files) and clear stale pages of ``folder``."""
    written: dict[Path, Path] = {}
    try:
        for path, text in files.items():
            _write_part(path, text, None, written)
    except BaseException:
        for part in written.values():
            part.unlink(missing_ok=True)
        raise
    return _rename(written, folder)


def _rename(written: dict[Path, Path], folder: Path) -> list[Path]:
    """Put every ``.part`` file in place; remove the pages of ``folder`` that are not among them."""
    for path, part in written.items():
        part.replace(path)
    if folder.is_dir():
        for stale in (p for pattern in PAGE_GLOBS for p in folder.glob(pattern)):
            if stale not in written:
                stale.unlink()
        if not any(folder.iterdir()):
            folder.rmdir()
    return list(written)
