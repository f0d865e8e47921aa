"""The redacted view's offsets and ids come from the redaction's own maps: exact, or refused.

These tests replace those of the text alignment the web app once did (``web/align.py``,
``web/idmap.py``): what a reader sees and what is refused still hold, now on
:class:`~corroborator.outputs.redact.TextMap` and ``Redaction.ids`` as the view uses them.
"""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

from corroborator.model import Case
from corroborator.outputs.redact import TextMap, redact
from corroborator.store import open_case
from corroborator.web.state import CaseState, Settings, View
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


def _load(path: Path) -> Case:
    with open_case(path, read_only=True) as store:
        return store.load_case()


def _redacted_view(path: Path) -> View:
    """The redacted view the web app serves for the case file at ``path``."""
    state = CaseState(path, Settings(idle_close=0))
    with state.db.store() as store:
        state.refresh(store)
    view = state.view(redacted=True)
    state.close()
    return view


def test_web_text_map_maps_every_kept_character_of_a_redacted_report() -> None:
    spans = [(DOC_A.index("We were taken"), DOC_A.index("why,") + 4, "[Witness 1]"),
             (DOC_A.index("Karim*"), DOC_A.index("Karim*") + 5, "[Witness 1]")]
    shown, moved = _replace(DOC_A, spans)
    tmap = TextMap(spans)
    start = DOC_A.index("Paul Grant")
    assert tmap.to_shown(start, start + 10) == (moved[start], moved[start] + 10)
    assert shown[moved[start]:moved[start] + 10] == "Paul Grant"
    assert tmap.to_raw(moved[start], moved[start] + 10) == (start, start + 10)
    assert tmap.to_shown(spans[0][0] + 3, spans[0][0] + 8) is None  # inside the replaced quote
    assert tmap.to_raw(shown.index("[Witness 1]"), shown.index("[Witness 1]") + 3) is None
    # A span reaching into a replaced stretch grows over its pseudonym, as redaction moves mentions.
    said = DOC_A.index("said Karim")
    assert tmap.map_span(said, said + 10) == (moved[said], moved[said] + len("said [Witness 1]"))
    # Every character redaction left is mapped, one by one, and nothing else is.
    mapped = sum(tmap.to_shown(i, i + 1) is not None for i in range(len(DOC_A)))
    assert mapped == len(shown) - 2 * len("[Witness 1]")
    assert sum(tmap.to_raw(i, i + 1) is not None for i in range(len(shown))) == mapped


def test_web_text_map_places_repeated_segments_exactly_and_refuses_pseudonyms() -> None:
    raw = "Ann and Bob and Cy and Dee"
    # "Bob and Cy" hid one " and ": aligning the texts could not tell which; the redaction knows.
    spans = [(0, 3, "[Witness 1]"), (8, 18, "[Witness 2]"), (23, 26, "[Witness 3]")]
    shown, _ = _replace(raw, spans)
    assert shown == "[Witness 1] and [Witness 2] and [Witness 3]"
    tmap = TextMap(spans)
    first, second = shown.index(" and "), shown.rindex(" and ")
    assert tmap.to_raw(first, first + 5) == (3, 8) and tmap.to_raw(first + 1, first + 4) == (4, 7)
    assert tmap.to_raw(second, second + 5) == (18, 23)
    assert tmap.to_shown(3, 8) == (first, first + 5) and tmap.to_shown(18, 23) == (second, second + 5)
    assert tmap.to_shown(10, 13) is None  # " and " inside the replaced "Bob and Cy"
    assert tmap.to_raw(first, first + 7) is None and tmap.to_raw(first + 4, second) is None  # touch a pseudonym
    assert TextMap([(0, 3, "[Witness 1]"), (8, 11, "[Witness 2]")]).to_raw(11, 16) == (3, 8)
    # A text redaction left alone maps to itself; nothing else is assumed about it.
    assert TextMap([]).to_raw(0, 10) == (0, 10) and TextMap([]).to_shown(3, 7) == (3, 7)


def test_web_text_map_is_never_wrong_on_random_redactions() -> None:
    rng = random.Random(7)
    checked = grown = 0
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
        tmap = TextMap(spans)
        for s in range(len(raw)):
            for e in range(s + 1, min(len(raw), s + 5) + 1):
                found = tmap.to_shown(s, e)
                if all(e <= a or s >= b for a, b, _ in spans):
                    # Unchanged characters: always mapped, exactly, both ways (nothing is ambiguous).
                    assert found == (moved[s], moved[e]) and tmap.to_raw(*found) == (s, e), (raw, shown, s, e)
                    assert shown[found[0]:found[1]] == raw[s:e]
                    checked += 1
                else:
                    assert found is None, (raw, shown, s, e)
                    # Reaching into a replaced stretch, it grows to cover that stretch's pseudonym.
                    assert tmap.map_span(s, e) == (_grown(spans, moved, s, is_end=False),
                                                   _grown(spans, moved, e, is_end=True)), (raw, shown, s, e)
                    grown += 1
        for s in range(len(shown)):
            for e in range(s + 1, min(len(shown), s + 12) + 1):
                back = tmap.to_raw(s, e)
                touches = any(moved_start < e and s < moved_start + len(p)
                              for moved_start, p in _pseudonyms_at(spans, moved))
                assert (back is None) == touches, (raw, shown, s, e)
                if back is not None:
                    assert raw[back[0]:back[1]] == shown[s:e]
    print(f"random redactions: {checked} spans mapped exactly, {grown} reaching into a pseudonym")
    assert checked > 0 and grown > 0


def _grown(spans: list[tuple[int, int, str]], moved: dict[int, int], pos: int, *, is_end: bool) -> int:
    """Where machine ``pos`` lands: unchanged, or inside a replaced stretch at its pseudonym's edge."""
    for start, end, p in spans:
        if start < pos < end:
            return moved[start] + (len(p) if is_end else 0)
    return moved[pos]


def _pseudonyms_at(spans: list[tuple[int, int, str]], moved: dict[int, int]) -> list[tuple[int, str]]:
    """Where each pseudonym starts in the redacted text."""
    return [(moved[start], p) for start, _, p in spans]


def test_web_text_maps_pair_ids_when_redaction_drops_testimony(tmp_path: Path) -> None:
    path = tmp_path / "case.duckdb"
    ids = build_case(path, testimony=True)
    raw = _load(path)
    view = _redacted_view(path)
    maps, shown = view.to_raw, view.case
    outside = next(f for f in shown.figures if f.mention.text == "at least 30 people were held")
    assert maps["figures"][outside.mention.id] == ids["f_outside"]
    assert view.raw_id("figures", outside.mention.id) == ids["f_outside"]
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
    # With testimony withheld the figure inside it is dropped, and the rest still pair exactly.
    withheld = redact(raw, withhold_testimony=True)
    assert ids["f_inside"] not in withheld.ids["figures"].values()
    kept = next(f for f in withheld.case.figures if f.mention.text == "at least 30 people were held")
    assert withheld.ids["figures"][kept.mention.id] == ids["f_outside"]
    assert set(withheld.ids["figures"]) == {f.mention.id for f in withheld.case.figures}


def test_web_text_maps_are_the_views_and_move_selections_exactly(tmp_path: Path) -> None:
    path = tmp_path / "case.duckdb"
    ids = build_case(path, testimony=True)
    raw, view = _load(path), _redacted_view(path)
    doc_a = view.view_id("documents", ids["doc_a"])
    machine_a = view.raw_id("documents", doc_a)
    assert machine_a == ids["doc_a"]
    text_map, shown = view.text_map(doc_a), view.docs[doc_a].text
    assert text_map is not None and "Karim" not in shown
    raw_text = next(d.text for d in raw.documents if d.id == machine_a)
    start = shown.index("Paul Grant")
    assert text_map.to_raw(start, start + 10) == (raw_text.index("Paul Grant"), raw_text.index("Paul Grant") + 10)
    witness = shown.index("[Witness 1]")
    assert text_map.to_raw(witness + 2, witness + 6) is None  # inside a pseudonym
    assert text_map.to_raw(witness - 5, witness + 1) is None  # reaching into one
    assert view.text_map("no such document") is None
    # Every mention the reader sees leads to one machine mention, at the same words where none were replaced.
    machine = {m.id: m for m in raw.mentions.values()}
    for m in view.case.mentions.values():
        mid = view.raw_id("mentions", m.id)
        assert mid in machine, m.id
        back = view.text_map(m.doc_id).to_shown(machine[mid].start, machine[mid].end)  # type: ignore[union-attr]
        assert back is None or (back == (m.start, m.end) and machine[mid].text == m.text)


def test_web_text_maps_refuse_an_id_shared_by_two_machine_items(tmp_path: Path) -> None:
    path = tmp_path / "case.duckdb"
    build_case(path, testimony=True)
    raw = _load(path)
    paul = next(e for e in raw.entities if e.id == "ent-paul")
    # Two machine ids differing only in a protected name become one redacted id: it names neither.
    case = dataclasses.replace(raw, entities=[*raw.entities, dataclasses.replace(paul, id="org-karim"),
                                              dataclasses.replace(paul, id="org-KARIM")])
    done = redact(case)
    shared = [e.id for e in done.case.entities if e.id.startswith("org-")]
    assert len(shared) == 2 and len(set(shared)) == 1 and "Karim" not in shared[0]
    assert shared[0] not in done.ids["entities"]
    assert done.ids["entities"]["ent-paul"] == "ent-paul"
    view = View(done.case, True, (), done.ids, case, done.texts)
    assert not view.mapped("entities", shared[0]) and view.raw_id("entities", shared[0]) not in ("org-karim",
                                                                                                   "org-KARIM")
