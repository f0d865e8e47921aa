"""Offsets between machine and redacted text: exact where certain, refused where not; ids paired likewise."""

from __future__ import annotations

import random
from pathlib import Path

from corroborator.outputs.redact import assign_pseudonyms, redact_case
from corroborator.store import open_case
from corroborator.web.align import Alignment
from corroborator.web.idmap import id_maps
from tests.webcase import DOC_A, DOC_D, build_case


def _replace(raw: str, spans: list[tuple[int, int, str]]) -> tuple[str, dict[int, int]]:
    """The redacted text, and where each unreplaced machine offset lands in it."""
    out, moved, cursor, shift = [], {}, 0, 0
    for start, end, pseudonym in spans:
        out += [raw[cursor:start], pseudonym]
        moved.update((i, i + shift) for i in range(cursor, start + 1))
        shift += len(pseudonym) - (end - start)
        cursor = end
    out.append(raw[cursor:])
    moved.update((i, i + shift) for i in range(cursor, len(raw) + 1))
    return "".join(out), moved


def test_web_align_maps_every_kept_character_of_a_redacted_report() -> None:
    spans = [(DOC_A.index("We were taken"), DOC_A.index("why,") + 4, "[Witness 1]"),
             (DOC_A.index("Karim*"), DOC_A.index("Karim*") + 5, "[Witness 1]")]
    shown, moved = _replace(DOC_A, spans)
    al = Alignment(DOC_A, shown)
    start = DOC_A.index("Paul Grant")
    assert al.to_shown(start, start + 10) == (moved[start], moved[start] + 10)
    assert shown[moved[start]:moved[start] + 10] == "Paul Grant"
    assert al.to_raw(moved[start], moved[start] + 10) == (start, start + 10)
    assert al.to_shown(spans[0][0] + 3, spans[0][0] + 8) is None  # inside the replaced quote
    assert al.to_raw(shown.index("[Witness 1]"), shown.index("[Witness 1]") + 3) is None
    # A span reaching into a replaced stretch grows over its pseudonym, as redaction moves mentions.
    said = DOC_A.index("said Karim")
    assert al.map_span(said, said + 10) == (moved[said], moved[said] + len("said [Witness 1]"))
    mapped = sum(s.end - s.start for s in al.segments)
    assert mapped == len(shown) - 2 * len("[Witness 1]")


def test_web_align_refuses_segments_it_could_place_twice() -> None:
    raw = "Ann and Bob and Cy and Dee"
    shown = "[Witness 1] and [Witness 2] and [Witness 3]"  # "Bob and Cy" hid one " and "
    al = Alignment(raw, shown)
    first = shown.index(" and ")
    assert al.to_raw(first, first + 5) is None and al.to_raw(first + 1, first + 4) is None
    assert al.to_shown(3, 8) is None
    assert Alignment("Ann and Bob", "[Witness 1] and [Witness 2]").to_raw(11, 16) == (3, 8)
    assert Alignment("other text", "[Witness 1] and").segments == []  # not a redaction of it at all


def test_web_align_is_never_wrong_on_random_redactions() -> None:
    rng = random.Random(7)
    checked = refused = 0
    for _ in range(400):
        raw = "".join(rng.choice(["a", "b", "ab", " ", "x."]) for _ in range(rng.randint(3, 40)))
        spans, at = [], 0
        while True:
            start = at + rng.randint(0, 6)
            end = start + rng.randint(1, 4)
            if end > len(raw):
                break
            spans.append((start, end, f"[Witness {rng.randint(1, 3)}]"))
            at = end + rng.randint(0, 2)
        shown, moved = _replace(raw, spans)
        al = Alignment(raw, shown)
        kept = [(s, e) for s in range(len(raw)) for e in range(s + 1, min(len(raw), s + 5) + 1)
                if all(e <= a or s >= b for a, b, _ in spans)]
        for s, e in kept:
            found = al.to_shown(s, e)
            if found is None:
                refused += 1
                continue
            checked += 1
            assert found == (moved[s], moved[e]) and al.to_raw(*found) == (s, e), (raw, shown, s, e)
    print(f"random redactions: {checked} spans mapped exactly, {refused} refused as ambiguous")
    assert checked > refused > 0


def test_web_align_pairs_ids_when_redaction_drops_testimony(tmp_path: Path) -> None:
    path = tmp_path / "case.duckdb"
    ids = build_case(path, testimony=True)
    with open_case(path, read_only=True) as store:
        raw = store.load_case()
    shown = redact_case(raw)
    alignments = {x.id: Alignment(x.text, y.text) for x, y in zip(raw.documents, shown.documents)}
    maps = id_maps(raw, shown, assign_pseudonyms(raw), alignments)
    outside = next(f for f in shown.figures if f.mention.text == "at least 30 people were held")
    assert maps["figures"][outside.mention.id] == ids["f_outside"]
    assert DOC_D[raw.mentions[ids["f_outside"]].start:].startswith("at least 30")
    assert ids["f_inside"] not in maps["figures"].values() or len(shown.figures) == len(raw.figures)
    assert set(maps["figures"]) == {f.mention.id for f in shown.figures}
    assert set(maps["quotes"]) == {q.mention.id for q in shown.quotes}
    assert set(maps["claims"]) == {c.id for c in shown.claims}
    timur = next(e for e in shown.entities if e.id.startswith("witness:") and e.name == "[Witness 2]")
    assert maps["entities"][timur.id] == "ent-timur"
    assert maps["entities"]["ent-paul"] == "ent-paul"
    for view_id, raw_id in maps["mentions"].items():
        assert view_id.split(":")[1] == raw_id.split(":")[1]  # same kind
