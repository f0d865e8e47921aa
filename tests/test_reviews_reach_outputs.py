"""Reviews reach every output: a figure rejected and another corrected through the JSON API show up
that way in the next export, report and app page, with claims and totals made again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from corroborator.api import export_case, load_case, write_report
from corroborator.review import accounts
from corroborator.store import open_case
from corroborator.web import Settings, create_app
from tests.webcase import PASSWORD, csrf, login


def _series_figures(export: dict) -> set[str]:
    return {f for t in export["totals"].values() for p in t["series"] for f in p["figures"]}


def _citation_figures(export: dict) -> set[str]:
    return {c.get("figure") for t in export["totals"].values() for c in t["citations"]}


@pytest.fixture(scope="module")
def reviewed(built_sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample, one figure rejected and one corrected by an editor through ``POST /api/v1/reviews``."""
    case = tmp_path_factory.mktemp("reviewed") / "case.duckdb"
    shutil.copy(built_sample, case)
    before = json.loads(export_case(case))
    with open_case(case) as store:
        accounts.add_user(store, "edna", "editor", PASSWORD)
    app = create_app(case, settings=Settings(idle_close=60.0))
    client = TestClient(app)
    login(client, "edna")
    # The claim with the most figures loses one; a figure of another claim is corrected to one more.
    own = {c["id"]: [f for f in c["figures"] if f not in {x for v in c["copies"].values() for x in v}]
           for c in before["claims"]}
    big = max(before["claims"], key=lambda c: (len(own[c["id"]]), c["id"]))
    assert len(own[big["id"]]) >= 2
    rejected = own[big["id"]][0]
    other = next(c for c in before["claims"] if c["id"] != big["id"] and c["event"] != big["event"])
    corrected = own[other["id"]][0]
    figures = {f["id"]: f for f in before["figures"]}
    new_value = figures[corrected]["value"] + 1
    api_ids = {f["id"] for f in client.get("/api/v1/figures?limit=500").json()["items"]}
    token = csrf(client)
    for action, target, after in [("figure.reject", rejected, {}),
                                  ("figure.correct", corrected, {"value": new_value, "qualifier": "exact"})]:
        answer = client.post("/api/v1/reviews", headers={"X-CSRF-Token": token},
                             json={"action": action, "target": target, "after": after, "note": "checked"})
        assert answer.status_code == 201, answer.text
    page = client.get(f"/figures/{corrected}").text
    claim_page = client.get(f"/claims/{big['id']}").text
    app.state.case.db.close()
    return {"case": case, "before": before, "after": json.loads(export_case(case)), "rejected": rejected,
            "corrected": corrected, "value": new_value, "big": big, "other": other, "api_ids": api_ids,
            "page": page, "claim_page": claim_page}


def test_an_editors_api_shows_the_export_ids(reviewed: dict[str, Any]) -> None:
    assert reviewed["api_ids"] == {f["id"] for f in reviewed["before"]["figures"]}


def test_a_rejected_figure_is_absent_from_every_claim_series_and_citation(reviewed: dict[str, Any]) -> None:
    after, rejected = reviewed["after"], reviewed["rejected"]
    assert rejected not in {f["id"] for f in after["figures"]}
    assert rejected not in {f for c in after["claims"] for f in c["figures"]}
    assert rejected not in _series_figures(after) | _citation_figures(after)
    assert rejected in _series_figures(reviewed["before"]) | {f for c in reviewed["before"]["claims"]
                                                                for f in c["figures"]}
    listed = next(r for r in after["rejected"] if r["id"] == rejected)
    assert listed["kind"] == "figure" and listed["review"]["status"] == "rejected"
    assert listed["review"]["by"] == "edna" and listed["review"]["note"] == "checked"


def test_a_corrected_value_is_used_everywhere_and_the_notes_are_rewritten(reviewed: dict[str, Any]) -> None:
    after, fid, value = reviewed["after"], reviewed["corrected"], reviewed["value"]
    figure = next(f for f in after["figures"] if f["id"] == fid)
    assert figure["value"] == value and figure["qualifier"] == "exact"
    assert figure["review"]["status"] == "corrected"
    assert figure["review"]["corrected"]["value"] == {"machine": value - 1, "reviewed": value}
    claim = next(c for c in after["claims"] if fid in c["figures"])
    assert value in (claim["low"], claim["high"]) and str(value) in claim["note"]
    total = after["totals"][claim["event"]]
    assert "Recomputed after review" in total["note"]
    points = [p for p in total["series"] if fid in p["figures"]]
    assert points and all(p["value"] == value for p in points)


def test_every_item_carries_its_review_state(reviewed: dict[str, Any]) -> None:
    after = reviewed["after"]
    for kind in ("figures", "quotes", "claims", "entities"):
        statuses = {item["review"]["status"] for item in after[kind]}
        assert statuses <= {"unreviewed", "confirmed", "corrected", "rejected"}, kind
    assert {f["review"]["status"] for f in reviewed["before"]["figures"]} == {"unreviewed"}


def test_reviewed_only_export_holds_what_a_person_checked(reviewed: dict[str, Any]) -> None:
    only = json.loads(export_case(reviewed["case"], reviewed_only=True))
    assert only["reviewed_only"] is True
    assert [f["id"] for f in only["figures"]] == [reviewed["corrected"]]
    assert not only["quotes"] and not only["events"] and not only["dates"]
    assert [f for c in only["claims"] for f in c["figures"]] == [reviewed["corrected"]]
    assert set(only["totals"]) == {next(f for f in only["figures"])["event"]}


def test_report_and_app_show_the_review_state(reviewed: dict[str, Any], tmp_path: Path) -> None:
    html = write_report(reviewed["case"], tmp_path / "report.html").read_text(encoding="utf-8")
    assert "corrected by edna" in html and "rejected by edna" in html and "Rejected by reviewers" in html
    assert "corrected" in reviewed["page"] and str(reviewed["value"]) in reviewed["page"]
    assert reviewed["rejected"] not in reviewed["claim_page"]
    case = load_case(reviewed["case"])
    assert case.review_of(reviewed["corrected"])["status"] == "corrected"


def test_recomputing_unchanged_figures_gives_the_builds_claims_and_totals(built_sample: Path) -> None:
    from corroborator.review import recompute_claims

    case = load_case(built_sample, reviewed=False)
    again = recompute_claims(case, case.figures)
    def rows(claims: list) -> list[tuple]:
        return sorted((c.id, c.event, c.low, c.high, c.figure_ids, c.independent_sources, c.status, c.note)
                      for c in claims)

    # Review recomputation reads the stored case (provenance, places from the entities) the way the build did.
    assert rows(again.claims) == rows(case.claims)
    assert {k: (t["best"], t["qualifier"]) for k, t in again.totals.items()} == \
        {k: (t["best"], t["qualifier"]) for k, t in case.totals.items()}
