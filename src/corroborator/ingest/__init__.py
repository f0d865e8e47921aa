"""Finding input files and reading them into documents.

A document's id is the sha256 of its raw bytes (for ``.jsonl``, of its line), so the same
report read twice is the same document. Every file that cannot be used raises
:class:`~corroborator.errors.InputError` with the reason; the build records it and goes on.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from corroborator.errors import InputError
from corroborator.model import Document

logger = logging.getLogger(__name__)

#: File endings read, and the media type each is read as.
MEDIA_TYPES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".jsonl": "application/jsonl",
}
#: Fields of a ``.jsonl`` record that become document metadata.
JSONL_FIELDS = ("id", "title", "url", "published", "author", "outlet")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# Below this share of printable characters a decoded file is binary after all.
_MIN_PRINTABLE = 0.95
_MIN_HTML_WORDS = 5
# Line breaks and tabs are layout, not binary noise.
_LAYOUT = str.maketrans("\n\t", "  ")


@dataclass(frozen=True)
class ReadResult:
    """The documents read from one file, and what in it could not be read."""

    documents: list[Document]
    problems: list[str]


@dataclass(frozen=True)
class IngestOptions:
    """How inputs are found and read.

    Attributes:
        max_bytes: Larger files are skipped (a report is rarely over a few MB; a larger
            file is usually a dump or a mistake, and would stall the batch).
        follow_hidden: Read files and folders whose names start with a dot.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    follow_hidden: bool = False


def find_inputs(paths: Iterable[str | os.PathLike[str]], options: IngestOptions | None = None) -> Iterator[Path]:
    """Yield the files under ``paths`` (files as given, folders recursively, sorted).

    Raises:
        InputError: A path does not exist.
    """
    options = options or IngestOptions()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if options.follow_hidden or not d.startswith("."))
                for name in sorted(files):
                    if options.follow_hidden or not name.startswith("."):
                        yield Path(root) / name
        elif path.exists():
            yield path
        else:
            raise InputError(str(path), "no such file or folder")


def read_documents(path: Path, options: IngestOptions | None = None) -> ReadResult:
    """Read one file into its documents (one, or one per line of a ``.jsonl`` file).

    A ``.jsonl`` file with some bad lines keeps its good ones and lists the bad ones in
    ``problems``.

    Raises:
        InputError: The file is of an unsupported type, empty, binary, undecodable,
            too large, unreadable, or holds no usable text.
    """
    options = options or IngestOptions()
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        known = ", ".join(sorted(MEDIA_TYPES))
        raise InputError(str(path), f"unsupported file type {path.suffix or '(none)'!r}; readable types: {known}")
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            raise InputError(str(path), f"too large ({size:,} bytes; the limit is {options.max_bytes:,})")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"unreadable ({exc.strerror or exc})") from exc
    if not raw.strip():
        raise InputError(str(path), "empty file")
    text = decode(raw, str(path))
    if media_type == "application/jsonl":
        documents, problems = _jsonl_documents(path, raw)
        if not documents:
            raise InputError(str(path), "no usable line: " + "; ".join(problems[:5]))
        return ReadResult(documents, problems)
    if media_type == "text/html":
        return ReadResult([_html_document(path, raw, text)], [])
    return ReadResult([_text_document(path, raw, text, media_type)], [])


def decode(raw: bytes, name: str) -> str:
    """Decode bytes as UTF-8 when they are, else as the detected encoding.

    Raises:
        InputError: The bytes are binary or no encoding fits them.
    """
    if b"\x00" in raw[:8192]:
        raise InputError(name, "binary file (contains NUL bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _detect_and_decode(raw, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    sample = text[:20000].translate(_LAYOUT)
    # Fast path: nearly every real report is printable through and through.
    if not sample.isprintable() and sum(map(str.isprintable, sample)) / len(sample) < _MIN_PRINTABLE:
        raise InputError(name, "binary file (mostly unprintable characters)")
    if not text.strip():
        raise InputError(name, "empty file (only white space)")
    return text


def _detect_and_decode(raw: bytes, name: str) -> str:
    """Decode non-UTF-8 bytes with the encoding charset-normalizer finds."""
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        raise InputError(name, "undecodable: not UTF-8 and no other text encoding fits")
    logger.info("%s: decoded as %s", name, best.encoding)
    return str(best)


def _sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _text_document(path: Path, raw: bytes, text: str, media_type: str) -> Document:
    digest = _sha256(raw)
    return Document(id=digest, path=str(path), sha256=digest, media_type=media_type, text=text)


def _html_document(path: Path, raw: bytes, html: str) -> Document:
    """Main text and metadata of a web page, through trafilatura."""
    import trafilatura

    from trafilatura.settings import set_date_params

    try:
        # No extensive date search: it turns a bare "/2017/" in a link into "2017-01-01".
        # A date from the page's markup or none: better none than a wrong one.
        result = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False,
                                             date_extraction_params=set_date_params(extensive=False))
    except (ValueError, TypeError, AttributeError) as exc:  # lxml raises these on broken markup
        raise InputError(str(path), f"malformed HTML ({exc})") from exc
    meta = result.as_dict() if result is not None else {}
    text = (meta.get("text") or "").strip()
    if len(text.split()) < _MIN_HTML_WORDS:
        # trafilatura falls back to menus and buttons when a page has no article.
        raise InputError(str(path), f"HTML page with no main text (found {len(text.split())} word(s))")
    digest = _sha256(raw)
    return Document(
        id=digest,
        path=str(path),
        sha256=digest,
        media_type="text/html",
        text=text,
        title=meta.get("title") or None,
        author=meta.get("author") or None,
        outlet=meta.get("sitename") or None,
        published=_iso_date(meta.get("date")),
        url=meta.get("url") or None,
    )


def _jsonl_documents(path: Path, raw: bytes) -> tuple[list[Document], list[str]]:
    """One document per line; a bad line is reported, the others are kept."""
    problems: list[str] = []
    documents: list[Document] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}#L{number}"
        try:
            record = json.loads(line)
        except ValueError as exc:
            problems.append(f"line {number}: not JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            problems.append(f"line {number}: not a JSON object")
            continue
        if isinstance(record.get("id"), (str, int)) and str(record["id"]).strip():
            where = f"{path}#{str(record['id']).strip()}"
        body = record.get("text")
        media_type = "text/plain"
        if not isinstance(body, str) or not body.strip():
            html = record.get("html")
            if not isinstance(html, str) or not html.strip():
                problems.append(f"line {number}: no 'text' or 'html' field")
                continue
            try:
                page = _html_document(Path(where), line, html)
            except InputError as exc:
                problems.append(f"line {number}: {exc.reason}")
                continue
            body, media_type = page.text, "text/html"
            record = {**{k: getattr(page, k) for k in ("title", "author", "outlet", "published", "url")}, **record}
        digest = _sha256(line)
        documents.append(Document(
            id=digest,
            path=where,
            sha256=digest,
            media_type=media_type,
            text=body.replace("\r\n", "\n").replace("\r", "\n"),
            title=_str_or_none(record.get("title")),
            author=_str_or_none(record.get("author")),
            outlet=_str_or_none(record.get("outlet")),
            published=_iso_date(record.get("published")),
            url=_str_or_none(record.get("url")),
        ))
    return documents, problems


def _str_or_none(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _iso_date(value: object) -> str | None:
    """An ISO date (YYYY-MM-DD, YYYY-MM or YYYY) from a metadata value, else None."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    match = re.fullmatch(r"(\d{4})(?:-?(\d{2}))?(?:-?(\d{2}))?(?:[T ].*)?", value)
    if match:
        year, month, day = match.groups()
        try:
            date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            return None  # 2017-13-45 is no date; better none than a wrong one
        return "-".join(part for part in (year, month, day) if part)
    from dateparser import parse

    parsed = parse(value, languages=["en"])
    return parsed.date().isoformat() if parsed else None
