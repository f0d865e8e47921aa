"""Spans a reviewer marks as identifying a protected person are redacted wherever they occur."""

from __future__ import annotations

import dataclasses
import html
import json
from pathlib import Path
from typing import Any

import pytest

from corroborator import api, review
from corroborator.errors import RedactionError
from corroborator.outputs.redact import assert_redacted, redact_case
from corroborator.review import Review, ReviewError, apply_reviews, load_reviews, review_state
from corroborator.store import open_case
from tests.webcase import DOC_A, DOC_B

MARK, UNMARK = "document.mark_identifying", "document.unmark_identifying"
# Occurs in two documents, an entity's name, figures' sources and a claim's note.
PHRASE = "Riverton Human Rights Centre"



def _record(path: Path, action: str, target: str, after: dict[str, Any], *, user: str = "edna",
            role: str = "editor") -> Review:
    """Validate against the corrected case in the file and append the review, as the web app does."""
    with open_case(path) as store:
        reviews = load_reviews(store)
        corrected = apply_reviews(store.load_case(), reviews)
        clean = review.validate_review(corrected, review_state(reviews), user=user, role=role, action=action,
                                       target=target, after=after)
        return review.record_review(store, user=user, action=action, target=target,
                                    before=review.snapshot(corrected, action, target), after=clean)


def _mark(path: Path, ids: dict[str, str], **kw: Any) -> Review:
    start = DOC_A.index(PHRASE)
    return _record(path, MARK, ids["doc_a"], {"start": start, "end": start + len(PHRASE), "witness": "ent-karim"},
                   **kw)


def _outputs(path: Path, tmp_path: Path, *, redact: bool) -> dict[str, str]:
    """Every output of the case file as text: JSON, CSV (all tables), Markdown, HTML report (unescaped)."""
    csv_dir = tmp_path / f"csv-{redact}-{len(list(tmp_path.iterdir()))}"
    api.export_case(path, "csv", csv_dir, redact=redact)
    report = api.write_report(path, tmp_path / "report.html", redact=redact).read_text(encoding="utf-8")
    return {"json": str(api.export_case(path, "json", redact=redact)),
            "md": str(api.export_case(path, "md", redact=redact)),
            "csv": "\n".join(p.read_text(encoding="utf-8") for p in sorted(csv_dir.iterdir())),
            "html": html.unescape(report)}


def test_marked_span_is_redacted_everywhere_and_undo_brings_it_back(  # type: ignore[no-untyped-def]
        built, tmp_path: Path) -> None:
    path, ids, _ = built
    record = _mark(path, ids)
    assert record.after["text"] == PHRASE and record.after["label"] == "[Witness 1]"
    for fmt, text in _outputs(path, tmp_path, redact=True).items():
        assert PHRASE.casefold() not in text.casefold(), fmt
        assert "Witness 1" in text, fmt
    # The other document says it too, and is redacted as well.
    case = api.load_case(path)
    red = redact_case(case)
    doc_b = next(d for d in red.documents if d.id == ids["doc_b"])
    assert PHRASE not in doc_b.text and "according to the [Witness 1]." in doc_b.text
    # Offsets are remapped: every mention still cites its exact characters.
    texts = {d.id: d.text for d in red.documents}
    for m in red.mentions.values():
        assert texts[m.doc_id][m.start:m.end] == m.text
    # Unredacted outputs are unaffected.
    assert all(PHRASE in text for text in _outputs(path, tmp_path, redact=False).values())
    # Undo: the text comes back in redacted outputs.
    start = DOC_A.index(PHRASE)
    _record(path, UNMARK, ids["doc_a"], {"start": start, "end": start + len(PHRASE)})
    assert all(PHRASE in text for text in _outputs(path, tmp_path, redact=True).values())


def test_marking_is_an_audited_review_record(built) -> None:  # type: ignore[no-untyped-def]
    path, ids, _ = built
    _mark(path, ids)
    with open_case(path, read_only=True) as store:
        (stored,) = load_reviews(store)
    assert (stored.user, stored.action, stored.target) == ("edna", MARK, ids["doc_a"])
    assert stored.after["witness"] == "ent-karim" and stored.after["witness_kind"] == "entity"
    assert stored.before == {"marks": 0}
    mark = next(m for m in api.load_case(path).mentions.values() if m.kind == "identifying")
    assert mark.attrs["by"] == "edna" and mark.attrs["review_seq"] == stored.seq
    # The machine output is untouched.
    assert not any(m.kind == "identifying" for m in api.load_case(path, reviewed=False).mentions.values())


def test_marked_text_in_titles_and_fields_is_redacted_and_leak_checked(built) -> None:  # type: ignore[no-untyped-def]
    _, ids, case = built
    docs = [dataclasses.replace(d, title=f"{PHRASE} speaks", author=f"Press office, {PHRASE}")
            if d.id == ids["doc_b"] else d for d in case.documents]
    case = dataclasses.replace(case, documents=docs)
    start = DOC_A.index(PHRASE)
    after = review.validate_review(case, review_state([]), user="edna", role="editor", action=MARK,
                                   target=ids["doc_a"], after={"start": start, "end": start + len(PHRASE),
                                                               "witness": "[Witness 1]"})
    corrected = apply_reviews(case, [Review(1, "2024-01-01T00:00:00", "edna", MARK, ids["doc_a"], {}, after)])
    red = redact_case(corrected)
    flat = json.dumps(dataclasses.asdict(red), ensure_ascii=False)
    assert PHRASE.casefold() not in flat.casefold()
    doc_b = next(d for d in red.documents if d.id == ids["doc_b"])
    assert doc_b.title == "[Witness 1] speaks" and doc_b.author == "Press office, [Witness 1]"
    assert next(e for e in red.entities if e.id == "ent-rhrc").name == "[Witness 1]"
    assert next(c for c in red.claims if c.id == "claim-detained").note == "Both figures come from the [Witness 1]."
    assert {f.attributed_to for f in red.figures if f.event == "detained"} == {"[Witness 1]"}
    # The last check before an output is written treats the marked words like a protected name.
    with pytest.raises(RedactionError):
        assert_redacted(f"a line citing the {PHRASE.lower()}", corrected)
    assert_redacted(f"a line citing the {PHRASE.lower()}", case)  # unmarked: not protected


def test_a_mark_widens_to_whole_words_and_ties_to_a_pseudonym(built) -> None:  # type: ignore[no-untyped-def]
    _, ids, case = built
    start = DOC_A.index("a student who")
    after = review.validate_review(case, review_state([]), user="edna", role="editor", action=MARK,
                                   target=ids["doc_a"], after={"start": start + 3, "end": start + 15,
                                                               "witness": "[Witness 1]"})
    assert after["text"] == "student who was" and after["witness_kind"] in ("entity", "quote", "person")
    corrected = apply_reviews(case, [Review(1, "2024-01-01T00:00:00", "edna", MARK, ids["doc_a"], {}, after)])
    red = redact_case(corrected)
    doc_a = next(d for d in red.documents if d.id == ids["doc_a"])
    assert "said [Witness 1]*, a [Witness 1] held for two days" in doc_a.text


@pytest.mark.parametrize(("after", "message"), [
    ({"start": 5, "end": 5}, "not a span"),
    ({"start": -1, "end": 4}, "not a span"),
    ({"start": 0, "end": len(DOC_A) + 1}, "not a span"),
    ({"start": "x", "end": 4}, "integer start and end"),
    ({"end": 4}, "integer start and end"),
    ({"start": 0, "end": 6, "text": "Riot"}, "does not match"),
    ({"start": DOC_A.index("\n"), "end": DOC_A.index("\n") + 1}, "at least two"),
    ({"start": 0, "end": len(DOC_A)}, "at most"),
    ({"start": 0, "end": 6}, "choose the protected person"),
    ({"start": 0, "end": 6, "witness": "ent-paul"}, "not protected"),
    ({"start": 0, "end": 6, "witness": "[Witness 9]"}, "no protected person"),
])
def test_bad_marks_are_rejected(built, after: dict[str, Any], message: str) -> None:  # type: ignore[no-untyped-def]
    _, ids, case = built
    if message != "choose the protected person":
        after = {"witness": "ent-karim"} | after
    with pytest.raises(ReviewError, match=message):
        review.validate_review(case, review_state([]), user="edna", role="editor", action=MARK,
                               target=ids["doc_a"], after=after)


def test_viewers_cannot_mark_and_only_the_marker_or_an_admin_can_undo(built) -> None:  # type: ignore[no-untyped-def]
    path, ids, case = built
    with pytest.raises(ReviewError, match="only editors"):
        _mark(path, ids, user="vic", role="viewer")
    with pytest.raises(ReviewError, match="no document"):
        _record(path, MARK, "nope", {"start": 0, "end": 5, "witness": "ent-karim"})
    _mark(path, ids)
    with pytest.raises(ReviewError, match="already marked"):
        _mark(path, ids)
    start = DOC_A.index(PHRASE)
    span = {"start": start, "end": start + len(PHRASE)}
    with pytest.raises(ReviewError, match="only edna"):
        _record(path, UNMARK, ids["doc_a"], span, user="ed2")
    _record(path, UNMARK, ids["doc_a"], span, user="ada", role="admin")
    with pytest.raises(ReviewError, match="no identifying mark"):
        _record(path, UNMARK, ids["doc_a"], span)
    assert DOC_B.count(PHRASE) == 1


def test_marked_words_inside_a_quote_are_redacted_and_its_span_stays_exact(built) -> None:  # type: ignore[no-untyped-def]
    _, ids, case = built
    start = DOC_A.index("taken at night")
    after = review.validate_review(case, review_state([]), user="edna", role="editor", action=MARK,
                                   target=ids["doc_a"], after={"start": start, "end": start + 14,
                                                               "witness": "ent-karim"})
    corrected = apply_reviews(case, [Review(1, "2024-01-01T00:00:00", "edna", MARK, ids["doc_a"], {}, after)])
    red = redact_case(corrected)
    texts = {d.id: d.text for d in red.documents}
    quote = next(q for q in red.quotes if q.speaker_label == "[Witness 1]")
    assert quote.mention.text == "We were [Witness 1] and nobody told us why,"
    assert texts[quote.mention.doc_id][quote.mention.start:quote.mention.end] == quote.mention.text
