"""Reading inputs: types, encodings, metadata, and clear reasons for what cannot be read."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from corroborator.errors import InputError
from corroborator.ingest import IngestOptions, decode, find_inputs, read_documents


def test_ingest_finds_files_recursively_sorted_without_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("two")
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / ".hidden.txt").write_text("no")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("no")
    assert [p.relative_to(tmp_path).as_posix() for p in find_inputs([tmp_path])] == ["a.txt", "b/2.txt"]


def test_ingest_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        list(find_inputs([tmp_path / "nope"]))


def test_ingest_document_id_is_sha256_of_raw_bytes(corpus: Path) -> None:
    raw = (corpus / "latin1.txt").read_bytes()
    (doc,) = read_documents(corpus / "latin1.txt").documents
    assert doc.id == doc.sha256 == hashlib.sha256(raw).hexdigest()


def test_ingest_detects_latin1_instead_of_assuming_utf8(corpus: Path) -> None:
    (doc,) = read_documents(corpus / "latin1.txt").documents
    assert "Café owners in Zürich" in doc.text


@pytest.mark.parametrize(
    ("name", "reason"),
    [("empty.txt", "empty"), ("binary.txt", "binary"), ("image.png", "unsupported file type '.png'")],
)
def test_ingest_bad_files_raise_with_file_and_reason(corpus: Path, name: str, reason: str) -> None:
    with pytest.raises(InputError) as info:
        read_documents(corpus / name)
    assert info.value.path.endswith(name)
    assert reason in info.value.reason


def test_ingest_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    (tmp_path / "blank.txt").write_text(" \n\t\n")
    with pytest.raises(InputError, match="empty"):
        read_documents(tmp_path / "blank.txt")


def test_ingest_huge_file_is_skipped_with_size(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("word " * 1000)
    with pytest.raises(InputError, match="too large"):
        read_documents(tmp_path / "big.txt", IngestOptions(max_bytes=100))


def test_ingest_undecodable_bytes_are_reported(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="binary|undecodable"):
        decode(bytes(range(1, 32)) * 50, "junk.txt")


def test_ingest_html_main_text_and_metadata(corpus: Path) -> None:
    (doc,) = read_documents(corpus / "page.html").documents
    assert doc.media_type == "text/html"
    assert doc.title == "Flood toll rises in Eastvale"
    assert doc.author == "Sam Reed"
    assert doc.published == "2022-09-14"
    assert "At least 23 people have been killed" in doc.text
    # Navigation, related links and footer are not part of the report.
    for boilerplate in ("Sign in", "Drought hits farmers", "Privacy"):
        assert boilerplate not in doc.text
    # Escaped markup in the article stays as text; the page's own script is gone.
    assert '<script>alert("x")</script>' in doc.text
    assert "page script" not in doc.text


def test_ingest_jsonl_keeps_good_lines_and_reports_bad_ones(corpus: Path) -> None:
    result = read_documents(corpus / "reports.jsonl")
    assert [d.path.rsplit("#", 1)[1] for d in result.documents] == ["r1", "r2"]
    first, second = result.documents
    assert (first.outlet, first.published, first.title) == ("Wire", "2020-05-04", "Five killed")
    assert second.media_type == "text/html" and second.text.startswith("About 300 families fled")
    assert len(result.problems) == 2
    assert result.problems[0].startswith("line 3: not JSON")
    assert "line 4: no 'text' or 'html' field" in result.problems[1]


def test_ingest_jsonl_with_no_usable_line_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "bad.jsonl").write_text("[1, 2]\n{broken\n")
    with pytest.raises(InputError, match="no usable line"):
        read_documents(tmp_path / "bad.jsonl")


def test_ingest_normalises_line_endings(tmp_path: Path) -> None:
    (tmp_path / "crlf.txt").write_bytes(b"First line.\r\nSecond line.\r\n")
    (doc,) = read_documents(tmp_path / "crlf.txt").documents
    assert doc.text == "First line.\nSecond line.\n"


def test_ingest_malformed_html_keeps_its_text_or_says_why(tmp_path: Path) -> None:
    (tmp_path / "broken.html").write_text(
        "<html><body><div><p>Soldiers detained 30 villagers near the border on Sunday, witnesses said."
        "<p>Nobody has been charged<table><tr><td>" + "</div>" * 5 + "<<<>>>")
    (doc,) = read_documents(tmp_path / "broken.html").documents
    assert "Soldiers detained 30 villagers" in doc.text
    (tmp_path / "hollow.html").write_text("<html><head><script>var x = 1;</script></head><body><nav>Home</nav></body>")
    with pytest.raises(InputError, match="no main text"):
        read_documents(tmp_path / "hollow.html")


@pytest.mark.parametrize(("value", "expected"), [
    ("2017-06-05", "2017-06-05"), ("2017-06-05T13:51:00Z", "2017-06-05"), ("2017-06", "2017-06"),
    ("2017-13-45", None), ("20170405", "2017-04-05"), ("5 June 2017", "2017-06-05"), ("", None),
])
def test_ingest_published_dates_are_valid_iso_or_none(value: str, expected: str | None) -> None:
    from corroborator.ingest.html import iso_date as _iso_date

    assert _iso_date(value) == expected


def test_ingest_html_date_comes_from_markup_never_from_a_guess(tmp_path: Path) -> None:
    # A year in a link is no publication date ("2017-01-01" would be invented precision).
    body = "<p>" + "Police detained dozens of men in Grozny, the rights group said on Monday. " * 5 + "</p>"
    guess = ('<html><head><title>Report</title><link rel="canonical" href="https://news.example.org/2017/report"/>'
             f"</head><body><article>{body}</article></body></html>")
    marked = guess.replace("<title>", '<meta property="article:published_time" content="2017-04-03T09:00:00Z"/>'
                                      "<title>", 1)
    (tmp_path / "guess.html").write_text(guess, encoding="utf-8")
    (tmp_path / "marked.html").write_text(marked, encoding="utf-8")
    (guessed,) = read_documents(tmp_path / "guess.html").documents
    (marked_doc,) = read_documents(tmp_path / "marked.html").documents
    assert guessed.published is None
    assert marked_doc.published == "2017-04-03"
