"""Rating source reliability in the app: editors only, audited, and the claims' credibility follows."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient

from corroborator.api import export_case
from corroborator.review import accounts
from corroborator.store import open_case
from corroborator.web import Settings, create_app
from tests.webcase import PASSWORD, csrf, login


@pytest.fixture()
def web(built_sample: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The sample with a viewer and an editor, served in-process."""
    case = tmp_path / "case.duckdb"
    shutil.copy(built_sample, case)
    with open_case(case) as store:
        accounts.add_user(store, "vic", "viewer", PASSWORD)
        accounts.add_user(store, "edna", "editor", PASSWORD)
    return create_app(case, settings=Settings(idle_close=60.0)), None, case


def _sources(client: TestClient) -> dict[str, str]:
    tree = lxml.html.fromstring(client.get("/sources").text)
    return {row.get("data-source"): row.xpath("string(./td[4])").strip() for row in tree.xpath("//tr[@data-source]")}


def test_an_editor_rates_a_source_and_the_claims_follow(web) -> None:  # type: ignore[no-untyped-def]
    app, _, case = web
    editor = TestClient(app)
    login(editor, "edna")
    listed = _sources(editor)
    assert listed
    source = sorted(listed)[0]
    answer = editor.post("/sources/rate", data={"source": source, "reliability": "B", "note": "long record",
                                                "csrf_token": csrf(editor)}, follow_redirects=False)
    assert answer.status_code == 303 and "done=" in answer.headers["location"]
    page = editor.get(answer.headers["location"]).text
    assert "Rating saved" in page and "edna" in page
    app.state.case.db.close()
    data = json.loads(export_case(case))
    assert next(s for s in data["sources"] if s["key"] == source)["reliability"] == "B"
    rated = [c for c in data["claims"] if c["credibility"]["reliability"] == "B"]
    assert rated and all(c["credibility"]["code"] in ("B1", "B2", "B3", "B4") for c in rated)


def test_viewers_cannot_rate_and_bad_ratings_are_refused(web) -> None:  # type: ignore[no-untyped-def]
    app, _, _ = web
    viewer = TestClient(app)
    login(viewer, "vic")
    source = sorted(_sources(viewer))[0]
    refused = viewer.post("/sources/rate", data={"source": source, "reliability": "A", "csrf_token": csrf(viewer)})
    assert refused.status_code == 403
    editor = TestClient(app)
    login(editor, "edna")
    bad = editor.post("/sources/rate", data={"source": source, "reliability": "Z", "csrf_token": csrf(editor)})
    assert bad.status_code == 400 and "reliability must be one of" in bad.text
    unknown = editor.post("/sources/rate", data={"source": "outlet:nobody", "reliability": "A",
                                                 "csrf_token": csrf(editor)})
    assert unknown.status_code == 404
    missing_token = editor.post("/sources/rate", data={"source": source, "reliability": "A"})
    assert missing_token.status_code == 403


def test_the_sources_page_names_no_protected_witness(web, built_sample: Path) -> None:  # type: ignore[no-untyped-def]
    from corroborator.api import load_case

    app, _, _ = web
    names = {n for e in load_case(built_sample).entities if e.protected for n in (e.name, *e.aliases)}
    assert names  # the sample has protected witnesses
    viewer = TestClient(app)
    login(viewer, "vic")
    page = viewer.get("/sources")
    assert page.status_code == 200 and "Original sources" in page.text
    assert not [n for n in names if n in page.text]
