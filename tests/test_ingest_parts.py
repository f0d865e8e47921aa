"""A large ``.jsonl`` file read in parts gives what reading it whole gives."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from corroborator.errors import InputError
from corroborator.ingest import IngestOptions, count_lines, jsonl_part, line_start, read_documents


def _lines(rng: random.Random, n: int) -> list[bytes]:
    lines = []
    for i in range(n):
        kind = rng.random()
        if kind < 0.06:
            lines.append(b"{not json")
        elif kind < 0.1:
            lines.append(b"")
        elif kind < 0.13:
            lines.append(json.dumps({"title": "no body"}).encode())
        elif kind < 0.16:
            lines.append(json.dumps({"text": "x" * 300}).encode())  # over the line cap below
        else:
            record = {"text": f"Report {i}: police detained {rng.randint(2, 90)} people in Riverton.",
                      "published": "2021-03-04"}
            if rng.random() < 0.5:
                record["id"] = f"r{i}"
            lines.append(json.dumps(record, ensure_ascii=False).encode())
    return lines


def _parts(path: Path, cuts: list[int], options: IngestOptions) -> tuple[list, list]:
    size = path.stat().st_size
    with path.open("rb") as fh:
        starts = sorted({line_start(fh, c) for c in [0, *cuts]} | {size})
        counts = [count_lines(fh, a, b, options.max_line_bytes) for a, b in zip(starts, starts[1:])]
    documents, problems, first = [], [], 1
    for (a, b), count in zip(zip(starts, starts[1:]), counts, strict=True):
        part = jsonl_part(path, a, b, options, first_line=first)
        documents += part.documents
        problems += part.problems
        first += count
    return documents, problems


@pytest.mark.parametrize("seed", range(6))
def test_parts_give_the_whole_file(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    body = _lines(rng, 120)
    newline = b"\r\n" if seed % 2 else b"\n"
    raw = (b"\xef\xbb\xbf" if seed % 3 == 0 else b"") + newline.join(body) + (newline if seed % 4 else b"")
    path = tmp_path / "feed.jsonl"
    path.write_bytes(raw)
    options = IngestOptions(max_line_bytes=200)
    whole = read_documents(path, options)
    cuts = sorted(rng.sample(range(1, len(raw)), 7))
    documents, problems = _parts(path, cuts, options)
    assert [(d.id, d.path, d.text, d.published) for d in documents] == [
        (d.id, d.path, d.text, d.published) for d in whole.documents]
    assert problems == whole.problems
    assert any("too long" in p for p in problems) and any("not JSON" in p for p in problems)


def test_line_start_finds_the_next_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"abc\ndef\n\nxyz")
    with path.open("rb") as fh:
        assert [line_start(fh, at) for at in range(0, 14)] == [0, 4, 4, 4, 4, 8, 8, 8, 8, 9, 12, 12, 12, 12]


def test_a_binary_first_part_is_refused_and_a_part_without_usable_lines_gives_nothing(tmp_path: Path) -> None:
    path = tmp_path / "b.jsonl"
    path.write_bytes(b"\x00\x01binary\n" + b"{not json\n" * 3)
    with pytest.raises(InputError, match="binary"):
        jsonl_part(path, 0, 9)
    later = jsonl_part(path, 9, path.stat().st_size, first_line=2)
    assert later.documents == [] and later.problems[0].startswith("line 2: not JSON")
