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
from typing import BinaryIO

from corroborator.errors import InputError
from corroborator.ingest.files import (
    NO_DEADLINE,
    Deadline,
    ReadTimeout,
    capped_lines,
    check_regular,
    open_regular,
    opened,
    read_capped,
    time_limit,
)
from corroborator.ingest.html import html_document, iso_date, sha256, str_or_none
from corroborator.ingest.pdf import read_pdf
from corroborator.ingest.text import bom_encoding, decode, decode_with_encoding
from corroborator.ingest.warc import read_warc
from corroborator.model import Document
from corroborator.settings import DEFAULTS, IngestSettings

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
DEFAULT_MAX_BYTES = DEFAULTS.ingest.max_bytes


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
    """How inputs are found and read (the caps default to the packaged ``[ingest]`` settings).

    Only regular files are read: a FIFO, socket or device is skipped with its kind as the
    reason, and never opened.

    Attributes:
        max_bytes: Larger files are skipped (a report is rarely over a few MB; a larger
            file is usually a dump or a mistake, and would stall the batch). In a WARC
            archive the limit holds for each of its records; in a ``.jsonl`` file,
            ``max_line_bytes`` holds for each line instead.
        follow_hidden: Read files and folders whose names start with a dot.
        max_line_bytes: A longer line of a ``.jsonl`` file is skipped by itself.
        max_container_bytes: Larger ``.jsonl`` files and WARC archives are skipped.
        max_seconds: Reading one file (decoding and parsing included) may take this long;
            a file that takes longer is skipped.
    """

    max_bytes: int = DEFAULTS.ingest.max_bytes
    follow_hidden: bool = False
    max_line_bytes: int = DEFAULTS.ingest.max_line_bytes
    max_container_bytes: int = DEFAULTS.ingest.max_container_bytes
    max_seconds: float = DEFAULTS.ingest.max_seconds

    @classmethod
    def from_settings(cls, settings: IngestSettings, *, follow_hidden: bool = False) -> IngestOptions:
        """Options with the caps of an ``[ingest]`` settings section."""
        return cls(max_bytes=settings.max_bytes, follow_hidden=follow_hidden,
                   max_line_bytes=settings.max_line_bytes, max_container_bytes=settings.max_container_bytes,
                   max_seconds=settings.max_seconds)


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


def read_documents(path: Path, options: IngestOptions | None = None, *, content: bytes | None = None) -> ReadResult:
    """Read one file into its documents (one, one per line of a ``.jsonl`` file, or one per
    HTML page of a WARC archive).

    A ``.jsonl`` file with some bad lines keeps its good ones and lists the bad ones in
    ``problems`` (a line over ``max_line_bytes`` too); so does a WARC archive with its
    records that are no HTML page.

    Raises:
        InputError: The file is of an unsupported type, no regular file (a FIFO, socket
            or device), empty, binary, undecodable, too large, too slow to read
            (``max_seconds``), unreadable, or holds no usable text; a PDF is broken,
            encrypted or has no text layer; a ``.gz`` file is no WARC archive.

    ``content``, when given, are the file's bytes, already read (by a distributed engine's
    executor, from HDFS or S3): the file is not opened, and everything else is the same.
    """
    options = options or IngestOptions()
    # Before anything else: a FIFO is never opened.
    size = check_regular(path).st_size if content is None else len(content)
    media_type = media_type_of(path)
    if media_type is None:
        known = ", ".join(sorted(MEDIA_TYPES))
        raise InputError(str(path), f"unsupported file type {path.suffix or '(none)'!r}; readable types: {known}")
    if size == 0:
        raise InputError(str(path), "empty file")
    try:
        with time_limit(options.max_seconds) as deadline:
            return _read(path, media_type, size, options, deadline, content)
    except ReadTimeout:
        logger.warning("%s: reading took over %g s; skipped", path, options.max_seconds)
        raise InputError(str(path), f"reading took longer than {options.max_seconds:g} s "
                                    "(the limit ingest.max_seconds)") from None
    except RecursionError as exc:
        raise InputError(str(path), "too deeply nested to read") from exc


def _read(path: Path, media_type: str, size: int, options: IngestOptions, deadline: Deadline,
          content: bytes | None = None) -> ReadResult:
    """Read a regular file of a known media type (the body of :func:`read_documents`)."""
    name = str(path)
    if media_type in ("application/warc", "application/jsonl") and size > options.max_container_bytes:
        raise InputError(name, f"too large ({size:,} bytes; the limit ingest.max_container_bytes is "
                               f"{options.max_container_bytes:,})")
    if media_type == "application/warc":
        read = read_warc(path, options.max_bytes, deadline, content=content)
        return ReadResult(read.documents, read.problems, dict(read.not_read), read.not_read_problem)
    if media_type != "application/jsonl" and size > options.max_bytes:
        raise InputError(name, f"too large ({size:,} bytes; the limit is {options.max_bytes:,})")
    try:
        with opened(path, content) as fh:
            if media_type == "application/jsonl":
                return _read_jsonl(path, fh, options, deadline)
            raw = read_capped(fh, name, options.max_bytes, deadline)
    except OSError as exc:
        raise InputError(name, f"unreadable ({exc.strerror or exc})") from exc
    if media_type == "application/pdf":
        document, problems = read_pdf(name, raw, deadline)
        return ReadResult([document], problems)
    if not raw.strip():
        raise InputError(name, "empty file")
    text, _ = decode_with_encoding(raw, name)
    deadline.check()
    if media_type == "text/html":
        return ReadResult([html_document(name, raw, text)], [])
    return ReadResult([_text_document(path, raw, text, media_type)], [])


def _text_document(path: Path, raw: bytes, text: str, media_type: str) -> Document:
    digest = sha256(raw)
    return Document(id=digest, path=str(path), sha256=digest, media_type=media_type, text=text)


def _read_jsonl(path: Path, fh: BinaryIO, options: IngestOptions, deadline: Deadline) -> ReadResult:
    """A ``.jsonl`` file, line by line: an oversized or bad line is a problem, the others are read."""
    name = str(path)
    head = fh.read(4)
    fh.seek(0)
    found = bom_encoding(head)
    if found is not None and found[0] != "utf-8":
        # UTF-16 and UTF-32 lines do not split on the byte 0A: such a file is read whole.
        raw = read_capped(fh, name, options.max_bytes, deadline)
        text, encoding = decode_with_encoding(raw, name)
        lines: list[tuple[int, bytes | None, int]] = [
            (number, line, len(line)) for number, line in enumerate(_jsonl_lines(raw, text, encoding), start=1)]
    else:
        encoding = "utf-8"
        lines = list(capped_lines(fh, options.max_line_bytes, deadline))
        if lines and lines[0][1] is not None and lines[0][1].startswith(b"\xef\xbb\xbf"):
            lines[0] = (1, lines[0][1][3:], lines[0][2] - 3)  # json.loads refuses a UTF-8 BOM
    if not any(line is None or line.strip() for _, line, _ in lines):
        raise InputError(name, "empty file")
    first = next((line for _, line, _ in lines if line), b"")
    if encoding == "utf-8" and b"\x00" in first[:8192]:
        raise InputError(name, "binary file (contains NUL bytes)")
    documents, problems = _jsonl_documents(path, lines, encoding, options.max_line_bytes, deadline)
    if not documents:
        raise InputError(name, "no usable line: " + "; ".join(problems[:5]))
    return ReadResult(documents, problems)


def jsonl_part(path: Path, start: int, end: int, options: IngestOptions | None = None, *, first_line: int = 1,
               fh: BinaryIO | None = None) -> ReadResult:
    """The documents of the lines of a UTF-8 ``.jsonl`` file that start in bytes ``[start, end)``.

    ``start`` and ``end`` must be line starts (:func:`line_start`); ``first_line`` is the
    number of the part's first line in the file, so documents and problems name the
    lines as :func:`read_documents` does. A part with no usable line gives no documents
    (and no error); the first part (``start == 0``) is checked for a binary file as a
    whole file is. Lets an engine read one large file in parts, in parallel.

    Raises:
        InputError: The file cannot be read, or (first part) is binary.
    """
    options = options or IngestOptions()
    name = str(path)
    try:
        with time_limit(options.max_seconds) as deadline, (fh or open_regular(path)) as stream:
            stream.seek(start)
            lines = [(first_line - 1 + n, line, length) for n, line, length in
                     capped_lines(_Bounded(stream, end - start), options.max_line_bytes, deadline)]
            if start == 0 and lines and lines[0][1] is not None and lines[0][1].startswith(b"\xef\xbb\xbf"):
                lines[0] = (lines[0][0], lines[0][1][3:], lines[0][2] - 3)
            first = next((line for _, line, _ in lines if line), b"")
            if start == 0 and b"\x00" in first[:8192]:
                raise InputError(name, "binary file (contains NUL bytes)")
            documents, problems = _jsonl_documents(path, lines, "utf-8", options.max_line_bytes, deadline)
    except ReadTimeout:
        raise InputError(name, f"reading took longer than {options.max_seconds:g} s "
                               "(the limit ingest.max_seconds)") from None
    except OSError as exc:
        raise InputError(name, f"unreadable ({exc.strerror or exc})") from exc
    return ReadResult(documents, problems)


def line_start(fh: BinaryIO, at: int) -> int:
    """The first position at or after ``at`` where a line of the file starts (its size if none does)."""
    if at <= 0:
        return 0
    fh.seek(at - 1)
    position = at - 1
    while chunk := fh.read(1 << 16):
        found = chunk.find(b"\n")
        if found >= 0:
            return position + found + 1
        position += len(chunk)
    return position


def count_lines(fh: BinaryIO, start: int, end: int, max_line_bytes: int) -> int:
    """How many lines :func:`read_documents` numbers in bytes ``[start, end)`` (line starts) of a file."""
    fh.seek(start)
    return sum(1 for _ in capped_lines(_Bounded(fh, end - start), max_line_bytes))


class _Bounded:
    """At most ``limit`` bytes of a file, from where it stands."""

    def __init__(self, fh: BinaryIO, limit: int) -> None:
        self.fh, self.left = fh, limit

    def read(self, size: int = -1) -> bytes:
        size = self.left if size < 0 else min(size, self.left)
        data = self.fh.read(size) if size > 0 else b""
        self.left -= len(data)
        return data


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


def _jsonl_documents(path: Path, lines: list[tuple[int, bytes | None, int]], encoding: str,
                     max_line_bytes: int, deadline: Deadline = NO_DEADLINE) -> tuple[list[Document], list[str]]:
    """One document per line; a bad or oversized line is reported, the others are kept.

    ``lines`` are ``(number, bytes, length)``, bytes None for a line over ``max_line_bytes``.
    """
    problems: list[str] = []
    documents: list[Document] = []
    legacy: list[str] = []  # the encoding of lines that are not UTF-8, found once
    for number, line, length in lines:
        deadline.check()
        if line is None:
            problems.append(f"line {number}: too long ({length:,} bytes; the limit ingest.max_line_bytes "
                            f"is {max_line_bytes:,}); the other lines are read")
            logger.warning("%s line %d: %s bytes, over ingest.max_line_bytes; skipped", path, number, length)
            continue
        if not line.strip():
            continue
        where = f"{path}#L{number}"
        try:
            if encoding == "utf-8":
                try:
                    source: str | bytes = line.decode("utf-8")
                except UnicodeDecodeError:
                    legacy = legacy or [_legacy_encoding(lines)]
                    if not legacy[0]:
                        problems.append(f"line {number}: undecodable (not UTF-8, and no other text encoding fits)")
                        continue
                    source = line.decode(legacy[0])
            else:
                source = line.decode(encoding)
            record = json.loads(source)
        except ValueError as exc:
            problems.append(f"line {number}: not JSON ({getattr(exc, 'msg', None) or exc})")
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


def _legacy_encoding(lines: list[tuple[int, bytes | None, int]]) -> str:
    """The encoding of a ``.jsonl`` file's lines that are not UTF-8, detected on those lines ("" when none fits)."""
    sample = []
    for _, line, _ in lines:
        if line:
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                sample.append(line)
    try:
        return decode_with_encoding(b"\n".join(sample)[:DEFAULT_MAX_BYTES], "lines")[1]
    except InputError:
        return ""
