"""Odd input files: FIFOs, sockets and devices, size and time caps, huge JSONL lines, deep HTML."""

from __future__ import annotations

import io
import json
import os
import socket
import tempfile
import threading
from pathlib import Path

import pytest

from corroborator.engines.local import BuildOptions, build
from corroborator.errors import InputError
from corroborator.ingest import IngestOptions, find_inputs, read_documents
from corroborator.ingest.files import Deadline, ReadTimeout, capped_lines, open_regular, read_capped
from corroborator.ingest.html import MAX_TREE_DEPTH, html_document, plain_text, tree_depth
from corroborator.settings import DEFAULTS
from tests.conftest import PLAIN_ARTICLE

PARAGRAPH = "<p>The commission documented forty detentions in Grozny during April, witnesses said.</p>"
GOOD_LINES = [{"id": "a", "text": "Two people were injured in Grozny on Monday."},
              {"id": "b", "text": "Three people were detained in Argun on Tuesday."}]


def _in_thread(func, *args):  # type: ignore[no-untyped-def]
    """Run ``func`` in a daemon thread: a read that blocks cannot hang the test run."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = func(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), f"{func.__name__} blocked"
    return outcome


def test_ingest_odd_fifo_is_skipped_with_its_kind_and_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    outcome = _in_thread(read_documents, tmp_path / "pipe.txt")
    error = outcome.get("error")
    assert isinstance(error, InputError)
    assert "not a regular file: a named pipe (FIFO)" in error.reason and error.path.endswith("pipe.txt")


def test_ingest_odd_fifo_of_any_name_is_named_as_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")  # no readable suffix: still a FIFO first
    with pytest.raises(InputError, match="named pipe"):
        read_documents(tmp_path / "pipe")


def test_ingest_odd_open_regular_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.jsonl")
    outcome = _in_thread(open_regular, tmp_path / "pipe.jsonl")
    assert isinstance(outcome.get("error"), InputError)


def test_ingest_odd_socket_and_device_are_skipped() -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:  # a socket path must be short
        path = Path(folder) / "s.txt"
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            server.bind(str(path))
            with pytest.raises(InputError, match="a socket"):
                read_documents(path)
        finally:
            server.close()
        (Path(folder) / "zero.txt").symlink_to("/dev/zero")
        outcome = _in_thread(read_documents, Path(folder) / "zero.txt")
        assert "character device" in str(outcome.get("error"))


@pytest.mark.slow
def test_ingest_odd_a_fifo_does_not_hang_the_build(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "article.txt").write_text(PLAIN_ARTICLE, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(folder / "pipe.warc.gz")
    outcome = _in_thread(build, [folder], tmp_path / "case.duckdb", BuildOptions(workers=1))
    summary = outcome.get("value")
    assert summary is not None, outcome.get("error")
    assert summary.read == [str(folder / "article.txt")]  # type: ignore[attr-defined]
    skipped = dict(summary.skipped)  # type: ignore[attr-defined]
    assert set(skipped) == {str(folder / "pipe.txt"), str(folder / "pipe.warc.gz")}
    assert all("named pipe" in reason for reason in skipped.values())


def test_ingest_odd_size_cap_counts_the_bytes_read() -> None:
    assert read_capped(io.BytesIO(b"x" * 100), "f", 100) == b"x" * 100
    with pytest.raises(InputError, match="too large"):
        read_capped(io.BytesIO(b"x" * 101), "f", 100)


@pytest.mark.slow
def test_ingest_odd_build_takes_the_caps_from_the_settings(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "small.txt").write_text("Two people were injured in Grozny on Monday.\n", encoding="utf-8")
    (folder / "large.txt").write_text(PLAIN_ARTICLE, encoding="utf-8")
    settings = DEFAULTS.overlay({"ingest": {"max_bytes": 200}})
    summary = build([folder], tmp_path / "case.duckdb", BuildOptions(workers=1, settings=settings))
    assert summary.read == [str(folder / "small.txt")]
    ((path, reason),) = summary.skipped
    assert path == str(folder / "large.txt") and "too large" in reason and "200" in reason


def test_ingest_odd_ingest_options_follow_the_settings() -> None:
    settings = DEFAULTS.overlay({"ingest": {"max_seconds": 5, "max_line_bytes": 10}}).ingest
    options = IngestOptions.from_settings(settings)
    assert options.max_seconds == 5.0 and options.max_line_bytes == 10
    assert IngestOptions().max_bytes == DEFAULTS.ingest.max_bytes


def test_ingest_odd_time_cap_skips_a_slow_read_with_the_reason(tmp_path: Path) -> None:
    page = "<html><head><title>Report</title></head><body>" + PARAGRAPH * 2000 + "</body></html>"
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    with pytest.raises(InputError, match=r"reading took longer than 0\.001 s \(the limit ingest\.max_seconds\)"):
        read_documents(tmp_path / "page.html", IngestOptions(max_seconds=0.001))
    assert read_documents(tmp_path / "page.html").documents  # the same file reads within the default cap


def test_ingest_odd_time_cap_holds_off_the_main_thread(tmp_path: Path) -> None:
    lines = [json.dumps({"text": f"Report {n}: two people were injured in Grozny."}) for n in range(20000)]
    (tmp_path / "many.jsonl").write_text("\n".join(lines), encoding="utf-8")
    outcome = _in_thread(read_documents, tmp_path / "many.jsonl", IngestOptions(max_seconds=0.001))
    assert "ingest.max_seconds" in str(outcome.get("error"))


def test_ingest_odd_deadline_check_raises_once_past() -> None:
    Deadline(60).check()
    with pytest.raises(ReadTimeout):
        Deadline(-1).check()


def test_ingest_odd_jsonl_huge_line_is_skipped_alone(tmp_path: Path) -> None:
    huge = json.dumps({"text": "x " * (25 * 1024 * 1024)})  # a 50 MB line
    raw = "\n".join([json.dumps(GOOD_LINES[0]), huge, json.dumps(GOOD_LINES[1])]) + "\n"
    (tmp_path / "dump.jsonl").write_text(raw, encoding="utf-8")
    result = read_documents(tmp_path / "dump.jsonl")
    assert [d.text for d in result.documents] == [line["text"] for line in GOOD_LINES]
    assert [d.path for d in result.documents] == [f"{tmp_path / 'dump.jsonl'}#a", f"{tmp_path / 'dump.jsonl'}#b"]
    (problem,) = result.problems
    assert problem.startswith("line 2: too long (52,428,") and "ingest.max_line_bytes" in problem


def test_ingest_odd_jsonl_line_cap_is_a_setting(tmp_path: Path) -> None:
    lines = [json.dumps(GOOD_LINES[0]), json.dumps({"text": "long " * 300}), json.dumps(GOOD_LINES[1])]
    (tmp_path / "dump.jsonl").write_text("\r\n".join(lines), encoding="utf-8")
    result = read_documents(tmp_path / "dump.jsonl", IngestOptions(max_line_bytes=200))
    assert len(result.documents) == 2 and result.problems[0].startswith("line 2: too long")
    with pytest.raises(InputError, match="no usable line: line 1: too long"):
        read_documents(tmp_path / "dump.jsonl", IngestOptions(max_line_bytes=10))


def test_ingest_odd_jsonl_keeps_the_ids_of_its_lines(tmp_path: Path) -> None:
    import hashlib

    lines = [json.dumps(line).encode() for line in GOOD_LINES]
    (tmp_path / "r.jsonl").write_bytes(b"\r\n".join(lines) + b"\n")
    ids = [d.id for d in read_documents(tmp_path / "r.jsonl").documents]
    assert ids == [hashlib.sha256(line).hexdigest() for line in lines]


def test_ingest_odd_jsonl_in_a_legacy_encoding_is_decoded(tmp_path: Path) -> None:
    line = json.dumps({"text": "Zürich: two people were injured, the café owner said."}, ensure_ascii=False)
    (tmp_path / "r.jsonl").write_bytes(line.encode("cp1252") + b"\n" + json.dumps(GOOD_LINES[0]).encode())
    result = read_documents(tmp_path / "r.jsonl")
    assert result.documents[0].text.startswith("Zürich") and len(result.documents) == 2


def test_ingest_odd_capped_lines_cut_over_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("corroborator.ingest.files.CHUNK_BYTES", 3)
    raw = b"ab\r\ncdefghij\n\nklm\rno\n" + b"z" * 20 + b"\nend"
    lines = list(capped_lines(io.BytesIO(raw), 7))
    assert lines == [(1, b"ab", 2), (2, None, 8), (3, b"", 0), (4, b"klm", 3), (5, b"no", 2),
                     (6, None, 20), (7, b"end", 3)]


def test_ingest_odd_deep_html_falls_back_to_plain_text(tmp_path: Path) -> None:
    depth = 50_000
    page = ("<html><head><title>Detentions in Grozny</title><style>p {color: red}</style></head><body>"
            + "<div>" * depth + PARAGRAPH * 10 + "</div>" * depth + "</body></html>")
    (tmp_path / "deep.html").write_text(page, encoding="utf-8")
    (doc,) = read_documents(tmp_path / "deep.html").documents
    assert doc.text.count("The commission documented forty detentions") == 10
    assert "color" not in doc.text and doc.title == "Detentions in Grozny"


def test_ingest_odd_deep_html_in_jsonl_is_read(tmp_path: Path) -> None:
    page = "<html><body>" + "<section>" * 400 + PARAGRAPH * 3 + "</section>" * 400 + "</body></html>"
    (tmp_path / "pages.jsonl").write_text(json.dumps({"html": page}) + "\n", encoding="utf-8")
    (doc,) = read_documents(tmp_path / "pages.jsonl").documents
    assert doc.text.count("forty detentions") == 3 and doc.media_type == "text/html"


def test_ingest_odd_tree_depth_ignores_elements_that_do_not_nest() -> None:
    assert tree_depth("<div>" * 300) == 300
    assert tree_depth("<p>a" * 1000 + "<br>" * 1000 + "<img src=x/>" * 1000) == 0
    assert tree_depth("<div></div>" * 1000) == 1
    shallow = "<html><body>" + PARAGRAPH * 50 + "</body></html>"
    assert tree_depth(shallow) <= MAX_TREE_DEPTH
    assert html_document("s.html", shallow.encode(), shallow).text.count("forty detentions") == 50


def test_ingest_odd_plain_text_keeps_text_and_drops_scripts() -> None:
    html = "<head><title>T</title><script>var x = '<p>no</p>';</script></head><body><h1>Head</h1><p>One &amp; two"
    assert plain_text(html) == "Head\nOne & two"
    assert plain_text("<head><title>T</title><body><p>Body text</p>") == "Body text"


def test_ingest_odd_find_inputs_lists_odd_files_for_the_summary(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    assert list(find_inputs([tmp_path])) == [tmp_path / "pipe.txt"]
