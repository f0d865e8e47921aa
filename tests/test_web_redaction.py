"""What readers who may not see protected witnesses are shown of reviews, the audit log and selections."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pyotp
import pytest
from fastapi.testclient import TestClient

from corroborator.review import load_reviews
from corroborator.store import open_case
from tests.webcase import DOC_A, DOC_D, TESTIMONY, csrf, login, make_app

PAGES = ("/reviews", "/api/v1/reviews", "/api/v1/reviews?limit=1&offset=1")


@pytest.fixture()
def web(tmp_path: Path):  # type: ignore[no-untyped-def]
    app, ids, secret = make_app(tmp_path, testimony=True)
    return app, ids, secret, tmp_path / "case.duckdb"


def _client(app, name: str, secret: str | None = None) -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app)
    login(client, name, totp=pyotp.TOTP(secret).now() if secret else None)
    return client


def _reveal(client: TestClient, on: bool) -> None:
    client.post("/reveal", data={"reveal": "1" if on else "0", "csrf_token": csrf(client), "next": "/"})


def _review_testimony_as_revealing_admin(app, ids: dict[str, str],  # type: ignore[no-untyped-def]
                                         secret: str) -> TestClient:
    """An admin who sees everything corrects the figure inside Timur's quote, citing it, and searches his name."""
    admin = _client(app, "ada", secret)
    _reveal(admin, True)
    start = DOC_D.index("30 of us")
    fid = quote(ids["f_inside"], safe="")
    done = admin.post(f"/figures/{fid}/review", data={
        "op": "correct", "csrf_token": csrf(admin), "qualifier": "at_least", "evidence_start": str(start),
        "evidence_end": str(start + 8), "evidence_text": "30 of us", "note": "Timur said held 30 of us"})
    assert done.status_code == 200
    assert admin.post(f"/figures/{fid}/review", data={"op": "confirm", "csrf_token": csrf(admin),
                                                      "note": "Timur confirmed it"}).status_code == 200
    assert admin.get("/search?q=Timur").status_code == 200  # audited with its query
    return admin


# Redaction hides who a witness is, not what they said (architecture, "Redaction"):
# the witness's name must never show; the words of the testimony may.
WITNESS_NAMES = tuple(t for t in TESTIMONY if t[0].isupper())


def _leaks(body: str) -> list[str]:
    flat = " ".join(body.split())
    return [t for t in WITNESS_NAMES if t.casefold() in flat.casefold()]


def test_web_redaction_review_history_never_shows_the_witness(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, secret, case = web
    admin = _review_testimony_as_revealing_admin(app, ids, secret)
    # The records themselves hold the testimony: what follows is the presentation's doing.
    app.state.case.db.close()
    with open_case(case, read_only=True) as store:
        stored = load_reviews(store)
    assert stored[0].before["text"] == "held 30 of us in one cell"
    assert stored[0].after["evidence"] == {"doc": ids["doc_d"], "start": DOC_D.index("30 of us"),
                                           "end": DOC_D.index("30 of us") + 8, "text": "30 of us"}
    revealed = admin.get("/reviews").text
    assert "held 30 of us in one cell" in revealed and "Timur" in revealed  # the admin who reveals sees it all
    for name in ("vic", "edna"):
        reader = _client(app, name)
        for path in PAGES:
            response = reader.get(path)
            assert response.status_code == 200 and _leaks(response.text) == [], (name, path)
        assert reader.get("/audit").status_code == 403
        items = reader.get("/api/v1/reviews").json()["items"]
        # The evidence lies inside the testimony: it is shown, at its place in the text the reader sees.
        evidence = items[0]["after"]["evidence"]
        assert len(items) == 2 and not evidence.get("withheld") and evidence["text"] == "30 of us"
        shown = reader.get(f"/api/v1/documents/{evidence['doc']}").json()["text"]
        assert shown[evidence["start"]:evidence["end"]] == "30 of us" and "Timur" not in shown
        # A note quoting the testimony is withheld; one naming the witness gets the pseudonym.
        assert "withheld" in items[0]["note"] and items[1]["note"] == "[Witness 2] confirmed it"
        assert items[0]["before"]["text"] == stored[0].before["text"]  # testimony words are kept
        assert items[0]["before"]["attributed_to"].startswith("[Witness")
    _reveal(admin, False)
    for path in (*PAGES, "/audit", "/audit?action=view"):
        response = admin.get(path)
        assert response.status_code == 200 and _leaks(response.text) == [], path
    assert "view.protected" in admin.get("/audit").text


def test_web_redaction_history_of_a_shown_figure_moves_its_selection(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _, _ = web
    editor = _client(app, "edna")
    figure = next(f for f in editor.get(f"/api/v1/figures?doc={ids['doc_d']}").json()["items"]
                  if f["text"] == "at least 30 people were held")
    shown = editor.get(f"/api/v1/documents/{figure['doc']}").json()["text"]
    assert "[Witness" in shown and shown != DOC_D
    start = shown.index("30 people")  # after the pseudonyms: not where it is in the machine text
    response = editor.post(f"/figures/{quote(figure['id'], safe='')}/review", data={
        "op": "correct", "csrf_token": csrf(editor), "qualifier": "exact", "evidence_start": str(start),
        "evidence_end": str(start + 2), "evidence_text": "30"})
    assert response.status_code == 200
    (item,) = editor.get("/api/v1/reviews").json()["items"]
    assert item["after"]["evidence"] == {"doc": figure["doc"], "start": start, "end": start + 2, "text": "30"}
    assert item["before"]["text"] == "at least 30 people were held" and item["target"] == figure["id"]
    page = editor.get(f"/figures/{quote(figure['id'], safe='')}").text
    # The history reads as text: the selection in the reader's own offsets.
    assert "figure.correct" in page and f"“30” (characters {start}–{start + 2})" in page


def test_web_redaction_final_guard_refuses_a_leaking_page(web, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from corroborator.web import api, pages_auth

    app, ids, secret, _ = web
    _review_testimony_as_revealing_admin(app, ids, secret)
    editor = _client(app, "edna")

    def careless(r, view):  # type: ignore[no-untyped-def]
        return {"seq": r.seq, "at": r.at, "user": r.user, "action": r.action, "kind": "figures", "target": r.target,
                "before": r.before, "after": r.after, "note": r.note}

    monkeypatch.setattr(pages_auth, "present_review", careless)
    monkeypatch.setattr(api, "present_review", careless)
    for path in PAGES:
        response = editor.get(path)
        assert response.status_code == 500 and _leaks(response.text) == [], path
        assert "final check" in response.text
    # A name the reader typed is repeated back, not refused: refusing would confirm it is protected.
    monkeypatch.undo()
    for path in ("/reviews?user=Timur", "/reviews?action=Karim", "/claims/claim-detained?done=Timur"):
        response = editor.get(path)
        assert response.status_code == 200, path


def test_web_redaction_selection_answers_the_same_for_a_guessed_name(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _, case = web
    editor = _client(app, "edna")
    grant = next(q for q in editor.get("/api/v1/quotes").json()["items"] if q["speaker_label"] == "Grant")
    shown = editor.get(f"/api/v1/documents/{grant['doc']}").json()["text"]
    at = shown.index("[Witness 1]*")  # where the protected name stood
    answers = []
    for guess in ("Karim", "Zorro"):
        response = editor.post(f"/quotes/{quote(grant['id'], safe='')}/review", data={
            "op": "speaker", "csrf_token": csrf(editor), "evidence_start": str(at),
            "evidence_end": str(at + len(guess)), "evidence_text": guess})
        answers.append((response.status_code, re.sub(r"\s+", " ", response.text)))
    assert answers[0] == answers[1] and answers[0][0] == 400
    # No nearest match: the exact characters at the exact place, or nothing.
    start = shown.index("Paul Grant")
    off_by_one = editor.post(f"/quotes/{quote(grant['id'], safe='')}/review", data={
        "op": "speaker", "csrf_token": csrf(editor), "evidence_start": str(start + 1),
        "evidence_end": str(start + 11), "evidence_text": "Paul Grant"})
    assert off_by_one.status_code == 400 and "select it again" in off_by_one.text
    exact = editor.post(f"/quotes/{quote(grant['id'], safe='')}/review", data={
        "op": "speaker", "csrf_token": csrf(editor), "evidence_start": str(start),
        "evidence_end": str(start + 10), "evidence_text": "Paul Grant"})
    assert exact.status_code == 200
    app.state.case.db.close()
    with open_case(case, read_only=True) as store:
        (record,) = load_reviews(store)
    raw = DOC_A.index("Paul Grant")
    assert record.after["evidence"] == {"doc": ids["doc_a"], "start": raw, "end": raw + 10, "text": "Paul Grant"}
    assert raw != start


def test_web_redaction_reviews_are_presented_page_by_page(web, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from corroborator.outputs import redact
    from corroborator.web import api

    app, _, _, _ = web
    editor = _client(app, "edna")
    for item in editor.get("/api/v1/claims").json()["items"]:
        editor.post(f"/claims/{quote(item['id'], safe='')}/review",
                    data={"op": "status", "status": "in_review", "csrf_token": csrf(editor)})
    editor.get("/api/v1/reviews")  # builds this version's view
    presented, assigned = [], []
    real_present, real_assign = api.present_review, redact.assign_pseudonyms
    monkeypatch.setattr(api, "present_review", lambda r, v: presented.append(r.seq) or real_present(r, v))
    monkeypatch.setattr(redact, "assign_pseudonyms", lambda c: assigned.append(1) or real_assign(c))
    page = editor.get("/api/v1/reviews?offset=1&limit=2").json()
    assert page["total"] == 3 and [i["seq"] for i in page["items"]] == presented and len(presented) == 2
    assert editor.get("/reviews").status_code == 200
    assert assigned == []  # witnesses are assigned once per view, not per record


def test_web_redaction_item_without_a_certain_machine_id_is_not_reviewed(web) -> None:  # type: ignore[no-untyped-def]
    app, ids, _, case = web
    editor = _client(app, "edna")
    figure = next(f for f in editor.get("/api/v1/figures").json()["items"] if f["value"] == 40)
    view = app.state.case.view(redacted=True)
    del view.to_raw["figures"][figure["id"]]  # as if redaction had moved two figures onto one span
    response = editor.post(f"/figures/{quote(figure['id'], safe='')}/review",
                           data={"op": "confirm", "csrf_token": csrf(editor)})
    assert response.status_code == 409 and "revealed" in response.text
    assert view.raw_id("figures", figure["id"]) != figure["id"]  # never falls back to the shown id
    app.state.case.db.close()
    with open_case(case, read_only=True) as store:
        assert load_reviews(store) == []
