"""Issue 9: redaction hides who a witness is and keeps what they said; outputs say what
they are; the leaks found by probing stay closed."""

from __future__ import annotations

import html
import json
import os
import re
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from corroborator.api import export_case, load_case, write_report
from corroborator.cli import cli
from corroborator.outputs.export import export
from corroborator.analyze.protection import detect_cues
from corroborator.model import Case, Document, ProtectedPerson
from corroborator.outputs.redact import RedactionError, assert_redacted, redact_case, redaction_notice
from corroborator.store import STALE_SECONDS, open_case, remove_leftovers, scratch_dir
from tests.test_redact import PROTECTED_NAMES, make_case

_LABEL = re.compile(r"\[Witness \d+\]")
_WORDS = re.compile(r"[^\W\d_]+")


# --- 1 and 3 on the sample ---------------------------------------------------------------------

@pytest.mark.slow
def test_sample_redacted_export_shows_every_protected_quote_with_names_replaced(built_sample: Path) -> None:
    raw = json.loads(export_case(built_sample, "json"))
    shown = json.loads(export_case(built_sample, "json", redact=True))
    names = {e["name"] for e in raw["entities"] if e["protected"]}
    names |= {q["speaker_label"] for q in raw["quotes"] if q["protected"] and q["speaker_label"]}
    assert len(shown["quotes"]) == len(raw["quotes"])
    pairs = [(a, b) for a, b in zip(raw["quotes"], shown["quotes"]) if b["protected"]]
    assert len(pairs) >= 10
    page = html.unescape(write_report(built_sample, built_sample.parent / "r9.html", redact=True).read_text())
    for before, after in pairs:
        assert not _LABEL.fullmatch(after["text"].strip()), after["text"]
        kept = [w for w in _WORDS.findall(_LABEL.sub(" ", after["text"]))]
        original = _WORDS.findall(before["text"])
        # Every word shown is the witness's; at most the names are gone.
        assert set(kept) <= set(original) and len(kept) >= 0.8 * len(original), (before["text"], after["text"])
        assert after["speaker_label"] is None or _LABEL.fullmatch(after["speaker_label"])
        assert after["text"] in page
    withheld = json.loads(export_case(built_sample, "json", withhold_testimony=True))
    protected = [q for q in withheld["quotes"] if q["protected"]]
    assert len(protected) == len(pairs) and {q["text"] for q in protected} == {"[testimony withheld]"}
    assert shown["redaction"]["mode"] == "identities" and withheld["redaction"]["mode"] == "testimony_withheld"


# --- 4. outputs say what they are ------------------------------------------------------------------

def test_exports_say_whether_they_are_redacted(tmp_path: Path) -> None:
    case = make_case()
    plain = json.loads(export(case, "json"))
    assert plain["redaction"]["redacted"] is False and plain["redaction"]["mode"] is None
    assert "must not be shared" in plain["redaction"]["notice"] and "3 protected witnesses" in plain["redaction"]["notice"]
    assert list(plain)[0] == "redaction"
    redacted = json.loads(export(case, "json", redact=True))
    assert redacted["redaction"] == redaction_notice(redacted=True) and redacted["redaction"]["mode"] == "identities"
    md = export(case, "md").splitlines()
    assert md[0] == "# Case file" and "NOT REDACTED" in md[2]
    assert "REDACTED" in export(case, "md", redact=True).splitlines()[2]
    assert "testimony withheld" in export(case, "md", withhold_testimony=True).splitlines()[2]
    export(case, "csv", tmp_path / "csv")
    assert "NOT REDACTED" in (tmp_path / "csv" / "NOTICE.txt").read_text()
    export(case, "csv", tmp_path / "csv-r", redact=True)
    assert (tmp_path / "csv-r" / "NOTICE.txt").read_text().startswith("REDACTED")
    page = export(case, "html")
    head = page[:page.index("<h1>")]
    assert "NOT REDACTED" in page[page.index("<body>"):page.index("<h1>")] and "notice-unredacted" in head
    page = export(case, "html", withhold_testimony=True)
    assert 'data-mode="testimony_withheld"' in page and "tied wires" not in page


def test_redacted_outputs_keep_testimony_and_hide_names(tmp_path: Path) -> None:
    case = make_case()
    for fmt in ("json", "md", "html"):
        text = html.unescape(str(export(case, fmt, redact=True)))
        assert "They tied wires to my hands," in text.replace("\\", ""), fmt
        assert not any(n.casefold() in text.casefold() for n in PROTECTED_NAMES), fmt
        withheld = html.unescape(str(export(case, fmt, withhold_testimony=True)))
        assert "tied wires" not in withheld and "[testimony withheld]" in withheld.replace("\\", ""), fmt


def test_export_leak_check_still_fails_closed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import corroborator.outputs.export as export_module

    monkeypatch.setattr(export_module, "redact_case", lambda case, **_: case)  # a redactor that does nothing
    for fmt in ("json", "md", "csv"):
        with pytest.raises(RedactionError):
            export(make_case(), fmt, tmp_path / fmt, redact=True)
        assert not (tmp_path / fmt).exists()
    with pytest.raises(RedactionError):
        assert_redacted("They tied wires to my hands", make_case(), withhold_testimony=True)


@pytest.mark.slow
def test_cli_withhold_testimony_on_export_and_report(built_sample: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(cli, ["export", str(built_sample), "--withhold-testimony"])
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert data["redaction"]["mode"] == "testimony_withheld"
    assert {q["text"] for q in data["quotes"] if q["protected"]} == {"[testimony withheld]"}
    out = tmp_path / "r.html"
    done = runner.invoke(cli, ["report", str(built_sample), "-o", str(out), "--withhold-testimony"])
    assert done.exit_code == 0, done.output
    assert 'data-mode="testimony_withheld"' in out.read_text()


# --- 5. leaks --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["A man identified only by the pseudonym Zaur was held.",
                                  "A man using the pseudonym Zaur was held.",
                                  "A man, known by the alias Zaur, was held."])
def test_pseudonym_cues_name_the_pseudonym(text: str) -> None:
    assert [(c.kind, c.name) for c in detect_cues(text)] == [("pseudonym", "Zaur")]


def test_name_hyphenated_across_a_line_break_is_redacted() -> None:
    text = "A man using the pseudonym Bislan fled. Later Bis-\nlan, Bis-\n  lan and Bis- lan spoke. Bisa stayed.\n"
    doc = Document("e" * 64, "x.txt", "e" * 64, "text/plain", text, title="Bis-\nlan speaks")
    case = Case(documents=[doc], protected=[ProtectedPerson(doc.id, "Bislan", ("Bislan",))])
    redacted = redact_case(case)
    assert redacted.documents[0].text == ("A man using the pseudonym [Witness 1] fled. Later [Witness 1], [Witness 1] "
                                          "and [Witness 1] spoke. Bisa stayed.\n")
    assert redacted.documents[0].title == "[Witness 1] speaks"
    with pytest.raises(RedactionError):
        assert_redacted("then Bis-\nlan left", case)


def test_bulk_insert_keeps_no_temporary_file_in_the_system_temp_dir(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import corroborator.store as store_module

    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    seen: list[Path] = []
    real = tempfile.mkstemp

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        fd, name = real(*args, **kwargs)
        seen.append(Path(name))
        return fd, name

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    case = tmp_path / "case" / "case.duckdb"
    case.parent.mkdir()
    with open_case(case, create=True) as store:
        store.con.execute("CREATE TABLE t (name VARCHAR)")
        store_module.bulk_insert(store.con, "t", [("Azmad",), ("Zaur",)])
        assert store.con.execute("SELECT count(*) FROM t").fetchone()[0] == 2
    assert seen and all(p.parent == scratch_dir(case) for p in seen)
    assert not any(shared.iterdir())
    assert not any(p.exists() for p in seen)


def test_crash_leftovers_are_removed_at_the_next_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    case = tmp_path / "case.duckdb"
    with open_case(case, create=True):
        pass
    old = shared / "corroborator-mentions-abc123.jsonl"  # what an older version left after a crash
    old.write_text('{"text": "Azmad"}\n')
    os.utime(old, (time.time() - 2 * STALE_SECONDS,) * 2)
    running = shared / "corroborator-quotes-def456.jsonl"  # an older version's build writing right now
    running.write_text('{"text": "Azmad"}\n')
    scratch = scratch_dir(case)
    scratch.mkdir(mode=0o700)
    mine = scratch / "corroborator-mentions-x1.jsonl"
    mine.write_text('{"text": "Azmad"}\n')
    other = shared / "unrelated.jsonl"
    other.write_text("{}\n")
    with open_case(case, read_only=True):
        pass
    assert not old.exists() and not mine.exists() and other.exists()
    assert running.exists()  # a build in progress keeps its file
    assert remove_leftovers(case) == 0


def test_in_memory_bulk_insert_writes_no_file(monkeypatch: pytest.MonkeyPatch) -> None:
    import duckdb

    import corroborator.store as store_module

    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("an in-memory database needs no temporary file")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    con = duckdb.connect(":memory:")
    con.execute("CREATE TABLE t (id VARCHAR, n INTEGER)")
    store_module.bulk_insert(con, "t", ((f"r{i}", i) for i in range(600)))
    assert con.execute("SELECT count(*), sum(n) FROM t").fetchone() == (600, sum(range(600)))
    assert os.name  # the insert ran without touching the disk
