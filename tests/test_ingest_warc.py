"""Reading web archives (WARC): each HTML page a document, with its record, capture date and archive.

Archives are written by the tests with warcio's own writer.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corroborator.errors import InputError
from corroborator.ingest import IngestOptions, read_documents

BODY = " ".join(["Police detained dozens of men in {place}, the rights group said on Monday."] * 4)


def page(title: str, place: str, published: str | None = None) -> bytes:
    meta = f'<meta property="article:published_time" content="{published}"/>' if published else ""
    return (f"<html><head>{meta}<title>{title}</title></head><body><nav>Home | World</nav>"
            f"<article><h1>{title}</h1><p>{BODY.format(place=place)}</p></article></body></html>").encode()


ALPHA = page("Raids in Grozny", "Grozny", published="2017-04-03T09:00:00Z")
BETA = page("Arrests in Argun", "Argun")
#: (uri, status, content type, body, capture date)
RESPONSES = [
    ("https://news.example.org/grozny", "200 OK", "text/html; charset=utf-8", ALPHA, "2017-05-01T10:00:00Z"),
    ("https://wire.example.com/argun", "200 OK", "text/html", BETA, "2017-05-02T11:30:00Z"),
    ("https://wire.example.com/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64),
     "2017-05-02T11:30:01Z"),
]


def write_warc(path: Path, responses: list[tuple[str, str, str, bytes, str]] = RESPONSES, *, gz: bool = False,
               request: bool = False) -> list[str]:
    """Write a warcinfo record and one response record per entry; return the response record ids."""
    ids = []
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "corroborator tests"}))
        for uri, status, content_type, body, date in responses:
            http = StatusAndHeaders(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))],
                                    protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                               warc_headers_dict={"WARC-Date": date})
            ids.append(record.rec_headers.get_header("WARC-Record-ID"))
            writer.write_record(record)
            if request:
                get = StatusAndHeaders(f"GET {uri} HTTP/1.1", [("Host", uri.split("/")[2])], is_http_request=True)
                writer.write_record(writer.create_warc_record(uri, "request", http_headers=get))
    return ids


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_html_responses_become_documents(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    ids = write_warc(path, gz=gz)
    result = read_documents(path)
    alpha, beta = result.documents
    container = hashlib.sha256(path.read_bytes()).hexdigest()
    for doc, record_id, (uri, _, _, body, _) in zip((alpha, beta), ids, RESPONSES):
        assert doc.record_id == record_id and record_id.startswith("<urn:uuid:")
        assert doc.url == uri
        assert doc.id == doc.sha256 == hashlib.sha256(body).hexdigest()
        assert doc.container_sha256 == container
        assert doc.media_type == "text/html"
        assert doc.path == f"{path}#{record_id.strip('<>')}"
        assert "Home | World" not in doc.text
    assert "Police detained dozens of men in Grozny" in alpha.text
    assert "Police detained dozens of men in Argun" in beta.text
    assert alpha.title == "Raids in Grozny"
    # The page states its date; the other falls back to the capture date.
    assert alpha.published == "2017-04-03"
    assert beta.published == "2017-05-02"
    # The png is counted, not dropped silently, and so is the warcinfo record.
    assert result.not_read == {"warcinfo": 1, "response image/png": 1}
    assert result.problems == ["2 of 4 record(s) not read as reports: 1 warcinfo, 1 response image/png"]


@pytest.mark.parametrize("gz", [False, True], ids=["warc", "warc.gz"])
def test_warc_record_offset_points_at_the_record(tmp_path: Path, gz: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    write_warc(path, gz=gz)
    docs = read_documents(path).documents
    with path.open("rb") as fh:
        for doc in docs:
            assert doc.record_offset is not None
            fh.seek(doc.record_offset)
            record = next(iter(ArchiveIterator(fh)))
            assert record.rec_headers.get_header("WARC-Record-ID") == doc.record_id
            assert hashlib.sha256(record.content_stream().read()).hexdigest() == doc.id


def test_warc_document_ids_are_stable_across_archives(tmp_path: Path) -> None:
    write_warc(tmp_path / "one.warc")
    write_warc(tmp_path / "two.warc.gz", gz=True)
    (tmp_path / "alpha.html").write_bytes(ALPHA)
    one = [d.id for d in read_documents(tmp_path / "one.warc").documents]
    two = [d.id for d in read_documents(tmp_path / "two.warc.gz").documents]
    assert one == two and len(set(one)) == 2
    # The same page saved as a file is the same document.
    assert read_documents(tmp_path / "alpha.html").documents[0].id == one[0]


def test_warc_counts_requests_errors_and_duplicates(tmp_path: Path) -> None:
    responses = [*RESPONSES,
                 ("https://news.example.org/missing", "404 Not Found", "text/html", page("Not found", "nowhere"),
                  "2017-05-03T00:00:00Z"),
                 ("https://news.example.org/grozny?utm=1", "200 OK", "text/html", ALPHA, "2017-05-04T00:00:00Z"),
                 ("https://news.example.org/menu", "200 OK", "text/html", b"<html><body><nav>Home</nav></body></html>",
                  "2017-05-04T00:00:00Z")]
    path = tmp_path / "crawl.warc.gz"
    ids = write_warc(path, responses, gz=True, request=True)
    result = read_documents(path)
    assert [d.url for d in result.documents] == ["https://news.example.org/grozny", "https://wire.example.com/argun"]
    assert result.not_read == {"warcinfo": 1, "request": 6, "response image/png": 1, "response HTTP 404": 1,
                               "duplicate page(s)": 1, "HTML page(s) without main text": 1}
    assert sum(result.not_read.values()) + len(result.documents) == 1 + 2 * len(responses)
    assert result.problems == [
        f"record {ids[5]} (https://news.example.org/menu): HTML page with no main text (found 1 word(s))",
        "11 of 13 record(s) not read as reports: 1 warcinfo, 6 request, 1 response image/png, 1 response HTTP 404, "
        "1 duplicate page(s), 1 HTML page(s) without main text",
    ]


def test_warc_declared_charset_decodes_the_page(tmp_path: Path) -> None:
    body = page("Überfall in Zürich", "Zürich").decode().encode("cp1252")
    write_warc(tmp_path / "latin.warc", [("https://ch.example/z", "200 OK", "text/html; charset=windows-1252", body,
                                          "2020-01-02T00:00:00Z")])
    (doc,) = read_documents(tmp_path / "latin.warc").documents
    assert "Police detained dozens of men in Zürich" in doc.text


def test_warc_record_over_the_size_limit_is_counted(tmp_path: Path) -> None:
    write_warc(tmp_path / "crawl.warc")
    result = read_documents(tmp_path / "crawl.warc", IngestOptions(max_bytes=len(BETA) + 10))
    assert [d.url for d in result.documents] == ["https://wire.example.com/argun"]
    assert result.not_read[f"response text/html over {len(BETA) + 10:,} bytes"] == 1


def test_warc_with_no_html_page_is_skipped(tmp_path: Path) -> None:
    write_warc(tmp_path / "images.warc", [RESPONSES[2]])
    with pytest.raises(InputError) as info:
        read_documents(tmp_path / "images.warc")
    assert info.value.reason == ("no HTML page with main text in the archive's 2 record(s) "
                                 "(records: 1 warcinfo, 1 response image/png)")


def test_gz_that_is_not_a_warc_is_skipped_with_reason(tmp_path: Path) -> None:
    (tmp_path / "notes.txt.gz").write_bytes(gzip.compress(b"Notes from the field, 3 May.\n"))
    (tmp_path / "fake.gz").write_bytes(b"plain text named .gz\n")
    (tmp_path / "fake.warc").write_bytes(b"plain text named .warc\n")
    reasons = {}
    for name in ("notes.txt.gz", "fake.gz", "fake.warc"):
        with pytest.raises(InputError) as info:
            read_documents(tmp_path / name)
        reasons[name] = info.value.reason
    assert reasons["notes.txt.gz"].startswith("a gzip file that is not a WARC archive: only gzipped WARC archives "
                                              "are read among .gz files; decompress other files first")
    assert reasons["fake.gz"].startswith("a file named .gz (but not gzip) that is not a WARC archive")
    assert reasons["fake.warc"].startswith("not a WARC archive (")


def test_warc_gzipped_as_a_whole_is_read(tmp_path: Path) -> None:
    write_warc(tmp_path / "plain.warc")
    (tmp_path / "whole.warc.gz").write_bytes(gzip.compress((tmp_path / "plain.warc").read_bytes()))
    result = read_documents(tmp_path / "whole.warc.gz")
    assert [d.url for d in result.documents] == [r[0] for r in RESPONSES[:2]]
    assert result.problems[0].startswith("the archive is gzipped as a whole")
    plain = [(d.id, d.record_offset) for d in read_documents(tmp_path / "plain.warc").documents]
    assert [(d.id, d.record_offset) for d in result.documents] == plain


def test_warc_truncated_keeps_the_records_before(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    write_warc(path)
    raw = path.read_bytes()
    # Cut in the middle of the image record: both pages before it are whole.
    (tmp_path / "cut.warc").write_bytes(raw[: raw.index(b"\x89PNG") + 4])
    result = read_documents(tmp_path / "cut.warc")
    assert len(result.documents) == 2
    assert result.not_read == {"warcinfo": 1, "response image/png": 1}
    assert result.problems[0] == "the archive is truncated: its last record (response) is cut short"
    # Cut in the middle of the second page: it is no document, and says why.
    (tmp_path / "cut-page.warc").write_bytes(raw[: raw.index(b"Arrests in Argun</h1>")])
    result = read_documents(tmp_path / "cut-page.warc")
    assert [d.url for d in result.documents] == ["https://news.example.org/grozny"]
    assert result.not_read == {"warcinfo": 1, "truncated HTML page(s)": 1}
    assert result.problems[0].endswith("(https://wire.example.com/argun) is cut short: the archive is truncated")


def test_warc_gz_truncated_inside_a_member_says_so(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    write_warc(path, gz=True)
    raw = path.read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(raw[:-40])  # inside the last (image) record's gzip member
    result = read_documents(tmp_path / "cut.warc.gz")
    assert len(result.documents) == 2
    assert result.problems[0].startswith("the archive is truncated")
    # Cut a few bytes into the last record's gzip member: no record comes out of it at all.
    with path.open("rb") as fh:
        iterator = ArchiveIterator(fh)
        last = [iterator.get_record_offset() for _ in iterator][-1]
    (tmp_path / "cut-header.warc.gz").write_bytes(raw[: last + 12])
    result = read_documents(tmp_path / "cut-header.warc.gz")
    assert len(result.documents) == 2
    assert result.problems[0] == (f"the archive is truncated or broken after byte {last:,} of {last + 12:,}: "
                                  "the records after it could not be read")
    (tmp_path / "stub.warc.gz").write_bytes(raw[:30])
    with pytest.raises(InputError, match="no whole WARC record in the file"):
        read_documents(tmp_path / "stub.warc.gz")


@pytest.mark.slow
def test_warc_builds_into_a_case_and_the_summary_shows_what_was_not_read(tmp_path: Path) -> None:
    from corroborator.engines.local import BuildOptions, build

    write_warc(tmp_path / "crawl.warc.gz", gz=True)
    summary = build([tmp_path / "crawl.warc.gz"], tmp_path / "case.duckdb", BuildOptions(workers=1))
    assert summary.documents_added == 2
    assert summary.read == [str(tmp_path / "crawl.warc.gz")]
    assert summary.skipped == [(str(tmp_path / "crawl.warc.gz"),
                                "2 of 4 record(s) not read as reports: 1 warcinfo, 1 response image/png")]
    again = build([tmp_path / "crawl.warc.gz"], tmp_path / "case.duckdb", BuildOptions(workers=1))
    assert again.documents_added == 0 and again.unchanged == [str(tmp_path / "crawl.warc.gz")]


def test_warc_page_dateline_beats_the_capture_date(tmp_path: Path) -> None:
    """A page that states its date only in its text keeps it; the capture date is the last resort."""
    body = BODY.format(place="Grozny")
    html = (f"<html><head><title>Raids</title></head><body><article><h1>Raids in Grozny</h1>"
            f"<p>April 3, 2017</p><p>{body}</p></article></body></html>").encode()
    undated = page("Arrests in Argun", "Argun")
    write_warc(tmp_path / "c.warc", [("https://x.org/a", "200 OK", "text/html", html, "2017-05-01T10:00:00Z"),
                                     ("https://x.org/b", "200 OK", "text/html", undated, "2017-05-02T11:30:00Z")])
    published = {d.url: d.published for d in read_documents(tmp_path / "c.warc").documents}
    assert published == {"https://x.org/a": "2017-04-03", "https://x.org/b": "2017-05-02"}
