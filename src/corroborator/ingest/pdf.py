"""PDF files: their text layer, page by page, with running headers and page numbers marked as noise.

The library is pypdfium2: Python bindings to PDFium, the PDF engine of Chromium. Its
wheels bundle PDFium for every platform (no system library, no download at run time),
it is maintained and fast (C++, not a pure-Python parser), it opens the broken and
odd PDFs a browser opens, and its text extraction comes in content-stream order, which
for nearly every generator is reading order, multi-column pages included. pdfplumber
(pdfminer.six) is pure Python, several times slower on long reports, and its layout
analysis has to be tuned per document; we need text, not tables.

What a PDF document holds:

* ``text``: the pages' text, lines as PDFium breaks them, pages joined by a blank line;
  ``pages`` holds the offset where each page starts (:func:`corroborator.model.page_of`).
* ``noise``: running headers and footers (a line at the top or bottom of at least half
  of the pages, digits aside) and bare page numbers, marked and kept in the text.

A PDF with no text layer (a scan, or empty pages), an encrypted one that needs a
password, and a broken one each raise :class:`~corroborator.errors.InputError` with
their own reason.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from corroborator.errors import InputError
from corroborator.ingest.files import NO_DEADLINE, Deadline
from corroborator.ingest.html import sha256, str_or_none
from corroborator.model import Document, NoiseSpan

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/pdf"
#: Pages are joined with a blank line.
PAGE_BREAK = "\n\n"
#: How many lines at the top and at the bottom of a page may be a running header or footer.
MARGIN_LINES = 3
#: How many lines at the top and at the bottom of a page may be a bare page number.
PAGE_NUMBER_LINES = 2
#: Longer lines are text, not a running header.
MAX_RUNNING_WORDS = 20
#: In lines up to this long, numbers may change from page to page ("Page 3 of 10", "Report | 3").
MAX_NUMBERED_WORDS = 10
#: A document with fewer words outside its noise has no text layer worth the name.
MIN_WORDS = 5

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_ROMAN = r"(?=[mdclxvi])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_PAGE_NUMBER = re.compile(rf"(?:page|p\.|pg\.?)?\s*[-\u2013\u2014|]?\s*(?:\d{{1,4}}|{_ROMAN})\s*"
                          r"(?:(?:/|of)\s*\d{1,4})?\s*[-\u2013\u2014|]?", re.IGNORECASE)
# PDFium marks a hyphen it removed when it joined a hyphenated word across a line break
# with U+0002; other control characters are debris of broken font encodings.
_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xFFFE, 0xFFFF])
# Ligatures ("ﬁ") become their letters, so that "ﬁre" is found as "fire".
_LIGATURES = {c: unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)}
_CLEAN_CHARS = {**_CONTROL, **_LIGATURES}
#: A title from the file's metadata that is only the name of the file it was made from.
_FILE_TITLE = re.compile(r"^(?:microsoft (?:word|powerpoint|excel) - |untitled\b)|\.(?:docx?|pdf|indd|rtf|odt|pptx?)$",
                         re.IGNORECASE)


@dataclass
class _Line:
    """One line of a page: offsets into the page text, and how high on the page it sits."""

    start: int
    end: int
    text: str
    top: float | None
    kind: str | None = None


@dataclass
class _Page:
    text: str = ""
    lines: list[_Line] = field(default_factory=list)
    has_images: bool = False


def read_pdf(path: str, raw: bytes, deadline: Deadline = NO_DEADLINE) -> tuple[Document, list[str]]:
    """Read a PDF into one document, and the problems of its pages (pages with no text layer).

    ``deadline`` is checked between pages (:class:`~corroborator.ingest.files.ReadTimeout`
    when it passes; the document is closed first).

    Raises:
        InputError: The file is no PDF, is broken, is encrypted with a password, or has
            no text layer (a scan, or empty pages).
    """
    import pypdfium2 as pdfium

    if b"%PDF-" not in raw[:1024]:
        raise InputError(path, "not a PDF (no %PDF- header at the start of the file)")
    try:
        pdf = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as exc:
        raise InputError(path, _open_failure(exc)) from exc
    try:
        pages = []
        for number in range(len(pdf)):
            deadline.check()
            pages.append(_read_page(pdf, number))
        metadata = pdf.get_metadata_dict(skip_empty=True)
    except pdfium.PdfiumError as exc:
        raise InputError(path, f"broken PDF ({exc})") from exc
    finally:
        pdf.close()
    _mark_running_lines(pages)
    text, starts, noise = _assemble(pages)
    body_words = _words_outside(text, noise)
    if body_words < MIN_WORDS:
        raise InputError(path, _no_text_reason(pages, body_words))
    problems = _pages_without_text(pages)
    digest = sha256(raw)
    title = str_or_none(metadata.get("Title"))
    document = Document(
        id=digest,
        path=path,
        sha256=digest,
        media_type=MEDIA_TYPE,
        text=text,
        title=None if title is None or _FILE_TITLE.search(title) else title,
        noise=noise,
        pages=starts,
    )
    return document, problems


def _open_failure(exc: Any) -> str:
    """Why PDFium could not open a file, in words."""
    import pypdfium2.raw as pdfium_c

    code = getattr(exc, "err_code", None)
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return "encrypted PDF: it needs a password to open (decrypt it with its password first)"
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return "encrypted PDF with an unsupported security handler (decrypt it first)"
    if code == pdfium_c.FPDF_ERR_FORMAT:
        return "broken PDF: PDFium cannot parse it (truncated or corrupt file)"
    return f"unreadable PDF ({exc})"


def _read_page(pdf: Any, number: int) -> _Page:
    """The text of one page, its lines with their height on the page, and whether it has images."""
    import pypdfium2.raw as pdfium_c

    page = pdf[number]
    textpage = page.get_textpage()
    try:
        raw_text = textpage.get_text_bounded()
        result = _Page()
        pieces: list[str] = []
        offset = 0  # in the page text we build
        utf16, done = 0, 0  # PDFium counts its text in UTF-16 units
        for raw_line, raw_start in _split_lines(raw_text):
            utf16 += _utf16_len(raw_text[done:raw_start])
            done = raw_start
            line = raw_line.translate(_CLEAN_CHARS).strip()
            if pieces:
                pieces.append("\n")
                offset += 1
            pieces.append(line)
            result.lines.append(_Line(offset, offset + len(line), line, _line_top(textpage, raw_line, utf16)))
            offset += len(line)
        result.text = "".join(pieces)
        if len(result.text.split()) < MIN_WORDS:  # a scanned page may carry a page number as text
            result.has_images = any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
        return result
    finally:
        textpage.close()
        page.close()


def _split_lines(text: str) -> list[tuple[str, int]]:
    """The lines of PDFium's text with the offset where each starts."""
    lines, start = [], 0
    for match in _LINE_BREAK.finditer(text):
        lines.append((text[start:match.start()], start))
        start = match.end()
    lines.append((text[start:], start))
    return lines


def _utf16_len(text: str) -> int:
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _line_top(textpage: Any, line: str, text_index: int) -> float | None:
    """How high on the page a line starts (PDF units from the bottom), from its first visible character."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    visible = next((i for i, c in enumerate(line) if not c.isspace()), None)
    if visible is None:
        return None
    char_index = pdfium_c.FPDFText_GetCharIndexFromTextIndex(textpage.raw, text_index + _utf16_len(line[:visible]))
    if char_index < 0:
        return None
    try:
        _left, _bottom, _right, top = textpage.get_charbox(char_index)
    except pdfium.PdfiumError:  # geometry is a hint: a line without it is still read
        return None
    return float(top)


def _key(line: _Line) -> tuple[str, int | None]:
    """A line as compared across pages: its text, and its height on the page (in steps of 4
    points), since a running header sits at the same place on every page.

    Numbers in short lines (page numbers, dates) and case and spacing do not count.
    """
    text = _SPACES.sub(" ", line.text.strip().lower())
    if len(text.split()) <= MAX_NUMBERED_WORDS:
        text = _DIGITS.sub("#", text)
    return text, None if line.top is None else round(line.top / 4)


def _margins(page: _Page, count: int) -> tuple[list[_Line], list[_Line]]:
    """The ``count`` highest and lowest non-blank lines of a page (by position, else by order)."""
    lines = [line for line in page.lines if line.text]
    if all(line.top is not None for line in lines):
        lines = sorted(lines, key=lambda line: -(line.top or 0.0))
    return lines[:count], lines[-count:]


def _mark_running_lines(pages: list[_Page]) -> None:
    """Mark page numbers and lines repeated at the top or bottom of at least half of the pages."""
    with_text = [page for page in pages if page.text.strip()]
    tops: Counter[tuple[str, int | None]] = Counter()
    bottoms: Counter[tuple[str, int | None]] = Counter()
    for page in with_text:
        top, bottom = _margins(page, MARGIN_LINES)
        tops.update({_key(line) for line in top if len(line.text.split()) <= MAX_RUNNING_WORDS})
        bottoms.update({_key(line) for line in bottom if len(line.text.split()) <= MAX_RUNNING_WORDS})
    needed = max(2, (len(with_text) + 1) // 2)
    for page in with_text:
        top, bottom = _margins(page, MARGIN_LINES)
        near_top, near_bottom = _margins(page, PAGE_NUMBER_LINES)
        for line in [*near_top, *near_bottom]:
            if _PAGE_NUMBER.fullmatch(line.text):
                line.kind = "page_number"
        for lines, counts, kind in ((top, tops, "running_header"), (bottom, bottoms, "running_footer")):
            for line in lines:
                if line.kind is None and counts[_key(line)] >= needed:
                    line.kind = kind


def _assemble(pages: list[_Page]) -> tuple[str, tuple[int, ...], tuple[NoiseSpan, ...]]:
    """The document text, where each page starts in it, and the noise spans."""
    pieces: list[str] = []
    starts: list[int] = []
    noise: list[NoiseSpan] = []
    length = 0
    for page in pages:
        if page.text and length:
            pieces.append(PAGE_BREAK)
            length += len(PAGE_BREAK)
        starts.append(length)
        noise.extend(NoiseSpan(length + line.start, length + line.end, line.kind)
                     for line in page.lines if line.kind and line.text)
        pieces.append(page.text)
        length += len(page.text)
    return "".join(pieces), tuple(starts), tuple(noise)


def _words_outside(text: str, noise: tuple[NoiseSpan, ...]) -> int:
    kept, at = [], 0
    for span in noise:
        kept.append(text[at:span.start])
        at = span.end
    kept.append(text[at:])
    return len(" ".join(kept).split())


def _no_text_reason(pages: list[_Page], words: int) -> str:
    n = len(pages)
    scanned = sum(page.has_images for page in pages)
    if words:
        found = f"only {words} word(s) of text"
    elif any(page.text.strip() for page in pages):
        found = "no text besides page numbers and running headers"
    else:
        found = "no text at all"
    if scanned:
        return (f"no text layer: a scanned or image-only PDF ({scanned} of {n} page(s) are images, {found}); "
                "run OCR on it first")
    return f"no text layer: the PDF has {n} page(s) and {found}"


def _pages_without_text(pages: list[_Page]) -> list[str]:
    """A problem naming the pages that are images with little or no text (scanned pages in a text PDF)."""
    scanned = [number for number, page in enumerate(pages, start=1) if page.has_images]
    if not scanned:
        return []
    listed = ", ".join(map(str, scanned[:20])) + (", ..." if len(scanned) > 20 else "")
    return [f"page(s) {listed} of {len(pages)} are images with little or no text (scanned?); "
            "any text in the images is missing"]
