"""Redaction's own id and offset maps: exact, with nothing guessed from the texts."""

from __future__ import annotations

from typing import Any

from corroborator.outputs.redact import TextMap, redact, redact_case

RAW = "Karim said he was held by police in Riverton with Karim's brother."
# "Karim" (0-5) and "Karim" (50-55) replaced by a longer pseudonym.
SPANS = [(0, 5, "[Witness 1]"), (50, 55, "[Witness 1]")]


def _shown() -> str:
    out, last = [], 0
    for start, end, new in SPANS:
        out += [RAW[last:start], new]
        last = end
    return "".join(out) + RAW[last:]


def test_text_map_moves_unchanged_characters_exactly_and_refuses_replaced_ones() -> None:
    tmap, shown = TextMap(SPANS), _shown()
    start = RAW.index("held by police")
    got = tmap.to_shown(start, start + len("held by police"))
    assert got is not None and shown[got[0]:got[1]] == "held by police"
    assert tmap.to_raw(*got) == (start, start + len("held by police"))
    assert tmap.to_shown(0, 5) is None and tmap.to_shown(3, 12) is None  # touches a replaced name
    assert tmap.to_raw(0, 3) is None  # inside the pseudonym
    after = RAW.index(" brother")
    got = tmap.to_shown(after, len(RAW))
    assert got is not None and shown[got[0]:got[1]] == " brother."
    # A span reaching into a replaced stretch grows to cover the pseudonym.
    grown = tmap.map_span(2, 10)
    assert shown[grown[0]:grown[1]] == "[Witness 1] said"
    assert tmap.to_shown(5, 5) is None and tmap.to_raw(-1, 2) is None


def test_redaction_maps_every_kept_item_to_its_machine_item(built: tuple[Any, dict[str, str], Any]) -> None:
    _, _, case = built
    done = redact(case)
    assert done.case == redact_case(case)
    machine = {m.id: m for m in case.mentions.values()}
    machine.update((q.mention.id, q.mention) for q in case.quotes)
    machine.update((f.mention.id, f.mention) for f in case.figures)
    shown_docs = {d.id: d for d in done.case.documents}
    assert set(done.ids["documents"].values()) == {d.id for d in case.documents}
    assert len(done.ids["quotes"]) == len(case.quotes) == len(done.case.quotes)
    checked = 0
    for kind, shown_mentions in (("mentions", done.case.mentions.values()),
                                 ("quotes", [q.mention for q in done.case.quotes]),
                                 ("figures", [f.mention for f in done.case.figures])):
        for shown in shown_mentions:
            raw = machine[done.ids[kind][shown.id]]
            back = done.texts[raw.doc_id].to_shown(raw.start, raw.end)
            if back is not None:  # the machine span holds no replaced name: it moved unchanged
                assert back == (shown.start, shown.end)
                assert shown_docs[shown.doc_id].text[back[0]:back[1]] == raw.text
                checked += 1
    assert checked >= 10
    assert set(done.ids["entities"].values()) <= {e.id for e in case.entities}
    assert len(done.ids["claims"]) == len(done.case.claims)
