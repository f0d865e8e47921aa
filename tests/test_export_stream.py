"""Exports written item by item give exactly what the whole case serialised at once gave."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import pickle
from pathlib import Path

import pytest

from corroborator import api
from corroborator.errors import RedactionError
from corroborator.model import Document
from corroborator.outputs import export as export_module
from corroborator.outputs.export import case_sections, case_to_dict, csv_tables, export, write_json_stream
from corroborator.outputs.redact import assign_pseudonyms, redact_case, redaction_notice
from corroborator.store import open_case
from corroborator.store.lean import ShelvedDocument, TextShelf, replace_document, shelved
from tests.test_redact import PROTECTED_NAMES, make_case


def _whole(data: object) -> str:
    """The JSON text of the export as it was made before: the whole object at once."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("value", [
    {}, {"a": []}, {"a": {}}, {"a": [1, {"b": [], "c": {"d": None}}, "é\n\"x\""]},
    {"x": [[], [[]], [{}]], "y": "Заур", "z": 1.5, "w": True},
])
def test_the_streamed_json_is_the_text_json_dumps_gives(value: dict) -> None:
    out = io.StringIO()
    # Every list goes as an iterator, one item at a time.
    write_json_stream(((k, iter(v) if isinstance(v, list) else v) for k, v in value.items()), out)
    assert out.getvalue() == json.dumps(value, ensure_ascii=False, indent=2)


def test_case_sections_are_case_to_dict_in_order() -> None:
    case = make_case()
    data = case_to_dict(case)
    keys = [k for k, _ in case_sections(case)]
    assert keys == list(data) and keys[:7] == ["schema_version", "settings_digest", "generated_by", "documents",
                                               "entities", "quotes", "figures"]
    assert data["documents"][0]["text"] == case.documents[0].text and len(data["figures"]) == 2


def test_a_missing_mention_is_still_listed_under_problems() -> None:
    case = make_case()
    case.entities.append(dataclasses.replace(case.entities[0], id="person:ghost", mention_ids=("nowhere",)))
    case_text = io.StringIO()
    write_json_stream(case_sections(case), case_text)
    assert json.loads(case_text.getvalue())["problems"] == ["entity person:ghost: mention nowhere is not in the case"]


@pytest.mark.parametrize("redact", [False, True])
def test_the_sample_export_streamed_is_the_old_in_memory_export(built_sample: Path, tmp_path: Path,
                                                                redact: bool) -> None:
    streamed = api.export_case(built_sample, "json", redact=redact)
    written = api.export_case(built_sample, "json", tmp_path / "case.json", redact=redact)
    assert Path(written).read_text(encoding="utf-8") == streamed
    # The old way: the whole case in memory with its texts, one dict, one dumps.
    case = api.load_case(built_sample)
    assert not any(isinstance(d, ShelvedDocument) for d in case.documents)
    witnesses = assign_pseudonyms(case)
    notice = redaction_notice(redacted=redact, witnesses=None if redact else witnesses.count)
    shown = redact_case(case) if redact else case
    old = {"redaction": notice, "reviewed_only": False} | case_to_dict(shown) | {"redacted": redact}
    assert json.loads(streamed) == json.loads(_whole(old))
    assert streamed == _whole(old)
    assert witnesses.count > 0 and witnesses.leaks(streamed) is not redact
    if not redact:
        assert json.loads(streamed)["documents"][0]["text"] == case.documents[0].text


def test_the_csv_tables_streamed_are_the_tables_made_whole(built_sample: Path, tmp_path: Path) -> None:
    case = api.load_case(built_sample)
    folder = Path(api.export_case(built_sample, "csv", tmp_path / "tables"))
    tables = csv_tables(case)
    assert sorted(p.name for p in folder.iterdir()) == sorted(["NOTICE.txt", *tables])
    for name, rows in tables.items():
        read = list(csv.reader(io.StringIO((folder / name).read_text(encoding="utf-8"))))
        assert len(read) == len(rows) and read[0] == rows[0], name
        assert read == [[str(export_module._cell(v)) for v in row] for row in rows], name
    assert not list(folder.glob("*.part"))


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_a_leak_found_while_streaming_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     fmt: str) -> None:
    monkeypatch.setattr(export_module, "redact_case", lambda case, **_: case)
    out = tmp_path / "out" / ("case.json" if fmt == "json" else "tables")
    with pytest.raises(RedactionError):
        export(make_case(), fmt, out, redact=True)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_a_redacted_streamed_export_holds_no_protected_name(tmp_path: Path) -> None:
    path = export(make_case(), "json", tmp_path / "case.json", redact=True)
    text = Path(path).read_text(encoding="utf-8")
    for name in PROTECTED_NAMES:
        assert name not in text
    assert "They tied wires to my hands," in text and json.loads(text)["redacted"] is True


def test_a_shelved_document_reads_like_the_plain_one_and_pickles_to_it() -> None:
    shelf = TextShelf(unpacked=1)
    plain = make_case().documents
    lean = [shelved(d, shelf) for d in plain]
    for p, s in zip(plain, lean):
        assert isinstance(s, Document) and s.text == p.text and s.noise == p.noise and s.id == p.id
        assert dataclasses.astuple(s) == dataclasses.astuple(p)
        back = pickle.loads(pickle.dumps(s))
        assert type(back) is Document and back == p
    assert lean[0].text == plain[0].text  # read again after another text was unpacked
    assert shelf.packed_size() < sum(len(d.text.encode()) for d in plain) + 200
    with pytest.raises(dataclasses.FrozenInstanceError):
        lean[0].text = "x"  # type: ignore[misc]
    other = TextShelf()
    changed = replace_document(lean[0], other, text="new text", title="T")
    assert changed.text == "new text" and changed.title == "T" and lean[0].text == plain[0].text
    assert replace_document(plain[0], title="T").title == "T"
    with pytest.raises(ValueError):
        replace_document(lean[0], title="T")


def test_a_case_file_loads_the_same_with_texts_shelved(built: tuple) -> None:
    path, _, loaded = built
    with open_case(path, read_only=True) as store:
        lean = store.load_case(shelve_texts=True)
    assert [dataclasses.astuple(d) for d in lean.documents] == [dataclasses.astuple(d) for d in loaded.documents]
    assert all(isinstance(d, ShelvedDocument) for d in lean.documents)
    assert json.loads(_whole(case_to_dict(lean))) == json.loads(_whole(case_to_dict(loaded)))
    redacted = redact_case(lean)
    assert case_to_dict(redacted) == case_to_dict(redact_case(loaded))


def test_a_shelved_document_equals_and_hashes_like_the_plain_one() -> None:
    plain = make_case().documents[0]
    lean = shelved(plain, TextShelf())
    assert lean == plain and plain == lean and hash(lean) == hash(plain) and {plain, lean} == {plain}
    assert lean != dataclasses.replace(plain, title="other") and lean != shelved(make_case().documents[1], TextShelf())


@pytest.mark.parametrize("fmt", ["json", "md"])
def test_an_export_into_a_stream_is_the_text_it_returns(fmt: str) -> None:
    stream = io.StringIO()
    for redact in (False, True):
        stream.seek(0)
        stream.truncate()
        assert export(make_case(), fmt, stream=stream, redact=redact) == ""
        assert stream.getvalue() == export(make_case(), fmt, redact=redact) and len(stream.getvalue()) > 1000


def test_the_cli_streams_the_json_export_to_standard_output(built: tuple) -> None:
    from click.testing import CliRunner

    from corroborator.cli import cli

    path = built[0]
    result = CliRunner().invoke(cli, ["export", str(path), "--redact"])
    assert result.exit_code == 0, result.output
    assert result.stdout == api.export_case(path, "json", redact=True)
    assert json.loads(result.stdout)["redacted"] is True
