"""The correction layer: append-only reviews folded over machine output, never overwriting it."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from corroborator import review
from corroborator.model import Case
from corroborator.review import Review, ReviewError, apply_reviews, load_reviews, parse_count, review_state
from corroborator.store import open_case
from tests.webcase import DOC_A, DOC_B



def _act(case: Case, reviews: list[Review], action: str, target: str, after: dict[str, Any] | None = None, *,
         user: str = "edna", role: str = "editor") -> Case:
    """Validate against the corrected case, append, and return the new corrected case."""
    corrected = apply_reviews(case, reviews)
    clean = review.validate_review(corrected, review_state(reviews), user=user, role=role, action=action,
                                   target=target, after=after or {})
    reviews.append(Review(len(reviews) + 1, "2024-01-01T00:00:00", user, action, target,
                          review.snapshot(corrected, action, target), clean))
    return apply_reviews(case, reviews)


def test_review_apply_leaves_machine_output_untouched(built) -> None:  # type: ignore[no-untyped-def]
    _, ids, case = built
    machine = copy.deepcopy(case)
    reviews: list[Review] = []
    corrected = _act(case, reviews, "figure.correct", ids["f40"], {"value": 45})
    corrected = _act(case, reviews, "figure.reject", ids["f2"])
    assert case == machine
    assert next(f for f in corrected.figures if f.mention.id == ids["f40"]).value == 45
    assert apply_reviews(case, []) is case


def test_review_rejected_figure_leaves_claim_and_totals(built) -> None:  # type: ignore[no-untyped-def]
    _, ids, case = built
    reviews: list[Review] = []
    corrected = _act(case, reviews, "figure.reject", ids["f56"])
    assert ids["f56"] not in {f.mention.id for f in corrected.figures}
    claim = next(c for c in corrected.claims if c.id == "claim-detained")
    assert claim.figure_ids == (ids["f40"],) and (claim.low, claim.high) == (40, 40)
    assert corrected.totals["detained"]["high"] == 40 and corrected.totals["detained"]["best"] == 40
    assert "after review" in corrected.totals["detained"]["note"]
    # Confirming it again brings it back: the latest action wins, nothing is erased.
    corrected = apply_reviews(case, [*reviews, Review(9, "2024-01-02T00:00:00", "ed2", "figure.confirm", ids["f56"])])
    assert ids["f56"] in {f.mention.id for f in corrected.figures}


def test_review_correction_records_machine_values_and_evidence(built) -> None:  # type: ignore[no-untyped-def]
    _, ids, case = built
    start = DOC_B.index("56")
    corrected = _act(case, [], "figure.correct", ids["f56"],
                     {"value": "", "qualifier": "exact", "evidence": {"start": start, "end": start + 2, "text": "56"}})
    fig = next(f for f in corrected.figures if f.mention.id == ids["f56"])
    assert (fig.value, fig.qualifier) == (56, "exact")
    record = fig.mention.attrs["review"]
    assert record["status"] == "corrected" and record["by"] == "edna"
    assert record["machine"]["qualifier"] == "at_most"
    # The document is stored with the offsets so redaction can move the span with its text.
    assert record["evidence"] == {"doc": ids["doc_b"], "start": start, "end": start + 2, "text": "56"}
    assert corrected.mentions[ids["f56"]].attrs["review"]["status"] == "corrected"
    # The claim is made again from the corrected figure: "at least 40" and exactly 56 agree on 56,
    # and its note says so (the machine's "as many as 56" is gone from it).
    claim = next(c for c in corrected.claims if c.id == "claim-detained")
    assert (claim.low, claim.high) == (56, 56) and claim.status == "corroborated"
    assert "as many as" not in claim.note and "56" in claim.note
    assert corrected.totals["detained"]["best"] == 56 and corrected.totals["detained"]["qualifier"] == "exact"


def test_review_selection_must_match_the_source(built) -> None:  # type: ignore[no-untyped-def]
    _, ids, case = built
    with pytest.raises(ReviewError, match="does not match"):
        _act(case, [], "figure.correct", ids["f56"], {"evidence": {"start": 0, "end": 3, "text": "999"}})
    with pytest.raises(ReviewError, match="holds no number"):
        _act(case, [], "figure.correct", ids["f56"], {"evidence": {"start": 0, "end": 8, "text": None}})
    with pytest.raises(ReviewError, match="not a span"):
        _act(case, [], "figure.correct", ids["f56"], {"evidence": {"start": 5, "end": 10**6}})


@pytest.mark.parametrize(("after", "message"), [
    ({"value": "lots"}, "whole number"), ({"value": -3}, "out of range"), ({"event": "exploded"}, "unknown event"),
    ({"qualifier": "roughly"}, "unknown qualifier"), ({"value": 40}, "nothing to correct"),
])
def test_review_figure_correction_checks_values(built, after: dict[str, Any], message: str) -> None:  # type: ignore[no-untyped-def]
    _, ids, case = built
    with pytest.raises(ReviewError, match=message):
        _act(case, [], "figure.correct", ids["f40"], after)


def test_review_quote_speaker_reject_and_set(built) -> None:  # type: ignore[no-untyped-def]
    _, ids, case = built
    reviews: list[Review] = []
    corrected = _act(case, reviews, "quote.reject", ids["q_grant"])
    quote = next(q for q in corrected.quotes if q.mention.id == ids["q_grant"])
    assert quote.speaker is None and quote.speaker_label is None
    assert quote.mention.attrs["review"]["machine"]["speaker"] == "ent-paul"
    start = DOC_A.index("Paul Grant")
    corrected = _act(case, reviews, "quote.speaker", ids["q_grant"],
                     {"speaker": "ent-paul", "evidence": {"start": start, "end": start + 10}})
    quote = next(q for q in corrected.quotes if q.mention.id == ids["q_grant"])
    assert (quote.speaker, quote.speaker_label) == ("ent-paul", "Paul Grant")
    speaker_span = corrected.mentions[quote.speaker_mention_id]  # type: ignore[index]
    assert speaker_span.kind == "speaker" and DOC_A[speaker_span.start:speaker_span.end] == "Paul Grant"
    with pytest.raises(ReviewError, match="no entity"):
        _act(case, reviews, "quote.speaker", ids["q_grant"], {"speaker": "ent-nobody"})


def test_review_claim_status_and_lock(built) -> None:  # type: ignore[no-untyped-def]
    _, ids, case = built
    reviews: list[Review] = []
    corrected = _act(case, reviews, "claim.status", "claim-detained", {"status": "disputed"})
    assert "Review: disputed (edna" in next(c for c in corrected.claims if c.id == "claim-detained").note
    with pytest.raises(ReviewError, match="unknown claim status"):
        _act(case, reviews, "claim.status", "claim-detained", {"status": "maybe"})
    _act(case, reviews, "claim.lock", "claim-detained")
    for action, target, after in [("claim.status", "claim-detained", {"status": "verified"}),
                                  ("figure.confirm", ids["f40"], {}), ("claim.lock", "claim-detained", {})]:
        with pytest.raises(ReviewError, match="locked by edna"):
            _act(case, reviews, action, target, after, user="ed2")
    with pytest.raises(ReviewError, match="only they or an admin"):
        _act(case, reviews, "claim.unlock", "claim-detained", user="ed2")
    _act(case, reviews, "claim.unlock", "claim-detained", user="ada", role="admin")
    corrected = _act(case, reviews, "claim.status", "claim-detained", {"status": "rejected"}, user="ed2")
    assert "claim-detained" not in {c.id for c in corrected.claims}
    assert "detained" not in corrected.totals
    assert review_state(reviews).claims["claim-detained"] == "rejected"


def test_review_merge_and_split_entities(built) -> None:  # type: ignore[no-untyped-def]
    _, ids, case = built
    reviews: list[Review] = []
    corrected = _act(case, reviews, "entity.merge", "ent-grant", {"into": "ent-paul"})
    paul = next(e for e in corrected.entities if e.id == "ent-paul")
    assert "ent-grant" not in {e.id for e in corrected.entities}
    assert ids["grant_b_mention"] in paul.mention_ids and "Grant" in paul.aliases
    with pytest.raises(ReviewError, match="no entity"):
        _act(case, reviews, "entity.merge", "ent-grant", {"into": "ent-paul"})
    corrected = _act(case, reviews, "entity.split", "ent-paul",
                     {"mention_ids": [ids["paul_grant_mention"]], "name": "Grant (minister)"})
    new = next(e for e in corrected.entities if e.name == "Grant (minister)")
    assert new.mention_ids == (ids["paul_grant_mention"],) and new.id.startswith("ent-paul~")
    assert ids["paul_grant_mention"] not in next(e for e in corrected.entities if e.id == "ent-paul").mention_ids
    # The quote whose speaker span moved follows it to the new entity.
    assert next(q for q in corrected.quotes if q.mention.id == ids["q_grant"]).speaker == new.id
    with pytest.raises(ReviewError, match="at least one mention"):
        _act(case, reviews, "entity.split", new.id, {"mention_ids": list(new.mention_ids), "name": "x"})
    with pytest.raises(ReviewError, match="into itself"):
        _act(case, reviews, "entity.merge", "ent-paul", {"into": "ent-paul"})


def test_review_protecting_a_person_redacts_them(built) -> None:  # type: ignore[no-untyped-def]
    from corroborator.outputs.redact import redact_case

    _, ids, case = built
    reviews: list[Review] = []
    corrected = _act(case, reviews, "entity.protect", "ent-ana")
    assert next(e for e in corrected.entities if e.id == "ent-ana").protected
    assert next(q for q in corrected.quotes if q.mention.id == ids["q_ana"]).protected
    redacted = redact_case(corrected)
    assert all("Ana Torres" not in d.text for d in redacted.documents)
    with pytest.raises(ReviewError, match="only an admin"):
        _act(case, reviews, "entity.unprotect", "ent-ana")
    corrected = _act(case, reviews, "entity.unprotect", "ent-ana", user="ada", role="admin")
    assert not next(e for e in corrected.entities if e.id == "ent-ana").protected
    # What the review protected is lifted; the machine's own protection of Karim's quote stays.
    assert not next(q for q in corrected.quotes if q.mention.id == ids["q_ana"]).protected
    assert next(q for q in corrected.quotes if q.mention.id == ids["q_karim"]).protected


def test_review_viewers_cannot_review_and_unknown_targets_fail(built) -> None:  # type: ignore[no-untyped-def]
    _, ids, case = built
    with pytest.raises(ReviewError, match="only editors"):
        _act(case, [], "figure.confirm", ids["f40"], role="viewer")
    with pytest.raises(ReviewError, match="no figure"):
        _act(case, [], "figure.confirm", "nope")
    with pytest.raises(ReviewError, match="unknown review action"):
        _act(case, [], "figure.delete", ids["f40"])


def test_review_records_are_appended_and_loaded_in_order(built) -> None:  # type: ignore[no-untyped-def]
    path, ids, case = built
    with open_case(path, read_only=True) as store:
        assert load_reviews(store) == []  # never reviewed: no table, no error
    with open_case(path) as store:
        first = review.record_review(store, user="edna", action="figure.correct", target=ids["f40"],
                                     before={"value": 40}, after={"value": 45}, note="typo")
        review.record_review(store, user="ed2", action="figure.confirm", target=ids["f40"], before={}, after={})
    with open_case(path, read_only=True) as store:
        loaded = load_reviews(store)
    assert [(r.user, r.action) for r in loaded] == [("edna", "figure.correct"), ("ed2", "figure.confirm")]
    assert loaded[0].before == {"value": 40} and loaded[0].after == {"value": 45} and loaded[0].note == "typo"
    assert loaded[1].seq > first.seq
    corrected = apply_reviews(case, loaded)
    fig = next(f for f in corrected.figures if f.mention.id == ids["f40"])
    assert fig.value == 45 and fig.mention.attrs["review"]["status"] == "confirmed"
    assert fig.mention.attrs["review"]["machine"]["value"] == 40


@pytest.mark.parametrize(("text", "value"), [
    ("56", 56), ("1,200", 1200), ("at least 40", 40), ("two dozen", 24), ("forty-one", 41), ("dozens", 12),
    ("three hundred", 300), ("a hundred", 100), ("nobody", None), ("", None),
])
def test_review_parse_count_reads_selected_numbers(text: str, value: int | None) -> None:
    assert parse_count(text) == value
