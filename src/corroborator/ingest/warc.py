"""Web archives (WARC, ``.warc`` or ``.warc.gz``): each archived HTML page is a document.

Read with warcio, the WARC library of the Webrecorder project: it streams records from
plain and gzipped archives (one gzip member per record, or the whole file), and decodes
chunked and compressed HTTP bodies.

Every HTML page (a ``response`` with a 2xx status, or a ``resource``, of type
``text/html`` or ``application/xhtml+xml``) goes through the same path as an ``.html``
file. Its document:

* ``id`` and ``sha256``: the sha256 of the page's HTTP body as served (after undoing
  transfer and content encoding), so the same page read from a file or from another
  archive is the same document; a second record with the same body is a duplicate;
* ``url``: the WARC-Target-URI (where the page was captured, not the URL it names itself);
* ``published``: the date the page states (in its metadata, else in a dateline of its
  text), else the capture date (WARC-Date);
* ``record_id``, ``record_offset``, ``container_sha256``: the WARC-Record-ID, the record's
  byte offset in the archive file, and the archive file's sha256 (the chain of custody);
* ``path``: ``archive.warc.gz#urn:uuid:...``.

Every other record is counted by kind ("request", "response image/png", "response HTTP
404"...) and listed in one problem line, so nothing is dropped silently.
"""

from __future__ import annotations

import codecs
import dataclasses
import gzip
import hashlib
import logging
from collections import Counter
from pathlib import Path
from typing import IO, Any

from corroborator.analyze.clean import clean
from corroborator.errors import InputError
from corroborator.ingest.files import NO_DEADLINE, Deadline, opened
from corroborator.ingest.html import html_document, iso_date
from corroborator.ingest.text import decode
from corroborator.model import Document

logger = logging.getLogger(__name__)

MEDIA_TYPE = "application/warc"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Records read as pages; every other type ("request", "warcinfo", "metadata", "revisit") is counted.
CONTENT_RECORDS = frozenset({"response", "resource"})
#: At most this many unreadable pages are named one by one; the rest are counted.
MAX_PROBLEMS_LISTED = 20
_GZIP_MAGIC = b"\x1f\x8b"
_WHOLE_FILE_GZIP = "non-chunked gzip"


@dataclasses.dataclass
class WarcRead:
    """What reading an archive gave: documents, problems, and the records not read, by kind."""

    documents: list[Document] = dataclasses.field(default_factory=list)
    problems: list[str] = dataclasses.field(default_factory=list)
    not_read: Counter[str] = dataclasses.field(default_factory=Counter)
    records: int = 0
    #: The line of ``problems`` that sums up ``not_read`` (None when every record was read).
    not_read_problem: str | None = None


def read_warc(path: Path, max_bytes: int, deadline: Deadline = NO_DEADLINE, *,
              content: bytes | None = None) -> WarcRead:
    """Read the HTML pages of a WARC archive into documents.

    ``max_bytes`` limits each record's body, not the archive; ``deadline`` is checked
    between records (:class:`~corroborator.ingest.files.ReadTimeout` when it passes);
    ``content``, when given, are the archive's bytes, already read.

    Raises:
        InputError: The file is not a WARC archive, or holds no HTML page with main text.
    """
    from warcio.exceptions import ArchiveLoadFailed

    head = b""
    try:
        with opened(path, content) as fh:
            container = hashlib.file_digest(fh, "sha256").hexdigest()
            fh.seek(0)
            head = fh.read(2)
            fh.seek(0)
            result = WarcRead()
            try:
                _read_records(fh, str(path), container, max_bytes, result, size=path.stat().st_size if content is None else len(content),
                              deadline=deadline)
            except ArchiveLoadFailed as exc:
                if _WHOLE_FILE_GZIP not in str(exc) or head != _GZIP_MAGIC:
                    raise
                # gzip over the whole file, not per record: read it decompressed; offsets
                # then count in the decompressed archive.
                fh.seek(0)
                result = WarcRead()
                with gzip.GzipFile(fileobj=fh) as unzipped:
                    _read_records(unzipped, str(path), container, max_bytes, result, deadline=deadline)
                result.problems.insert(0, "the archive is gzipped as a whole, not record by record: record offsets "
                                          "count bytes of the decompressed archive")
    except InputError:
        raise
    except gzip.BadGzipFile as exc:
        raise InputError(str(path), _not_a_warc(path, head, exc)) from exc
    except OSError as exc:
        raise InputError(str(path), f"unreadable ({exc.strerror or exc})") from exc
    except Exception as exc:  # noqa: BLE001 - warcio fails on bad input in many ways (AttributeError on a cut header)
        # Nothing came out of the archive at all (failures after a first record are problems).
        raise InputError(str(path), _not_a_warc(path, head, exc)) from exc
    if not result.records:
        raise InputError(str(path), "no whole WARC record in the file (an empty or truncated archive)")
    if not result.documents:
        counts = ", ".join(f"{n} {kind}" for kind, n in result.not_read.items()) or "none"
        raise InputError(str(path), "; ".join([f"no HTML page with main text in the archive's {result.records} "
                                               f"record(s) (records: {counts})", *result.problems[:2]]))
    if result.not_read:
        counts = ", ".join(f"{n} {kind}" for kind, n in result.not_read.items())
        result.not_read_problem = (f"{result.not_read.total()} of {result.records} record(s) not read as reports: "
                                   f"{counts}")
        result.problems.append(result.not_read_problem)
    return result


def _detail(exc: Exception) -> str:
    """The first line of an error's message, or its type when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _truncated(record: Any) -> bool:
    """Whether a record's block ended before its Content-Length (read to its end first)."""
    return getattr(record.raw_stream, "limit", 0) > 0


def _not_a_warc(path: Path, head: bytes, exc: Exception) -> str:
    name = path.name.lower()
    detail = _detail(exc)
    if name.endswith(".gz") and not name.endswith(".warc.gz"):
        kind = "gzip file" if head == _GZIP_MAGIC else "file named .gz (but not gzip)"
        return (f"a {kind} that is not a WARC archive: only gzipped WARC archives are read among .gz files; "
                f"decompress other files first ({detail})")
    return f"not a WARC archive ({detail})"


def _read_records(stream: IO[bytes], path: str, container: str, max_bytes: int, result: WarcRead,
                  size: int | None = None, deadline: Deadline = NO_DEADLINE) -> None:
    """Read every record of the stream into ``result``; a broken archive keeps what came before.

    ``size`` is the stream's length, to notice an archive that ends inside a gzip member.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    iterator = ArchiveIterator(stream)
    seen: set[str] = set()
    failed = 0
    last = None
    try:
        for record in iterator:
            deadline.check()
            if record.format != "warc":
                # warcio takes nearly any first line for an ARC (the WARC's ancestor) header.
                raise ArchiveLoadFailed(f"a record starts without a WARC header (read as {record.format.upper()})")
            result.records += 1
            last = record
            page = _page_payload(record, max_bytes, result.not_read)
            if page is None:
                continue
            payload, charset = page
            offset = iterator.get_record_offset()
            headers = record.rec_headers
            record_id = headers.get_header("WARC-Record-ID") or f"offset {offset}"
            where = f"{path}#{record_id.strip('<>')}"
            if _truncated(record):
                result.not_read["truncated HTML page(s)"] += 1
                last = None  # named here, not again below
                uri = headers.get_header("WARC-Target-URI")
                result.problems.append(f"record {record_id} ({uri}) is cut short: the archive is truncated")
                continue
            try:
                doc = _page_document(where, payload, charset)
            except InputError as exc:
                result.not_read["HTML page(s) without main text"] += 1
                failed += 1
                if failed <= MAX_PROBLEMS_LISTED:
                    uri = headers.get_header("WARC-Target-URI")
                    result.problems.append(f"record {record_id} ({uri}): {exc.reason}")
                continue
            if doc.id in seen:
                result.not_read["duplicate page(s)"] += 1
                continue
            seen.add(doc.id)
            result.documents.append(dataclasses.replace(
                doc,
                url=headers.get_header("WARC-Target-URI") or doc.url,
                # The date the page states (its metadata, else a dateline in its text), else the capture's.
                published=doc.published or clean(doc.text, media_type=doc.media_type).published
                or iso_date(headers.get_header("WARC-Date")),
                record_id=record_id,
                record_offset=offset,
                container_sha256=container,
            ))
    except Exception as exc:  # noqa: BLE001 - warcio fails on bad input in many ways
        if not result.records or _WHOLE_FILE_GZIP in str(exc):
            raise
        result.problems.append(f"the archive is broken after record {result.records} ({_detail(exc)}); "
                               "the records before it were read")
    else:
        if last is not None and _truncated(last):
            result.problems.append(f"the archive is truncated: its last record ({last.rec_type}) is cut short")
        elif result.records and size is not None and 0 <= iterator.offset < size:
            result.problems.append(f"the archive is truncated or broken after byte {iterator.offset:,} of {size:,}: "
                                   "the records after it could not be read")
    if failed > MAX_PROBLEMS_LISTED:
        result.problems.append(f"... and {failed - MAX_PROBLEMS_LISTED} more HTML page(s) without main text")


def _page_payload(record: Any, max_bytes: int, not_read: Counter[str]) -> tuple[bytes, str | None] | None:
    """The body and charset of an HTML page record, or None (the record is counted in ``not_read``)."""
    kind = record.rec_type
    if kind not in CONTENT_RECORDS:
        not_read[kind] += 1
        return None
    http = record.http_headers
    content_type = (http.get_header("Content-Type") if http is not None
                    else record.rec_headers.get_header("Content-Type")) or ""
    media_type, _, params = content_type.partition(";")
    media_type = media_type.strip().lower() or "of unknown type"
    if media_type not in HTML_TYPES:
        not_read[f"{kind} {media_type}"] += 1
        return None
    if http is not None and kind == "response":
        status = http.get_statuscode() or "?"
        if not status.startswith("2"):
            not_read[f"{kind} HTTP {status}"] += 1
            return None
    payload = record.content_stream().read(max_bytes + 1)
    if len(payload) > max_bytes:
        not_read[f"{kind} {media_type} over {max_bytes:,} bytes"] += 1
        return None
    return payload, _charset(params)


def _charset(params: str) -> str | None:
    """The codec a Content-Type's ``charset`` names, if Python knows it."""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            try:
                return codecs.lookup(value.strip().strip("\"'")).name
            except LookupError:
                return None
    return None


def _page_document(where: str, payload: bytes, charset: str | None) -> Document:
    """A page's document through the HTML path, decoded by its declared charset when it fits."""
    if not payload.strip():
        raise InputError(where, "empty page")
    html = None
    if charset and not payload.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            html = payload.decode(charset).replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError:
            html = None
    if html is None:
        html = decode(payload, where)
    return html_document(where, payload, html)
