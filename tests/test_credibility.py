"""A credibility rating on every claim, the Admiralty way: source reliability A-F set by editors,
information credibility 1-6 computed from corroboration, conflicts and reliability."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from corroborator.api import export_case
from corroborator.consolidate.credibility import RULE, rate
from corroborator.errors import ReviewError
from corroborator.review import load_reviews, record_review, review_state, validate_review
from corroborator.store import open_case
from tests.test_consolidate_claims import fig, make_doc


@pytest.mark.parametrize(("status", "letters", "verified", "code"), [
    ("single_source", ["F"], False, "F6"),
    ("single_source", ["B"], False, "B2"),
    ("single_source", ["A"], False, "A2"),
    ("single_source", ["C"], False, "C3"),
    ("single_source", ["D"], False, "D4"),
    ("single_source", ["E"], False, "E5"),
    ("corroborated", ["F", "F"], False, "F1"),
    ("corroborated", ["E", "E", "C"], False, "C3"),
    ("corroborated", ["E", "F"], False, "E1"),
    ("conflicting", ["B", "E"], False, "B3"),
    ("conflicting", ["D", "F"], False, "D4"),
    ("superseded", ["A"], False, "A4"),
    ("single_source", ["F"], True, "F1"),
])
def test_rating_rules(status: str, letters: list[str], verified: bool, code: str) -> None:
    keys = [f"s{i}" for i in range(len(letters))]
    got = rate(status, keys, dict(zip(keys, letters)), verified=verified)
    assert got["code"] == code and got["label"] and got["why"]


def test_unrated_sources_count_as_f() -> None:
    assert rate("single_source", ["nobody-rated-this"], {})["code"] == "F6"
    assert "F until rated" in RULE


def test_totals_prefer_the_most_credible_claim() -> None:
    from corroborator.consolidate.claims import build_claims
    from corroborator.consolidate.totals import compute_totals

    a = make_doc("Floods\nAt least 12 people were killed on March 8 in Riverton.\n", "Daily A", "2021-03-10")
    b = make_doc("Floods\nAt least 30 people were killed on March 22 in Riverton.\n", "Daily B", "2021-03-25")
    figures = [fig(a, "At least 12 people were killed", "killed", 12, "at_least", when="2021-03-08"),
               fig(b, "At least 30 people were killed", "killed", 30, "at_least", when="2021-03-22")]
    unrated = compute_totals(build_claims(figures, [a, b], {}))["killed"]
    # Nothing rated: the later report's claim leads (F6); rate the earlier one's source A and it leads.
    assert unrated["credibility"]["code"] == "F6"
    rated = compute_totals(build_claims(figures, [a, b], {}, reliability={f"doc:{a.id}": "A"}))["killed"]
    assert rated["credibility"]["code"] == "A2"
    assert "most credible claims are preferred" in rated["note"] and "A2" in rated["note"]


@pytest.fixture()
def sample_copy(built_sample: Path, tmp_path: Path) -> Path:
    case = tmp_path / "case.duckdb"
    shutil.copy(built_sample, case)
    return case


def _rate(case: Path, source: str, letter: str, user: str = "edna") -> None:
    from corroborator.api import load_case

    loaded = load_case(case)
    with open_case(case) as store:
        state = review_state(load_reviews(store))
        after = validate_review(loaded, state, user=user, role="editor", action="source.reliability", target=source,
                                after={"reliability": letter})
        record_review(store, user=user, action="source.reliability", target=source, before={}, after=after,
                      note="known outlet")


def test_every_claim_is_rated_and_sources_carry_their_reliability(sample_copy: Path) -> None:
    data = json.loads(export_case(sample_copy))
    assert data["claims"] and all(c["credibility"]["code"][0] in "ABCDEF" for c in data["claims"])
    assert all(c["credibility"]["why"] for c in data["claims"]) and data["credibility_rule"] == RULE
    assert data["sources"] and {s["reliability"] for s in data["sources"]} == {"F"}
    used = {s["key"] for c in data["totals"].values() for d in c["claims_detail"] for s in d["sources"]}
    assert used <= {s["key"] for s in data["sources"]}


def test_an_editors_rating_reaches_claims_totals_and_the_report(sample_copy: Path, tmp_path: Path) -> None:
    from corroborator.api import write_report

    before = json.loads(export_case(sample_copy))
    single = next(c for c in before["claims"] if c["status"] == "single_source")
    detail = next(d for t in before["totals"].values() for d in t["claims_detail"] if d["id"] == single["id"])
    source = detail["sources"][0]["key"]
    _rate(sample_copy, source, "B")
    after = json.loads(export_case(sample_copy))
    rated = next(c for c in after["claims"] if c["id"] == single["id"])
    assert rated["credibility"]["code"] == "B2" and single["credibility"]["code"] == "F6"
    listed = next(s for s in after["sources"] if s["key"] == source)
    assert (listed["reliability"], listed["rated_by"]) == ("B", "edna")
    html = write_report(sample_copy, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "B2" in html and "usually reliable" in html


def test_ratings_are_checked(sample_copy: Path) -> None:
    data = json.loads(export_case(sample_copy))
    source = data["sources"][0]["key"]
    with pytest.raises(ReviewError, match="reliability must be one of"):
        _rate(sample_copy, source, "G")
    with pytest.raises(ReviewError, match="no original source"):
        _rate(sample_copy, "outlet:nobody", "A")


def test_a_redacted_export_rates_like_the_plain_one(sample_copy: Path) -> None:
    plain, redacted = json.loads(export_case(sample_copy)), json.loads(export_case(sample_copy, redact=True))
    assert [c["credibility"]["code"] for c in redacted["claims"]] == [c["credibility"]["code"] for c in plain["claims"]]
    assert len(redacted["sources"]) == len(plain["sources"])
