"""Text encodings: UTF-16 and UTF-32 with a byte-order mark are text, not binary."""

from __future__ import annotations

import codecs
import hashlib
import json
from pathlib import Path

import pytest

from corroborator.errors import InputError
from corroborator.ingest import decode, read_documents

TEXT = ("Café owners in Zürich said police arrested 12 people.\n"
        "Жители Грозного сообщили о задержаниях — 🕊.\n")
BOMS = {
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
    "utf-8": codecs.BOM_UTF8,
}


@pytest.mark.parametrize("codec", list(BOMS))
def test_text_with_bom_is_decoded(tmp_path: Path, codec: str) -> None:
    raw = BOMS[codec] + TEXT.replace("\n", "\r\n").encode(codec)
    (tmp_path / "report.txt").write_bytes(raw)
    (doc,) = read_documents(tmp_path / "report.txt").documents
    assert doc.text == TEXT  # no BOM, line endings normalised
    assert doc.id == hashlib.sha256(raw).hexdigest()


def test_utf16_bom_html_is_read(tmp_path: Path) -> None:
    body = " ".join(["Soldiers detained 30 villagers near the border on Sunday, witnesses said."] * 3)
    html = (f"<html><head><title>Border arrests</title></head>"
            f"<body><article><p>{body}</p></article></body></html>")
    (tmp_path / "page.html").write_bytes(codecs.BOM_UTF16_LE + html.encode("utf-16-le"))
    (doc,) = read_documents(tmp_path / "page.html").documents
    assert doc.title == "Border arrests"
    assert "Soldiers detained 30 villagers" in doc.text


def test_utf16_bom_jsonl_lines_are_read_and_keep_stable_ids(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "r1", "text": "Five people were killed in Eastvale."}),
             json.dumps({"id": "r2", "text": "Жители сообщили о задержаниях."},
                        ensure_ascii=False)]
    raw = codecs.BOM_UTF16_BE + "\n".join(lines).encode("utf-16-be")
    (tmp_path / "reports.jsonl").write_bytes(raw)
    result = read_documents(tmp_path / "reports.jsonl")
    assert result.problems == []
    assert [d.text for d in result.documents] == ["Five people were killed in Eastvale.",
                                                  "Жители сообщили о задержаниях."]
    # A line's id is the sha256 of its bytes in the file.
    assert [d.id for d in result.documents] == [hashlib.sha256(line.encode("utf-16-be")).hexdigest() for line in lines]


def test_utf8_bom_jsonl_first_line_is_read(tmp_path: Path) -> None:
    (tmp_path / "reports.jsonl").write_bytes(codecs.BOM_UTF8 + b'{"text": "Two people were injured."}\n')
    (doc,) = read_documents(tmp_path / "reports.jsonl").documents
    assert doc.text == "Two people were injured."


def test_utf16_without_bom_is_still_binary() -> None:
    # Without a BOM, NUL bytes mean binary, as before: detection decides only for NUL-free bytes.
    with pytest.raises(InputError, match="binary"):
        decode(TEXT.encode("utf-16-le"), "nobom.txt")


def test_bom_with_bytes_that_do_not_fit_is_undecodable() -> None:
    # A UTF-16 BE BOM, then a lone low surrogate.
    with pytest.raises(InputError) as info:
        decode(codecs.BOM_UTF16_BE + "ok".encode("utf-16-be") + b"\xdc\x00", "bad.txt")
    assert info.value.reason.startswith("undecodable: starts with a UTF-16 BE byte-order mark but is not UTF-16 BE")


def test_utf16_le_text_starting_with_nul_is_not_taken_for_utf32() -> None:
    # FF FE 00 00 is a UTF-32 LE BOM, or a UTF-16 LE BOM before a NUL: what follows decides.
    text = "\x00" + TEXT
    assert decode(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "odd.txt") == text


def test_short_western_text_is_not_taken_for_a_dos_code_page() -> None:
    german = ("Die Polizei in Zürich hat am Mittwoch 40 Demonstranten festgenommen, teilte das Büro mit. "
              "Müller sagte, es gäbe keine Verletzten.\n")
    assert decode(german.encode("latin-1"), "de.txt") == german
    assert decode(german.encode("cp1252"), "de.txt") == german


def test_cyrillic_in_windows_1251_stays_cyrillic() -> None:
    russian = ("Более 100 мужчин были задержаны в Чечне, сообщила «Новая газета». "
               "Правозащитники заявили, что по меньшей мере трое погибли.\n")
    assert decode(russian.encode("cp1251"), "ru.txt") == russian
