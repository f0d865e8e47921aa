"""Finding input files and reading them into documents.

A document's id is the sha256 of its raw bytes (for ``.jsonl``, of its line; for a WARC
archive, of each page's body), so the same report read twice is the same document. Every
file that cannot be used raises :class:`~corroborator.errors.InputError` with the reason;
the build records it and goes on.

Readers: plain text, Markdown and JSON lines here; text decoding in :mod:`.text`; web
pages in :mod:`.html`; PDF in :mod:`.pdf`; web archives (WARC) in :mod:`.warc`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from corroborator.errors import InputError
from corroborator.ingest.html import html_document, iso_date, sha256, str_or_none
from corroborator.ingest.pdf import read_pdf
from corroborator.ingest.text import decode, decode_with_encoding
from corroborator.ingest.warc import read_warc
from corroborator.model import Document

logger = logging.getLogger(__name__)

#: File endings read, and the media type each is read as. Any other ``.gz`` file is tried
#: as a gzipped WARC archive, and skipped with a reason when it is none.
MEDIA_TYPES = {
    ".txt": "text/plain",
    ".text": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".jsonl": "application/jsonl",
    ".pdf": "application/pdf",
    ".warc": "application/warc",
    ".warc.gz": "application/warc",
}
#: Fields of a ``.jsonl`` record that become document metadata.
JSONL_FIELDS = ("id", "title", "url", "published", "author", "outlet")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class ReadResult:
    """The documents read from one file, and what in it could not be read.

    ``problems`` are lines of text (a bad ``.jsonl`` line, a PDF's scanned pages, a WARC's
    records that are no HTML page, summed up in one line). ``not_read`` counts the parts of
    a container that did not become documents, by kind (for a WARC archive: ``{"request":
    2, "response image/png": 1, "warcinfo": 1}``); it is empty for other files.
    ``not_read_problem`` is the line of ``problems`` that sums up ``not_read`` (None when
    ``not_read`` is empty): the file itself was read.
    """

    documents: list[Document]
    problems: list[str]
    not_read: dict[str, int] = field(default_factory=dict)
    not_read_problem: str | None = None


@dataclass(frozen=True)
class IngestOptions:
    """How inputs are found and read.

    Attributes:
        max_bytes: Larger files are skipped (a report is rarely over a few MB; a larger
            file is usually a dump or a mistake, and would stall the batch). A WARC
            archive may be larger: the limit holds for each of its records.
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


def media_type_of(path: Path) -> str | None:
    """The media type a file is read as, from its name; None when it is not read."""
    name = path.name.lower()
    if name.endswith(".gz"):
        return "application/warc"  # a .gz that is no WARC archive is skipped with that reason
    return MEDIA_TYPES.get(path.suffix.lower())


def read_documents(path: Path, options: IngestOptions | None = None) -> ReadResult:
    """Read one file into its documents (one, one per line of a ``.jsonl`` file, or one per
    HTML page of a WARC archive).

    A ``.jsonl`` file with some bad lines keeps its good ones and lists the bad ones in
    ``problems``; so does a WARC archive with its records that are no HTML page.

    Raises:
        InputError: The file is of an unsupported type, empty, binary, undecodable,
            too large, unreadable, or holds no usable text; a PDF is broken, encrypted
            or has no text layer; a ``.gz`` file is no WARC archive.
    """
    options = options or IngestOptions()
    media_type = media_type_of(path)
    if media_type is None:
        known = ", ".join(sorted(MEDIA_TYPES))
        raise InputError(str(path), f"unsupported file type {path.suffix or '(none)'!r}; readable types: {known}")
    try:
        size = path.stat().st_size
        if size == 0:
            raise InputError(str(path), "empty file")
        if media_type == "application/warc":
            read = read_warc(path, options.max_bytes)
            return ReadResult(read.documents, read.problems, dict(read.not_read), read.not_read_problem)
        if size > options.max_bytes:
            raise InputError(str(path), f"too large ({size:,} bytes; the limit is {options.max_bytes:,})")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"unreadable ({exc.strerror or exc})") from exc
    if media_type == "application/pdf":
        document, problems = read_pdf(str(path), raw)
        return ReadResult([document], problems)
    if not raw.strip():
        raise InputError(str(path), "empty file")
    text, encoding = decode_with_encoding(raw, str(path))
    if media_type == "application/jsonl":
        documents, problems = _jsonl_documents(path, raw, text, encoding)
        if not documents:
            raise InputError(str(path), "no usable line: " + "; ".join(problems[:5]))
        return ReadResult(documents, problems)
    if media_type == "text/html":
        return ReadResult([html_document(str(path), raw, text)], [])
    return ReadResult([_text_document(path, raw, text, media_type)], [])


def _text_document(path: Path, raw: bytes, text: str, media_type: str) -> Document:
    digest = sha256(raw)
    return Document(id=digest, path=str(path), sha256=digest, media_type=media_type, text=text)


def _jsonl_lines(raw: bytes, text: str, encoding: str) -> list[bytes]:
    """The lines of a ``.jsonl`` file as bytes: each line's id is their sha256.

    UTF-8 lines are the file's own bytes; lines of a UTF-16 or UTF-32 file are re-encoded
    in its encoding (without the BOM), which gives the file's bytes back too.
    """
    if encoding in ("utf-8", ""):
        lines = raw.splitlines()
        if lines and lines[0].startswith(b"\xef\xbb\xbf"):
            lines[0] = lines[0][3:]  # json.loads refuses a UTF-8 BOM
        return lines
    return [line.encode(encoding) for line in text.splitlines()]


def _jsonl_documents(path: Path, raw: bytes, text: str = "",
                     encoding: str = "utf-8") -> tuple[list[Document], list[str]]:
    """One document per line; a bad line is reported, the others are kept."""
    problems: list[str] = []
    documents: list[Document] = []
    for number, line in enumerate(_jsonl_lines(raw, text, encoding), start=1):
        if not line.strip():
            continue
        where = f"{path}#L{number}"
        try:
            record = json.loads(line if encoding in ("utf-8", "") else line.decode(encoding))
        except ValueError as exc:
            problems.append(f"line {number}: not JSON ({getattr(exc, 'msg', exc)})")
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
                page = html_document(where, line, html)
            except InputError as exc:
                problems.append(f"line {number}: {exc.reason}")
                continue
            body, media_type = page.text, "text/html"
            record = {**{k: getattr(page, k) for k in ("title", "author", "outlet", "published", "url")}, **record}
        digest = sha256(line)
        documents.append(Document(
            id=digest,
            path=where,
            sha256=digest,
            media_type=media_type,
            text=body.replace("\r\n", "\n").replace("\r", "\n"),
            title=str_or_none(record.get("title")),
            author=str_or_none(record.get("author")),
            outlet=str_or_none(record.get("outlet")),
            published=iso_date(record.get("published")),
            url=str_or_none(record.get("url")),
        ))
    return documents, problems
